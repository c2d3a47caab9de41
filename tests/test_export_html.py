"""HTML export: a chat reads like the messenger, every state is visible, pages link up, search data works."""

from __future__ import annotations

import io
import json
import re

import pytest
from PIL import Image

from chatvault.errors import InputError
from chatvault.export.html import export_html
from chatvault.export.html.searchindex import query_tokens, shard_of
from chatvault.export.selection import Selection
from chatvault.jobs.context import JobContext
from chatvault.media.attach import MediaInfo, record_blob
from chatvault.media.blobstore import BlobStore
from chatvault.media.thumbnails import thumbnail_blob
from tests.export_html_check import parse
from tests.search_data import populate

HOUR = 3_600_000
T0 = 1_706_590_800_000          # 2024-01-30 05:00 UTC


def _png() -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (800, 600), "green").save(out, "PNG")
    return out.getvalue()


def _blob(conn, store, data: bytes, mime: str) -> str:
    s = store.put_bytes(data)
    record_blob(conn, s, MediaInfo(mime, None, None))
    return s.id


def build(vault) -> None:
    """One WhatsApp group across two months with every kind of message the renderer knows."""
    conn = vault.connect()
    store = BlobStore(vault)
    photo = _blob(conn, store, _png(), "image/png")
    thumbnail_blob(conn, store, photo)
    clip = _blob(conn, store, b"\x00\x00\x00\x18ftypmp42" + b"v" * 500, "video/mp4")
    voice = _blob(conn, store, b"OggS" + b"a" * 300, "audio/ogg")
    conn.execute("BEGIN")
    conn.execute("INSERT INTO sources(id, app, account, created_at) VALUES (1, 'whatsapp', '+4915100000', 0)")
    conn.execute("INSERT INTO import_runs(id, started_at, format, path, outcome) "
                 "VALUES (1, 1706600000000, 'whatsapp-zip', '/exports/WhatsApp Chat Family.zip', 'ok')")
    conn.execute("INSERT INTO conversations(id, source_id, source_key, title, kind, created_at) "
                 "VALUES (1, 1, 'fam', 'Family', 'group', 0)")
    conn.executemany("INSERT INTO participants(id, source_id, source_key, display_name, is_me) VALUES (?, 1, ?, ?, ?)",
                     [(1, "me", "Me", 1), (2, "anna", "Anna", 0), (3, "li", "李雷", 0)])
    rows = [
        (1, 2, "text", "Hello https://example.com/x?a=1&b=2 see", {}, "present", 0, None),
        (2, 1, "text", "合同发票 signed", {}, "present", 0, None),
        (3, 2, "image", None, {}, "present", 0, None),
        (4, 1, "video", None, {}, "present", 0, None),
        (5, 2, "voice", None, {}, "present", 0, None),
        (6, 2, "file", "report.pdf", {}, "present", 0, None),
        (7, 3, "payment", None, {"payment": "red_packet", "amount": "¥88.00", "greeting": "恭喜发财"}, "present", 0, None),
        (8, 2, "location", None, {"lat": 31.2304, "lon": 121.4737, "label": "上海外滩"}, "present", 0, None),
        (9, 1, "call", None, {"outcome": "missed", "duration_seconds": 0}, "present", 0, None),
        (10, None, "system", "Anna added 李雷", {}, "present", 0, None),
        (11, 2, "recalled", "Anna recalled a message", {"event": "recall"}, "present", 0, None),
        (12, 1, "text", "see you at 8 (fixed)", {}, "present", 1, None),
        (13, 3, "text", "this one was deleted later", {}, "missing-at-source", 0, None),
    ]
    rows += [(i, 1 + i % 3, "text", f"filler number {i}", {}, "present", 0, 25 if i == 14 else None)
             for i in range(14, 26)]
    rows.append((26, 3, "text", "yes I agree", {}, "present", 0, 2))
    rows.append((27, 2, "text", "reply to a lost one", {}, "present", 0, None))
    for mid, sender, kind, text, extra, status, edited, reply in rows:
        conn.execute(
            "INSERT INTO messages(id, conversation_id, source_key, ts, tz_offset, sender_id, kind, text, status, "
            "is_edited, edited_at, reply_to_id, reply_to_key, extra, first_run_id, last_seen_run_id, "
            "missing_run_id, location) VALUES (?, 1, ?, ?, 60, ?, ?, ?, ?, ?, ?, ?, ?, ?, 1, 1, ?, ?)",
            (mid, f"wa-{mid}", T0 + mid * HOUR * 6, sender, kind, text, status, edited,
             T0 + mid * HOUR * 6 + 60_000 if edited else None, reply, "gone-key" if mid == 27 else None,
             json.dumps(extra), 1 if status != "present" else None, f"_chat.txt:{mid}"))
    atts = [(3, photo, "stored", "image/png", "IMG-001.png"), (4, clip, "stored", "video/mp4", "VID-002.mp4"),
            (5, voice, "stored", "audio/ogg", "PTT-003.opus"), (6, None, "missing", "application/pdf", "report.pdf")]
    for mid, blob, status, mime, name in atts:
        conn.execute("INSERT INTO attachments(message_id, ordinal, blob_id, status, mime, original_name, width, height) "
                     "VALUES (?, 0, ?, ?, ?, ?, ?, ?)", (mid, blob, status, mime, name,
                                                         800 if mime == "image/png" else None,
                                                         600 if mime == "image/png" else None))
    conn.execute("UPDATE attachments SET thumb_blob_id = (SELECT thumb_id FROM thumbs WHERE blob_id = ?) "
                 "WHERE blob_id = ?", (photo, photo))
    conn.execute("COMMIT")
    conn.close()


@pytest.fixture
def family(vault, tmp_path):
    build(vault)
    out = tmp_path / "export"
    report = export_html(vault, Selection(), out, JobContext(), page_size=10, by="count")
    return out, report


def _pages(out):
    meta = (out / "c1" / "s" / "meta.js").read_text(encoding="utf-8")
    return json.loads(meta[meta.index("{"):meta.rindex(")")])


def _message(page, ordinal):
    nodes = [n for n in page.tags if n.attrs.get("id") == f"n{ordinal}"]
    assert len(nodes) == 1
    return nodes[0]


def test_a_group_chat_reads_like_the_messenger_with_every_state_visible(family):
    out, report = family
    assert (report.conversations, report.messages, report.attachments) == (1, 27, 4)  # 3 originals + 1 thumb
    assert report.warnings == ["1 attachment missing in the vault"]
    meta = _pages(out)
    assert [p[0] for p in meta["pages"]] == ["p1.html", "p2.html", "p3.html"]
    p1 = parse(out / "c1" / "p1.html")
    html1 = (out / "c1" / "p1.html").read_text(encoding="utf-8")
    assert "msg in" in _message(p1, 0).attrs["class"] and "msg out" in _message(p1, 1).attrs["class"]
    assert "Anna" in p1.text and p1.all("div", class_="day")                       # names, day separators
    ext = p1.all("a", class_="ext")[0].attrs
    assert ext["href"] == "https://example.com/x?a=1&b=2" and ext["rel"] == "noopener noreferrer nofollow"
    img = p1.all("a", class_="img")[0].attrs["href"]
    thumb = p1.all("img")[0].attrs["src"]
    assert img == "../media/IMG-001.png" and thumb.startswith("../media/thumbs/")
    assert (out / "media" / "IMG-001.png").read_bytes()[:4] == b"\x89PNG" and (out / "c1" / thumb).is_file()
    assert p1.all("video")[0].attrs["src"] == "../media/VID-002.mp4"
    assert p1.all("audio")[0].attrs["src"] == "../media/PTT-003.opus"
    assert "report.pdf" in p1.text and "missing in the vault" in p1.text
    for words in ("¥88.00", "恭喜发财", "上海外滩", "31.2304, 121.4737", "OpenStreetMap", "[Missed call]", "Anna added 李雷"):
        assert words in p1.text, words
    p2 = parse(out / "c1" / "p2.html")
    assert "recalled" in p2.text and "recalled" in _message(p2, 10).attrs["class"]
    assert p2.all("span", class_="ed") and "edited" in p2.text
    gone = _message(p2, 12)
    assert "gone" in gone.attrs["class"] and "deleted at source" in p2.text
    # Provenance: one click (a <details>) away, with the source, original id, run file and time.
    assert '<details class="prov">' in html1
    assert "wa-1" in p1.text and "/exports/WhatsApp Chat Family.zip" in p1.text and "_chat.txt:1" in p1.text
    assert "whatsapp · +4915100000" in p1.text and "p1.html#n0" in p1.text


def test_replies_link_to_their_original_on_another_page(family):
    out, _ = family
    p3 = parse(out / "c1" / "p3.html")
    link = p3.all("a", class_="ql")[0]
    assert link.attrs["href"] == "p1.html#n1"                 # message 2 is ordinal 1, on the first page
    assert "合同发票 signed" in p3.text
    assert "Reply to a message that is not in the vault" in p3.text
    ahead = parse(out / "c1" / "p2.html").all("a", class_="ql")[0]         # a reply to a later message
    assert ahead.attrs["href"] == "go.html#n24" and (out / "c1" / "go.html").is_file()


def test_pages_chain_with_prev_next_and_a_calendar_and_index(family):
    out, _ = family
    names = [p[0] for p in _pages(out)["pages"]]
    for i, name in enumerate(names):
        page = parse(out / "c1" / name)
        prev = page.all("a", rel="prev")
        nxt = page.all("a", rel="next")
        assert [a.attrs["href"] for a in prev[:1]] == ([names[i - 1]] if i else [])
        assert [a.attrs["href"] for a in nxt[:1]] == ([names[i + 1]] if i + 1 < len(names) else [])
    cal = parse(out / "c1" / "index.html")
    cells = [(a.attrs["href"]) for a in cal.all("a") if "#n" in a.attrs["href"]]
    assert "Jan" in cal.text and "2024" in cal.text
    counts = re.findall(r'href="p\d\.html#n\d+">(\d+)</a>', (out / "c1" / "index.html").read_text(encoding="utf-8"))
    assert sum(map(int, counts)) == 27 and cells[0] == "p1.html#n0"
    home = parse(out / "index.html")
    assert home.all("a", href="c1/index.html") and "27" in home.text


def test_by_month_pages_split_busy_months(vault, tmp_path):
    build(vault)
    out = tmp_path / "m"
    export_html(vault, Selection(), out, JobContext(), page_size=10, by="month")
    names = [p[0] for p in _pages(out)["pages"]]
    assert names == ["2024-01.html", "2024-02.html", "2024-02-2.html", "2024-02-3.html"]   # 6 + 10 + 10 + 1
    assert "February 2024 (part 3)" in parse(out / "c1" / "2024-02-3.html").text


def test_the_search_index_finds_words_and_chinese_across_pages(family):
    out, _ = family
    meta = _pages(out)

    def find(token: str) -> list[int]:
        shard = (out / "c1" / "s" / f"t{shard_of(token, meta['shards'])}.js").read_text(encoding="utf-8")
        data = json.loads(shard[shard.index("{"):shard.rindex(")")])
        ords, prev = [], 0
        for d in (data.get(token) or "").split(",") if token in data else []:
            prev += int(d, 36)
            ords.append(prev)
        return ords

    assert find("合同") == [1] and find("发票") == [1] and find("合") == [1]
    assert find("signed") == [1] and find("filler") == list(range(13, 25))
    assert find("同发") == [1] and find("同发票") == []            # bigrams only between neighbours
    doc = (out / "c1" / "s" / "d2.js").read_text(encoding="utf-8")
    assert "yes I agree" in doc


def test_media_left_out_and_bad_options(vault, tmp_path):
    build(vault)
    out = tmp_path / "nomedia"
    report = export_html(vault, Selection(), out, JobContext(), page_size=10, by="count", include_media=False)
    assert report.attachments == 0 and not (out / "media").exists()
    assert "media not included in this export" in parse(out / "c1" / "p1.html").text
    with pytest.raises(InputError):
        export_html(vault, Selection(), out, JobContext())                 # not an empty folder
    export_html(vault, Selection(), out, JobContext(), overwrite=True)     # an earlier export is replaced
    assert (out / "media").is_dir()
    other = tmp_path / "photos"
    other.mkdir()
    (other / "holiday.jpg").write_bytes(b"x")
    with pytest.raises(InputError):
        export_html(vault, Selection(), other, JobContext(), overwrite=True)   # never someone's folder
    assert (other / "holiday.jpg").exists()
    with pytest.raises(InputError):
        export_html(vault, Selection(), tmp_path / "x", JobContext(), by="week")


def test_cancel_stops_between_batches_and_leaves_coherent_pages(vault, tmp_path):
    conn = vault.connect()
    populate(conn, n=400)                       # four chats
    conn.close()
    job = JobContext()
    real_advance = job.advance

    def advance(items: int = 0, bytes_: int = 0) -> None:
        real_advance(items, bytes_)
        job.cancel()                            # the user presses Cancel while the first chat is written

    job.advance = advance  # type: ignore[method-assign]
    out = tmp_path / "c"
    report = export_html(vault, Selection(), out, job)
    assert report.cancelled is True and report.conversations == 1 and report.messages == 100
    assert "cancelled" in parse(out / "index.html").text
    assert (out / "c1" / "index.html").is_file() and not (out / "c2").exists()


def test_long_messages_never_make_a_page_heavier_than_200_kib(vault, tmp_path):
    conn = vault.connect()
    conn.execute("INSERT INTO sources(id, app, account, created_at) VALUES (1, 'telegram', 'a', 0)")
    conn.execute("INSERT INTO conversations(id, source_id, source_key, title, created_at) VALUES (1, 1, 'x', 'Essays', 0)")
    conn.executemany("INSERT INTO messages(id, conversation_id, source_key, ts, kind, text) VALUES (?, 1, ?, ?, 'text', ?)",
                     [(i, f"k{i}", T0 + i * 1000, f"{i} " + "long & <winded> " * 400) for i in range(1, 301)])
    conn.close()
    out = tmp_path / "long"
    export_html(vault, Selection(), out, JobContext())
    names = [p[0] for p in _pages(out)["pages"]]
    assert len(names) > 15 and names[:2] == ["2024-01.html", "2024-01-2.html"]
    assert max((out / "c1" / n).stat().st_size for n in names) <= 200 * 1024
    assert sum(len(parse(out / "c1" / n).all("div", class_="msg")) for n in names) == 300


def _index_hits(out, folder: str, query: str) -> set[int]:
    """What the page's search does, in Python: the query's tokens looked up in the shards, intersected."""
    meta = json.loads((out / folder / "s" / "meta.js").read_text(encoding="utf-8").split(",", 1)[1][:-3])
    hits: set[int] | None = None
    for tok in query_tokens(query):
        shard = (out / folder / "s" / f"t{shard_of(tok, meta['shards'])}.js").read_text(encoding="utf-8")
        data = json.loads(shard.split(",", 2)[2][:-3])
        ords, prev = set(), 0
        for d in data[tok].split(",") if tok in data else []:
            prev += int(d, 36)
            ords.add(prev)
        hits = ords if hits is None else hits & ords
    return hits or set()


def test_the_export_search_finds_what_the_app_finds(vault, tmp_path):
    from chatvault.search.api import SearchFilters, search_ids
    conn = vault.connect()
    populate(conn, n=2000)
    out = tmp_path / "s"
    export_html(vault, Selection(), out, JobContext())
    for query in ("contract", "Café", "resume", "PDF", "合同", "生日晚饭", "我", "👍", "13812345678"):
        app, _ = search_ids(conn, query, SearchFilters(), "oldest", 10_000, 0)
        ours = sum(len(_index_hits(out, f"c{i}", query)) for i in range(1, 5))
        assert ours == app, query


def test_pages_speak_chinese_when_asked(family, vault, tmp_path):
    out = tmp_path / "zh"
    export_html(vault, Selection(), out, JobContext(), page_size=10, by="count", lang="zh_CN")
    p1, p2 = parse(out / "c1" / "p1.html"), parse(out / "c1" / "p2.html")
    assert p1.all("html")[0].attrs["lang"] == "zh-CN"
    for words in ("全部聊天", "下一页 ›", "搜索此聊天", "2024年1月30日 星期二", "来源信息", "原始 ID", "保险库中缺失"):
        assert words in p1.text or any(words in n.attrs.values() for n in p1.tags), words
    assert "来源中已删除" in p2.text and "已撤回" in p2.text and "已编辑" in p2.text
    assert "2024" in parse(out / "c1" / "index.html").text and "导入记录（来源）" in parse(out / "c1" / "index.html").text
    assert "搜索全部聊天" in (out / "index.html").read_text(encoding="utf-8")


def test_a_search_selection_exports_its_matches_and_says_when_an_original_is_left_out(vault, tmp_path):
    from chatvault.search.index import index_messages
    build(vault)
    conn = vault.connect()
    conn.execute("BEGIN")
    index_messages(conn, [(r[0], r[1]) for r in conn.execute("SELECT id, text FROM messages")])
    conn.execute("COMMIT")
    conn.close()
    out = tmp_path / "q"
    report = export_html(vault, Selection("agree"), out, JobContext())
    assert report.messages == 1
    page = parse(out / "c1" / _pages(out)["pages"][0][0])
    assert "yes I agree" in page.text and "合同发票 signed" in page.text and "(not in this export)" in page.text
    assert not page.all("a", class_="ql") and "query “agree”" in parse(out / "index.html").text


_FULL_DISK = """
import resource, signal, sys
from pathlib import Path
from chatvault.errors import DiskFull
from chatvault.export.html import export_html
from chatvault.export.selection import Selection
from chatvault.jobs.context import JobContext
from chatvault.vault.vault import open_vault
v = open_vault(Path(sys.argv[1]), sys.argv[2])
signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
resource.setrlimit(resource.RLIMIT_FSIZE, (100_000, 100_000))   # no file may pass 100 KB: the disk is "full"
try:
    export_html(v, Selection(), Path(sys.argv[3]), JobContext())
except DiskFull as exc:
    print("DiskFull:", exc.hint)
"""


def test_a_full_disk_is_the_apps_disk_full_error_not_a_crash(vault, tmp_path):
    import os
    import subprocess
    import sys

    from tests.conftest import PASSPHRASE
    conn = vault.connect()
    populate(conn, n=2000)
    conn.close()
    p = subprocess.run([sys.executable, "-c", _FULL_DISK, str(vault.path), PASSPHRASE, str(tmp_path / "out")],
                       capture_output=True, text=True, env=dict(os.environ), timeout=120)
    assert p.stdout.startswith("DiskFull: Free some space"), p.stdout + p.stderr[-2000:]
