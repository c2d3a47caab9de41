"""iPhone backups made by Finder or iTunes (encrypted or not): WhatsApp and Messages from one folder."""

from chatvault.importers.iosbackup.importer import IPhoneBackupImporter

__all__ = ["IPhoneBackupImporter"]
