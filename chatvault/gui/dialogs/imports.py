"""Import: pick or drop one export or several, see what each holds, give what each format needs (a
WeChat key, the phone's IMEI and uin, the image key, the date order, who is "me"), then run them as one
job in the background with progress over all of them and Cancel, and read one report."""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Any

from PySide6.QtCore import QObject, Signal
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QFileDialog,
    QFormLayout,
    QLabel,
    QProgressBar,
    QScrollArea,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from chatvault.gui import timefmt
from chatvault.gui.dialogs.common import add_button_row, button, dress, wrapped
from chatvault.gui.dialogs.import_fields import SourcePanel
from chatvault.gui.dialogs.import_report import ImportReportPage
from chatvault.gui.import_queue import (
    QueueItem,
    QueueResult,
    QueueState,
    read_source,
    run_queue,
)
from chatvault.gui.ops import Op

log = logging.getLogger(__name__)
PAGE_READING, PAGE_SOURCES, PAGE_PROGRESS, PAGE_REPORT, PAGE_QUESTION = range(5)


class ImportDialog(QDialog):
    """Non-modal: the main window stays usable while an import runs."""

    start_requested = Signal()
    cancel_requested = Signal()
    date_order_chosen = Signal(str)

    def __init__(self, paths: list[Path] | Path, parent=None) -> None:
        super().__init__(parent)
        paths = [paths] if isinstance(paths, Path) else list(paths)
        title = (self.tr("Import %1").replace("%1", paths[0].name) if len(paths) == 1
                 else self.tr("Import %1 exports").replace("%1", str(len(paths))))
        dress(self, "importDialog", title, 600)
        self.paths = paths
        self.path = paths[0]
        self.report: QueueResult | None = None
        self.state: QueueState | None = None
        self.asking: SourcePanel | None = None        # the source the date-order question is about
        layout = QVBoxLayout(self)
        self.pages = QStackedWidget()
        layout.addWidget(self.pages)
        for build in (self._reading_page, self._sources_page, self._progress_page, self._report_page,
                      self._question_page):
            self.pages.addWidget(build())
        self.finished.connect(self.forget_secrets)

    def forget_secrets(self) -> None:
        """Closed: the keys typed in are not kept (the import, if it runs, has its own copy)."""
        for panel in self.panels:
            panel.forget_secrets()

    # --- the first source, for a dialog about one export -------------------------------------
    @property
    def panel(self) -> SourcePanel:
        return self.panels[0]

    @property
    def preview(self) -> dict[str, Any] | None:
        return self.panel.preview

    @property
    def preview_form(self) -> QFormLayout:
        return self.panel.preview_form

    @property
    def warn(self) -> QLabel:
        return self.panel.warn

    @property
    def me(self) -> QComboBox:
        return self.panel.me

    @property
    def me_hint(self) -> QLabel:
        return self.panel.me_hint

    def me_name(self) -> str | None:
        return self.panel.me_name()

    # --- pages -----------------------------------------------------------------------------
    def _reading_page(self) -> QWidget:
        p0 = QWidget()
        l0 = QVBoxLayout(p0)
        what = str(self.path) if len(self.paths) == 1 else self.tr("%1 exports").replace("%1", str(len(self.paths)))
        self.reading = wrapped(self.tr("Reading %1 to see what it holds…").replace("%1", what))
        l0.addWidget(self.reading)
        busy = QProgressBar()
        busy.setRange(0, 0)
        l0.addWidget(busy)
        return p0

    def _sources_page(self) -> QWidget:
        """Page 1: each source with what it holds and the fields its format needs."""
        p1 = QWidget()
        l1 = QVBoxLayout(p1)
        self.sources_title = wrapped(name="pageTitle")
        l1.addWidget(self.sources_title)
        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QScrollArea.Shape.NoFrame)
        inner = QWidget()
        self.panel_column = QVBoxLayout(inner)
        self.panel_column.addStretch(1)
        self.panels: list[SourcePanel] = []
        self.add_sources(self.paths)
        scroll.setWidget(inner)
        l1.addWidget(scroll, 1)
        self.start_hint = wrapped(name="hintLabel")
        l1.addWidget(self.start_hint)
        self.start_button = button(self.tr("Import"), self.start_requested, primary=True, default=True)
        self.start_button.setObjectName("startImport")
        add_button_row(l1, button(self.tr("Cancel"), self.reject), self.start_button)
        return p1

    def add_sources(self, paths: list[Path]) -> list[SourcePanel]:
        """A panel for each of `paths` not listed yet (more exports dropped while the dialog is open)."""
        known = {p.path for p in self.panels}
        new = []
        for path in paths:
            if path in known:
                continue
            known.add(path)
            panel = SourcePanel(path)
            panel.changed.connect(self._update_start)
            self.panel_column.insertWidget(self.panel_column.count() - 1, panel)
            self.panels.append(panel)
            new.append(panel)
        self.paths = [p.path for p in self.panels]
        for panel in self.panels:
            panel.include.setVisible(len(self.panels) > 1)
        n = len(self.panels)
        self.sources_title.setText(self.tr("What will be imported") if n == 1 else
                                   self.tr("%1 exports will be imported as one job").replace("%1", str(n)))
        if n > 1:
            self.setWindowTitle(self.tr("Import %1 exports").replace("%1", str(n)))
        return new

    def collecting(self) -> bool:
        """Still choosing what to import (not running, not reporting): more exports can join."""
        return self.isVisible() and self.pages.currentIndex() in (PAGE_READING, PAGE_SOURCES, PAGE_QUESTION)

    def _progress_page(self) -> QWidget:
        """Page 2: which source, N of M, rate, ETA and Cancel."""
        p2 = QWidget()
        l2 = QVBoxLayout(p2)
        self.progress_title = QLabel(self.tr("Importing…"))
        self.progress_title.setObjectName("pageTitle")
        l2.addWidget(self.progress_title)
        self.bar = QProgressBar()
        self.bar.setRange(0, 0)
        self.bar.setAccessibleName(self.tr("Import progress"))
        l2.addWidget(self.bar)
        self.counts = QLabel()
        l2.addWidget(self.counts)
        self.status = wrapped(name="hintLabel")
        l2.addWidget(self.status)
        l2.addWidget(wrapped(self.tr("You can keep reading your chats while this runs. Cancel keeps what is already "
                                     "imported; importing again continues where it stopped."), "hintLabel"))
        self.cancel_button = button(self.tr("Cancel import"), self.cancel_requested)
        add_button_row(l2, self.cancel_button)
        return p2

    def _report_page(self) -> QWidget:
        """Page 3: one report for the whole job (`import_report`)."""
        page = ImportReportPage()
        page.done.connect(self.accept)
        self.report_page = page
        self.report_title, self.report_form, self.report_table = page.title, page.form, page.table
        self.unparsed_link, self.unparsed_view, self.notes = page.unparsed_link, page.unparsed_view, page.notes
        return page

    def _question_page(self) -> QWidget:
        """Page 4: a source's dates read both day-first and month-first: which is it?"""
        p4 = QWidget()
        l4 = QVBoxLayout(p4)
        l4.addWidget(wrapped(self.tr("In which order are the dates in this chat written?"), "pageTitle"))
        self.question = wrapped()
        l4.addWidget(self.question)
        self.order_choice = QComboBox()
        self.order_choice.setAccessibleName(self.tr("Date order"))
        l4.addWidget(self.order_choice)
        l4.addWidget(wrapped(self.tr("Look at a message whose date you remember. If you choose wrongly, import again "
                                     "and choose the other order: the messages are moved to the right dates, not "
                                     "copied."), "hintLabel"))
        self.order_button = button(self.tr("Continue"), self._order_chosen, primary=True)
        add_button_row(l4, button(self.tr("Cancel"), self.reject), self.order_button)
        return p4

    # --- the date-order question -----------------------------------------------------------
    def ask_date_order(self, panel: SourcePanel, exc: Exception) -> None:
        """A read stopped with `DateOrderNeeded`: show its example both ways and let the user pick."""
        self.asking = panel
        example = getattr(exc, "example", "")
        readings = getattr(exc, "readings", {})
        text = self.tr("Every date in this export could be day-first or month-first: \"%1\" is "
                       "%2 or %3, and nothing in the file tells which.").replace("%1", example) \
            .replace("%2", readings.get("DMY", "?")).replace("%3", readings.get("MDY", "?"))
        if len(self.panels) > 1:
            text = panel.path.name + "\n\n" + text
        self.question.setText(text)
        words = {"DMY": self.tr("Day first (%1)"), "MDY": self.tr("Month first (%1)"), "YMD": self.tr("Year first")}
        self.order_choice.clear()
        for choice in getattr(exc, "choices", ("DMY", "MDY")):
            self.order_choice.addItem(words[choice].replace("%1", readings.get(choice, "")), choice)
        kept = getattr(exc, "kept_order", None)
        if kept and self.order_choice.findData(kept) >= 0:      # this chat is in the vault: its answer first
            self.order_choice.setCurrentIndex(self.order_choice.findData(kept))
            kept_text = {"DMY": self.tr("The vault keeps this chat read day first; choose the other only if "
                                        "its dates were wrong."),
                         "MDY": self.tr("The vault keeps this chat read month first; choose the other only if "
                                        "its dates were wrong.")}.get(kept)
            if kept_text:
                self.question.setText(self.question.text() + "\n\n" + kept_text)
        self.pages.setCurrentIndex(PAGE_QUESTION)
        self.order_choice.setFocus()

    def _order_chosen(self) -> None:
        order = self.order_choice.currentData()
        panel, self.asking = self.asking, None
        self.pages.setCurrentIndex(PAGE_READING)
        if panel is not None:
            panel.set_date_order(order)
        self.date_order_chosen.emit(order)

    # --- the sources -----------------------------------------------------------------------
    def show_sources(self) -> None:
        self._update_start()
        if self.pages.currentIndex() == PAGE_SOURCES:     # a source read again while the user types: stay put
            return
        self.pages.setCurrentIndex(PAGE_SOURCES)
        first = next((p for p in self.panels if p.error_field), None)
        if first is not None:
            first.rows[first.error_field][0].setFocus()
        else:
            self.start_button.setFocus()

    def _update_start(self) -> None:
        """Start is offered when no field holds a wrong value, no source waits for a value the user must
        give, and at least one source can be imported; the line under the list says why not."""
        chosen = [p for p in self.panels if p.included()]
        invalid = [p for p in chosen if p.invalid()]
        blocked = [p for p in chosen if p.blocked()]
        usable = [p for p in chosen if not p.failed()]
        ok = not invalid and not blocked and bool(usable)
        self.start_button.setEnabled(ok)
        if invalid:
            self.start_hint.setText(self.tr("Correct the values marked in red to start."))
        elif blocked:
            self.start_hint.setText(self.tr("Give the values asked for in red to start."))
        elif not usable:
            self.start_hint.setText(self.tr("Nothing here can be imported."))
        elif len(usable) < len(chosen):
            self.start_hint.setText(self.tr("%1 of %2 exports cannot be imported; the report will list them.")
                                    .replace("%1", str(len(chosen) - len(usable)))
                                    .replace("%2", str(len(chosen))))
        else:
            self.start_hint.clear()

    def shown_texts(self) -> list[str]:
        """Every text the dialog shows now, its sources' fields included (the tests read them)."""
        out = [w.text() for w in self.findChildren(QLabel) if w.isVisibleTo(self) and w.text()]
        for panel in self.panels:
            out += panel.shown_texts()
        for row in range(self.report_table.rowCount()):
            out += [self.report_table.item(row, c).text() for c in range(self.report_table.columnCount())
                    if self.report_table.item(row, c)]
        return out

    # --- progress --------------------------------------------------------------------------
    def show_running(self, state: QueueState) -> None:
        self.state = state
        self.pages.setCurrentIndex(PAGE_PROGRESS)
        self.cancel_button.setEnabled(True)

    def show_progress(self, p) -> None:
        index, count, name = self.state.get() if self.state else (0, 1, "")
        panel = self.panels[index] if index < len(self.panels) else None
        total = ((panel.preview or {}).get("messages") if panel else None) or p.items_total
        here = p.fraction if p.fraction is not None else (min(1.0, p.items_done / total) if total else None)
        if here is not None or count > 1:
            self.bar.setRange(0, 1000)
            self.bar.setValue(int((index + (here or 0.0)) / max(count, 1) * 1000))
        if count > 1:
            self.progress_title.setText(self.tr("Importing %1 of %2: %3").replace("%1", str(index + 1))
                                        .replace("%2", str(count)).replace("%3", name))
        parts = [self.tr("%1 of %2 messages").replace("%1", f"{p.items_done:,}").replace("%2", f"{total:,}")
                 if total else self.tr("%1 messages").replace("%1", f"{p.items_done:,}")]
        if p.rate_items:
            parts.append(self.tr("%1/s").replace("%1", f"{p.rate_items:,.0f}"))
        if p.eta_seconds is not None:
            parts.append(self.tr("about %1 left").replace("%1", timefmt.duration(p.eta_seconds)))
        self.counts.setText(" · ".join(parts))
        if self.cancel_button.isEnabled():     # else it says "Stopping…" until the job ends
            # The engine's own status lines are English: the app says the one that takes time itself.
            checking = (p.status or "").startswith("Checking")
            self.status.setText(self.tr("Checking whether %1 was imported before…").replace(
                "%1", name or self.path.name) if checking else "")

    # --- report ----------------------------------------------------------------------------
    def show_report(self, rep: QueueResult | None, cancelled: bool = False) -> None:
        self.report = rep
        self.pages.setCurrentIndex(PAGE_REPORT)
        self.report_page.show_report(rep, cancelled)

    def show_unparsed(self, _link: str = "") -> None:
        self.report_page.show_unparsed()

    def show_error(self, exc: BaseException) -> None:
        """A failure outside any one source (a bug, the vault): told on the report page."""
        self.pages.setCurrentIndex(PAGE_REPORT)
        self.report_page.show_error(exc)


class ImportController(QObject):
    """Owns the import dialog, the reads of its sources and the one background job that imports them."""

    finished = Signal(object)

    def __init__(self, window) -> None:
        super().__init__(window)
        self.window = window
        self.dialog: ImportDialog | None = None
        self.op: Op | None = None
        self.reads: dict[SourcePanel, Op] = {}
        self.start_pending = False

    def busy(self) -> bool:
        return self.op is not None and self.op.running

    def choose(self, folder: bool = False) -> None:
        if folder:
            path = QFileDialog.getExistingDirectory(self.window, self.tr("Choose the export folder"))
            paths = [path] if path else []
        else:
            paths, _ = QFileDialog.getOpenFileNames(
                self.window, self.tr("Choose one export or several"), "",
                self.tr("Chat exports (*.zip *.txt *.json *.db *.html);;All files (*)"))
        if paths:
            self.start_many([Path(p) for p in paths])

    def start_preview(self, path: Path) -> ImportDialog | None:
        return self.start_many([path])

    def start_many(self, paths: list[Path]) -> ImportDialog | None:
        """Open the dialog for `paths` (duplicates dropped, order kept) and read each one."""
        if self.busy():
            self.window.statusBar().showMessage(self.tr("An import is already running."), 5000)
            if self.dialog is not None:
                self.dialog.show()
                self.dialog.raise_()
            return None
        unique = list(dict.fromkeys(Path(p) for p in paths))
        if self.dialog is not None and self.dialog.collecting():     # dropped onto an open dialog's job
            dialog = self.dialog
            self._watch(dialog, dialog.add_sources(unique))
            dialog.raise_()
            self._read_all(dialog)
            return dialog
        if self.dialog is not None:
            self._forget_reads(self.dialog)
            self.dialog.close()
        dialog = self.dialog = ImportDialog(unique, self.window)
        dialog.start_requested.connect(self.start_import)
        dialog.cancel_requested.connect(self.cancel)
        dialog.date_order_chosen.connect(lambda _order, d=dialog: self._read_all(d))
        self._watch(dialog, dialog.panels)
        self.start_pending = False
        dialog.show()
        self._read_all(dialog)
        return dialog

    def _reading(self, dialog: ImportDialog) -> bool:
        return any(p in self.reads for p in dialog.panels)

    def _forget_reads(self, dialog: ImportDialog) -> None:
        for panel in dialog.panels:
            op = self.reads.pop(panel, None)
            if op is not None:
                op.cancel()

    def _watch(self, dialog: ImportDialog, panels: list[SourcePanel]) -> None:
        for panel in panels:
            panel.reread.connect(lambda p=panel, d=dialog: self._read(d, p))

    def _read_all(self, dialog: ImportDialog) -> None:
        for panel in dialog.panels:
            if panel.stale() or panel.read_with is None:
                self._read(dialog, panel)
        self._settle(dialog)

    def _read(self, dialog: ImportDialog, panel: SourcePanel) -> None:
        old = self.reads.pop(panel, None)
        if old is not None and old.running:
            old.cancel()
        path, vault, values = panel.path, self.window.vault, panel.values()
        op = Op(lambda ctx: read_source(vault, path, values, ctx), dialog)
        self.reads[panel] = op
        panel.show_reading()
        op.finished.connect(lambda res, p=panel, o=op: self._read_done(dialog, p, o, res))
        op.failed.connect(lambda exc, p=panel, o=op: self._read_done(
            dialog, p, o, {"values": values, "error": exc, "preview": None}))
        op.start()

    def _read_done(self, dialog: ImportDialog, panel: SourcePanel, op: Op, result: dict[str, Any]) -> None:
        from chatvault.importers.whatsapp.dateorder import DateOrderNeeded

        if self.reads.get(panel) is not op:          # a later read of this source replaced it
            return
        del self.reads[panel]
        if not dialog.isVisible():                   # closed meanwhile: its values are forgotten, keep it so
            return
        panel.show_read(result)
        if isinstance(result.get("error"), DateOrderNeeded) and dialog.asking is None:
            self.start_pending = False
            dialog.ask_date_order(panel, result["error"])
            return
        self._settle(dialog)

    def _settle(self, dialog: ImportDialog) -> None:
        """Once no read runs: the sources page, or the import when Start was pressed meanwhile."""
        if self._reading(dialog) or dialog.asking is not None or dialog.pages.currentIndex() in (PAGE_PROGRESS,
                                                                                                  PAGE_REPORT):
            return
        from chatvault.importers.whatsapp.dateorder import DateOrderNeeded

        waiting = next((p for p in dialog.panels if p.included() and isinstance(p.error, DateOrderNeeded)
                        and p.read_with == p.values()), None)
        if waiting is not None:
            dialog.ask_date_order(waiting, waiting.error)
            return
        if self.start_pending:
            self.start_pending = False
            chosen = [p for p in dialog.panels if p.included()]
            if all(p.importable() or p.failed() for p in chosen) and any(p.importable() for p in chosen):
                self._run_queue(dialog)
                return
        dialog.show_sources()

    def start_import(self) -> None:
        """Start: sources whose values changed since they were read are read again first; the import
        starts when every source is read without a value missing, else the dialog shows what to fix."""
        dialog = self.dialog
        if dialog is None or self.window.vault is None or not dialog.start_button.isEnabled():
            return
        self.start_pending = True
        if any(p.stale() for p in dialog.panels) or self._reading(dialog):
            dialog.pages.setCurrentIndex(PAGE_READING)
            self._read_all(dialog)
        else:
            self._settle(dialog)

    def _run_queue(self, dialog: ImportDialog) -> None:
        vault = self.window.vault
        items = []
        for p in dialog.panels:
            values = p.values()
            items.append(QueueItem(p.path, values["format"] or (p.preview or {}).get("format"), values["options"],
                                   me=p.me_name(), given=p.given(), error=p.error if p.failed() else None,
                                   left_out=not p.included()))
        state = QueueState(count=len(items))
        dialog.show_running(state)
        self.op = Op(lambda ctx: run_queue(vault, items, ctx, state), self)
        self.op.progress.connect(dialog.show_progress)
        self.op.finished.connect(self._done)
        self.op.failed.connect(lambda exc: (dialog.show_error(exc), self.window.import_finished()))
        self.op.cancelled.connect(lambda: (dialog.show_report(None, cancelled=True), self.window.import_finished()))
        self.op.start()

    def _done(self, report: QueueResult) -> None:
        if self.dialog is not None:
            if not self.dialog.isVisible():       # closed while it ran: say it in the status bar
                self.window.statusBar().showMessage(self.tr("Import finished: %1 new messages.").replace(
                    "%1", f"{report.added:,}"), 15000)
            self.dialog.show_report(report)
        self.window.import_finished()
        self.finished.emit(report)

    def on_lock(self) -> None:
        """The vault locks: stop the import and the reads, and close the dialog with its keys and previews."""
        self.cancel()
        if self.dialog is not None:
            self._forget_reads(self.dialog)
            self.dialog.reject()

    def cancel(self) -> None:
        if self.op is not None and self.op.running:
            self.op.cancel()
            if self.dialog is not None:
                self.dialog.cancel_button.setEnabled(False)
                self.dialog.status.setText(self.tr("Stopping after the current batch…"))
