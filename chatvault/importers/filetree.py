"""The file-tree layer: one read-only view over a folder, a zip file or a single file.

Importers see their input only through a `FileTree`. It never extracts anything to disk: members
are opened as streams that the engine hands to the blob store, so "zip slip" cannot write outside
the vault by construction. What it refuses, once for every importer:

- empty names, names with `..`, absolute paths, drive letters, NUL or control characters (listed in
  `rejected`);
- symlinks that leave the tree, and anything that is not a regular file (FIFOs, devices);
- zip bombs: overlapping entries (the "non-recursive zip bomb"), members whose compression ratio
  or size is beyond the limits, and archives whose members add up to more than `max_total`;
- damaged archives: a zip cut short or with a damaged central directory is read from its local
  headers (`zipsalvage`), every readable file kept and the damage listed in `damage`; an `InputError`
  naming the file and what to do only when nothing can be read.

Two files of the same name in one zip: the last one keeps the name (as unzip and `zipfile` choose)
and each earlier one stays readable as "NAME (earlier copy N)"; `copies(name)` lists them, so an
importer can read every copy of its chat file, and `rejected` says what happened to the others.

Names are normalised to NFC with `/` separators, so an export made on Windows or macOS looks the same.
"""

from __future__ import annotations

import io
import os
import stat
import threading
import unicodedata
import zipfile
import zlib
from collections.abc import Iterator
from dataclasses import dataclass, replace
from pathlib import Path, PurePosixPath
from typing import BinaryIO

from chatvault.errors import InputError
from chatvault.importers.zipsalvage import Salvaged, SalvagedStream, scan

MAX_MEMBER = 8 << 30          # one file inside an export (8 GiB: long videos)
MAX_TOTAL = 256 << 30         # everything an archive claims to hold
MAX_RATIO = 200               # deflate tops out near 1000:1; real media compresses ~1:1
RATIO_FLOOR = 16 << 20        # ratios only matter for members bigger than this
MAX_MEMBERS = 200_000          # files in one zip: ~1.1 KB each while open (235 MiB peak measured at the limit)


@dataclass(frozen=True, slots=True)
class Member:
    name: str                  # normalised relative path, '/' separated
    size: int


class _Limited(io.RawIOBase):
    """A stream that refuses to deliver more than `limit` bytes (guards lying zip headers)."""

    def __init__(self, raw: BinaryIO, limit: int, what: str) -> None:
        self._raw = raw
        self._limit = limit
        self._left = limit
        self._what = what

    @property
    def consumed(self) -> int:
        """Bytes delivered so far (zip member streams cannot `tell`)."""
        return self._limit - self._left

    def readable(self) -> bool:
        return True

    def readinto(self, b: bytearray | memoryview) -> int:  # type: ignore[override]
        try:
            data = self._raw.read(min(len(b), self._left + 1))
        except (zipfile.BadZipFile, EOFError, zlib.error, OSError) as exc:
            raise InputError(f"{self._what} is damaged or cut off inside the archive ({exc}).",
                             hint="Copy or export the file again.") from exc
        if len(data) > self._left:
            raise InputError(f"{self._what} is larger than its archive entry says.",
                             hint="The export is damaged or crafted; nothing from this file was kept.")
        self._left -= len(data)
        b[: len(data)] = data
        return len(data)

    def close(self) -> None:
        try:
            self._raw.close()
        finally:
            super().close()


def normalise(name: str) -> str | None:
    """The safe relative form of an archive or folder name, or None if it must be refused."""
    if not name or len(name) > 4096 or "\x00" in name:
        return None
    if any(ord(c) < 32 for c in name):
        return None
    name = unicodedata.normalize("NFC", name.replace("\\", "/"))
    if name.startswith("/") or (len(name) > 1 and name[1] == ":"):
        return None
    parts = [p for p in PurePosixPath(name).parts if p not in ("", ".")]
    if not parts or any(p == ".." for p in parts):
        return None
    return "/".join(parts)


class FileTree:
    """Read-only members of a folder, zip file or single file; see the module docstring."""

    def __init__(self, path: Path, *, max_member: int = MAX_MEMBER, max_total: int = MAX_TOTAL) -> None:
        self.path = Path(path)
        self.max_member = max_member
        self.max_total = max_total
        self.rejected: list[tuple[str, str]] = []     # (name as found, why)
        self._members: dict[str, Member] = {}
        self._fold: dict[str, str] | None = None
        self._zip: zipfile.ZipFile | None = None
        # The parse thread closes the tree when it has read the export while the writer thread may
        # still be opening attachments queued before: opening and closing the zip take turns.
        self._zip_lock = threading.Lock()
        self._zinfo: dict[str, zipfile.ZipInfo] = {}
        self._salvaged: dict[str, Salvaged] = {}
        self.damage: list[tuple[str, str]] = []       # (name or "(archive)", what is wrong), for reports
        self._copies: dict[str, list[str]] = {}
        self.kind = "file"
        try:
            st = os.stat(self.path)
        except OSError as exc:
            raise InputError(f"{self.path} cannot be read: {exc.strerror}.",
                             hint="Check the path and that you may read it.") from exc
        if stat.S_ISDIR(st.st_mode):
            self.kind = "dir"
            self._scan_dir()
        elif stat.S_ISREG(st.st_mode) and (zipfile.is_zipfile(self.path) or _starts_like_zip(self.path)):
            self.kind = "zip"
            self._scan_zip()
        elif stat.S_ISREG(st.st_mode):
            self._members[self.path.name] = Member(self.path.name, st.st_size)
        else:
            raise InputError(f"{self.path} is not a regular file or folder.", hint="Choose the export file itself.")

    # --- scanning ------------------------------------------------------------------------
    def _scan_dir(self) -> None:
        root = os.path.realpath(self.path)
        for dirpath, dirnames, filenames in os.walk(root, followlinks=False):
            for d in list(dirnames):
                full = os.path.join(dirpath, d)
                if os.path.islink(full):
                    dirnames.remove(d)
                    self.rejected.append((os.path.relpath(full, root), "symbolic link to a folder"))
            for f in filenames:
                full = os.path.join(dirpath, f)
                rel = os.path.relpath(full, root)
                if os.path.islink(full):
                    target = os.path.realpath(full)
                    if os.path.commonpath([root, target]) != root:
                        self.rejected.append((rel, "symbolic link that points outside the export"))
                        continue
                try:
                    st = os.stat(full)
                except OSError as exc:
                    self.rejected.append((rel, f"cannot be read: {exc.strerror}"))
                    continue
                if not stat.S_ISREG(st.st_mode):
                    self.rejected.append((rel, "not a regular file"))
                    continue
                name = normalise(rel)
                if name is None:
                    self.rejected.append((rel, "unsafe name"))
                    continue
                if st.st_size > self.max_member:
                    self.rejected.append((rel, f"larger than the {self.max_member >> 20} MiB limit"))
                    continue
                self._members[name] = Member(name, st.st_size)

    def _scan_zip(self) -> None:
        declared = _declared_entries(self.path)
        if declared is not None and declared > MAX_MEMBERS:
            raise InputError(f"{self.path.name} lists {declared:,} files, more than any real export "
                             f"(ChatVault reads at most {MAX_MEMBERS:,}).",
                             hint="This zip is damaged or crafted; nothing was imported.")
        try:
            zf = zipfile.ZipFile(self.path)
            infos = zf.infolist()
        except (zipfile.BadZipFile, OSError, ValueError, EOFError) as exc:
            self._salvage(exc)
            return
        if len(infos) > MAX_MEMBERS:
            raise InputError(f"{self.path.name} lists {len(infos)} files, more than any real export.",
                             hint="This zip is damaged or crafted; nothing was imported.")
        self._zip = zf
        total = 0
        spans: list[tuple[int, int, str]] = []
        for info in infos:
            if not info.filename:          # ZipInfo.is_dir() would fail on it (IndexError)
                self.rejected.append((info.filename, "unsafe name (empty)"))
                continue
            if info.is_dir():
                continue
            mode = info.external_attr >> 16
            if mode and (stat.S_ISLNK(mode) or (stat.S_IFMT(mode) and not stat.S_ISREG(mode))):
                self.rejected.append((info.filename, "link or special file inside the zip"))
                continue
            name = normalise(info.filename)
            if name is None:
                self.rejected.append((info.filename, "unsafe name (absolute, '..' or control characters)"))
                continue
            if info.file_size > self.max_member:
                self.rejected.append((info.filename, f"larger than the {self.max_member >> 20} MiB limit"))
                continue
            if info.file_size > RATIO_FLOOR and info.file_size > MAX_RATIO * max(1, info.compress_size):
                self.rejected.append((info.filename, "compression ratio of a zip bomb"))
                continue
            total += info.file_size
            spans.append((info.header_offset,
                           info.header_offset + 30 + len(info.orig_filename.encode("utf-8", "replace"))
                           + info.compress_size, info.filename))
            self._add(name, info.file_size, info.header_offset)
            self._zinfo[name] = info
        if total > self.max_total:
            raise InputError(f"{self.path.name} claims to hold {total >> 30} GiB, beyond the {self.max_total >> 30} GiB "
                             "limit for one export.", hint="This looks like a zip bomb; nothing was imported.")
        spans.sort()
        for (_s1, e1, n1), (s2, _e2, n2) in zip(spans, spans[1:], strict=False):
            if s2 < e1:
                raise InputError(f"{self.path.name} has overlapping entries ({n1!r} and {n2!r}).",
                                 hint="Overlapping entries are the mark of a zip bomb; nothing was imported.")

    def _add(self, name: str, size: int, offset: int) -> None:
        """Record a zip member; an earlier one of the same name moves aside as "NAME (earlier copy N)"."""
        if name in self._members:
            copies = self._copies.setdefault(name, [])
            alias = f"{name} (earlier copy {len(copies) + 1})"
            self._members[alias] = Member(alias, self._members[name].size)
            for table in (self._zinfo, self._salvaged):
                if name in table:
                    table[alias] = table.pop(name)        # type: ignore[assignment]
            copies.append(alias)
            self.rejected.append((name, f"the zip holds more than one file of this name; the last one (at byte "
                                        f"{offset:,}) is used where the export refers to it, the earlier one is "
                                        f"kept as '{alias}'"))
        self._members[name] = Member(name, size)

    def _salvage(self, exc: Exception) -> None:
        """The zip's directory cannot be read: take every file its local headers still describe."""
        size = os.path.getsize(self.path)
        with open(self.path, "rb") as fh:
            items, stop = scan(fh, size, MAX_MEMBERS)
        readable = [i for i in items if not i.problem]
        if not readable:
            raise InputError(f"{self.path.name} is a damaged zip file: its table of contents is unreadable "
                             f"({exc}) and no file in it could be recovered.",
                             hint="Copy or download the export again; if it came from a phone, export it again.",
                             location=str(self.path))
        cut = items[-1] if items and not items[-1].whole else None
        where = (f"it stops at byte {size:,}, inside '{cut.name}'" if cut else
                 f"its table of contents (from byte {stop:,}) is damaged" if stop < size else
                 f"it stops at byte {size:,}, where its table of contents should begin")
        self.damage.append(("(archive)", f"{self.path.name} is a damaged zip ({exc}): {where}; {len(readable)} "
                                         f"file(s) were recovered from their headers. Download or copy it again, "
                                         "or export again, to get the rest"))
        total = 0
        for item in items:
            name = normalise(item.name)
            if name is None:
                self.rejected.append((item.name, "unsafe name (absolute, '..' or control characters)"))
                continue
            if item.problem:
                self.damage.append((name, f"at byte {item.offset:,}: {item.problem}; not read"))
                continue
            if not item.whole:
                self.damage.append((name, f"cut off: only {item.compress_size:,} bytes of its data (from byte "
                                          f"{item.data_start:,}) are in the file; what they hold was read"))
            size_of = item.file_size or item.compress_size
            if size_of > self.max_member:
                self.rejected.append((name, f"larger than the {self.max_member >> 20} MiB limit"))
                continue
            if item.file_size > RATIO_FLOOR and item.file_size > MAX_RATIO * max(1, item.compress_size) and item.whole:
                self.rejected.append((name, "compression ratio of a zip bomb"))
                continue
            total += size_of
            self._add(name, size_of, item.offset)
            self._salvaged[name] = item
        if total > self.max_total:
            raise InputError(f"{self.path.name} claims to hold {total >> 30} GiB, beyond the {self.max_total >> 30} GiB "
                             "limit for one export.", hint="This looks like a zip bomb; nothing was imported.")

    def copies(self, name: str) -> list[str]:
        """The earlier files of the same name in a zip (see the module docstring), oldest first."""
        return list(self._copies.get(name, ()))

    # --- access --------------------------------------------------------------------------
    def members(self) -> list[Member]:
        return list(self._members.values())

    def names(self) -> list[str]:
        return list(self._members)

    def __contains__(self, name: str) -> bool:
        return name in self._members

    def size(self, name: str) -> int:
        return self._members[name].size

    def find(self, name: str, under: str | None = None) -> str | None:
        """The member called `name` (exact relative path, else a unique base name, case-insensitive)."""
        n = normalise(name)
        if n is None:
            return None
        if under:
            joined = normalise(f"{under}/{n}")
            if joined and joined in self._members:
                return joined
        if n in self._members:
            return n
        if self._fold is None:
            self._fold = {}
            for m in self._members:
                base = m.rsplit("/", 1)[-1].casefold()
                self._fold[base] = "" if base in self._fold else m   # "" marks an ambiguous base name
                self._fold.setdefault(m.casefold(), m)
        hit = self._fold.get(n.casefold()) or self._fold.get(n.rsplit("/", 1)[-1].casefold())
        return hit or None

    def open(self, name: str, *, check_crc: bool = True) -> BinaryIO:
        """A binary stream of one member; refuses to read past its recorded size. `check_crc=False`
        (detection only) reads a member whose checksum is wrong, so a damaged export is still recognised."""
        member = self._members.get(name)
        if member is None:
            raise InputError(f"{name} is not part of {self.path.name}.")
        what = f"{self.path.name}:{name}"
        try:
            salvaged = self._salvaged.get(name)
            if salvaged is not None:
                item = salvaged if check_crc else replace(salvaged, whole=False)    # whole: check the CRC
                raw = SalvagedStream(open(self.path, "rb"), item, what,  # type: ignore[assignment]  # noqa: SIM115
                                     max_ratio=MAX_RATIO, ratio_floor=RATIO_FLOOR)
            elif self.kind == "zip":
                with self._zip_lock:
                    if self._zip is None:  # a lazily opened attachment may outlive the reader's `with`
                        self._zip = zipfile.ZipFile(self.path)
                    raw: BinaryIO = self._zip.open(self._zinfo[name])  # type: ignore[assignment]
                if not check_crc and hasattr(raw, "_expected_crc"):
                    raw._expected_crc = None   # zipfile's own switch: no CRC check on this stream
            elif self.kind == "dir":
                raw = open(os.path.join(self.path, *name.split("/")), "rb")  # noqa: SIM115
            else:
                raw = open(self.path, "rb")  # noqa: SIM115
        # zipfile signals an unsupported compression method (e.g. deflate64) with NotImplementedError
        # and an encrypted member with RuntimeError: both are the export's problem, not ours.
        except (OSError, zipfile.BadZipFile, NotImplementedError, RuntimeError) as exc:
            raise InputError(f"{what} cannot be opened ({exc}).",
                             hint="The export is damaged or uses an unsupported compression.") from exc
        if self.kind == "zip":
            limit = member.size if salvaged is None or salvaged.file_size else self.max_member
            return io.BufferedReader(_Limited(raw, limit, what), buffer_size=1 << 16)  # type: ignore[return-value]
        return raw

    def read_head(self, name: str, n: int = 4096) -> bytes:
        try:
            with self.open(name, check_crc=False) as fh:
                return fh.read(n)
        except (InputError, OSError, zipfile.BadZipFile, EOFError, ValueError):
            return b""

    def walk(self, suffix: str = "") -> Iterator[str]:
        for name in self._members:
            if name.lower().endswith(suffix):
                yield name

    def close(self) -> None:
        with self._zip_lock:
            if self._zip is not None:
                self._zip.close()
                self._zip = None

    def __enter__(self) -> FileTree:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def position(stream: BinaryIO) -> int:
    """How far a member stream has been read, for progress; works for zip members too."""
    try:
        return stream.tell()
    except (OSError, ValueError):
        inner = getattr(stream, "raw", None)
        return int(getattr(inner, "consumed", 0))


def _declared_entries(path: Path) -> int | None:
    """How many files the zip's end record says it holds, read before `zipfile` builds one object per
    file (10^7 entries would take gigabytes); None when there is no readable end record."""
    try:
        with open(path, "rb") as fh:
            fh.seek(0, 2)
            size = fh.tell()
            fh.seek(max(0, size - (1 << 16) - 22))
            tail = fh.read()
    except OSError:
        return None
    i = tail.rfind(b"PK\x05\x06")
    if i < 0 or len(tail) < i + 22:
        return None
    entries = int.from_bytes(tail[i + 10: i + 12], "little")
    j = tail.rfind(b"PK\x06\x06", 0, i)               # zip64 end record: the 64-bit count
    if entries == 0xFFFF and j >= 0 and len(tail) >= j + 40:
        entries = int.from_bytes(tail[j + 32: j + 40], "little")
    return entries


def _starts_like_zip(path: Path) -> bool:
    """A local file header at the start: a zip, even if its end (the central directory) is cut off."""
    try:
        with open(path, "rb") as fh:
            return fh.read(4) == b"PK\x03\x04"
    except OSError:
        return False


def zip_damage(path: Path, budget: int = 256 << 20) -> str | None:
    """For the "not recognised" answer: what is wrong with `path` if it is a damaged zip, else None.

    Reads the members through (checking CRCs, at most `budget` bytes so a big healthy zip still gets its
    answer in seconds); only called once nothing recognised the file."""
    path = Path(path)
    if not path.is_file() or not (zipfile.is_zipfile(path) or _starts_like_zip(path)):
        return None
    try:
        tree = FileTree(path)
    except InputError as exc:
        return exc.message
    with tree:
        problems = [why if name == "(archive)" else f"'{name}' {why}" for name, why in tree.damage]
        for name in tree.names():
            if len(problems) >= 10 or budget <= 0:
                break
            try:
                with tree.open(name) as fh:
                    while budget > 0 and (chunk := fh.read(1 << 20)):
                        budget -= len(chunk)
            except InputError as exc:
                offset = tree._zinfo[name].header_offset if name in tree._zinfo else None
                problems.append(f"'{name}'{f' (at byte {offset:,})' if offset is not None else ''}: {exc.message}")
    return "; ".join(problems) or None


def safe_tree(path: Path) -> FileTree | None:
    """A tree for `detect`: None instead of an error (detection never raises)."""
    try:
        return FileTree(path)
    except (InputError, OSError):
        return None
