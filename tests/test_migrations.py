"""Schema migrations run from an empty database up, one step at a time."""

from __future__ import annotations

import os
from pathlib import Path

from chatvault.store.db import connect
from chatvault.store.schema import current_version, latest_version, migrate, steps


def test_steps_are_numbered_and_unique() -> None:
    numbers = [n for n, _ in steps()]
    assert numbers == sorted(set(numbers))
    assert numbers[0] == 1


def test_migrate_from_empty_one_step_at_a_time(tmp_path: Path) -> None:
    key = os.urandom(32)
    conn = connect(tmp_path / "v.db", key, create=True)
    assert current_version(conn) == 0
    for number, _mod in steps():
        assert migrate(conn, target=number) == number
        assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    assert current_version(conn) == latest_version()
    assert migrate(conn) == latest_version()  # idempotent
    tables = {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type='table'")}
    for t in ("sources", "conversations", "participants", "messages", "attachments", "blobs", "import_runs",
              "audit_log", "settings", "unparsed", "conversation_titles"):
        assert t in tables


def test_audit_log_is_append_only(vault) -> None:
    import pytest

    from chatvault.store.db import DatabaseError
    from chatvault.store.store import Store

    conn = vault.connect()
    store = Store(conn)
    store.audit("test.action", {"x": 1})
    with pytest.raises(DatabaseError):
        conn.execute("DELETE FROM audit_log")
    with pytest.raises(DatabaseError):
        conn.execute("UPDATE audit_log SET action = 'x'")
    assert store.audit_entries()[0]["action"] == "test.action"


def test_newer_schema_is_refused(vault) -> None:
    import pytest

    from chatvault.errors import VaultFormatError

    conn = vault.connect()
    conn.execute(f"PRAGMA user_version = {latest_version() + 5}")
    with pytest.raises(VaultFormatError, match="schema version"):
        migrate(conn)


def test_participant_names_are_seeded_from_the_names_stored_before(tmp_path: Path) -> None:
    """Schema 8 keeps every name a participant had; a vault from before starts with its current names."""
    conn = connect(tmp_path / "v.db", os.urandom(32), create=True)
    migrate(conn, target=7)
    conn.execute("INSERT INTO sources(id, app, account, created_at) VALUES (1, 'wechat', 'wxid_me', 0)")
    conn.execute("INSERT INTO participants(source_id, source_key, display_name) VALUES (1, 'wxid_a', 'Alice R'), "
                 "(1, 'wxid_b', 'wxid_b'), (1, 'wxid_c', NULL)")
    assert migrate(conn, target=8) == 8
    names = conn.execute("SELECT p.source_key, n.name FROM participant_names n JOIN participants p "
                         "ON p.id = n.participant_id").fetchall()
    assert [tuple(r) for r in names] == [("wxid_a", "Alice R")]      # raw ids and blanks are no names


def test_media_quality_backfill_says_only_what_old_rows_tell(tmp_path: Path) -> None:
    """Schema 14 grades the pictures and videos stored before: thumbnails the old readers marked,
    missing ones, WhatsApp originals; a WeChat picture is `original` only when its size or name proves
    it, else `hd` (a later original upgrades it); voice notes get no level."""
    conn = connect(tmp_path / "v.db", os.urandom(32), create=True)
    migrate(conn, target=13)
    conn.execute("INSERT INTO sources(id, app, account, created_at) VALUES (1, 'wechat', 'wxid_me', 0), "
                 "(2, 'whatsapp', '', 0)")
    conn.execute("INSERT INTO conversations(id, source_id, source_key, created_at) VALUES (1, 1, 'a', 0), (2, 2, 'b', 0)")
    msgs = [(1, 1, "image", '{"size": 2048, "hd_size": 9000}'), (2, 1, "image", '{"size": 2048, "hd_size": 9000}'),
            (3, 1, "image", '{"size": 2048}'), (4, 1, "image", None), (5, 1, "video", None), (6, 2, "image", None),
            (7, 1, "voice", None), (8, 1, "image", '{"size": 2048, "hd_size": 9000}')]
    conn.executemany("INSERT INTO messages(id, conversation_id, source_key, ts, kind, extra) VALUES (?, ?, ?, 0, ?, ?)",
                     [(i, c, str(i), k, e) for i, c, k, e in msgs])
    conn.execute("INSERT INTO blobs(id, size, stored_size, created_at) VALUES ('b', 1, 1, 0)")
    rows = [(1, "stored", 9000, "FileStorage/MsgAttach/x/Image/2026-01/AB12.dat", None),
            (2, "stored", 2048, "msg/attach/x/2026-01/Img/cd34.dat", None),
            (3, "stored", 2048, "image2/ab/cd/ef56", None),
            (4, "missing", None, "FileStorage/MsgAttach/x/Image/2026-01/gone.dat", None),
            (5, "stored", 10, "FileStorage/Video/2026-01/v.mp4", None),
            (6, "stored", 10, None, None),
            (7, "stored", 10, None, None),
            (8, "stored", 300, "FileStorage/MsgAttach/x/Thumb/2026-01/AB99_t.dat", '{"quality": "thumbnail"}')]
    conn.executemany("INSERT INTO attachments(message_id, blob_id, status, size, expected_path, extra, original_name) "
                     "VALUES (?, CASE WHEN ? = 'stored' THEN 'b' END, ?, ?, ?, ?, 'IMG-1.jpg')",
                     [(m, st, st, size, path, extra) for m, st, size, path, extra in rows])
    assert migrate(conn, target=14) == 14
    got = {r[0]: tuple(r[1:]) for r in conn.execute(
        "SELECT message_id, quality, quality_basis, media_key FROM attachments")}
    assert got[1] == ("original", "backfill", "ab12")     # its size is the message's hdlength
    assert got[2][0] == "hd"                                # a larger original exists; this is not it
    assert got[3][:1] == ("original",) and got[3][2] == "ef56"   # no separate original was sent
    assert got[4][0] == "missing" and got[5][0] == "original" and got[6] == ("original", "backfill", "img-1")
    assert got[7][0] is None and got[8] == ("thumbnail", "backfill", "ab99")
