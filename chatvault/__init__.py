"""ChatVault: an encrypted, searchable archive of chat histories."""

__version__ = "0.1.0"
