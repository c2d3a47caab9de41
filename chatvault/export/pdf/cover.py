"""The cover page every volume starts with: what was exported, from where, when, and its hash."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from chatvault.export.pdf.document import EvidencePDF

LABEL_W = 52.0


@dataclass
class PartFacts:
    index: int                     # 1-based
    first: int                     # 1-based number of its first message in the export
    last: int
    sha256: str
    file_name: str = ""


@dataclass
class CoverFacts:
    vault: str
    custodian: str | None
    chats: list[str]
    date_range: str
    time_zone: str
    exported_at: str
    messages: int
    attachments: int
    missing: int
    selection: dict[str, Any]
    sha256: str
    tool: str
    parts: list[PartFacts] = field(default_factory=list)


def _selection_text(sel: dict[str, Any], w: dict[str, str]) -> list[tuple[str, str]]:
    rows = []
    if sel.get("query"):
        rows.append((w["query"], str(sel["query"])))
    filters = {k: v for k, v in sel.items() if k != "query" and v not in (None, [], "", False)}
    rows.append((w["filters"], "; ".join(f"{k}={_value(k, v)}" for k, v in filters.items()) or w["everything"]))
    return rows


def _value(key: str, value: Any) -> str:
    if isinstance(value, list | tuple):
        return ", ".join(str(v) for v in value)
    if key.endswith("_ms") and isinstance(value, int):
        return datetime.fromtimestamp(value / 1000, UTC).strftime("%Y-%m-%d %H:%M:%S UTC")
    return str(value)


def draw_cover(pdf: EvidencePDF, facts: CoverFacts, part: int, w: dict[str, str]) -> None:
    pdf.add_page()
    pdf.set_y(28)
    pdf.paragraph(w["title"], size=20, style="B", line=10)
    if len(facts.parts) > 1:
        pdf.paragraph(w["part"].format(i=part, n=len(facts.parts)), size=12, style="B", line=7)
    pdf.ln(4)
    rows: list[tuple[str, str]] = [(w["vault"], facts.vault)]
    if facts.custodian:
        rows.append((w["custodian"], facts.custodian))
    rows += [(w["chats"], "\n".join(facts.chats) or "—"), (w["range"], facts.date_range),
             (w["tz"], facts.time_zone), (w["exported"], facts.exported_at),
             (w["messages"], f"{facts.messages:,}"), (w["attachments"], f"{facts.attachments:,}"),
             (w["missing"], f"{facts.missing:,}")]
    rows += [(f"{w['selection']}: {k}", v) for k, v in _selection_text(facts.selection, w)]
    rows += [(w["sha"], facts.sha256), (w["tool"], facts.tool)]
    for label, value in rows:
        _row(pdf, label, value)
    pdf.ln(2)
    pdf.paragraph(w["sha.what"], size=8, color=90)
    if len(facts.parts) > 1:
        pdf.ln(3)
        pdf.paragraph(w["parts"], size=10, style="B")
        for p in facts.parts:
            pdf.paragraph(w["part.row"].format(i=p.index, a=f"{p.first:,}", b=f"{p.last:,}", sha=p.sha256)
                          + f" — {p.file_name}", size=7.5, color=40)
    pdf.add_page()


def _row(pdf: EvidencePDF, label: str, value: str) -> None:
    y = pdf.get_y()
    pdf.set_font("sans", "B", 9.5)
    pdf.shaping(False)
    pdf.set_xy(pdf.l_margin, y)
    pdf.multi_cell(LABEL_W, 5.2, label, new_x="RIGHT", new_y="TOP")
    label_bottom = y + 5.2 * max(1, len(pdf.multi_cell(LABEL_W, 5.2, label, dry_run=True, output="LINES")))
    pdf.set_xy(pdf.l_margin + LABEL_W, y)
    pdf.paragraph(value, size=9.5, indent=LABEL_W, line=5.2)
    pdf.set_y(max(pdf.get_y(), label_bottom) + 0.8)
