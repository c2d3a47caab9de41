"""Import: pick or drop an export, see what it holds (preview), choose who is "me", run it in the
background with N of M, rate, ETA and Cancel, then read the fidelity report."""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Any

from PySide6.QtCore import QObject, Qt, Signal
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QFileDialog,
    QFormLayout,
    QLabel,
    QPlainTextEdit,
    QProgressBar,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from chatvault.gui import timefmt
from chatvault.gui.dialogs.common import add_button_row, button, dress, wrapped
from chatvault.gui.i18n import core_text
from chatvault.gui.ops import Op

log = logging.getLogger(__name__)


class ImportDialog(QDialog):
    """Non-modal: the main window stays usable while an import runs."""

    start_requested = Signal()
    cancel_requested = Signal()
    date_order_chosen = Signal(str)

    def __init__(self, path: Path, parent=None) -> None:
        super().__init__(parent)
        dress(self, "importDialog", self.tr("Import %1").replace("%1", path.name), 560)
        self.path = path
        self.preview: dict[str, Any] | None = None
        self.report = None
        self.date_order: str | None = None      # the user's answer when the export cannot tell
        layout = QVBoxLayout(self)
        self.pages = QStackedWidget()
        layout.addWidget(self.pages)
        for build in (self._reading_page, self._preview_page, self._progress_page, self._report_page,
                      self._question_page):
            self.pages.addWidget(build())

    def _reading_page(self) -> QWidget:
        """Page 0: reading the export."""
        path = self.path
        p0 = QWidget()
        l0 = QVBoxLayout(p0)
        self.reading = wrapped(self.tr("Reading %1 to see what it holds…").replace("%1", str(path)))
        l0.addWidget(self.reading)
        busy = QProgressBar()
        busy.setRange(0, 0)
        l0.addWidget(busy)
        return p0

    @staticmethod
    def _form_page() -> tuple[QWidget, QVBoxLayout, QLabel, QFormLayout]:
        """A page whose title (set when its content is known) stands above a form."""
        page = QWidget()
        layout = QVBoxLayout(page)
        title = wrapped(name="pageTitle")
        layout.addWidget(title)
        form = QFormLayout()
        layout.addLayout(form)
        return page, layout, title, form

    def _preview_page(self) -> QWidget:
        """Page 1: what the export holds, and who is "me"."""
        p1, l1, self.preview_title, self.preview_form = self._form_page()
        self.warn = wrapped()
        self.warn.setStyleSheet("color: #b26a00")
        l1.addWidget(self.warn)
        opts = QFormLayout()
        self.me = QComboBox()
        self.me.setEditable(True)
        self.me.setAccessibleName(self.tr("Which name is me"))
        self.me.lineEdit().setPlaceholderText(self.tr("Detected automatically; type your name as it appears to change it"))
        self.auto_me: str | None = None    # what the import does without an answer (detected, or kept)
        opts.addRow(self.tr("Which name is me"), self.me)
        self.me_hint = wrapped(name="hintLabel")
        opts.addRow("", self.me_hint)
        l1.addLayout(opts)
        self.start_button = button(self.tr("Import"), self.start_requested, primary=True, default=True)
        add_button_row(l1, button(self.tr("Cancel"), self.reject), self.start_button)
        return p1

    def _progress_page(self) -> QWidget:
        """Page 2: N of M, rate, ETA and Cancel."""
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
        """Page 3: the fidelity report."""
        p3, l3, self.report_title, self.report_form = self._form_page()
        self.unparsed_link = QLabel()
        self.unparsed_link.setTextInteractionFlags(Qt.TextInteractionFlag.LinksAccessibleByMouse
                                                   | Qt.TextInteractionFlag.LinksAccessibleByKeyboard)
        self.unparsed_link.linkActivated.connect(self.show_unparsed)
        l3.addWidget(self.unparsed_link)
        self.unparsed_view = QPlainTextEdit()
        self.unparsed_view.setReadOnly(True)
        self.unparsed_view.hide()
        l3.addWidget(self.unparsed_view)
        add_button_row(l3, button(self.tr("Done"), self.accept, primary=True))
        return p3

    def _question_page(self) -> QWidget:
        """Page 4: the export's dates read both day-first and month-first: which is it?"""
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

    def ask_date_order(self, exc: Exception) -> None:
        """The preview stopped with `DateOrderNeeded`: show its example both ways and let the user pick."""
        example = getattr(exc, "example", "")
        readings = getattr(exc, "readings", {})
        self.question.setText(self.tr("Every date in this export could be day-first or month-first: \"%1\" is "
                                      "%2 or %3, and nothing in the file tells which.")
                              .replace("%1", example).replace("%2", readings.get("DMY", "?"))
                              .replace("%3", readings.get("MDY", "?")))
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
        self.pages.setCurrentIndex(4)
        self.order_choice.setFocus()

    def _order_chosen(self) -> None:
        self.date_order = self.order_choice.currentData()
        self.pages.setCurrentIndex(0)
        self.date_order_chosen.emit(self.date_order)

    # --- preview ---------------------------------------------------------------------------
    def show_preview(self, pv: dict[str, Any]) -> None:
        self.preview = pv
        self.preview_title.setText(self.tr("%1 — %2").replace("%1", core_text(pv.get("title") or pv["format"]))
                                   .replace("%2", self.path.name))
        while self.preview_form.rowCount():
            self.preview_form.removeRow(0)
        chats = pv.get("chats") or []
        dates = ""
        if pv.get("first_ts") is not None:
            dates = f"{timefmt.absolute(pv['first_ts'], with_time=False)} – {timefmt.absolute(pv['last_ts'], with_time=False)}"
        rows = [
            (self.tr("Chats"), f"{len(chats):,}"),
            (self.tr("Messages"), f"{pv.get('messages', 0):,}"),
            (self.tr("Media found"), f"{pv.get('media_found', 0):,}"),
            (self.tr("Media missing from the export"), f"{pv.get('media_missing', 0):,}"),
            (self.tr("Dates"), dates),
        ]
        if pv.get("unparsed"):
            rows.append((self.tr("Lines not understood"), f"{pv['unparsed']:,}"))
        if self.date_order:
            rows.append((self.tr("Date order"), self.order_choice.currentText()))
        for label, value in rows:
            self.preview_form.addRow(label, QLabel(value))
        warnings = list(pv.get("warnings") or [])
        truncated = pv.get("format") == "whatsapp" and (
            pv.get("messages", 0) in (10_000, 40_000) or any(c.get("messages") in (10_000, 40_000) for c in chats))
        if truncated:
            warnings.insert(0, self.tr("WhatsApp limits exports to 10,000 messages with media (40,000 without): "
                                       "older messages may be missing. Export again \"without media\" to get more."))
        if pv.get("media_missing"):
            warnings.append(self.tr("Some media are not in the export. They will be listed as missing; you can "
                                    "add them later from Media → Missing."))
        self.warn.setText("\n".join(warnings))
        self._fill_me(pv)
        self.pages.setCurrentIndex(1)
        self.start_button.setFocus()

    def _fill_me(self, pv: dict[str, Any]) -> None:
        """"Which name is me": the senders the preview saw, most messages first; the detected (or
        earlier chosen) one selected. Choosing another makes it "me" for this import and later ones."""
        self.me.clear()
        senders = pv.get("senders") or []
        for s in senders:
            self.me.addItem(self.tr("%1 (%2 messages)").replace("%1", s["name"]).replace("%2", f"{s['messages']:,}"),
                            s["name"])
        self.auto_me = pv.get("kept_me") or pv.get("me")
        at = self.me.findData(self.auto_me) if self.auto_me else -1
        self.me.setCurrentIndex(at)
        if at < 0:
            self.me.setEditText(self.auto_me or "")
        if pv.get("kept_me"):
            self.me_hint.setText(self.tr("You chose this before for these chats; it is kept unless you change it."))
        elif self.auto_me:
            self.me_hint.setText(self.tr("Found in the export. Choose another name if this is not you."))
        elif senders:
            self.me_hint.setText(self.tr("The export does not say which sender is you: choose your name, or your "
                                         "messages will be shown as someone else's (you can change it later in "
                                         "the chat list's menu)."))
        else:
            self.me_hint.clear()

    def me_name(self) -> str | None:
        """The name the user chose, or None to leave it to the detection (or the choice kept before)."""
        text = self.me.currentText().strip()
        at = self.me.findText(text)
        name = self.me.itemData(at) if at >= 0 else text
        return None if not name or name == self.auto_me else name

    # --- progress --------------------------------------------------------------------------
    def show_running(self) -> None:
        self.pages.setCurrentIndex(2)
        self.cancel_button.setEnabled(True)

    def show_progress(self, p) -> None:
        total = (self.preview or {}).get("messages") or p.items_total
        if p.fraction is not None:
            self.bar.setRange(0, 1000)
            self.bar.setValue(int(p.fraction * 1000))
        elif total:
            self.bar.setRange(0, 1000)
            self.bar.setValue(int(min(1.0, p.items_done / total) * 1000))
        parts = [self.tr("%1 of %2 messages").replace("%1", f"{p.items_done:,}").replace("%2", f"{total:,}")
                 if total else self.tr("%1 messages").replace("%1", f"{p.items_done:,}")]
        if p.rate_items:
            parts.append(self.tr("%1/s").replace("%1", f"{p.rate_items:,.0f}"))
        if p.eta_seconds is not None:
            parts.append(self.tr("about %1 left").replace("%1", timefmt.duration(p.eta_seconds)))
        self.counts.setText(" · ".join(parts))
        self.status.setText(p.status or "")

    # --- report ----------------------------------------------------------------------------
    def show_report(self, rep, cancelled: bool = False) -> None:
        self.report = rep
        self.pages.setCurrentIndex(3)
        cancelled = cancelled or getattr(rep, "outcome", "") == "cancelled"
        if cancelled:
            self.report_title.setText(self.tr("Import cancelled. What was imported so far is kept; import the "
                                              "same export again to continue."))
        elif rep.outcome == "partial":
            self.report_title.setText(self.tr("Imported, with some parts that could not be read"))
        else:
            self.report_title.setText(self.tr("Import finished"))
        while self.report_form.rowCount():
            self.report_form.removeRow(0)
        if rep is None:
            return
        rows = [
            (self.tr("New messages"), rep.added),
            (self.tr("Already in the vault"), rep.already_present),
            (self.tr("Deleted on the phone since the last import (kept here)"), rep.missing_at_source),
            *([(self.tr("Recalled by their sender since the last import (text kept)"), rep.recalled)]
              if getattr(rep, "recalled", 0) else []),
            (self.tr("Media stored"), rep.attachments_stored),
            (self.tr("Media missing from the export"), rep.attachments_missing),
            (self.tr("Lines not understood"), rep.unparsed),
        ]
        for label, value in rows:
            self.report_form.addRow(label, QLabel(f"{value:,}"))
        if rep.unparsed:
            self.unparsed_link.setText(f"<a href='show'>{self.tr('Show the lines that were not understood')}</a>")
        else:
            self.unparsed_link.clear()

    def show_unparsed(self, _link: str = "") -> None:
        lines = list(getattr(self.report, "unparsed_lines", []) or [])
        more = (self.report.unparsed - len(lines)) if self.report else 0
        text = "\n".join(lines)
        if more > 0:
            text += "\n" + self.tr("… and %1 more (see `chatvault import-log`).").replace("%1", f"{more:,}")
        self.unparsed_view.setPlainText(text)
        self.unparsed_view.show()

    def show_error(self, exc: Exception) -> None:
        self.pages.setCurrentIndex(3)
        msg = getattr(exc, "message", None) or str(exc)
        hint = getattr(exc, "hint", None)
        self.report_title.setText(self.tr("This could not be imported"))
        while self.report_form.rowCount():
            self.report_form.removeRow(0)
        label = QLabel(msg + (f"\n\n{hint}" if hint else ""))
        label.setWordWrap(True)
        label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.report_form.addRow(label)
        self.unparsed_link.clear()


def _preview(vault, path: Path, ctx, options=None) -> dict[str, Any]:
    """The preview, plus who "me" was chosen to be before for where this import will land (off the UI thread)."""
    from chatvault.importers.whatsapp.dateorder import DateOrderNeeded
    from chatvault.ingest import owner
    from chatvault.ingest.preview import preview
    from chatvault.ingest.reorder import known_orders

    try:
        pv = preview(path, options=options, ctx=ctx)
    except DateOrderNeeded as exc:
        if vault is not None and exc.conversation_key:      # asked again: offer the answer kept for the chat
            conn = vault.connect(readonly=True)
            try:
                exc.kept_order = known_orders(conn, "whatsapp").get(exc.conversation_key)
            finally:
                conn.close()
        raise
    if vault is not None:
        conn = vault.connect(readonly=True)
        try:
            pv["kept_me"] = owner.kept_label(conn, pv["format"])
        finally:
            conn.close()
    return pv


class ImportController(QObject):
    """Owns the import dialog and its two background ops (preview, then import)."""

    finished = Signal(object)

    def __init__(self, window) -> None:
        super().__init__(window)
        self.window = window
        self.dialog: ImportDialog | None = None
        self.op: Op | None = None

    def busy(self) -> bool:
        return self.op is not None and self.op.running

    def choose(self, folder: bool = False) -> None:
        if folder:
            path = QFileDialog.getExistingDirectory(self.window, self.tr("Choose the export folder"))
        else:
            path, _ = QFileDialog.getOpenFileName(
                self.window, self.tr("Choose an export"), "",
                self.tr("Chat exports (*.zip *.txt *.json *.db *.html);;All files (*)"))
        if path:
            self.start_preview(Path(path))

    def start_preview(self, path: Path) -> ImportDialog | None:
        if self.busy():
            self.window.statusBar().showMessage(self.tr("An import is already running."), 5000)
            if self.dialog is not None:
                self.dialog.show()
                self.dialog.raise_()
            return None
        self.dialog = ImportDialog(path, self.window)
        self.dialog.start_requested.connect(self.start_import)
        self.dialog.cancel_requested.connect(self.cancel)
        self.dialog.show()
        self.dialog.date_order_chosen.connect(lambda order, d=self.dialog: self._run_preview(d, order))
        dialog = self.dialog
        self._run_preview(dialog, None)
        return dialog

    def _run_preview(self, dialog: ImportDialog, date_order: str | None) -> None:
        from chatvault.importers.base import ImportOptions
        from chatvault.importers.whatsapp.dateorder import DateOrderNeeded

        path, vault = dialog.path, self.window.vault
        options = ImportOptions(options={"date_order": date_order}) if date_order else None
        self.op = Op(lambda ctx: _preview(vault, path, ctx, options), self)
        self.op.finished.connect(dialog.show_preview)
        self.op.failed.connect(lambda exc: dialog.ask_date_order(exc) if isinstance(exc, DateOrderNeeded)
                               else dialog.show_error(exc))
        self.op.start()

    def start_import(self) -> None:
        from chatvault.importers.base import ImportOptions
        from chatvault.ingest.engine import run_import

        dialog, vault = self.dialog, self.window.vault
        if dialog is None or vault is None or dialog.preview is None:
            return
        path, fmt, me = dialog.path, dialog.preview.get("format"), dialog.me_name()
        options = ImportOptions(me=me, options={"date_order": dialog.date_order} if dialog.date_order else {})
        dialog.show_running()
        self.op = Op(lambda ctx: run_import(vault, path, format=fmt, options=options, ctx=ctx), self)
        self.op.progress.connect(dialog.show_progress)
        self.op.finished.connect(self._done)
        self.op.failed.connect(lambda exc: (dialog.show_error(exc), self.window.import_finished()))
        self.op.cancelled.connect(lambda: (dialog.show_report(None, cancelled=True), self.window.import_finished()))
        self.op.start()

    def _done(self, report) -> None:
        if self.dialog is not None:
            self.dialog.show_report(report)
        self.window.import_finished()
        self.finished.emit(report)

    def cancel(self) -> None:
        if self.op is not None and self.op.running:
            self.op.cancel()
            if self.dialog is not None:
                self.dialog.cancel_button.setEnabled(False)
                self.dialog.status.setText(self.tr("Stopping after the current batch…"))
