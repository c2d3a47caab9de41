"""Restore: rebuild a vault folder from a snapshot, every extent, patch and blob authenticated.

Nothing is written before the key is proven right; the folder becomes a vault only when its
header (`vault.json`) appears, last, after one file-system sync."""

from __future__ import annotations

import hashlib
import os
import shutil
import threading
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from chatvault.backup.authentic import BlobTagCheck
from chatvault.backup.common import run_all
from chatvault.backup.crypto import BackupKeys, keys_from_header, open_manifest, parse_envelope
from chatvault.backup.extents import apply_patch, patch_size
from chatvault.backup.folder import sync_tree
from chatvault.backup.layout import locations, resolve_snapshot, snapshot_ids, snapshot_key
from chatvault.backup.packs import scan_entries
from chatvault.backup.target import Target
from chatvault.errors import IntegrityError, StorageError, UsageError
from chatvault.fsutil import atomic_write, fsync_dir
from chatvault.jobs.context import JobContext
from chatvault.vault.header import HEADER_NAME, Header


@dataclass
class RestoreReport:
    snapshot_id: str
    path: str
    db_bytes: int = 0
    blobs: int = 0
    bytes: int = 0
    lost_blobs: list[str] = field(default_factory=list)
    affected_messages: int = 0
    problems: list[str] = field(default_factory=list)
    checked: bool = False

    @property
    def ok(self) -> bool:
        return not self.lost_blobs and not self.problems

    def to_json(self) -> dict[str, Any]:
        return asdict(self) | {"ok": self.ok}


def _open_snapshot(target: Target, ref: str, passphrase: str | None, recovery_key: str | None,
                   keys: BackupKeys | None) -> tuple[str, bytes, BackupKeys, dict[str, Any]]:
    """(snapshot id, header bytes, keys, manifest body), the key proven by the manifest opening."""
    existing = target.list()  # all keys: S3 with Object Lock also learns the version of each object
    sid = resolve_snapshot(snapshot_ids(existing), ref)
    key = snapshot_key(sid)
    env = parse_envelope(target.get(key), key)
    header_raw = target.get(env["header"])
    if env["header"] != f"headers/{hashlib.sha256(header_raw).hexdigest()}.json":
        raise IntegrityError(f"The vault header copy {env['header']} in the backup is damaged.", location=env["header"])
    header = Header.parse(header_raw, env["header"])
    if keys is None:
        keys = keys_from_header(header, passphrase=passphrase, recovery_key=recovery_key)
    elif keys.vault_id != header.vault_id:
        raise IntegrityError("This backup belongs to another vault.")
    return sid, header_raw, keys, open_manifest(keys, env, key)


def restore_snapshot(target: Target, ref: str, to: Path, *, passphrase: str | None = None,
                     recovery_key: str | None = None, keys: BackupKeys | None = None, check: bool = False,
                     ctx: JobContext | None = None) -> RestoreReport:
    """Rebuild a vault folder from a snapshot. Nothing is written before the key is proven right."""
    ctx = ctx or JobContext()
    to = Path(to)
    if to.exists() and (not to.is_dir() or any(to.iterdir())):
        raise UsageError(f"{to} is not empty; restore needs a new or empty folder.",
                         hint="Choose another folder with --to; an existing vault is never overwritten.")
    sid, header_raw, keys, body = _open_snapshot(target, ref, passphrase, recovery_key, keys)
    rep = RestoreReport(sid, str(to))
    db = body["db"]
    blobs = body.get("blobs", [])
    ctx.set_total(items=len(db["slots"]) + len(blobs), bytes_=db["size"] + sum(b[1] for b in blobs))
    created = not to.exists()
    try:
        to.mkdir(parents=True, exist_ok=True, mode=0o700)
        os.chmod(to, 0o700)  # private even when restoring into an existing (e.g. 0755) folder
        (to / "media").mkdir(exist_ok=True, mode=0o700)
        db_tmp = _restore_db_file(target, keys, sid, db, to, ctx)
        rep.db_bytes = db["size"]
        # media blobs, streamed; a damaged one is skipped and reported, the rest restored
        ctx.status("Restoring media")
        _MediaRestore(target, keys, to / "media", rep, check, ctx).run(blobs)
        sync_tree(to)
        os.replace(db_tmp, to / "vault.db")
        # the header last: a folder with vault.json is a complete vault
        fsync_dir(to)
        atomic_write(to / HEADER_NAME, header_raw, fault_prefix="restore.header")
        rep.lost_blobs.sort()
        if check or rep.lost_blobs:
            _check_restored(to, keys, rep, check)
    except BaseException:
        if created:
            shutil.rmtree(to, ignore_errors=True)
        else:
            for child in list(to.iterdir()) if to.exists() else []:
                shutil.rmtree(child, ignore_errors=True) if child.is_dir() else child.unlink(missing_ok=True)
        raise
    return rep


def _restore_db_file(target: Target, keys: BackupKeys, sid: str, db: dict[str, Any], to: Path,
                     ctx: JobContext) -> Path:
    """The database, every extent and patch authenticated, each pack read once, into `vault.db.partial`."""
    ctx.status("Restoring the database")
    db_tmp = to / "vault.db.partial"
    fd = os.open(db_tmp, os.O_RDWR | os.O_CREAT | os.O_TRUNC, 0o600)
    try:
        bad = _DbRestore(target, keys, db, fd, ctx).run()
        if bad:
            raise IntegrityError(
                f"The database of snapshot {sid} cannot be restored: {len(bad)} of its extents are damaged or "
                f"missing ({', '.join(sorted(bad)[:5])}{', ...' if len(bad) > 5 else ''}).",
                hint="Nothing was restored. Run `chatvault backup verify --read-data` and restore an older "
                     "snapshot that verify reports as intact.")
    finally:
        os.close(fd)
    return db_tmp


class _MediaRestore:
    """Media blobs fetched in parallel; one that fails its MAC (or, with --check, a chunk tag) is lost."""

    def __init__(self, target: Target, keys: BackupKeys, media: Path, rep: RestoreReport, check: bool,
                 ctx: JobContext) -> None:
        self.target, self.keys, self.media, self.rep, self.check, self.ctx = target, keys, media, rep, check, ctx
        self.lock = threading.Lock()
        self.made: set[Path] = set()

    def run(self, blobs: list[list[Any]]) -> None:
        run_all(self.target.workers, self.fetch, [tuple(b) for b in blobs], self.ctx.check)

    def fetch(self, rel: str, size: int, mac: str) -> None:
        # written in place: the restored folder is not a vault until vault.json appears (last,
        # after one file-system sync), so per-file temp + fsync would only slow the restore down
        final = self.media / rel
        if final.parent not in self.made:
            final.parent.parent.mkdir(exist_ok=True, mode=0o700)  # parents=True would ignore the mode
            final.parent.mkdir(exist_ok=True, mode=0o700)
            self.made.add(final.parent)
        h = self.keys.hasher()
        tags = BlobTagCheck(self.keys.media, rel.rsplit("/", 1)[-1]) if self.check else None  # --check: every tag
        n = 0
        try:
            with open(os.open(final, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600), "wb") as out:
                for chunk in self.target.read_chunks("media/" + rel):
                    h.update(chunk)
                    if tags is not None:
                        tags.update(chunk)
                    out.write(chunk)
                    n += len(chunk)
        except StorageError:
            n = -1
        if n != size or h.hexdigest() != mac or (tags is not None and tags.problem()):
            final.unlink(missing_ok=True)
            with self.lock:
                self.rep.lost_blobs.append(rel)
            return
        with self.lock:
            self.rep.blobs += 1
            self.rep.bytes += n
        self.ctx.advance(items=1, bytes_=n)


class _DbRestore:
    """Write the snapshot's database image to `fd`; `run()` returns what could not be restored.

    Each object (pack) is read once, front to back: first every base extent is authenticated and
    written to each slot that uses it, then every patch is authenticated and applied to its slot's
    base as written, and the rebuilt extent must match the slot's image MAC."""

    def __init__(self, target: Target, keys: BackupKeys, db: dict[str, Any], fd: int, ctx: JobContext) -> None:
        self.target, self.keys, self.db, self.fd, self.ctx = target, keys, db, fd, ctx
        self.step = db["extent_pages"] * db["page_size"]
        self.slots = db["slots"]
        self.locs = locations({"db": db})
        self.bad: list[str] = []
        self.lock = threading.Lock()
        self.done = bytearray(len(self.slots))  # 1 once a slot's final extent is written
        self.base_ok = bytearray(len(self.slots))
        self.bases: dict[str, list[int]] = {}
        self.patches: dict[str, list[int]] = {}
        for i, slot in enumerate(self.slots):
            self.bases.setdefault(slot[1], []).append(i)
            if slot[2]:
                self.patches.setdefault(slot[2], []).append(i)

    def run(self) -> list[str]:
        for users, use in ((self.bases, self.put_base), (self.patches, self.put_patch)):
            jobs = [(key, want, use) for key, want in self.by_object(users).items()]
            run_all(self.target.workers, self.read_entries, jobs, self.ctx.check)
            if self.bad:
                return self.bad
        missing = len(self.slots) - sum(self.done)
        if missing:
            self.bad.append(f"{missing} extents not rebuilt")
        return self.bad

    def size_of(self, i: int) -> int:
        return min(self.step, self.db["size"] - i * self.step)

    def problem(self, text: str) -> None:
        with self.lock:
            self.bad.append(text)

    def by_object(self, users: dict[str, list[int]]) -> dict[str, dict[tuple[int, int], str]]:
        out: dict[str, dict[tuple[int, int], str]] = {}
        for mac in users:
            loc = self.locs.get(mac)
            if loc is None:
                self.problem(f"extent {mac[:16]}… (not listed in the manifest)")
                continue
            out.setdefault(loc[0], {})[(loc[1], loc[2])] = mac
        return out

    def read_entries(self, key: str, want: dict[tuple[int, int], str], use: Callable[[str, bytes], None]) -> None:
        seen = set()
        try:
            for off, n, data in scan_entries(self.target.read_chunks(key), list(want)):
                seen.add((off, n))
                mac = want[(off, n)]
                if self.keys.mac(data) != mac:
                    self.problem(f"{key} at byte {off} (damaged)")
                    continue
                use(mac, data)
        except StorageError:
            self.problem(f"{key} (missing)")
            return
        for off, _n in sorted(set(want) - seen):
            self.problem(f"{key} at byte {off} (truncated)")

    def put_base(self, mac: str, data: bytes) -> None:
        for i in self.bases[mac]:
            if len(data) != self.size_of(i) or (not self.slots[i][2] and self.slots[i][0] != mac):
                self.problem(f"extent {i} (its base does not fit the snapshot)")
                continue
            os.pwrite(self.fd, data, i * self.step)
            self.base_ok[i] = 1
            if not self.slots[i][2]:
                self.done[i] = 1
                self.ctx.advance(items=1, bytes_=len(data))

    def put_patch(self, mac: str, data: bytes) -> None:
        page_size = self.db["page_size"]
        for i in self.patches[mac]:
            if not self.base_ok[i]:
                continue  # its base is already reported
            if len(data) != patch_size(self.slots[i][3], page_size):
                self.problem(f"extent {i} (its patch does not fit the snapshot)")
                continue
            image = apply_patch(os.pread(self.fd, self.size_of(i), i * self.step), data, page_size)
            if self.keys.mac(image) != self.slots[i][0]:  # the rebuilt extent is exactly the snapshot's
                self.problem(f"{self.locs[self.slots[i][1]][0]} + {self.locs[mac][0]} (do not rebuild extent {i})")
                continue
            os.pwrite(self.fd, image, i * self.step)
            self.done[i] = 1
            self.ctx.advance(items=1, bytes_=len(image))


def _check_restored(to: Path, keys: BackupKeys, rep: RestoreReport, full: bool) -> None:
    from chatvault.store.db import connect

    conn = connect(to / "vault.db", keys.db, readonly=True)
    try:
        if full:
            rep.checked = True
            for row in conn.execute("PRAGMA cipher_integrity_check").fetchall():
                rep.problems.append(f"damaged encrypted page: {row[0]}")
            for row in conn.execute("PRAGMA quick_check").fetchall():
                if row[0] != "ok":
                    rep.problems.append(f"database: {row[0]}")
        if rep.lost_blobs:
            ids = [rel.rsplit("/", 1)[-1] for rel in rep.lost_blobs]
            marks = ",".join("?" * len(ids))
            try:
                rep.affected_messages = int(conn.execute(
                    f"SELECT count(DISTINCT message_id) FROM attachments WHERE blob_id IN ({marks}) "  # noqa: S608
                    f"OR thumb_blob_id IN ({marks})", ids + ids).fetchone()[0])
            except Exception:  # noqa: BLE001 - counting is best effort
                pass
    finally:
        conn.close()
