"""A locked retention policy and the backups: S3 destinations with Object Lock keep every object they
store from now on in COMPLIANCE mode for at least the policy's period (nobody, the bucket's owner
included, can delete or shorten it before then), so the backups cannot be pruned ahead of the policy.
Object Lock can only be turned on when a bucket is created: destinations without it are named."""

from __future__ import annotations

import json
from typing import Any

from chatvault.store import audit as audit_trail
from chatvault.store.db import immediate


def align(conn: Any, keep_days: int, actor: str = "user") -> list[str]:
    """Raise every Object Lock destination to COMPLIANCE for ≥ `keep_days`; notes for the others."""
    notes = []
    with immediate(conn):
        for dest_id, name, kind, raw in conn.execute(
                "SELECT id, name, kind, config FROM backup_destinations ORDER BY name").fetchall():
            config = json.loads(raw)
            if kind != "s3":
                notes.append(f"{name}: a folder destination cannot be made write-once; its snapshots can be deleted "
                             "before the policy ends (use an S3 bucket with Object Lock for that).")
                continue
            if not config.get("lock_mode"):
                notes.append(f"{name}: its bucket has no Object Lock (it can only be enabled when a bucket is "
                             "created): its snapshots can be deleted before the policy ends.")
                continue
            before = (str(config["lock_mode"]).upper(), float(config.get("lock_days") or 0))
            config["lock_mode"] = "COMPLIANCE"
            config["lock_days"] = max(before[1], float(keep_days))
            if before == ("COMPLIANCE", config["lock_days"]):
                continue
            conn.execute("UPDATE backup_destinations SET config = ? WHERE id = ?", (json.dumps(config), dest_id))
            audit_trail.append(conn, "backup.object_lock", {"destination": name, "from": list(before),
                                                            "to": ["COMPLIANCE", config["lock_days"]]}, actor)
            notes.append(f"{name}: new backup objects are now locked in COMPLIANCE mode for {config['lock_days']:g} "
                         "days.")
    return notes
