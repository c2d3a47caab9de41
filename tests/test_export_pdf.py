"""PDF export: every script and emoji drawn by a real glyph, states shown, the cover's hash
recomputable, damaged media as placeholders, volumes, cancel, and the missing-font error."""

from __future__ import annotations

import hashlib
import json
import shutil
import subprocess

import pytest
from PIL import Image

from chatvault.errors import Cancelled, InputError, UsageError
from chatvault.export.pdf import MissingFont, export_pdf, find_fonts
from chatvault.export.pdf import fonts as font_mod
from chatvault.export.selection import Selection
from chatvault.jobs.context import JobContext
from chatvault.media.blobstore import BlobStore
from tests.pdf_fixtures import DELETED, EDITED, RECALLED, TEXTS, add_message, base_rows, mixed_chat
from tests.pdf_inspect import PdfFile

needs_poppler = pytest.mark.skipif(shutil.which("pdftoppm") is None or shutil.which("pdftotext") is None,
                                   reason="poppler-utils is not installed (packaging/sysdeps.sh PYTHON --test)")


def _text(pdf, *pages: int) -> str:
    args = ["pdftotext", "-layout"]
    if pages:
        args += ["-f", str(pages[0]), "-l", str(pages[-1])]
    return subprocess.run([*args, str(pdf), "-"], capture_output=True, text=True, check=True).stdout


@needs_poppler
def test_every_script_and_emoji_is_drawn_by_a_real_glyph(vault, tmp_path):
    """The acceptance test: English, Chinese, Japanese, Korean, Arabic and emoji in one chat."""
    mixed_chat(vault)
    out = tmp_path / "chat.pdf"
    # Without inline pictures, so the only colour on the page is the emoji.
    report = export_pdf(vault, Selection.chat(1), out, JobContext(), custodian="Jane Roe", pictures=False)
    assert report.messages == 13 and out.exists() and not any("glyph" in w for w in report.warnings)

    # Every character of the chat is mapped (ToUnicode) to a glyph with an outline (or, for emoji,
    # a colour bitmap) in an embedded font subset — never to .notdef.
    drawn: set[str] = set()
    boxes: set[str] = set()
    for font in PdfFile(out.read_bytes()).fonts():
        for text in font.glyph_chars.values():
            drawn |= set(text)
        boxes |= {c for code in font.notdef_codes for c in font.glyph_chars.get(code, "")}
    wanted = set("".join(TEXTS.values())) - {" "}
    assert wanted <= drawn, sorted(f"U+{ord(c):04X}" for c in wanted - drawn)
    assert not boxes
    fonts = PdfFile(out.read_bytes()).fonts()
    assert {"Type0/CIDFontType2", "Type0/CIDFontType0", "Type3"} <= {f.kind for f in fonts}  # TrueType, CJK, emoji
    # Arabic is shaped: letters are drawn with their joined (initial/medial/final) forms, which are
    # glyphs other than the letter's own in the font's cmap.
    arabic = next(f for f in fonts if "NotoSansArabic" in f.name and "Bold" not in f.name)
    joined = [code for code, text in arabic.glyph_chars.items()
              if len(text) == 1 and "\u0621" <= text <= "\u064a"
              and arabic.glyph_names.get(code) != arabic.nominal.get(ord(text))]
    assert len(joined) >= 5

    # Rendered: the message page has ink where the text is, and colour where the emoji are.
    subprocess.run(["pdftoppm", "-r", "50", "-f", "2", "-l", "2", "-png", str(out), str(tmp_path / "p")], check=True)
    page = Image.open(next(tmp_path.glob("p*.png"))).convert("RGB")
    raw = page.tobytes()
    pixels = [tuple(raw[i:i + 3]) for i in range(0, len(raw), 3)]
    ink = sum(1 for px in pixels if sum(px) < 300)
    colour = sum(1 for r, g, b in pixels if max(r, g, b) - min(r, g, b) > 120)
    assert ink > 1000 and colour > 100

    text = _text(out)
    for word in ("Meeting moved to Thursday", "合同已经签好了", "会議は明日", "회의는", "Jane Roe", "Page 2 of 2"):
        assert word in text


@needs_poppler
def test_states_replies_and_damaged_pictures_are_shown_never_hidden(vault, tmp_path):
    mixed_chat(vault)
    out = tmp_path / "chat.pdf"
    report = export_pdf(vault, Selection.chat(1), out, JobContext())
    lines = _text(out).splitlines()

    def after(mark: str) -> str:
        i = next(i for i, line in enumerate(lines) if mark in line)
        return " ".join(lines[i - 2:i + 1])

    assert "[Edited 2024-03-05 14:16 UTC+08:00]" in after(EDITED)
    assert "[Recalled 2024-03-05 14:17 UTC+08:00]" in after(RECALLED)
    assert "[Deleted at source]" in after(DELETED)       # DELETED ends in "{nb}", printed as written
    text = "\n".join(lines)
    assert "Reply to 李雷 (2024-03-05 14:09:09 UTC+08:00): 你好" in text
    assert "[Picture not in the vault]" in text and "[Picture damaged in the vault" in text
    assert "IMG_0003.jpg · damaged in the vault" in text
    assert report.attachments == 3 and any("2 attachment(s)" in w for w in report.warnings)


def _recompute(vault) -> str:
    """The cover's hash, recomputed from the vault by the definition in docs/export.md."""
    conn = vault.connect()
    store = BlobStore(vault)
    h = hashlib.sha256()
    rows = conn.execute(
        "SELECT m.id, m.conversation_id, m.source_key, m.ts, m.tz_offset, p.display_name, p.source_key,"
        " p.is_me, m.kind, m.text, m.status, m.reply_to_key, m.forwarded_from, m.is_edited, m.edited_at, m.extra"
        " FROM messages m LEFT JOIN participants p ON p.id = m.sender_id ORDER BY m.ts, m.id").fetchall()
    for r in rows:
        atts = []
        for ordinal, name, mime, status, blob, size in conn.execute(
                "SELECT ordinal, original_name, mime, status, blob_id, size FROM attachments WHERE message_id = ?"
                " ORDER BY ordinal", (r[0],)):
            sha = None
            if blob and status == "stored":
                try:
                    data = store.read_all(blob)
                    sha, size = hashlib.sha256(data).hexdigest(), len(data)
                except Exception:   # damaged: not hashed
                    sha = None
            atts.append({"ordinal": ordinal, "name": name, "mime": mime, "status": status, "size": size,
                         "sha256": sha})
        record = {"id": r[0], "conversation_id": r[1], "source_key": r[2], "ts": r[3], "tz_offset": r[4],
                  "sender": r[5], "sender_key": r[6], "from_me": bool(r[7]), "kind": r[8], "text": r[9],
                  "status": r[10], "reply_to_key": r[11], "forwarded_from": r[12], "is_edited": bool(r[13]),
                  "edited_at": r[14], "extra": json.loads(r[15]) if r[15] else {}, "attachments": atts}
        h.update((json.dumps(record, sort_keys=True, ensure_ascii=False, separators=(",", ":")) + "\n").encode())
    return h.hexdigest()


@needs_poppler
def test_the_cover_states_a_hash_a_reviewer_can_recompute(vault, tmp_path):
    mixed_chat(vault)
    out = tmp_path / "chat.pdf"
    report = export_pdf(vault, Selection.chat(1), out, JobContext(), tz="Asia/Tokyo", lang="zh_CN")
    cover = _text(out, 1, 1)
    assert report.sha256 == _recompute(vault)
    assert report.sha256 in cover.replace(" ", "") and "Asia/Tokyo" in cover and "聊天记录导出" in cover
    body = _text(out, 2)
    assert "2024-03-05 15:08:09 UTC+09:00" in body                   # every time in the chosen zone
    assert "[来源中已删除]" in body and "第 2 页，共 2 页" in body        # the words in the export's language
    sums = (tmp_path / "chat.pdf.sha256").read_text()
    assert sums == f"{hashlib.sha256(out.read_bytes()).hexdigest()}  chat.pdf\n"


@needs_poppler
def test_a_large_export_is_cut_into_volumes_each_with_its_cover(vault, tmp_path):
    conn = vault.connect()
    conn.execute("BEGIN")
    base_rows(conn)
    for i in range(1, 121):
        add_message(conn, i, f"message {i} 消息 {i}")
    conn.execute("COMMIT")
    out = tmp_path / "big.pdf"
    report = export_pdf(vault, Selection.chat(1), out, JobContext(), volume_budget=100)   # 2 units a message
    pdfs = sorted(p for p in report.files if p.suffix == ".pdf")
    assert [p.name for p in pdfs] == ["big.part01-of-03.pdf", "big.part02-of-03.pdf", "big.part03-of-03.pdf"]
    assert not out.exists()
    for i, pdf in enumerate(pdfs, 1):
        cover = _text(pdf, 1, 1)
        assert f"Part {i} of 3" in cover and report.sha256 in cover.replace(" ", "")
        assert all(p.name in cover for p in pdfs)           # the manifest of all volumes on every cover
    body = [_text(p) for p in pdfs]
    assert "message 1 " in body[0] and "message 50 " in body[0] and "message 51 " in body[1]
    assert "message 120 " in body[2] and "message 101 " in body[2]
    subprocess.run(["sha256sum", "-c", "--strict", "big.pdf.sha256"], cwd=tmp_path, check=True,
                   capture_output=True)


def test_cancel_leaves_no_half_written_pdf(vault, tmp_path):
    mixed_chat(vault)

    class StopHalfway(JobContext):
        def advance(self, items: int = 0, bytes_: int = 0) -> None:
            super().advance(items, bytes_)
            if self.snapshot().items_done >= 20:          # in the printing pass (13 hashed first)
                self.cancel()

    with pytest.raises(Cancelled):
        export_pdf(vault, Selection.chat(1), tmp_path / "chat.pdf", StopHalfway())
    assert sorted(p.name for p in tmp_path.iterdir()) == ["vault"]


def test_bad_time_zone_and_missing_folder_are_clear_errors(vault, tmp_path):
    mixed_chat(vault)
    with pytest.raises(InputError, match="not a time zone"):
        export_pdf(vault, Selection.chat(1), tmp_path / "a.pdf", JobContext(), tz="Mars/Olympus")
    with pytest.raises(InputError, match="does not exist"):
        export_pdf(vault, Selection.chat(1), tmp_path / "nope" / "a.pdf", JobContext())
    (tmp_path / "a.pdf").write_bytes(b"an earlier export")
    with pytest.raises(UsageError, match="already exists"):
        export_pdf(vault, Selection.chat(1), tmp_path / "a.pdf", JobContext())
    assert (tmp_path / "a.pdf").read_bytes() == b"an earlier export"


def test_a_missing_font_names_the_package_to_install(monkeypatch):
    absent = font_mod.FontSpec("cjk", "Noto Sans CJK Nowhere", "fonts-noto-cjk", True,
                               known=("/nonexistent/NotoSansCJK-Regular.ttc",))
    monkeypatch.setattr(font_mod, "SPECS", (font_mod.SPECS[0], absent))
    find_fonts.cache_clear()
    try:
        with pytest.raises(MissingFont) as err:
            find_fonts()
    finally:
        find_fonts.cache_clear()
    assert "Noto Sans CJK Nowhere" in err.value.message and "apt-get install fonts-noto-cjk" in err.value.hint
    assert err.value.code == "missing_font"


@needs_poppler
def test_a_search_selection_exports_what_the_search_finds_and_says_so(vault, tmp_path):
    mixed_chat(vault)
    out = tmp_path / "found.pdf"
    report = export_pdf(vault, Selection("合同"), out, JobContext())
    text = _text(out)
    assert report.messages == 2                                  # the message and the reply quoting it
    assert "Query" in text and "合同" in text.split("Query", 1)[1].splitlines()[0]
    assert "Meeting moved" not in text and "Re: 合同" in text
