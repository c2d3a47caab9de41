"""Schema migrations, one module per step in `chatvault/store/migrations/mNNN_name.py`.

`PRAGMA user_version` holds the number of the last applied step. Each step runs in its own
transaction together with the version bump, so a crash leaves the schema at a whole step.
"""

from __future__ import annotations

import importlib
import pkgutil
import re
from collections.abc import Callable
from types import ModuleType

from chatvault.errors import VaultFormatError
from chatvault.store import migrations as _pkg
from chatvault.store.db import Connection, rollback

_NAME = re.compile(r"^m(\d{3})_\w+$")


def steps() -> list[tuple[int, ModuleType]]:
    found = []
    for info in pkgutil.iter_modules(_pkg.__path__):
        m = _NAME.match(info.name)
        if m:
            found.append((int(m.group(1)), importlib.import_module(f"{_pkg.__name__}.{info.name}")))
    found.sort(key=lambda x: x[0])
    numbers = [n for n, _ in found]
    if len(numbers) != len(set(numbers)):
        raise RuntimeError(f"two migrations share a number: {numbers}")
    return found


def latest_version() -> int:
    s = steps()
    return s[-1][0] if s else 0


def current_version(conn: Connection) -> int:
    return int(conn.execute("PRAGMA user_version").fetchone()[0])


def migrate(conn: Connection, target: int | None = None, on_step: Callable[[int], None] | None = None) -> int:
    """Bring the schema up to `target` (default: latest). Returns the version reached."""
    have = current_version(conn)
    newest = latest_version()
    if have > newest:
        raise VaultFormatError(
            f"This vault's database uses schema version {have}; this ChatVault knows up to {newest}.",
            hint="Update ChatVault to open it. Nothing was changed.",
        )
    goal = newest if target is None else target
    for number, module in steps():
        if number <= have or number > goal:
            continue
        conn.execute("BEGIN IMMEDIATE")
        try:
            module.up(conn)
            conn.execute(f"PRAGMA user_version = {int(number)}")
            conn.execute("COMMIT")
        except BaseException:
            rollback(conn)
            raise
        have = number
        if on_step:
            on_step(number)
    return have
