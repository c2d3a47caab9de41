"""Where things lie at a destination: the marker naming the vault, the object keys, the sealed
snapshot manifests and the objects each one uses (docs/vault-format.md, "Backups")."""

from __future__ import annotations

import json
import os
from collections.abc import Iterable
from dataclasses import asdict, dataclass
from datetime import UTC, datetime
from typing import Any

from chatvault import clock
from chatvault.backup.common import run_all
from chatvault.backup.crypto import BackupKeys, open_manifest, parse_envelope
from chatvault.backup.extents import patch_size
from chatvault.backup.packs import read_table
from chatvault.backup.target import Target
from chatvault.errors import InputError, IntegrityError, StorageError

CONFIG_KEY = "chatvault-backup.json"
BACKUP_FORMAT = "chatvault-backup"
SNAPSHOT_FORMAT = 2  # 1: one object per extent or patch (still read); 2: extents and patches in packs


def extent_key(mac: str) -> str:
    return f"data/{mac[:2]}/{mac}"


def snapshot_key(snapshot_id: str) -> str:
    return f"snapshots/{snapshot_id}"


def ensure_config(target: Target, k: BackupKeys, existing: dict[str, int]) -> None:
    """The destination's marker names the vault it belongs to; a foreign one is refused."""
    if CONFIG_KEY in existing:
        try:
            cfg = json.loads(target.get(CONFIG_KEY))
        except ValueError:
            cfg = {}
        if cfg.get("format") != BACKUP_FORMAT:
            raise InputError(f"{target.description} holds something that is not a ChatVault backup.",
                             hint="Choose an empty folder or another prefix.")
        if cfg.get("vault_id") != k.vault_id:
            raise InputError(f"{target.description} holds the backups of another vault ({cfg.get('vault_id')}).",
                             hint="Use a separate folder or prefix for each vault.")
        return
    if any(not key.startswith(("tmp/", "lock")) for key in existing):
        raise InputError(f"{target.description} is not empty and is not a ChatVault backup.",
                         hint="Choose an empty folder or a new prefix for the backups.")
    target.put_bytes(CONFIG_KEY, json.dumps({"format": BACKUP_FORMAT, "version": 1, "vault_id": k.vault_id}).encode(),
                     durable_now=True)


def snapshot_ids(existing: Iterable[str]) -> list[str]:
    return sorted(k[len("snapshots/"):] for k in existing if k.startswith("snapshots/"))


def load_manifest(target: Target, k: BackupKeys, snapshot_id: str) -> dict[str, Any]:
    key = snapshot_key(snapshot_id)
    return open_manifest(k, parse_envelope(target.get(key), key), key)


def latest_manifest(target: Target, k: BackupKeys, existing: dict[str, int]) -> dict[str, Any] | None:
    """The newest snapshot that opens (a damaged newer one is passed over)."""
    for sid in reversed(snapshot_ids(existing)):
        try:
            return load_manifest(target, k, sid)
        except IntegrityError:
            continue
    return None


def new_snapshot_id(after: str | None = None) -> str:
    """`YYYYmmddTHHMMSS.mmmZ-<random>`: ids sort by time; a new one sorts after `after` even if the
    clock went backwards (the order of ids is the order of snapshots)."""
    t = clock.clock.now()
    while True:
        d = datetime.fromtimestamp(t, UTC)
        sid = d.strftime("%Y%m%dT%H%M%S") + f".{d.microsecond // 1000:03d}Z-" + os.urandom(4).hex()
        if after is None or sid[:19] > after[:19]:
            return sid
        t = max(t + 0.001, datetime.strptime(after[:19], "%Y%m%dT%H%M%S.%f").replace(tzinfo=UTC).timestamp() + 0.001)


def locations(body: dict[str, Any]) -> dict[str, tuple[str, int, int]]:
    """Every extent and patch a manifest uses: MAC -> (object key, offset, length). Format 2 lists
    them (in packs, or format-1 objects a later run reused); in format 1 each is its own object."""
    db = body["db"]
    if "objects" in db:
        packs = db["packs"]
        return {mac: (packs[i][0], off, n) for mac, (i, off, n) in db["objects"].items()}
    step = db["extent_pages"] * db["page_size"]
    size = db["size"]
    out: dict[str, tuple[str, int, int]] = {}
    for i, slot in enumerate(db["slots"]):
        out.setdefault(slot[1], (extent_key(slot[1]), 0, min(step, size - i * step)))
        if slot[2]:
            out.setdefault(slot[2], (extent_key(slot[2]), 0, patch_size(slot[3], db["page_size"])))
    return out


def references(body: dict[str, Any]) -> list[tuple[str, int]]:
    """(key, size) of every object a manifest needs (the header's size is not recorded)."""
    db = body["db"]
    if "packs" in db:
        out = [(key, size) for key, size in db["packs"]]
    else:
        out = sorted({(key, n) for key, _off, n in locations(body).values()})
    for rel, size, _mac in body.get("blobs", []):
        out.append(("media/" + rel, size))
    return out


def known_entries(target: Target, k: BackupKeys, prev: dict[str, Any] | None, existing: dict[str, int],
                  full_listing: bool) -> dict[str, tuple[str, int, int]]:
    """MAC -> (object key, offset, length) of every extent and patch known to be at the destination:
    those the previous snapshot uses (whose objects are there), and after a full listing also
    format-1 extent objects and the packs no snapshot names yet (an interrupted run's), read from
    their authenticated tables, so that a run resumes without sending them again."""
    known: dict[str, tuple[str, int, int]] = {}
    covered: set[str] = set()
    if prev is not None:
        sizes = dict(references(prev))
        for mac, loc in locations(prev).items():
            if existing.get(loc[0]) == sizes.get(loc[0]):
                known[mac] = loc
        covered = set(sizes)
    if not full_listing:
        return known
    orphans = []
    for key, size in existing.items():
        if key.startswith("data/") and key not in covered:
            known.setdefault(key.rsplit("/", 1)[-1], (key, 0, size))
        elif key.startswith("packs/") and key not in covered:
            orphans.append((key, size))
    tables: dict[str, list[tuple[str, int, int]] | None] = {}

    def read_one(key: str, size: int) -> None:
        try:
            tables[key] = read_table(target, k.ident, key, size)
        except StorageError:
            tables[key] = None

    if orphans:
        run_all(target.workers, read_one, orphans)
    for key, entries in tables.items():
        for mac, off, n in entries or []:  # a pack whose table fails is ignored (re-sent, pruned later)
            known.setdefault(mac, (key, off, n))
    return known


@dataclass
class SnapshotInfo:
    id: str
    time: float
    time_iso: str
    db_bytes: int
    media_bytes: int
    counts: dict[str, int]
    ok: bool = True
    problem: str | None = None
    source_checked: bool = False  # its pages and blobs were authenticated when stored (not before this)
    audit_head: dict[str, Any] | None = None  # the vault's audit chain head when it was taken (sealed)

    def to_json(self) -> dict[str, Any]:
        return asdict(self)


def list_snapshots(target: Target, k: BackupKeys, existing: dict[str, int] | None = None) -> list[SnapshotInfo]:
    existing = target.list("snapshots/") if existing is None else existing
    out = []
    for sid in snapshot_ids(existing):
        try:
            body = load_manifest(target, k, sid)
            c = body.get("counts", {})
            out.append(SnapshotInfo(sid, float(body["time"]), body["time_iso"], int(body["db"]["size"]),
                                    int(c.get("media_bytes", 0)), c, source_checked=bool(body.get("source_checked")),
                                    audit_head=body.get("audit_head")))
        except IntegrityError as exc:
            out.append(SnapshotInfo(sid, 0.0, "", 0, 0, {}, ok=False, problem=exc.message))
    return out


def resolve_snapshot(ids: list[str], ref: str) -> str:
    if not ids:
        raise InputError("The destination holds no snapshot yet.", hint="Run `chatvault backup run` first.")
    if ref in ("latest", "newest"):
        return ids[-1]
    if ref in ids:
        return ref
    matches = [i for i in ids if i.startswith(ref) or i.endswith(ref)]
    if len(matches) == 1:
        return matches[0]
    raise InputError(f"No single snapshot matches '{ref}' ({len(matches)} match).",
                     hint="List them with `chatvault backup snapshots` and give the full id, or 'latest'.")
