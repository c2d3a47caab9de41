"""Noticing that another process changed the vault (a `chatvault import` in a terminal, a backup, a
second window), cheaply enough to ask every second or two.

`data_version` is SQLite's own counter: it changes on a connection when any *other* connection
commits (https://sqlite.org/pragma.html#pragma_data_version), so polling it reads no table.
`signature` (a few index lookups, no table scan) then tells what kind of change it was, so a window reloads its chat list only when
conversations or messages changed, and merely recounts its badges when only read markers moved.
"""

from __future__ import annotations

from dataclasses import dataclass

from chatvault.store.db import Connection
from chatvault.store.readmarks import PREFIX


def data_version(conn: Connection) -> int:
    return int(conn.execute("PRAGMA data_version").fetchone()[0])


@dataclass(frozen=True)
class Signature:
    content: tuple[int, ...]     # conversations, messages, titles, who is me, import runs, the audit log
    markers: tuple[int, ...]     # read markers
    backups: tuple[int, ...]     # backup runs (started, finished)


def signature(conn: Connection) -> Signature:
    one = lambda sql, *args: int(conn.execute(sql, args).fetchone()[0] or 0)  # noqa: E731
    content = (one("SELECT max(id) FROM conversations"), one("SELECT count(*) FROM conversations"),
               one("SELECT max(id) FROM messages"), one("SELECT count(*) FROM conversation_titles"),
               one("SELECT count(*) FROM participants WHERE is_me = 1"),
               one("SELECT max(id) FROM import_runs"), one("SELECT max(finished_at) FROM import_runs"),
               one("SELECT max(id) FROM audit_log"))    # deletions and corrections leave an entry there
    markers = (one("SELECT count(*) FROM settings WHERE key >= ? AND key < ?", PREFIX, PREFIX[:-1] + ";"),
               one("SELECT total(CAST(value AS INTEGER)) FROM settings WHERE key >= ? AND key < ?",
                   PREFIX, PREFIX[:-1] + ";"))
    backups = (one("SELECT max(id) FROM backup_runs"), one("SELECT max(finished_at) FROM backup_runs"))
    return Signature(content, markers, backups)
