"""The production's integrity record, and `verify_export` that rechecks it.

Every file a production writes is hashed as it is written (`Ledger`). At the end `manifest.json`
lists each one (path, kind, size, SHA-256, and MD5 for the files the load file names) with the
production's counts, and `manifest.sha256` repeats the hashes in `sha256sum` format (so
`sha256sum -c manifest.sha256` works without ChatVault) and adds `manifest.json`'s own hash.
`verify_export` rehashes every file and names each one changed, missing or added; a changed
`manifest.json` or `manifest.sha256` is named too (each one checks the other). A zip production is
checked against the `.sha256` file beside it, then file by file inside.
"""

from __future__ import annotations

import hashlib
import json
import os
import zipfile
import zlib
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from typing import Any, BinaryIO

from chatvault.errors import InputError

MANIFEST = "manifest.json"
SUMS = "manifest.sha256"
FORMAT = "chatvault-production-manifest"
_CHUNK = 1 << 20


@dataclass
class Entry:
    path: str                                  # relative, with '/'
    kind: str                                  # rsmf, native, text, loadfile, html, pdf, custody, note
    size: int
    sha256: str
    md5: str = ""


class Ledger:
    """Writes the production's files and keeps their hashes."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self.entries: dict[str, Entry] = {}

    def write(self, rel: str, data: bytes, kind: str) -> Entry:
        path = self.root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        with open(path, "wb") as f:
            f.write(data)
        return self._add(Entry(rel, kind, len(data), hashlib.sha256(data).hexdigest(), hashlib.md5(data).hexdigest()))

    def add(self, rel: str, kind: str) -> Entry:
        """Hash a file already written under the root (by a renderer or a media copy)."""
        sha, md5, size = hash_file(self.root / rel, md5=True)
        return self._add(Entry(rel, kind, size, sha, md5))

    def record(self, rel: str, kind: str, size: int, sha256: str, md5: str = "") -> Entry:
        """A file written elsewhere that hashed itself as it went (a native's decrypting copy)."""
        return self._add(Entry(rel, kind, size, sha256, md5))

    def add_tree(self, rel_dir: str, kind: str) -> int:
        n = 0
        base = self.root / rel_dir
        for path in sorted(p for p in base.rglob("*") if p.is_file()):
            self.add(path.relative_to(self.root).as_posix(), kind)
            n += 1
        return n

    def _add(self, entry: Entry) -> Entry:
        self.entries[entry.path] = entry
        return entry

    def finish(self, summary: dict[str, Any]) -> str:
        """Write manifest.json and manifest.sha256; return manifest.json's SHA-256."""
        files = [vars(e) for e in sorted(self.entries.values(), key=lambda e: e.path)]
        doc = {"format": FORMAT, "version": 1, "algorithm": "sha256", **summary, "files": files}
        data = json.dumps(doc, ensure_ascii=False, indent=1).encode("utf-8")
        (self.root / MANIFEST).write_bytes(data)
        digest = hashlib.sha256(data).hexdigest()
        lines = [f"{e['sha256']}  {e['path']}\n" for e in files] + [f"{digest}  {MANIFEST}\n"]
        (self.root / SUMS).write_text("".join(lines), encoding="utf-8", newline="\n")
        return digest


def hash_file(path: Path, md5: bool = False) -> tuple[str, str, int]:
    with open(path, "rb") as f:
        return hash_stream(f, md5)


def hash_stream(f: BinaryIO, md5: bool = False) -> tuple[str, str, int]:
    sha, m, size = hashlib.sha256(), hashlib.md5() if md5 else None, 0
    while chunk := f.read(_CHUNK):
        sha.update(chunk)
        if m is not None:
            m.update(chunk)
        size += len(chunk)
    return sha.hexdigest(), m.hexdigest() if m is not None else "", size


@dataclass
class VerifyResult:
    """What `verify_export` found. `ok` only when every listed file is present and unchanged and
    nothing was added."""

    path: Path
    checked: int = 0
    changed: list[str] = field(default_factory=list)
    missing: list[str] = field(default_factory=list)
    added: list[str] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)     # the manifest itself unreadable, sidecar wrong
    ignored: list[str] = field(default_factory=list)      # file-manager litter (.DS_Store, Thumbs.db ...)
    counts: dict[str, Any] = field(default_factory=dict)

    @property
    def ok(self) -> bool:
        return not (self.changed or self.missing or self.added or self.problems)

    def to_json(self) -> dict[str, Any]:
        return {"path": str(self.path), "ok": self.ok, "checked": self.checked, "changed": self.changed,
                "missing": self.missing, "added": self.added, "problems": self.problems, "ignored": self.ignored,
                "counts": self.counts}

    def lines(self) -> list[str]:
        """The result as a person reads it, one finding a line."""
        if self.ok:
            return [f"OK: {self.checked} files match the manifest of {self.path}."]
        out = [f"changed: {p}" for p in self.changed] + [f"missing: {p}" for p in self.missing]
        out += [f"added (not in the manifest): {p}" for p in self.added] + list(self.problems)
        return out


class _Folder:
    def __init__(self, root: Path) -> None:
        self.root = root

    def names(self) -> Iterator[str]:
        for dirpath, _dirs, files in os.walk(self.root):
            for name in files:
                yield (Path(dirpath) / name).relative_to(self.root).as_posix()

    def read(self, rel: str) -> bytes | None:
        try:
            return (self.root / rel).read_bytes()
        except (FileNotFoundError, IsADirectoryError):
            return None

    def sha256(self, rel: str) -> str | None:
        try:
            return hash_file(self.root / rel)[0]
        except (FileNotFoundError, IsADirectoryError):
            return None


class _Zip:
    """A zip production: every member under one top folder."""

    def __init__(self, zf: zipfile.ZipFile) -> None:
        self.zf = zf
        tops = {n.split("/", 1)[0] for n in zf.namelist() if "/" in n}
        self.top = f"{tops.pop()}/" if len(tops) == 1 else ""

    def names(self) -> Iterator[str]:
        for info in self.zf.infolist():
            if not info.is_dir() and info.filename.startswith(self.top):
                yield info.filename[len(self.top):]

    def read(self, rel: str) -> bytes | None:
        try:
            return self.zf.read(self.top + rel)
        except KeyError:
            return None

    def sha256(self, rel: str) -> str | None:
        try:
            with self.zf.open(self.top + rel) as f:
                return hash_stream(f)[0]
        except KeyError:
            return None
        except (zipfile.BadZipFile, zlib.error, EOFError, OSError):
            return "unreadable"                  # a damaged member: named as changed


def verify_export(folder: Path | str) -> VerifyResult:
    """Recheck every hash of a production (a folder, or a zip with its `.sha256` beside it)."""
    path = Path(folder)
    result = VerifyResult(path)
    if path.is_file() and zipfile.is_zipfile(path):
        _check_sidecar(path, result)
        try:
            with zipfile.ZipFile(path) as zf:
                _verify(_Zip(zf), result)
        except zipfile.BadZipFile as exc:
            result.problems.append(f"{path.name} cannot be read as a zip ({exc})")
        return result
    if not path.is_dir():
        raise InputError(f"{path} is neither a production folder nor a production zip.",
                         hint="Give the folder (or the .zip) that `export production` wrote.")
    _verify(_Folder(path), result)
    return result


def _check_sidecar(path: Path, result: VerifyResult) -> None:
    side = path.with_name(path.name + ".sha256")
    try:
        want = side.read_text(encoding="utf-8").split()[0].lower()
    except (FileNotFoundError, IndexError):
        result.problems.append(f"{side.name} (the zip's own SHA-256) is missing or empty")
        return
    if hash_file(path)[0] != want:
        result.changed.append(path.name)


def _parse_sums(text: str) -> dict[str, str]:
    out = {}
    for line in text.splitlines():
        digest, _, name = line.partition("  ")
        if name:
            out[name.lstrip("*")] = digest.strip().lower()
    return out


def _verify(src: _Folder | _Zip, result: VerifyResult) -> None:
    raw, sums_raw = src.read(MANIFEST), src.read(SUMS)
    if raw is None:
        result.missing.append(MANIFEST)
    if sums_raw is None:
        result.missing.append(SUMS)
    listed: dict[str, str] = {}
    if raw is not None:
        try:
            doc = json.loads(raw)
            listed = {f["path"]: f["sha256"] for f in doc["files"]}
            result.counts = doc.get("counts", {})
        except (ValueError, KeyError, TypeError):
            result.changed.append(MANIFEST)
    sums = _parse_sums(sums_raw.decode("utf-8", "replace")) if sums_raw is not None else {}
    if raw is not None and sums and sums.get(MANIFEST) != _sha(raw) and MANIFEST not in result.changed:
        result.changed.append(MANIFEST)
    reference = listed or {k: v for k, v in sums.items() if k != MANIFEST}
    for rel in [r for r in reference if not _inside(r)]:
        result.problems.append(f"the manifest names a path outside the production: {rel!r} (not read)")
        del reference[rel]
    sums_bad = bool(sums_raw is not None and (set(sums) - {MANIFEST} != set(reference) or MANIFEST not in sums))
    for rel in sorted(reference):
        have = src.sha256(rel)
        result.checked += 1
        if have is None:
            result.missing.append(rel)
        elif have != reference[rel]:
            if sums and sums.get(rel) == have and MANIFEST not in result.changed:
                result.changed.append(MANIFEST)     # the file agrees with manifest.sha256, not the manifest
            else:
                result.changed.append(rel)
        if sums and rel in sums and sums[rel] != reference[rel] and have == reference[rel]:
            sums_bad = True
    if sums_bad and SUMS not in result.changed:
        result.changed.append(SUMS)
    known = set(reference) | {MANIFEST, SUMS}
    extra = sorted(n for n in src.names() if n not in known)
    result.ignored = [n for n in extra if _litter(n)]
    result.added = [n for n in extra if not _litter(n)]


_LITTER = frozenset((".ds_store", "thumbs.db", "desktop.ini", "ehthumbs.db"))


def _litter(rel: str) -> bool:
    """Files a file manager writes into any folder it shows (Finder's .DS_Store and ._ files,
    Explorer's Thumbs.db and desktop.ini): reported as ignored, so opening the folder does not
    fail its verify; everything else added is named."""
    name = rel.rsplit("/", 1)[-1]
    return name.lower() in _LITTER or name.startswith("._")


def _inside(rel: str) -> bool:
    """A manifest path that stays inside the production (a tampered manifest must not make verify
    read files elsewhere)."""
    parts = PurePosixPath(rel).parts
    return bool(parts) and not rel.startswith("/") and "\\" not in rel and ".." not in parts and ":" not in parts[0]


def _sha(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()
