"""Discord channels exported with DiscordChatExporter (JSON)."""

from chatvault.importers.discord.importer import DiscordImporter

__all__ = ["DiscordImporter"]
