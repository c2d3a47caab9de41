"""Step 1 of a backup run: the database extents, in order. Only what the destination does not
hold is sent: a whole extent, or, when few of its pages changed, a patch of those pages against
its base. With a usable fingerprint cache (cache.py) the fingerprints come from the pages' tails
alone and only extents SQLCipher rewrote are read; without one every extent is read anyway (to
be MACed). Every extent read is also checked page by page (source.py) before it is shipped."""

from __future__ import annotations

import base64
import threading
import time
from collections import deque
from collections.abc import Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from typing import TYPE_CHECKING, Any

from chatvault import faults
from chatvault.backup.cache import FP, TAIL, extent_fingerprint, file_identity, load_cache, tails_fingerprint
from chatvault.backup.extents import PAGE_HASH, make_patch, mask_pages, page_hashes, pages_mask, patch_size
from chatvault.backup.packs import PackBuilder

if TYPE_CHECKING:
    from chatvault.backup.run import BackupRun

HASH_WORKERS = 2  # threads hashing database extents ahead of the thread that packs them
HASH_AHEAD = 32  # extents read and hashing ahead (~2 MiB)
PACKS_IN_FLIGHT = 2  # packs sealed and uploading at once (each held in memory until it is stored)

Slot = list[Any]  # [image MAC, base MAC, patch MAC or "", patched pages mask, page hashes (base64)]


class DatabasePass:
    """The database part of one `BackupRun`: fills `slots` (one per extent, the manifest's
    image of vault.db) and `fps` (the extents' fingerprints, for the cache)."""

    def __init__(self, run: BackupRun, pack_bytes: int) -> None:
        self.backup, self.snap, self.k, self.result, self.ctx = run, run.snap, run.k, run.result, run.ctx
        snap, prev = self.snap, run.prev
        self.slots: list[Slot] = []
        self.queued: set[str] = set()
        self.prev_slots: list[Slot] = []
        if prev and prev["db"].get("page_size") == snap.page_size and prev["db"].get("extent_pages") == snap.extent_pages:
            self.prev_slots = prev["db"].get("slots", [])
        self.step = snap.extent_pages * snap.page_size
        self.ident = file_identity(run.vault.db_path)
        self.old_fps, checked = (load_cache(run.cache_path, prev["id"] if prev else None, run.target, self.ident, snap)
                                 if self.prev_slots else (b"", 0.0))
        self.checked = checked if self.old_fps else time.time()  # this run reads and checks every page
        self.fps: list[bytes] = []
        self.builder = PackBuilder(self.k.ident, pack_bytes)
        self.packs_free = threading.Semaphore(PACKS_IN_FLIGHT)
        self.last = (snap.size - 1) // self.step if snap.size else 0
        self.tails = snap.tails(TAIL) if self.old_fps else None
        self.prev_checked = bool(prev and prev.get("source_checked"))
        self.n_extents = -(-snap.size // self.step)

    # --- packs -------------------------------------------------------------------------
    def put_pack(self, key: str, data: bytes, entries: list[tuple[str, int, int]]) -> None:
        run = self.backup
        try:
            stored = run.existing.get(key) == len(data)  # an interrupted run's pack: same entries, same name
            if not stored:
                run.target.put_bytes(key, data)
            with run.sent_lock:
                for mac, off, n in entries:
                    run.at[mac] = (key, off, n)
                self.result.sent_entries.extend(mac for mac, _, _ in entries)
                self.result.packs_sent += not stored
            if not stored:
                run.sent(key, len(data))
        finally:
            self.packs_free.release()

    def flush_pack(self) -> None:
        if not len(self.builder):
            return
        key, data, entries = self.builder.seal()
        faults.hit("backup.pack")
        self.packs_free.acquire()
        self.backup.pool.submit(self.put_pack, key, data, entries)
        self.backup.note_put(len(data), self.backup.pool)

    def has(self, mac: str, size: int) -> bool:
        if mac in self.queued:
            return True
        loc = self.backup.at.get(mac)
        return loc is not None and loc[2] == size

    def send(self, mac: str, data: bytes) -> None:
        if self.has(mac, len(data)):
            return
        self.queued.add(mac)
        self.result.extents_sent += 1
        self.builder.add(mac, data)
        if self.builder.full:
            self.flush_pack()

    # --- slots -------------------------------------------------------------------------
    def held(self, slot: Slot, i: int) -> bool:
        ok = self.has(slot[1], self.step if i < self.last else self.snap.size - i * self.step)
        if slot[2]:
            ok = ok and self.has(slot[2], patch_size(slot[3], self.snap.page_size))
        return ok

    def reusable(self, ps: Slot | None, i: int) -> bool:
        """The previous snapshot's slot for extent i is complete and its objects are there."""
        return ps is not None and len(ps) == 5 and self.held(ps, i)

    def new_slot(self, i: int, data: bytes, mac: str, hashes: bytes, ps: Slot | None) -> None:
        """A new slot for extent i: a patch of its changed pages against the previous base when
        few changed, else the whole extent as a new base."""
        slot: Slot | None = None
        if ps is not None and self.reusable(ps, i) and len(base64.b64decode(ps[4])) == len(hashes):
            before = base64.b64decode(ps[4])
            changed = mask_pages(ps[3]) | {
                p for p in range(len(hashes) // PAGE_HASH) if hashes[p * PAGE_HASH:(p + 1) * PAGE_HASH]
                != before[p * PAGE_HASH:(p + 1) * PAGE_HASH]}
            # at most half the extent's pages (8 of 16 at 4 KiB, 2 of 4 at 16 KiB), else the whole extent
            if len(changed) <= self.snap.extent_pages // 2:
                patch = make_patch(data, sorted(changed), self.snap.page_size)
                pmac = self.k.mac(patch)
                self.send(pmac, patch)
                slot = [mac, ps[1], pmac, pages_mask(changed), base64.b64encode(hashes).decode()]
        if slot is None:
            self.send(mac, data)
            slot = [mac, mac, "", 0, base64.b64encode(hashes).decode()]
        self.slots.append(slot)

    # --- hashing ahead -----------------------------------------------------------------
    def digest(self, i: int, data: bytes, prev_mac: str | None) -> tuple[str, bytes | None, list[int]]:
        """The extent's MAC, its page hashes (unless it is byte for byte the previous snapshot's
        extent, already checked) and its damaged pages."""
        mac = self.k.mac(data)
        if mac == prev_mac and self.prev_checked:
            return mac, None, []
        return mac, page_hashes(self.k, data, self.snap.page_size), self.backup.audit.check_extent(i, data)

    def ahead(self, hasher: ThreadPoolExecutor) -> Iterator[tuple[int, bytes | None, bytes, Future | None]]:
        """Each extent in order with its fingerprint and, when it must be hashed, the hashing
        already running on `hasher` a few extents ahead (hashlib releases the GIL, so the
        database is hashed on two cores while this thread decides and packs). Whether an extent
        can reuse its previous slot is decided again in order: `held` only ever turns true."""
        snap, tails, per = self.snap, self.tails, self.snap.extent_pages * TAIL
        extents = snap.extents() if tails is None else None
        window: deque[tuple[int, bytes | None, bytes, Future | None]] = deque()
        for i in range(self.n_extents):
            data = next(extents) if extents is not None else None
            fp = (tails_fingerprint(tails[i * per:(i + 1) * per]) if tails is not None
                  else extent_fingerprint(data, snap.page_size))  # type: ignore[arg-type]
            ps = self.prev_slots[i] if i < len(self.prev_slots) else None
            fut = None
            if not (ps is not None and self.old_fps[i * FP:(i + 1) * FP] == fp and self.reusable(ps, i)):
                if data is None:
                    data = snap.read_extent(i)
                fut = hasher.submit(self.digest, i, data, ps[0] if ps is not None and len(ps) == 5 else None)
            window.append((i, data, fp, fut))
            if len(window) > HASH_AHEAD:
                yield window.popleft()
        yield from window

    # --- the pass ----------------------------------------------------------------------
    def run(self) -> None:
        pending_bytes = 0
        hasher = ThreadPoolExecutor(HASH_WORKERS, thread_name_prefix="backup-hash")
        try:
            for i, data, fp, fut in self.ahead(hasher):
                if not i & 63:
                    if self.backup.media_error:
                        raise self.backup.media_error[0]
                    self.ctx.check()
                    self.ctx.advance(bytes_=pending_bytes)
                    pending_bytes = 0
                self.result.extents_total += 1
                self.fps.append(fp)
                pending_bytes += self.take(i, data, fut)
        finally:
            hasher.shutdown(wait=True, cancel_futures=True)
        self.flush_pack()
        self.ctx.advance(bytes_=pending_bytes)
        self.backup.pool.drain()

    def take(self, i: int, data: bytes | None, fut: Future | None) -> int:
        """Decide extent i's slot; returns its bytes (for progress)."""
        ps = self.prev_slots[i] if i < len(self.prev_slots) else None
        if fut is None:
            self.slots.append(ps)  # type: ignore[arg-type] # SQLCipher wrote none of its pages since then
            return min(self.step, self.snap.size - i * self.step)
        assert data is not None
        mac, hashes, bad = fut.result()
        self.result.extents_hashed += 1
        if bad:  # never shipped: the snapshot is refused once every page was checked
            self.slots.append(ps or [])
        elif ps is not None and ps[0] == mac and self.reusable(ps, i):
            self.slots.append(ps)  # unchanged since the previous snapshot
        else:
            if hashes is None:
                hashes = page_hashes(self.k, data, self.snap.page_size)
            self.new_slot(i, data, mac, hashes, ps)
        return len(data)
