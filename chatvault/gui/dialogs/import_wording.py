"""The import dialog's own words: format names, what each field means and where its value is found,
inline checks of typed values, and errors told in app terms.

The core's error hints name command-line flags (`--key`, `--imei`…) for the CLI. An error that
carries a `field` (the import option the user must give or fix) is told here in the app's words,
next to that field; any other text the import path shows goes through `apptext.app_text`, which
drops the advice naming a flag or a command, so the app never tells a person to type one.
"""

from __future__ import annotations

import re
from functools import cache

from PySide6.QtCore import QCoreApplication

from chatvault.gui.apptext import app_text, error_text
from chatvault.gui.dialogs import import_field_texts as FT
from chatvault.importers import registry
from chatvault.importers.registry import declared_fields

# The options each format reads, in the order its fields are shown ("me" is shown for every format).
FORMAT_FIELDS: dict[str, tuple[str, ...]] = {
    "wechat-pc": ("key",),
    "weixin4": ("key", "image_key"),
    "wechat-android": ("imei", "uin", "android_key"),
    "whatsapp": ("date_order", "tz"),
    "telegram": (),
    "line": ("tz",),
    "qq": ("tz",),
    "telegram-html": ("tz",),
    "imessage-txt": ("tz",),
}


def format_fields(name: str) -> tuple[str, ...]:
    """The fields format `name` shows: the WeChat/WhatsApp ones above, else the ones it declares."""
    if name in FORMAT_FIELDS:
        return FORMAT_FIELDS[name]
    for cls in registry.IMPORTERS:
        if cls.name == name:
            return tuple(f.name for f in cls.fields)
    return ()


def format_names() -> list[str]:
    """Every format the format list offers, in the registry's order."""
    return [cls.name for cls in registry.IMPORTERS]


HEX = re.compile(r"[0-9a-fA-F]+")


def format_title(name: str) -> str:
    """A format's name as the app shows it (the importers' titles are English)."""
    titles = {
        "whatsapp": QCoreApplication.translate("ImportWording", "WhatsApp chat export"),
        "telegram": QCoreApplication.translate("ImportWording", "Telegram Desktop export"),
        "wechat-pc": QCoreApplication.translate("ImportWording", "WeChat for Windows 3.x"),
        "weixin4": QCoreApplication.translate("ImportWording", "Weixin 4 (Windows/macOS)"),
        "wechat-android": QCoreApplication.translate("ImportWording", "WeChat for Android"),
        "imessage": QCoreApplication.translate("ImportWording", "iMessage / SMS (Mac Messages folder)"),
        "meta": QCoreApplication.translate("ImportWording", "Facebook Messenger / Instagram download"),
        "line": QCoreApplication.translate("ImportWording", "LINE chat history (text)"),
        "discord": QCoreApplication.translate("ImportWording", "Discord (DiscordChatExporter JSON)"),
        "slack": QCoreApplication.translate("ImportWording", "Slack workspace export"),
        "twitter": QCoreApplication.translate("ImportWording", "X (Twitter) archive: direct messages"),
        "snapchat": QCoreApplication.translate("ImportWording", "Snapchat My Data: chat history"),
        "qq": QCoreApplication.translate("ImportWording", "QQ message manager export"),
        "telegram-html": QCoreApplication.translate("ImportWording", "Telegram Desktop export (HTML)"),
        "wa-exporter": QCoreApplication.translate("ImportWording", "WhatsApp-Chat-Exporter JSON"),
        "imessage-txt": QCoreApplication.translate("ImportWording", "imessage-exporter text files"),
        "google": QCoreApplication.translate("ImportWording", "Google Chat / Hangouts (Google Takeout)"),
        "signal-desktop": QCoreApplication.translate("ImportWording", "Signal Desktop (profile folder)"),
        "signal-android": QCoreApplication.translate("ImportWording", "Signal for Android (.backup)"),
    }
    if name in titles:
        return titles[name]
    return next((cls.title for cls in registry.IMPORTERS if cls.name == name), name)


def choice_label(field: str, value: str) -> str:
    """A declared field's fixed value as the app shows it (app names are not translated)."""
    names = {"messenger": "Facebook Messenger", "instagram": "Instagram"}
    return names.get(value, value)


def field_label(field: str) -> str:
    declared = declared_fields().get(field)
    if declared is not None:
        return FT.label(declared[0])
    labels = {
        "key": QCoreApplication.translate("ImportWording", "WeChat key"),
        "image_key": QCoreApplication.translate("ImportWording", "Image key"),
        "imei": QCoreApplication.translate("ImportWording", "Phone IMEI"),
        "uin": QCoreApplication.translate("ImportWording", "Account uin"),
        "android_key": QCoreApplication.translate("ImportWording", "Or the database key"),
        "date_order": QCoreApplication.translate("ImportWording", "Date order"),
        "tz": QCoreApplication.translate("ImportWording", "Time zone"),
    }
    return labels[field]


def field_help(field: str, fmt: str) -> str:
    """Where the user finds the value (shown under the field)."""
    declared = declared_fields().get(field)
    if declared is not None:
        return FT.help_text(declared[0])
    if field == "key" and fmt == "weixin4":
        return QCoreApplication.translate(
            "ImportWording",
            "Weixin 4 keeps this key only in its memory while it runs. Log in to this account in Weixin on "
            "the computer the folder comes from, then run a key tool made for Weixin 4 (for example chatlog "
            "or wx_key): it shows the database key as 64 hexadecimal digits (0-9, a-f). Copy it here. The key "
            "stays the same until the account logs in again on that computer.")
    if field == "tz" and fmt == "qq":
        return QCoreApplication.translate(
            "ImportWording",
            "QQ writes times without a time zone. Choose the zone the computer was set to when it exported, if "
            "it is not this computer's.")
    if field == "tz" and fmt == "line":
        return QCoreApplication.translate(
            "ImportWording",
            "LINE writes times without a time zone. Choose the zone the phone or computer was set to when the "
            "chat was saved, if it is not this computer's.")
    if field == "key":
        return QCoreApplication.translate(
            "ImportWording",
            "WeChat keeps this key only in its memory while it runs. Log in to this account in WeChat for "
            "Windows on the computer the folder comes from, then run a key tool such as PyWxDump or "
            "SharpWxDump: it shows the key as 64 hexadecimal digits (0-9, a-f). Copy it here. The key stays "
            "the same until the account logs in again on that computer.")
    texts = {
        "image_key": QCoreApplication.translate(
            "ImportWording",
            "Weixin 4 encrypts newer pictures (.dat files) with a second key. The key tools that show the "
            "database key also show this image key: 16 letters and digits, or 32 hexadecimal digits. Without "
            "it those pictures are kept as Weixin stored them, and everything else is imported."),
        "imei": QCoreApplication.translate(
            "ImportWording",
            "The phone's IMEI: dial *#06#, or look in Settings → About phone → Status (with two SIM slots, "
            "try the first IMEI). Leave it empty to let ChatVault try the values WeChat uses when the phone "
            "hides its IMEI."),
        "uin": QCoreApplication.translate(
            "ImportWording",
            "The account's number (it may be negative). It is in the WeChat app folder, in "
            "shared_prefs/auth_info_key_prefs.xml (_auth_uin) or shared_prefs/system_config_prefs.xml "
            "(default_uin). Leave it empty when you import the whole app folder: ChatVault reads it there."),
        "android_key": QCoreApplication.translate(
            "ImportWording",
            "If a tool already gave you the 7-character database key (made from the IMEI and the uin), "
            "enter it here instead."),
        "date_order": QCoreApplication.translate(
            "ImportWording",
            "Automatic works the order out from the dates themselves and asks when it cannot. Choose one to "
            "read every date that way."),
        "tz": QCoreApplication.translate(
            "ImportWording",
            "WhatsApp writes times without a time zone. Choose the zone the phone was set to when it "
            "exported, if it is not this computer's."),
    }
    return texts[field]


def check(field: str, text: str) -> str | None:
    """What is wrong with a typed value, or None (empty is checked by `needed`, not here)."""
    s = text.strip()
    if not s:
        return None
    declared = declared_fields().get(field)
    if declared is not None:
        return FT.problem(declared[0], s)
    if field == "key":
        digits = re.sub(r"\s+", "", s)
        digits = digits[2:-1] if digits.lower().startswith("x'") and digits.endswith("'") else digits
        digits = digits[2:] if digits.lower().startswith("0x") else digits
        if not HEX.fullmatch(digits):
            return QCoreApplication.translate("ImportWording", "Only the digits 0-9 and the letters a-f belong in "
                                              "the key.")
        if len(digits) != 64:
            return QCoreApplication.translate("ImportWording", "The key has 64 hexadecimal digits; this has %1."
                                              ).replace("%1", str(len(digits)))
    elif field == "android_key":
        if not HEX.fullmatch(s):
            return QCoreApplication.translate("ImportWording", "Only the digits 0-9 and the letters a-f belong in "
                                              "the key.")
        if len(s) != 7:
            return QCoreApplication.translate("ImportWording", "The database key has 7 characters; this has %1."
                                              ).replace("%1", str(len(s)))
    elif field == "imei":
        if not re.fullmatch(r"[0-9A-Za-z]+", s):
            return QCoreApplication.translate("ImportWording", "An IMEI is made of digits only.")
        if s.isdigit() and not 14 <= len(s) <= 17:
            return QCoreApplication.translate("ImportWording", "An IMEI has 15 digits; this has %1."
                                              ).replace("%1", str(len(s)))
    elif field == "uin":
        if not re.fullmatch(r"-?\d+", s) or not -(2**31) <= int(s) < 2**32:
            return QCoreApplication.translate("ImportWording", "The uin is a whole number such as -123456789.")
    elif field == "image_key":
        plain = s[2:] if s.lower().startswith("0x") else s
        if not ((len(plain) == 32 and HEX.fullmatch(plain)) or (len(plain) == 16 and plain.isascii()
                                                                 and plain.isprintable())):
            return QCoreApplication.translate("ImportWording", "The image key is 16 characters or 32 hexadecimal "
                                              "digits; this has %1.").replace("%1", str(len(plain)))
    elif field == "tz" and s not in zones():
        return QCoreApplication.translate("ImportWording", "Not a time zone this computer knows; choose one from "
                                          "the list.")
    return None


@cache
def zones() -> tuple[str, ...]:
    from zoneinfo import available_timezones

    return tuple(sorted(available_timezones()))


def needed(field: str) -> str:
    """The message under a field the import cannot do without."""
    if field == "key":
        return QCoreApplication.translate("ImportWording", "This WeChat database is encrypted: enter the "
                                          "account's key to import it.")
    return QCoreApplication.translate("ImportWording", "This WeChat database is encrypted: enter the phone's "
                                      "IMEI and the account's uin, or the database key.")


def describe(exc: BaseException, given: dict[str, str]) -> tuple[str | None, str]:
    """(the field to mark, or None; the text to show) for an error the import path raised.

    `given` holds what the user typed, by field: a key error means "missing" when nothing was typed
    and "does not open" otherwise."""
    field = getattr(exc, "field", None)
    detail = app_text(getattr(exc, "message", None) or str(exc))
    where = _where(exc)
    if field == "key":
        if not given.get("key") and not given.get("android_key"):
            return "key", needed("key")
        return "key", QCoreApplication.translate(
            "ImportWording", "This key does not open %1. Check that it is the key of this account: a key "
                             "from another account, or from before the account logged in again, does not "
                             "fit.").replace("%1", where)
    if field == "imei":
        if not any(given.get(f) for f in ("imei", "android_key")):
            return "imei", needed("imei")
        return "imei", QCoreApplication.translate(
            "ImportWording", "The IMEI and uin given do not open %1. Check both (on a phone with two SIM "
                             "slots, try the other IMEI), or enter the database key.").replace("%1", where)
    if field == "uin":
        return "uin", detail + "\n" + QCoreApplication.translate("ImportWording", "Enter the uin of the "
                                                                 "account to import.")
    if field == "image_key":
        return "image_key", check("image_key", given.get("image_key", "")) or detail
    if field == "format":
        return "format", detail + "\n" + QCoreApplication.translate(
            "ImportWording", "Choose the file or folder the messenger exported, or choose its format in the "
                             "list above.")
    if field == "date_order":
        return "date_order", QCoreApplication.translate(
            "ImportWording", "Every date here can be read day first or month first: choose the date order.")
    if field == "tz":
        return "tz", check("tz", given.get("tz", "")) or detail
    declared = declared_fields().get(field or "")
    if declared is not None:
        f = declared[0]
        if not given.get(f.name):
            return f.name, FT.needed(f)
        return f.name, FT.problem(f, given[f.name]) or FT.does_not_open(f, where)
    return None, error_text(exc, "\n\n")


def _where(exc: BaseException) -> str:
    loc = getattr(exc, "location", None)
    if loc:
        return loc.replace("\\", "/").rstrip("/").rsplit("/", 1)[-1]
    return QCoreApplication.translate("ImportWording", "this database")
