"""The only place ChatVault fetches from the web, and only article pages and their images.

A `Fetcher` exists only with the user's consent (`NetworkNotAllowed` otherwise). Every request:
GET over HTTPS to a host the caller allows (the article hosts, or an article's image hosts), at most
one request per `interval` seconds per host (measured on the monotonic clock from the previous
request's start), a timeout for the whole request, a size limit (Content-Length checked first,
then counted while reading), a truthful User-Agent, no cookies sent or kept, no proxy, at most five
redirects and each to an allowed host. `connect_to` (like curl's `--connect-to`) sends a host's
requests to another address over plain HTTP: a local mirror, or the tests' server on 127.0.0.1.
"""

from __future__ import annotations

import http.client
import ssl
import threading
import time
import zlib
from collections.abc import Callable
from dataclasses import dataclass, field
from urllib.parse import urljoin, urlsplit

import brotli

from chatvault import __version__ as _VERSION
from chatvault.errors import UsageError

USER_AGENT = (f"Mozilla/5.0 (compatible; ChatVault/{_VERSION}; personal archive: saves articles shared in the "
              "user's own chats, once each)")
MAX_PAGE = 8 << 20
MAX_IMAGE = 15 << 20
MAX_REDIRECTS = 5
DEFAULT_TIMEOUT = 20.0
# brotli ≥ 1.2 can stop inflating at a limit (a bomb is refused before it fills memory); older ones cannot.
try:
    brotli.Decompressor().process(b"", output_buffer_limit=1)
    _BROTLI_LIMIT = True
except TypeError:
    _BROTLI_LIMIT = False


class NetworkNotAllowed(UsageError):
    code = "network_not_allowed"


class FetchError(Exception):
    """One request failed; `problem` says how, in English, for the article's record."""

    def __init__(self, problem: str, http_status: int | None = None) -> None:
        super().__init__(problem)
        self.problem = problem
        self.http_status = http_status


@dataclass
class Response:
    url: str                    # after redirects
    status: int
    reason: str
    headers: dict[str, str]
    body: bytes

    @property
    def content_type(self) -> str:
        return self.headers.get("content-type", "").split(";", 1)[0].strip().lower()

    def text(self) -> str:
        charset = None
        for part in self.headers.get("content-type", "").split(";")[1:]:
            k, _, v = part.strip().partition("=")
            if k.lower() == "charset":
                charset = v.strip("\"' ")
        return decode_html(self.body, charset)


def decode_html(body: bytes, charset: str | None = None) -> str:
    if not charset:
        head = body[:4096].decode("ascii", "replace").lower()
        at = head.find("charset=")
        if at != -1:
            charset = head[at + 8:at + 40].strip("\"' ").split('"')[0].split("'")[0].split(";")[0].split(">")[0].strip()
    try:
        return body.decode(charset or "utf-8", "replace")
    except LookupError:
        return body.decode("utf-8", "replace")


def decode_body(body: bytes, encoding: str, limit: int) -> bytes:
    """Undo Content-Encoding (gzip, deflate, br), refusing to inflate past `limit` (a bomb)."""
    enc = (encoding or "").strip().lower()
    if enc in ("", "identity"):
        return body
    try:
        if enc in ("gzip", "x-gzip", "deflate"):
            d = zlib.decompressobj(16 + zlib.MAX_WBITS if enc != "deflate" else zlib.MAX_WBITS)
            out = d.decompress(body, limit + 1)
            if enc == "deflate" and not out and body:
                out = zlib.decompressobj(-zlib.MAX_WBITS).decompress(body, limit + 1)   # raw deflate
        elif enc == "br":
            dec = brotli.Decompressor()
            out = dec.process(body, output_buffer_limit=limit + 1) if _BROTLI_LIMIT else dec.process(body)
        else:
            raise FetchError(f"unsupported content encoding {encoding!r}")
    except (zlib.error, brotli.error) as exc:
        raise FetchError(f"the {enc} body is damaged ({exc})") from exc
    if len(out) > limit:
        raise FetchError(f"larger than {limit >> 20} MiB once decompressed")
    return out


@dataclass
class Fetcher:
    allowed: bool
    interval: float = 2.0
    timeout: float = DEFAULT_TIMEOUT
    connect_to: dict[str, tuple[str, int]] = field(default_factory=dict)
    sleep: Callable[[float], None] = time.sleep
    requests: int = 0
    _next: dict[str, float] = field(default_factory=dict)
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def __post_init__(self) -> None:
        if not self.allowed:
            raise NetworkNotAllowed(
                "Fetching articles from the internet is off.",
                hint="Turn it on in Settings → Articles, or pass --allow-network to `chatvault articles`.")

    def _wait_turn(self, host: str, cancelled: Callable[[], bool] | None) -> None:
        while True:
            with self._lock:
                now = time.monotonic()
                due = self._next.get(host, 0.0)
                if now >= due:
                    self._next[host] = now + self.interval
                    return
            if cancelled is not None and cancelled():
                from chatvault.errors import Cancelled

                raise Cancelled()
            self.sleep(min(due - now, 0.25))

    def get(self, url: str, *, max_bytes: int, allow: Callable[[str], bool],
            cancelled: Callable[[], bool] | None = None) -> Response:
        """GET `url` (following allowed redirects): the response whatever its status, or FetchError."""
        for _ in range(MAX_REDIRECTS + 1):
            if not allow(url):
                raise FetchError(f"{urlsplit(url).hostname or url} is not a host ChatVault fetches from")
            resp = self._once(url, max_bytes, cancelled)
            location = resp.headers.get("location")
            if resp.status in (301, 302, 303, 307, 308) and location:
                url = urljoin(url, location)
                continue
            return resp
        raise FetchError(f"more than {MAX_REDIRECTS} redirects")

    def _connection(self, parts) -> http.client.HTTPConnection:
        host = (parts.hostname or "").lower()
        target = self.connect_to.get(host)
        if target is not None:
            return http.client.HTTPConnection(target[0], target[1], timeout=self.timeout)
        if parts.scheme == "https":
            return http.client.HTTPSConnection(host, parts.port or 443, timeout=self.timeout,
                                               context=ssl.create_default_context())
        return http.client.HTTPConnection(host, parts.port or 80, timeout=self.timeout)

    def _once(self, url: str, max_bytes: int, cancelled: Callable[[], bool] | None) -> Response:
        parts = urlsplit(url)
        if parts.scheme not in ("http", "https") or not parts.hostname:
            raise FetchError(f"not a web address: {url[:200]}")
        host = parts.hostname.lower()
        self._wait_turn(host, cancelled)
        deadline = time.monotonic() + self.timeout
        path = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
        conn = self._connection(parts)
        try:
            self.requests += 1
            conn.request("GET", path, headers={
                "Host": parts.netloc, "User-Agent": USER_AGENT, "Accept-Encoding": "gzip, deflate",
                "Accept": "text/html,application/xhtml+xml,image/avif,image/webp,image/*;q=0.9,*/*;q=0.5",
                "Accept-Language": "zh-CN,zh;q=0.9,en;q=0.8", "Connection": "close"})
            r = conn.getresponse()
            headers = {k.lower(): v for k, v in r.getheaders()}
            declared = headers.get("content-length", "")
            if declared.isdigit() and int(declared) > max_bytes:
                raise FetchError(f"{int(declared) >> 20} MiB is over the {max_bytes >> 20} MiB limit", r.status)
            chunks, got = [], 0
            while True:
                if time.monotonic() > deadline:
                    raise FetchError(f"timed out after {self.timeout:g} s", r.status)
                chunk = r.read1(65536) if hasattr(r, "read1") else r.read(65536)
                if not chunk:
                    break
                got += len(chunk)
                if got > max_bytes:
                    raise FetchError(f"over the {max_bytes >> 20} MiB limit", r.status)
                chunks.append(chunk)
            body = decode_body(b"".join(chunks), headers.get("content-encoding", ""), max_bytes)
            return Response(url, r.status, r.reason or "", headers, body)
        except TimeoutError:
            raise FetchError(f"timed out after {self.timeout:g} s") from None
        except (OSError, http.client.HTTPException) as exc:
            raise FetchError(f"{type(exc).__name__}: {exc}".rstrip(": ")) from exc
        finally:
            conn.close()
