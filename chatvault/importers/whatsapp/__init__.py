"""WhatsApp chat exports (.txt, .zip with media, or the unpacked folder)."""

from chatvault.importers.whatsapp.importer import WhatsAppImporter

__all__ = ["WhatsAppImporter"]
