"""What fetching does, in one sentence the CLI prints (the app shows its translated twin), and the
fetcher made from the vault's settings and the caller's consent."""

from __future__ import annotations

import os

from chatvault.articles.db import NetworkSettings
from chatvault.articles.net import DEFAULT_TIMEOUT, MAX_IMAGE, MAX_PAGE, Fetcher, NetworkNotAllowed
from chatvault.articles.urls import ARTICLE_HOSTS
from chatvault.errors import UsageError

CONNECT_TO_ENV = "CHATVAULT_ARTICLES_CONNECT_TO"


def statement(interval: float) -> str:
    return (f"ChatVault will fetch each article link found in this vault's messages (chats, Moments, Favorites) once, "
            f"only from these hosts: {', '.join(ARTICLE_HOSTS)}; and the images inside those articles from the "
            f"article's own image hosts. At most one request every {interval:g} s per host, each limited to "
            f"{DEFAULT_TIMEOUT:g} s and {MAX_PAGE >> 20} MiB ({MAX_IMAGE >> 20} MiB per image), with a User-Agent "
            "naming ChatVault and no cookies. Pages and images are stored encrypted in the vault. \"Check again\" asks "
            "the same pages whether they still exist. Nothing else in ChatVault uses the network (backups go only to "
            "destinations you set up).")


def parse_connect_to(text: str | None) -> dict[str, tuple[str, int]]:
    """"HOST=ADDR:PORT,HOST2=ADDR:PORT" (like curl's --connect-to): send HOST's requests there over HTTP."""
    out: dict[str, tuple[str, int]] = {}
    for part in (text or "").split(","):
        if not part.strip():
            continue
        host, sep, target = part.strip().partition("=")
        addr, _, port = target.rpartition(":")
        if not sep or not addr or not port.isdigit():
            raise UsageError(f"{part!r} is not HOST=ADDR:PORT.", hint="Example: mp.weixin.qq.com=127.0.0.1:8080")
        out[host.lower()] = (addr, int(port))
    return out


def fetcher(settings: NetworkSettings, *, allow: bool, interval: float | None = None,
            timeout: float | None = None, connect_to: str | None = None) -> Fetcher:
    """A fetcher when the user allowed fetching (here, `allow`, or in the app's settings); else
    `NetworkNotAllowed`, before any socket exists."""
    try:
        return Fetcher(allowed=bool(allow or settings.allowed), interval=interval or settings.interval,
                       timeout=timeout or DEFAULT_TIMEOUT,
                       connect_to=parse_connect_to(connect_to if connect_to is not None else os.environ.get(CONNECT_TO_ENV)))
    except NetworkNotAllowed as exc:
        raise NetworkNotAllowed(exc.message, hint=f"{exc.hint}\nWhat it does: {statement(settings.interval)}") from None
