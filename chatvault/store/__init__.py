"""SQLCipher access: connections, schema migrations and the queries the app needs."""

from chatvault.store.db import connect
from chatvault.store.store import Store

__all__ = ["Store", "connect"]
