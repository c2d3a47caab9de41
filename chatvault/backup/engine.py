"""Backup run, verify, restore and prune (see docs/backup.md and docs/vault-format.md, "Backups").

Write order makes an interrupted run harmless: objects first (each atomic, durable after
`commit()`), the sealed manifest last. A snapshot therefore exists only once every object it
lists is durable, and the next run lists the destination and sends only what is missing.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import os
import shutil
import sys
import tempfile
import threading
import time
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import FIRST_EXCEPTION, Future, ThreadPoolExecutor, wait
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from chatvault import clock, faults
from chatvault.backup import source as src
from chatvault.backup.authentic import BlobDamaged, BlobTagCheck, CheckedMac
from chatvault.backup.crypto import BackupKeys, keys_from_header, open_manifest, parse_envelope, seal_manifest
from chatvault.backup.destinations import Destination, finish_run, open_target, start_run
from chatvault.backup.packs import PackBuilder, read_table, scan_entries
from chatvault.backup.retention import apply_retention
from chatvault.backup.snapshot import DbSnapshot
from chatvault.backup.target import Target
from chatvault.errors import (
    Cancelled,
    ChatVaultError,
    InputError,
    IntegrityError,
    StorageError,
    UsageError,
    VaultInUse,
)
from chatvault.fsutil import atomic_write, fsync_dir, storage_error
from chatvault.jobs.context import JobContext
from chatvault.vault import keys as vkeys
from chatvault.vault.header import HEADER_NAME, Header
from chatvault.vault.lock import WriterLock
from chatvault.vault.vault import Vault

CONFIG_KEY = "chatvault-backup.json"
BACKUP_FORMAT = "chatvault-backup"
COMMIT_BYTES = 256 * 1024 * 1024  # folder targets: make objects durable and visible in batches
FULL_LISTING_EVERY_S = 7 * 86400
MAX_IN_FLIGHT = 64  # queued tasks: bounds memory to ~64 extents (4 MiB) plus workers x 16 MiB
PACK_BYTES = 8 * 1024 * 1024  # new extents and patches go into packs of about this size (packs.py)
HASH_WORKERS = 2  # threads hashing database extents ahead of the thread that packs them
HASH_AHEAD = 32  # extents read and hashing ahead (~2 MiB)
PACKS_IN_FLIGHT = 2  # packs sealed and uploading at once (each held in memory until it is stored)
SNAPSHOT_FORMAT = 2  # 1: one object per extent or patch (still read); 2: extents and patches in packs


def vault_keys(vault: Vault) -> BackupKeys:
    return BackupKeys(vault.vault_id, vault.derive_key(vkeys.LABEL_BACKUP), vault.derive_key(vkeys.LABEL_BACKUP_ID),
                      vault.derive_key(vkeys.LABEL_DB), vault.derive_key(vkeys.LABEL_MEDIA))


PAGE_HASH = 8  # bytes of HMAC-SHA256(K_id, page) kept per page to find changed pages next time


def page_hashes(k: BackupKeys, data: bytes, page_size: int) -> bytes:
    view = memoryview(data)
    return b"".join(hmac.digest(k.ident, view[p:p + page_size], "sha256")[:PAGE_HASH]
                    for p in range(0, len(data), page_size))


def pages_mask(pages: set[int]) -> int:
    return sum(1 << p for p in pages)


def mask_pages(mask: int) -> set[int]:
    return {p for p in range(64) if mask >> p & 1}


def make_patch(data: bytes, pages: list[int], page_size: int) -> bytes:
    """A patch object: page count, page indices (one byte each), then those pages' bytes."""
    return bytes([len(pages), *pages]) + b"".join(data[p * page_size:(p + 1) * page_size] for p in pages)


def patch_size(mask: int, page_size: int) -> int:
    n = bin(mask).count("1")
    return 1 + n + n * page_size


def apply_patch(base: bytes, patch: bytes, page_size: int) -> bytes:
    n = patch[0]
    out = bytearray(base)
    for j, p in enumerate(patch[1:1 + n]):
        start = 1 + n + j * page_size
        out[p * page_size:(p + 1) * page_size] = patch[start:start + page_size]
    return bytes(out)


def extent_key(mac: str) -> str:
    return f"data/{mac[:2]}/{mac}"


def snapshot_key(snapshot_id: str) -> str:
    return f"snapshots/{snapshot_id}"


class BackupLock:
    """One backup/prune at a time per vault (an OS lock on `backup.lock`, released if we die)."""

    def __init__(self, vault_path: Path) -> None:
        self._lock = WriterLock(vault_path)
        self._lock.path = vault_path / "backup.lock"

    def __enter__(self) -> BackupLock:
        try:
            self._lock.acquire("backup")
        except VaultInUse as exc:
            raise VaultInUse("Another backup or prune of this vault is running.",
                             hint="Wait for it to finish, then try again.") from exc
        return self

    def __exit__(self, *exc: object) -> None:
        self._lock.release()


@dataclass
class RunResult:
    destination: str
    snapshot_id: str | None = None
    bytes_total: int = 0
    bytes_sent: int = 0
    objects_sent: int = 0
    extents_total: int = 0
    extents_sent: int = 0  # extents and patches stored this run (in packs)
    packs_sent: int = 0
    extents_hashed: int = 0  # extents MACed this run (the others were unchanged by fingerprint)
    blobs_total: int = 0
    blobs_sent: int = 0
    duration_s: float = 0.0
    verified: bool = False
    restore_tested: bool = False
    full_listing: bool = True
    phases: dict[str, float] = field(default_factory=dict)  # seconds per step of the run
    sent_keys: list[str] = field(default_factory=list)
    sent_entries: list[str] = field(default_factory=list)  # MACs of the extents and patches stored
    pages_checked: int = 0  # vault.db pages whose SQLCipher HMAC this run checked
    blobs_checked: int = 0  # media blobs whose chunk tags this run authenticated
    source_checked_from_ns: int = 0  # start marker's ctime: a later run re-checks blobs changed after it
    damage: dict[str, Any] | None = None  # the damaged source pages and blobs, named (run refused)

    def to_json(self) -> dict[str, Any]:
        d = asdict(self)
        d.pop("sent_keys")
        d.pop("sent_entries")
        return d


# --- destination set-up ------------------------------------------------------------------
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


def _snapshot_ids(existing: Iterable[str]) -> list[str]:
    return sorted(k[len("snapshots/"):] for k in existing if k.startswith("snapshots/"))


def load_manifest(target: Target, k: BackupKeys, snapshot_id: str) -> dict[str, Any]:
    key = snapshot_key(snapshot_id)
    return open_manifest(k, parse_envelope(target.get(key), key), key)


def _latest_manifest(target: Target, k: BackupKeys, existing: dict[str, int]) -> dict[str, Any] | None:
    for sid in reversed(_snapshot_ids(existing)):
        try:
            return load_manifest(target, k, sid)
        except IntegrityError:
            continue
    return None


def _new_snapshot_id(after: str | None = None) -> str:
    """`YYYYmmddTHHMMSS.mmmZ-<random>`: ids sort by time; a new one sorts after `after` even if the
    clock went backwards (the order of ids is the order of snapshots)."""
    t = clock.clock.now()
    while True:
        d = datetime.fromtimestamp(t, UTC)
        sid = d.strftime("%Y%m%dT%H%M%S") + f".{d.microsecond // 1000:03d}Z-" + os.urandom(4).hex()
        if after is None or sid[:19] > after[:19]:
            return sid
        t = max(t + 0.001, datetime.strptime(after[:19], "%Y%m%dT%H%M%S.%f").replace(tzinfo=UTC).timestamp() + 0.001)


def _media_files(media: Path) -> list[tuple[str, str, int, int]]:
    """Every blob file under media/ (relative path, path, size, ctime in ns); skips dot-folders like .partial."""
    out: list[tuple[str, str, int, int]] = []

    def walk(d: str, rel: str) -> None:
        try:
            with os.scandir(d) as it:
                entries = sorted(it, key=lambda e: e.name)
        except (FileNotFoundError, NotADirectoryError):
            return
        for e in entries:
            if e.name.startswith("."):
                continue
            key = f"{rel}/{e.name}" if rel else e.name
            try:
                if e.is_dir(follow_symlinks=False):
                    walk(e.path, key)
                elif e.is_file():
                    st = e.stat()
                    out.append((key, e.path, st.st_size, st.st_ctime_ns))  # a str: 2,000 Paths cost 60 ms
            except FileNotFoundError:
                continue

    walk(str(media), "")
    return out


def _counts(conn: Any) -> dict[str, int]:
    out = {}
    for table in ("conversations", "messages", "attachments", "blobs"):
        try:
            out[table] = int(conn.execute(f"SELECT count(*) FROM {table}").fetchone()[0])  # noqa: S608 - fixed names
        except Exception:  # noqa: BLE001 - a table another migration has not created yet
            pass
    return out


_arenas_limited = False


def _limit_malloc_arenas() -> None:
    """glibc gives each new thread its own malloc arena; with 16 upload threads moving MiB-sized
    buffers that fragmentation alone cost ~80 MiB of RSS in our measurements. Two arenas keep the
    backup near its working set. And glibc raises its mmap threshold to the size of the largest
    block freed, after which 8 MiB packs come from the heap, fragment it and are not given back;
    a fixed 1 MiB threshold keeps every pack-sized buffer in its own mapping, returned on free
    (process-wide, and only lowers memory use)."""
    global _arenas_limited
    if _arenas_limited or not sys.platform.startswith("linux"):
        return
    _arenas_limited = True
    try:
        import ctypes

        libc = ctypes.CDLL("libc.so.6")
        libc.mallopt(-8, 2)  # M_ARENA_MAX
        libc.mallopt(-3, 1024 * 1024)  # M_MMAP_THRESHOLD (fixed: no dynamic raise)
    except (OSError, AttributeError):
        pass


class _Pool:
    """A bounded thread pool: at most MAX_IN_FLIGHT tasks queued, the first failure re-raised."""

    def __init__(self, workers: int) -> None:
        _limit_malloc_arenas()
        self.ex = ThreadPoolExecutor(workers, thread_name_prefix="backup")
        self.futures: set[Future] = set()

    def submit(self, fn: Callable[..., Any], *args: Any) -> Future:
        while len(self.futures) >= MAX_IN_FLIGHT:
            done, self.futures = wait(self.futures, return_when=FIRST_EXCEPTION)
            for f in done:
                f.result()
        fut = self.ex.submit(fn, *args)
        self.futures.add(fut)
        return fut

    def drain(self) -> None:
        while self.futures:
            done, self.futures = wait(self.futures, return_when=FIRST_EXCEPTION)
            for f in done:
                f.result()

    def close(self) -> None:
        self.ex.shutdown(wait=True, cancel_futures=True)


# --- backup run --------------------------------------------------------------------------
def run_backup(vault: Vault, dest: Destination, ctx: JobContext | None = None) -> RunResult:
    """One backup of `vault` to `dest`; records the run (success only when verified) in the history."""
    ctx = ctx or JobContext()
    t0 = time.monotonic()
    result = RunResult(dest.name)
    conn = vault.connect()
    try:
        with BackupLock(vault.path):
            run_id: int | None = None
            try:
                k = vault_keys(vault)
                result.source_checked_from_ns = src.mark_start(_cache_path(vault, dest))
                ctx.status("Taking a snapshot of the database")
                with DbSnapshot(vault) as snap:
                    run_id = start_run(conn, dest, "backup")
                    t2 = time.monotonic()
                    target = open_target(dest)
                    result.phases = {"db snapshot": round(t2 - t0, 4),
                                     "open destination": round(time.monotonic() - t2, 4)}
                    try:
                        _do_backup(vault, target, k, snap, ctx, result, _needs_full_listing(conn, dest, target),
                                   cache_path=_cache_path(vault, dest))
                        if dest.restore_test:
                            ctx.status("Test-restoring the new snapshot")
                    finally:
                        snap.close()
                    if dest.restore_test and result.snapshot_id:
                        with tempfile.TemporaryDirectory(prefix="chatvault-restore-test-") as tmp:
                            rep = restore_snapshot(target, result.snapshot_id, Path(tmp) / "vault", keys=k,
                                                   check=True, ctx=ctx)
                        if not rep.ok:
                            raise src.RestoreTestFailed(
                                f"The restore test of snapshot {result.snapshot_id} failed: "
                                + "; ".join(rep.problems + [f"media/{b} lost" for b in rep.lost_blobs[:5]]),
                                hint="That snapshot is damaged at the destination: `backup verify --read-data` "
                                     "names the objects; prune keeps the last clean snapshot.")
                        result.restore_tested = True
                    target.close()
                result.duration_s = time.monotonic() - t0
                finish_run(conn, run_id, status="success", snapshot_id=result.snapshot_id, verified=result.verified,
                           bytes_total=result.bytes_total, bytes_sent=result.bytes_sent,
                           objects_sent=result.objects_sent, duration_ms=int(result.duration_s * 1000),
                           detail=result.to_json())
                return result
            except BaseException as exc:
                if run_id is not None:
                    status = "cancelled" if isinstance(exc, Cancelled | KeyboardInterrupt) else "failure"
                    err = exc if isinstance(exc, ChatVaultError | Cancelled) else _wrap(exc)
                    finish_run(conn, run_id, status=status, snapshot_id=result.snapshot_id,
                               bytes_total=result.bytes_total,
                               bytes_sent=result.bytes_sent, objects_sent=result.objects_sent,
                               duration_ms=int((time.monotonic() - t0) * 1000), error=err, detail=result.to_json())
                if isinstance(exc, OSError):
                    raise storage_error(exc, f"backing up to {dest.name}") from exc
                raise
    finally:
        conn.close()


def _wrap(exc: BaseException) -> BaseException:
    if isinstance(exc, OSError):
        return storage_error(exc, "backing up")
    return exc


def _needs_full_listing(conn: Any, dest: Destination, target: Target) -> bool:
    """List every object at the destination, or trust the newest verified snapshot's list?

    Listing is slow on object stores (about a millisecond per key) and, on a disk, still a fifth
    of a no-change backup (a stat per object), so a destination is listed in full only after a
    run that did not succeed (to resume without re-sending), after a verify that found a problem
    or did not finish, and at least once a week; otherwise what the previous verified snapshot
    names is known to be there, as restic trusts its index. `verify` still checks every object.
    """
    if not target.trust_previous:
        return True
    last = conn.execute(
        "SELECT status, verified, started_at FROM backup_runs WHERE destination_id = ? AND kind = 'backup' "
        "AND status != 'running' ORDER BY id DESC LIMIT 1", (dest.id,)).fetchone()
    if last is None or last["status"] != "success" or not last["verified"]:
        return True
    listed = conn.execute(
        "SELECT max(started_at) FROM backup_runs WHERE destination_id = ? AND kind = 'backup' AND status = 'success' "
        "AND json_extract(detail, '$.full_listing') = 1", (dest.id,)).fetchone()[0]
    if listed is None or clock.now_ms() - listed > FULL_LISTING_EVERY_S * 1000:
        return True
    # a verify that found a problem (or did not finish) since: list, so that lost objects are re-sent
    return conn.execute(
        "SELECT 1 FROM backup_runs WHERE destination_id = ? AND kind = 'verify' AND status != 'success' "
        "AND started_at >= ? LIMIT 1", (dest.id, listed)).fetchone() is not None


# --- the local fingerprint cache -----------------------------------------------------------
# A no-change backup must not read and MAC the whole database. SQLCipher ends every page with its
# own keyed tag (HMAC-SHA512 over the page's ciphertext, its fresh random IV and its number), so
# the last TAIL bytes of a page change whenever SQLCipher writes that page (2^-64 chance of a
# repeat per write). The fingerprint of an extent is SHA-256 over its pages' tails, page after
# page; the tails of the whole file are read through a mapping (one cache line per page, not the
# 658 MiB), so an unchanged extent is not even read. The cache keeps, per destination, the
# fingerprints of the extents of the last verified snapshot. An extent whose fingerprint is unchanged reuses that
# snapshot's slot without being MACed; every other extent is MACed and compared as before. The
# cache holds nothing secret (only digests of bytes anyone who can read vault.db can read) and is
# used only when it names the snapshot the destination itself says is the latest, for the same
# vault.db file (device, inode) and the same geometry; a missing or odd cache means a full pass.
TAIL = 8
FP = 16
CACHE_VERSION = 2  # 2: tails page after page (1 took byte i of every page, for each i)


def _cache_path(vault: Vault, dest: Destination) -> Path:
    return vault.path / "backup-cache" / f"{dest.id}.json"


def extent_fingerprint(data: bytes, page_size: int) -> bytes:
    """SHA-256 over the last TAIL bytes of every page of the extent, page after page."""
    return tails_fingerprint(b"".join([data[p - TAIL:p] for p in range(page_size, len(data) + 1, page_size)]))


def tails_fingerprint(tails: bytes) -> bytes:
    return hashlib.sha256(tails).digest()[:FP]


def _file_identity(path: Path) -> list[int]:
    st = os.stat(path)
    return [st.st_dev, st.st_ino]


def _load_cache(path: Path | None, snapshot_id: str | None, target: Target, ident: list[int],
                snap: DbSnapshot) -> tuple[bytes, float]:
    """The previous run's fingerprints and when every page was last read and checked, or (b"", 0)
    when they cannot be trusted to describe `snapshot_id` or that full check is over a week old."""
    if path is None or snapshot_id is None:
        return b"", 0.0
    try:
        c = json.loads(path.read_bytes())
        checked = float(c.get("checked", 0))
        if (c.get("v") == CACHE_VERSION and c.get("snapshot") == snapshot_id and c.get("target") == target.description
                and c.get("file") == ident and c.get("page_size") == snap.page_size
                and c.get("extent_pages") == snap.extent_pages and c.get("tail") == TAIL
                and 0 <= time.time() - checked < src.FULL_CHECK_EVERY_S):
            return base64.b64decode(c["fps"]), checked
    except (OSError, ValueError, TypeError, AttributeError, KeyError):
        pass
    return b"", 0.0


def _save_cache(path: Path | None, snapshot_id: str, target: Target, ident: list[int], snap: DbSnapshot,
                fps: bytes, checked: float, since: int) -> None:
    if path is None:
        return
    data = json.dumps({"v": CACHE_VERSION, "snapshot": snapshot_id, "target": target.description, "file": ident,
                       "page_size": snap.page_size, "extent_pages": snap.extent_pages, "tail": TAIL,
                       "checked": checked, "since": since, "fps": base64.b64encode(fps).decode()}).encode()
    try:
        path.parent.mkdir(exist_ok=True, mode=0o700)
        os.chmod(path.parent, 0o700)  # private whatever the umask or an older version made
        tmp = path.with_suffix(".tmp")
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        try:
            os.fchmod(fd, 0o600)
            view = memoryview(data)
            while view:  # a lost cache only costs one full pass: no fsync
                view = view[os.write(fd, view):]
        finally:
            os.close(fd)
        os.replace(tmp, path)
    except OSError:
        pass


def _do_backup(vault: Vault, target: Target, k: BackupKeys, snap: DbSnapshot, ctx: JobContext,
               result: RunResult, full_listing: bool = True, cache_path: Path | None = None) -> None:
    t_phase = time.monotonic()
    audit = src.SourceAudit.for_snapshot(snap, k)

    def phase(name: str) -> None:
        nonlocal t_phase
        now = time.monotonic()
        result.phases[name] = round(result.phases.get(name, 0.0) + now - t_phase, 4)
        t_phase = now

    ctx.status(f"Connecting to {target.description}")
    target.prepare()
    phase("connect")
    prev = None
    if not full_listing:
        existing = target.list("snapshots/")
        prev = _latest_manifest(target, k, existing) if existing else None
        if prev is not None:
            existing[CONFIG_KEY] = 0
            existing.update(_references(prev))
            existing[prev["header"]] = -1  # present; its size is checked below by name
    if prev is None:
        full_listing = True
        existing = target.list()
        ensure_config(target, k, existing)
        prev = _latest_manifest(target, k, existing)
    result.full_listing = full_listing
    if prev is not None:  # blobs the run that made `prev` checked, unchanged since, are trusted
        audit.since_ns = src.clean_since(cache_path, prev["id"])
    phase("previous snapshot")
    # where each extent or patch the destination holds lies: MAC -> (object key, offset, length)
    at = _known_entries(target, k, prev, existing, full_listing)
    prev_macs: dict[str, tuple[int, str]] = {}
    if prev:
        prev_macs = {rel: (size, mac) for rel, size, mac in prev.get("blobs", [])}
    sent_lock = threading.Lock()

    def sent(key: str, n: int) -> None:
        with sent_lock:
            existing[key] = n
            result.bytes_sent += n
            result.objects_sent += 1
            result.sent_keys.append(key)
        ctx.advance(bytes_=n)

    header_raw = (vault.path / HEADER_NAME).read_bytes()
    header_key = f"headers/{hashlib.sha256(header_raw).hexdigest()}.json"
    if existing.get(header_key) not in (len(header_raw), -1):
        target.put_bytes(header_key, header_raw)
        sent(header_key, len(header_raw))

    phase("known objects")
    media = _media_files(vault.media_path)
    phase("media walk")
    counts: dict[str, int] = {}
    # counting rows reads whole indexes: let SQLite do it (without the GIL) while we read extents
    counter = threading.Thread(target=lambda: counts.update(_counts(snap._reader)), name="backup-counts")
    counter.start()
    result.bytes_total = snap.size + sum(m[2] for m in media)
    ctx.set_total(items=None, bytes_=result.bytes_total)
    # The database (hashed in this thread, packs uploaded by `pool`) and the media (fed to
    # `media_pool` by a thread of its own) go at the same time: hashing extents and copying blobs
    # use different resources, and a first backup no longer does one after the other.
    pool = _Pool(PACKS_IN_FLIGHT)
    media_pool = _Pool(target.workers)
    commit_lock = threading.Lock()
    since_commit = 0  # bytes put since the last commit (both threads; under commit_lock)

    def note_put(n: int, own: _Pool) -> None:
        """Folder targets make objects durable and visible in batches of COMMIT_BYTES."""
        nonlocal since_commit
        with commit_lock:
            since_commit += n
            if since_commit < COMMIT_BYTES:
                return
            since_commit = 0
        own.drain()  # what this thread submitted is staged; the other thread's is committed later
        with commit_lock:
            target.commit()

    blob_rows: list[list[Any]] = [[]] * len(media)
    media_error: list[BaseException] = []
    stop_media = threading.Event()

    def put_blob(i: int, rel: str, path: str, size: int) -> None:
        if not os.path.exists(path):  # removed since the walk (e.g. `check --repair` of an orphan): skip it
            blob_rows[i] = []
            return
        h = CheckedMac(k.hasher(), audit.blob_sink(rel, size))  # authenticates each chunk as it is read
        try:
            n = target.put_file("media/" + rel, Path(path), size, h)
        except BlobDamaged:  # raised before the damaged bytes were stored: nothing of it is shipped
            audit.blob_done(rel, h.tags.problem())
            blob_rows[i] = []
            return
        if n != size:
            raise StorageError(f"The media file {rel} changed size while it was being backed up.")
        audit.blob_done(rel, h.tags.problem())  # None: its final chunk was checked with its last byte
        blob_rows[i] = [rel, size, h.hexdigest()]
        sent("media/" + rel, n)

    def mac_local(i: int, rel: str, path: str, size: int) -> None:
        if not os.path.exists(path):
            blob_rows[i] = []
            return
        h = k.hasher()
        tags = audit.blob_sink(rel)
        with open(path, "rb") as fh:
            while chunk := fh.read(1024 * 1024):
                h.update(chunk)
                tags.update(chunk)
        blob_rows[i] = [rel, size, h.hexdigest()] if audit.blob_done(rel, tags.problem()) else []
        ctx.advance(bytes_=size)

    def recheck(path: str, rel: str) -> None:
        if os.path.exists(path):
            audit.check_blob(rel, path)

    def media_part() -> None:
        """2. media blobs as they are (already encrypted and content-addressed), only when new."""
        try:
            pending = 0
            for i, (rel, path, size, ctime_ns) in enumerate(media):
                if not i & 63:
                    if stop_media.is_set():
                        return
                    ctx.check()
                result.blobs_total += 1
                if existing.get("media/" + rel) == size:
                    known = prev_macs.get(rel)
                    if known and known[0] == size:
                        blob_rows[i] = [rel, size, known[1]]  # the destination keeps the copy checked then
                        if audit.blob_suspect(ctime_ns):  # changed since: is the vault's own copy damaged?
                            media_pool.submit(recheck, path, rel)
                        pending += size
                        if not i & 255:
                            ctx.advance(bytes_=pending)
                            pending = 0
                    else:  # sent by an interrupted run: it has no MAC on record yet
                        media_pool.submit(mac_local, i, rel, path, size)
                    continue
                result.blobs_sent += 1
                media_pool.submit(put_blob, i, rel, path, size)
                note_put(size, media_pool)
            ctx.advance(bytes_=pending)
            media_pool.drain()
        except BaseException as exc:  # re-raised by the run's thread
            media_error.append(exc)

    feeder = threading.Thread(target=media_part, name="backup-media")
    feeder.start()
    try:
        # 1. database extents, in order; only what the destination does not hold is sent: a whole
        #    extent, or, when few of its pages changed, a patch of those pages against its base
        ctx.status("Backing up the database and media")
        slots: list[list[Any]] = []
        queued: set[str] = set()
        prev_slots: list[list[Any]] = []
        if prev and prev["db"].get("page_size") == snap.page_size and prev["db"].get("extent_pages") == snap.extent_pages:
            prev_slots = prev["db"].get("slots", [])
        step = snap.extent_pages * snap.page_size
        ident = _file_identity(vault.db_path)
        old_fps, checked = (_load_cache(cache_path, prev["id"] if prev else None, target, ident, snap) if prev_slots
                            else (b"", 0.0))
        checked = checked if old_fps else time.time()  # this run reads and checks every page
        fps: list[bytes] = []
        pending_bytes = 0

        # CHATVAULT_BACKUP_PACK_BYTES: a smaller or larger pack size for a destination that wants one
        builder = PackBuilder(k.ident, int(os.environ.get("CHATVAULT_BACKUP_PACK_BYTES") or PACK_BYTES))
        packs_free = threading.Semaphore(PACKS_IN_FLIGHT)

        def put_pack(key: str, data: bytes, entries: list[tuple[str, int, int]]) -> None:
            try:
                stored = existing.get(key) == len(data)  # an interrupted run's pack: same entries, same name
                if not stored:
                    target.put_bytes(key, data)
                with sent_lock:
                    for mac, off, n in entries:
                        at[mac] = (key, off, n)
                    result.sent_entries.extend(mac for mac, _, _ in entries)
                    result.packs_sent += not stored
                if not stored:
                    sent(key, len(data))
            finally:
                packs_free.release()

        def flush_pack() -> None:
            if not len(builder):
                return
            key, data, entries = builder.seal()
            faults.hit("backup.pack")
            packs_free.acquire()
            pool.submit(put_pack, key, data, entries)
            note_put(len(data), pool)

        def has(mac: str, size: int) -> bool:
            if mac in queued:
                return True
            loc = at.get(mac)
            return loc is not None and loc[2] == size

        def send(mac: str, data: bytes) -> None:
            if has(mac, len(data)):
                return
            queued.add(mac)
            result.extents_sent += 1
            builder.add(mac, data)
            if builder.full:
                flush_pack()

        last = (snap.size - 1) // step if snap.size else 0

        def held(slot: list[Any], i: int) -> bool:
            ok = has(slot[1], step if i < last else snap.size - i * step)
            if slot[2]:
                ok = ok and has(slot[2], patch_size(slot[3], snap.page_size))
            return ok

        # with a usable cache, fingerprints come from the pages' tails alone and only extents
        # SQLCipher rewrote are read; without one every extent is read anyway (to be MACed)
        def self_slot(i: int, data: bytes, mac: str, hashes: bytes, ps: list[Any] | None) -> None:
            """A new slot for extent i: a patch of its changed pages against the previous base when
            few changed, else the whole extent as a new base."""
            slot: list[Any] | None = None
            if ps is not None and len(ps) == 5 and held(ps, i) and len(base64.b64decode(ps[4])) == len(hashes):
                before = base64.b64decode(ps[4])
                changed = mask_pages(ps[3]) | {
                    p for p in range(len(hashes) // PAGE_HASH) if hashes[p * PAGE_HASH:(p + 1) * PAGE_HASH]
                    != before[p * PAGE_HASH:(p + 1) * PAGE_HASH]}
                # at most half the extent's pages (8 of 16 at 4 KiB, 2 of 4 at 16 KiB), else the whole extent
                if len(changed) <= snap.extent_pages // 2:
                    patch = make_patch(data, sorted(changed), snap.page_size)
                    pmac = k.mac(patch)
                    send(pmac, patch)
                    slot = [mac, ps[1], pmac, pages_mask(changed), base64.b64encode(hashes).decode()]
            if slot is None:
                send(mac, data)
                slot = [mac, mac, "", 0, base64.b64encode(hashes).decode()]
            slots.append(slot)

        tails = snap.tails(TAIL) if old_fps else None
        prev_checked = bool(prev and prev.get("source_checked"))
        per = snap.extent_pages * TAIL
        n_extents = -(-snap.size // step)

        def digest(i: int, data: bytes, prev_mac: str | None) -> tuple[str, bytes | None, list[int]]:
            """The extent's MAC, its damaged pages and, unless it is the previous snapshot's extent,
            its page hashes."""
            mac = k.mac(data)
            if mac == prev_mac and prev_checked:  # byte for byte an extent already checked
                return mac, None, []
            return mac, page_hashes(k, data, snap.page_size), audit.check_extent(i, data)

        def ahead() -> Iterator[tuple[int, bytes | None, bytes, Future | None]]:
            """Each extent in order with its fingerprint and, when it must be hashed, the hashing
            already running on `hasher` a few extents ahead (hashlib releases the GIL, so the
            database is hashed on two cores while this thread decides and packs). Whether an extent
            can reuse its previous slot is decided again in order: `held` only ever turns true."""
            extents = snap.extents() if tails is None else None
            window: deque[tuple[int, bytes | None, bytes, Future | None]] = deque()
            for i in range(n_extents):
                data = next(extents) if extents is not None else None
                fp = (tails_fingerprint(tails[i * per:(i + 1) * per]) if tails is not None
                      else extent_fingerprint(data, snap.page_size))  # type: ignore[arg-type]
                ps = prev_slots[i] if i < len(prev_slots) else None
                fut = None
                if not (ps is not None and old_fps[i * FP:(i + 1) * FP] == fp and len(ps) == 5 and held(ps, i)):
                    if data is None:
                        data = snap.read_extent(i)
                    fut = hasher.submit(digest, i, data, ps[0] if ps is not None and len(ps) == 5 else None)
                window.append((i, data, fp, fut))
                if len(window) > HASH_AHEAD:
                    yield window.popleft()
            yield from window

        hasher = ThreadPoolExecutor(HASH_WORKERS, thread_name_prefix="backup-hash")
        try:
            for i, data, fp, fut in ahead():
                if not i & 63:
                    if media_error:
                        raise media_error[0]
                    ctx.check()
                    ctx.advance(bytes_=pending_bytes)
                    pending_bytes = 0
                result.extents_total += 1
                fps.append(fp)
                ps = prev_slots[i] if i < len(prev_slots) else None
                if fut is None:
                    slots.append(ps)  # type: ignore[arg-type] # SQLCipher wrote none of its pages since then
                    pending_bytes += min(step, snap.size - i * step)
                    continue
                assert data is not None
                mac, hashes, bad = fut.result()
                result.extents_hashed += 1
                if bad:  # never shipped: the snapshot is refused once every page was checked
                    slots.append(ps or [])
                    pending_bytes += len(data)
                    continue
                if ps is not None and ps[0] == mac and len(ps) == 5 and held(ps, i):
                    slots.append(ps)  # unchanged since the previous snapshot
                    pending_bytes += len(data)
                    continue
                if hashes is None:
                    hashes = page_hashes(k, data, snap.page_size)
                self_slot(i, data, mac, hashes, ps)
                pending_bytes += len(data)
        finally:
            hasher.shutdown(wait=True, cancel_futures=True)


        flush_pack()
        ctx.advance(bytes_=pending_bytes)
        pool.drain()
        phase("database")
        feeder.join()
        if media_error:
            raise media_error[0]
        ctx.status("Making the snapshot durable")
        target.commit()
    finally:
        stop_media.set()
        feeder.join()
        pool.close()
        media_pool.close()
        counter.join()  # it uses the snapshot's connection, which the caller closes next
    phase("media and upload")

    result.pages_checked, result.blobs_checked = audit.pages_checked, audit.blobs_checked
    if audit.damaged:  # what is good was stored (a later run reuses it); no snapshot of the damage
        ctx.status("Naming the damage")
        result.damage = audit.report(snap._reader, snap.read_page)
        raise audit.error(result.damage)

    # 3. the manifest, last: only now does the snapshot exist
    faults.hit("backup.before_manifest")
    objects: dict[str, list[int]] = {}
    pack_index: dict[str, int] = {}
    pack_list: list[list[Any]] = []
    for sl in slots:
        for mac in (sl[1], sl[2]):
            if mac and mac not in objects:
                key, off, n = at[mac]
                idx = pack_index.get(key)
                if idx is None:
                    idx = pack_index[key] = len(pack_list)
                    pack_list.append([key, existing[key]])
                objects[mac] = [idx, off, n]
    ids = _snapshot_ids(existing)
    snapshot_id = _new_snapshot_id(ids[-1] if ids else None)
    now = clock.clock.now()
    body = {
        "id": snapshot_id, "format": SNAPSHOT_FORMAT, "vault_id": k.vault_id, "time": now,
        "time_iso": datetime.fromtimestamp(now, UTC).isoformat(timespec="seconds").replace("+00:00", "Z"),
        "header": header_key, "host": os.uname().nodename if hasattr(os, "uname") else "",
        "db": {"page_size": snap.page_size, "pages": snap.pages, "size": snap.size,
               "extent_pages": snap.extent_pages, "slots": slots, "packs": pack_list, "objects": objects,
               "root": k.mac(b"".join(bytes.fromhex(sl[0]) for sl in slots))},
        "blobs": [row for row in blob_rows if row],
        "counts": counts | {"media_bytes": sum(m[2] for m in media), "db_bytes": snap.size},
        "source_checked": 1,  # every page and blob it holds was authenticated when it was stored
    }
    sealed = seal_manifest(k, snapshot_id, header_key, body)
    phase("manifest")
    target.put_bytes(snapshot_key(snapshot_id), sealed, durable_now=True)
    result.snapshot_id = snapshot_id
    faults.hit("backup.after_manifest")

    # 4. read back: the stored manifest is byte for byte the one we sealed (so it authenticates,
    # without decrypting it again), and every object it names was listed at the start of the run
    # (or named by the previous verified snapshot) or acknowledged durable during it
    ctx.status("Verifying the snapshot")
    key = snapshot_key(snapshot_id)
    if target.get(key) != sealed:
        open_manifest(k, parse_envelope(target.get(key), key), key)  # names the damage precisely
        raise IntegrityError(f"The snapshot manifest {key} was not stored intact.", location=key,
                             hint="Run the backup again.")
    missing = [key for key, size in _references(body) if existing.get(key) != size]
    if missing:
        raise IntegrityError(f"The new snapshot {snapshot_id} lists {len(missing)} objects the destination does not "
                             f"hold correctly (first: {missing[0]}).", hint="Run the backup again.")
    result.verified = True
    _save_cache(cache_path, snapshot_id, target, ident, snap, b"".join(fps), checked, result.source_checked_from_ns)
    phase("store and read back")


def _locations(body: dict[str, Any]) -> dict[str, tuple[str, int, int]]:
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


def _references(body: dict[str, Any]) -> list[tuple[str, int]]:
    """(key, size) of every object a manifest needs (the header's size is not recorded)."""
    db = body["db"]
    if "packs" in db:
        out = [(key, size) for key, size in db["packs"]]
    else:
        out = sorted({(key, n) for key, _off, n in _locations(body).values()})
    for rel, size, _mac in body.get("blobs", []):
        out.append(("media/" + rel, size))
    return out


def _known_entries(target: Target, k: BackupKeys, prev: dict[str, Any] | None, existing: dict[str, int],
                   full_listing: bool) -> dict[str, tuple[str, int, int]]:
    """MAC -> (object key, offset, length) of every extent and patch known to be at the destination:
    those the previous snapshot uses (whose objects are there), and after a full listing also
    format-1 extent objects and the packs no snapshot names yet (an interrupted run's), read from
    their authenticated tables, so that a run resumes without sending them again."""
    known: dict[str, tuple[str, int, int]] = {}
    covered: set[str] = set()
    if prev is not None:
        sizes = dict(_references(prev))
        for mac, loc in _locations(prev).items():
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
    if orphans:
        tables: dict[str, list[tuple[str, int, int]] | None] = {}

        def read_one(key: str, size: int) -> None:
            try:
                tables[key] = read_table(target, k.ident, key, size)
            except StorageError:
                tables[key] = None

        pool = _Pool(target.workers)
        try:
            for key, size in orphans:
                pool.submit(read_one, key, size)
            pool.drain()
        finally:
            pool.close()
        for key, entries in tables.items():
            for mac, off, n in entries or []:  # a pack whose table fails is ignored (re-sent, pruned later)
                known.setdefault(mac, (key, off, n))
    return known


# --- snapshots ---------------------------------------------------------------------------
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

    def to_json(self) -> dict[str, Any]:
        return asdict(self)


def list_snapshots(target: Target, k: BackupKeys, existing: dict[str, int] | None = None) -> list[SnapshotInfo]:
    existing = target.list("snapshots/") if existing is None else existing
    out = []
    for sid in _snapshot_ids(existing):
        try:
            body = load_manifest(target, k, sid)
            c = body.get("counts", {})
            out.append(SnapshotInfo(sid, float(body["time"]), body["time_iso"], int(body["db"]["size"]),
                                    int(c.get("media_bytes", 0)), c, source_checked=bool(body.get("source_checked"))))
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


# --- verify ------------------------------------------------------------------------------
@dataclass
class VerifyReport:
    snapshots: int = 0
    objects: int = 0
    bytes_read: int = 0
    read_data: bool = False
    damaged: list[dict[str, Any]] = field(default_factory=list)  # {key, problem, snapshots}
    bad_snapshots: list[dict[str, str]] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.damaged and not self.bad_snapshots

    def to_json(self) -> dict[str, Any]:
        return {"ok": self.ok, "snapshots": self.snapshots, "objects": self.objects, "bytes_read": self.bytes_read,
                "read_data": self.read_data, "damaged": self.damaged, "bad_snapshots": self.bad_snapshots}


def verify_target(target: Target, k: BackupKeys, *, read_data: bool = False,
                  ctx: JobContext | None = None) -> VerifyReport:
    ctx = ctx or JobContext()
    rep = VerifyReport(read_data=read_data)
    existing = target.list()
    users: dict[str, list[str]] = {}
    expect: dict[str, tuple[int, str | None]] = {}  # key -> (size, MAC of a media blob or None)
    # extents and patches: object key -> {(offset, length): MAC}, and the snapshots using each one
    entries: dict[str, dict[tuple[int, int], str]] = {}
    entry_users: dict[tuple[str, int, int], list[str]] = {}
    for sid in _snapshot_ids(existing):
        ctx.check()
        rep.snapshots += 1
        try:
            body = load_manifest(target, k, sid)
        except (IntegrityError, StorageError) as exc:
            rep.bad_snapshots.append({"snapshot": sid, "problem": exc.message})
            continue
        refs = _references(body)
        macs = {"media/" + rel: mac for rel, _s, mac in body.get("blobs", [])}
        for key, size in refs:
            users.setdefault(key, []).append(sid)
            expect.setdefault(key, (size, macs.get(key)))
        for mac, (key, off, n) in _locations(body).items():
            entries.setdefault(key, {})[(off, n)] = mac
            entry_users.setdefault((key, off, n), []).append(sid)
        users.setdefault(body["header"], []).append(sid)
        expect.setdefault(body["header"], (-1, None))
    damaged: dict[str, str] = {}
    damaged_users: dict[str, set[str]] = {}  # a pack: only the snapshots that use its damaged entries
    for key, (size, _mac) in expect.items():
        have = existing.get(key)
        if have is None:
            damaged[key] = "missing"
        elif size >= 0 and have != size:
            damaged[key] = f"wrong size ({have} bytes, expected {size})"
    rep.objects = len(expect)
    if read_data:
        to_read = [key for key in expect if key not in damaged]
        ctx.set_total(items=len(to_read), bytes_=sum(max(0, expect[key][0]) for key in to_read))
        lock = threading.Lock()

        def check_one(key: str) -> None:
            n = 0

            def counted() -> Iterable[bytes]:
                nonlocal n
                for chunk in target.read_chunks(key):
                    n += len(chunk)
                    yield chunk

            bad: list[tuple[int, int]] = []
            try:
                if key in entries:  # every extent and patch in it authenticates by its own MAC
                    want = entries[key]
                    seen = set()
                    stream = counted()
                    for off, length, data in scan_entries(stream, list(want)):
                        seen.add((off, length))
                        if k.mac(data) != want[(off, length)]:
                            bad.append((off, length))
                    for _ in stream:  # read to the end: every byte stored is read back
                        pass
                    bad += [e for e in want if e not in seen]
                    ok = not bad
                else:
                    h = hashlib.sha256() if key.startswith("headers/") else k.hasher()
                    for chunk in counted():
                        h.update(chunk)
                    ok = (key == f"headers/{h.hexdigest()}.json" if key.startswith("headers/")
                          else expect[key][1] == h.hexdigest())
            except StorageError as exc:
                with lock:
                    damaged[key] = f"cannot be read: {exc.message}"
                return
            with lock:
                rep.bytes_read += n
                if not ok and bad and len(bad) < len(entries[key]):
                    damaged[key] = (f"{len(bad)} of its {len(entries[key])} extents do not authenticate "
                                    f"(damaged or altered; first at byte {min(bad)[0]})")
                    damaged_users[key] = {sid for off, length in bad for sid in entry_users[(key, off, length)]}
                elif not ok:
                    damaged[key] = "content does not authenticate (damaged or altered)"
            ctx.advance(items=1, bytes_=n)

        pool = _Pool(target.workers)
        try:
            for key in to_read:
                ctx.check()
                pool.submit(check_one, key)
            pool.drain()
        finally:
            pool.close()
    rep.damaged = [{"key": key, "problem": problem,
                    "snapshots": sorted(damaged_users.get(key) or set(users.get(key, [])))}
                   for key, problem in sorted(damaged.items())]
    return rep


def _count_affected_messages(conn: Any, rep: VerifyReport) -> None:
    """For each damaged media object, how many of the vault's messages refer to that blob."""
    for d in rep.damaged:
        if d["key"].startswith("media/"):
            blob_id = d["key"].rsplit("/", 1)[-1]
            try:
                d["messages"] = int(conn.execute(
                    "SELECT count(DISTINCT message_id) FROM attachments WHERE blob_id = ? OR thumb_blob_id = ?",
                    (blob_id, blob_id)).fetchone()[0])
            except Exception:  # noqa: BLE001 - counting is a courtesy
                pass


def run_verify(vault: Vault, dest: Destination, *, read_data: bool = False,
               ctx: JobContext | None = None) -> VerifyReport:
    conn = vault.connect()
    t0 = time.monotonic()
    try:
        run_id = start_run(conn, dest, "verify")
        try:
            target = open_target(dest)
            rep = verify_target(target, vault_keys(vault), read_data=read_data, ctx=ctx)
        except BaseException as exc:
            finish_run(conn, run_id, status="cancelled" if isinstance(exc, Cancelled) else "failure",
                       duration_ms=int((time.monotonic() - t0) * 1000), error=exc)
            raise
        _count_affected_messages(conn, rep)
        err = None if rep.ok else IntegrityError(
            f"{len(rep.damaged)} damaged objects, {len(rep.bad_snapshots)} unreadable snapshots")
        finish_run(conn, run_id, status="success" if rep.ok else "failure", verified=rep.ok and read_data,
                   bytes_total=rep.bytes_read, duration_ms=int((time.monotonic() - t0) * 1000), error=err,
                   detail=rep.to_json() | {"damaged": rep.damaged[:50]})
        return rep
    finally:
        conn.close()


# --- restore -----------------------------------------------------------------------------
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


def restore_snapshot(target: Target, ref: str, to: Path, *, passphrase: str | None = None,
                     recovery_key: str | None = None, keys: BackupKeys | None = None, check: bool = False,
                     ctx: JobContext | None = None) -> RestoreReport:
    """Rebuild a vault folder from a snapshot. Nothing is written before the key is proven right."""
    ctx = ctx or JobContext()
    to = Path(to)
    if to.exists() and (not to.is_dir() or any(to.iterdir())):
        raise UsageError(f"{to} is not empty; restore needs a new or empty folder.",
                         hint="Choose another folder with --to; an existing vault is never overwritten.")
    existing = target.list()  # all keys: S3 with Object Lock also learns the version of each object
    sid = resolve_snapshot(_snapshot_ids(existing), ref)
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
    body = open_manifest(keys, env, key)
    rep = RestoreReport(sid, str(to))
    db = body["db"]
    blobs = body.get("blobs", [])
    ctx.set_total(items=len(db["slots"]) + len(blobs), bytes_=db["size"] + sum(b[1] for b in blobs))
    created = not to.exists()
    try:
        to.mkdir(parents=True, exist_ok=True, mode=0o700)
        os.chmod(to, 0o700)  # private even when restoring into an existing (e.g. 0755) folder
        media = to / "media"
        media.mkdir(exist_ok=True, mode=0o700)
        # the database: every extent and patch authenticated, each pack read once
        ctx.status("Restoring the database")
        db_tmp = to / "vault.db.partial"
        fd = os.open(db_tmp, os.O_RDWR | os.O_CREAT | os.O_TRUNC, 0o600)
        try:
            bad = _restore_db(target, keys, db, fd, ctx)
            if bad:
                raise IntegrityError(
                    f"The database of snapshot {sid} cannot be restored: {len(bad)} of its extents are damaged or "
                    f"missing ({', '.join(sorted(bad)[:5])}{', ...' if len(bad) > 5 else ''}).",
                    hint="Nothing was restored. Run `chatvault backup verify --read-data` and restore an older "
                         "snapshot that verify reports as intact.")
        finally:
            os.close(fd)
        rep.db_bytes = db["size"]
        # media blobs, streamed; a damaged one is skipped and reported, the rest restored
        ctx.status("Restoring media")
        lost: list[str] = []
        lock = threading.Lock()

        made: set[Path] = set()

        def fetch_blob(rel: str, size: int, mac: str) -> None:
            # written in place: the restored folder is not a vault until vault.json appears (last,
            # after one file-system sync), so per-file temp + fsync would only slow the restore down
            final = media / rel
            if final.parent not in made:
                final.parent.parent.mkdir(exist_ok=True, mode=0o700)  # parents=True would ignore the mode
                final.parent.mkdir(exist_ok=True, mode=0o700)
                made.add(final.parent)
            h = keys.hasher()
            tags = BlobTagCheck(keys.media, rel.rsplit("/", 1)[-1]) if check else None  # --check: every tag
            n = 0
            try:
                with open(os.open(final, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600), "wb") as out:
                    for chunk in target.read_chunks("media/" + rel):
                        h.update(chunk)
                        if tags is not None:
                            tags.update(chunk)
                        out.write(chunk)
                        n += len(chunk)
            except StorageError:
                final.unlink(missing_ok=True)
                with lock:
                    lost.append(rel)
                return
            if n != size or h.hexdigest() != mac or (tags is not None and tags.problem()):
                final.unlink(missing_ok=True)
                with lock:
                    lost.append(rel)
                return
            with lock:
                rep.blobs += 1
                rep.bytes += n
            ctx.advance(items=1, bytes_=n)

        pool = _Pool(target.workers)
        try:
            for rel, size, mac in blobs:
                ctx.check()
                pool.submit(fetch_blob, rel, size, mac)
            pool.drain()
        finally:
            pool.close()
        sync_tree(to)
        os.replace(db_tmp, to / "vault.db")
        # the header last: a folder with vault.json is a complete vault
        fsync_dir(to)
        atomic_write(to / HEADER_NAME, header_raw, fault_prefix="restore.header")
        rep.lost_blobs = sorted(lost)
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


def _restore_db(target: Target, keys: BackupKeys, db: dict[str, Any], fd: int, ctx: JobContext) -> list[str]:
    """Write the snapshot's database image to `fd`; return what could not be restored.

    Each object (pack) is read once, front to back: first every base extent is authenticated and
    written to each slot that uses it, then every patch is authenticated and applied to its slot's
    base as written, and the rebuilt extent must match the slot's image MAC."""
    step = db["extent_pages"] * db["page_size"]
    slots = db["slots"]
    locs = _locations({"db": db})
    bad: list[str] = []
    lock = threading.Lock()
    done = bytearray(len(slots))  # 1 once a slot's final extent is written
    base_ok = bytearray(len(slots))

    def size_of(i: int) -> int:
        return min(step, db["size"] - i * step)

    def problem(text: str) -> None:
        with lock:
            bad.append(text)

    def by_object(users: dict[str, list[int]]) -> dict[str, dict[tuple[int, int], str]]:
        out: dict[str, dict[tuple[int, int], str]] = {}
        for mac in users:
            loc = locs.get(mac)
            if loc is None:
                problem(f"extent {mac[:16]}… (not listed in the manifest)")
                continue
            out.setdefault(loc[0], {})[(loc[1], loc[2])] = mac
        return out

    def read_entries(key: str, want: dict[tuple[int, int], str], use: Callable[[str, bytes], None]) -> None:
        seen = set()
        try:
            for off, n, data in scan_entries(target.read_chunks(key), list(want)):
                seen.add((off, n))
                mac = want[(off, n)]
                if keys.mac(data) != mac:
                    problem(f"{key} at byte {off} (damaged)")
                    continue
                use(mac, data)
        except StorageError:
            problem(f"{key} (missing)")
            return
        for off, _n in sorted(set(want) - seen):
            problem(f"{key} at byte {off} (truncated)")

    bases: dict[str, list[int]] = {}
    patches: dict[str, list[int]] = {}
    for i, slot in enumerate(slots):
        bases.setdefault(slot[1], []).append(i)
        if slot[2]:
            patches.setdefault(slot[2], []).append(i)

    def put_base(mac: str, data: bytes) -> None:
        for i in bases[mac]:
            if len(data) != size_of(i) or (not slots[i][2] and slots[i][0] != mac):
                problem(f"extent {i} (its base does not fit the snapshot)")
                continue
            os.pwrite(fd, data, i * step)
            base_ok[i] = 1
            if not slots[i][2]:
                done[i] = 1
                ctx.advance(items=1, bytes_=len(data))

    def put_patch(mac: str, data: bytes) -> None:
        for i in patches[mac]:
            if not base_ok[i]:
                continue  # its base is already reported
            if len(data) != patch_size(slots[i][3], db["page_size"]):
                problem(f"extent {i} (its patch does not fit the snapshot)")
                continue
            image = apply_patch(os.pread(fd, size_of(i), i * step), data, db["page_size"])
            if keys.mac(image) != slots[i][0]:  # the rebuilt extent is exactly the snapshot's
                problem(f"{locs[slots[i][1]][0]} + {locs[mac][0]} (do not rebuild extent {i})")
                continue
            os.pwrite(fd, image, i * step)
            done[i] = 1
            ctx.advance(items=1, bytes_=len(image))

    for users, use in ((bases, put_base), (patches, put_patch)):
        pool = _Pool(target.workers)
        try:
            for key, want in by_object(users).items():
                ctx.check()
                pool.submit(read_entries, key, want, use)
            pool.drain()
        finally:
            pool.close()
        if bad:
            return bad
    missing = len(slots) - sum(done)
    if missing:
        bad.append(f"{missing} extents not rebuilt")
    return bad


def sync_tree(path: Path) -> None:
    """Make every file written under `path` durable: one `syncfs` where Linux has it."""
    from chatvault.backup.folder import _syncfs

    if _syncfs is not None:
        fd = os.open(path, os.O_RDONLY)
        try:
            if _syncfs(fd) == 0:
                return
        finally:
            os.close(fd)
    os.sync()


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


# --- prune -------------------------------------------------------------------------------
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


def run_prune(vault: Vault, dest: Destination, *, dry_run: bool = False, ctx: JobContext | None = None,
              retention: dict[str, int] | None = None) -> PruneReport:
    """Forget snapshots the retention rules do not keep, then delete objects no remaining snapshot uses."""
    ctx = ctx or JobContext()
    rules = dest.retention if retention is None else retention
    conn = vault.connect()
    t0 = time.monotonic()
    try:
        with BackupLock(vault.path):
            run_id = None if dry_run else start_run(conn, dest, "prune")
            try:
                target = open_target(dest)
                k = vault_keys(vault)
                existing = target.list()
                snaps = list_snapshots(target, k, existing)
                rep = PruneReport(dry_run)
                rep.unreadable = [s.id for s in snaps if not s.ok]
                good = [s for s in snaps if s.ok]
                kept = apply_retention([(s.id, s.time) for s in good], rules) | set(rep.unreadable)
                rep.known_damaged = sorted(src.known_damaged_snapshots(conn, dest.id) & {s.id for s in snaps})
                clean = [s.id for s in good if s.id not in rep.known_damaged]
                if clean and clean[-1] not in kept:  # never lose the last good copy to damaged newer ones
                    rep.kept_clean = clean[-1]
                    kept.add(clean[-1])
                rep.keep = sorted(kept)
                rep.forget = sorted(s.id for s in good if s.id not in kept)
                remaining = set(kept)
                if not dry_run:
                    for sid in rep.forget:
                        ctx.check()
                        res = target.delete(snapshot_key(sid))
                        faults.hit("backup.prune_after_forget")
                        if res.locked_until is not None:
                            rep.locked_snapshots.append(sid)
                            remaining.add(sid)
                needed: set[str] = {CONFIG_KEY}
                used: dict[str, set[tuple[int, int]]] = {}
                for sid in sorted(remaining):
                    if sid in rep.unreadable:
                        continue
                    body = load_manifest(target, k, sid)
                    needed.update(key for key, _ in _references(body))
                    needed.add(body["header"])
                    for key, off, n in _locations(body).values():
                        if key.startswith("packs/"):
                            used.setdefault(key, set()).add((off, n))
                for key, spans in used.items():
                    unused = existing.get(key, 0) - sum(n for _, n in spans)
                    if unused > 36 * len(spans) + 8:  # more than the pack's own table
                        rep.partly_used_packs += 1
                        rep.unused_bytes_kept += unused - 36 * len(spans) - 8
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
                if run_id is not None:
                    finish_run(conn, run_id, status="success", duration_ms=int((time.monotonic() - t0) * 1000),
                               detail=rep.to_json())
                return rep
            except BaseException as exc:
                if run_id is not None:
                    finish_run(conn, run_id, status="cancelled" if isinstance(exc, Cancelled) else "failure",
                               duration_ms=int((time.monotonic() - t0) * 1000), error=_wrap(exc))
                raise
    finally:
        conn.close()
