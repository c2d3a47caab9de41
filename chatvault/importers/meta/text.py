"""Meta's text encoding quirk: "Download your information" JSON writes each UTF-8 byte of a string as
its own `\\u00XX` escape, so 'é' arrives as 'Ã©' and '❤️' as 'â\\x9d¤ï¸\\x8f' ("mojibake").

`fix` undoes it for a string whose characters all fit in one byte and whose bytes are valid UTF-8;
anything else (text Meta wrote correctly, as newer end-to-end encrypted chat exports do, or plain
Latin-1 such as 'café' that is not valid UTF-8 as bytes) is returned as it is, so repairing twice or
repairing correct text changes nothing.
"""

from __future__ import annotations

from typing import Any


def fix(text: str) -> str:
    if text.isascii():
        return text
    try:
        return text.encode("latin-1").decode("utf-8")
    except (UnicodeEncodeError, UnicodeDecodeError):
        return text


def fix_all(value: Any) -> Any:
    """`fix` applied to every string in a JSON value (keys too)."""
    if isinstance(value, str):
        return fix(value)
    if isinstance(value, list):
        return [fix_all(v) for v in value]
    if isinstance(value, dict):
        return {fix(k) if isinstance(k, str) else k: fix_all(v) for k, v in value.items()}
    return value
