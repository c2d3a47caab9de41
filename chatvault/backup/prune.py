"""Prune: forget the snapshots the retention rules do not keep, then delete the objects no
remaining snapshot uses. A pack a kept snapshot still uses in part is kept whole (not repacked)."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any

from chatvault import faults
from chatvault.backup.crypto import BackupKeys
from chatvault.backup.layout import (
    CONFIG_KEY,
    SnapshotInfo,
    list_snapshots,
    load_manifest,
    locations,
    references,
    snapshot_key,
)
from chatvault.backup.retention import apply_retention
from chatvault.backup.target import Target
from chatvault.jobs.context import JobContext


@dataclass
class PruneReport:
    dry_run: bool
    keep: list[str] = field(default_factory=list)
    forget: list[str] = field(default_factory=list)
    locked_snapshots: list[str] = field(default_factory=list)
    objects_deleted: int = 0
    bytes_freed: int = 0
    objects_locked: int = 0
    unreadable: list[str] = field(default_factory=list)
    # packs a kept snapshot still uses in part are kept whole (not repacked): their unused bytes
    partly_used_packs: int = 0
    unused_bytes_kept: int = 0
    # kept beyond the rules: the newest snapshot not known damaged, when newer ones are (restore test, verify)
    kept_clean: str | None = None
    known_damaged: list[str] = field(default_factory=list)

    def to_json(self) -> dict[str, Any]:
        return asdict(self)


def prune_target(target: Target, k: BackupKeys, rules: dict[str, int], known_damaged: set[str], *,
                 dry_run: bool = False, ctx: JobContext | None = None,
                 forget_before: float | None = None) -> PruneReport:
    """Apply `rules` at `target`; `known_damaged` names snapshots a restore test or verify found damaged.
    `forget_before` (seconds): also forget every snapshot taken before then (an erasure's), except
    the newest clean one when nothing newer exists."""
    ctx = ctx or JobContext()
    existing = target.list()
    snaps = list_snapshots(target, k, existing)
    rep = PruneReport(dry_run)
    _choose(rep, snaps, rules, known_damaged, forget_before)
    remaining = set(rep.keep)
    if not dry_run:
        remaining |= _forget(target, rep, ctx)
    needed = _needed(target, k, rep, remaining, existing)
    objects = sorted(key for key in existing if not key.startswith("snapshots/") and key not in needed)
    if rep.unreadable:
        objects = []  # never guess what an unreadable snapshot uses
    for key in objects:
        ctx.check()
        if dry_run:
            rep.objects_deleted += 1
            rep.bytes_freed += existing[key]
            continue
        res = target.delete(key)
        if res.deleted:
            rep.objects_deleted += 1
            rep.bytes_freed += existing[key]
        elif res.locked_until is not None:
            rep.objects_locked += 1
    return rep


def _choose(rep: PruneReport, snaps: list[SnapshotInfo], rules: dict[str, int], known_damaged: set[str],
            forget_before: float | None = None) -> None:
    """Which snapshots to keep and forget; never the last good copy to damaged newer ones."""
    rep.unreadable = [s.id for s in snaps if not s.ok]
    good = [s for s in snaps if s.ok]
    kept = apply_retention([(s.id, s.time) for s in good], rules) | set(rep.unreadable)
    if forget_before is not None:
        kept -= {s.id for s in good if s.time < forget_before}
    rep.known_damaged = sorted(known_damaged & {s.id for s in snaps})
    clean = [s.id for s in good if s.id not in rep.known_damaged]
    if clean and clean[-1] not in kept:
        rep.kept_clean = clean[-1]
        kept.add(clean[-1])
    rep.keep = sorted(kept)
    rep.forget = sorted(s.id for s in good if s.id not in kept)


def _forget(target: Target, rep: PruneReport, ctx: JobContext) -> set[str]:
    """Delete the forgotten manifests; those under Object Lock stay (and are returned)."""
    locked: set[str] = set()
    for sid in rep.forget:
        ctx.check()
        res = target.delete(snapshot_key(sid))
        faults.hit("backup.prune_after_forget")
        if res.locked_until is not None:
            rep.locked_snapshots.append(sid)
            locked.add(sid)
    return locked


def _needed(target: Target, k: BackupKeys, rep: PruneReport, remaining: set[str],
            existing: dict[str, int]) -> set[str]:
    """Every object a remaining snapshot uses; counts the packs kept for part of their bytes."""
    needed: set[str] = {CONFIG_KEY}
    used: dict[str, set[tuple[int, int]]] = {}
    for sid in sorted(remaining):
        if sid in rep.unreadable:
            continue
        body = load_manifest(target, k, sid)
        needed.update(key for key, _ in references(body))
        needed.add(body["header"])
        for key, off, n in locations(body).values():
            if key.startswith("packs/"):
                used.setdefault(key, set()).add((off, n))
    for key, spans in used.items():
        unused = existing.get(key, 0) - sum(n for _, n in spans)
        if unused > 36 * len(spans) + 8:  # more than the pack's own table
            rep.partly_used_packs += 1
            rep.unused_bytes_kept += unused - 36 * len(spans) - 8
    return needed
