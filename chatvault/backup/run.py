"""One backup run (see docs/backup.md and docs/vault-format.md, "Backups").

Write order makes an interrupted run harmless: objects first (each atomic, durable after
`commit()`), the sealed manifest last. A snapshot therefore exists only once every object it
lists is durable, and the next run lists the destination and sends only what is missing.

`BackupRun` is one run's state; its steps are its methods. The database (hashed on this thread
and two hashing threads, packs uploaded by `pool`) and the media (fed to `media_pool` by a
thread of its own, `_media_part`) go at the same time: hashing extents and copying blobs use
different resources, so a first backup does not do one after the other.
"""

from __future__ import annotations

import hashlib
import os
import threading
import time
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from chatvault import clock, faults
from chatvault.backup import source as src
from chatvault.backup.authentic import BlobDamaged, CheckedMac
from chatvault.backup.cache import save_cache
from chatvault.backup.common import Pool
from chatvault.backup.crypto import BackupKeys, open_manifest, parse_envelope, seal_manifest
from chatvault.backup.destinations import Destination
from chatvault.backup.layout import (
    CONFIG_KEY,
    SNAPSHOT_FORMAT,
    ensure_config,
    known_entries,
    latest_manifest,
    new_snapshot_id,
    references,
    snapshot_ids,
    snapshot_key,
)
from chatvault.backup.run_db import PACKS_IN_FLIGHT, DatabasePass
from chatvault.backup.snapshot import DbSnapshot
from chatvault.backup.target import Target
from chatvault.errors import IntegrityError, StorageError
from chatvault.jobs.context import JobContext
from chatvault.store import audit as audit_trail
from chatvault.vault.header import HEADER_NAME
from chatvault.vault.vault import Vault

COMMIT_BYTES = 256 * 1024 * 1024  # folder targets: make objects durable and visible in batches
FULL_LISTING_EVERY_S = 7 * 86400
PACK_BYTES = 8 * 1024 * 1024  # new extents and patches go into packs of about this size (packs.py)
COUNTED_TABLES = ("conversations", "messages", "attachments", "blobs")


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
    audit_head: dict[str, Any] | None = None  # the audit chain's newest entry, sealed in the manifest
    audit_mismatch: str | None = None  # the previous snapshot's sealed head is no longer in the chain

    def to_json(self) -> dict[str, Any]:
        d = asdict(self)
        d.pop("sent_keys")
        d.pop("sent_entries")
        return d


def media_files(media: Path) -> list[tuple[str, str, int, int]]:
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
    for table in COUNTED_TABLES:
        try:
            out[table] = int(conn.execute(f"SELECT count(*) FROM {table}").fetchone()[0])  # noqa: S608 - fixed names
        except Exception:  # noqa: BLE001 - a table another migration has not created yet
            pass
    return out


def needs_full_listing(conn: Any, dest: Destination, target: Target) -> bool:
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


class BackupRun:
    """One backup of `snap` (and the vault's media) to `target`; `run()` does it, step by step,
    and fills `result`. The caller holds the backup lock, records the run and closes `snap`."""

    def __init__(self, vault: Vault, target: Target, k: BackupKeys, snap: DbSnapshot, ctx: JobContext,
                 result: RunResult, full_listing: bool = True, cache_path: Path | None = None) -> None:
        self.vault, self.target, self.k, self.snap, self.ctx = vault, target, k, snap, ctx
        self.result, self.full_listing, self.cache_path = result, full_listing, cache_path
        self.t_phase = time.monotonic()
        self.audit = src.SourceAudit.for_snapshot(snap, k)
        self.existing: dict[str, int] = {}
        self.prev: dict[str, Any] | None = None
        # where each extent or patch the destination holds lies: MAC -> (object key, offset, length)
        self.at: dict[str, tuple[str, int, int]] = {}
        self.sent_lock = threading.Lock()
        self.commit_lock = threading.Lock()
        self.since_commit = 0  # bytes put since the last commit (both threads; under commit_lock)
        self.header_key = ""
        self.media: list[tuple[str, str, int, int]] = []
        self.counts: dict[str, int] = {}
        self.blob_rows: list[list[Any]] = []
        self.media_error: list[BaseException] = []
        self.stop_media = threading.Event()
        self.pool: Pool  # packs uploading (made by `_store_objects`)
        self.media_pool: Pool  # blobs uploading or being checked

    # --- bookkeeping -------------------------------------------------------------------
    def phase(self, name: str) -> None:
        now = time.monotonic()
        self.result.phases[name] = round(self.result.phases.get(name, 0.0) + now - self.t_phase, 4)
        self.t_phase = now

    def sent(self, key: str, n: int) -> None:
        with self.sent_lock:
            self.existing[key] = n
            self.result.bytes_sent += n
            self.result.objects_sent += 1
            self.result.sent_keys.append(key)
        self.ctx.advance(bytes_=n)

    def note_put(self, n: int, own: Pool) -> None:
        """Folder targets make objects durable and visible in batches of COMMIT_BYTES."""
        with self.commit_lock:
            self.since_commit += n
            if self.since_commit < COMMIT_BYTES:
                return
            self.since_commit = 0
        own.drain()  # what this thread submitted is staged; the other thread's is committed later
        with self.commit_lock:
            self.target.commit()

    # --- the run -----------------------------------------------------------------------
    def run(self) -> None:
        self._open_destination()
        self._store_header()
        self.phase("known objects")
        self.media = media_files(self.vault.media_path)
        self.phase("media walk")
        # counting rows reads whole indexes: let SQLite do it (without the GIL) while we read extents
        conn = self.snap.connection()
        counter = threading.Thread(target=lambda: self.counts.update(_counts(conn)), name="backup-counts")
        counter.start()
        try:
            self.result.bytes_total = self.snap.size + sum(m[2] for m in self.media)
            self.ctx.set_total(items=None, bytes_=self.result.bytes_total)
            slots, fps, ident, checked = self._store_objects()
        finally:
            counter.join()  # it uses the snapshot's connection, which the caller closes next
        self.phase("media and upload")
        self._refuse_damage()            # before anything else reads tables the damage may have hit
        self._audit_anchor(conn)
        body, sealed = self._seal(slots)
        self._store_and_read_back(body, sealed)
        save_cache(self.cache_path, body["id"], self.target, ident, self.snap, b"".join(fps), checked,
                   self.result.source_checked_from_ns)
        self.phase("store and read back")

    def _open_destination(self) -> None:
        """Connect, find the previous snapshot and what the destination is known to hold."""
        target, k = self.target, self.k
        self.ctx.status(f"Connecting to {target.description}")
        target.prepare()
        self.phase("connect")
        prev = None
        if not self.full_listing:
            self.existing = target.list("snapshots/")
            prev = latest_manifest(target, k, self.existing) if self.existing else None
            if prev is not None:
                self.existing[CONFIG_KEY] = 0
                self.existing.update(references(prev))
                self.existing[prev["header"]] = -1  # present; its size is checked below by name
        if prev is None:
            self.full_listing = True
            self.existing = target.list()
            ensure_config(target, k, self.existing)
            prev = latest_manifest(target, k, self.existing)
        self.prev = prev
        self.result.full_listing = self.full_listing
        if prev is not None:  # blobs the run that made `prev` checked, unchanged since, are trusted
            self.audit.since_ns = src.clean_since(self.cache_path, prev["id"])
        self.phase("previous snapshot")
        self.at = known_entries(target, k, prev, self.existing, self.full_listing)

    def _store_header(self) -> None:
        header_raw = (self.vault.path / HEADER_NAME).read_bytes()
        self.header_key = f"headers/{hashlib.sha256(header_raw).hexdigest()}.json"
        if self.existing.get(self.header_key) not in (len(header_raw), -1):
            self.target.put_bytes(self.header_key, header_raw)
            self.sent(self.header_key, len(header_raw))

    def _store_objects(self) -> tuple[list[list[Any]], list[bytes], list[int], float]:
        """1. the database extents and 2. the media blobs, at the same time; then commit.
        Returns the snapshot's slots, the extents' fingerprints, vault.db's identity and when
        every page was last checked (for the cache)."""
        self.pool = Pool(PACKS_IN_FLIGHT)
        self.media_pool = Pool(self.target.workers)
        self.blob_rows = [[]] * len(self.media)
        feeder = threading.Thread(target=self._media_part, name="backup-media")
        feeder.start()
        try:
            self.ctx.status("Backing up the database and media")
            # CHATVAULT_BACKUP_PACK_BYTES: a smaller or larger pack size for a destination that wants one
            db = DatabasePass(self, int(os.environ.get("CHATVAULT_BACKUP_PACK_BYTES") or PACK_BYTES))
            db.run()
            self.phase("database")
            feeder.join()
            if self.media_error:
                raise self.media_error[0]
            self.ctx.status("Making the snapshot durable")
            self.target.commit()
        finally:
            self.stop_media.set()
            feeder.join()
            self.pool.close()
            self.media_pool.close()
        return db.slots, db.fps, db.ident, db.checked

    # --- 2. media blobs ----------------------------------------------------------------
    def _media_part(self) -> None:
        """Media blobs as they are (already encrypted and content-addressed), only when new."""
        prev_macs: dict[str, tuple[int, str]] = {}
        if self.prev:
            prev_macs = {rel: (size, mac) for rel, size, mac in self.prev.get("blobs", [])}
        try:
            pending = 0
            for i, (rel, path, size, ctime_ns) in enumerate(self.media):
                if not i & 63:
                    if self.stop_media.is_set():
                        return
                    self.ctx.check()
                self.result.blobs_total += 1
                if self.existing.get("media/" + rel) == size:
                    known = prev_macs.get(rel)
                    if known and known[0] == size:
                        self.blob_rows[i] = [rel, size, known[1]]  # the destination keeps the copy checked then
                        if self.audit.blob_suspect(ctime_ns):  # changed since: is the vault's own copy damaged?
                            self.media_pool.submit(self._recheck, path, rel)
                        pending += size
                        if not i & 255:
                            self.ctx.advance(bytes_=pending)
                            pending = 0
                    else:  # sent by an interrupted run: it has no MAC on record yet
                        self.media_pool.submit(self._mac_local, i, rel, path, size)
                    continue
                self.result.blobs_sent += 1
                self.media_pool.submit(self._put_blob, i, rel, path, size)
                self.note_put(size, self.media_pool)
            self.ctx.advance(bytes_=pending)
            self.media_pool.drain()
        except BaseException as exc:  # re-raised by the run's thread
            self.media_error.append(exc)

    def _put_blob(self, i: int, rel: str, path: str, size: int) -> None:
        self.ctx.check()  # per blob: the submit loop checks only every 64th, and 64 videos take long
        if not os.path.exists(path):  # removed since the walk (e.g. `check --repair` of an orphan): skip it
            self.blob_rows[i] = []
            return
        h = CheckedMac(self.k.hasher(), self.audit.blob_sink(rel, size))  # authenticates each chunk as it is read
        try:
            n = self.target.put_file("media/" + rel, Path(path), size, h)
        except BlobDamaged:  # raised before the damaged bytes were stored: nothing of it is shipped
            self.audit.blob_done(rel, h.tags.problem())
            self.blob_rows[i] = []
            return
        if n != size:
            raise StorageError(f"The media file {rel} changed size while it was being backed up.")
        self.audit.blob_done(rel, h.tags.problem())  # None: its final chunk was checked with its last byte
        self.blob_rows[i] = [rel, size, h.hexdigest()]
        self.sent("media/" + rel, n)

    def _mac_local(self, i: int, rel: str, path: str, size: int) -> None:
        if not os.path.exists(path):
            self.blob_rows[i] = []
            return
        h = self.k.hasher()
        tags = self.audit.blob_sink(rel)
        with open(path, "rb") as fh:
            while chunk := fh.read(1024 * 1024):
                h.update(chunk)
                tags.update(chunk)
        self.blob_rows[i] = [rel, size, h.hexdigest()] if self.audit.blob_done(rel, tags.problem()) else []
        self.ctx.advance(bytes_=size)

    def _recheck(self, path: str, rel: str) -> None:
        if os.path.exists(path):
            self.audit.check_blob(rel, path)

    # --- 3. the manifest, last ---------------------------------------------------------
    def _refuse_damage(self) -> None:
        """What is good was stored (a later run reuses it); no snapshot of the damage."""
        self.result.pages_checked, self.result.blobs_checked = self.audit.pages_checked, self.audit.blobs_checked
        if self.audit.damaged:
            self.ctx.status("Naming the damage")
            self.result.damage = self.audit.report(self.snap.connection(), self.snap.read_page)
            raise self.audit.error(self.result.damage)

    def _audit_anchor(self, conn: Any) -> None:
        """The audit chain's head goes into the manifest; the previous snapshot's head must still
        be in the chain (else the trail was rewritten since: the run goes on, and says so)."""
        self.result.audit_head = audit_trail.head(conn)
        sealed = (self.prev or {}).get("audit_head")
        if sealed:
            self.result.audit_mismatch = audit_trail.anchor_problem(conn, sealed, f"snapshot {self.prev['id']}")

    def _seal(self, slots: list[list[Any]]) -> tuple[dict[str, Any], bytes]:
        """The manifest body (only now does the snapshot exist) and its sealed bytes."""
        faults.hit("backup.before_manifest")
        objects: dict[str, list[int]] = {}
        pack_index: dict[str, int] = {}
        pack_list: list[list[Any]] = []
        for sl in slots:
            for mac in (sl[1], sl[2]):
                if mac and mac not in objects:
                    key, off, n = self.at[mac]
                    idx = pack_index.get(key)
                    if idx is None:
                        idx = pack_index[key] = len(pack_list)
                        pack_list.append([key, self.existing[key]])
                    objects[mac] = [idx, off, n]
        ids = snapshot_ids(self.existing)
        snapshot_id = new_snapshot_id(ids[-1] if ids else None)
        now = clock.clock.now()
        snap, k = self.snap, self.k
        body = {
            "id": snapshot_id, "format": SNAPSHOT_FORMAT, "vault_id": k.vault_id, "time": now,
            "time_iso": datetime.fromtimestamp(now, UTC).isoformat(timespec="seconds").replace("+00:00", "Z"),
            "header": self.header_key, "host": os.uname().nodename if hasattr(os, "uname") else "",
            "db": {"page_size": snap.page_size, "pages": snap.pages, "size": snap.size,
                   "extent_pages": snap.extent_pages, "slots": slots, "packs": pack_list, "objects": objects,
                   "root": k.mac(b"".join(bytes.fromhex(sl[0]) for sl in slots))},
            "blobs": [row for row in self.blob_rows if row],
            "counts": self.counts | {"media_bytes": sum(m[2] for m in self.media), "db_bytes": snap.size},
            "audit_head": self.result.audit_head,
            "source_checked": 1,  # every page and blob it holds was authenticated when it was stored
        }
        sealed = seal_manifest(k, snapshot_id, self.header_key, body)
        self.phase("manifest")
        return body, sealed

    def _store_and_read_back(self, body: dict[str, Any], sealed: bytes) -> None:
        """4. read back: the stored manifest is byte for byte the one we sealed (so it
        authenticates, without decrypting it again), and every object it names was listed at the
        start of the run (or named by the previous verified snapshot) or acknowledged durable
        during it."""
        snapshot_id = body["id"]
        key = snapshot_key(snapshot_id)
        self.target.put_bytes(key, sealed, durable_now=True)
        self.result.snapshot_id = snapshot_id
        faults.hit("backup.after_manifest")
        self.ctx.status("Verifying the snapshot")
        if self.target.get(key) != sealed:
            open_manifest(self.k, parse_envelope(self.target.get(key), key), key)  # names the damage precisely
            raise IntegrityError(f"The snapshot manifest {key} was not stored intact.", location=key,
                                 hint="Run the backup again.")
        missing = [k for k, size in references(body) if self.existing.get(k) != size]
        if missing:
            raise IntegrityError(f"The new snapshot {snapshot_id} lists {len(missing)} objects the destination does "
                                 f"not hold correctly (first: {missing[0]}).", hint="Run the backup again.")
        self.result.verified = True
