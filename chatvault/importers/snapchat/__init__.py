"""Snapchat "My Data" chat history."""

from chatvault.importers.snapchat.importer import SnapchatImporter

__all__ = ["SnapchatImporter"]
