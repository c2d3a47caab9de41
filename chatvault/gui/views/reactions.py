"""A message's reactions as the chips under its bubble: one chip per emoji, with who reacted (two
names at most, else how many), as WhatsApp, Telegram and iMessage show them.

Importers keep reactions in `extra["reactions"]` (docs/import.md: `{"emoji", "by", "by_key", "ts"}`
per person); older shapes are read too: Telegram's `{"emoji"|"type", "count", "recent": [{"from"}]}`
and a plain `{emoji: count}` map.
"""

from __future__ import annotations

from typing import Any

MAX_CHIPS = 6        # more emoji than this end in one "+N" chip
MAX_NAMES = 2        # more people than this are counted instead of named


def grouped(value: Any) -> list[tuple[str, list[str], int]]:
    """(emoji, names, count) per emoji, in the order they first appear."""
    order: list[str] = []
    names: dict[str, list[str]] = {}
    counts: dict[str, int] = {}

    def add(emoji: Any, who: Any = None, n: int = 1) -> None:
        if not isinstance(emoji, str) or not emoji.strip():
            return
        if emoji not in names:
            order.append(emoji)
            names[emoji], counts[emoji] = [], 0
        counts[emoji] += max(int(n), 1)
        if isinstance(who, str) and who.strip() and who not in names[emoji]:
            names[emoji].append(who.strip())

    if isinstance(value, dict):
        for emoji, n in value.items():
            add(emoji, None, n if isinstance(n, int) and not isinstance(n, bool) else 1)
    elif isinstance(value, list):
        for r in value:
            if isinstance(r, str):
                add(r)
            elif isinstance(r, dict):
                emoji = r.get("emoji") or r.get("reaction") or r.get("value") or r.get("type")
                recent = [x.get("from") for x in r.get("recent") or () if isinstance(x, dict)]
                who = r.get("by") or r.get("actor") or r.get("from") or r.get("name")
                count = r.get("count")
                n = count if isinstance(count, int) and not isinstance(count, bool) else 1
                if recent:
                    add(emoji, recent[0], n)
                    for other in recent[1:]:
                        if isinstance(other, str) and other not in names.get(emoji, []):
                            names[emoji].append(other)
                else:
                    add(emoji, who, n)
    return [(e, names[e], max(counts[e], len(names[e]))) for e in order]


def chips(extra: dict[str, Any] | None, more: str = "+%1") -> list[str]:
    """The chip texts for a message's `extra` (empty when it has no reactions)."""
    groups = grouped((extra or {}).get("reactions"))
    out = []
    for emoji, who, n in groups[:MAX_CHIPS]:
        if who and n <= MAX_NAMES and len(who) == n:
            out.append(f"{emoji} {', '.join(who)}")
        else:
            out.append(f"{emoji} {n}" if n > 1 else emoji)
    if len(groups) > MAX_CHIPS:
        out.append(more.replace("%1", str(len(groups) - MAX_CHIPS)))
    return out
