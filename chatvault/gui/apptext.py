"""Core error text told in the app's terms.

The core's messages and hints are written for the command line too: a hint may say "pass --key HEX"
or "run `chatvault check`". The app never tells a person to type a command: `app_text` drops the
parenthetical asides that name one, then the sentences that still do; `error_text` is an error's
message with its hint so cleaned (what the app shows wherever it shows a core error).
"""

from __future__ import annotations

import re

FLAGGED = re.compile(r"(?<![\w-])--[a-z]|`chatvault\b|\bchatvault [a-z-]+ ")
_ASIDE = re.compile(r"\s*\([^()]*(?:(?<![\w-])--[a-z]|`chatvault\b)[^()]*\)")
_SENTENCE_END = re.compile(r"(?<=[.!?;])\s+")


def app_text(text: str) -> str:
    """`text` without what tells a person to type a command-line flag or command."""
    if not FLAGGED.search(text):
        return text
    text = _ASIDE.sub("", text)
    parts = _SENTENCE_END.split(text)
    kept = [p for p in parts if not FLAGGED.search(p)]
    out = " ".join(kept).strip()
    if out and out[-1] == ";":
        out = out[:-1] + "."
    if kept and parts[0] is not kept[0]:         # the first sentence went: the next one now starts the text
        out = out[:1].upper() + out[1:]
    return out


def unflagged(text: str) -> str:
    """`text` with each `--flag` named as a plain word ("needs --bucket" → "needs bucket")."""
    return re.sub(r"(?<![\w-])--([a-z][a-z-]*)", lambda m: m.group(1).replace("-", " "), text).replace("`", "")


def error_text(exc: BaseException, sep: str = "\n") -> str:
    """An error's message and hint (the hint without command-line advice), for a label. A message that
    is nothing but such advice keeps its sense with the flag named as a word."""
    message = getattr(exc, "message", None) or str(exc)
    hint = app_text(getattr(exc, "hint", None) or "")
    return (app_text(message) or unflagged(message)) + (sep + hint if hint else "")
