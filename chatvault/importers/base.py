"""The importer interface every source format implements.

An importer is small and declarative: class attributes describe it, `detect` is cheap and never
raises for "not mine", and `read` streams neutral records (`chatvault.model`) without holding the
export in memory. Importers never touch SQL, the vault or Qt, never decide identity, and never
drop a line: what they cannot parse becomes an `Unparsed` record.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, ClassVar

from chatvault.importers.filetree import FileTree, safe_tree
from chatvault.jobs.context import JobContext
from chatvault.model import Record


@dataclass(frozen=True)
class Detection:
    confidence: float               # 0 = not mine, 1 = certainly mine
    reason: str = ""
    variant: str = ""               # layout/locale/version found


@dataclass(frozen=True)
class ImportField:
    """A value a format needs from the user (a key, a password, a key file), declared once by the
    importer: the CLI offers `--NAME VALUE`, `--NAME-file FILE` (secrets) and `$CHATVAULT_NAME` for it,
    and the app a row in the import dialog (`field_NAME`), so no front end hard-codes a format's fields.

    `name` is the key in `ImportOptions.options`; `check(value)` returns a fixed English sentence
    saying why a value cannot be right (wrong length, not hex), or None. A value that is well formed
    but does not open the file is the importer's to report: `errors.WrongSecret(field=name)`."""

    name: str
    label: str                      # English; the app shows its own words (gui import_wording)
    help: str                       # where the user finds the value
    secret: bool = True             # hidden while typed; never echoed in reports
    path: bool = False              # the value is a file path (e.g. a key file): the app offers Browse
    optional: bool = False          # the import can go on without it
    check: Callable[[str], str | None] | None = None
    choices: tuple[str, ...] = ()   # the only values it takes (the app offers a list; empty = automatic)

    @property
    def flag(self) -> str:
        return "--" + self.name.replace("_", "-")

    @property
    def env(self) -> str:
        return "CHATVAULT_" + self.name.upper()


# An `ImportOptions.options` entry the import engine fills from the vault: {chat key: "DMY" | "MDY"},
# the day/month order each chat of the source was stored with. A reader whose file cannot decide its
# order reads it as before instead of asking (nobody answers a watch folder's import).
KNOWN_DATE_ORDERS = "known_date_orders"


@dataclass
class ImportOptions:
    me: str | None = None                         # which sender name is "me"
    options: dict[str, Any] = field(default_factory=dict)  # format-specific: key, imei, uin, ...
    custodian: str | None = None                  # whose archive this is (name or id; None: the default one)


class Importer(ABC):
    name: ClassVar[str]             # stable; stored with every run, never renamed
    title: ClassVar[str]
    description: ClassVar[str] = ""
    patterns: ClassVar[tuple[str, ...]] = ()
    parser_version: ClassVar[int] = 1
    fields: ClassVar[tuple[ImportField, ...]] = ()   # values asked of the user (keys, passwords)

    @abstractmethod
    def detect(self, path: Path) -> Detection:
        """How sure are we that `path` (file or folder) is this format? Cheap; never raises."""

    @abstractmethod
    def read(self, path: Path, options: ImportOptions, ctx: JobContext) -> Iterator[Record]:
        """Stream records. Call `ctx.check()` in loops. Raise `InputError` for unusable input."""

    def total_bytes(self, path: Path) -> int | None:
        """Size of what `read` will consume, for progress; None if unknown."""
        try:
            if path.is_file():
                return path.stat().st_size
            return sum(p.stat().st_size for p in path.rglob("*") if p.is_file())
        except OSError:
            return None


def detect_member(path: Path, find: Callable[[FileTree], str | None], missing: str,
                  judge: Callable[[FileTree, str], Detection]) -> Detection:
    """The `detect` of an export that is one file in a folder or zip: open the tree (never raising),
    `find` the member that matters (`missing` says why not), and let `judge` read it."""
    tree = safe_tree(path)
    if tree is None:
        return Detection(0.0, "cannot be opened")
    with tree:
        member = find(tree)
        if member is None:
            return Detection(0.0, missing)
        return judge(tree, member)
