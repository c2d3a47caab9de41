"""imessage-exporter's text output."""

from chatvault.importers.imessage_txt.importer import ImessageTxtImporter

__all__ = ["ImessageTxtImporter"]
