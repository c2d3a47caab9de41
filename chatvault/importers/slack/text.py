"""Slack's message markup as people read it: `<@U123>` → `@Name`, `<#C1|general>` → `#general`,
`<https://x|label>` → `label (https://x)`, `<!here>` → `@here`, HTML entities undone, and `:emoji:`
names of reactions as the emoji (the common ones; others stay `:name:`)."""

from __future__ import annotations

import re
from collections.abc import Callable

_LINK = re.compile(r"<([^<>|]+)(?:\|([^<>]*))?>")
EMOJI = {"+1": "👍", "thumbsup": "👍", "-1": "👎", "thumbsdown": "👎", "heart": "❤️", "smile": "😄",
         "joy": "😂", "laughing": "😆", "tada": "🎉", "fire": "🔥", "eyes": "👀", "pray": "🙏", "clap": "👏",
         "ok_hand": "👌", "white_check_mark": "✅", "heavy_check_mark": "✔️", "x": "❌", "100": "💯",
         "rocket": "🚀", "thinking_face": "🤔", "slightly_smiling_face": "🙂", "grinning": "😀", "wave": "👋",
         "raised_hands": "🙌", "muscle": "💪", "sob": "😭", "cry": "😢", "rage": "😡", "sweat_smile": "😅",
         "heart_eyes": "😍", "star": "⭐", "sparkles": "✨", "point_up": "☝️", "see_no_evil": "🙈", "wink": "😉"}


def emoji(name: str) -> str:
    base = name.split("::", 1)[0].strip(":")
    return EMOJI.get(base, f":{base}:")


def plain(text: str, user_name: Callable[[str], str | None], channel_name: Callable[[str], str | None]) -> str:
    def sub(m: re.Match[str]) -> str:
        target, label = m.group(1), m.group(2)
        if target.startswith("@"):
            return "@" + (label or user_name(target[1:]) or target[1:])
        if target.startswith("#"):
            return "#" + (label or channel_name(target[1:]) or target[1:])
        if target.startswith("!"):
            word = target[1:].split("^", 1)[0]
            return label or ("@" + word if word in ("here", "channel", "everyone") else word)
        if label and label != target:
            return f"{label} ({target})"
        return target.removeprefix("mailto:")

    out = _LINK.sub(sub, text)
    return out.replace("&lt;", "<").replace("&gt;", ">").replace("&amp;", "&")
