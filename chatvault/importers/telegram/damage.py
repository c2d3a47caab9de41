"""Hostile or damaged Telegram input: the reader's limits and how it names what it could not read.

The byte-level limits (nesting, string, number and message size) live in `importers/jsonlimits.py`;
these are the reader's own: how many values one message built from events may hold, how many fields
of a chat header are kept, and the words for damage ijson reports.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

from chatvault.errors import InputError
from chatvault.importers.filetree import FileTree
from chatvault.model import ImportWarning, Record, Unparsed


def bad_text(exc: Exception) -> bool:
    """ijson met text it cannot decode: yajl's own UTF-8 check, or Python's decoding of what it passed."""
    return isinstance(exc, UnicodeDecodeError) or "invalid bytes in UTF8" in str(exc)


# One message built from events holds at most this many values (a few hundred in a real message), and a
# chat or the account part keeps at most this many of its own fields: memory stays bounded.
MAX_ITEM_EVENTS = 200_000
MAX_HEADER_KEYS = 256
LIMIT_HINT = ("No real export is shaped like this: the file is damaged or crafted. Everything before this point "
              "was read; export the chat again.")


def tree_report(tree: FileTree, path: Path) -> Iterator[Record]:
    """What the file tree could not read (unsafe names, links) and what is damaged in a zip."""
    for name, why in tree.rejected:
        yield ImportWarning(f"{name} in the export was not read: {why}.", location=str(path))
    for name, why in tree.damage:
        yield Unparsed(raw="", location=f"{path.name}: {name}", reason=why)


def undecodable(member: str, exc: UnicodeDecodeError) -> InputError:
    """The mended second reading still met text it cannot decode (should not happen): a clear refusal."""
    return InputError(f"{member} holds text that cannot be decoded even after mending ({exc.reason}).",
                      hint="The file is damaged; export the chat again from Telegram Desktop.")


def damage_reason(exc: Exception) -> str:
    """Why ijson stopped: a number too long for Python (> 4,300 digits) is named as such."""
    text = str(exc)
    if text.startswith("Unexpected symbol '"):
        symbol = text[19:].split("'", 1)[0]
        if len(symbol) > 4300 and symbol.lstrip("-").isdigit():
            return (f"a number of {len(symbol.lstrip('-')):,} digits; ChatVault reads at most 4,300 (Python's limit "
                    "for integers); the rest of the file could not be read")
    return "the JSON is damaged here; the rest of the file could not be read"
