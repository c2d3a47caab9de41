"""Telegram Desktop's HTML export (when JSON was not chosen)."""

from chatvault.importers.telegram_html.importer import TelegramHtmlImporter

__all__ = ["TelegramHtmlImporter"]
