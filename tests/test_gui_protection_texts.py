"""Protection texts as a user reads them: a first backup under way shows its progress on the banner and
the page (never a red "At risk"), a verify says what it checked (never "0 B / 1.2 MB"), and counts use
real plural forms in English and Chinese."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import QSettings, Qt

from tests.import_fixtures import big_whatsapp


@pytest.fixture(autouse=True)
def _settings(tmp_path: Path):
    from chatvault.gui import i18n

    QSettings.setPath(QSettings.Format.IniFormat, QSettings.Scope.UserScope, str(tmp_path / "settings"))
    i18n.set_language("en")
    yield
    i18n.set_language("en")


@pytest.fixture
def window(qtbot, vault, tmp_path: Path):
    from chatvault.gui.main_window import MainWindow
    from chatvault.ingest.engine import run_import

    run_import(vault, big_whatsapp(tmp_path / "WhatsApp Chat with Family.txt", 30))
    win = MainWindow(vault)
    qtbot.addWidget(win)
    win.show()
    yield win
    win.close()


def test_backup_in_progress_shows_progress_not_at_risk(qtbot, window, tmp_path: Path, monkeypatch) -> None:
    from chatvault import faults
    from chatvault.gui.main_window import PAGE_PROTECTION

    win, page = window, window.protection
    usb = tmp_path / "usb"
    usb.mkdir()
    assert page.add_folder_destination(str(usb), "usb")
    win.refresh_health()
    assert win.banner.isVisible() and win.banner.property("level") == "red"   # no verified backup yet
    monkeypatch.setenv("CHATVAULT_FAULT", "backup.put:1:sleep=0.3")            # a slow drive
    faults.reset()
    win.show_page(PAGE_PROTECTION)
    qtbot.mouseClick(page.backup_button, Qt.MouseButton.LeftButton)
    op = page.op
    assert op is not None and op.running
    qtbot.waitUntil(lambda: page.job_progress is not None, timeout=5000)
    banner = win.banner.text.text()
    assert win.banner.isVisible() and win.banner.property("level") == "busy" and win.banner.progress.isVisible()
    assert banner.startswith("Backing up to usb…") and "risk" not in banner.lower()
    assert win.banner.button.text() == "Show progress"
    page.refresh()                                     # a background read lands during the backup
    qtbot.waitUntil(lambda: page.refresh_op is None, timeout=10_000)
    assert page.dest_table.item(0, 2).text() == "⏳ Backing up…"
    assert page.summary.text().startswith("⏳ Backing up to usb…")
    monkeypatch.delenv("CHATVAULT_FAULT")
    faults.reset()
    with qtbot.waitSignal(op.ended, timeout=60_000):
        pass
    qtbot.waitUntil(lambda: not win.banner.isVisible(), timeout=5000)     # verified: green, the banner goes
    assert "On schedule" in page.dest_table.item(0, 2).text()
    # verify: what it checked, never "0 B / …"
    with qtbot.waitSignal(page.verify().ended, timeout=60_000):
        pass
    result = page.job_result.text()
    assert "every snapshot and object is intact" in result and "Checked 1 snapshot and " in result, result
    assert "read back" in result and "0 B" not in result
    kinds = [page.history.item(i, 1).text() for i in range(page.history.rowCount())]
    verify_row = kinds.index(next(k for k in kinds if k.startswith("Verify")))
    detail = page.history.item(verify_row, 3).text()
    assert detail.startswith("Checked 1 snapshot and ") and " / " not in detail, detail
    backup_row = kinds.index(next(k for k in kinds if k.startswith("Backup")))
    assert "backed up" in page.history.item(backup_row, 3).text()


def test_plural_forms_in_english_and_chinese(qtbot, window) -> None:
    from chatvault.gui import i18n

    win = window
    win.reload_chats()
    assert win.statusBar().currentMessage() == "1 conversation"
    assert win.protection.verify_summary(1, 1, 2048) == "Checked 1 snapshot and 1 object; 2.0 KB read back."
    assert win.protection.verify_summary(3, 120, 0).startswith("Checked 3 snapshots and 120 objects")
    assert win.protection.every(60) == "Every minute" and win.protection.every(600) == "Every 10 minutes"
    i18n.set_language("zh_CN")
    win.reload_chats()
    assert win.statusBar().currentMessage() == "1 个聊天"
    assert win.protection.verify_summary(3, 120, 2048) == "已检查 3 个快照和 120 个对象，读回 2.0 KB。"
    assert win.protection.every(60) == "每 1 分钟"
