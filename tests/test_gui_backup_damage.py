"""The protection page with a damaged vault: a backup is refused, the banner and tray turn red and
say what is damaged; the add-destination dialog creates a missing folder or refuses it at once."""

from __future__ import annotations

import random
from pathlib import Path

import pytest
from PySide6.QtCore import QSettings

from tests.backup_fixtures import fill
from tests.test_backup_source import attach, damage_blob


@pytest.fixture(autouse=True)
def _settings(tmp_path: Path):
    QSettings.setPath(QSettings.Format.IniFormat, QSettings.Scope.UserScope, str(tmp_path / "settings"))


@pytest.fixture
def window(qtbot, vault):
    from chatvault.gui.main_window import MainWindow

    ids = fill(vault, messages=60, blobs=3)
    attach(vault, ids, conversations=1)
    win = MainWindow(vault)
    win.blob_ids = ids
    qtbot.addWidget(win)
    win.show()
    yield win
    win.close()


def test_add_destination_creates_a_missing_folder_or_refuses_it_now(window, tmp_path: Path) -> None:
    page = window.protection
    new = tmp_path / "drive" / "ChatVault backups"
    (tmp_path / "drive").mkdir()
    assert page.add_folder_destination(str(new), "drive")
    assert new.is_dir() and new.stat().st_mode & 0o777 == 0o700
    assert not page.add_folder_destination(str(tmp_path / "unplugged" / "backups"), "nas")
    assert "parent folder" in page.job_result.text() and "unplugged" in page.job_result.text()
    assert [h.name for h in page.healths] == ["drive"]


def test_damaged_blob_refuses_the_backup_and_turns_banner_and_tray_red(qtbot, window, tmp_path: Path) -> None:
    from chatvault.gui.main_window import PAGE_PROTECTION

    win = window
    win.show_page(PAGE_PROTECTION)
    page = win.protection
    assert page.add_folder_destination(str(tmp_path / "usb"), "usb")
    op = page.backup_now()
    with qtbot.waitSignal(op.ended, timeout=60_000):
        pass
    assert "finished and verified" in page.job_result.text(), page.job_result.text()
    win.refresh_health()
    assert not win.banner.isVisible()

    damage_blob(win.vault, win.blob_ids[0], random.Random(5))
    op = page.backup_now()
    with qtbot.waitSignal(op.ended, timeout=60_000):
        pass
    assert "not backed up" in page.job_result.text(), page.job_result.text()
    assert page.healths[0].state == "red" and page.healths[0].damaged
    row = page.dest_table.item(0, 4).text()
    assert "Damage found" in row and "1 media file" in row and "Photos 0" in row
    win.refresh_health()
    assert win.banner.isVisible() and "Damage found" in win.banner.text.text()
    assert win.tray.level == "red"
    assert any("Damage found" in text for _title, text in win.tray.notified)
