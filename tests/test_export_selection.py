"""The exports' selection: the same messages the search finds, streamed per chat in time order."""

from __future__ import annotations

from chatvault.export.selection import Selection, messages, plan
from chatvault.search.api import SearchFilters, search_ids
from tests.search_data import populate


def _all(conn, sel: Selection) -> list[int]:
    out = []
    for chat in plan(conn, sel):
        for batch in messages(conn, sel, chat.conversation_id, batch=97):
            out += [m.id for m in batch]
    return out


def test_whole_vault_streams_every_message_once_in_time_order(vault):
    conn = vault.connect()
    msgs = populate(conn, n=2000)
    sel = Selection()
    chats = plan(conn, sel)
    assert sum(c.messages for c in chats) == len(msgs)
    for chat in chats:
        got = [m for b in messages(conn, sel, chat.conversation_id, batch=50) for m in b]
        want = sorted((m for m in msgs if m.conversation_id == chat.conversation_id), key=lambda m: (m.ts, m.id))
        assert [m.id for m in got] == [m.id for m in want]
        assert chat.messages == len(want) and chat.first_ts == want[0].ts and chat.last_ts == want[-1].ts


def test_query_and_filters_select_what_search_finds(vault):
    conn = vault.connect()
    populate(conn, n=3000)
    for query, filters in [("contract", SearchFilters()), ("合同", SearchFilters(kinds=["text"])),
                           ("", SearchFilters(sender="Anna")), ("-the", SearchFilters(apps=["wechat"])),
                           ("photo OR pdf", SearchFilters(status="missing-at-source"))]:
        total, ids = search_ids(conn, query, filters, "oldest", 10_000, 0)
        got = _all(conn, Selection(query, filters))
        assert sorted(got) == sorted(ids) and len(got) == total, query


def test_a_message_carries_its_attachments_and_provenance(vault):
    conn = vault.connect()
    populate(conn, n=400)
    sel = Selection.chat(1)
    first = next(messages(conn, sel, 1))
    with_files = [m for m in first if m.kind in ("file", "image")]
    assert with_files and all(m.attachments and m.attachments[0]["status"] == "missing" for m in with_files)
    assert all(m.source_key == f"k{m.id}" and m.time_iso for m in first)


def test_a_query_is_resolved_once_per_export_and_again_after_a_write(vault):
    from chatvault.export.selection import _Resolved

    conn = vault.connect()
    populate(conn, n=400)
    sel = Selection("contract")
    calls = []
    import chatvault.export.selection as selection_mod
    real = selection_mod.search_ids

    def counting(*a, **kw):
        calls.append(1)
        return real(*a, **kw)

    selection_mod.search_ids = counting
    try:
        chats = plan(conn, sel)
        got = [m.id for c in chats for b in messages(conn, sel, c.conversation_id) for m in b]
        assert len(calls) == 1 and len(got) == sum(c.messages for c in chats) > 0
        conn.execute("UPDATE messages SET text = 'contract' WHERE id = (SELECT min(id) FROM messages)")
        _Resolved(conn, sel)
        assert len(calls) == 2                                    # a write since: resolved again
        _Resolved(conn, Selection("pdf"))
        assert len(calls) == 3                                    # another selection: resolved again
    finally:
        selection_mod.search_ids = real
