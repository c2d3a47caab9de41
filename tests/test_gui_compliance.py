"""The compliance page walked as an officer would: add a custodian, place a hold through its dialog,
add a retention policy, preview and run it, verify the audit trail, try an erasure the hold refuses,
set the officer passphrase — and, unlocked as the owner afterwards, find the page read-only."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import QSettings, QTimer
from PySide6.QtWidgets import QApplication, QDialogButtonBox, QInputDialog, QMessageBox, QPushButton

from tests.compliance_fixtures import import_chat
from tests.conftest import PASSPHRASE


@pytest.fixture(autouse=True)
def _settings(tmp_path: Path):
    QSettings.setPath(QSettings.Format.IniFormat, QSettings.Scope.UserScope, str(tmp_path / "settings"))


@pytest.fixture
def window(qtbot, vault, tmp_path):
    from chatvault.gui.main_window import MainWindow

    import_chat(vault, tmp_path, "Dana", 60, ("Dana Li", "Me"))
    win = MainWindow(vault)
    qtbot.addWidget(win)
    win.show()
    yield win
    win.close()


def _in_modal(fill) -> None:
    """Run `fill(dialog)` on the next modal dialog, then press its OK."""
    def go() -> None:
        dlg = QApplication.activeModalWidget()
        if dlg is None:
            QTimer.singleShot(20, go)
            return
        fill(dlg)
        dlg.findChild(QDialogButtonBox).button(QDialogButtonBox.StandardButton.Ok).click()
    QTimer.singleShot(0, go)


def _message(tab) -> str:
    return tab.message.text()


def test_an_officer_walks_the_compliance_page(qtbot, window, monkeypatch):
    from chatvault.gui.views.main_chrome import PAGE_COMPLIANCE

    window.nav_buttons[PAGE_COMPLIANCE].click()
    page = window.compliance
    assert window.stack.currentWidget() is page
    qtbot.waitUntil(lambda: len(page.custodians.rows) == 1)

    monkeypatch.setattr(QInputDialog, "getText", lambda *a, **k: ("Zhang Wei", True))
    page.custodians.findChild(QPushButton, "addCustodian").click()
    qtbot.waitUntil(lambda: any(r["name"] == "Zhang Wei" for r in page.custodians.rows))

    page.tabs.setCurrentWidget(page.holds)

    def fill_hold(dlg) -> None:
        dlg.matter_edit.setText("HR-7")
        dlg.reason_edit.setText("complaint under review")
        dlg.after_check.setChecked(False)
    _in_modal(fill_hold)
    page.holds.findChild(QPushButton, "placeHold").click()
    qtbot.waitUntil(lambda: any(h["matter"] == "HR-7" and h["messages"] == 60 for h in page.holds.rows),
                    timeout=5000)

    page.tabs.setCurrentWidget(page.retention)

    def fill_policy(dlg) -> None:
        dlg.name_edit.setText("One year")
        dlg.amount.setValue(1)
    _in_modal(fill_policy)
    page.retention.findChild(QPushButton, "addPolicy").click()
    qtbot.waitUntil(lambda: len(page.retention.rows) == 1, timeout=5000)
    page.retention.findChild(QPushButton, "previewRetention").click()
    qtbot.waitUntil(lambda: "messages: 0; past their period but held: 60"
                    in _message(page.retention), timeout=5000)

    page.tabs.setCurrentWidget(page.audit)
    page.audit.findChild(QPushButton, "verifyAudit").click()
    qtbot.waitUntil(lambda: page.audit.status == "ok", timeout=5000)
    qtbot.waitUntil(lambda: any(r["action"] == "hold.add" for r in page.audit.rows), timeout=5000)
    page.audit.searches.setChecked(True)                 # compliance mode: searches become entries
    qtbot.waitUntil(lambda: any(r["action"] == "compliance.search_audit" for r in page.audit.rows), timeout=5000)
    assert page.api.searches_audited()

    page.tabs.setCurrentWidget(page.erasure)
    page.erasure.person.setText("Dana")
    page.erasure.findChild(QPushButton, "findPerson").click()
    qtbot.waitUntil(lambda: page.erasure.identities.count() >= 1, timeout=5000)
    page.erasure.findChild(QPushButton, "previewErasure").click()
    qtbot.waitUntil(lambda: "HR-7" in _message(page.erasure), timeout=5000)

    def fill_officer(dlg) -> None:
        dlg.fields.passphrase.setText("officer's own long passphrase 42")
        dlg.fields.repeat.setText("officer's own long passphrase 42")
    _in_modal(fill_officer)
    page.officer_button.click()
    qtbot.waitUntil(lambda: page.api is not None and page.api.has_officer, timeout=10000)

    # The owner unlocks: the page says why it is read-only, and its change buttons are off.
    from chatvault.vault.vault import open_vault

    path = window.vault.path
    window.lock()
    QApplication.closeAllWindows()
    owner = open_vault(path, PASSPHRASE)
    page.set_vault(owner)
    assert "Read-only" in page.role_label.text()
    assert not page.holds.findChild(QPushButton, "releaseHold").isEnabled()
    assert page.audit.findChild(QPushButton, "verifyAudit").isEnabled()
    page.set_vault(None)
    owner.lock()


def test_running_retention_from_the_page_deletes_and_says_so(qtbot, window, monkeypatch):
    from chatvault.compliance import retention

    conn = window.vault.connect()
    retention.set_policy(conn, "a year", 365)
    conn.close()
    page = window.compliance
    window.show_page(5)
    page.tabs.setCurrentWidget(page.retention)
    monkeypatch.setattr(QMessageBox, "question", lambda *a, **k: QMessageBox.StandardButton.Yes)
    page.retention.findChild(QPushButton, "runRetention").click()
    qtbot.waitUntil(lambda: "Deleted messages: 60;" in _message(page.retention), timeout=10000)
    page.tabs.setCurrentWidget(page.audit)
    page.audit.refresh()
    qtbot.waitUntil(lambda: any(r["action"] == "retention.run" for r in page.audit.rows), timeout=5000)
