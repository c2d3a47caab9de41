"""One module per schema step: `mNNN_name.py` with `up(conn)`. Never edit a released step.

Steps are frozen: each holds its DDL and any logic written out in full and imports nothing of the
live code (`tests/test_boundaries.py` enforces it), so an old step means the same thing whatever
the search, media or import code becomes later. The one thing they share is this file's helper.

Work that needs live Python (the search index's CJK preprocessing) is not done in a step: the step
sets a flag in `settings`, and opening the vault honours it right after migrating
(`chatvault.search.index.finish_upgrade`, called by `chatvault.vault.vault`). The key below is
therefore a contract forever: the live code must go on honouring it.
"""

from __future__ import annotations

SEARCH_REBUILD_FLAG = "search.rebuild_needed"


def flag_search_rebuild(conn) -> None:
    """Ask for the search index to be rebuilt from `messages` when the vault is next opened."""
    conn.execute("INSERT INTO settings(key, value) VALUES (?, '1') "
                 "ON CONFLICT(key) DO UPDATE SET value = excluded.value", (SEARCH_REBUILD_FLAG,))
