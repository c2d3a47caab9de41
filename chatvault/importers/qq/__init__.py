"""QQ message manager exports (.txt and .mht)."""

from chatvault.importers.qq.importer import QQImporter

__all__ = ["QQImporter"]
