"""A real HTTP server on 127.0.0.1 for the article tests: serves pages and images by Host and path,
and records when each request arrived (monotonic clock) so rate limits are measured, not assumed."""

from __future__ import annotations

import gzip
import threading
import time
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


@dataclass
class Route:
    status: int = 200
    body: bytes = b""
    content_type: str = "text/html; charset=utf-8"
    gzip: bool = False
    stall: float = 0.0            # seconds to wait after the headers (a server that stops answering)
    chunked: bool = False         # no Content-Length: the client must count
    headers: dict[str, str] = field(default_factory=dict)


@dataclass
class Seen:
    host: str
    path: str
    at: float
    headers: dict[str, str]


class ArticleServer:
    def __init__(self) -> None:
        self.routes: dict[tuple[str, str], Route] = {}
        self.seen: list[Seen] = []
        self._lock = threading.Lock()
        outer = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *args) -> None:
                pass

            def do_GET(self) -> None:  # noqa: N802
                host = (self.headers.get("Host") or "").split(":")[0].lower()
                with outer._lock:
                    outer.seen.append(Seen(host, self.path, time.monotonic(), {k.lower(): v for k, v in self.headers.items()}))
                route = outer.routes.get((host, self.path)) or outer.routes.get((host, self.path.split("?")[0]))
                if route is None:
                    route = Route(404, b"<html><body>Not here</body></html>")
                body = gzip.compress(route.body) if route.gzip else route.body
                self.send_response(route.status)
                self.send_header("Content-Type", route.content_type)
                if route.gzip:
                    self.send_header("Content-Encoding", "gzip")
                for k, v in route.headers.items():
                    self.send_header(k, v)
                if not route.chunked:
                    self.send_header("Content-Length", str(len(body)))
                self.send_header("Connection", "close")
                self.end_headers()
                try:
                    if route.stall:
                        self.wfile.write(body[:10])
                        self.wfile.flush()
                        time.sleep(route.stall)
                        return
                    for i in range(0, len(body), 1 << 16):
                        self.wfile.write(body[i:i + (1 << 16)])
                except (BrokenPipeError, ConnectionResetError):
                    pass

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.httpd.daemon_threads = True
        self.port = self.httpd.server_address[1]
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)

    def __enter__(self) -> ArticleServer:
        self.thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()

    def route(self, host: str, path: str, **kw) -> None:
        self.routes[(host, path)] = Route(**kw)

    def connect_to(self, *hosts: str) -> dict[str, tuple[str, int]]:
        return {h: ("127.0.0.1", self.port) for h in hosts}

    def requests_to(self, host: str) -> list[Seen]:
        with self._lock:
            return [s for s in self.seen if s.host == host]


def wechat_article(title: str, account: str, body: str, images: list[str]) -> bytes:
    """An article page shaped like WeChat's: chrome, scripts, and the body in #js_content with lazy images."""
    imgs = "".join(f'<p><img class="rich_pages wxw-img" data-src="{u}" src="data:image/svg+xml,%3Csvg%3E" alt="pic {i}"></p>'
                   for i, u in enumerate(images))
    return (f'<!DOCTYPE html><html><head><meta charset="utf-8"><meta property="og:title" content="{title}">'
            f'<script>var msg_title = "{title}"; var nickname = htmlDecode("{account}");</script>'
            f'<style>.x{{background:url(https://evil.example/bg.png)}}</style></head><body>'
            f'<div id="js_top">顶部</div><h1 class="rich_media_title">{title}</h1>'
            f'<a id="js_name">{account}</a>'
            f'<div class="rich_media_content" id="js_content" style="visibility: hidden;"><p>{body}</p>{imgs}</div>'
            f'<div id="js_pc_qr_code">微信扫一扫</div><script>document.write("tracking")</script></body></html>').encode()


DELETED_PAGE = ('<!DOCTYPE html><html><head><meta charset="utf-8"><title></title></head><body><div class="weui-msg">'
                '<div class="weui-msg__text-area"><h2 class="weui-msg__title">该内容已被发布者删除</h2></div></div>'
                '</body></html>').encode()
BLOCKED_PAGE = ('<!DOCTYPE html><html><head><meta charset="utf-8"></head><body><div class="weui-msg"><p '
                'class="weui-msg__title warn">此内容因违规无法查看</p></div></body></html>').encode()
INFRINGING_PAGE = ('<html><body><div class="weui-msg"><p>此内容被投诉且经审核涉嫌侵权，无法查看。</p></div></body></html>').encode()
DELETED_PAGE_EN = (b'<html><body><div class="weui-msg"><h2>This content has been deleted by the author.</h2></div>'
                   b'</body></html>')
