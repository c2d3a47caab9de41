"""One WhatsApp chat from a phone database and from "Export chat" .txt files: one conversation, no
message twice, in either order, whatever zone the .txt was read in (chatvault/ingest/chatmatch.py)."""

from __future__ import annotations

import pytest

from chatvault.importers.base import ImportOptions
from chatvault.ingest import chatmatch
from chatvault.ingest.engine import run_import
from chatvault.model import ConversationRec
from tests import wa_android_fixtures as F

KEY = {"wa_key": F.ROOT_KEY_HEX}


@pytest.fixture(autouse=True)
def _private_tmp(tmp_path, monkeypatch):
    monkeypatch.setenv("CHATVAULT_TMPDIR", str(tmp_path / "work"))


@pytest.fixture(scope="module")
def phone(tmp_path_factory) -> tuple[F.Store, object]:
    store = F.sample_store(480)
    return store, F.phone_folder(tmp_path_factory.mktemp("phone"), store)


def _chats(vault) -> dict[str, int]:
    c = vault.connect()
    try:
        return {r[0]: r[1] for r in c.execute(
            "SELECT c.title, count(m.id) FROM conversations c LEFT JOIN messages m ON m.conversation_id = c.id "
            "GROUP BY c.id")}
    finally:
        c.close()


def _in_chat(store: F.Store, chat: str) -> int:
    return sum(1 for m in store.msgs if m.chat == chat) + sum(1 for c in store.calls if c.peer == chat)


def test_a_txt_export_after_the_msgstore_adds_no_message_twice(vault, phone, tmp_path):
    store, root = phone
    run_import(vault, root, options=ImportOptions(options=KEY))
    before = _chats(vault)
    txt = F.export_folder(tmp_path / "family", store, F.FAMILY, "Family 🏠")
    r = run_import(vault, txt, options=ImportOptions(options={"tz": "UTC"}))
    assert r.outcome == "ok" and r.added == 0 and r.merged == _in_chat(store, F.FAMILY)
    assert not [w for w in r.warnings if "older" in w]          # the export reaches the chat's newest message
    assert _chats(vault) == before                             # one conversation, nothing doubled
    alice = F.export_folder(tmp_path / "alice", store, F.ALICE, "Alice Example", with_media=False)
    r = run_import(vault, alice, options=ImportOptions(options={"tz": "UTC"}))
    assert r.added == 0 and _chats(vault) == before


def test_the_msgstore_after_txt_exports_joins_their_chats_in_another_zone(vault, phone, tmp_path):
    store, root = phone
    # The exports were written on a phone in Berlin and read here as UTC: every time is an hour off.
    fam = F.export_folder(tmp_path / "family", store, F.FAMILY, "Family 🏠", zone="Europe/Berlin", with_media=False)
    bob = F.export_folder(tmp_path / "bob", store, F.BOB, "Bob Builder", zone="Europe/Berlin")
    for export in (fam, bob):
        run_import(vault, export, options=ImportOptions(options={"tz": "UTC"}))
    r = run_import(vault, root, options=ImportOptions(options=KEY))
    assert r.outcome == "ok"
    assert r.merged == _in_chat(store, F.FAMILY) + sum(1 for m in store.msgs if m.chat == F.BOB)
    chats = _chats(vault)
    assert chats["Family 🏠"] == _in_chat(store, F.FAMILY) and chats["Bob Builder"] == _in_chat(store, F.BOB)
    assert len(chats) == len(store.chats)
    # The joined messages took the database's exact times and ids: the next reads find them at once.
    c = vault.connect()
    try:
        exact = c.execute("SELECT count(*) FROM messages WHERE source_key LIKE '3EB0%'").fetchone()[0]
    finally:
        c.close()
    assert exact == len(store.msgs)
    # The export "without media" had only "<Media omitted>": the database's Media folder filled them.
    c = vault.connect()
    try:
        filled = c.execute("SELECT count(*) FROM attachments a JOIN messages m ON m.id = a.message_id JOIN "
                           "conversations cv ON cv.id = m.conversation_id WHERE cv.title = 'Family 🏠' "
                           "AND a.status = 'stored'").fetchone()[0]
    finally:
        c.close()
    assert filled == sum(1 for m in store.msgs if m.chat == F.FAMILY and m.media and "GONE" not in m.media[0])
    again = run_import(vault, fam, options=ImportOptions(options={"tz": "UTC", "reread": True}))
    assert again.added == 0 and again.merged == _in_chat(store, F.FAMILY)
    assert run_import(vault, root, options=ImportOptions(options=KEY | {"reread": True})).added == 0
    assert _chats(vault) == chats


def test_chats_are_joined_by_jid_first_and_by_a_name_only_when_it_is_unambiguous(vault):
    def conv(key: str, names: list[str], jid: str | None = None) -> ConversationRec:
        ident = {"app": "whatsapp", "names": names} | ({"jid": jid} if jid else {})
        return ConversationRec(key=key, title=names[0], extra={"chat_identity": ident})

    assert chatmatch.norm_name("\u200e+49 151 111-0001") == chatmatch.norm_name("491511110001")
    from chatvault.importers import registry
    from chatvault.ingest.identity import Identity
    from chatvault.ingest.report import ImportReport

    c = vault.connect()
    try:
        ids = Identity(c, 0, ImportReport(None, "whatsapp", "x"), registry.get("whatsapp"), ImportOptions())
        c.execute("BEGIN")
        ids.conversation(conv("Mum", ["Mum"]))
        ids.conversation(conv("Sam", ["Sam"]))
        ids.conversation(conv("Sam (work)", ["Sam"]))           # two chats shown as "Sam"
        assert chatmatch.find_conversation(c, conv("4901@s.whatsapp.net", ["Mum", "+4901"], "4901@s.whatsapp.net"))
        assert chatmatch.find_conversation(c, conv("4902@s.whatsapp.net", ["Sam"], "4902@s.whatsapp.net")) is None
        assert chatmatch.find_conversation(c, conv("Dad", ["Dad"])) is None
        c.execute("ROLLBACK")
    finally:
        c.close()
