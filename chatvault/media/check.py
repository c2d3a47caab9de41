"""The media part of `chatvault check`: every blob row has a sound file, and nothing else lingers.

Without `--read-data` each referenced file is checked by its header, its size and its final chunk
(which binds the id and the length); with it every chunk is decrypted and authenticated and the id
re-derived. Each damaged blob is reported once, naming the messages that use it. `--repair` removes
blob files that no row references (left by a crash between the rename and the commit) and stale
temps in `media/.partial/`; it never removes a referenced blob, damaged or not.
"""

from __future__ import annotations

import os

from chatvault import check, faults
from chatvault.check import CheckReport, Problem
from chatvault.media.blobstore import BlobCorrupt, BlobMissing, BlobStore
from chatvault.vault.vault import Vault


def messages_using(conn, blob_id: str) -> list[dict]:
    """The messages whose attachment (or its thumbnail) is this blob, with their conversation."""
    rows = conn.execute(
        "SELECT a.id, a.message_id, m.conversation_id, c.title, m.ts, a.original_name, "
        "a.thumb_blob_id = ? AS is_thumb FROM attachments a JOIN messages m ON m.id = a.message_id "
        "JOIN conversations c ON c.id = m.conversation_id WHERE a.blob_id = ? OR a.thumb_blob_id = ? "
        "ORDER BY a.message_id",
        (blob_id, blob_id, blob_id),
    ).fetchall()
    return [
        {"attachment_id": r[0], "message_id": r[1], "conversation_id": r[2], "conversation": r[3], "ts": r[4],
         "name": r[5], "thumbnail": bool(r[6])}
        for r in rows
    ]


def check_media(vault: Vault, report: CheckReport, read_data: bool, repair: bool) -> None:
    store = BlobStore(vault)
    conn = vault.connect(readonly=True)
    try:
        rows = conn.execute("SELECT id, size, stored_size FROM blobs ORDER BY id").fetchall()
        known = {r[0] for r in rows}
        damaged = 0
        job = report.job
        job.set_total(items=len(rows), bytes_=sum(int(r[2]) for r in rows) if read_data else None)
        for blob_id, size, stored_size in rows:
            job.check()
            faults.hit("check.blob")
            job.advance(items=1, bytes_=int(stored_size) if read_data else 0)
            problem = _check_one(store, blob_id, int(size), int(stored_size), read_data)
            if problem is None:
                continue
            damaged += 1
            users = messages_using(conn, blob_id)
            msgs = sorted({u["message_id"] for u in users})
            where = f"; used by message(s) {', '.join(map(str, msgs))}" if msgs else "; used by no message"
            report.problems.append(Problem(
                "media", f"Blob {blob_id}: {problem}{where}.",
                detail={"blob_id": blob_id, "reason": problem, "message_ids": msgs, "uses": users,
                        "hint": "Restore the file from a backup, or import/capture the original again "
                                "(the same content heals the blob)."}))
        report.checked["blobs"] = len(rows)
        report.checked["blobs_damaged"] = damaged
        report.checked["blobs_read"] = len(rows) if read_data else 0

        orphans = [b for b in store.iter_ids() if b not in known]
        partials = list(store.iter_partials())
    finally:
        conn.close()
    for blob_id in orphans:
        p = Problem("media", f"Blob file {blob_id} is not referenced by the database (left by an interrupted "
                             "write).", severity="warning", detail={"blob_id": blob_id, "orphan": True})
        if repair:
            _remove(store.path_for(blob_id))
            p.repaired = True
        report.problems.append(p)
    for path in partials:
        p = Problem("media", f"Unfinished media temp file {path.name} in media/.partial.", severity="warning",
                    detail={"partial": path.name})
        if repair:
            _remove(path)
            p.repaired = True
        report.problems.append(p)
    report.checked["blob_orphans"] = len(orphans)


def _check_one(store: BlobStore, blob_id: str, size: int, stored_size: int, read_data: bool) -> str | None:
    try:
        path = store.path_for(blob_id)
    except Exception:  # noqa: BLE001 - a malformed id in the table is itself the finding
        return "the id in the database is malformed"
    try:
        st = os.lstat(path)
    except FileNotFoundError:
        return "the file is missing"
    except OSError as exc:
        return f"the file cannot be read ({exc.strerror})"
    if st.st_size != stored_size:
        return f"the file has {st.st_size} bytes, the database expects {stored_size}"
    try:
        if read_data:
            got = store.verify(blob_id)
        else:
            with store.open(blob_id) as r:
                got = r.size
    except BlobCorrupt as exc:
        return exc.reason
    except BlobMissing:
        return "the file is missing"
    if got != size:
        return f"it holds {got} bytes, the database expects {size}"
    return None


def _remove(path) -> None:
    try:
        os.unlink(path)
    except FileNotFoundError:
        pass


check.register(check_media)
