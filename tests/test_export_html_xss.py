"""A chat made of attacks, exported to HTML: every page parsed, nothing but our own script can run."""

from __future__ import annotations

import json
import re

from chatvault.export.html import export_html
from chatvault.export.selection import Selection
from chatvault.jobs.context import JobContext
from chatvault.media.attach import MediaInfo, record_blob
from chatvault.media.blobstore import BlobStore
from tests.export_html_check import parse

PAYLOADS = [
    "<script>alert(1)</script>",
    '"><img src=x onerror=alert(1)>',
    "'><svg/onload=alert(1)>",
    "javascript:alert(1)",
    '<a href="javascript:alert(1)">click</a>',
    "</textarea></title></style><script>alert(2)</script>",
    "<iframe src=https://evil.example/></iframe><object data=x></object><embed src=x>",
    '<meta http-equiv="refresh" content="0;url=https://evil.example">',
    "<base href=https://evil.example/>",
    "<img src=https://tracker.example/p.gif>",
    "\u202eexe.txt \u2066isolate\u2069 RTL override",
    "https://ok.example/\"onmouseover=\"alert(1)",
    "JaVaScRiPt:alert(1) and data:text/html,<script>alert(1)</script>",
    "</script><script>alert('data file')</script>\u2028\u2029",
    "{{constructor.constructor('alert(1)')()}} ${alert(1)}",
]
# OWASP XSS Filter Evasion Cheat Sheet style vectors: tags × event handlers, and scheme obfuscations.
_TAGS = ["img src=x", "svg", "body", "iframe src=x", "details open", "video src=x", "audio src=x", "input autofocus",
         "marquee", "object data=x", "math", "select autofocus", "textarea autofocus", "button", "form", "a href=x",
         "div style=x", "isindex", "keygen autofocus", "frameset"]
_EVENTS = ["onerror", "onload", "onmouseover", "onfocus", "ontoggle"]
_SCHEMES = ["javascript:alert(1)", "JAVASCRIPT:alert(1)", " javascript:alert(1)", "jav\tascript:alert(1)",
            "jav&#x09;ascript:alert(1)", "&#106;&#97;&#118;&#97;&#115;&#99;&#114;&#105;&#112;&#116;:alert(1)",
            "data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==", "vbscript:msgbox(1)",
            "java\0script:alert(1)", "%6A%61vascript:alert(1)"]
PAYLOADS += [f"<{t} {e}=alert({i})>" for i, (t, e) in enumerate((t, e) for t in _TAGS for e in _EVENTS)]
PAYLOADS += [f'<a href="{u}">x</a>' for u in _SCHEMES] + _SCHEMES
SVG = (b'<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"><script>alert(2)</script>'
       b'<image href="https://tracker.example/x.png"/></svg>')
OURS = {"../assets/cv.js", "assets/cv.js"}
URL_ATTRS = {"href", "src", "action", "formaction", "poster", "data", "srcset", "background", "cite", "xlink:href"}


def _build(vault) -> None:
    conn = vault.connect()
    store = BlobStore(vault)
    svg = store.put_bytes(SVG)
    record_blob(conn, svg, MediaInfo("image/svg+xml", None, None))
    page = store.put_bytes(b"<html><script>alert(1)</script></html>")
    record_blob(conn, page, MediaInfo("text/html", None, None))
    bad = '"><script>alert(9)</script>'
    conn.execute("BEGIN")
    conn.execute("INSERT INTO sources(id, app, account, created_at) VALUES (1, 'telegram', ?, 0)", (bad,))
    conn.execute("INSERT INTO import_runs(id, started_at, format, path, outcome) VALUES (1, 0, 'telegram-json', ?, 'ok')",
                 (f"/tmp/{bad}/result.json",))
    conn.execute("INSERT INTO conversations(id, source_id, source_key, title, kind, created_at) "
                 "VALUES (1, 1, ?, ?, 'group', 0)", (bad, f"<script>alert('title')</script>{bad}"))
    conn.execute("INSERT INTO participants(id, source_id, source_key, display_name, is_me) VALUES (1, 1, ?, ?, 0)",
                 (bad, '<img src=x onerror="alert(1)">Mallory'))
    mid = 0
    for i, p in enumerate(PAYLOADS):
        for kind, extra in [("text", {}), ("link", {"url": p, "title": p, "description": p}),
                            ("location", {"lat": 1.5, "lon": 2.5, "label": p}),
                            ("payment", {"amount": p, "memo": p}), ("system", {}),
                            ("poll", {"poll": {"question": p, "answers": [{"text": p}]}}),
                            ("text", {"reactions": [{"emoji": p, "count": 1}]})]:
            mid += 1
            conn.execute(
                "INSERT INTO messages(id, conversation_id, source_key, ts, sender_id, kind, text, extra, "
                "forwarded_from, reply_to_key, first_run_id, location) VALUES (?, 1, ?, ?, 1, ?, ?, ?, ?, ?, 1, ?)",
                (mid, f"{p}-{mid}", 1_700_000_000_000 + mid * 1000, kind, p, json.dumps(extra), p,
                 p if i % 2 else None, p))
    names = [("image", svg.id, "image/svg+xml", '../../evil".svg'), ("file", page.id, "text/html", "page.html"),
             ("image", svg.id, "image/svg+xml", "x\" onmouseover=\"alert(1).png"),
             ("file", None, None, "..\\..\\windows\\system32\\x.dll")]
    names += [("file", None, "text/html", p) for p in PAYLOADS[:15]]             # attack file names
    for kind, blob, mime, name in names:
        mid += 1
        conn.execute("INSERT INTO messages(id, conversation_id, source_key, ts, sender_id, kind, first_run_id) "
                     "VALUES (?, 1, ?, ?, 1, ?, 1)", (mid, f"att-{mid}", 1_700_000_000_000 + mid * 1000, kind))
        conn.execute("INSERT INTO attachments(message_id, ordinal, blob_id, status, mime, original_name) "
                     "VALUES (?, 0, ?, ?, ?, ?)", (mid, blob, "stored" if blob else "missing", mime, name))
    conn.execute("COMMIT")
    conn.close()


def test_an_export_of_attacks_runs_no_script_but_ours(vault, tmp_path):
    _build(vault)
    out = tmp_path / "export"
    report = export_html(vault, Selection(), out, JobContext(), page_size=20, by="count")
    assert len(set(PAYLOADS)) >= 100 and report.messages == len(PAYLOADS) * 7 + 4 + 15
    pages = sorted(out.rglob("*.html"))
    assert len(pages) >= 8
    for path in pages:
        page = parse(path)
        where = path.relative_to(out)
        scripts = page.all("script")
        assert scripts and all(s.attrs.get("src") in OURS for s in scripts), where
        raw = path.read_text(encoding="utf-8")
        assert raw.count("<script") == len(scripts), where            # no script hidden from the parser
        csp = [m for m in page.all("meta") if m.attrs.get("http-equiv", "").lower() == "content-security-policy"]
        assert len(csp) == 1 and "default-src 'none'" in csp[0].attrs["content"], where
        assert "script-src 'self'" in csp[0].attrs["content"] and "unsafe" not in csp[0].attrs["content"]
        for node in page.tags:
            assert node.tag not in ("iframe", "object", "embed", "base", "frame"), (where, node)
            assert not (node.tag == "meta" and node.attrs.get("http-equiv", "").lower() == "refresh"), where
            for name, value in node.attrs.items():
                assert not name.lower().startswith("on"), (where, node)
                v = re.sub(r"[\s\x00-\x1f]", "", value).lower()
                if name in URL_ATTRS:
                    assert not v.startswith(("javascript:", "data:", "vbscript:")), (where, node)
                if name in ("src", "poster", "srcset", "data") or (node.tag == "link" and name == "href"):
                    assert not v.startswith(("http:", "https:", "//")), (where, node)   # nothing loads remotely
                if node.tag == "a" and name == "href" and v.startswith(("http:", "https:")):
                    assert "noopener" in node.attrs.get("rel", "") and "noreferrer" in node.attrs.get("rel", "")
        assert "\u202e" not in page.text and "\u2066" not in page.text, where       # bidi controls shown, not obeyed
    text = "".join(parse(p).text for p in pages)
    assert "<script>alert(1)</script>" in text and "Mallory" in text  # shown as text, not dropped
    assert "[U+202E]exe.txt" in text
    # Attachments: SVG/HTML "images" are written inert (opened, they show as text) and never shown as <img>.
    media = sorted(p.name for p in (out / "media").iterdir())
    assert all(name.endswith(".txt") for name in media), media
    assert not any(".." in p.relative_to(out).as_posix() for p in out.rglob("*"))
    for path in pages:
        assert not [i for i in parse(path).all("img") if ".svg" in i.attrs.get("src", "")]


def test_the_search_data_files_are_pure_data_calls(vault, tmp_path):
    _build(vault)
    out = tmp_path / "export"
    export_html(vault, Selection(), out, JobContext(), page_size=20, by="count")
    files = sorted((out / "c1" / "s").glob("*.js"))
    assert files
    call = re.compile(r'^CVS\.(meta|shard|doc)\("c1",(?:\d+,)?(.*)\);\n$', re.S)
    for f in files:
        m = call.match(f.read_text(encoding="utf-8"))
        assert m, f.name
        json.loads(m.group(2))                                     # JSON all the way: no code in the data
        assert "\u2028" not in m.group(2) and "\u2029" not in m.group(2)
