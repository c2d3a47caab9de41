"""A minimal Chrome DevTools Protocol client (stdlib only) for the HTML export benchmark: start
headless Chromium, open a page, and read the browser's own timing (navigation and paint entries)
and the renderer's memory — what "shown by Chromium" means, without the browser's start-up."""

from __future__ import annotations

import base64
import json
import os
import socket
import struct
import subprocess
import tempfile
import time
import urllib.request
from pathlib import Path
from typing import Any


class WebSocket:
    def __init__(self, url: str) -> None:
        assert url.startswith("ws://")
        hostport, _, path = url[5:].partition("/")
        host, port = hostport.split(":")
        self.sock = socket.create_connection((host, int(port)), timeout=600)
        key = base64.b64encode(os.urandom(16)).decode()
        self.sock.sendall((f"GET /{path} HTTP/1.1\r\nHost: {hostport}\r\nUpgrade: websocket\r\n"
                           f"Connection: Upgrade\r\nSec-WebSocket-Key: {key}\r\nSec-WebSocket-Version: 13\r\n\r\n")
                          .encode())
        head = b""
        while b"\r\n\r\n" not in head:
            head += self.sock.recv(1)
        assert b" 101 " in head.split(b"\r\n")[0], head

    def send(self, text: str) -> None:
        data = text.encode()
        mask = os.urandom(4)
        n = len(data)
        header = bytes([0x81]) + (bytes([0x80 | n]) if n < 126 else
                                  bytes([0x80 | 126]) + struct.pack(">H", n) if n < 65536 else
                                  bytes([0x80 | 127]) + struct.pack(">Q", n))
        self.sock.sendall(header + mask + bytes(b ^ mask[i % 4] for i, b in enumerate(data)))

    def _exact(self, n: int) -> bytes:
        buf = b""
        while len(buf) < n:
            chunk = self.sock.recv(n - len(buf))
            if not chunk:
                raise ConnectionError("DevTools closed the connection")
            buf += chunk
        return buf

    def recv(self) -> str:
        parts = []
        while True:
            b0, b1 = self._exact(2)
            n = b1 & 0x7F
            if n == 126:
                n = struct.unpack(">H", self._exact(2))[0]
            elif n == 127:
                n = struct.unpack(">Q", self._exact(8))[0]
            payload = self._exact(n)
            parts.append(payload)
            if b0 & 0x80:
                return b"".join(parts).decode()


class Browser:
    """`with Browser() as b: b.open(url)` → timings in ms from the browser, renderer RSS in MiB."""

    def __init__(self, chromium: str = "/usr/bin/chromium") -> None:
        self.profile = tempfile.TemporaryDirectory()
        self.proc = subprocess.Popen(
            [chromium, "--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
             "--disable-extensions", "--no-first-run", "--mute-audio", "--remote-debugging-port=0",
             f"--user-data-dir={self.profile.name}", "about:blank"],
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        port_file = Path(self.profile.name) / "DevToolsActivePort"
        for _ in range(600):
            if port_file.exists() and port_file.read_text().count("\n") >= 1:
                break
            time.sleep(0.05)
        port = port_file.read_text().split("\n")[0]
        targets = json.loads(urllib.request.urlopen(f"http://127.0.0.1:{port}/json/list", timeout=30).read())
        page = next(t for t in targets if t.get("type") == "page")
        self.ws = WebSocket(page["webSocketDebuggerUrl"])
        self.n = 0
        self.crashed = False
        self.call("Page.enable")
        self.call("Inspector.enable")

    def call(self, method: str, **params: Any) -> dict:
        self.n += 1
        self.ws.send(json.dumps({"id": self.n, "method": method, "params": params}))
        while True:
            msg = json.loads(self.ws.recv())
            if msg.get("id") == self.n:
                return msg.get("result", {})

    def wait_event(self, name: str, timeout: float) -> bool:
        """True when `name` arrives; False on a crashed tab (Inspector.targetCrashed) or timeout."""
        end = time.monotonic() + timeout
        self.ws.sock.settimeout(timeout)
        while time.monotonic() < end:
            msg = json.loads(self.ws.recv())
            if msg.get("method") == name:
                return True
            if msg.get("method") == "Inspector.targetCrashed":
                self.crashed = True
                return False
        return False

    def evaluate(self, expr: str) -> Any:
        return self.call("Runtime.evaluate", expression=expr, returnByValue=True).get("result", {}).get("value")

    def renderer_rss_mib(self) -> float:
        total = 0
        for pid in _descendants(self.proc.pid):
            try:
                status = Path(f"/proc/{pid}/status").read_text()
                cmd = Path(f"/proc/{pid}/cmdline").read_bytes()
            except OSError:
                continue
            if b"--type=renderer" in cmd:
                total += int(next(line.split()[1] for line in status.splitlines() if line.startswith("VmHWM")))
        return total / 1024

    def open(self, url: str, timeout: float = 300) -> dict:
        """Navigate; the browser's own figures: DOMContentLoaded, load, first contentful paint (ms)."""
        start = time.perf_counter()
        self.ws.send(json.dumps({"id": 0, "method": "Page.navigate", "params": {"url": url}}))
        try:
            loaded = self.wait_event("Page.loadEventFired", timeout)
        except (TimeoutError, ConnectionError):
            loaded = False
        wall = time.perf_counter() - start
        if not loaded:
            return {"ok": False, "wall_s": wall, "renderer_peak_rss_mib": self.renderer_rss_mib(),
                    "error": "the tab crashed" if self.crashed else f"not loaded after {wall:.0f} s"}
        self.ws.sock.settimeout(600)
        nav = self.evaluate("JSON.stringify(performance.getEntriesByType('navigation')[0])")
        fcp = self.evaluate("(performance.getEntriesByName('first-contentful-paint')[0]||{}).startTime||null")
        nav = json.loads(nav) if nav else {}
        self.call("Performance.enable")
        metrics = {m["name"]: m["value"] for m in self.call("Performance.getMetrics").get("metrics", [])}
        return {"ok": True, "dom_nodes": metrics.get("Nodes"),
                "js_heap_mib": (metrics.get("JSHeapTotalSize") or 0) / 2**20, "wall_s": wall, "dom_content_loaded_ms": nav.get("domContentLoadedEventEnd"),
                "load_ms": nav.get("loadEventEnd"), "first_contentful_paint_ms": fcp,
                "renderer_peak_rss_mib": self.renderer_rss_mib()}

    def __enter__(self) -> Browser:
        return self

    def __exit__(self, *exc: object) -> None:
        self.proc.kill()
        self.proc.wait()
        self.profile.cleanup()


def _descendants(pid: int) -> list[int]:
    out, todo = [], [pid]
    while todo:
        p = todo.pop()
        try:
            children = Path(f"/proc/{p}/task/{p}/children").read_text().split()
        except OSError:
            children = []
        for c in children:
            out.append(int(c))
            todo.append(int(c))
    return out
