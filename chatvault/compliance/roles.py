"""Roles on one machine: the vault owner (custodian) and the compliance officer.

Once an officer slot exists (`chatvault officer set`), every compliance change — custodians,
holds, retention, erasure — needs the vault unlocked with the officer's passphrase, and the audit
trail attributes it to "officer". Without an officer slot the owner does all (a person archiving
their own history). What this can and cannot enforce against a machine's administrator is in
docs/compliance.md.
"""

from __future__ import annotations

from typing import Any

from chatvault.errors import PermissionDenied


def actor(vault: Any) -> str:
    """Who the audit trail names for what this unlocked vault does."""
    return getattr(vault, "role", "owner")


def require_officer(vault: Any, what: str) -> str:
    """The actor name, or PermissionDenied when an officer slot exists and the owner unlocked."""
    if getattr(vault, "has_officer", False) and actor(vault) != "officer":
        raise PermissionDenied(f"{what} needs the compliance officer: this vault has an officer passphrase, and it "
                               "was unlocked with the owner's.", hint="Unlock with the compliance officer's passphrase.")
    return actor(vault)


def environment_errors(what: str, path: Any):
    """A decorator: SQLite failures that are the environment (a full disk, an I/O error, damage)
    leave a compliance operation as the ChatVault error that says so, not as an internal error."""
    import functools

    from chatvault.store.db import DatabaseError, classify

    def wrap(fn):
        @functools.wraps(fn)
        def run(*args: Any, **kwargs: Any) -> Any:
            try:
                return fn(*args, **kwargs)
            except DatabaseError as exc:
                vault = args[0] if args else None
                mapped = classify(exc, what, getattr(vault, "db_path", path))
                if mapped is exc:
                    raise
                raise mapped from exc
        return run
    return wrap
