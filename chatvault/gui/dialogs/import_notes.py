"""What a format needs the user to know before importing it, shown under the source in the import
dialog (`formatNote`) when that format is the one detected or chosen. A format without a secret can
still need a step outside ChatVault: iMessage's folder is guarded by macOS."""

from __future__ import annotations

from PySide6.QtCore import QCoreApplication


def _t(text: str) -> str:
    return QCoreApplication.translate("ImportNotes", text)


def format_note(name: str) -> str:
    """The note for format `name`, or "" when it needs none."""
    notes = {
        "imessage": _t(
            "Messages keeps its history in the Messages folder of your Mac user (~/Library/Messages: chat.db "
            "and the Attachments folder). macOS protects that folder: to copy it, quit Messages, give Finder "
            "or Terminal Full Disk Access (System Settings → Privacy and Security → Full Disk Access), then copy "
            "the whole Messages folder to a USB drive or any folder. ChatVault imports that copy on any "
            "computer; chat.db alone imports too, but its pictures and files are then listed as missing."),
    }
    return notes.get(name, "")
