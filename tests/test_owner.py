"""Who is "me": found in Telegram exports, asked for when it cannot be, fixed afterwards per source."""

from __future__ import annotations

import json
from pathlib import Path

from chatvault.importers.base import ImportOptions
from chatvault.importers.telegram import TelegramImporter
from chatvault.ingest import owner
from chatvault.ingest.engine import run_import
from chatvault.ingest.preview import preview
from chatvault.jobs.context import JobContext
from chatvault.model import ImportWarning, ParticipantRec
from tests.conftest import PASSPHRASE
from tests.import_fixtures import simple_chat, telegram_chat, write_telegram_folder, write_txt


def _personal(tmp_path: Path, *, partner_first: bool = True) -> Path:
    """A one-to-one chat with Bob (user id 2) exported on its own by Alice (user id 1)."""
    chat, media = telegram_chat(chat_id=2, name="Bob", kind="personal_chat")
    if partner_first:   # Bob speaks first, so "the first sender is me" would be wrong
        chat["messages"].insert(0, dict(chat["messages"][2], id=99, text="Bob first"))
    return write_telegram_folder(tmp_path / "personal", chat, media)


def _mine(vault, conversation_title: str) -> dict[str, bool]:
    """sender name -> shown as mine, as the viewer sees it (participants.is_me joined on messages)."""
    conn = vault.connect(readonly=True)
    try:
        rows = conn.execute("SELECT DISTINCT p.display_name, p.is_me FROM messages m JOIN participants p ON "
                            "p.id = m.sender_id JOIN conversations c ON c.id = m.conversation_id WHERE c.title = ?",
                            (conversation_title,)).fetchall()
    finally:
        conn.close()
    return {r[0]: bool(r[1]) for r in rows}


def test_one_chat_export_finds_me_from_the_chat_id(tmp_path: Path) -> None:
    recs = list(TelegramImporter().read(_personal(tmp_path), ImportOptions(), JobContext()))
    people = {r.key: r.is_me for r in recs if isinstance(r, ParticipantRec)}
    assert people == {"user2": False, "user1": True}
    assert not [r for r in recs if isinstance(r, ImportWarning)]


def test_one_chat_export_without_ids_uses_the_chat_name(tmp_path: Path) -> None:
    msgs = [{"type": "message", "date_unixtime": "1544006350", "from": n, "text": t}
            for n, t in (("Bob", "hi"), ("Alice", "hello"), ("Bob", "bye"))]
    p = tmp_path / "result.json"
    p.write_text(json.dumps({"name": "Bob", "type": "personal_chat", "messages": msgs}))
    recs = list(TelegramImporter().read(p, ImportOptions(), JobContext()))
    assert {r.display_name: r.is_me for r in recs if isinstance(r, ParticipantRec)} == {"Bob": False, "Alice": True}


def test_group_export_alone_warns_and_me_option_marks(tmp_path: Path) -> None:
    chat, media = telegram_chat()
    folder = tmp_path / "group"
    write_telegram_folder(folder, chat, media)
    recs = list(TelegramImporter().read(folder, ImportOptions(), JobContext()))
    assert not any(r.is_me for r in recs if isinstance(r, ParticipantRec))
    warn = [r.message for r in recs if isinstance(r, ImportWarning)]
    assert len(warn) == 1 and "--me NAME" in warn[0] and "set-me" in warn[0]
    recs = list(TelegramImporter().read(folder, ImportOptions(me="Bob"), JobContext()))
    assert {r.display_name: r.is_me for r in recs if isinstance(r, ParticipantRec)} == {"Alice": False, "Bob": True}
    assert not [r for r in recs if isinstance(r, ImportWarning)]


def test_vault_shows_own_messages_as_mine_after_one_chat_import(vault, tmp_path: Path) -> None:
    run_import(vault, _personal(tmp_path))
    assert _mine(vault, "Bob") == {"Alice": True, "Bob": False}


def test_set_me_remarks_idempotently_and_survives_reimport(vault, tmp_path: Path) -> None:
    """The importer's guess (the full export's owner, Alice) is overruled by the user (Bob), and a later
    import of the same export, re-read, does not flip it back."""
    chat, media = telegram_chat()
    folder = tmp_path / "full"
    write_telegram_folder(folder, chat, media, full=True)
    run_import(vault, folder)
    assert _mine(vault, "Hiking club") == {"Alice": True, "Bob": False}
    conn = vault.connect()
    try:
        src = owner.find_source(conn, "telegram")
        first = owner.set_me(conn, int(src["id"]), "Bob")
        again = owner.set_me(conn, int(src["id"]), "bob")          # case-insensitive, nothing left to change
    finally:
        conn.close()
    assert [p["name"] for p in first.me] == ["Bob"] and first.now_mine == 3 and first.no_longer_mine == 14
    assert again.now_mine == again.no_longer_mine == 0
    assert _mine(vault, "Hiking club") == {"Alice": False, "Bob": True}
    report = run_import(vault, folder, options=ImportOptions(options={"reread": True}))
    assert report.outcome == "ok" and report.added == 0
    assert _mine(vault, "Hiking club") == {"Alice": False, "Bob": True}


def test_kept_choice_reaches_the_reader_of_a_group_export(vault, tmp_path: Path) -> None:
    """A group exported alone: the first import warns; after set-me a newer export of it is imported
    without the warning and with the new senders' messages right."""
    chat, media = telegram_chat()
    folder = tmp_path / "g1"
    write_telegram_folder(folder, chat, media)
    r1 = run_import(vault, folder)
    assert any("Cannot tell which sender is you" in w for w in r1.warnings)
    conn = vault.connect()
    try:
        owner.set_me(conn, int(owner.find_source(conn, "telegram")["id"]), "user2")   # by key
    finally:
        conn.close()
    chat2, media2 = telegram_chat()
    chat2["messages"].append(dict(chat2["messages"][2], id=300, text="later, by Bob"))
    chat2["messages"].append(dict(chat2["messages"][2], id=301, text="Carol joins", **{"from": "Carol",
                                                                                        "from_id": "user3"}))
    write_telegram_folder(tmp_path / "g2", chat2, media2)
    r2 = run_import(vault, tmp_path / "g2")
    assert r2.added == 2 and not any("Cannot tell" in w for w in r2.warnings)
    assert _mine(vault, "Hiking club") == {"Alice": False, "Bob": True, "Carol": False}


def test_whatsapp_me_fixed_afterwards_is_kept_by_the_next_import(vault, tmp_path: Path) -> None:
    lines = simple_chat(6, senders=("Alice", "Bob"))
    txt = write_txt(tmp_path / "WhatsApp Chat with Bob.txt", lines)
    run_import(vault, txt, options=ImportOptions(me="Alice"))          # the wrong name, given at import
    assert _mine(vault, "Bob") == {"Alice": True, "Bob": False}
    conn = vault.connect()
    try:
        owner.set_me(conn, int(owner.find_source(conn, "whatsapp")["id"]), "Bob")
    finally:
        conn.close()
    (tmp_path / "more").mkdir()
    more = write_txt(tmp_path / "more" / "WhatsApp Chat with Bob.txt", simple_chat(9, senders=("Alice", "Bob")))
    assert run_import(vault, more).added == 3                           # no --me this time
    assert _mine(vault, "Bob") == {"Alice": False, "Bob": True}


def test_preview_lists_senders_and_the_detected_me(tmp_path: Path) -> None:
    pv = preview(_personal(tmp_path))
    names = [(s["name"], s["is_me"]) for s in pv["senders"]]
    assert set(names) == {("Alice", True), ("Bob", False)} and pv["me"] == "Alice"
    assert pv["senders"][0]["messages"] >= pv["senders"][1]["messages"]


def test_cli_source_ls_people_and_set_me(cli, vault, tmp_path: Path) -> None:
    chat, media = telegram_chat()
    folder = tmp_path / "group"
    write_telegram_folder(folder, chat, media)
    run_import(vault, folder)
    vault.lock()
    env = {"CHATVAULT_VAULT": str(vault.path), "CHATVAULT_PASSPHRASE": PASSPHRASE}
    r = cli("source", "set-me", "telegram", "Alice", "--json", env=env)
    assert r.returncode == 0, r.stderr
    out = json.loads(r.stdout)
    assert [p["name"] for p in out["me"]] == ["Alice"] and out["now_mine"] == 14 and out["no_longer_mine"] == 0
    shown = json.loads(cli("show", "Hiking club", "--json", env=env).stdout)["messages"]
    assert {m["sender"] for m in shown if m["from_me"]} == {"Alice"}
    ls = json.loads(cli("source", "ls", "--json", env=env).stdout)["sources"]
    assert ls[0]["app"] == "telegram" and ls[0]["me"] == ["Alice"] and ls[0]["me_choice"]["name"] == "Alice"
    people = json.loads(cli("source", "people", "telegram", "--json", env=env).stdout)["people"]
    assert [(p["name"], p["is_me"]) for p in people] == [("Alice", True), ("Bob", False)]
    bad = cli("source", "set-me", "telegram", "Zed", "--json", env=env)
    assert bad.returncode == 1 and json.loads(bad.stdout)["error"] == "input" and "Alice" in json.loads(bad.stdout)["hint"]


def test_me_that_names_nobody_is_reported(vault, tmp_path: Path) -> None:
    txt = write_txt(tmp_path / "WhatsApp Chat with Bob.txt", simple_chat(4, senders=("Alice", "Bob")))
    report = run_import(vault, txt, options=ImportOptions(me="Alise"))
    assert any("--me 'Alise' is not the name of any sender here ('Alice', 'Bob')" in w or
               "--me 'Alise' is not the name of any sender here ('Bob', 'Alice')" in w for w in report.warnings)
    assert _mine(vault, "Bob") == {"Alice": False, "Bob": False}


def test_choice_kept_for_single_chats_does_not_mislead_a_full_export(vault, tmp_path: Path) -> None:
    """Bob said "me" for the chats exported one by one (source telegram:''); a full export names its own
    account (Alice, user 1), and that wins for the full export's source."""
    chat, media = telegram_chat()
    write_telegram_folder(tmp_path / "one", chat, media)
    run_import(vault, tmp_path / "one")
    conn = vault.connect()
    try:
        owner.set_me(conn, int(owner.find_source(conn, "telegram:")["id"]), "Bob")
    finally:
        conn.close()
    write_telegram_folder(tmp_path / "full", chat, media, full=True)
    run_import(vault, tmp_path / "full")
    conn = vault.connect(readonly=True)
    try:
        full = owner.find_source(conn, "telegram:1")
        assert [p["name"] for p in owner.people(conn, int(full["id"]), only_me=True)] == ["Alice"]
        single = owner.find_source(conn, "telegram:")
        assert [p["name"] for p in owner.people(conn, int(single["id"]), only_me=True)] == ["Bob"]
    finally:
        conn.close()
