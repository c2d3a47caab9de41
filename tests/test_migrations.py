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
