"""The import's one report: a row per export (added, already present, failed and why, left out,
stopped by Cancel), the totals, what the imports warned about, and the lines not understood."""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QFormLayout,
    QHeaderView,
    QLabel,
    QPlainTextEdit,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from chatvault.gui.dialogs import import_wording as W
from chatvault.gui.dialogs.common import add_button_row, button, wrapped
from chatvault.gui.import_queue import (
    ADDED,
    CANCELLED,
    FAILED,
    LEFT_OUT,
    NOT_STARTED,
    PARTIAL,
    PRESENT,
    QueueResult,
)


class ImportReportPage(QWidget):
    """The dialog's last page; `done` when the user has read it."""

    done = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.report: QueueResult | None = None
        l3 = QVBoxLayout(self)
        self.title = wrapped(name="pageTitle")
        l3.addWidget(self.title)
        self.table = QTableWidget(0, 4)
        self.table.setObjectName("importReport")
        self.table.setHorizontalHeaderLabels([self.tr("Export"), self.tr("Result"), self.tr("New messages"),
                                              self.tr("Already in the vault")])
        header = self.table.horizontalHeader()
        for col in range(4):                      # the result column takes the room: it holds the reasons
            header.setSectionResizeMode(col, QHeaderView.ResizeMode.Stretch if col == 1
                                        else QHeaderView.ResizeMode.ResizeToContents)
        self.table.verticalHeader().hide()
        self.table.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
        self.table.setWordWrap(True)
        self.table.hide()
        l3.addWidget(self.table, 1)
        self.form = QFormLayout()
        l3.addLayout(self.form)
        self.unparsed_link = QLabel()
        self.unparsed_link.setTextInteractionFlags(Qt.TextInteractionFlag.LinksAccessibleByMouse
                                                   | Qt.TextInteractionFlag.LinksAccessibleByKeyboard)
        self.unparsed_link.linkActivated.connect(self.show_unparsed)
        l3.addWidget(self.unparsed_link)
        self.unparsed_view = QPlainTextEdit()
        self.unparsed_view.setReadOnly(True)
        self.unparsed_view.hide()
        l3.addWidget(self.unparsed_view)
        self.notes = wrapped(name="importNotes")
        self.notes.setStyleSheet("color: #b26a00")
        self.notes.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        l3.addWidget(self.notes)
        add_button_row(l3, button(self.tr("Done"), lambda: self.done.emit(), primary=True))

    def show_report(self, rep: QueueResult | None, cancelled: bool = False) -> None:
        self.report = rep
        results = rep.results if rep is not None else []
        cancelled = cancelled or (rep is not None and rep.outcome == "cancelled")
        failed = [r for r in results if r.status == FAILED]
        tried = [r for r in results if r.status != LEFT_OUT]
        if cancelled:
            self.title.setText(self.tr("Import cancelled. What was imported so far is kept; import the "
                                       "same export again to continue."))
        elif failed and len(failed) == len(tried):
            self.title.setText(self.tr("This could not be imported") if len(results) == 1
                               else self.tr("None of these could be imported"))
        elif failed or any(r.status == PARTIAL for r in results):
            self.title.setText(self.tr("Imported, with some parts that could not be read"))
        else:
            self.title.setText(self.tr("Import finished"))
        while self.form.rowCount():
            self.form.removeRow(0)
        self.notes.clear()
        self._fill_table(results)
        if rep is None:
            return
        if len(results) == 1 and failed:
            self._error_row(failed[0].error, failed[0].given)
            self.unparsed_link.clear()
            return
        rows = [
            (self.tr("New messages"), rep.added),
            (self.tr("Already in the vault"), rep.already_present),
            (self.tr("Deleted on the phone since the last import (kept here)"), rep.missing_at_source),
            *([(self.tr("Recalled by their sender since the last import (text kept)"), rep.recalled)]
              if rep.recalled else []),
            *([(self.tr("Already in the vault from another WhatsApp source (joined, not doubled)"), rep.merged)]
              if rep.merged else []),
            *([(self.tr("Reactions or poll votes changed since the last import"), rep.details_updated)]
              if rep.details_updated else []),
            (self.tr("Media stored"), rep.attachments_stored),
            *([(self.tr("Pictures and videos upgraded to a better copy"), rep.attachments_upgraded)]
              if rep.attachments_upgraded else []),
            (self.tr("Media missing from the export"), rep.attachments_missing),
            (self.tr("Lines not understood"), rep.unparsed),
        ]
        for label, value in rows:
            self.form.addRow(label, QLabel(f"{value:,}"))
        self._show_notes(rep)
        if rep.unparsed:
            self.unparsed_link.setText(f"<a href='show'>{self.tr('Show the lines that were not understood')}</a>")
        else:
            self.unparsed_link.clear()

    def _show_notes(self, rep: QueueResult) -> None:
        """What the imports warned about (images kept undecoded, dates read the other way…), without
        command-line advice; with the export's name when there are several."""
        several = len(rep.results) > 1
        lines = [(f"{path.name}: " if several else "") + text
                 for path, text in ((p, W.app_text(w)) for p, w in rep.warnings()) if text]
        self.notes.setText("\n".join(lines))

    def _fill_table(self, results) -> None:
        """A row per source (shown when there are several): what became of it, and why when it failed."""
        words = {ADDED: self.tr("Added"), PRESENT: self.tr("Already present"), PARTIAL: self.tr("Added, with gaps"),
                 CANCELLED: self.tr("Stopped by Cancel (what was imported is kept)"),
                 NOT_STARTED: self.tr("Not started (cancelled)"), FAILED: self.tr("Failed: %1"),
                 LEFT_OUT: self.tr("Left out")}
        self.table.setRowCount(len(results))
        for row, res in enumerate(results):
            text = words[res.status]
            if res.status == FAILED:
                text = text.replace("%1", W.describe(res.error, res.given)[1])
            rep = res.report
            cells = [res.path.name, text, f"{rep.added:,}" if rep else "", f"{rep.already_present:,}" if rep else ""]
            for col, value in enumerate(cells):
                item = QTableWidgetItem(value)
                item.setToolTip(str(res.path) if col == 0 else value)
                self.table.setItem(row, col, item)
        self.table.resizeRowsToContents()
        self.table.setVisible(len(results) > 1)

    def _error_row(self, exc: BaseException | None, given: dict[str, str]) -> None:
        label = QLabel(W.describe(exc, given)[1] if exc is not None else "")
        label.setWordWrap(True)
        label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.form.addRow(label)

    def show_unparsed(self, _link: str = "") -> None:
        lines = list(self.report.unparsed_lines if self.report else [])
        more = (self.report.unparsed - len(lines)) if self.report else 0
        text = "\n".join(lines)
        if more > 0:
            text += "\n" + self.tr("… and %1 more, kept with the import.").replace("%1", f"{more:,}")
        self.unparsed_view.setPlainText(text)
        self.unparsed_view.show()

    def show_error(self, exc: BaseException) -> None:
        """A failure outside any one source (a bug, the vault)."""
        self.title.setText(self.tr("This could not be imported"))
        while self.form.rowCount():
            self.form.removeRow(0)
        self.table.hide()
        self._error_row(exc, {})
        self.unparsed_link.clear()
