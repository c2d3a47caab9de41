"""The vault folder: header, keys, create/open/lock/passwd/recover."""

from chatvault.vault.vault import Vault, create_vault, open_vault

__all__ = ["Vault", "create_vault", "open_vault"]
