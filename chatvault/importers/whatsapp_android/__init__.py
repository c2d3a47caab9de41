"""WhatsApp for Android: msgstore.db, its crypt14/crypt15 backups, wa.db and the Media tree."""

from chatvault.importers.whatsapp_android.importer import WhatsAppAndroidImporter

__all__ = ["WhatsAppAndroidImporter"]
