"""Messages (iMessage/SMS) from an iPhone backup: `sms.db` fed to the shared chat.db/sms.db reader.

`sms.db` lives in HomeDomain at `Library/SMS/sms.db`; the attachments it names as
`~/Library/SMS/Attachments/ab/11/<guid>/IMG_0001.HEIC` (or `/var/mobile/Library/SMS/...`) are
stored in MediaDomain under `Library/SMS/Attachments/...`. `resolver` maps one to the other and
hands out a (decrypting, when the backup is encrypted) opener for the backup's file.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path
from typing import BinaryIO

from chatvault.importers.iosbackup.backup import Backup
from chatvault.jobs.context import JobContext
from chatvault.model import Record

DOMAIN = "HomeDomain"
DB = "Library/SMS/sms.db"
MEDIA_DOMAINS = ("MediaDomain", "HomeDomain")
_PREFIXES = ("~/", "/var/mobile/", "/private/var/mobile/")


def backup_path(filename: str) -> str | None:
    """`~/Library/SMS/Attachments/...` → `Library/SMS/Attachments/...` (None for other places)."""
    name = filename.strip()
    for p in _PREFIXES:
        if name.startswith(p):
            name = name[len(p):]
            break
    name = name.lstrip("/")
    return name if name.startswith("Library/") and ".." not in name.split("/") else None


def resolver(backup: Backup) -> Callable[[str], tuple[Callable[[], BinaryIO] | None, str]]:
    def resolve(filename: str) -> tuple[Callable[[], BinaryIO] | None, str]:
        rel = backup_path(filename)
        if rel is None:
            return None, filename
        for domain in MEDIA_DOMAINS:
            entry = backup.lookup(domain, rel)
            if entry is not None:
                return backup.opener(entry, Path(rel).name), f"{domain}/{rel}"
        return None, f"{MEDIA_DOMAINS[0]}/{rel}"
    return resolve


def records(backup: Backup, ctx: JobContext, progress: Callable[[int, int], None]) -> Iterator[Record]:
    from chatvault.importers.imessage import reader

    conn = backup.database(DOMAIN, DB, "Messages' sms.db", "message")
    if conn is None:
        return
    yield from reader.read_connection(conn, backup.root / "sms.db", resolver(backup), ctx,
                                      account=backup.device_id(), device=backup.device_name(), progress=progress)
