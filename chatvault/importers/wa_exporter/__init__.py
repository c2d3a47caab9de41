"""WhatsApp-Chat-Exporter's JSON output."""

from chatvault.importers.wa_exporter.importer import WaExporterImporter

__all__ = ["WaExporterImporter"]
