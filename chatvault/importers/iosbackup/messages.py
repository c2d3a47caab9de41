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

from chatvault.errors import InputError
from chatvault.importers.imessage.reader import read_database
from chatvault.importers.iosbackup.backup import Backup
from chatvault.jobs.context import JobContext
from chatvault.model import Record

DOMAIN = "HomeDomain"
DB = "Library/SMS/sms.db"
MEDIA_DOMAINS = ("MediaDomain", "HomeDomain")
SMS_FOLDER = "Library/SMS/"
_PREFIXES = ("~/", "/var/mobile/", "/private/var/mobile/")


def backup_path(filename: str) -> str | None:
    """`~/Library/SMS/Attachments/...` → `Library/SMS/Attachments/...` (None for anything outside Library/SMS)."""
    name = filename.strip()
    for p in _PREFIXES:
        if name.startswith(p):
            name = name[len(p):]
            break
    name = name.lstrip("/")
    return name if name.startswith(SMS_FOLDER) and ".." not in name.split("/") else None


def resolver(backup: Backup) -> Callable[[str], Callable[[], BinaryIO] | None]:
    """`attachment.filename` → an opener of the backup's file (decrypting as it reads), or None."""
    def resolve(filename: str) -> Callable[[], BinaryIO] | None:
        rel = backup_path(filename)
        if rel is None:
            return None
        for domain in MEDIA_DOMAINS:
            entry = backup.lookup(domain, rel, under=SMS_FOLDER)
            if entry is not None:
                return backup.opener(entry, Path(rel).name)
        return None
    return resolve


def present(backup: Backup) -> bool:
    return backup.lookup(DOMAIN, DB, SMS_FOLDER) is not None


def records(backup: Backup, ctx: JobContext) -> Iterator[Record]:
    """The Messages source of the backup (nothing when the backup has no sms.db)."""
    got = backup.extract_db(DOMAIN, DB, "Messages' sms.db", SMS_FOLDER)
    if got is None:
        return
    try:
        yield from read_database(got[0], resolver(backup), ctx, source_label="sms.db (iPhone backup)")
    except InputError as exc:
        exc.location = f"{backup.root} ({DOMAIN}/{DB})"    # not the private copy, which is wiped
        raise
