"""One error hierarchy for the whole core.

Each error carries a human message (what happened and what to do next), a stable `code`
for `--json` output and scripts, and the process exit code the CLI uses.
"""

from __future__ import annotations

EXIT_OK = 0
EXIT_FAILURE = 1
EXIT_USAGE = 2
EXIT_LOCKED = 3
EXIT_CANCELLED = 130  # 128 + SIGINT, what shells report for a Ctrl-C'd program


class ChatVaultError(Exception):
    code = "error"
    exit_code = EXIT_FAILURE

    def __init__(self, message: str, *, hint: str | None = None, location: str | None = None,
                 field: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.hint = hint            # may name CLI flags: the app shows its own words for `field` instead
        self.location = location
        self.field = field          # the import option the user must give or fix ("key", "imei", "format"…)

    def __str__(self) -> str:
        text = self.message
        if self.location:
            text = f"{self.location}: {text}"
        if self.hint:
            text = f"{text}\n{self.hint}"
        return text

    def to_json(self) -> dict:
        return {"error": self.code, "message": self.message, "hint": self.hint, "location": self.location}


class InternalError(ChatVaultError):
    """A bug: an exception ChatVault has no message for (the CLI wraps it; the traceback is logged)."""

    code = "internal"


class UsageError(ChatVaultError):
    code = "usage"
    exit_code = EXIT_USAGE


class WrongPassphrase(ChatVaultError):
    code = "wrong_passphrase"
    exit_code = EXIT_LOCKED


class WrongRecoveryKey(ChatVaultError):
    code = "wrong_recovery_key"
    exit_code = EXIT_LOCKED


class RecoveryKeyTypo(ChatVaultError):
    """The recovery key's checksum failed: caught before any key derivation runs."""

    code = "recovery_key_typo"
    exit_code = EXIT_LOCKED


class VaultLocked(ChatVaultError):
    code = "locked"
    exit_code = EXIT_LOCKED


class VaultNotFound(ChatVaultError):
    code = "vault_not_found"


class VaultExists(ChatVaultError):
    code = "vault_exists"


class VaultFormatError(ChatVaultError):
    """The header is damaged, from a newer version, or asks for unsafe parameters."""

    code = "vault_format"


class VaultInUse(ChatVaultError):
    code = "vault_in_use"


class StorageError(ChatVaultError):
    """The environment failed us: disk full, read-only, I/O error, damaged database."""

    code = "storage"


class DiskFull(StorageError):
    code = "disk_full"


class IntegrityError(ChatVaultError):
    code = "integrity"


class PermissionDenied(ChatVaultError):
    """A compliance action the role that unlocked the vault may not take (docs/compliance.md)."""

    code = "permission_denied"
    exit_code = EXIT_USAGE


class InputError(ChatVaultError):
    """Input the user gave us (an export, a query, a path) cannot be used as it is."""

    code = "input"


class UnknownFormat(InputError):
    code = "unknown_format"


class WrongSecret(InputError):
    """The key, password or passphrase given for an encrypted export does not open it (or is missing).
    Exit 3 like a wrong vault passphrase; `location` names the file, `field` the import option."""

    code = "wrong_secret"
    exit_code = EXIT_LOCKED


class QueryError(InputError):
    code = "query"


class Cancelled(Exception):
    """Raised by `JobContext.check()` when the user cancelled; a normal outcome, not a failure."""


class CommandCancelled(ChatVaultError):
    """How the CLI reports a command stopped by Ctrl-C: the message says what was done and kept."""

    code = "cancelled"
    exit_code = EXIT_CANCELLED
