"""Messages as printed: time and sender, state (never hidden), forward, reply quote, the text or
the kind's description, attachments with size and SHA-256, pictures inline."""

from __future__ import annotations

import io
from datetime import UTC, datetime, timedelta, timezone, tzinfo
from typing import Any

from chatvault.export.describe import describe, forwarded_line, human_size, state_line
from chatvault.export.pdf.content import FileFacts
from chatvault.export.pdf.document import MARGIN, EvidencePDF
from chatvault.export.pdf.images import DPI, Picture, PictureSource, printable
from chatvault.export.selection import ChatPlan, ExportMessage

QUOTE_CHARS = 200
GAP = 2.2


def stamp(ms: int, tz_offset: int | None, zone: tzinfo | None) -> str:
    """"2024-03-05 14:07:09 UTC+08:00": in `zone` when given, else the source's offset (UTC if none)."""
    if zone is None:
        zone = UTC if tz_offset is None else timezone(timedelta(minutes=tz_offset))
    dt = datetime.fromtimestamp(ms / 1000, zone)
    off = int((dt.utcoffset() or timedelta()).total_seconds() // 60)
    sign = "+" if off >= 0 else "-"
    return f"{dt:%Y-%m-%d %H:%M:%S} UTC{sign}{abs(off) // 60:02d}:{abs(off) % 60:02d}"


class MessagePrinter:
    def __init__(self, pdf: EvidencePDF, conn: Any, words: dict[str, str], lang: str,
                 zone: tzinfo | None, pictures: PictureSource | None) -> None:
        self.pdf, self.conn, self.w, self.lang, self.zone = pdf, conn, words, lang, zone
        self.pictures = pictures
        self.pictures_drawn = 0

    def chat_heading(self, chat: ChatPlan) -> None:
        pdf = self.pdf
        if pdf.get_y() > pdf.h * 0.75:
            pdf.add_page()
        pdf.ln(2)
        pdf.paragraph(chat.title or chat.source_key, size=13, style="B")
        span = ""
        if chat.first_ts is not None and chat.last_ts is not None:
            span = f" · {stamp(chat.first_ts, None, self.zone)} – {stamp(chat.last_ts, None, self.zone)}"
        pdf.paragraph(f"{chat.app} · {chat.account} · {chat.kind} · {chat.messages:,} "
                      f"{self.w['messages'].lower()}{span}", size=8, color=90)
        pdf.set_draw_color(160)
        pdf.line(MARGIN, pdf.get_y() + 1, pdf.w - MARGIN, pdf.get_y() + 1)
        pdf.ln(3)

    def message(self, m: ExportMessage, files: list[FileFacts]) -> None:
        pdf = self.pdf
        if pdf.will_page_break(14):
            pdf.add_page()
        sender = m.sender or self.w["unknown.sender"]
        if m.from_me:
            sender = f"{sender} {self.w['me']}"
        pdf.paragraph(f"{stamp(m.ts, m.tz_offset, self.zone)}  ·  {sender}", size=8.5, style="B", color=60)
        state = state_line(m, self.lang)
        if state:
            pdf.paragraph(f"[{state}]", size=8.5, style="B", color=0, indent=2)
            pdf.set_text_color(0)
        fwd = forwarded_line(m, self.lang)
        if fwd:
            pdf.paragraph(fwd, size=8.5, color=90, indent=2)
        if m.reply_to_id is not None or m.reply_to_key:
            self._quote(m)
        body = describe(m, self.lang)
        if body:
            pdf.paragraph(body, size=10, indent=2)
        for att, facts in zip(m.attachments, files, strict=True):
            self._attachment(att, facts)
        pdf.ln(GAP)

    def _quote(self, m: ExportMessage) -> None:
        row = None
        if m.reply_to_id is not None:
            row = self.conn.execute(
                "SELECT m.text, m.kind, p.display_name, m.ts, m.tz_offset FROM messages m "
                "LEFT JOIN participants p ON p.id = m.sender_id WHERE m.id = ?", (m.reply_to_id,)).fetchone()
        if row is None:
            text = self.w["reply.unknown"] + (f" ({m.reply_to_key})" if m.reply_to_key else "")
        else:
            quoted = (row[0] or f"[{row[1]}]").replace("\n", " ")
            if len(quoted) > QUOTE_CHARS:
                quoted = quoted[:QUOTE_CHARS] + "…"
            who = self.w["reply"].format(who=row[2] or self.w["unknown.sender"])
            text = f"{who} ({stamp(row[3], row[4], self.zone)}): {quoted}"
        self.pdf.paragraph("> " + text, size=8.5, color=100, indent=4)

    def _attachment(self, att: dict[str, Any], facts: FileFacts) -> None:
        name = att.get("original_name") or att.get("expected_path") or att.get("mime") or "file"
        size = human_size(facts.size if facts.size is not None else att.get("size"))
        if facts.problem is None:
            line = f"{self.w['att']}: {name}" + (f" · {size}" if size else "") + f" · SHA-256 {facts.sha256}"
        else:
            line = f"{self.w['att']}: {name}" + (f" · {size}" if size else "") + f" · {self.w['file.' + facts.problem]}"
        self.pdf.paragraph(line, size=7, color=70, indent=2)
        if self.pictures is not None and printable(att):
            self._picture(self.pictures.load(att))

    def _picture(self, pic: Picture | str) -> None:
        pdf = self.pdf
        if isinstance(pic, str):
            pdf.paragraph(self.w[f"pic.{pic}"], size=8.5, style="B", color=150, indent=2)
            return
        w, h = pic.width / DPI * 25.4, pic.height / DPI * 25.4
        if pdf.will_page_break(h + 1):
            pdf.add_page()
        pdf.image(io.BytesIO(pic.data), x=MARGIN + 2, y=pdf.get_y() + 0.5, w=w, h=h)
        pdf.set_y(pdf.get_y() + h + 1.5)
        self.pictures_drawn += 1
