"""A message deleted for everyone after an earlier import, in a format without message ids
(WhatsApp's "This message was deleted"): the stored message is marked recalled and keeps its text,
as a WeChat recall does (tests/test_wechat_history.py); nothing is added for the notice."""

from __future__ import annotations

import json
from datetime import timedelta
from pathlib import Path

from chatvault.importers.base import ImportOptions
from chatvault.ingest.engine import run_import
from tests.import_fixtures import LAYOUTS, T0, write_txt

OPTS = ImportOptions(options={"tz": "UTC"}, me="Alice")
NAME = "WhatsApp Chat with Bob.txt"


def _lines(*rows: tuple[int, str, str]) -> list[str]:
    lay = LAYOUTS["android-en-gb"]
    return [lay.stamp(T0 + timedelta(minutes=m)) + f"{who}: {text}" for m, who, text in rows]


def _export(tmp_path: Path, folder: str, *rows: tuple[int, str, str]) -> Path:
    (tmp_path / folder).mkdir()
    return write_txt(tmp_path / folder / NAME, _lines(*rows))


def test_whatsapp_deleted_for_everyone_after_import_marks_the_kept_message(vault, tmp_path: Path) -> None:
    first = _export(tmp_path, "a", (0, "Alice", "hi"), (1, "Bob", "the secret"), (1, "Bob", "ok"),
                    (2, "Alice", "mine to take back"), (3, "Bob", "one"), (3, "Bob", "two"), (4, "Alice", "bye"))
    assert run_import(vault, first, options=OPTS).added == 7
    later = _export(tmp_path, "b", (0, "Alice", "hi"), (1, "Bob", "This message was deleted"), (1, "Bob", "ok"),
                    (2, "Alice", "You deleted this message"), (3, "Bob", "This message was deleted"),
                    (4, "Alice", "bye"), (5, "Bob", "new"))
    r = run_import(vault, later, options=OPTS)
    # "the secret" and mine are recalled in place; at minute 3 two of Bob's messages are gone and one
    # notice came: which one he deleted for everyone is unknown, so the notice is kept beside them.
    assert (r.added, r.recalled, r.missing_at_source) == (2, 2, 2), r
    conn = vault.connect(readonly=True)
    try:
        rows = {m[0]: (m[1], m[2], json.loads(m[3] or "{}")) for m in conn.execute(
            "SELECT text, kind, status, extra FROM messages ORDER BY ts, id")}
    finally:
        conn.close()
    secret, mine = rows["the secret"], rows["mine to take back"]
    assert secret[:2] == ("text", "present") and secret[2]["recalled"]["by_me"] is False
    assert mine[:2] == ("text", "present") and mine[2]["recalled"]["by_me"] is True
    assert rows["one"][1] == rows["two"][1] == "missing-at-source" and "recalled" not in rows["one"][2]
    assert rows["This message was deleted"][0] == "recalled"
    assert "You deleted this message" not in rows
    # The same later export again: nothing changes.
    again = run_import(vault, later, options=ImportOptions(options={"tz": "UTC", "reread": True}, me="Alice"))
    assert (again.added, again.recalled, again.missing_at_source) == (0, 0, 0)


def test_import_dialog_reports_the_recalled_messages(qtbot, vault, tmp_path: Path) -> None:
    """The app's import summary says how many kept messages were recalled since the last import."""
    from PySide6.QtCore import Qt

    from chatvault.gui.main_window import MainWindow

    first = _export(tmp_path, "a", (0, "Alice", "hi"), (1, "Bob", "the secret"), (2, "Bob", "bye"))
    run_import(vault, first, options=OPTS)
    later = _export(tmp_path, "b", (0, "Alice", "hi"), (1, "Bob", "This message was deleted"), (2, "Bob", "bye"))
    win = MainWindow(vault)
    qtbot.addWidget(win)
    win.show()
    dlg = win.imports.start_preview(later)
    qtbot.waitUntil(lambda: dlg.pages.currentIndex() == 1, timeout=30_000)
    dlg.me.setEditText("Alice")
    with qtbot.waitSignal(win.imports.finished, timeout=60_000) as sig:
        qtbot.mouseClick(dlg.start_button, Qt.MouseButton.LeftButton)
    assert sig.args[0].recalled == 1
    rows = {dlg.report_form.itemAt(i, dlg.report_form.ItemRole.LabelRole).widget().text():
            dlg.report_form.itemAt(i, dlg.report_form.ItemRole.FieldRole).widget().text()
            for i in range(dlg.report_form.rowCount())}
    assert rows["Recalled by their sender since the last import (text kept)"] == "1"
    win.close()
