"""What an import must not bring back: messages a retention policy or an erasure removed.

Their tombstones (m011) keep the chat and the source's key; the writer treats a tombstoned key
like a stored message it must not touch. Asked once per chat per run (almost every chat has none).
"""

from __future__ import annotations

import json
from typing import Any

LOOKUP = 500


def any_in(conn: Any, conversation_id: int) -> bool:
    return conn.execute("SELECT 1 FROM tombstones WHERE conversation_id = ? LIMIT 1",
                        (conversation_id,)).fetchone() is not None


def keys_among(conn: Any, conversation_id: int, keys: list[str]) -> dict[str, tuple]:
    """key → (key, None, None) for each of `keys` with a tombstone in this chat."""
    out: dict[str, tuple] = {}
    for i in range(0, len(keys), LOOKUP):
        for (key,) in conn.execute(
                "SELECT source_key FROM tombstones WHERE conversation_id = ? AND source_key IN "
                "(SELECT value FROM json_each(?))", (conversation_id, json.dumps(keys[i:i + LOOKUP]))):
            out[key] = (key, None, None)
    return out
