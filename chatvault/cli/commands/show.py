"""`chatvault show CHAT`: print a conversation, its latest messages or those around a message."""

from __future__ import annotations

import argparse
import json
from typing import Any

from chatvault.cli.common import CliContext
from chatvault.errors import InputError
from chatvault.search.api import context, iso_time
from chatvault.store import queries

NAME = "show"
HELP = "print a conversation (the latest messages, or those around --around MESSAGE_ID)"


def register(p: argparse.ArgumentParser) -> None:
    p.add_argument("chat", metavar="CHAT", help="conversation id or unique title prefix")
    p.add_argument("--around", type=int, metavar="MESSAGE_ID", help="centre on this message (e.g. a search hit)")
    p.add_argument("--limit", type=int, default=50, metavar="N", help="messages to print (default 50)")


def run(args: argparse.Namespace, ctx: CliContext) -> int:
    if args.limit < 1:
        raise InputError("--limit must be at least 1.")
    with ctx.open() as vault:
        conn = vault.connect(readonly=True)
        try:
            conv = queries.find_conversation(conn, args.chat)
            if conv is None:
                raise InputError(f"No single conversation matches '{args.chat}'.",
                                 hint="Use the id or a unique part of the title (`chatvault search --json` shows ids).")
            if args.around is not None:
                half = (args.limit - 1) // 2
                rows = context(conn, args.around, before=half, after=args.limit - 1 - half)
                if rows and rows[0]["conversation_id"] != conv["id"]:
                    raise InputError(f"Message {args.around} is not in conversation {conv['id']} ({conv['title']}).")
            else:
                rows = queries.messages_page(conn, conv["id"], before=(1 << 62, 0), limit=args.limit)
                rows = [dict(r) | {"is_target": False, "time_iso": iso_time(r["ts"], r["tz_offset"])} for r in rows]
            total = queries.message_count(conn, conv["id"])
        finally:
            conn.close()
    keep = ("id", "time_iso", "ts", "sender", "from_me", "kind", "text", "status", "is_target", "is_edited",
            "reply_to_id")
    messages = [{k: r.get(k) for k in keep} | {"recalled": _recalled(r)} for r in rows]
    data = {"conversation": {"id": conv["id"], "title": conv["title"], "kind": conv["kind"], "messages": total},
            "messages": messages}
    lines = [f"{conv['title'] or '(untitled)'} (#{conv['id']}, {total} messages)"]
    for m in messages:
        who = "me" if m["from_me"] else (m["sender"] or "?")
        body = m["text"] if m["text"] else f"<{m['kind']}>"
        flag = " (deleted at source)" if m["status"] == "missing-at-source" else ""
        flag += " (recalled)" if m["recalled"] else ""
        arrow = ">" if m["is_target"] else " "
        lines.append(f"{arrow} {m['time_iso'][:16].replace('T', ' ')}  {who}: {body}{flag}  #{m['id']}")
    ctx.out(data, "\n".join(lines))
    return 0


def _recalled(row: dict[str, Any]) -> bool:
    """A message kept with its text although its sender recalled it later (extra.recalled)."""
    if row.get("kind") == "recalled":
        return False
    try:
        extra = json.loads(row.get("extra") or "{}")
    except (TypeError, ValueError):
        return False
    return isinstance(extra, dict) and bool(extra.get("recalled"))
