from chatvault.importers.signal_backup.importer import SignalBackupImporter

__all__ = ["SignalBackupImporter"]
