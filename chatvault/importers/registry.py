"""The formats this build knows: an explicit list, one line per importer (Picard's formats registry).

`detect(path)` asks every importer how sure it is and returns the candidates best first;
`UnknownFormat` says what was tried and why each said no; a damaged zip that nothing recognises is
an `InputError` naming the damage (member, byte) instead, since "not an export" would mislead.
"""

from __future__ import annotations

from pathlib import Path

from chatvault.errors import InputError, UnknownFormat
from chatvault.importers.base import Detection, Importer, ImportField
from chatvault.importers.discord import DiscordImporter
from chatvault.importers.filetree import zip_damage
from chatvault.importers.google import GoogleImporter
from chatvault.importers.imessage.importer import IMessageImporter
from chatvault.importers.imessage_txt import ImessageTxtImporter
from chatvault.importers.line import LineImporter
from chatvault.importers.meta import MetaImporter
from chatvault.importers.qq import QQImporter
from chatvault.importers.signal_backup import SignalBackupImporter
from chatvault.importers.signal_desktop import SignalDesktopImporter
from chatvault.importers.slack import SlackImporter
from chatvault.importers.snapchat import SnapchatImporter
from chatvault.importers.telegram import TelegramImporter
from chatvault.importers.telegram_html import TelegramHtmlImporter
from chatvault.importers.twitter import TwitterImporter
from chatvault.importers.wa_exporter import WaExporterImporter
from chatvault.importers.wechat import WeChatAndroidImporter, WeChatPCImporter, Weixin4Importer
from chatvault.importers.whatsapp import WhatsAppImporter

IMPORTERS: list[type[Importer]] = [
    WhatsAppImporter,
    TelegramImporter,
    WeChatPCImporter,
    Weixin4Importer,
    WeChatAndroidImporter,
    SignalDesktopImporter,
    SignalBackupImporter,
    MetaImporter,
    LineImporter,
    DiscordImporter,
    GoogleImporter,
    SlackImporter,
    SnapchatImporter,
    TwitterImporter,
    QQImporter,
    TelegramHtmlImporter,
    WaExporterImporter,
    ImessageTxtImporter,
    IMessageImporter,
]

__all__ = ["IMPORTERS", "UnknownFormat", "all_importers", "declared_fields", "detect", "get", "names"]


def names() -> list[str]:
    return [cls.name for cls in IMPORTERS]


def declared_fields() -> dict[str, tuple[ImportField, list[str]]]:
    """Every field a format declares (`Importer.fields`), by name, with the formats that read it.
    Two formats may share a field (one backup password); they must then declare it alike."""
    out: dict[str, tuple[ImportField, list[str]]] = {}
    for cls in IMPORTERS:
        for f in cls.fields:
            if f.name in out:
                out[f.name][1].append(cls.name)
            else:
                out[f.name] = (f, [cls.name])
    return out


def all_importers() -> list[Importer]:
    return [cls() for cls in IMPORTERS]


def get(name: str) -> Importer:
    """The importer called `name` (case-insensitive); `UnknownFormat` lists the known names."""
    wanted = name.strip().lower()
    for cls in IMPORTERS:
        if cls.name == wanted:
            return cls()
    raise UnknownFormat(f"There is no import format called {name!r}.",
                        hint=f"Known formats: {', '.join(names())} (see `chatvault formats`).", field="format")


def detect(path: Path) -> list[tuple[Importer, Detection]]:
    """Importers that recognise `path`, most confident first. Raises `UnknownFormat` if none does."""
    path = Path(path)
    if not path.exists():
        raise InputError(f"{path} does not exist.", hint="Check the path of the export.")
    found: list[tuple[Importer, Detection]] = []
    tried: list[str] = []
    for importer in all_importers():
        try:
            d = importer.detect(path)
        except Exception as exc:  # noqa: BLE001 - detect must never raise; a bug there is reported, not fatal
            d = Detection(0.0, f"detection failed: {type(exc).__name__}: {exc}")
        if d.confidence > 0:
            found.append((importer, d))
        tried.append(f"{importer.name} ({d.reason or 'not recognised'})")
    if not found:
        damage = zip_damage(path)
        if damage:
            raise InputError(f"{path.name} is a damaged zip file, so ChatVault cannot tell which export it is: "
                             f"{damage}.",
                             hint="Download or copy the file again (or export it again from the messenger). To "
                                  "import what is readable now, name the format with --format.",
                             location=str(path), field="format")
        what = "an empty file" if path.is_file() and path.stat().st_size == 0 else path.name
        raise UnknownFormat(
            f"{what} is not an export ChatVault recognises. Tried: {'; '.join(tried)}.",
            hint="Choose the file or folder the messenger exported, or name the format with --format "
                 "(`chatvault formats` lists them).",
            location=str(path),
            field="format",
        )
    found.sort(key=lambda x: -x[1].confidence)
    return found
