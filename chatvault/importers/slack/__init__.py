"""Slack workspace exports (zip or unpacked folder)."""

from chatvault.importers.slack.importer import SlackImporter

__all__ = ["SlackImporter"]
