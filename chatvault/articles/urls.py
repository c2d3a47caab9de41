"""Which links are articles, and one key per article however its URL is spelled.

The hosts below are the only ones ChatVault ever contacts for articles (docs/articles.md lists them):
WeChat official-account articles, and the we-media platforms whose articles are shared into WeChat
chats most often (each links to articles at a stable path that names one article). Images of an
article are fetched only from the article's own host or its platform's image hosts (`IMAGE_HOSTS`).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import Any
from urllib.parse import parse_qs, quote, unquote, urlsplit

WECHAT_HOST = "mp.weixin.qq.com"


@dataclass(frozen=True)
class Platform:
    name: str
    hosts: tuple[str, ...]            # exact host names
    path: re.Pattern[str]             # the article path; group "id" (or the query's id) names the article
    query_id: str | None = None       # the article id is this query parameter
    image_hosts: tuple[str, ...] = ()  # suffixes: "qpic.cn" matches mmbiz.qpic.cn


# One place: the article hosts and their image hosts (why each: docs/articles.md, "Which links").
PLATFORMS: tuple[Platform, ...] = (
    Platform("wechat", (WECHAT_HOST,), re.compile(r"^/(?:s|mp/appmsg/show|mp/rumor)(?:/(?P<id>[A-Za-z0-9_-]{6,64}))?/?$"),
             image_hosts=("mmbiz.qpic.cn", "mmbiz.qlogo.cn", "mmecoa.qpic.cn", "mmsns.qpic.cn")),
    Platform("toutiao", ("www.toutiao.com", "toutiao.com", "m.toutiao.com"),
             re.compile(r"^/(?:article|a|i)(?P<id>\d{6,25})/?$|^/article/(?P<id2>\d{6,25})/?$"),
             image_hosts=("toutiaoimg.com", "pstatp.com", "byteimg.com")),
    Platform("zhihu", ("zhuanlan.zhihu.com",), re.compile(r"^/p/(?P<id>\d{4,20})/?$"), image_hosts=("zhimg.com",)),
    Platform("baijiahao", ("baijiahao.baidu.com", "mbd.baidu.com"), re.compile(r"^/s/?$|^/newspage/data/landingsuper/?$"),
             query_id="id", image_hosts=("bdimg.com", "bcebos.com", "baidu.com")),
    Platform("sohu", ("www.sohu.com", "m.sohu.com"), re.compile(r"^/a/(?P<id>\d{3,20}_\d{1,20})/?$"),
             image_hosts=("itc.cn", "sohu.com")),
    Platform("netease", ("www.163.com", "m.163.com"), re.compile(r"^/(?:dy/)?article/(?P<id>[A-Z0-9]{10,24})\.html$"),
             image_hosts=("126.net", "163.com")),
    Platform("weibo", ("weibo.com", "card.weibo.com"), re.compile(r"^/ttarticle/p/show/?$|^/article/m/show/id/(?P<id>\d+)/?$"),
             query_id="id", image_hosts=("sinaimg.cn",)),
    Platform("jianshu", ("www.jianshu.com",), re.compile(r"^/p/(?P<id>[0-9a-f]{8,20})/?$"), image_hosts=("jianshu.io",)),
)

ARTICLE_HOSTS: tuple[str, ...] = tuple(h for p in PLATFORMS for h in p.hosts)
_BY_HOST = {h: p for p in PLATFORMS for h in p.hosts}

# A URL in free text: scheme optional for the article hosts ("mp.weixin.qq.com/s/abc" pasted bare).
_URL = re.compile(r"(?:https?://)?(?:" + "|".join(re.escape(h) for h in sorted(ARTICLE_HOSTS, key=len, reverse=True))
                  + r")(?:/[^\s<>\"'，。！？、）】》“”‘’]*)?", re.IGNORECASE)

_WX_PARAMS = (("__biz", "__biz"), ("mid", "mid"), ("idx", "idx"), ("sn", "sn"))
_WX_OLD = {"appmsgid": "mid", "itemidx": "idx", "sign": "sn"}


@dataclass(frozen=True)
class ArticleLink:
    key: str            # normalised: one per article however the link was spelled
    url: str            # canonical URL (tracking parameters dropped): what is fetched
    host: str
    platform: str


def _first(q: dict[str, list[str]], name: str) -> str | None:
    v = q.get(name)
    return v[0].strip() if v and v[0].strip() else None


def _wechat(path: str, m: re.Match[str], query: str) -> tuple[str, str] | None:
    if m.group("id"):
        if not path.startswith("/s/"):
            return None
        aid = m.group("id")
        return f"wechat:s/{aid}", f"https://{WECHAT_HOST}/s/{aid}"
    q = parse_qs(query, keep_blank_values=False)
    for old, new in _WX_OLD.items():
        if old in q and new not in q:
            q[new] = q[old]
    biz, mid, idx, sn = (_first(q, n) for n, _ in _WX_PARAMS)
    if not (biz and mid):
        return None
    idx = idx or "1"
    key = f"wechat:{biz}/{mid}/{idx}" + (f"/{sn}" if sn else "")
    parts = [f"__biz={quote(biz, safe='')}", f"mid={quote(mid, safe='')}", f"idx={quote(idx, safe='')}"]
    if sn:
        parts.append(f"sn={quote(sn, safe='')}")
    return key, f"https://{WECHAT_HOST}/s?" + "&".join(parts)


def article_link(url: str | None) -> ArticleLink | None:
    """The article a URL names, or None when it is not an article of a known platform."""
    if not url or len(url) > 4096:
        return None
    raw = url.strip().replace("&amp;", "&")
    if "://" not in raw:
        raw = "https://" + raw
    try:
        parts = urlsplit(raw)
    except ValueError:
        return None
    if parts.scheme.lower() not in ("http", "https"):
        return None
    host = (parts.hostname or "").lower().rstrip(".")
    platform = _BY_HOST.get(host)
    if platform is None:
        return None
    path = unquote(parts.path or "/")
    m = platform.path.match(path)
    if m is None:
        return None
    if platform.name == "wechat":
        got = _wechat(path, m, parts.query)
        if got is None:
            return None
        return ArticleLink(got[0], got[1], WECHAT_HOST, "wechat")
    groups = m.groupdict()
    aid = groups.get("id") or groups.get("id2")
    if platform.query_id:
        aid = _first(parse_qs(parts.query), platform.query_id) or aid
    if not aid or not re.fullmatch(r"[A-Za-z0-9_.-]{1,80}", aid):
        return None
    canonical = f"https://{host}{path}" + (f"?{platform.query_id}={quote(aid, safe='')}" if platform.query_id else "")
    return ArticleLink(f"{platform.name}:{aid}", canonical, host, platform.name)


def find_links(text: str | None) -> Iterator[str]:
    """Article-host URLs in free text (anything else is left alone)."""
    if not text or ("." not in text):
        return
    low = text.lower()
    if not any(h in low for h in ARTICLE_HOSTS):
        return
    for m in _URL.finditer(text):
        yield m.group(0).rstrip(".,;:!?)]}")


def _extra_urls(extra: Any) -> Iterator[tuple[str, str | None]]:
    """(url, title) pairs a message's details hold: the link itself, mmreader items, bundle items."""
    if not isinstance(extra, dict):
        return
    url = extra.get("url")
    if isinstance(url, str):
        yield url, extra.get("title") if isinstance(extra.get("title"), str) else None
    for key in ("articles", "bundle", "items", "media"):
        items = extra.get(key)
        if isinstance(items, list):
            for item in items[:200]:
                if isinstance(item, dict) and isinstance(item.get("url"), str):
                    title = item.get("title")
                    yield item["url"], title if isinstance(title, str) else None


def message_articles(text: str | None, extra: Any) -> list[tuple[ArticleLink, str, str | None, str | None]]:
    """Every article one message links to: (link, the URL as written, title, account name), once each."""
    out: dict[str, tuple[ArticleLink, str, str | None, str | None]] = {}
    account = None
    if isinstance(extra, dict):
        account = extra.get("source_name") or extra.get("source")
        account = account if isinstance(account, str) else None
    pairs: Iterable[tuple[str, str | None]] = list(_extra_urls(extra)) + [(u, None) for u in find_links(text)]
    for url, title in pairs:
        link = article_link(url)
        if link is not None and link.key not in out:
            out[link.key] = (link, url, title, account)
    return list(out.values())


def image_host_allowed(article_host: str, image_url: str) -> bool:
    """Images are fetched only from the article's host or its platform's image hosts (http/https)."""
    try:
        parts = urlsplit(image_url)
    except ValueError:
        return False
    if parts.scheme not in ("http", "https"):
        return False
    host = (parts.hostname or "").lower().rstrip(".")
    if host == article_host:
        return True
    platform = _BY_HOST.get(article_host)
    return platform is not None and any(host == s or host.endswith("." + s) for s in platform.image_hosts)
