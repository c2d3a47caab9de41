"""The WeChat account the new-user walk imports (`chatvault.gui.devtools.walk`): the WeChat for
Windows folder of `wechat_fixtures.build_pc_folder`, with a voice note that really plays (SILK, as
WeChat stores it) and a PDF that really opens (one page, made with fpdf2). Generated, never copied."""

from __future__ import annotations

import io
import math
import struct
from pathlib import Path

from tests import wechat_fixtures as wf

VOICE_SECONDS = 2.3
PDF_NAME = "report.pdf"


def silk_voice(seconds: float = VOICE_SECONDS) -> bytes:
    """A spoken-length tone (two notes) encoded as Tencent SILK, the bytes WeChat keeps for a voice note."""
    import pysilk

    rate = 24000
    pcm = b"".join(struct.pack("<h", int(7000 * math.sin(2 * math.pi * (440 if i < rate else 554) * i / rate)))
                   for i in range(int(rate * seconds)))
    out = io.BytesIO()
    pysilk.encode(io.BytesIO(pcm), out, rate, rate, tencent=True)
    return out.getvalue()


def report_pdf() -> bytes:
    """A one-page PDF with a title and a few lines (the file Alice sent)."""
    from fpdf import FPDF

    pdf = FPDF()
    pdf.add_page()
    pdf.set_font("helvetica", "B", 22)
    pdf.cell(0, 16, "Quarterly report", new_x="LMARGIN", new_y="NEXT")
    pdf.set_font("helvetica", size=12)
    for line in ("Sales rose 12% in the third quarter.", "The Lisbon office opens in March.",
                 "Next review: 15 January."):
        pdf.cell(0, 9, line, new_x="LMARGIN", new_y="NEXT")
    return bytes(pdf.output())


def build(base: Path) -> tuple[Path, str]:
    """Write the account under `base`; returns (the folder to import, its 64-hex-digit key)."""
    folder = wf.build_pc_folder(base)
    root = folder.root
    (root / "FileStorage" / "File" / "2026-01" / PDF_NAME).write_bytes(report_pdf())
    # The voice note of message 1005, as WeChat keeps it: SILK in MediaMSG0.db.
    wf.create_db(root / "Msg" / "Multi" / "MediaMSG0.db", "pc", wf.KEY, wf.PC_MEDIA_DDL,
                 {"Media": [("k1005", 1005, silk_voice(), 0, None)]})
    return root, wf.KEY_HEX
