"""Captured files: what watch folders and `media add` stored, whether or not it matched an attachment.

A capture that fills a missing attachment is also reachable through that attachment; one that matches
none exists only as a blob and its `capture_log` rows. This module lists them (one entry per original
path and content: a file captured again unchanged is one entry, a file that changed is a new one),
filtered by folder, original path, capture time and type, and finds one by its reference: `c<N>` (the
capture id that `media ls --captured` prints) or its original path.
"""

from __future__ import annotations

import json
import os
from dataclasses import dataclass, field
from pathlib import PurePath
from typing import Any

from chatvault.errors import UsageError
from chatvault.store.db import Connection
from chatvault.store.queries import KINDS, kind_sql

# The original path: the watch folder joined with the path inside it, or the path itself (`media add`).
_ORIGINAL = ("CASE WHEN w.path IS NULL THEN l.path ELSE w.path || '{sep}' || l.path END")


@dataclass
class CaptureFilter:
    folder: str | None = None      # a watch folder id or path, or any folder the original paths are under
    path: str | None = None        # part of the original path (case-insensitive), or a glob (* ? [)
    after: int | None = None       # captured at or after (ms UTC)
    before: int | None = None      # captured before (ms UTC)
    kind: str | None = None        # image | video | audio | file
    unattached: bool = False       # only files no message refers to
    limit: int = 1000


@dataclass
class CapturedFile:
    capture_id: int
    blob_id: str
    path: str                      # the original path, as it was on disk
    folder: str | None             # the watch folder it came from (None: `media add`)
    watch_id: int | None
    captured_at: int               # ms UTC of the first capture of this content at this path
    mtime_ms: int | None
    size: int
    mime: str | None
    width: int | None = None
    height: int | None = None
    duration_ms: int | None = None
    thumb_blob_id: str | None = None
    attachment_ids: list[int] = field(default_factory=list)

    @property
    def ref(self) -> str:
        return f"c{self.capture_id}"

    @property
    def name(self) -> str:
        return PurePath(self.path.replace("\\", "/")).name or self.blob_id[:16]

    @property
    def kind(self) -> str:
        top = (self.mime or "").split("/")[0]
        return top if top in ("image", "video", "audio") else "file"

    def to_json(self) -> dict[str, Any]:
        return {"capture_id": self.capture_id, "ref": self.ref, "blob_id": self.blob_id, "path": self.path,
                "name": self.name, "folder": self.folder, "watch_id": self.watch_id,
                "captured_at": self.captured_at, "mtime_ms": self.mtime_ms, "size": self.size, "mime": self.mime,
                "kind": self.kind, "width": self.width, "height": self.height, "duration_ms": self.duration_ms,
                "has_thumbnail": self.thumb_blob_id is not None, "attachment_ids": self.attachment_ids}


def _base_sql() -> str:
    original = _ORIGINAL.format(sep=os.sep)
    return (f"SELECT min(l.id) AS capture_id, l.blob_id, {original} AS original, w.path AS folder, l.watch_id, "
            "min(l.at) AS captured_at, max(l.mtime_ns) AS mtime_ns, b.size, b.mime, t.thumb_id, "
            "group_concat(l.detail, char(30)) AS details "
            "FROM capture_log l JOIN blobs b ON b.id = l.blob_id "
            "LEFT JOIN watch_folders w ON w.id = l.watch_id LEFT JOIN thumbs t ON t.blob_id = l.blob_id "
            "WHERE l.event IN ('captured', 'duplicate') AND l.blob_id IS NOT NULL")


def _folder_clause(conn: Connection, ref: str) -> tuple[str, list[Any]]:
    if ref.isdigit():
        return " AND l.watch_id = ?", [int(ref)]
    real = os.path.realpath(os.path.expanduser(ref))
    if conn.execute("SELECT 1 FROM watch_folders WHERE path = ?", (real,)).fetchone():
        return " AND w.path = ?", [real]
    under = real.rstrip(os.sep) + os.sep
    return f" AND substr({_ORIGINAL.format(sep=os.sep)}, 1, ?) = ?", [len(under), under]


def list_captured(conn: Connection, flt: CaptureFilter | None = None) -> list[CapturedFile]:
    """Captured files, newest capture first."""
    flt = flt or CaptureFilter()
    sql = _base_sql()
    params: list[Any] = []
    if flt.folder:
        clause, extra = _folder_clause(conn, flt.folder)
        sql += clause
        params += extra
    if flt.path:
        original = _ORIGINAL.format(sep=os.sep)
        if any(ch in flt.path for ch in "*?["):
            sql += f" AND ({original} GLOB ? OR l.path GLOB ?)"
            params += [flt.path, flt.path]
        else:
            sql += f" AND instr(lower({original}), lower(?)) > 0"
            params.append(flt.path)
    if flt.kind:
        if flt.kind not in KINDS:
            raise UsageError(f"Unknown kind {flt.kind!r}.", hint=f"Use one of: {', '.join(KINDS)}.")
        sql += " AND " + kind_sql(flt.kind, "b.mime")
    if flt.unattached:
        sql += " AND NOT EXISTS (SELECT 1 FROM attachments a WHERE a.blob_id = l.blob_id)"
    sql += " GROUP BY l.watch_id, l.path, l.blob_id"
    having = []
    if flt.after is not None:
        having.append("min(l.at) >= ?")
        params.append(flt.after)
    if flt.before is not None:
        having.append("min(l.at) < ?")
        params.append(flt.before)
    if having:
        sql += " HAVING " + " AND ".join(having)
    sql += " ORDER BY captured_at DESC, capture_id DESC LIMIT ?"
    params.append(max(0, int(flt.limit)))
    return _with_attachments(conn, [_file(r) for r in conn.execute(sql, params)])


def _file(r: Any) -> CapturedFile:
    info: dict[str, Any] = {}
    for d in (r["details"] or "").split("\x1e"):
        try:
            info |= {k: v for k, v in json.loads(d or "{}").items() if k in ("width", "height", "duration_ms") and v}
        except (ValueError, AttributeError):
            continue
    return CapturedFile(int(r["capture_id"]), r["blob_id"], r["original"], r["folder"], r["watch_id"],
                        int(r["captured_at"]), r["mtime_ns"] // 1_000_000 if r["mtime_ns"] else None, int(r["size"]),
                        r["mime"], info.get("width"), info.get("height"), info.get("duration_ms"), r["thumb_id"])


def _with_attachments(conn: Connection, files: list[CapturedFile]) -> list[CapturedFile]:
    blobs = sorted({f.blob_id for f in files})
    found: dict[str, list[int]] = {}
    for i in range(0, len(blobs), 500):
        part = blobs[i:i + 500]
        for blob_id, att in conn.execute(f"SELECT blob_id, id FROM attachments WHERE blob_id IN "
                                         f"({','.join('?' * len(part))}) ORDER BY id", part):
            found.setdefault(blob_id, []).append(int(att))
    for f in files:
        f.attachment_ids = found.get(f.blob_id, [])
    return files


def count_captured(conn: Connection) -> int:
    return int(conn.execute("SELECT count(*) FROM (SELECT 1 FROM capture_log WHERE event IN ('captured', "
                            "'duplicate') AND blob_id IS NOT NULL GROUP BY watch_id, path, blob_id)").fetchone()[0])


def find_captured(conn: Connection, ref: str) -> CapturedFile | None:
    """A captured file by `c<N>` (its capture id) or its original path; None when `ref` is neither."""
    if len(ref) > 1 and ref[0] in "cC" and ref[1:].isdigit():
        row = conn.execute("SELECT watch_id, path, blob_id FROM capture_log WHERE id = ? AND event IN "
                           "('captured', 'duplicate') AND blob_id IS NOT NULL", (int(ref[1:]),)).fetchone()
        if row is None:
            raise UsageError(f"There is no captured file {ref}.", hint="`chatvault media ls --captured` lists them.")
        sql = _base_sql() + " AND l.watch_id IS ? AND l.path = ? AND l.blob_id = ? GROUP BY l.watch_id, l.path, l.blob_id"
        return _with_attachments(conn, [_file(r) for r in conn.execute(sql, tuple(row))])[0]
    if os.sep not in ref and "/" not in ref:
        return None
    given = os.path.abspath(os.path.expanduser(ref))
    sql = _base_sql() + (f" AND {_ORIGINAL.format(sep=os.sep)} IN (?, ?) GROUP BY l.watch_id, l.path, l.blob_id "
                         "ORDER BY captured_at DESC, capture_id DESC LIMIT 1")
    rows = [_file(r) for r in conn.execute(sql, (given, os.path.realpath(given)))]
    return _with_attachments(conn, rows)[0] if rows else None
