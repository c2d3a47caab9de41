"""Connections the GUI owns, opened without `Vault.connect()`'s bookkeeping.

`Vault.connect()` prunes its list by running `SELECT 1` on every connection it handed out, from the
calling thread. A connection that is busy in another thread at that moment (the search worker, the
chat-list counter, the watch service) is then used by two threads at once, and SQLite crashes the
process (seen as a segfault in bench/gui_bench.py). The GUI therefore opens its own connections
here, and closes each one itself: the main connection and the search connection on lock, the
short-lived ones in `finally`.
"""

from __future__ import annotations

from chatvault.store.db import Connection, connect
from chatvault.vault import keys


def open_conn(vault, *, readonly: bool = True) -> Connection:
    return connect(vault.db_path, vault.derive_key(keys.LABEL_DB), readonly=readonly)
