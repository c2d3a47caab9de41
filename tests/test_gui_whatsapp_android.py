"""The import dialog asks for a WhatsApp backup's key (the 64 digits, or the key file) and imports it."""

from __future__ import annotations

from tests import wa_android_fixtures as F


def test_the_import_dialog_asks_for_the_whatsapp_backup_key(qtbot, vault, tmp_path, monkeypatch):
    from PySide6.QtCore import QSettings, Qt
    from PySide6.QtWidgets import QLabel, QLineEdit, QPushButton

    from chatvault.gui.main_window import MainWindow

    monkeypatch.setenv("CHATVAULT_TMPDIR", str(tmp_path / "work"))
    QSettings.setPath(QSettings.Format.IniFormat, QSettings.Scope.UserScope, str(tmp_path / "settings"))
    store = F.sample_store(60)
    root = F.phone_folder(tmp_path / "phone", store)
    win = MainWindow(vault)
    qtbot.addWidget(win)
    win.show()
    dlg = win.imports.start_preview(root)
    qtbot.waitUntil(lambda: dlg.pages.currentIndex() == 1, timeout=60_000)
    key = dlg.findChild(QLineEdit, "field_wa_key")
    error = dlg.findChild(QLabel, "field_wa_keyError")
    # Both ways to give the key are offered, with where to find them; the 64 digits are hidden as typed.
    assert key.isVisibleTo(dlg) and key.echoMode() == QLineEdit.EchoMode.Password
    assert "Chat backup" in dlg.findChild(QLabel, "field_wa_keyHelp").text()
    assert dlg.findChild(QPushButton, "field_wa_keyfileBrowse").isVisibleTo(dlg)
    assert "/data/data/com.whatsapp/files/key" in dlg.findChild(QLabel, "field_wa_keyfileHelp").text()
    qtbot.waitUntil(lambda: error.isVisible(), timeout=30_000)
    assert "end-to-end backup key" in error.text() and not dlg.start_button.isEnabled()
    qtbot.keyClicks(key, "12ab")
    assert "64 hexadecimal digits" in error.text()
    key.clear()
    qtbot.keyClicks(key, "ab" * 32)                            # well formed, but another backup's key
    qtbot.waitUntil(lambda: "does not open" in error.text(), timeout=30_000)
    assert "msgstore.db.crypt15" in error.text() and not dlg.start_button.isEnabled()
    key.clear()
    qtbot.keyClicks(key, F.ROOT_KEY_HEX)
    qtbot.waitUntil(lambda: dlg.start_button.isEnabled(), timeout=30_000)
    with qtbot.waitSignal(win.imports.finished, timeout=60_000):
        qtbot.mouseClick(dlg.start_button, Qt.MouseButton.LeftButton)
    shown = {c["display"] for c in win.chat_model.rows}
    assert {"Alice Example", "Family 🏠"} <= shown
    # A .txt export of one of those chats, imported afterwards: joined, and the report says so.
    export = F.export_folder(tmp_path / "export", store, F.ALICE, "Alice Example")
    dlg = win.imports.start_preview(export)
    qtbot.waitUntil(lambda: dlg.start_button.isEnabled(), timeout=60_000)
    with qtbot.waitSignal(win.imports.finished, timeout=60_000) as sig:
        qtbot.mouseClick(dlg.start_button, Qt.MouseButton.LeftButton)
    joined = sum(1 for m in store.msgs if m.chat == F.ALICE)
    assert sig.args[0].added == 0 and sig.args[0].merged == joined
    rows = {dlg.report_form.itemAt(i, dlg.report_form.ItemRole.LabelRole).widget().text():
            dlg.report_form.itemAt(i, dlg.report_form.ItemRole.FieldRole).widget().text()
            for i in range(dlg.report_form.rowCount())}
    assert rows["Already in the vault from another WhatsApp source (joined, not doubled)"] == f"{joined:,}"
    assert sum(1 for c in win.chat_model.rows if c["display"] == "Alice Example") == 1
    win.close()
