"""The review copies of a production: the same messages as HTML (a browsable folder) and as one PDF
(in volumes when big), made by the HTML and PDF exporters (`export_html`, `export_pdf`) into REVIEW/.

They run under a child job: the user's cancel reaches them, and their progress adds to the
production's instead of replacing its totals.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

from chatvault.errors import Cancelled
from chatvault.export.formats import FORMATS, kwargs_for
from chatvault.export.report import ExportReport
from chatvault.export.selection import Selection
from chatvault.jobs import JobContext

HTML_DIR = "REVIEW/HTML"
PDF_DIR = "REVIEW/PDF"
PDF_NAME = "review.pdf"


class ChildJob(JobContext):
    """A renderer's view of the production's job: cancel and progress go to the parent; the
    renderer's own totals are ignored (the production set them for every phase)."""

    def __init__(self, parent: JobContext) -> None:
        super().__init__()
        self.parent = parent

    def check(self) -> None:
        self.parent.check()

    @property
    def cancelled(self) -> bool:
        return self.parent.cancelled

    def set_total(self, items: int | None = None, bytes_: int | None = None) -> None:
        return None

    def advance(self, items: int = 0, bytes_: int = 0) -> None:
        self.parent.advance(items, 0)

    def set_position(self, items: int | None = None, bytes_: int | None = None) -> None:
        return None

    def status(self, text: str) -> None:
        self.parent.status(text)


def renderer(kind: str) -> Callable[..., ExportReport] | None:
    """`export_html` / `export_pdf` from the format registry when this build has them (None
    otherwise: the production says so in its warnings and custody record)."""
    fmt = FORMATS[kind]
    return fmt.entry() if fmt.available() else None


def _finished(report: ExportReport) -> ExportReport:
    if report.cancelled:                  # a renderer that reports a cancel instead of raising it
        raise Cancelled()
    return report


def make_html(vault: Any, selection: Selection, root: Path, job: JobContext,
              options: dict[str, Any]) -> ExportReport | None:
    fn = renderer("html")
    if fn is None:
        return None
    return _finished(fn(vault, selection, root / HTML_DIR, ChildJob(job), **kwargs_for(fn, options)))


def make_pdf(vault: Any, selection: Selection, custodians: list[str], root: Path, job: JobContext,
             options: dict[str, Any]) -> ExportReport | None:
    """One PDF of the whole selection (its cover names the custodians; the PDF exporter cuts it into
    volumes when it grows big): one run, so fonts and the picture worker start once, not per chat."""
    fn = renderer("pdf")
    if fn is None:
        return None
    (root / PDF_DIR).mkdir(parents=True, exist_ok=True)
    options = {**options, "custodian": "; ".join(custodians) or None}
    return _finished(fn(vault, selection, root / PDF_DIR / PDF_NAME, ChildJob(job), **kwargs_for(fn, options)))
