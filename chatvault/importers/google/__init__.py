"""Google Takeout: Hangouts (Hangouts.json) and Google Chat (Groups/*/messages.json)."""

from chatvault.importers.google.importer import GoogleImporter

__all__ = ["GoogleImporter"]
