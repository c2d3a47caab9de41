"""Which rows live on damaged vault.db pages: the messages and conversations a damaged page holds.

SQLite cannot answer this itself (reading a page whose HMAC fails is an error), so the b-trees are
walked here from their roots, decrypting intact pages with the database key (AES-256-CBC, the IV in
each page's reserve area, see `authentic.py`). A damaged child of an interior table page holds the
rowids between its two divider keys; a damaged overflow page belongs to the one row whose chain
reaches it; a damaged index page loses nothing (indexes are rebuilt from their tables). The file
format is SQLite's "Database File Format" (b-tree pages, cells, varints, overflow).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes

from chatvault.backup.authentic import IV, SALT, PageChecker

MAX_REPORTED = 20  # rowid ranges listed per table


@dataclass
class PageDamage:
    """What the damaged pages of one snapshot hold."""

    pages: list[int]
    # table -> rowid ranges (lo, hi]; hi None: every rowid above lo
    tables: dict[str, list[tuple[int, int | None]]] = field(default_factory=dict)
    indexes: list[str] = field(default_factory=list)  # damaged indexes (rebuildable, no data lost)
    unused_pages: list[int] = field(default_factory=list)  # pages no b-tree uses (free pages)
    messages: int | None = None  # messages in the damaged ranges (None: could not be counted)
    messages_at_most: int | None = None  # when they could not be counted: the id ranges' width
    conversations: list[dict[str, Any]] = field(default_factory=list)  # {id, title, messages}

    def to_json(self) -> dict[str, Any]:
        return {"pages": self.pages[:200], "page_count": len(self.pages),
                "tables": {t: [[lo, hi] for lo, hi in r[:MAX_REPORTED]] for t, r in self.tables.items()},
                "indexes": self.indexes, "unused_pages": len(self.unused_pages), "messages": self.messages,
                "messages_at_most": self.messages_at_most,
                "conversations": self.conversations[:50]}


def _varint(b: bytes, i: int) -> tuple[int, int]:
    v = 0
    for j in range(8):
        c = b[i + j]
        v = (v << 7) | (c & 0x7F)
        if c < 0x80:
            return v, i + j + 1
    return (v << 8) | b[i + 8], i + 9


class _Walker:
    def __init__(self, chk: PageChecker, db_key: bytes, read_page: Callable[[int], bytes], bad: set[int]) -> None:
        self.chk, self.key, self.read_page, self.bad = chk, db_key, read_page, bad
        self.usable = chk.usable
        self.seen: set[int] = set()
        self.hit: set[int] = set()  # damaged pages some b-tree or overflow chain refers to

    def page(self, n: int) -> bytes | None:
        """Page n decrypted, or None if it is damaged or out of range."""
        if n in self.bad or n < 1 or n in self.seen:
            return None
        self.seen.add(n)
        raw = self.read_page(n)
        if len(raw) != self.chk.page_size or not self.chk.page_ok(raw, n):
            self.bad.add(n)
            return None
        start = SALT if n == 1 else 0
        dec = Cipher(algorithms.AES(self.key), modes.CBC(raw[self.usable:self.usable + IV])).decryptor()
        plain = dec.update(raw[start:self.usable]) + dec.finalize()
        return bytes(start) + plain

    def _local(self, payload: int, index: bool) -> int:
        u = self.usable
        x = u - 35 if not index else (u - 12) * 64 // 255 - 23
        if payload <= x:
            return payload
        m = (u - 12) * 32 // 255 - 23
        k = m + (payload - m) % (u - 4)
        return k if k <= x else m

    def _overflow_hits(self, first: int) -> bool:
        """True if the overflow chain starting at `first` reaches a damaged page."""
        n, hops = first, 0
        while n and hops < 1_000_000:
            if n in self.bad:
                self.hit.add(n)
                return True
            p = self.page(n)
            if p is None:
                return n in self.bad
            n = int.from_bytes(p[:4], "big")
            hops += 1
        return False

    def walk(self, root: int, name: str, is_index: bool, out: PageDamage) -> None:
        stack: list[tuple[int, int | None, int | None]] = [(root, None, None)]
        while stack:
            n, lo, hi = stack.pop()
            if n in self.bad:
                self.hit.add(n)
                if is_index:
                    if name not in out.indexes:
                        out.indexes.append(name)
                else:
                    out.tables.setdefault(name, []).append((lo if lo is not None else 0, hi))
                continue
            p = self.page(n)
            if p is None:
                continue
            h = 100 if n == 1 else 0
            kind, ncells = p[h], int.from_bytes(p[h + 3:h + 5], "big")
            base = h + (12 if kind in (2, 5) else 8)
            ptrs = [int.from_bytes(p[base + 2 * i:base + 2 * i + 2], "big") for i in range(ncells)]
            if kind == 5:  # interior table: children with divider rowids
                prev = lo
                for off in ptrs:
                    child = int.from_bytes(p[off:off + 4], "big")
                    key, _ = _varint(p, off + 4)
                    stack.append((child, prev, key))
                    prev = key
                stack.append((int.from_bytes(p[h + 8:h + 12], "big"), prev, hi))
            elif kind == 2:  # interior index
                for off in ptrs:
                    stack.append((int.from_bytes(p[off:off + 4], "big"), None, None))
                stack.append((int.from_bytes(p[h + 8:h + 12], "big"), None, None))
            elif kind in (13, 10):  # leaves: only overflow chains can reach further pages
                for off in ptrs:
                    size, i = _varint(p, off)
                    rowid = 0
                    if kind == 13:
                        rowid, i = _varint(p, i)
                    local = self._local(size, kind == 10)
                    if local < size and self._overflow_hits(int.from_bytes(p[i + local:i + local + 4], "big")):
                        if kind == 10:
                            if name not in out.indexes:
                                out.indexes.append(name)
                        else:
                            out.tables.setdefault(name, []).append((rowid - 1, rowid))


def map_damage(chk: PageChecker, db_key: bytes, read_page: Callable[[int], bytes], bad_pages: list[int],
               conn: Any) -> PageDamage:
    """Which tables, rows, messages and conversations `bad_pages` hold. `conn` reads the schema and
    counts through indexes that do not touch the damaged pages (best effort)."""
    out = PageDamage(sorted(bad_pages))
    w = _Walker(chk, db_key, read_page, set(bad_pages))
    roots = [(1, "sqlite_schema", False)]
    try:
        roots += [(int(r[0]), str(r[1]), r[2] == "index") for r in conn.execute(
            "SELECT rootpage, name, type FROM sqlite_master WHERE rootpage > 0 ORDER BY rootpage")]
    except Exception:  # noqa: BLE001 - the schema itself is damaged: page 1 is reported
        pass
    for root, name, is_index in roots:
        w.walk(root, name, is_index, out)
    out.unused_pages = [p for p in out.pages if p not in w.hit]
    _count_messages(out, conn)
    return out


def _count_messages(out: PageDamage, conn: Any) -> None:
    ranges = out.tables.get("messages", [])
    if not ranges:
        out.messages = 0
        return
    convs: dict[int, int] = {}
    try:
        for lo, hi in ranges:
            q = ("SELECT conversation_id, count(*) FROM messages INDEXED BY messages_by_time WHERE id > ?"
                 + (" AND id <= ?" if hi is not None else "") + " GROUP BY conversation_id")
            for cid, n in conn.execute(q, (lo, hi) if hi is not None else (lo,)):
                convs[int(cid)] = convs.get(int(cid), 0) + int(n)
    except Exception:  # noqa: BLE001 - the index is damaged too: the id ranges bound the loss
        out.messages = None
        bounded = [hi - lo for lo, hi in ranges if hi is not None]
        out.messages_at_most = sum(bounded) if len(bounded) == len(ranges) else None
        return
    out.messages = sum(convs.values())
    for cid, n in sorted(convs.items()):
        title = None
        try:
            row = conn.execute("SELECT title FROM conversations WHERE id = ?", (cid,)).fetchone()
            title = row[0] if row else None
        except Exception:  # noqa: BLE001 - the conversation row itself may be on a damaged page
            pass
        out.conversations.append({"id": cid, "title": title, "messages": n})
