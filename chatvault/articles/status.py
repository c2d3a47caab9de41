"""What the source says about an article: available, deleted, blocked or unavailable, in its own words.

WeChat answers a deleted or blocked article with an ordinary page (HTTP 200) that carries one short
sentence instead of the article (`js_content`): those sentences, Chinese and English, are below. Any
platform's 404/410 means the article is gone. An article page that merely quotes such a sentence is
still the article: a page with article content is `available` whatever it says.
"""

from __future__ import annotations

import html
import re
from dataclasses import dataclass

# (status, phrase) — matched case-insensitively on the page's visible text; the first hit wins.
PHRASES: tuple[tuple[str, str], ...] = (
    ("deleted", "该内容已被发布者删除"),
    ("deleted", "此内容已被发布者删除"),
    ("deleted", "内容已被作者删除"),
    ("deleted", "该文章已被删除"),
    ("deleted", "此帐号已自主注销"),
    ("deleted", "此账号已自主注销"),
    ("deleted", "deleted by the author"),
    ("deleted", "deleted by the publisher"),
    ("deleted", "deleted by its author"),
    ("deleted", "content has been deleted"),
    ("blocked", "此内容因违规无法查看"),
    ("blocked", "此内容被投诉且经审核涉嫌侵权，无法查看"),
    ("blocked", "涉嫌侵权，无法查看"),
    ("blocked", "此内容被多人投诉"),
    ("blocked", "违反相关法律法规和政策"),
    ("blocked", "此内容因涉嫌违反"),
    ("blocked", "该内容已被投诉"),
    ("blocked", "此帐号已被屏蔽"),
    ("blocked", "此账号已被封"),
    ("blocked", "unable to view this content because it violates"),
    ("blocked", "cannot be viewed due to violation"),
    ("blocked", "violates regulations"),
    ("blocked", "suspected of infringement"),
    ("blocked", "has been reported by multiple users"),
    ("unavailable", "该公众号已迁移"),
    ("unavailable", "环境异常"),
    ("unavailable", "访问过于频繁"),
    ("unavailable", "参数错误"),
)

# Markers of real article content (WeChat's article body; generic <article>).
_CONTENT = re.compile(r"""id\s*=\s*["']js_content["']|class\s*=\s*["'][^"']*rich_media_content|<article\b""", re.I)
_SCRIPT = re.compile(r"<(script|style|noscript)\b.*?</\1\s*>", re.I | re.S)
_TAGS = re.compile(r"<[^>]+>")
_SPACE = re.compile(r"\s+")


@dataclass(frozen=True)
class Verdict:
    status: str                 # available | deleted | blocked | unavailable
    wording: str | None         # the source's own sentence, or the HTTP status line
    http_status: int | None


def visible_text(page: str, limit: int = 400_000) -> str:
    text = _SCRIPT.sub(" ", page[:limit])
    return _SPACE.sub(" ", html.unescape(_TAGS.sub(" ", text))).strip()


def _sentence(text: str, at: int, phrase: str) -> str:
    """The source's sentence around the phrase (up to its end punctuation), at most 200 characters."""
    start = max(text.rfind("。", 0, at), text.rfind(". ", 0, at), at - 80) + 1
    ends = [i for i in (text.find("。", at + len(phrase)), text.find(". ", at + len(phrase))) if i != -1]
    end = min([*ends, at + len(phrase) + 80]) + 1
    return text[max(0, start):end].strip(" 。.") or phrase


def judge(http_status: int | None, page: str | None, reason: str | None = None, *, needs_content: bool = False) -> Verdict:
    """The verdict for one response (status code, decoded body). `needs_content` (WeChat): a page without
    the article body and without a known sentence is `unavailable` (a verification or error page)."""
    if http_status in (404, 410):
        return Verdict("deleted", f"HTTP {http_status} {reason or ('Not Found' if http_status == 404 else 'Gone')}",
                       http_status)
    if http_status == 451:
        return Verdict("blocked", f"HTTP 451 {reason or 'Unavailable For Legal Reasons'}", http_status)
    if http_status is None or not 200 <= http_status < 300:
        return Verdict("unavailable", f"HTTP {http_status} {reason or ''}".strip() if http_status else reason,
                       http_status)
    page = page or ""
    if _CONTENT.search(page):
        return Verdict("available", None, http_status)
    text = visible_text(page)
    low = text.lower()
    for status, phrase in PHRASES:
        at = low.find(phrase.lower())
        if at != -1:
            return Verdict(status, _sentence(text, at, phrase), http_status)
    if needs_content:
        return Verdict("unavailable", "The page holds no article: " + (text[:160] or "(empty page)"), http_status)
    return Verdict("available", None, http_status)
