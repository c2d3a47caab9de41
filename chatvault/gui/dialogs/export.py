"""The Export dialog: what to export (the whole vault, a chat, a search's results), the format, where,
the options; a preview of the counts and the size before anything is written; progress and cancel;
"Open the folder" at the end.

Counting and exporting run off the UI thread (`gui.ops.Op`). The export goes into a new folder (or
PDF file) named after what is exported, under the folder the user picked, so it never lands on an
earlier export; a cancelled or failed export removes that new folder again (`export.formats.run`),
so nothing half-written is left looking like an export.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from PySide6.QtCore import QStandardPaths, Qt, QUrl
from PySide6.QtGui import QDesktopServices
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QFileDialog,
    QFormLayout,
    QLineEdit,
    QProgressBar,
    QSpinBox,
    QVBoxLayout,
)

from chatvault.export import formats
from chatvault.export.selection import Selection
from chatvault.export.words import normalize_lang
from chatvault.gui import i18n, prefs, timefmt
from chatvault.gui.dialogs.common import add_button_row, add_path_row, button, dress, error_label, wrapped
from chatvault.gui.dialogs.production_options import ProductionOptions
from chatvault.gui.ops import Op

log = logging.getLogger(__name__)
ORDER = ("html", "pdf", "json", "csv", "production")
MEDIA_DEFAULT = {"html": True, "pdf": True, "json": False, "csv": False}
PREF_FOLDER = "export_folder"


@dataclass
class Scope:
    """One thing the dialog can export: its label ("The chat “Anna”"), selection and a name for the
    folder it writes."""

    label: str
    selection: Selection
    name: str | None = None


@dataclass
class Counts:
    conversations: int
    messages: int
    attachments: int
    media_bytes: int


def count(vault: Any, selection: Selection) -> Counts:
    """The preview: what `plan()` selects, and the stored attachments an export with media copies."""
    from chatvault.export.selection import attachment_totals, plan

    conn = vault.connect(readonly=True)
    try:
        chats = plan(conn, selection)
        n, size = attachment_totals(conn, selection)
    finally:
        conn.close()
    return Counts(len(chats), sum(c.messages for c in chats), n, size)


def human_size(n: int) -> str:
    value = float(n)
    for unit in ("B", "KB", "MB", "GB", "TB"):
        if value < 1024 or unit == "TB":
            return f"{value:.0f} {unit}" if unit == "B" else f"{value:.1f} {unit}"
        value /= 1024
    return f"{n} B"


def default_folder() -> str:
    kept = prefs.settings().value(PREF_FOLDER)
    if kept and Path(str(kept)).is_dir():
        return str(kept)
    docs = QStandardPaths.writableLocation(QStandardPaths.StandardLocation.DocumentsLocation)
    return docs if docs and Path(docs).is_dir() else str(Path.home())


class ExportDialog(QDialog):
    """Export one of `scopes` (the first is chosen) in the format the user picks."""

    def __init__(self, vault: Any, scopes: list[Scope], parent=None, fmt: str | None = None) -> None:
        super().__init__(parent)
        dress(self, "exportDialog", self.tr("Export"), 560)
        self.vault = vault
        self.scopes = scopes
        self.counts: dict[int, Counts] = {}
        self.op: Op | None = None
        self.count_op: Op | None = None
        self.report = None
        self.out: Path | None = None
        layout = QVBoxLayout(self)
        self.intro = wrapped(self.tr("Exported files are not encrypted: keep them somewhere safe."))
        layout.addWidget(self.intro)
        form = QFormLayout()
        layout.addLayout(form)
        self.scope = QComboBox()
        self.scope.setObjectName("exportScope")
        for s in scopes:
            self.scope.addItem(s.label)
        self.scope.setEnabled(len(scopes) > 1)
        form.addRow(self.tr("What"), self.scope)
        self.format = QComboBox()
        self.format.setObjectName("exportFormat")
        names = {"html": self.tr("Web pages (HTML)"), "pdf": self.tr("PDF document"),
                 "json": self.tr("JSON (for programs)"), "csv": self.tr("CSV (for spreadsheets)"),
                 "production": self.tr("eDiscovery production (RSMF)")}
        for name in ORDER:
            self.format.addItem(names[name], name)
            if not formats.FORMATS[name].available():
                item = self.format.model().item(self.format.count() - 1)
                item.setEnabled(False)
                item.setToolTip(self.tr("Not part of this version of ChatVault"))
        form.addRow(self.tr("Format"), self.format)
        self.folder = QLineEdit(default_folder())
        self.folder.setObjectName("exportFolder")
        add_path_row(form, self.tr("Save in"), self.folder, self.tr("Choose…"), self._browse)
        self.media = QCheckBox(self.tr("Include photos, videos and files"))
        form.addRow("", self.media)
        self.page_by = QComboBox()
        self.page_by.addItem(self.tr("A page per month"), "month")
        self.page_by.addItem(self.tr("A page every N messages"), "count")
        self.page_size = QSpinBox()
        self.page_size.setRange(100, 100_000)
        self.page_size.setSingleStep(500)
        self.page_size.setValue(2000)
        self.page_size.setSuffix(" " + self.tr("messages"))
        form.addRow(self.tr("Pages"), self.page_by)
        form.addRow("", self.page_size)
        self.bom = QCheckBox(self.tr("For Excel (UTF-8 with a byte-order mark)"))
        self.bom.setChecked(True)
        form.addRow("", self.bom)
        self.production = ProductionOptions(self)
        form.addRow(self.production)
        self.lang = QComboBox()
        self.lang.addItem("English", "en")
        self.lang.addItem("简体中文", "zh_CN")
        self.lang.setCurrentIndex(1 if normalize_lang(i18n.current_language()) == "zh_CN" else 0)
        form.addRow(self.tr("Language"), self.lang)
        self.form = form
        self.preview = wrapped("", "exportPreview")
        layout.addWidget(self.preview)
        self.bar = QProgressBar()
        self.bar.setRange(0, 1000)
        self.bar.hide()
        layout.addWidget(self.bar)
        self.status = wrapped("", "exportStatus")
        layout.addWidget(self.status)
        self.error = error_label()
        layout.addWidget(self.error)
        self.close_button = button(self.tr("Close"), self._close_or_cancel)
        self.open_button = button(self.tr("Open the folder"), self.open_folder)
        self.open_button.hide()
        self.start_button = button(self.tr("Export"), self.start, primary=True, default=True)
        add_button_row(layout, self.close_button, self.open_button, self.start_button)
        first = next((i for i in range(self.format.count())
                      if self.format.model().item(i).isEnabled()), 0)
        self.format.setCurrentIndex(ORDER.index(fmt) if fmt in ORDER and
                                    self.format.model().item(ORDER.index(fmt)).isEnabled() else first)
        self.format.currentIndexChanged.connect(self._format_changed)
        self.media.toggled.connect(lambda _on: self._show_preview())
        self.page_by.currentIndexChanged.connect(lambda _i: self.page_size.setEnabled(self.page_by.currentData() == "count"))
        self.scope.currentIndexChanged.connect(lambda _i: self._recount())
        self._format_changed()
        self.page_size.setEnabled(False)
        self._recount()

    # --- choices -----------------------------------------------------------------------------
    def fmt(self) -> str:
        return str(self.format.currentData())

    def _format_changed(self, *_a: Any) -> None:
        name = self.fmt()
        self.media.setChecked(MEDIA_DEFAULT.get(name, False))
        self.media.setText(self.tr("Draw the pictures in the PDF") if name == "pdf"
                           else self.tr("Include photos, videos and files"))
        for widget, shown in ((self.media, name in MEDIA_DEFAULT), (self.page_by, name == "html"),
                              (self.page_size, name == "html"), (self.bom, name == "csv"),
                              (self.production, name == "production")):
            widget.setVisible(shown)
            label = self.form.labelForField(widget)
            if label is not None:
                label.setVisible(shown)
        self._show_preview()

    def options(self) -> dict[str, Any]:
        """The options in `export.formats.run`'s vocabulary."""
        name = self.fmt()
        opts: dict[str, Any] = {"lang": self.lang.currentData()}
        if name in MEDIA_DEFAULT:
            opts["media"] = self.media.isChecked()
        if name == "html":
            opts["page_by"] = self.page_by.currentData()
            if self.page_by.currentData() == "count":
                opts["page_size"] = self.page_size.value()
        if name == "csv":
            opts["bom"] = self.bom.isChecked()
        if name == "production":
            opts.update(self.production.options())
        return opts

    def _browse(self) -> None:
        folder = QFileDialog.getExistingDirectory(self, self.tr("Choose where to save the export"), self.folder.text())
        if folder:
            self.folder.setText(folder)

    # --- preview -----------------------------------------------------------------------------
    def _recount(self) -> None:
        i = self.scope.currentIndex()
        if i in self.counts:
            self._show_preview()
            return
        self.preview.setText(self.tr("Counting the messages…"))
        vault, sel = self.vault, self.scopes[i].selection
        op = Op(lambda ctx: count(vault, sel), self)
        op.finished.connect(lambda c, i=i: self._counted(i, c))
        op.failed.connect(lambda exc: self.preview.setText(getattr(exc, "message", None) or str(exc)))
        op.ended.connect(op.deleteLater)
        self.count_op = op
        op.start()

    def _counted(self, index: int, counts: Counts) -> None:
        self.counts[index] = counts
        self._show_preview()

    def _show_preview(self) -> None:
        c = self.counts.get(self.scope.currentIndex())
        if c is None:
            return
        media = self.fmt() in MEDIA_DEFAULT and self.media.isChecked()
        size = formats.estimate_bytes(self.fmt(), c.messages, c.media_bytes, media)
        text = (timefmt.grouped(self.tr("%n chat(s)", None, c.conversations), c.conversations) + " · "
                + timefmt.grouped(self.tr("%n message(s)", None, c.messages), c.messages))
        if c.attachments:
            text += " · " + self.tr("%1 media files (%2)").replace("%1", f"{c.attachments:,}").replace(
                "%2", human_size(c.media_bytes))
        text += "\n" + self.tr("About %1 to write").replace("%1", human_size(size))
        self.preview.setText(text)
        self.start_button.setEnabled(c.messages > 0 and not self.running())

    # --- run ---------------------------------------------------------------------------------
    def running(self) -> bool:
        return self.op is not None and self.op.running

    def start(self) -> None:
        folder = Path(self.folder.text().strip()).expanduser()
        if not self.folder.text().strip() or not folder.is_dir():
            self.error.setText(self.tr("The folder %1 does not exist. Choose a folder to save the export in.")
                               .replace("%1", str(folder)))
            return
        prefs.put(PREF_FOLDER, str(folder))
        scope = self.scopes[self.scope.currentIndex()]
        name, options, vault = self.fmt(), self.options(), self.vault
        out = self.out = formats.default_out(name, folder, scope.name)
        self.error.clear()
        self.open_button.hide()
        self.report = None
        self._set_running(True)
        self.status.setText(self.tr("Exporting…"))
        self.op = Op(lambda ctx: formats.run(name, vault, scope.selection, out, ctx, options), self)
        self.op.progress.connect(self._progress)
        self.op.finished.connect(self._done)
        self.op.failed.connect(self._failed)
        self.op.start()

    def _set_running(self, on: bool) -> None:
        for w in (self.scope, self.format, self.folder, self.media, self.page_by, self.page_size, self.bom, self.lang,
                  self.production):
            w.setEnabled(not on and (w is not self.scope or len(self.scopes) > 1)
                         and (w is not self.page_size or self.page_by.currentData() == "count"))
        self.start_button.setEnabled(not on)
        self.bar.setVisible(on)
        self.bar.setValue(0)
        self.close_button.setText(self.tr("Cancel") if on else self.tr("Close"))

    def _progress(self, p: Any) -> None:
        if p.fraction is not None:
            self.bar.setValue(int(p.fraction * 1000))
        if p.cancelled:
            self.status.setText(self.tr("Stopping…"))
        elif p.items_total:
            text = self.tr("%1 of %2 messages").replace("%1", f"{p.items_done:,}").replace("%2", f"{p.items_total:,}")
            if p.rate_items:
                text += " · " + self.tr("%1 a second").replace("%1", f"{p.rate_items:,.0f}")
            if p.eta_seconds is not None:
                m, sec = divmod(int(p.eta_seconds), 60)
                text += " · " + self.tr("about %1 left").replace("%1", f"{m}:{sec:02d}")
            self.status.setText(text)

    def _done(self, report: Any) -> None:
        self._set_running(False)
        if report.cancelled:
            self.status.setText(self.tr("Export cancelled. Nothing of it was kept."))
            return
        self.report = report
        text = self.tr("Exported %1 to %2").replace("%1", timefmt.grouped(
            self.tr("%n message(s)", None, report.messages), report.messages)).replace("%2", str(report.out))
        for w in report.warnings:
            text += "\n" + w
        self.status.setText(text)
        self.open_button.show()
        self.open_button.setFocus()

    def _failed(self, exc: Exception) -> None:
        self._set_running(False)
        self.status.clear()
        self.error.setText(self.tr("The export failed: %1").replace("%1", getattr(exc, "message", None) or str(exc)))

    def folder_of_export(self) -> Path | None:
        """The folder "Open the folder" shows: the export's own folder, or the PDF's."""
        if self.report is None:
            return None
        out = Path(self.report.out)
        if formats.FORMATS[self.report.format].out_is_file or out.is_file():
            return out.parent
        return out if out.is_dir() else out.parent

    def open_folder(self) -> bool:
        folder = self.folder_of_export()
        return bool(folder) and QDesktopServices.openUrl(QUrl.fromLocalFile(str(folder)))

    def cancel(self) -> None:
        if self.running():
            self.op.cancel()
            self.status.setText(self.tr("Stopping…"))

    def _close_or_cancel(self) -> None:
        if self.running():
            self.cancel()
        else:
            self.reject()

    def reject(self) -> None:
        if self.running():              # closing the window while exporting stops the export
            self.cancel()
        super().reject()

    def keyPressEvent(self, event) -> None:  # noqa: N802 - Esc cancels a running export first
        if event.key() == Qt.Key.Key_Escape and self.running():
            self.cancel()
            return
        super().keyPressEvent(event)
