"""Snippets: the part of a message around the first match, with every match marked.

Made in Python from `messages.text` (the index is contentless) by a small model of the tokenizer:
letters/digits runs are words, each CJK character and symbol is one token, case and accents are
folded as FTS5 folds them. Only the page being shown is processed, so this costs microseconds.
"""

from __future__ import annotations

from collections.abc import Sequence

from chatvault.search.query import Term
from chatvault.search.text import GAP, fold, token_re

Segment = tuple[str, bool]


def _token_spans(text: str) -> list[tuple[int, int, str]]:
    return [(m.start(), m.end(), fold(m.group())) for m in token_re().finditer(text)]


def match_spans(text: str, terms: Sequence[Term]) -> list[tuple[int, int]]:
    """Character ranges of `text` matched by any of the terms, merged and sorted."""
    spans = _token_spans(text)
    words = [s[2] for s in spans]
    found: list[tuple[int, int]] = []
    for term in terms:
        want = [fold(t) for t in term.tokens if t != GAP]
        if not want:
            continue
        k = len(want)
        head, last = want[0], want[-1]
        for i, w in enumerate(words):
            if k == 1:
                ok = w.startswith(head) if term.prefix else w == head
            else:
                ok = (w == head and i + k <= len(words) and words[i + 1:i + k - 1] == want[1:-1]
                      and (words[i + k - 1].startswith(last) if term.prefix else words[i + k - 1] == last))
            if ok:
                found.append((spans[i][0], spans[i + k - 1][1]))
    found.sort()
    merged: list[tuple[int, int]] = []
    for a, b in found:
        if merged and a <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(b, merged[-1][1]))
        else:
            merged.append((a, b))
    return merged


def make_snippet(text: str | None, terms: Sequence[Term], width: int = 90) -> list[Segment]:
    """Up to about `width` characters around the first match, as (text, is_match) segments."""
    if not text:
        return []
    flat = " ".join(text.split())
    spans = match_spans(flat, terms) if terms else []
    if len(flat) <= width:
        lo, hi = 0, len(flat)
    else:
        first = spans[0][0] if spans else 0
        lo = max(0, first - width // 3)
        if lo > 0:
            space = flat.rfind(" ", max(0, lo - 12), lo + 1)
            if space >= 0:
                lo = space + 1
        hi = min(len(flat), lo + width)
        if hi < len(flat):
            space = flat.find(" ", hi - 12, hi)
            if space > lo:
                hi = space
    segments: list[Segment] = []
    if lo > 0:
        segments.append(("…", False))
    pos = lo
    for a, b in spans:
        if b <= lo or a >= hi:
            continue
        a, b = max(a, lo), min(b, hi)
        if a > pos:
            segments.append((flat[pos:a], False))
        segments.append((flat[a:b], True))
        pos = b
    if pos < hi:
        segments.append((flat[pos:hi], False))
    if hi < len(flat):
        segments.append(("…", False))
    return segments


def render(segments: Sequence[Segment], open_mark: str = "[", close_mark: str = "]") -> str:
    return "".join(f"{open_mark}{t}{close_mark}" if m else t for t, m in segments)
