"""Escaping for every value that reaches an export page: HTML-escaped (quotes too) and with bidi
override/isolate controls shown as `[U+202E]` instead of obeyed (they could make a file name or a
sender read backwards: the classic "exe.txt" trick). The regex check first: most values need nothing."""

from __future__ import annotations

import re
from html import escape
from typing import Any

BIDI = re.compile("[\u202a-\u202e\u2066-\u2069]")
_SPECIAL = re.compile("[&<>\"'\u202a-\u202e\u2066-\u2069]")


def bidi_name(m: re.Match[str]) -> str:
    return f"[U+{ord(m.group()):04X}]"


def esc(value: Any) -> str:
    text = value if isinstance(value, str) else str(value)
    if not _SPECIAL.search(text):
        return text
    return BIDI.sub(bidi_name, escape(text, quote=True))
