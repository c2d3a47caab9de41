"""Participant keys from Messages handles, shared by every reader of the Messages schema (a Mac's
`chat.db`, an iPhone backup's `sms.db`), so one person is one participant whichever device the
messages came from."""

from __future__ import annotations

import re

ME_KEY = "me"          # the account owner (`is_from_me`); the same key from every device
_PREFIXES = ("tel:", "mailto:", "sms:", "imessage:")


def normalize_handle(value: str | None) -> str:
    """`+1 (555) 010-0199` → `+15550100199`; `Bob@Example.COM` → `bob@example.com`; `E:x@y` → `x@y`.

    Phone numbers keep their digits and a leading `+`; a short code or alphanumeric sender ID
    ("AMAZON", "12345") stays as written apart from case and spaces."""
    s = (value or "").strip()
    if len(s) > 2 and s[1] == ":" and s[0] in "eEpP":         # destination_caller_id / account: "E:", "p:"
        s = s[2:]
    low = s.lower()
    for p in _PREFIXES:
        if low.startswith(p):
            s, low = s[len(p):], low[len(p):]
    if "@" in s:
        return low.strip()
    digits = re.sub(r"[\s\-().\u00a0/]", "", s)
    if re.fullmatch(r"\+?\d{3,}", digits):
        return digits
    return re.sub(r"\s+", " ", s).strip()
