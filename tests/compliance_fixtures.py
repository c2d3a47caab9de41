"""Vaults for the compliance tests: real imports of generated WhatsApp exports with media."""

from __future__ import annotations

from datetime import datetime, timedelta
from pathlib import Path

from chatvault.importers.base import ImportOptions
from chatvault.ingest.engine import run_import
from tests.import_fixtures import JPEG_HEAD, LAYOUTS, write_zip

DAY_MS = 86_400_000
START = datetime(2020, 1, 1, 9, 0, 0)
LAY = LAYOUTS["android-en-gb"]


def chat_lines(n: int, senders: tuple[str, ...], *, photo_every: int = 10, tag: str = "") -> tuple[list[str], dict]:
    """`n` messages one day apart from START; every `photo_every`-th is a photo (its own bytes)."""
    lines, media = [], {}
    for i in range(n):
        t = START + timedelta(days=i)
        who = senders[i % len(senders)]
        if photo_every and i % photo_every == 0:
            name = f"IMG-{t:%Y%m%d}-WA{i:04d}.jpg"
            media[name] = JPEG_HEAD + f"{tag}{i}".encode()
            lines.append(LAY.stamp(t) + f"{who}: {name} (file attached)")
        else:
            lines.append(LAY.stamp(t) + f"{who}: {tag}message {i} about the contract")
    return lines, media


def import_chat(vault, folder: Path, name: str, n: int, senders: tuple[str, ...] = ("Alice", "Bob"), *,
                custodian: str | None = None, tag: str = "", photo_every: int = 10):
    lines, media = chat_lines(n, senders, photo_every=photo_every, tag=tag)
    path = write_zip(folder / f"WhatsApp Chat with {name}.zip", f"WhatsApp Chat with {name}.txt", lines, media)
    return run_import(vault, path, options=ImportOptions(me=senders[-1], custodian=custodian,
                                                          options={"date_order": "DMY"}))


def ms(day: int) -> int:
    """The time of message `day` of `chat_lines` (ms UTC, as the exports are read in UTC here)."""
    return int((START + timedelta(days=day)).timestamp() * 1000)
