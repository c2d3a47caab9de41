"""Facebook Messenger and Instagram messages from Meta's "Download your information" (JSON)."""

from chatvault.importers.meta.importer import MetaImporter

__all__ = ["MetaImporter"]
