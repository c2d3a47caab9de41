"""WhatsApp for iPhone: ChatStorage.sqlite (from a backup, or a copied app-group folder)."""

from chatvault.importers.whatsapp_ios.importer import WhatsAppIOSImporter

__all__ = ["WhatsAppIOSImporter"]
