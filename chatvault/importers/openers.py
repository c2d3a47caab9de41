"""Picklable `AttachmentRef.open` callables.

The import engine may run an importer in a separate parse process (docs/import.md, "Pipeline"); the
records it yields travel to the writer by pickle, so their openers must be plain objects, not
closures. A `TreeMember` travels as the export's path and the member name and reopens the export's
`FileTree` (with all its safety checks) in the process that stores the file, through the import
run's `TreeCache` (so a run scans the export once, and closes it when it ends).
"""

from __future__ import annotations

import io
import threading
from collections import OrderedDict
from collections.abc import Callable
from pathlib import Path
from typing import Any, BinaryIO

from chatvault.importers.filetree import FileTree

_KEEP = 2            # trees kept open per run (an import reads one export at a time)


class TreeCache:
    """The `FileTree`s reopened for unpickled openers, owned by one import run.

    The engine makes one per run, hands it to the writer, which opens attachments through it
    (`open`), and closes it when the run ends: nothing stays open, or shared, between runs.
    """

    def __init__(self, keep: int = _KEEP) -> None:
        self._trees: OrderedDict[tuple[str, int, int], FileTree] = OrderedDict()
        self._lock = threading.Lock()
        self._keep = keep

    def tree(self, path: str, max_member: int, max_total: int) -> FileTree:
        key = (path, max_member, max_total)
        with self._lock:
            tree = self._trees.get(key)
            if tree is None:
                tree = FileTree(Path(path), max_member=max_member, max_total=max_total)
                self._trees[key] = tree
                while len(self._trees) > self._keep:
                    self._trees.popitem(last=False)[1].close()
            else:
                self._trees.move_to_end(key)
            return tree

    def open(self, opener: Callable[[], BinaryIO]) -> BinaryIO:
        """Open an `AttachmentRef.open`: a member that crossed the process boundary reopens its export
        here (once per run, not per file); every other opener opens as itself."""
        open_in = getattr(opener, "open_in", None)
        return open_in(self) if open_in is not None else opener()

    def __len__(self) -> int:
        return len(self._trees)

    def close(self) -> None:
        with self._lock:
            while self._trees:
                self._trees.popitem()[1].close()

    def __enter__(self) -> TreeCache:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


class TreeMember:
    """Opens one member of a `FileTree`."""

    __slots__ = ("tree", "member")

    def __init__(self, tree: FileTree, member: str) -> None:
        self.tree = tree
        self.member = member

    def __call__(self) -> BinaryIO:
        return self.tree.open(self.member)

    def __reduce__(self) -> tuple[Any, ...]:
        t = self.tree
        return _reopen, (str(t.path), t.max_member, t.max_total, self.member)


def _reopen(path: str, max_member: int, max_total: int, member: str) -> TreeMember:
    return _LazyMember(path, max_member, max_total, member)  # type: ignore[return-value]


class _LazyMember:
    """A `TreeMember` after a pickle round trip: the tree is reopened on first use."""

    __slots__ = ("path", "max_member", "max_total", "member")

    def __init__(self, path: str, max_member: int, max_total: int, member: str) -> None:
        self.path, self.max_member, self.max_total, self.member = path, max_member, max_total, member

    def open_in(self, trees: TreeCache) -> BinaryIO:
        """Open through the run's trees (the engine's way: the export is scanned once per run)."""
        return trees.tree(self.path, self.max_member, self.max_total).open(self.member)

    def __call__(self) -> BinaryIO:
        """Open without a run: a tree of its own, closed at once (an open member keeps its file)."""
        with FileTree(Path(self.path), max_member=self.max_member, max_total=self.max_total) as tree:
            return tree.open(self.member)

    def __reduce__(self) -> tuple[Any, ...]:
        return _reopen, (self.path, self.max_member, self.max_total, self.member)


class FileOpener:
    """Opens a file on disk."""

    __slots__ = ("path",)

    def __init__(self, path: Path) -> None:
        self.path = path

    def __call__(self) -> BinaryIO:
        return open(self.path, "rb")

    def __reduce__(self) -> tuple[Any, ...]:
        return FileOpener, (self.path,)


class BytesOpener:
    """Opens bytes already read (small embedded media, e.g. WeChat voice notes)."""

    __slots__ = ("data",)

    def __init__(self, data: bytes) -> None:
        self.data = data

    def __call__(self) -> BinaryIO:
        return io.BytesIO(self.data)

    def __reduce__(self) -> tuple[Any, ...]:
        return BytesOpener, (self.data,)
