"""The writer's media: new attachments stored (or recorded missing), missing ones filled later.

A file is written to the blob store, durably, before the transaction whose row points at it commits
(`import.after_blob` is the fault point between the two). Files inside an export that crossed from
the parse process reopen the export through the run's `TreeCache` (`importers/openers.py`).
"""

from __future__ import annotations

import json

from chatvault import faults
from chatvault.errors import InputError
from chatvault.importers.openers import TreeCache
from chatvault.importers.wechat.levels import media_key
from chatvault.ingest.report import ImportReport
from chatvault.ingest.rows import dumps
from chatvault.media.attach import record_blob
from chatvault.media.blobstore import BlobStore
from chatvault.media.convert import StoredFile, store_file
from chatvault.media.quality import FILLED, UPGRADED, apply_level, rank
from chatvault.model import AttachmentRef, AttachmentStatus, MediaQuality
from chatvault.store.db import Connection
from chatvault.vault.vault import Vault

_INSERT_MISSING = ("INSERT OR IGNORE INTO attachments(message_id, ordinal, status, mime, size, original_name, "
                   "expected_path, width, height, duration_ms, extra, quality, quality_basis, media_key) "
                   "VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?)")
# Image/video attachments no reader graded: a file that is there is the original (WhatsApp,
# Telegram ... export what was sent), one that is not is missing.
_GRADE_REST = ("UPDATE attachments SET quality = CASE WHEN status = 'stored' THEN 'original' ELSE 'missing' END, "
               "quality_basis = 'reader' WHERE quality IS NULL AND message_id IN (SELECT id FROM messages WHERE id IN "
               "(SELECT value FROM json_each(?)) AND kind IN ('image', 'video'))")


def ref_level(ref: AttachmentRef) -> str | None:
    """The level the reader gave (`extra["quality"]`), if a known one."""
    q = ref.extra.get("quality")
    return q if q in tuple(MediaQuality) else None


def ref_key(ref: AttachmentRef) -> str | None:
    return media_key(ref.expected_path or ref.name)


def ref_duration_ms(ref: AttachmentRef) -> int | None:
    """The length the export states for a voice note or video, in ms: WeChat's `duration_ms`,
    Telegram's `duration_seconds`. The file's own header (`MediaInfo`) wins when it has one; SILK,
    Opus and AMR voice notes have none, so without this the bubble showed 0″ for a 7 s note."""
    ms = ref.extra.get("duration_ms")
    if ms.__class__ in (int, float) and ms > 0:
        return int(ms)
    secs = ref.extra.get("duration_seconds")
    if secs.__class__ in (int, float) and secs > 0:
        return int(secs * 1000)
    return None


def missing_row(mid: int, ordinal: int, ref: AttachmentRef) -> tuple:
    """An attachment the export names but does not hold (or could not be read): `missing`, or
    `expired` when the source said so."""
    status = ref.status if ref.open is None and ref.status == AttachmentStatus.EXPIRED else AttachmentStatus.MISSING
    level = ref_level(ref)
    return (mid, ordinal, str(status), ref.mime_hint, ref.size_hint, ref.name, ref.expected_path,
            ref.extra.get("width"), ref.extra.get("height"), ref_duration_ms(ref), dumps(ref.extra),
            MediaQuality.MISSING.value if level else None, "reader" if level else None, ref_key(ref))


class Attachments:
    def __init__(self, vault: Vault, conn: Connection, report: ImportReport, trees: TreeCache) -> None:
        self.vault = vault
        self.conn = conn
        self.report = report
        self.trees = trees
        self._blobs: BlobStore | None = None

    @property
    def blobs(self) -> BlobStore:
        if self._blobs is None:
            self._blobs = BlobStore(self.vault)
        return self._blobs

    def store_new(self, new_atts: list[tuple[int, list[AttachmentRef]]]) -> None:
        """The attachments of messages just inserted: each stored, or recorded missing."""
        missing_rows = []
        for mid, refs in new_atts:
            for ordinal, ref in enumerate(refs):
                if ref.open is None:
                    missing_rows.append(missing_row(mid, ordinal, ref))
                else:
                    self._attachment(mid, ordinal, ref)
        if missing_rows:
            self.conn.executemany(_INSERT_MISSING, missing_rows)
            self.report.attachments_missing += len(missing_rows)
        if new_atts:
            self.conn.execute(_GRADE_REST, (json.dumps([mid for mid, _ in new_atts]),))

    def _put(self, ref: AttachmentRef) -> StoredFile | None:
        """Store the file durably (before the row that points at it commits); None if it cannot be read.
        A wxgf picture is converted, and kept beside the picture (`source`)."""
        assert ref.open is not None
        try:
            with self.trees.open(ref.open) as stream:
                put = store_file(self.blobs, stream)
        except InputError as exc:
            self.report.warn(f"{ref.expected_path or ref.name}: {exc.message}")
            return None
        faults.hit("import.after_blob")
        if put.note:
            self.report.wxgf_unconverted += 1
            self.report.warn(f"{ref.expected_path or ref.name}: {put.note}")
        elif put.converted:
            self.report.wxgf_converted += 1
        if put.source is not None:
            record_blob(self.conn, put.source, None)
        return put

    def _attachment(self, mid: int, ordinal: int, ref: AttachmentRef) -> None:
        put = self._put(ref) if ref.open is not None else None
        c = self.conn
        if put is not None:
            stored, info = put.stored, put.info
            record_blob(c, stored, info)
            level = ref_level(ref)
            c.execute(
                "INSERT OR IGNORE INTO attachments(message_id, ordinal, blob_id, status, mime, size, original_name, "
                "expected_path, width, height, duration_ms, extra, quality, quality_basis, media_key, source_blob_id) "
                "VALUES (?,?,?,'stored',?,?,?,?,?,?,?,?,?,?,?,?)",
                (mid, ordinal, stored.id, info.mime or ref.mime_hint, stored.size, ref.name, ref.expected_path,
                 info.width or ref.extra.get("width"), info.height or ref.extra.get("height"),
                 info.duration_ms or ref_duration_ms(ref), dumps(ref.extra), level, "reader" if level else None,
                 ref_key(ref), put.source.id if put.source else None))
            self.report.attachments_stored += 1
            return
        c.execute(_INSERT_MISSING, missing_row(mid, ordinal, ref))
        self.report.attachments_missing += 1

    def fill(self, candidates: list[tuple[int, list[AttachmentRef]]]) -> None:
        """Messages already stored whose attachment this export has better: missing ones filled,
        thumbnails and HD pictures upgraded in place to a better level (`media.quality`), and WeChat
        images an earlier import kept undecoded (`dat_undecoded`: no image key then) decoded when this
        run could. The undecoded original stays in the vault, named in the row's extra."""
        ids = [mid for mid, _ in candidates]
        rows = self.conn.execute(
            "SELECT id, message_id, ordinal, status, blob_id, extra, quality FROM attachments WHERE message_id IN "
            "(SELECT value FROM json_each(?)) AND (status != 'stored' OR json_extract(extra, '$.dat_undecoded') "
            "OR quality IN ('thumbnail', 'hd'))", (json.dumps(ids),)).fetchall()
        todo = {(r[1], r[2]): r for r in rows}
        decoded = 0
        for mid, refs in candidates:
            for ordinal, ref in enumerate(refs):
                row = todo.get((mid, ordinal))
                if row is None or ref.open is None:
                    continue
                if row[3] == AttachmentStatus.STORED.value and json.loads(row[5] or "{}").get("dat_undecoded"):
                    if not ref.extra.get("dat_undecoded"):     # else still no way to decode it: keep what is stored
                        decoded += self._decoded(ref, row)
                    continue
                self._better(ref, row)
        if decoded:
            self.report.attachments_filled += decoded
            self.report.warn(f"{decoded} image(s) that an earlier import kept undecoded were decoded now; the "
                             "undecoded files stay in the vault (extra.original_dat_blob).")

    def _better(self, ref: AttachmentRef, row: tuple) -> None:
        """Fill a missing row, or upgrade a lower level, with `ref` when it is better (never a downgrade)."""
        level = ref_level(ref) or (MediaQuality.ORIGINAL.value if row[6] else None)
        if row[3] == AttachmentStatus.STORED.value and (level is None or rank(level) <= rank(row[6])):
            return
        put = self._put(ref)
        if put is None:
            return
        if put.note and row[3] == AttachmentStatus.STORED.value:
            # A wxgf that did not convert would show nothing: the row keeps the picture it shows,
            # and the wxgf is kept as its source (reported by `_put`; a later version may convert it).
            record_blob(self.conn, put.stored, put.info)
            self.conn.execute("UPDATE attachments SET source_blob_id = coalesce(source_blob_id, ?) WHERE id = ?",
                              (put.stored.id, row[0]))
            return
        outcome = apply_level(self.conn, self.blobs, row[0], put.stored, put.info, level,
                              source_blob_id=put.source.id if put.source else None)
        if outcome == FILLED:
            self.report.attachments_stored += 1
            self.report.attachments_filled += 1
        elif outcome == UPGRADED:
            self.report.attachments_upgraded += 1

    def _decoded(self, ref: AttachmentRef, row: tuple) -> int:
        """A stored undecoded image (`row`) replaced by the decoded file of `ref`: 1, or 0 if not."""
        put = self._put(ref)
        if put is None or put.stored.id == row[4]:
            return 0
        extra = json.loads(row[5]) if row[5] else {}
        for k in ("dat_undecoded", "dat_reason"):
            extra.pop(k, None)
        extra["original_dat_blob"] = row[4]
        record_blob(self.conn, put.stored, put.info)
        self.conn.execute(
            "UPDATE attachments SET blob_id = ?, mime = ?, size = ?, width = coalesce(?, width), "
            "height = coalesce(?, height), extra = ?, source_blob_id = coalesce(?, source_blob_id), "
            "quality = coalesce(?, quality) WHERE id = ?",
            (put.stored.id, put.info.mime, put.stored.size, put.info.width, put.info.height, dumps(extra),
             put.source.id if put.source else None, ref_level(ref), row[0]))
        return 1
