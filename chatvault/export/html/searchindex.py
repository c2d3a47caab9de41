"""The search index an HTML export carries: per chat, sharded token → messages, loaded lazily as JS.

Browsers refuse `fetch()` of `file://` pages, so the index is a set of small JavaScript data files
the page adds as `<script src>` only when the user searches (CSP `script-src 'self'` allows them):

- `s/meta.js`  — `CVS.meta({...})`: the number of shards and the pages (file, label, first ordinal);
- `s/tK.js`    — `CVS.shard(K, {token: postings})`: the tokens hashing to shard K (FNV-1a of their
  code points, the same function in `cv.js`), postings as the ascending message ordinals of the chat,
  delta-encoded in base 36, comma-separated (a million-message chat's index stays a few bytes a word);
- `s/dP.js`    — `CVS.doc(P, [[time, sender, snippet], ...])`: what a result line shows for the
  messages of page P, loaded only for pages that have results on screen.

Tokens follow the app's own rules (`chatvault/search/text.py`): Latin-script words whole, case and
accents folded; each CJK character and symbol alone, plus each pair of adjacent CJK characters, so a
query like 合同 is looked up as the bigram (an exact two-character match) and longer Chinese queries
as all their bigrams. Memory: postings are `array('I')` (4 bytes each), not lists of ints.
"""

from __future__ import annotations

import json
import re
import unicodedata
from array import array
from pathlib import Path

from chatvault.fsutil import storage_error
from chatvault.search.text import _CJK_RANGES, token_re

FNV_OFFSET = 2166136261
FNV_PRIME = 16777619
TARGET_SHARD_BYTES = 48 << 10
SNIPPET = 90


def _split_re() -> re.Pattern[str]:
    """Runs of CJK characters | another single-character token (emoji, symbol) | a word — the
    tokens of `search.text.token_re()`, with adjacent CJK characters kept together for bigrams."""
    single = token_re().pattern.split("|", 1)[0]            # the class of one-character tokens
    cjk = "".join(f"{re.escape(chr(lo))}-{re.escape(chr(hi))}" for lo, hi in _CJK_RANGES)
    return re.compile(f"([{cjk}]+)|({single})|([^\\W_{single[1:-1]}]+)")


_SPLIT = _split_re()
_ASCII_WORD = re.compile(r"[a-z0-9]+")


def query_tokens(query: str) -> list[str]:
    """The tokens a search box query looks up (what `tokens()` in cv.js does): words folded, a lone
    CJK character itself, a CJK run as its adjacent pairs; a message must hold all of them."""
    out: list[str] = []
    for run, single, word in _SPLIT.findall(query):
        if run:
            out += [run] if len(run) == 1 else [run[i:i + 2] for i in range(len(run) - 1)]
        else:
            out.append(single or fold(word))
    return list(dict.fromkeys(out))


def shard_of(token: str, shards: int) -> int:
    h = FNV_OFFSET
    for ch in token:
        h = ((h ^ ord(ch)) * FNV_PRIME) & 0xFFFFFFFF
    return h % shards


def fold(word: str) -> str:
    """Lower case, accents removed (what FTS5's `remove_diacritics 2` does to a word)."""
    low = word.lower()
    if low.isascii():
        return low
    return "".join(c for c in unicodedata.normalize("NFD", low) if not unicodedata.category(c).startswith("M"))


def js_string(value: str) -> str:
    """A JSON string that is also safe JavaScript source (U+2028/2029 escaped)."""
    return json.dumps(value, ensure_ascii=False).replace("\u2028", "\\u2028").replace("\u2029", "\\u2029")


def js_value(value: object) -> str:
    return json.dumps(value, ensure_ascii=False, separators=(",", ":")).replace(
        "\u2028", "\\u2028").replace("\u2029", "\\u2029")


class ChatIndex:
    """Collects one chat's postings while its pages are written; `write()` emits the shards."""

    def __init__(self, folder: Path, chat: str) -> None:
        self.folder = folder
        self.chat = js_string(chat)
        self.folder.mkdir(parents=True, exist_ok=True)
        self.postings: dict[str, array] = {}
        self._fold: dict[str, str] = {}
        self.bytes_written = 0

    def tokens(self, text: str) -> set[str]:
        """The index tokens of a text (words folded, CJK characters and adjacent CJK pairs)."""
        if text.isascii():
            return set(_ASCII_WORD.findall(text.lower()))
        out: set[str] = set()
        folds = self._fold
        for run, single, word in _SPLIT.findall(text):
            if run:
                out.update(run)
                if len(run) > 1:
                    out.update(run[i:i + 2] for i in range(len(run) - 1))
            elif single:
                out.add(single)
            else:
                f = folds.get(word)
                if f is None:
                    f = fold(word)
                    if len(folds) < 500_000:
                        folds[word] = f
                out.add(f)
        return out

    def add(self, ordinal: int, text: str) -> None:
        postings = self.postings
        for tok in self.tokens(text):
            arr = postings.get(tok)
            if arr is None:
                arr = postings[tok] = array("I")
            arr.append(ordinal)

    def write_doc(self, page_index: int, rows: list[list[str]]) -> None:
        path = self.folder / f"d{page_index}.js"
        data = f"CVS.doc({self.chat},{page_index},{js_value(rows)});\n".encode()
        write_file(path, data)
        self.bytes_written += len(data)

    def write(self, pages: list[tuple[str, str, int]], count: int, title: str, shards: int = 1) -> int:
        """Write meta.js (the pages: what go.html and the search need) and the shards; returns
        the number of shards (0 writes meta.js alone: an export without search)."""
        size = sum(len(t) + 4 + 3 * len(a) for t, a in self.postings.items())
        while shards and shards < 4096 and size / shards > TARGET_SHARD_BYTES:
            shards *= 2
        by_shard: list[list[str]] = [[] for _ in range(shards)]
        for tok in self.postings:
            by_shard[shard_of(tok, shards)].append(tok)
        for k, toks in enumerate(by_shard):          # one shard's text in memory at a time
            items = []
            for tok in sorted(toks):
                arr = self.postings.pop(tok)
                prev = 0
                parts = []
                for n in arr:
                    parts.append(_b36(n - prev))
                    prev = n
                items.append(f"{js_string(tok)}:\"{','.join(parts)}\"")
            data = f"CVS.shard({self.chat},{k},{{{','.join(items)}}});\n".encode()
            write_file(self.folder / f"t{k}.js", data)
            self.bytes_written += len(data)
        meta = {"shards": shards, "count": count, "title": title, "pages": [list(p) for p in pages]}
        data = f"CVS.meta({self.chat},{js_value(meta)});\n".encode()
        write_file(self.folder / "meta.js", data)
        self.bytes_written += len(data)
        return shards


_DIGITS = "0123456789abcdefghijklmnopqrstuvwxyz"
_B36 = [a + b for a in ("", *_DIGITS[1:]) for b in _DIGITS]      # 0 .. 1295 precomputed


def write_file(path: Path, data: bytes) -> int:
    """Write an export file; a full disk or a read-only folder becomes the app's StorageError."""
    try:
        path.write_bytes(data)
    except OSError as exc:
        raise storage_error(exc, f"writing {path}") from exc
    return len(data)


def _b36(n: int) -> str:
    if n < 1296:
        return _B36[n]
    out = []
    while n:
        n, r = divmod(n, 36)
        out.append(_DIGITS[r])
    return "".join(reversed(out))


def snippet(text: str) -> str:
    text = " ".join(text.split())
    return text if len(text) <= SNIPPET else text[:SNIPPET - 1] + "…"
