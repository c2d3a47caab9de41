from chatvault.importers.signal_desktop.importer import SignalDesktopImporter

__all__ = ["SignalDesktopImporter"]
