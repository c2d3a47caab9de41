"""The app's words for the fields formats declare (`Importer.fields`: keys, passwords, key files).

The core declares each field with an English label and help for the command line; the app shows
these translated texts instead. Each format adds its fields to `_texts` (label, where the value is
found), and the fixed sentences its `check` returns to `_CHECKS`, so they are translated too
(`tests/test_import_declared_fields.py` fails for a declared field without its words here).
"""

from __future__ import annotations

from PySide6.QtCore import QCoreApplication

from chatvault.importers.base import ImportField


def _t(text: str) -> str:
    return QCoreApplication.translate("ImportFieldTexts", text)


def _texts() -> dict[str, tuple[str, str]]:
    """Field name → (label, help), translated now (the language may change while the app runs)."""
    return {
        # "wa_key": (_t("WhatsApp key"), _t("Where it is found …")),
        "signal_passphrase": (_t("Signal backup passphrase"), _t(
            "The 30 digits Signal showed when chat backups were turned on (Settings > Chats > Chat backups); "
            "spaces do not matter. Signal cannot show it again: if it is lost, turn backups off and on and make "
            "a new backup.")),
        "signal_key": (_t("Signal database key"), _t(
            "Only needed when config.json is not beside the database: the 64 hexadecimal digits of its "
            "`\"key\"` value.")),
        "signal_safe_storage": (_t("Signal Safe Storage secret"), _t(
            "Needed when Signal's config.json holds `\"encryptedKey\"`: the secret your system keeps for Signal. "
            "Linux: run `secret-tool lookup application Signal` (KDE: `kwallet-query kdewallet -f \"Chromium "
            "Keys\" -r \"Chromium Safe Storage\"`). macOS: run `security find-generic-password -ws \"Signal Safe "
            "Storage\"`. Windows: the key in Signal's `Local State` unprotected with DPAPI, as 64 hexadecimal "
            "digits (the import guide shows the PowerShell lines). ChatVault never reads the keychain itself.")),
        "meta_app": (_t("App"), _t("Messenger or Instagram. ChatVault finds it from the download's folders; "
                                   "choose it when you import one message_1.json taken out of its download.")),
    }


# The sentences declared `check` functions return, translated where the app shows them.
_CHECKS: tuple[str, ...] = (
    "Choose messenger or instagram.",
    "The backup passphrase is 30 digits (Signal shows them as six groups of five).",
    "The Signal database key is 64 hexadecimal digits (the `\"key\"` value in config.json).",
)


def has_text(field: ImportField) -> bool:
    return field.name in _texts()


def label(field: ImportField) -> str:
    return _texts().get(field.name, (field.label, field.help))[0]


def help_text(field: ImportField) -> str:
    return _texts().get(field.name, (field.label, field.help))[1]


def problem(field: ImportField, text: str) -> str | None:
    """What is wrong with a typed value (the field's own check, in the app's language), or None."""
    s = text.strip()
    if not s or field.check is None:
        return None
    found = field.check(s)
    return None if found is None else _t(found)


def needed(field: ImportField) -> str:
    """The line under a field the import cannot do without."""
    return _t("This export is protected: enter the %1 to import it.").replace("%1", label(field).lower())


def does_not_open(field: ImportField, where: str) -> str:
    return _t("This %1 does not open %2. Check that it belongs to this export (a key or password made "
              "for another phone, account or backup does not fit).").replace("%1", label(field).lower()
                                                                              ).replace("%2", where)
