"""The Concordance-style load file (`DATA/loadfile.dat`) review platforms import the production with.

Format: UTF-8 with a byte-order mark, CRLF line ends, every value wrapped in the þ (U+00FE) text
qualifier and separated by the 0x14 (DC4) field separator; the first row names the fields. One row
per RSMF file and one per native attachment (its `PARENT_DOCID` and the family range
`BEGATTACH`/`ENDATTACH` tie it to the RSMF that carries it). A line break inside a value is written
as ® (U+00AE), Concordance's newline mark; a þ or 0x14 inside a value, which the format cannot
carry, becomes U+FFFD (the RSMF keeps the exact text). Paths are relative to the production folder,
with backslashes as Concordance and Relativity expect.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

QUALIFIER = "\u00fe"
SEPARATOR = "\x14"
NEWLINE_MARK = "\u00ae"
NAME = "DATA/loadfile.dat"

FIELDS = ("DOCID", "PARENT_DOCID", "BEGATTACH", "ENDATTACH", "DOCTYPE", "CUSTODIAN", "PLATFORM",
          "CONVERSATION", "CONVERSATION_ID", "PARTICIPANTS", "BEGINDATE", "ENDDATE", "EVENTCOUNT",
          "DELETED_AT_SOURCE", "RECALLED", "EDITED", "STATE", "FILENAME", "FILESIZE", "MD5", "SHA256",
          "NATIVEPATH", "TEXTPATH")


def _clean(value: Any) -> str:
    text = "" if value is None else str(value)
    if QUALIFIER in text or SEPARATOR in text:
        text = text.replace(QUALIFIER, "\ufffd").replace(SEPARATOR, "\ufffd")
    if "\n" in text or "\r" in text:
        text = text.replace("\r\n", NEWLINE_MARK).replace("\n", NEWLINE_MARK).replace("\r", NEWLINE_MARK)
    return text


def row(values: dict[str, Any]) -> str:
    unknown = set(values) - set(FIELDS)
    if unknown:
        raise ValueError(f"not load-file fields: {sorted(unknown)}")
    return SEPARATOR.join(f"{QUALIFIER}{_clean(values.get(f))}{QUALIFIER}" for f in FIELDS) + "\r\n"


def windows_path(rel: str | None) -> str:
    return rel.replace("/", "\\") if rel else ""


class LoadFile:
    """Streams rows into the .dat file as the production goes."""

    def __init__(self, root: Path) -> None:
        self.path = root / NAME
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self._f = open(self.path, "w", encoding="utf-8-sig", newline="")
        self._f.write(row({f: f for f in FIELDS}))
        self.rows = 0

    def add(self, **values: Any) -> None:
        self._f.write(row(values))
        self.rows += 1

    def close(self) -> None:
        self._f.close()


def read(path: Path) -> list[dict[str, str]]:
    """Parse a load file this module wrote (tests, and anyone checking a production by hand)."""
    text = path.read_bytes().decode("utf-8-sig")
    lines = text.split("\r\n")
    if lines and lines[-1] == "":
        lines.pop()
    rows = [[v[1:-1] for v in line.split(SEPARATOR)] for line in lines]
    head = rows[0]
    return [dict(zip(head, r, strict=True)) for r in rows[1:]]
