"""Files an export names only by their web address (Slack's files, Discord attachments kept as CDN
links, Google Photos in Hangouts, X's DM media): listed, and downloaded into the vault only when the
user asks, through the same fetcher as articles (its consent, pace, timeout, User-Agent, no cookies).

Such attachments are stored `missing` with `extra.remote = true` and their URL as `expected_path`.
A download goes to a private temporary file, is stored encrypted like any attachment (the missing
row is filled: `media.attach.attach_file`), and the temporary file is removed. Nothing is fetched
in the background, and a file that cannot be fetched stays listed as remote with the reason.
"""

from __future__ import annotations

import json
import os
import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from chatvault.articles.net import Fetcher, FetchError
from chatvault.errors import Cancelled
from chatvault.jobs.context import JobContext
from chatvault.media.attach import attach_file

MAX_FILE = 100 << 20          # bytes of one downloaded file


@dataclass
class RemoteFile:
    attachment_id: int
    url: str
    name: str | None
    conversation: str | None
    message_ts: int

    def to_json(self) -> dict[str, Any]:
        return {"attachment_id": self.attachment_id, "url": self.url, "name": self.name,
                "conversation": self.conversation, "time_ms": self.message_ts}


def remote_files(conn: Any, conversation_id: int | None = None, limit: int = 100_000) -> list[RemoteFile]:
    """Attachments kept only as a web address, newest first."""
    sql = ("SELECT a.id, a.expected_path, a.original_name, c.title, m.ts, a.extra FROM attachments a "
           "JOIN messages m ON m.id = a.message_id JOIN conversations c ON c.id = m.conversation_id "
           "WHERE a.status != 'stored' AND (a.expected_path LIKE 'http://%' OR a.expected_path LIKE 'https://%')")
    params: list[Any] = []
    if conversation_id is not None:
        sql += " AND m.conversation_id = ?"
        params.append(conversation_id)
    sql += " ORDER BY m.ts DESC LIMIT ?"
    params.append(int(limit))
    out = []
    for aid, url, name, title, ts, extra in conn.execute(sql, params):
        try:
            remote = bool(json.loads(extra or "{}").get("remote"))
        except ValueError:
            remote = False
        if remote:
            out.append(RemoteFile(int(aid), url, name, title, int(ts)))
    return out


@dataclass
class FetchReport:
    fetched: int = 0
    failed: list[dict[str, Any]] = field(default_factory=list)
    bytes: int = 0

    def to_json(self) -> dict[str, Any]:
        return {"fetched": self.fetched, "failed": self.failed, "bytes": self.bytes}


def statement(hosts: list[str], interval: float) -> str:
    shown = ", ".join(hosts[:8]) + (f" and {len(hosts) - 8} more" if len(hosts) > 8 else "")
    return (f"ChatVault will download the files these exports name only by their web address, once each, from "
            f"{shown}; at most one request every {interval:g} s per host, {MAX_FILE >> 20} MiB per file, with a "
            "User-Agent naming ChatVault and no cookies. The files are stored encrypted in the vault.")


def hosts_of(files: list[RemoteFile]) -> list[str]:
    return sorted({(urlsplit(f.url).hostname or "").lower() for f in files} - {""})


def fetch(vault: Any, fetcher: Fetcher, files: list[RemoteFile], ctx: JobContext) -> FetchReport:
    """Download each file and fill its attachment; a failure is reported and the rest go on."""
    report = FetchReport()
    ctx.set_total(items=len(files))
    private = Path(tempfile.mkdtemp(prefix="chatvault-remote-", dir=os.environ.get("CHATVAULT_TMPDIR")))
    try:
        for f in files:
            ctx.check()
            allowed = {(urlsplit(f.url).hostname or "").lower()}
            try:
                resp = fetcher.get(f.url, max_bytes=MAX_FILE, allow=lambda u, a=allowed: _same_site(u, a),
                                   cancelled=lambda: ctx.cancelled)
                if resp.status != 200:
                    raise FetchError(f"the server answered {resp.status} {resp.reason}", resp.status)
                tmp = private / f"{f.attachment_id}-{Path(f.name or 'file').name}"
                fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
                with os.fdopen(fd, "wb") as fh:
                    fh.write(resp.body)
                try:
                    if attach_file(vault, f.attachment_id, tmp):
                        report.fetched += 1
                        report.bytes += len(resp.body)
                finally:
                    tmp.unlink(missing_ok=True)
            except Cancelled:
                raise
            except FetchError as exc:
                report.failed.append({"attachment_id": f.attachment_id, "url": f.url, "problem": str(exc)})
            ctx.advance(items=1)
    finally:
        for p in private.glob("*"):
            p.unlink(missing_ok=True)
        private.rmdir()
    return report


def _same_site(url: str, allowed: set[str]) -> bool:
    """A redirect may go to the same host or a host of the same site (files.slack.com → files-edge.slack.com)."""
    host = (urlsplit(url).hostname or "").lower()
    if host in allowed:
        return True
    site = {".".join(h.split(".")[-2:]) for h in allowed}
    return ".".join(host.split(".")[-2:]) in site
