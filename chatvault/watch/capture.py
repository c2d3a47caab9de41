"""Capture one file from a (possibly hostile) folder into the vault, never half-written.

The file is opened with O_NOFOLLOW|O_NONBLOCK (a FIFO does not block, a symlink is refused) and
`fstat` on the descriptor must say "regular file" (never a check on the path: TOCTOU). It must still
have the size and mtime the caller saw stable, and it is re-checked after the copy: a file that
changed while it was read is reported `changed` and retried later, and its blob is not referenced.
WeChat `.dat` images are decoded (`chatvault.importers.wechat.dat.decode_dat`): one-byte XOR files and
Weixin 4 V1 files. Weixin 4 V2 files need the account's image key, which a vault does not remember
(it is given to one import and kept nowhere), so the watcher keeps them as they are; so it does every
`.dat` that does not decode, and the capture log says why (`wechat_dat: kept: <reason>`).
"""

from __future__ import annotations

import json
import os
import stat
from dataclasses import dataclass
from pathlib import Path

from chatvault import clock, faults
from chatvault.media import wxgf
from chatvault.media.attach import MediaInfo, describe, link_capture, record_blob
from chatvault.media.blobstore import BlobBatch, BlobStore, StoredBlob
from chatvault.media.convert import store_bytes
from chatvault.media.quality import upgrade_from_capture
from chatvault.store.db import Connection

DAT_MAX = 64 << 20  # .dat images are decoded in memory; bigger ones are kept as they are
# Names that browsers and sync tools use while a file is still being written.
PARTIAL_SUFFIXES = (".part", ".crdownload", ".download", ".partial", ".tmp", ".!qb", ".opdownload")


@dataclass(frozen=True)
class CaptureResult:
    outcome: str                      # captured | duplicate | changed | skipped | vanished
    path: str
    stored: StoredBlob | None = None
    info: MediaInfo | None = None
    size: int = 0
    mtime_ns: int = 0
    reason: str = ""
    decoded_dat: bool = False
    dat_reason: str = ""              # why a .dat file was kept as it is
    source: StoredBlob | None = None  # the wxgf a converted picture came from (kept beside it)
    note: str = ""                    # why a wxgf picture was kept unconverted


def is_partial_name(name: str) -> bool:
    low = name.lower()
    return low.startswith((".~", "~$", ".#")) or low.endswith(PARTIAL_SUFFIXES)


def within_root(root: Path, path: Path) -> bool:
    """True when `path` resolves inside `root` (a directory symlink out of the root does not)."""
    try:
        real = os.path.realpath(path)
        base = os.path.realpath(root)
    except OSError:
        return False
    return real == base or real.startswith(base.rstrip(os.sep) + os.sep)


def _decode_dat(data: bytes) -> tuple[tuple[bytes, str] | None, str]:
    """(decoded picture and extension, or None; the reason when None)."""
    try:
        from chatvault.importers.wechat.dat import decode_dat, undecodable_reason
    except ImportError:
        return None, "no decoder"
    try:
        out = decode_dat(data)
        return out, "" if out is not None else (undecodable_reason(data) or "not decoded")
    except ValueError:
        return None, "not decoded"


def capture_file(store: BlobStore, root: Path, path: Path, *, expect: tuple[int, int] | None = None,
                 batch: BlobBatch | None = None) -> CaptureResult:
    """Store one file's content (no database writes). `expect` = the (size, mtime_ns) seen stable.

    With `batch`, the blob is durable only once the batch has exited (see `BlobStore.batch`).
    """
    spath = str(path)
    if not within_root(root, path.parent) or path.is_symlink():
        return CaptureResult("skipped", spath, reason="a symbolic link, or outside the watched folder")
    flags = os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_BINARY", 0)
    try:
        fd = os.open(path, flags)
    except FileNotFoundError:
        return CaptureResult("vanished", spath, reason="the file disappeared before it was read")
    except OSError as exc:
        return CaptureResult("skipped", spath, reason=f"cannot be opened ({exc.strerror})")
    with os.fdopen(fd, "rb", buffering=1 << 20) as fh:
        st = os.fstat(fd)
        if not stat.S_ISREG(st.st_mode):
            return CaptureResult("skipped", spath, reason="not a regular file (FIFO, device, socket or folder)")
        before = (st.st_size, st.st_mtime_ns)
        if expect is not None and before != expect:
            return CaptureResult("changed", spath, size=st.st_size, mtime_ns=st.st_mtime_ns,
                                 reason="the file changed since it was seen")
        decoded = False
        why = ""
        source, note = None, ""
        if (path.suffix.lower() == ".dat" and st.st_size <= DAT_MAX) or (
                st.st_size <= DAT_MAX and wxgf.is_wxgf(fh.peek(4)[:4])):
            raw = fh.read(DAT_MAX + 1)
            result, why = _decode_dat(raw) if path.suffix.lower() == ".dat" else (None, "")
            data = result[0] if result else raw
            decoded = result is not None or wxgf.is_wxgf(raw)     # the stored bytes are not the file's
            put = store_bytes(store, data, batch)
            stored, info, source, note = put.stored, put.info, put.source, put.note
            del raw, data
        else:
            stored = store.put(fh, batch=batch)
            info = describe(fh)  # headers of the source file we hold open (re-checked below)
        faults.hit("capture.after_put")
        after = os.fstat(fd)
        try:
            now = os.stat(path, follow_symlinks=False)
            same_file = (now.st_ino, now.st_dev) == (st.st_ino, st.st_dev)
        except FileNotFoundError:
            same_file = True  # removed after we read it whole: the copy is still complete
            now = after
        read_size = stored.size if not decoded else st.st_size
        if ((after.st_size, after.st_mtime_ns) != before or not same_file
                or (now.st_size, now.st_mtime_ns) != before or (not decoded and read_size != before[0])):
            return CaptureResult("changed", spath, size=after.st_size, mtime_ns=after.st_mtime_ns,
                                 reason="the file changed while it was read; it will be captured again")
    return CaptureResult("captured" if stored.created else "duplicate", spath, stored, info,
                         before[0], before[1], decoded_dat=decoded and path.suffix.lower() == ".dat", dat_reason=why,
                         source=source, note=note)


def record_capture(conn: Connection, result: CaptureResult, *, watch_id: int | None, rel_path: str,
                   store: BlobStore | None = None) -> list[int]:
    """Blob row, linked missing attachments, upgraded lower levels (with `store`, which verifies the
    better file before a row points at it), capture log and the folder's file state: one transaction.
    Returns the attachments filled or upgraded."""
    now = clock.now_ms()
    filled: list[int] = []
    if result.stored is not None and result.outcome in ("captured", "duplicate"):
        info = result.info or MediaInfo()
        source = result.source.id if result.source else None
        if result.source is not None:
            record_blob(conn, result.source, MediaInfo(mime=wxgf.MIME))
        filled = link_capture(conn, result.stored, info, Path(rel_path).name, mtime_ms=result.mtime_ns // 1_000_000)
        if source and filled:
            conn.execute("UPDATE attachments SET source_blob_id = ? WHERE id IN (SELECT value FROM json_each(?))",
                         (source, json.dumps(filled)))
        # (A wxgf that did not convert replaces nothing: it would show nothing. Its blob stays, logged.)
        upgraded = upgrade_from_capture(conn, store, result.stored, info, rel_path,
                                        source_blob_id=source) if store is not None and not result.note else []
        detail = {"attachments": filled} | ({"wechat_dat": "decoded"} if result.decoded_dat else
                                            {"wechat_dat": f"kept: {result.dat_reason}"} if result.dat_reason else {})
        detail |= {"upgraded": upgraded} if upgraded else {}
        detail |= {"wxgf": "converted", "wxgf_source": source} if source else {"wxgf": result.note} if result.note else {}
        filled = filled + [a for a in upgraded if a not in filled]
        # What `media ls --captured` and the gallery show of a file no attachment row describes.
        detail |= {k: v for k, v in (("width", info.width), ("height", info.height),
                                     ("duration_ms", info.duration_ms)) if v}
        conn.execute(
            "INSERT INTO capture_log(at, watch_id, path, event, blob_id, size, mtime_ns, attachment_id, detail) "
            "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (now, watch_id, rel_path, result.outcome, result.stored.id, result.size, result.mtime_ns,
             filled[0] if filled else None, json.dumps(detail)),
        )
        if watch_id is not None:
            conn.execute(
                "INSERT INTO watch_files(watch_id, rel_path, size, mtime_ns, blob_id, present, first_seen, last_seen) "
                "VALUES (?, ?, ?, ?, ?, 1, ?, ?) ON CONFLICT(watch_id, rel_path) DO UPDATE SET size = excluded.size, "
                "mtime_ns = excluded.mtime_ns, blob_id = excluded.blob_id, present = 1, last_seen = excluded.last_seen",
                (watch_id, rel_path, result.size, result.mtime_ns, result.stored.id, now, now),
            )
    else:
        log_event(conn, watch_id, rel_path, result.outcome if result.outcome != "changed" else "skipped",
                  {"reason": result.reason})
        if watch_id is not None and result.outcome == "skipped":
            # Remember what was skipped so the next scan does not try it again until it changes.
            conn.execute(
                "INSERT INTO watch_files(watch_id, rel_path, size, mtime_ns, blob_id, present, first_seen, last_seen) "
                "VALUES (?, ?, ?, ?, NULL, 1, ?, ?) ON CONFLICT(watch_id, rel_path) DO UPDATE SET "
                "size = excluded.size, mtime_ns = excluded.mtime_ns, present = 1, last_seen = excluded.last_seen",
                (watch_id, rel_path, result.size, result.mtime_ns, now, now),
            )
    return filled


def log_event(conn: Connection, watch_id: int | None, rel_path: str, event: str, detail: dict | None = None,
              *, blob_id: str | None = None) -> None:
    conn.execute(
        "INSERT INTO capture_log(at, watch_id, path, event, blob_id, detail) VALUES (?, ?, ?, ?, ?, ?)",
        (clock.now_ms(), watch_id, rel_path, event, blob_id, json.dumps(detail or {}, ensure_ascii=False)),
    )
