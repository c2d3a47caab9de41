"""The import dialog asks for the date order when a WhatsApp export cannot tell it (issue #16, item 2),
imports with the answer, and a second answer re-dates instead of duplicating."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

from PySide6.QtCore import Qt

from tests.test_gui_flows import _settings, window  # noqa: F401  (fixtures)


def _stored(win) -> list[int]:
    conn = win.vault.connect(readonly=True)
    try:
        cid = conn.execute("SELECT id FROM conversations WHERE title = 'Ann'").fetchone()[0]
        return [r[0] for r in conn.execute("SELECT ts FROM messages WHERE conversation_id = ? ORDER BY id", (cid,))]
    finally:
        conn.close()


def _import_with(qtbot, win, path: Path, index: int):
    dlg = win.imports.start_preview(path)
    qtbot.waitUntil(lambda: dlg.pages.currentIndex() == 4, timeout=30_000)       # the question
    assert "03/04/23" in dlg.question.text() and "3 April" in dlg.question.text()
    assert [dlg.order_choice.itemData(i) for i in range(dlg.order_choice.count())] == ["DMY", "MDY"]
    dlg.order_choice.setCurrentIndex(index)
    qtbot.mouseClick(dlg.order_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: dlg.pages.currentIndex() == 1, timeout=30_000)       # the preview, with the answer
    assert dlg.preview["messages"] == 2
    with qtbot.waitSignal(win.imports.finished, timeout=60_000) as sig:
        qtbot.mouseClick(dlg.start_button, Qt.MouseButton.LeftButton)
    dlg.close()
    return sig.args[0]


def test_import_dialog_asks_the_date_order(qtbot, window, tmp_path: Path) -> None:  # noqa: F811
    path = tmp_path / "WhatsApp Chat with Ann.txt"
    path.write_text("03/04/23, 10:00 - Ann: x\n03/04/23, 10:01 - Bob: y\n", encoding="utf-8")
    rep = _import_with(qtbot, window, path, 0)                  # day first
    assert rep.added == 2
    assert {datetime.fromtimestamp(ts / 1000).month for ts in _stored(window)} == {4}
    window.imports.op = None
    rep = _import_with(qtbot, window, path, 1)                  # month first, on second thought
    assert rep.added == 0 and rep.redated == 2
    assert {datetime.fromtimestamp(ts / 1000).month for ts in _stored(window)} == {3}


def test_asked_again_the_dialog_offers_the_answer_the_vault_keeps(qtbot, window, tmp_path: Path) -> None:  # noqa: F811
    path = tmp_path / "WhatsApp Chat with Ann.txt"
    path.write_text("03/04/23, 10:00 - Ann: x\n03/04/23, 10:01 - Bob: y\n", encoding="utf-8")
    _import_with(qtbot, window, path, 1)                        # month first
    window.imports.op = None
    dlg = window.imports.start_preview(path)
    qtbot.waitUntil(lambda: dlg.pages.currentIndex() == 4, timeout=30_000)
    assert dlg.order_choice.currentData() == "MDY"              # the kept answer comes first
    assert "keeps this chat read month first" in dlg.question.text()
    dlg.close()
