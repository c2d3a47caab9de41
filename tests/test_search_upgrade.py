"""Vaults indexed before issue #16.6 find their memos after the upgrade (migration m009); changes of a
message's details reach the index; `check` and `reindex` count what search finds, not just text."""

from __future__ import annotations

import json

import pytest

from chatvault.importers.base import ImportOptions
from chatvault.ingest import rows
from chatvault.ingest.engine import run_import
from chatvault.search.api import search
from chatvault.search.index import index_prepared, status, sync
from chatvault.store.schema import current_version, latest_version, migrate
from tests import visible_fixtures as V
from tests import wechat_fixtures as F
from tests.conftest import PASSPHRASE

BEFORE = 8          # the schema just before m009 (m008 adds participant_names, which imports write)


@pytest.fixture(autouse=True)
def _private_tmp(tmp_path, monkeypatch):
    monkeypatch.setenv("CHATVAULT_TMPDIR", str(tmp_path / "work"))


def _code_before_the_audit_chain_and_compliance(m) -> None:
    """Schema 8 has no hash chain (m010) and no compliance tables (m011): the import writes what the
    code of that time wrote — an unchained audit row, a run without a custodian, no tombstone or
    hold lookups."""
    from chatvault.compliance import holds
    from chatvault.ingest import engine, tombstones
    from chatvault.store import audit

    def old_audit(conn, action, detail=None, actor="user"):
        conn.execute("INSERT INTO audit_log(at, actor, action, detail) VALUES (0, ?, ?, ?)",
                     (actor, action, json.dumps(detail or {})))

    def old_start(conn, importer, path, custodian=None):
        conn.execute("BEGIN IMMEDIATE")
        cur = conn.execute("INSERT INTO import_runs(started_at, format, parser_version, path, outcome, counts) "
                           "VALUES (0, ?, ?, ?, 'running', '{}')", (importer.name, importer.parser_version, path))
        conn.execute("COMMIT")
        return int(cur.lastrowid), None

    m.setattr(audit, "append", old_audit)
    m.setattr(engine, "_start_run", old_start)
    m.setattr(tombstones, "any_in", lambda conn, cid: False)
    m.setattr(holds, "any_active", lambda conn: False)
    m.setattr(engine, "after_import", lambda *a, **k: None)       # articles (m013) came later too


# Columns today's import writes that schema 8 lacks: added for the old-code import, dropped after it,
# so the vault is schema 8 again when the code of today opens it (and its migrations add them back).
LATER_COLUMNS = (("conversations", "feed TEXT"), ("attachments", "quality TEXT"), ("attachments", "quality_basis TEXT"),
                 ("attachments", "media_key TEXT"), ("attachments", "source_blob_id TEXT"))       # m012, m014


def _old_schema(conn) -> int:
    reached = migrate(conn, target=BEFORE)
    for table, column in LATER_COLUMNS:
        conn.execute(f"ALTER TABLE {table} ADD COLUMN {column}")
    return reached


def _todays_vault(tmp_path, monkeypatch):
    """A vault as the code before this change made it: schema 8 (one-column index, the update
    trigger on text only) and an import that indexed each message's text and nothing else."""
    from chatvault.vault import vault as vault_mod

    with monkeypatch.context() as m:
        m.setattr(vault_mod, "migrate", _old_schema)
        m.setattr(rows, "index_text", lambda kind, text, extra, atts: (text or None, None))
        _code_before_the_audit_chain_and_compliance(m)
        v, _rk = vault_mod.create_vault(tmp_path / "vault", PASSPHRASE)
        report = run_import(v, V.wechat_pc(tmp_path / "src"), format="wechat-pc",
                            options=ImportOptions(options={"key": F.KEY_HEX}))
        assert report.outcome in ("ok", "partial")
    conn = v.connect()
    for table, column in LATER_COLUMNS:
        conn.execute(f"ALTER TABLE {table} DROP COLUMN {column.split()[0]}")
    conn.execute("UPDATE settings SET value = '1' WHERE key = 'search.tokenizer_version'")
    assert current_version(conn) == BEFORE
    conn.close()
    return v


def test_vault_from_before_finds_the_transfer_memo_once_opened(tmp_path, monkeypatch) -> None:
    from chatvault.vault.vault import open_vault

    old = _todays_vault(tmp_path, monkeypatch)
    conn = old.connect(readonly=True)
    assert search(conn, "上周火锅的钱").total == 0            # indexed by its amount only
    assert not status(conn)["current"]
    conn.close()
    old.lock()

    vault = open_vault(tmp_path / "vault", PASSPHRASE)         # runs the migrations
    conn = vault.connect(readonly=True)
    try:
        assert current_version(conn) == latest_version()
        [hit] = search(conn, "上周火锅的钱").results
        assert hit.kind == "payment" and "[上周火锅的钱]" in hit.snippet.replace("][", "")
        assert search(conn, "Pedal Town").total == 1          # a mini-program's name
        replies = search(conn, "ottoman lamp", sort="relevance").results
        assert [h.kind for h in replies] == ["text", "text"] and "still available?" in replies[1].snippet
        st = status(conn)
        assert st["indexed"] == st["messages_with_text"] and st["current"] and st["pending"] == 0
    finally:
        conn.close()
        vault.lock()


def test_rebuild_cut_short_on_upgrade_is_done_at_the_next_open(tmp_path, monkeypatch) -> None:
    """m009 is frozen and only asks for the rebuild (a settings flag): if the rebuild after it fails
    (here an I/O error in its first batch), the flag stays and the next open rebuilds."""
    from chatvault import faults
    from chatvault.store.migrations import SEARCH_REBUILD_FLAG
    from chatvault.vault.vault import open_vault

    _todays_vault(tmp_path, monkeypatch).lock()
    monkeypatch.setenv("CHATVAULT_FAULT", "search.reindex_batch:1:oserror")
    faults.reset()
    with pytest.raises(OSError, match="injected"):
        open_vault(tmp_path / "vault", PASSPHRASE)
    monkeypatch.delenv("CHATVAULT_FAULT")
    faults.reset()
    vault = open_vault(tmp_path / "vault", PASSPHRASE)
    conn = vault.connect(readonly=True)
    try:
        assert search(conn, "上周火锅的钱").total == 1
        assert conn.execute("SELECT 1 FROM settings WHERE key = ?", (SEARCH_REBUILD_FLAG,)).fetchone() is None
        assert status(conn)["current"]
    finally:
        conn.close()
        vault.lock()


def test_changed_details_are_indexed_again(vault, tmp_path) -> None:
    """Only a message's details changing (a later import or a recall seen afterwards rewriting its
    extra) queues it, like an edit of its text: the old memo stops matching, the new one matches."""
    run_import(vault, V.wechat_pc(tmp_path / "src"), format="wechat-pc", options=ImportOptions(options={"key": F.KEY_HEX}))
    conn = vault.connect()
    try:
        mid = search(conn, "火锅").results[0].message_id
        extra = json.loads(conn.execute("SELECT extra FROM messages WHERE id = ?", (mid,)).fetchone()[0])
        extra["memo"] = "房租 March rent"
        conn.execute("UPDATE messages SET extra = ? WHERE id = ?", (json.dumps(extra, ensure_ascii=False), mid))
        assert search(conn, "火锅").total == 0                 # out of the index at once (trigger)
        assert sync(conn) == 1
        assert [h.message_id for h in search(conn, "房租").results] == [mid]
        assert [h.message_id for h in search(conn, "rent").results] == [mid]
        conn.execute("UPDATE messages SET kind = 'call', text = NULL, extra = '{\"outcome\": \"missed\"}' WHERE id = ?",
                     (mid,))
        index_prepared(conn, [])                                # as the next import batch does
        assert mid in [h.message_id for h in search(conn, "未接来电").results]
    finally:
        conn.close()


def test_check_counts_messages_found_by_details_only(vault, tmp_path) -> None:
    from chatvault.check import run_checks

    run_import(vault, V.wechat_pc(tmp_path / "src"), format="wechat-pc", options=ImportOptions(options={"key": F.KEY_HEX}))
    assert not [p for p in run_checks(vault).problems if p.area == "search"]
    conn = vault.connect()
    st = status(conn)
    with_text = conn.execute("SELECT count(*) FROM messages WHERE text IS NOT NULL AND text != ''").fetchone()[0]
    assert st["indexed"] == st["messages_with_text"] > with_text   # file names, call types... count too
    conn.execute("DELETE FROM search_fts WHERE rowid = ?", (search(conn, "火锅").results[0].message_id,))
    conn.close()
    problems = [p for p in run_checks(vault).problems if p.area == "search"]
    assert problems and "some searches would miss" in problems[0].message
    run_checks(vault, repair=True)
    assert not [p for p in run_checks(vault).problems if p.area == "search"]


@pytest.mark.parametrize("fmt", ["wechat-pc", "whatsapp", "telegram"])
def test_import_and_reindex_collect_the_same_strings(vault, tmp_path, fmt) -> None:
    """The parse process builds the index text from the importer's records, `reindex` from the
    stored rows: for every message both must give the same strings, or a reindex would change
    what search finds."""
    from chatvault.importers import registry
    from chatvault.jobs.context import JobContext
    from chatvault.model import MessageRec
    from chatvault.search.fields import index_text, load_extra

    path, options = {
        "wechat-pc": (V.wechat_pc(tmp_path / "src"), {"key": F.KEY_HEX}),
        "whatsapp": (V.whatsapp_zip(tmp_path / "chat.zip"), {"tz": "UTC"}),
        "telegram": (V.telegram_folder(tmp_path / "tg").parent, {}),
    }[fmt]
    run_import(vault, path, format=fmt, options=ImportOptions(options=options))
    from_records = {}
    for rec in registry.get(fmt).read(path, ImportOptions(options=options), JobContext()):
        if isinstance(rec, MessageRec):
            from_records[rec.location] = index_text(str(rec.kind), rec.text, rec.extra,
                                                    [(a.name, a.extra) for a in rec.attachments])
    conn = vault.connect(readonly=True)
    try:
        atts: dict[int, list] = {}
        for mid, name, extra in conn.execute("SELECT message_id, original_name, extra FROM attachments "
                                             "ORDER BY message_id, ordinal"):
            atts.setdefault(mid, []).append((name, load_extra(extra)))
        from_rows = {loc: index_text(kind, text, load_extra(extra), atts.get(mid, ()))
                     for mid, kind, text, extra, loc in conn.execute("SELECT id, kind, text, extra, location FROM messages")}
    finally:
        conn.close()
    assert from_rows == from_records
    assert sum(1 for b, q in from_rows.values() if b or q) > len(V.WHATSAPP) - 1
