"""The compliance page walked as an officer would: add a custodian, place a hold through its dialog,
add a retention policy, preview and run it, verify the audit trail, try an erasure the hold refuses,
set the officer passphrase — and, unlocked as the owner afterwards, find the page read-only."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import QSettings, QTimer
from PySide6.QtWidgets import QApplication, QDialogButtonBox, QInputDialog, QMessageBox, QPushButton

from chatvault.gui.ops import wait_for_pool
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
    # the tabs' reads run on the pool with connections of this vault: they end before it locks
    qtbot.waitUntil(lambda: not any(t.busy() for t in page.all_tabs()), timeout=20000)
    page.set_vault(None)
    wait_for_pool(20000)
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


def test_the_search_page_filters_by_custodian_and_records_searches_in_compliance_mode(qtbot, window, tmp_path):
    from chatvault.compliance import custodians, searches
    from chatvault.gui.views.main_chrome import PAGE_SEARCH
    from chatvault.store import audit as audit_trail

    vault = window.vault
    conn = vault.connect()
    zhang = custodians.add(conn, "Zhang Wei")
    conn.close()
    import_chat(vault, tmp_path, "Client", 20, ("Zhang", "Client"), custodian="Zhang Wei", tag="z")
    searches.set_enabled(vault, True)
    page = window.search_page
    window.show_page(PAGE_SEARCH)
    page.refresh_filters()
    box = page.compliance.custodian
    qtbot.waitUntil(lambda: box.isVisible() and box.count() == 3, timeout=5000)
    page.compliance.settle.setInterval(50)
    box.setCurrentIndex(box.findData(zhang))
    page.box.setText("contract")
    qtbot.waitUntil(lambda: page.last_result is not None and page.last_result.total == 18, timeout=5000)
    assert all("Client" in (h.conversation or "") for h in page.last_result.results)

    def recorded() -> list:
        c = vault.connect(readonly=True)
        try:
            return audit_trail.entries(c, action="search")
        finally:
            c.close()
    qtbot.waitUntil(lambda: len(recorded()) == 1, timeout=5000)
    entry = recorded()[0]
    assert entry["detail"]["query"] == "contract" and entry["detail"]["filters"]["custodian"] == zhang


def test_an_auto_import_folder_added_in_the_app_asks_whose_archive_it_is(qtbot, window, tmp_path, monkeypatch):
    from chatvault.compliance import custodians
    from chatvault.watch.folders import list_folders

    conn = window.vault.connect()
    zhang = custodians.add(conn, "Zhang Wei")
    conn.close()
    answers = iter([("Import new exports saved here (auto-import)", True), ("Zhang Wei", True)])
    asked = []

    def get_item(_parent, title, label, items, *a, **k):
        asked.append((title, list(items)))
        return next(answers)
    monkeypatch.setattr(QInputDialog, "getItem", get_item)
    folder = tmp_path / "exports"
    folder.mkdir()
    assert window.protection.add_watch_folder(str(folder))
    assert asked[1][1] == ["Vault owner", "Zhang Wei"]
    conn = window.vault.connect(readonly=True)
    try:
        assert [(f.rule, f.custodian_id) for f in list_folders(conn)] == [("auto-import", zhang)]
    finally:
        conn.close()


def test_held_chats_carry_a_tag_and_every_deleting_path_of_the_app_is_refused(qtbot, window, tmp_path, monkeypatch):
    """A hold placed on the page tags the chat in the list and the header; the app's Erase… and a
    shorter period for a locked policy are refused with the reason, and the trail says so."""
    from chatvault.compliance import custodians, retention
    from chatvault.compliance.holds import HoldScope
    from chatvault.store import audit as audit_trail

    page, api = window.compliance, window.compliance.api
    conv_id = window.chat_model.rows[0]["id"]
    window.chat_list.setCurrentIndex(window.chat_proxy.index(0, 0))
    page.holds.run(lambda _ctx: api.place_hold("HR-9", "complaint", HoldScope(conversation_id=conv_id)),
                   lambda _h: page.holds.changed.emit())
    qtbot.waitUntil(lambda: window.chat_model.rows[0].get("held") == 60, timeout=5000)
    qtbot.waitUntil(lambda: "On legal hold" in window.conv_title.text(), timeout=5000)

    # Erase… under the hold: refused, naming it; nothing deleted
    window.show_page(5)
    page.tabs.setCurrentWidget(page.erasure)
    page.erasure.person.setText("Dana Li")
    page.erasure.findChild(QPushButton, "findPerson").click()
    qtbot.waitUntil(lambda: page.erasure.identities.count() >= 1, timeout=5000)
    monkeypatch.setattr(QInputDialog, "getText", lambda *a, **k: ("request 7", True))
    monkeypatch.setattr(QMessageBox, "warning", lambda *a, **k: QMessageBox.StandardButton.Yes)
    page.erasure.findChild(QPushButton, "eraseNow").click()
    qtbot.waitUntil(lambda: "HR-9" in _message(page.erasure), timeout=5000)

    # a locked policy asked for a shorter period: refused with the reason
    conn = window.vault.connect()
    pid = retention.set_policy(conn, "seven years", 7 * 365)
    retention.lock(conn, pid)
    page.tabs.setCurrentWidget(page.retention)
    qtbot.waitUntil(lambda: len(page.retention.rows) == 1, timeout=5000)
    page.retention.table.selectRow(0)
    monkeypatch.setattr(QInputDialog, "getInt", lambda *a, **k: (30, True))
    page.retention.findChild(QPushButton, "lengthenPolicy").click()
    qtbot.waitUntil(lambda: "locked" in _message(page.retention), timeout=5000)
    actions = [e["action"] for e in audit_trail.entries(conn)]
    assert "erase.refused" in actions and "retention.set.refused" in actions
    assert conn.execute("SELECT count(*) FROM messages").fetchone()[0] == 60
    assert retention.list_policies(conn)[0]["keep_days"] == 7 * 365
    conn.close()
    assert custodians.list_custodians(window.vault.connect(readonly=True))[0]["messages"] == 60


def test_the_chat_list_filters_by_custodian(qtbot, window, tmp_path):
    from chatvault.compliance import custodians

    conn = window.vault.connect()
    zhang = custodians.add(conn, "Zhang Wei")
    conn.close()
    import_chat(window.vault, tmp_path, "Client", 20, ("Zhang", "Client"), custodian="Zhang Wei", tag="z")
    window.reload_chats()
    box = window.chat_compliance.custodian
    qtbot.waitUntil(lambda: box.count() == 3 and not box.isHidden(), timeout=5000)
    assert window.chat_proxy.rowCount() == 2
    box.setCurrentIndex(box.findData(zhang))
    qtbot.waitUntil(lambda: window.chat_proxy.rowCount() == 1, timeout=5000)
    assert "Client" in window.chat_proxy.index(0, 0).data()
    box.setCurrentIndex(0)
    qtbot.waitUntil(lambda: window.chat_proxy.rowCount() == 2, timeout=5000)
