"""One WeChat account imported twice, months apart (tests/wechat_states.py), on all three variants:
recalls after the first import, a deleted friend, a changed remark and a renamed group."""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from chatvault.importers.base import ImportOptions
from chatvault.ingest.engine import ImportReport, run_import
from chatvault.search.api import SearchFilters, search
from chatvault.store.store import Store
from chatvault.vault.vault import Vault
from tests import wechat_states as S
from tests.conftest import PASSPHRASE

FORMATS = list(S.WRITERS)


@pytest.fixture(autouse=True)
def _private_tmp(tmp_path, monkeypatch):
    monkeypatch.setenv("CHATVAULT_TMPDIR", str(tmp_path / "work"))


def _import(vault, fmt: str, base, state: int, **extra):
    write, options = S.WRITERS[fmt]
    path = write(base, state)
    return run_import(vault, path, format=fmt, options=ImportOptions(options=options | extra))


def _messages(conn) -> dict[str, dict]:
    rows = conn.execute("SELECT source_key, kind, status, text, extra FROM messages").fetchall()
    return {r[0]: {"kind": r[1], "status": r[2], "text": r[3], "extra": json.loads(r[4] or "{}")} for r in rows}


@dataclass
class History:
    fmt: str
    vault: Vault
    folder: Path
    first: ImportReport
    second: ImportReport


@pytest.fixture(scope="module", params=FORMATS)
def history(request, tmp_path_factory) -> Iterator[History]:
    """A vault after importing state 1, then state 2, of the same account folder; built once per
    variant and shared by the tests that only read it (Weixin 4's key derivation is slow)."""
    from chatvault.vault.vault import create_vault

    fmt = request.param
    base = tmp_path_factory.mktemp(fmt)
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("CHATVAULT_TMPDIR", str(base / "work"))
        v, _ = create_vault(base / "vault", PASSPHRASE)
        first = _import(v, fmt, base, 1)
        assert first.outcome == "ok" and first.added == len(S.messages(1))
        second = _import(v, fmt, base, 2)
    yield History(fmt, v, base, first, second)
    v.lock()


def test_recalls_after_the_first_import_mark_the_stored_messages(history, monkeypatch):
    vault, second = history.vault, history.second
    # Two new messages; three stored messages recalled since (by Alice, by me, by Bob in the group);
    # nothing lost at the source, nothing added for the recall notices.
    assert (second.added, second.recalled, second.missing_at_source, second.edited) == (2, 3, 0, 0), second
    conn = vault.connect(readonly=True)
    try:
        msgs = _messages(conn)
    finally:
        conn.close()
    assert not {"3103-recalled", "3104-recalled", "3401-recalled"} & set(msgs)
    secret, oops, group = msgs["3103"], msgs["3104"], msgs["3401"]
    assert (secret["kind"], secret["status"], secret["text"]) == ("text", "present", "secret plan at 9")
    assert secret["extra"]["recalled"]["by_me"] is False and "撤回" in secret["extra"]["recalled"]["notice"]
    assert oops["text"] == "oops wrong chat" and oops["extra"]["recalled"]["by_me"] is True
    assert group["text"] == "group hello" and group["extra"]["recalled"]["by_me"] is False
    # A recall the first import already saw (the message never reached the vault) stays a notice.
    assert msgs["3105-recalled"]["kind"] == "recalled" and "recalled" not in msgs["3105-recalled"]["extra"]
    assert msgs["3106"]["text"] == "after the recall"
    # The kept text is still found by search.
    conn = vault.connect(readonly=True)
    try:
        assert search(conn, "secret plan").total == 1
    finally:
        conn.close()
    # Reading the later state again changes nothing.
    monkeypatch.setenv("CHATVAULT_TMPDIR", str(history.folder / "work"))
    again = _import(vault, history.fmt, history.folder, 2, reread=True)
    assert (again.added, again.recalled, again.missing_at_source, again.edited) == (0, 0, 0, 0)
    assert again.already_present == len(S.messages(2))


def test_a_deleted_friend_keeps_name_avatar_and_chat(history):
    conn = history.vault.connect(readonly=True)
    try:
        store = Store(conn)
        bob_chat = store.find_conversation("Bob")
        assert bob_chat is not None and bob_chat["source_key"] == S.BOB and bob_chat["title"] == "Bob"
        name, extra = conn.execute("SELECT display_name, extra FROM participants WHERE source_key = ?",
                                   (S.BOB,)).fetchone()
        assert name == "Bob" and json.loads(extra)["avatar_url"] == S.BOB_AVATAR
        senders = {r[0] for r in conn.execute(
            "SELECT p.display_name FROM messages m JOIN participants p ON p.id = m.sender_id "
            "JOIN conversations c ON c.id = m.conversation_id WHERE c.source_key IN (?, ?) AND p.is_me = 0",
            (S.BOB, S.ROOM))}
        assert senders == {"Bob", "Alice R"}                  # no message relabelled with the raw wxid
        assert search(conn, "", SearchFilters(conversations=["Bob"])).total == 2
        assert search(conn, "", SearchFilters(sender="Bob")).total >= 2
    finally:
        conn.close()


def test_changed_remark_and_renamed_group_keep_the_earlier_names_findable(history):
    conn = history.vault.connect(readonly=True)
    try:
        store = Store(conn)
        carol = store.find_conversation("Carol New")
        assert carol is not None and carol["title"] == "Carol New"
        assert store.find_conversation("Carol Old")["id"] == carol["id"]
        room = store.find_conversation("Climbing club")
        assert room is not None and room["source_key"] == S.ROOM
        assert store.find_conversation("Hiking group")["id"] == room["id"]
        assert search(conn, "", SearchFilters(conversations=["Hiking"])).total == search(
            conn, "", SearchFilters(conversations=[room["id"]])).total > 0
        # The sender shows the new remark; the earlier one still finds her messages.
        assert conn.execute("SELECT display_name FROM participants WHERE source_key = ?",
                            (S.CAROL,)).fetchone()[0] == "Carol New"
        assert search(conn, "", SearchFilters(sender="Carol Old")).total == 1
        history = [r[0] for r in conn.execute(
            "SELECT title FROM conversation_titles WHERE conversation_id = ? ORDER BY first_seen_at, title",
            (room["id"],))]
        assert set(history) == {"Hiking group", "Climbing club"}           # both names, in the order seen
        # A group titled by its members gets its real name; a named group whose contact row went away
        # keeps its name (the members' names never replace it).
        titles = dict(conn.execute("SELECT source_key, title FROM conversations WHERE source_key IN (?, ?)",
                                   (S.UNNAMED, S.FORGOTTEN)).fetchall())
        assert titles == {S.UNNAMED: "Book club", S.FORGOTTEN: "Old friends"}
        assert store.find_conversation("Alice R、Carol Old")["source_key"] == S.UNNAMED
    finally:
        conn.close()


def test_search_cli_finds_the_deleted_friend_and_the_old_group_name(vault, vault_path, tmp_path, cli):
    from tests.conftest import PASSPHRASE

    _import(vault, "wechat-pc", tmp_path, 1)
    _import(vault, "wechat-pc", tmp_path, 2)
    vault.lock()
    env = {"CHATVAULT_VAULT": str(vault_path), "CHATVAULT_PASSPHRASE": PASSPHRASE}
    r = cli("search", "", "--chat", "Bob", "--json", env=env)
    assert r.returncode == 0, r.stderr
    assert {h["conversation"] for h in json.loads(r.stdout)["results"]} == {"Bob"}
    r = cli("search", "", "--chat", "Hiking group", "--json", env=env)
    assert r.returncode == 0, r.stderr
    hits = json.loads(r.stdout)["results"]
    assert hits and {h["conversation"] for h in hits} == {"Climbing club"}
    r = cli("show", "Alice R", env=env)
    assert r.returncode == 0, r.stderr
    assert "Alice R: secret plan at 9 (recalled)" in r.stdout and "me: oops wrong chat (recalled)" in r.stdout


def test_conversation_view_shows_a_kept_recalled_message(qtbot, vault, tmp_path):
    """What the user sees: the recalled message with its text and a "Recalled" badge; the notice the
    first import saw stays a centred notice."""
    from PySide6.QtCore import Qt
    from PySide6.QtWidgets import QStyleOptionViewItem

    from chatvault.gui.views.message_view import MessageView

    _import(vault, "wechat-pc", tmp_path, 1)
    _import(vault, "wechat-pc", tmp_path, 2)
    ro = vault.connect(readonly=True)
    view = MessageView()
    qtbot.addWidget(view)
    view.resize(800, 600)
    view.show()
    view.model_.set_connection(ro)
    alice = Store(ro).find_conversation("Alice R")
    view.open(alice["id"], False)
    opt = QStyleOptionViewItem()
    view.initViewItemOption(opt)
    opt.rect = view.viewport().rect()
    shown = {}
    for i, msg in enumerate(view.model_.rows):
        idx = view.model_.index(i)
        lay = view.delegate.layout(opt, idx)
        shown[msg["source_key"]] = (lay, idx.data(Qt.ItemDataRole.AccessibleTextRole),
                                    idx.data(Qt.ItemDataRole.ToolTipRole))
    lay, spoken, tip = shown["3103"]
    assert lay.bubble is not None and lay.centred is None            # still Alice's message bubble
    assert [b[1] for b in lay.badges] == ["Recalled"] and spoken == "Alice R: secret plan at 9 (Recalled)"
    assert "撤回了一条消息" in tip
    assert [b[1] for b in shown["3104"][0].badges] == ["Recalled by you"]
    assert shown["3105-recalled"][0].centred is not None and not shown["3105-recalled"][0].badges
    assert not shown["3101"][0].badges
    view.clear()
    ro.close()


def test_chat_list_filter_finds_the_old_group_name_and_the_deleted_friend(qtbot, vault, tmp_path):
    """Typing a group's earlier name in the app's chat filter still finds the renamed group."""
    from chatvault.gui.main_window import MainWindow

    _import(vault, "wechat-pc", tmp_path, 1)
    _import(vault, "wechat-pc", tmp_path, 2)
    win = MainWindow(vault)
    qtbot.addWidget(win)
    win.show()
    shown = lambda: [win.chat_proxy.index(r, 0).data() for r in range(win.chat_proxy.rowCount())]  # noqa: E731
    qtbot.keyClicks(win.filter_box, "hiking")
    assert shown() == ["Climbing club"]
    win.filter_box.clear()
    qtbot.keyClicks(win.filter_box, "Bob")
    assert shown() == ["Bob"]
    win.close()


def test_a_separate_revokemsg_marks_the_message_it_names_and_keeps_it_seen(vault, tmp_path):
    """A `revokemsg` under its own id naming a stored message: the notice is kept as a message, the
    named one is marked recalled, and stays present on every later read of the same folder."""
    from tests import wechat_fixtures as F

    key = {"key": F.KEY_HEX}
    root = tmp_path / "WeChat Files" / F.ME
    F.write_micromsg(root, F.KEY, rooms={})
    msg = root / "Msg" / "Multi" / "MSG0.db"
    F.write_pc_msgs(msg, [F.PCMsg("wxid_alice", 4100, 1, "before", ts=F.T0 + 899),
                          F.PCMsg("wxid_alice", 4101, 1, "to take back", ts=F.T0 + 900)], F.KEY)
    run_import(vault, root, format="wechat-pc", options=ImportOptions(options=key))
    F.write_pc_msgs(msg, [F.PCMsg("wxid_alice", 4100, 1, "before", ts=F.T0 + 899),
                          F.PCMsg("wxid_alice", 4102, 10002, F.x_revoke(4101), ts=F.T0 + 901)], F.KEY)
    later = root
    for reread in (False, True):
        r = run_import(vault, later, format="wechat-pc", options=ImportOptions(options=key | {"reread": reread}))
        assert (r.added, r.recalled, r.missing_at_source) == ((1, 1, 0) if not reread else (0, 0, 0)), r
    conn = vault.connect(readonly=True)
    try:
        msgs = _messages(conn)
    finally:
        conn.close()
    assert msgs["4101"]["status"] == "present" and msgs["4101"]["text"] == "to take back"
    assert msgs["4101"]["extra"]["recalled"]["notice"] == '"Alice" 撤回了一条消息'
    assert msgs["4102"]["kind"] == "recalled" and msgs["4102"]["extra"]["recalled_id"] == "4101"
