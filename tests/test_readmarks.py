"""Read markers in the vault (`chatvault.store.readmarks`): unread counts leave out the user's own
messages and system lines, markers only move forward, and "mark all" covers every chat."""

from __future__ import annotations

from chatvault.devtools import demo
from chatvault.store import readmarks


def _writable(vault):
    conn = vault.connect()
    ids = demo.populate(conn)
    return conn, ids


def test_unread_counts_and_markers(vault) -> None:
    conn, ids = _writable(vault)
    fam = ids["family"]
    rows = conn.execute("SELECT m.id, m.kind, p.is_me FROM messages m LEFT JOIN participants p ON p.id = m.sender_id"
                        " WHERE m.conversation_id = ? ORDER BY m.id", (fam,)).fetchall()
    theirs = [r["id"] for r in rows if r["kind"] != "system" and not r["is_me"]]
    assert len(theirs) < len(rows)                       # the demo has my own messages and a system line
    assert readmarks.unread_counts(conn)[fam] == len(theirs)
    middle = theirs[len(theirs) // 2]
    readmarks.write(conn, {fam: middle})
    assert readmarks.unread_counts(conn)[fam] == sum(1 for i in theirs if i > middle)
    readmarks.write(conn, {fam: theirs[0]})              # an older marker never un-reads
    assert readmarks.unread_counts(conn)[fam] == sum(1 for i in theirs if i > middle)
    readmarks.write(conn, {fam: readmarks.newest_message_id(conn, fam)})
    assert fam not in readmarks.unread_counts(conn)
    assert readmarks.unread_counts(conn)                 # the other chats are still unread
    readmarks.write(conn, {}, readmarks.newest_message_id(conn))
    assert readmarks.unread_counts(conn) == {}
    overall, own = readmarks.markers(conn)
    assert overall == readmarks.newest_message_id(conn) and own[fam] >= middle
    conn.close()


def test_a_marker_write_gives_up_quickly_behind_another_writer(vault) -> None:
    """A window locking while an import commits must not wait 30 s for a read marker: the write
    gives up after its short busy timeout and the caller retries later."""
    import time

    import pytest

    from chatvault.store.db import DatabaseError

    conn, ids = _writable(vault)
    other = vault.connect()
    other.execute("BEGIN IMMEDIATE")             # an import's batch, mid-transaction
    t0 = time.monotonic()
    with pytest.raises(DatabaseError):
        readmarks.write(conn, {ids["family"]: 1}, busy_ms=200)
    assert time.monotonic() - t0 < 2.0
    other.execute("ROLLBACK")
    readmarks.write(conn, {ids["family"]: 1})
    assert readmarks.markers(conn)[1][ids["family"]] == 1
    other.close()
    conn.close()
