"""Compliance mode: every search is an audit-trail entry (the query, the filters, who, how many hits),
so a regulator can be shown not only what was produced but what was looked for. Off by default (a
person searching their own history is not audited); the officer turns it on."""

from __future__ import annotations

from typing import Any

from chatvault.compliance.roles import actor, require_officer
from chatvault.store import audit as audit_trail
from chatvault.store.db import immediate

SETTING = "compliance.audit_searches"


def enabled(conn: Any) -> bool:
    row = conn.execute("SELECT value FROM settings WHERE key = ?", (SETTING,)).fetchone()
    return row is not None and row[0] in ("1", "true")


def set_enabled(vault: Any, on: bool) -> None:
    who = require_officer(vault, "Changing compliance mode")
    conn = vault.connect()
    try:
        with immediate(conn):
            conn.execute("INSERT INTO settings(key, value) VALUES (?, ?) ON CONFLICT(key) DO UPDATE SET "
                         "value = excluded.value", (SETTING, "1" if on else "0"))
            audit_trail.append(conn, "compliance.search_audit", {"on": on}, who)
    finally:
        conn.close()


def record(vault: Any, query: str, filters: dict[str, Any], total: int) -> bool:
    """Append a `search` entry when compliance mode is on; returns whether it did."""
    conn = vault.connect()
    try:
        if not enabled(conn):
            return False
        with immediate(conn):
            audit_trail.append(conn, "search", {"query": query, "filters": filters, "total": total}, actor(vault))
        return True
    finally:
        conn.close()
