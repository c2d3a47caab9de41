"""The "iPhone backup" importer: WhatsApp and Messages (iMessage/SMS) from one Finder/iTunes backup.

One read yields two sources: WhatsApp (`ChatStorage.sqlite` in WhatsApp's app-group domain, and
WhatsApp Business's when present) and Messages (`sms.db` in HomeDomain, attachments in MediaDomain),
each a complete snapshot of what the phone held, so a later backup adds only what is new and marks
what vanished as missing at the source. Encrypted backups need the backup password
(`backup_password`); the decrypted databases live in a private work folder wiped at the end.
"""

from __future__ import annotations

import plistlib
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import BinaryIO

from chatvault.errors import InputError
from chatvault.importers.base import Detection, Importer, ImportField, ImportOptions
from chatvault.importers.iosbackup import messages as sms
from chatvault.importers.iosbackup.backup import FIELD, Backup, backups_in, find_root, read_plist
from chatvault.importers.iosbackup.workdir import WorkDir
from chatvault.importers.whatsapp_ios.chatstorage import ChatStorage
from chatvault.jobs.context import JobContext
from chatvault.model import Record

WHATSAPP_DOMAINS = ("AppDomainGroup-group.net.whatsapp.WhatsApp.shared",
                    "AppDomainGroup-group.net.whatsapp.WhatsAppSMB.shared")
PREFS = "Library/Preferences/{group}.plist"


def _whatsapp_media(backup: Backup, domain: str) -> Callable[[str], tuple[Callable[[], BinaryIO] | None, str]]:
    """ZMEDIALOCALPATH → the backup file: paths are relative to the app group's `Message/` folder."""
    def resolve(local: str) -> tuple[Callable[[], BinaryIO] | None, str]:
        rel = local.lstrip("/")
        marker = rel.find("Message/")
        candidates = [rel[marker:]] if marker >= 0 else [f"Message/{rel}", rel]
        for cand in candidates:
            entry = backup.lookup(domain, cand)
            if entry is not None:
                return backup.opener(entry, cand), f"{domain}/{cand}"
        return None, f"{domain}/{candidates[0]}"
    return resolve


def _owner_jid(backup: Backup, domain: str) -> str:
    """The phone's own WhatsApp JID from the app group's preferences, when the backup has them."""
    group = domain.removeprefix("AppDomainGroup-")
    entry = backup.lookup(domain, PREFS.format(group=group))
    opener = backup.opener(entry, "WhatsApp preferences") if entry else None
    if opener is None or (entry and (entry.size or 0) > 4 << 20):
        return ""
    try:
        with opener() as fh:
            prefs = plistlib.loads(fh.read(4 << 20))
    except (InputError, OSError, plistlib.InvalidFileException, ValueError, TypeError):
        return ""
    for key in ("OwnJabberID", "LastOwnJabberID"):
        v = prefs.get(key) if isinstance(prefs, dict) else None
        if isinstance(v, str) and "@" in v:
            return v
    return ""


class IPhoneBackupImporter(Importer):
    name = "iphone-backup"
    title = "iPhone backup (Finder/iTunes): WhatsApp and Messages"
    description = ("The folder a Finder (macOS) or iTunes (Windows) backup of an iPhone made, encrypted or not: "
                   "WhatsApp chats with their media and Messages (iMessage/SMS) with attachments.")
    patterns = ("Manifest.db", "Manifest.plist", "Info.plist")
    parser_version = 1
    fields = (ImportField(
        FIELD, "Backup password",
        "The password chosen when \"Encrypt local backup\" was turned on for this iPhone in Finder (macOS) or "
        "iTunes (Windows); not the phone's passcode. Leave it empty for a backup that is not encrypted.",
        secret=True, optional=True),)

    def detect(self, path: Path) -> Detection:
        root = find_root(path)
        if root is None:
            found = backups_in(path)
            if found:
                return Detection(0.9, f"a MobileSync Backup folder with {len(found)} iPhone backup(s)", "folder")
            return Detection(0.0, "no Manifest.plist with Manifest.db")
        if not (root / "Manifest.db").is_file():
            return Detection(0.9, "an iPhone backup of iOS 9 or older (Manifest.mbdb)", "mbdb")
        try:
            with open(root / "Manifest.plist", "rb") as fh:
                encrypted = bool(plistlib.loads(fh.read(1 << 20)).get("IsEncrypted"))
        except (OSError, plistlib.InvalidFileException, ValueError, TypeError, AttributeError):
            return Detection(0.6, "an iPhone backup folder whose Manifest.plist cannot be read", "damaged")
        return Detection(0.97, "an iPhone backup folder (Manifest.db, Manifest.plist)",
                         "encrypted" if encrypted else "plain")

    def _root(self, path: Path) -> Path | None:
        """The backup to read: `path` itself, or the only backup inside a MobileSync `Backup` folder."""
        root = find_root(path)
        if root is not None:
            return root
        found = backups_in(path)
        if len(found) > 1:
            names = "; ".join(f"{p.name} ({_label(p)})" for p in found[:8])
            raise InputError(f"This folder holds {len(found)} iPhone backups: {names}.", location=str(path),
                             hint="Choose the folder of the backup to import (one device; the newest is listed "
                                  "first).")
        return found[0] if found else None

    def total_bytes(self, path: Path) -> int | None:
        try:
            root = self._root(path)
        except InputError:
            return None
        try:
            return (root / "Manifest.db").stat().st_size if root else None
        except OSError:
            return None

    def read(self, path: Path, options: ImportOptions, ctx: JobContext) -> Iterator[Record]:
        root = self._root(path)
        if root is None:
            raise InputError("This is not an iPhone backup folder (no Manifest.plist and Manifest.db).",
                             location=str(path),
                             hint="Choose the backup's own folder, named by the device id, inside MobileSync/Backup.")
        total = self.total_bytes(path) or 1
        password = options.options.get(FIELD)
        with WorkDir() as work:
            ctx.status("Opening the iPhone backup")
            backup = Backup(root, password, work, progress=ctx.status)
            found = 0
            parts = [d for d in WHATSAPP_DOMAINS if backup.lookup(d, "ChatStorage.sqlite")]
            has_sms = sms.present(backup)
            share = max(len(parts) + int(has_sms), 1)
            for i, domain in enumerate(parts):
                conn = backup.database(domain, "ChatStorage.sqlite", "WhatsApp's ChatStorage.sqlite", "ZWAMESSAGE")
                if conn is None:
                    continue
                found += 1
                ctx.status("Reading ChatStorage.sqlite")
                store = ChatStorage(conn, root / "ChatStorage.sqlite", _whatsapp_media(backup, domain),
                                    account=str(options.options.get("account", "")),
                                    owner=_owner_jid(backup, domain), device=backup.device_name())
                yield from store.records(ctx, _progress(ctx, total, i, share))
            if has_sms:
                found += 1
                ctx.status("Reading sms.db")
                yield from sms.records(backup, ctx)
            if not found:
                raise InputError(
                    f"The iPhone backup {root.name} ({backup.device_name()}) holds neither WhatsApp's nor Messages' "
                    "database.", location=str(root),
                    hint="WhatsApp must be installed on the iPhone when the backup is made; make the backup again.")


def _label(root: Path) -> str:
    """"Lin's iPhone, 2024-06-01" from a backup's Info.plist (the folder name alone when unreadable)."""
    try:
        info = read_plist(root / "Info.plist")
    except InputError:
        return root.name
    name = info.get("Device Name") or info.get("Display Name") or "iPhone"
    when = info.get("Last Backup Date")
    return f"{name}, {when:%Y-%m-%d}" if hasattr(when, "strftime") else str(name)


def _progress(ctx: JobContext, total: int, part: int, parts: int) -> Callable[[int, int], None]:
    def report(done: int, count: int) -> None:
        frac = (part + done / max(count, 1)) / parts
        ctx.set_position(bytes_=int(total * min(frac, 1.0)))
    return report
