"""Which snapshots to keep: keep-last / daily / weekly / monthly / yearly (UTC calendar periods).

Like restic's `forget --keep-*`: each rule keeps the newest snapshot of each of the N most recent
periods that have one; a snapshot kept by any rule is kept. With no rule at all, everything is kept,
and the newest snapshot is always kept.
"""

from __future__ import annotations

from datetime import UTC, datetime


def _bucket(rule: str, ts: float) -> str:
    d = datetime.fromtimestamp(ts, UTC)
    if rule == "keep_daily":
        return d.strftime("%Y-%m-%d")
    if rule == "keep_weekly":
        y, w, _ = d.isocalendar()
        return f"{y}-W{w:02d}"
    if rule == "keep_monthly":
        return d.strftime("%Y-%m")
    return d.strftime("%Y")


def apply_retention(snapshots: list[tuple[str, float]], rules: dict[str, int]) -> set[str]:
    """Return the ids to keep from (id, unix time) pairs."""
    if not snapshots:
        return set()
    if not any(int(v) > 0 for v in (rules or {}).values()):
        return {sid for sid, _ in snapshots}
    newest_first = sorted(snapshots, key=lambda s: (s[1], s[0]), reverse=True)
    keep = {sid for sid, _ in newest_first[: int(rules.get("keep_last", 0))]}
    keep.add(newest_first[0][0])
    for rule in ("keep_daily", "keep_weekly", "keep_monthly", "keep_yearly"):
        n = int(rules.get(rule, 0))
        seen: set[str] = set()
        for sid, ts in newest_first:
            if len(seen) >= n:
                break
            b = _bucket(rule, ts)
            if b not in seen:
                seen.add(b)
                keep.add(sid)
    return keep
