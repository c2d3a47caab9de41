"""Picklable `AttachmentRef.open` callables.

The import engine may run an importer in a separate parse process (docs/import.md, "Pipeline"); the
records it yields travel to the writer by pickle, so their openers must be plain objects, not
closures. A `TreeMember` travels as the export's path and the member name and reopens the export's
`FileTree` (with all its safety checks) in the process that stores the file.
"""

from __future__ import annotations

import io
import threading
from collections import OrderedDict
from pathlib import Path
from typing import Any, BinaryIO

from chatvault.importers.filetree import FileTree

_TREES: OrderedDict[tuple[str, int, int], FileTree] = OrderedDict()
_TREES_LOCK = threading.Lock()
_KEEP = 2            # trees kept open per process (an import reads one export at a time)


def _tree(path: str, max_member: int, max_total: int) -> FileTree:
    key = (path, max_member, max_total)
    with _TREES_LOCK:
        tree = _TREES.get(key)
        if tree is None:
            tree = FileTree(Path(path), max_member=max_member, max_total=max_total)
            _TREES[key] = tree
            while len(_TREES) > _KEEP:
                _TREES.popitem(last=False)[1].close()
        else:
            _TREES.move_to_end(key)
        return tree


def close_trees() -> None:
    """Close the trees reopened for unpickled openers (the engine calls this when an import ends)."""
    with _TREES_LOCK:
        while _TREES:
            _TREES.popitem()[1].close()


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

    def __call__(self) -> BinaryIO:
        return _tree(self.path, self.max_member, self.max_total).open(self.member)

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
