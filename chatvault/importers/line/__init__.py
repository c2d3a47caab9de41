"""LINE chat history saved as text."""

from chatvault.importers.line.importer import LineImporter

__all__ = ["LineImporter"]
