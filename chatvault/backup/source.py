"""The source check of a backup run: every vault.db page and media blob it ships is authentic.

`backup run` reads changed extents anyway (to MAC them): their pages' SQLCipher HMACs are checked on
the same bytes. Extents whose page tails did not change since the last run that checked them are
not read (the fast path), so every page is read and checked in full at least every
`FULL_CHECK_EVERY_S` (a week). Blobs are immutable once written: a new blob, or one whose file
changed (ctime) since the run that made the newest snapshot started, is read and its chunk tags
authenticated; others rely on that run's check. Any damage aborts the snapshot (`SourceDamaged`): nothing of it is
recorded as verified, the run's detail names the pages, blobs, messages and conversations, and the
destination's health turns red until a run succeeds.
"""

from __future__ import annotations

import json
import os
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from chatvault.backup.authentic import BlobTagCheck, PageChecker, check_blob_file, page_checker
from chatvault.errors import IntegrityError

FULL_CHECK_EVERY_S = 7 * 86400


class SourceDamaged(IntegrityError):
    """The vault itself is damaged: the backup refused to store the damage as a snapshot."""

    code = "source_damaged"


class RestoreTestFailed(IntegrityError):
    """The test restore of a new snapshot failed: that snapshot is known to be damaged."""

    code = "restore_test_failed"


RED_CODES = ("source_damaged", "restore_test_failed")


@dataclass
class SourceAudit:
    checker: PageChecker | None  # None: a page size ChatVault never writes (pages not checked)
    k_media: bytes
    extent_pages: int
    since_ns: int | None = None  # blobs changed after this are re-checked; None: every blob is
    bad_pages: list[int] = field(default_factory=list)
    bad_blobs: dict[str, str] = field(default_factory=dict)  # media rel path -> problem
    pages_checked: int = 0
    blobs_checked: int = 0
    _lock: threading.Lock = field(default_factory=threading.Lock)

    @classmethod
    def for_snapshot(cls, snap: Any, k: Any) -> SourceAudit:
        """The audit of one backup run of `snap` (a DbSnapshot) with the vault's keys `k`."""
        first = snap.read_page(1)
        return cls(page_checker(k.db, first, snap.page_size) if first else None, k.media, snap.extent_pages)

    def check_extent(self, i: int, data: bytes) -> list[int]:
        """The damaged pages (numbered from 1) of extent i; records them."""
        if self.checker is None:
            return []
        bad = self.checker.bad_pages(data, i * self.extent_pages + 1)
        with self._lock:
            self.pages_checked += len(data) // self.checker.page_size
            self.bad_pages.extend(bad)
        return bad

    def blob_suspect(self, ctime_ns: int) -> bool:
        """A blob the destination holds must be read again: its file changed since the run that made
        the newest snapshot started (or there is no such run to rely on)."""
        return self.since_ns is None or ctime_ns >= self.since_ns

    def blob_sink(self, rel: str, size: int | None = None) -> BlobTagCheck:
        return BlobTagCheck(self.k_media, rel.rsplit("/", 1)[-1], size)

    def blob_done(self, rel: str, problem: str | None) -> bool:
        """Record one blob's check; True if it is authentic."""
        with self._lock:
            self.blobs_checked += 1
            if problem:
                self.bad_blobs[rel] = problem
        return problem is None

    def check_blob(self, rel: str, path: str) -> bool:
        return self.blob_done(rel, check_blob_file(self.k_media, path, rel))

    @property
    def damaged(self) -> bool:
        return bool(self.bad_pages or self.bad_blobs)

    def report(self, conn: Any, read_page: Any) -> dict[str, Any]:
        """The damage, named: pages with the rows/messages/conversations on them, blobs with theirs."""
        out: dict[str, Any] = {"pages": [], "blobs": []}
        level = _quiet(conn)  # reads that reach a damaged page are expected here: no SQLCipher log lines
        try:
            self._name(out, conn, read_page)
        finally:
            _quiet(conn, level)
        return out

    def _name(self, out: dict[str, Any], conn: Any, read_page: Any) -> None:
        if self.bad_pages and self.checker is not None:
            from chatvault.backup.pagemap import PageDamage, map_damage

            try:
                pages = map_damage(self.checker, self.checker.db_key, read_page, self.bad_pages, conn)
            except (IndexError, ValueError, OSError):  # a b-tree page of a shape we do not know
                pages = PageDamage(sorted(self.bad_pages))  # the page numbers still say it
            out["pages"] = pages.to_json()
        blobs = []
        for rel, problem in sorted(self.bad_blobs.items()):
            blob_id = rel.rsplit("/", 1)[-1]
            blobs.append({"blob": rel, "problem": problem} | blob_users(conn, blob_id))
        out["blobs"] = blobs

    def error(self, report: dict[str, Any]) -> SourceDamaged:
        return SourceDamaged(describe(report),
                             hint="No snapshot was made: the last clean snapshot stays the newest. Run "
                                  "`chatvault check --read-data` to see the damage, repair or restore the vault "
                                  "(`chatvault restore --check`), then back up again.")


def _quiet(conn: Any, level: str = "NONE") -> str:
    """Set SQLCipher's (process-wide) log level; return the previous one."""
    try:
        before = str(conn.execute("PRAGMA cipher_log_level").fetchone()[0])
        conn.execute(f"PRAGMA cipher_log_level = {level if level.isalpha() else 'WARN'}")
        return before
    except Exception:  # noqa: BLE001 - an SQLCipher without the pragma just logs
        return "WARN"


def blob_users(conn: Any, blob_id: str) -> dict[str, Any]:
    """The messages and conversations that refer to a blob. The database may be damaged too, so
    each step reads only the rows it needs (through indexes) and a damaged one leaves a gap."""
    try:
        mids = [int(r[0]) for r in conn.execute(
            "SELECT message_id FROM attachments WHERE blob_id = ? UNION "
            "SELECT message_id FROM attachments WHERE thumb_blob_id = ?", (blob_id, blob_id))]
    except Exception:  # noqa: BLE001 - the attachment rows themselves are unreadable
        return {"messages": None, "conversations": []}
    per: dict[int | None, int] = {}
    for mid in mids:
        cid = None
        for sql in ("SELECT conversation_id FROM messages WHERE id = ?",
                    # the row is on a damaged page: the (conversation, time, id) index still knows it
                    "SELECT conversation_id FROM messages INDEXED BY messages_by_time WHERE id = ?"):
            try:
                row = conn.execute(sql, (mid,)).fetchone()
                cid = int(row[0]) if row else None
                break
            except Exception:  # noqa: BLE001 - try the next way, else the conversation stays unknown
                continue
        per[cid] = per.get(cid, 0) + 1
    convs = []
    for cid, n in sorted(per.items(), key=lambda kv: (kv[0] is None, kv[0] or 0)):
        title = None
        if cid is not None:
            try:
                row = conn.execute("SELECT title FROM conversations WHERE id = ?", (cid,)).fetchone()
                title = row[0] if row else None
            except Exception:  # noqa: BLE001
                pass
        convs.append({"id": cid, "title": title, "messages": n})
    return {"messages": len(mids), "conversations": convs}


def describe(report: dict[str, Any]) -> str:
    """One paragraph: what is damaged and whose messages it holds."""
    parts = []
    pages = report.get("pages") or {}
    if pages:
        n = pages.get("page_count", 0)
        first = ", ".join(str(p) for p in pages.get("pages", [])[:8])
        what = (f"{n} vault.db page{'s fail' if n != 1 else ' fails'} SQLCipher's HMAC "
                f"(page{'s' if n != 1 else ''} {first}{', ...' if n > 8 else ''})")
        msgs = pages.get("messages")
        if msgs is None and pages.get("messages_at_most") is not None:
            what += f"; they hold up to {pages['messages_at_most']} messages"
        elif msgs:
            convs = pages.get("conversations", [])
            what += f"; they hold {msgs} messages of {len(convs)} conversation{'s' if len(convs) != 1 else ''}"
            what += " (" + ", ".join(_conv(c) for c in convs[:3]) + ("…" if len(convs) > 3 else "") + ")"
        others = [t for t in pages.get("tables", {}) if t != "messages"]
        if others:
            what += f"; tables {', '.join(others[:4])}"
        if pages.get("indexes"):
            what += f"; {len(pages['indexes'])} rebuildable indexes"
        parts.append(what)
    blobs = report.get("blobs") or []
    if blobs:
        msgs = sum(b.get("messages") or 0 for b in blobs)
        first = ", ".join(b["blob"].rsplit("/", 1)[-1][:12] for b in blobs[:4])
        parts.append(f"{len(blobs)} media blob{'s fail' if len(blobs) != 1 else ' fails'} authentication ({first}"
                     f"{', ...' if len(blobs) > 4 else ''}), used by {msgs} message{'s' if msgs != 1 else ''}")
    return "The vault is damaged, so it was not backed up: " + "; ".join(parts) + "."


def _conv(c: dict[str, Any]) -> str:
    return f"“{c['title']}”" if c.get("title") else f"conversation {c['id']}"


# --- what previous runs established --------------------------------------------------------------
def clean_since(cache_path: Path | None, snapshot_id: str) -> int | None:
    """When (ctime ns of its start marker) the run that made `snapshot_id` started, from the local
    cache it left: blobs unchanged since then were checked by it. None when the cache does not
    describe that snapshot (every blob is read again). Kept beside vault.db, not in it, so a
    database put back from a copy does not lose it."""
    if cache_path is None:
        return None
    try:
        c = json.loads(cache_path.read_bytes())
    except (OSError, ValueError):
        return None
    since = c.get("since") if isinstance(c, dict) and c.get("snapshot") == snapshot_id else None
    return since if isinstance(since, int) and since > 0 else None


def last_damage(conn: Any, dest_id: int) -> dict[str, Any] | None:
    """The damage named by the newest backup run of a destination (None if it found none)."""
    row = conn.execute("SELECT detail FROM backup_runs WHERE destination_id = ? AND kind = 'backup' "
                       "ORDER BY id DESC LIMIT 1", (dest_id,)).fetchone()
    return json.loads(row[0] or "{}").get("damage") if row else None


def known_damaged_snapshots(conn: Any, dest_id: int) -> set[str]:
    """Snapshots a restore test failed on, or that the newest verify found damaged or unreadable."""
    out = {r[0] for r in conn.execute(
        "SELECT snapshot_id FROM backup_runs WHERE destination_id = ? AND error_code = 'restore_test_failed' "
        "AND snapshot_id IS NOT NULL", (dest_id,))}
    row = conn.execute(
        "SELECT status, detail FROM backup_runs WHERE destination_id = ? AND kind = 'verify' "
        "AND status IN ('success', 'failure') ORDER BY id DESC LIMIT 1", (dest_id,)).fetchone()
    if row is not None and row["status"] == "failure":
        try:
            d = json.loads(row["detail"] or "{}")
        except ValueError:
            d = {}
        for o in d.get("damaged", []):
            out.update(o.get("snapshots", []))
        out.update(s.get("snapshot") for s in d.get("bad_snapshots", []) if s.get("snapshot"))
    return out


def mark_start(cache_path: Path) -> int:
    """Touch `<cache>.started` beside the run's cache and return its ctime (ns): the vault's own file
    system's clock and granularity, so "changed since" holds on network shares with a skewed clock.
    0 (every blob re-checked next time) if it cannot be written."""
    mark = cache_path.with_suffix(".started")
    try:
        mark.parent.mkdir(exist_ok=True, mode=0o700)
        fd = os.open(mark, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        try:
            os.write(fd, str(time.time()).encode())
            return os.fstat(fd).st_ctime_ns
        finally:
            os.close(fd)
    except OSError:
        return 0
