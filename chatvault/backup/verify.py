"""Verify a destination: every snapshot opens, every object it names is there at its size, and
with `read_data` every byte stored is read back and authenticated."""

from __future__ import annotations

import hashlib
import threading
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any

from chatvault.backup.common import run_all
from chatvault.backup.crypto import BackupKeys
from chatvault.backup.layout import load_manifest, locations, references, snapshot_ids
from chatvault.backup.packs import scan_entries
from chatvault.backup.target import Target
from chatvault.errors import IntegrityError, StorageError
from chatvault.jobs.context import JobContext


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


class _Verifier:
    """What every snapshot needs, checked against the listing and, with `read_data`, read back."""

    def __init__(self, target: Target, k: BackupKeys, rep: VerifyReport, ctx: JobContext) -> None:
        self.target, self.k, self.rep, self.ctx = target, k, rep, ctx
        self.users: dict[str, list[str]] = {}
        self.expect: dict[str, tuple[int, str | None]] = {}  # key -> (size, MAC of a media blob or None)
        # extents and patches: object key -> {(offset, length): MAC}, and the snapshots using each one
        self.entries: dict[str, dict[tuple[int, int], str]] = {}
        self.entry_users: dict[tuple[str, int, int], list[str]] = {}
        self.damaged: dict[str, str] = {}
        self.damaged_users: dict[str, set[str]] = {}  # a pack: only the snapshots that use its damaged entries
        self.lock = threading.Lock()

    def collect(self, existing: dict[str, int]) -> None:
        """Open every snapshot and note the objects (and extents in them) it uses."""
        for sid in snapshot_ids(existing):
            self.ctx.check()
            self.rep.snapshots += 1
            try:
                body = load_manifest(self.target, self.k, sid)
            except (IntegrityError, StorageError) as exc:
                self.rep.bad_snapshots.append({"snapshot": sid, "problem": exc.message})
                continue
            macs = {"media/" + rel: mac for rel, _s, mac in body.get("blobs", [])}
            for key, size in references(body):
                self.users.setdefault(key, []).append(sid)
                self.expect.setdefault(key, (size, macs.get(key)))
            for mac, (key, off, n) in locations(body).items():
                self.entries.setdefault(key, {})[(off, n)] = mac
                self.entry_users.setdefault((key, off, n), []).append(sid)
            self.users.setdefault(body["header"], []).append(sid)
            self.expect.setdefault(body["header"], (-1, None))

    def check_listing(self, existing: dict[str, int]) -> None:
        for key, (size, _mac) in self.expect.items():
            have = existing.get(key)
            if have is None:
                self.damaged[key] = "missing"
            elif size >= 0 and have != size:
                self.damaged[key] = f"wrong size ({have} bytes, expected {size})"
        self.rep.objects = len(self.expect)

    def read_all(self) -> None:
        to_read = [key for key in self.expect if key not in self.damaged]
        self.ctx.set_total(items=len(to_read), bytes_=sum(max(0, self.expect[key][0]) for key in to_read))
        run_all(self.target.workers, self.check_one, [(key,) for key in to_read], self.ctx.check)

    def _read_pack(self, key: str, stream: Iterator[bytes]) -> list[tuple[int, int]]:
        """The extents and patches in object `key` that do not authenticate by their own MAC."""
        want = self.entries[key]
        seen = set()
        bad: list[tuple[int, int]] = []
        for off, length, data in scan_entries(stream, list(want)):
            seen.add((off, length))
            if self.k.mac(data) != want[(off, length)]:
                bad.append((off, length))
        for _ in stream:  # read to the end: every byte stored is read back
            pass
        return bad + [e for e in want if e not in seen]

    def _read_whole(self, key: str, stream: Iterable[bytes]) -> bool:
        h = hashlib.sha256() if key.startswith("headers/") else self.k.hasher()
        for chunk in stream:
            h.update(chunk)
        if key.startswith("headers/"):
            return key == f"headers/{h.hexdigest()}.json"
        return self.expect[key][1] == h.hexdigest()

    def check_one(self, key: str) -> None:
        n = 0

        def counted() -> Iterator[bytes]:
            nonlocal n
            for chunk in self.target.read_chunks(key):
                n += len(chunk)
                yield chunk

        bad: list[tuple[int, int]] = []
        try:
            if key in self.entries:
                bad = self._read_pack(key, counted())
                ok = not bad
            else:
                ok = self._read_whole(key, counted())
        except StorageError as exc:
            with self.lock:
                self.damaged[key] = f"cannot be read: {exc.message}"
            return
        with self.lock:
            self.rep.bytes_read += n
            if not ok and bad and len(bad) < len(self.entries[key]):
                self.damaged[key] = (f"{len(bad)} of its {len(self.entries[key])} extents do not authenticate "
                                     f"(damaged or altered; first at byte {min(bad)[0]})")
                self.damaged_users[key] = {sid for off, length in bad
                                           for sid in self.entry_users[(key, off, length)]}
            elif not ok:
                self.damaged[key] = "content does not authenticate (damaged or altered)"
        self.ctx.advance(items=1, bytes_=n)

    def finish(self) -> None:
        self.rep.damaged = [{"key": key, "problem": problem,
                             "snapshots": sorted(self.damaged_users.get(key) or set(self.users.get(key, [])))}
                            for key, problem in sorted(self.damaged.items())]


def verify_target(target: Target, k: BackupKeys, *, read_data: bool = False,
                  ctx: JobContext | None = None) -> VerifyReport:
    ctx = ctx or JobContext()
    rep = VerifyReport(read_data=read_data)
    existing = target.list()
    v = _Verifier(target, k, rep, ctx)
    v.collect(existing)
    v.check_listing(existing)
    if read_data:
        v.read_all()
    v.finish()
    return rep


def count_affected_messages(conn: Any, rep: VerifyReport) -> None:
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
