"""X (Twitter) archive direct messages."""

from chatvault.importers.twitter.importer import TwitterImporter

__all__ = ["TwitterImporter"]
