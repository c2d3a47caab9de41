"""Telegram Desktop JSON exports (one chat or the whole account)."""

from chatvault.importers.telegram.importer import TelegramImporter

__all__ = ["TelegramImporter"]
