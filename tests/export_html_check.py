"""Helpers for the HTML export tests: a parsed view of a page (html.parser) and headless Chromium."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tempfile
from dataclasses import dataclass
from html.parser import HTMLParser
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


@dataclass
class Node:
    tag: str
    attrs: dict[str, str]
    text: str = ""


class Page(HTMLParser):
    """Every start tag with its attributes, and the page's text."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: list[Node] = []
        self.texts: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append(Node(tag, {k: v or "" for k, v in attrs}))

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.handle_starttag(tag, attrs)

    def handle_data(self, data: str) -> None:
        self.texts.append(data)

    def all(self, tag: str, **want: str) -> list[Node]:
        out = []
        for n in self.tags:
            if n.tag != tag:
                continue
            if all(v in n.attrs.get(k.rstrip("_"), "").split() or n.attrs.get(k.rstrip("_")) == v
                   for k, v in want.items()):
                out.append(n)
        return out

    @property
    def text(self) -> str:
        return "".join(self.texts)


def parse(path: Path | str, text: str | None = None) -> Page:
    p = Page()
    p.feed(text if text is not None else Path(path).read_text(encoding="utf-8"))
    p.close()
    return p


def chromium() -> str:
    """Debian's chromium, installed by packaging/sysdeps.sh --test when missing (as root with apt);
    the test is skipped only where apt cannot run, saying so."""
    found = shutil.which("chromium") or ("/usr/bin/chromium" if os.path.exists("/usr/bin/chromium") else None)
    if found:
        return found
    if os.geteuid() != 0 or not shutil.which("apt-get"):
        pytest.skip("chromium is not installed and apt-get cannot run here (not root or no apt): "
                    "run `sudo apt-get install chromium` (packaging/sysdeps.sh --test does it)")
    subprocess.run(["bash", str(ROOT / "packaging" / "sysdeps.sh"), sys.executable, "--test"], check=True)
    found = shutil.which("chromium") or "/usr/bin/chromium"
    assert os.path.exists(found), "packaging/sysdeps.sh --test did not install chromium"
    return found


def dump_dom(url: str, budget_ms: int = 8000, timeout: float = 120) -> str:
    """The DOM after the page's scripts ran (virtual time lets lazily added data scripts finish)."""
    return dump_dom_logged(url, budget_ms, timeout)[0]


def dump_dom_logged(url: str, budget_ms: int = 8000, timeout: float = 120) -> tuple[str, str]:
    """The DOM and Chromium's log (console messages and Content-Security-Policy refusals)."""
    with tempfile.TemporaryDirectory() as profile:
        p = subprocess.run(
            [chromium(), "--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
             "--disable-extensions", "--disable-sync", "--no-first-run", "--mute-audio",
             "--enable-logging=stderr", "--v=0", f"--user-data-dir={profile}",
             f"--virtual-time-budget={budget_ms}", "--dump-dom", url],
            capture_output=True, timeout=timeout)
    assert p.returncode == 0, p.stderr.decode(errors="replace")[-2000:]
    return p.stdout.decode("utf-8"), p.stderr.decode("utf-8", errors="replace")
