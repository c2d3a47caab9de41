"""Vaults whose messages link to articles, and the pages the local server serves for them."""

from __future__ import annotations

import io
from datetime import timedelta
from pathlib import Path

from PIL import Image

from tests.article_server import ArticleServer, wechat_article
from tests.import_fixtures import LAYOUTS, T0, write_txt

WX = "mp.weixin.qq.com"
IMG = "mmbiz.qpic.cn"
A1 = "https://mp.weixin.qq.com/s/AAAAAAAAAAAAAAAAAAAAAA"
A2 = "https://mp.weixin.qq.com/s?__biz=MzA3MDM3NjE5NQ==&mid=2650000001&idx=1&sn=0123456789abcdef&chksm=11&scene=21#rd"
A2_SAME = "http://mp.weixin.qq.com/s?__biz=MzA3MDM3NjE5NQ%3D%3D&amp;mid=2650000001&amp;idx=1&amp;sn=0123456789abcdef"
A3 = "https://mp.weixin.qq.com/s/CCCCCCCCCCCCCCCCCCCCCC"
MARKER = "ZZMARKER-文章正文-0042"


def png(color: tuple[int, int, int] = (10, 120, 200), size: tuple[int, int] = (30, 20)) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", size, color).save(out, "PNG")
    return out.getvalue()


def chat_with_links(folder: Path, urls: list[str]) -> Path:
    lay = LAYOUTS["android-en-gb"]
    lines = [lay.stamp(T0 + timedelta(minutes=i)) + f"Alice: 看看这个 {u}" for i, u in enumerate(urls)]
    return write_txt(folder / "WhatsApp Chat with Alice.txt", lines)


def import_links(vault, tmp_path: Path, urls: list[str]) -> None:
    from chatvault.ingest.engine import run_import

    tmp_path.mkdir(parents=True, exist_ok=True)
    run_import(vault, chat_with_links(tmp_path, urls))


def serve_article(server: ArticleServer, path: str, title: str, n_images: int = 2, marker: str = MARKER) -> list[bytes]:
    """Route one article (and its images) on the server; returns the image bytes."""
    images = [png((20 * i, 100, 200 - 20 * i)) for i in range(n_images)]
    urls = [f"https://{IMG}/mmbiz_png/{title.encode().hex()[:12]}{i}/640?wx_fmt=png" for i in range(n_images)]
    server.route(WX, path, body=wechat_article(title, "每日新闻", f"{marker} 正文", urls), gzip=True)
    for u, data in zip(urls, images, strict=True):
        server.route(IMG, u.split(IMG, 1)[1], body=data, content_type="image/png")
    return images
