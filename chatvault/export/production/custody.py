"""The chain-of-custody record of a production: who produced what, when, from which vault in which
state, with which selection, and how many messages of each custodian and chat went out.

Written twice, `custody.json` (for tools) and `custody.txt` (for the person who signs it), both
hashed in the manifest, so a changed word in either fails `export verify`.
"""

from __future__ import annotations

import getpass
import json
import platform
import sys
from typing import Any

from chatvault import __version__


def os_user() -> str:
    try:
        return getpass.getuser()
    except (OSError, KeyError, ImportError):      # no login name (containers, services)
        return "unknown"


def _has_column(conn: Any, table: str, column: str) -> bool:
    return any(r[1] == column for r in conn.execute(f"PRAGMA table_info({table})"))


def vault_state(vault: Any, conn: Any) -> dict[str, Any]:
    """The vault as it stood when the production read it."""
    one = conn.execute
    state: dict[str, Any] = {
        "id": vault.vault_id, "path": str(vault.path),
        "schema_version": int(one("PRAGMA user_version").fetchone()[0]),
        "messages": int(one("SELECT count(*) FROM messages").fetchone()[0]),
        "conversations": int(one("SELECT count(*) FROM conversations").fetchone()[0]),
        "latest_backup": None, "audit_chain_head": None,
    }
    if _has_column(conn, "backup_runs", "snapshot_id"):
        row = one("""SELECT r.snapshot_id, r.finished_at, r.verified, d.name, d.kind FROM backup_runs r
                     JOIN backup_destinations d ON d.id = r.destination_id
                     WHERE r.kind = 'backup' AND r.status = 'success' AND r.snapshot_id IS NOT NULL
                     ORDER BY r.finished_at DESC, r.id DESC LIMIT 1""").fetchone()
        if row:
            state["latest_backup"] = {"snapshot_id": row[0], "finished_at_ms": row[1], "verified": bool(row[2]),
                                      "destination": row[3], "destination_kind": row[4]}
    if _has_column(conn, "audit_log", "hash"):
        row = one("SELECT id, hash FROM audit_log ORDER BY id DESC LIMIT 1").fetchone()
        if row:
            state["audit_chain_head"] = {"entry": row[0], "hash": row[1]}
    cols = ("id", "started_at", "finished_at", "format", "parser_version", "path", "file_hash", "file_size",
            "outcome")
    state["import_runs"] = [dict(zip(cols, r, strict=True))
                            for r in one(f"SELECT {', '.join(cols)} FROM import_runs ORDER BY id")]
    return state


def record(*, operator: str | None, started: str, finished: str, vault: dict[str, Any],
           selection: dict[str, Any], counts: dict[str, Any], production: dict[str, Any],
           warnings: list[str]) -> dict[str, Any]:
    return {
        "record": "chain-of-custody", "version": 1,
        "produced_by": {"operator": operator or os_user(), "operator_given": operator is not None,
                        "os_user": os_user(), "host": platform.node()},
        "started_at": started, "finished_at": finished,
        "tool": {"name": "ChatVault", "version": __version__, "python": sys.version.split()[0],
                 "platform": platform.platform()},
        "vault": vault, "selection": selection, "counts": counts, "production": production,
        "warnings": warnings,
    }


def to_bytes(rec: dict[str, Any]) -> bytes:
    return json.dumps(rec, ensure_ascii=False, indent=1).encode("utf-8")


def to_text(rec: dict[str, Any]) -> bytes:
    """The same record as a page a person reads and signs."""
    v, by, c, p = rec["vault"], rec["produced_by"], rec["counts"], rec["production"]
    backup = v.get("latest_backup")
    lines = [
        "CHAIN OF CUSTODY — ChatVault production", "",
        f"Produced by:    {by['operator']} (OS user {by['os_user']} on {by['host']})",
        f"Started:        {rec['started_at']}", f"Finished:       {rec['finished_at']}",
        f"Tool:           ChatVault {rec['tool']['version']} (Python {rec['tool']['python']}, "
        f"{rec['tool']['platform']})", "",
        f"Vault:          {v['id']} at {v['path']}",
        f"Vault held:     {v['messages']} messages in {v['conversations']} conversations; "
        f"{len(v['import_runs'])} import runs; schema {v['schema_version']}",
        f"Latest backup:  {backup['snapshot_id'] + ' on ' + backup['destination'] if backup else 'none recorded'}",
    ]
    if v.get("audit_chain_head"):
        lines.append(f"Audit chain:    entry {v['audit_chain_head']['entry']}, hash {v['audit_chain_head']['hash']}")
    lines += ["", "Selection:      " + json.dumps(rec["selection"], ensure_ascii=False, sort_keys=True), "",
              f"Produced:       {c['messages']} messages from {c['conversations']} conversations in "
              f"{p['rsmf_files']} RSMF files, {p['natives']} native attachments "
              f"(control numbers {p['first_docid'] or '-'} to {p['last_docid'] or '-'})", "",
              "Per custodian:"]
    lines += [f"  {name or '(none)'}: {n}" for name, n in sorted(c["per_custodian"].items())]
    lines.append("Per conversation:")
    lines += [f"  {x['title']} ({x['app']}, vault id {x['conversation_id']}): {x['messages']}"
              for x in c["per_conversation"]]
    if rec["warnings"]:
        lines += ["", "Warnings:"] + [f"  - {w}" for w in rec["warnings"]]
    lines += ["", "Every file of this production, this record included, is listed with its SHA-256 in",
              "manifest.json and manifest.sha256; `chatvault export verify <folder>` rechecks them.", ""]
    return "\r\n".join(lines).encode("utf-8")
