"""Full-text search: a contentless FTS5 index over message text (see docs/search.md)."""

from __future__ import annotations

from chatvault.search.index import TABLE, rebuild
from chatvault.search.text import FTS_TOKENIZE


def up(conn) -> None:
    tokenize = FTS_TOKENIZE.replace('"', '""')
    conn.execute(
        f"CREATE VIRTUAL TABLE {TABLE} USING fts5("
        f'body, content=\'\', contentless_delete=1, tokenize="{tokenize}")'
    )
    # Vaults that already hold messages get them indexed in the same step.
    rebuild(conn)
