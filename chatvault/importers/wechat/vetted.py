"""WeChat's folders through the file-tree layer (`chatvault.importers.filetree`).

WeChat keeps its messages in SQLite databases, and SQLCipher opens a database by path: it cannot
read the stream `FileTree.open` hands out. So the WeChat readers use the file-tree layer for what it
vets, not for the bytes: the folder holding the databases is scanned once as a `FileTree`, which
refuses symbolic links that leave the folder (and links to folders), anything that is not a regular
file (FIFOs, devices), unsafe names and files over the size limit. `VettedFolder.check(path)` then
hands out a database path only when the tree accepted it, and says why otherwise; `dbopen.WorkDir`
asks it before copying any database, so every database each WeChat reader opens has been vetted.
Media files referenced by the databases are checked one by one as they are found
(`common.regular_file`: a regular file whose real path is inside the account folder), since a scan
of a whole FileStorage folder would cost more than the import needs.
"""

from __future__ import annotations

import os
from pathlib import Path

from chatvault.errors import InputError
from chatvault.importers.filetree import FileTree, normalise


class VettedFolder:
    """The members of `root` (a folder, or one database file) that the file-tree layer accepted."""

    def __init__(self, root: Path) -> None:
        self.root = Path(root)
        tree = FileTree(self.root)
        tree.close()
        self.kind = tree.kind
        self.members = set(tree.names())
        self.rejected = dict(tree.rejected)

    def name_of(self, path: Path) -> str | None:
        """`path` as a member name of the tree, or None when it lies outside `root`."""
        if self.kind != "dir":
            return self.root.name if os.path.abspath(path) == os.path.abspath(self.root) else None
        rel = os.path.relpath(os.path.abspath(path), os.path.abspath(self.root))
        return None if rel.startswith("..") else normalise(rel)

    def accepts(self, path: Path) -> bool:
        name = self.name_of(path)
        return name is not None and name in self.members

    def check(self, path: Path) -> Path:
        """`path` if the file-tree layer accepted it; an `InputError` that says why not otherwise."""
        name = self.name_of(path)
        if name is not None and name in self.members:
            return path
        why = "outside the chosen folder"
        if name is not None:
            rel = os.path.relpath(path, self.root)
            parents = [f"{r} ({w})" for r, w in self.rejected.items() if rel.startswith(r.rstrip("/") + os.sep)]
            why = self.rejected.get(rel) or (f"it lies in {parents[0]}" if parents else "not a regular file here")
        raise InputError(f"ChatVault will not read the WeChat database {Path(path).name}: {why}.",
                         location=str(path),
                         hint="Copy the WeChat folder itself (not links to its files) and import the copy.")
