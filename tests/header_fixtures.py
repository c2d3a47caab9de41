"""Editing a vault header the way damage or an attacker would (shared by the header tests)."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

from chatvault.vault.header import HEADER_NAME, canonical


def edit_header(folder: Path, mutate: Callable[[dict[str, Any]], None], *, fix_checksum: bool = True,
                name: str = HEADER_NAME) -> None:
    """Change the header's JSON with `mutate`. With `fix_checksum`, the checksum is recomputed as a
    deliberate crafter would (the MAC cannot be); without it the edit looks like damage."""
    path = folder / name
    data = json.loads(path.read_text())
    mutate(data)
    if fix_checksum and "checksum" in data:
        del data["checksum"]
        data["checksum"] = "sha256:" + hashlib.sha256(canonical(data)).hexdigest()
    path.write_text(json.dumps(data, indent=2))
