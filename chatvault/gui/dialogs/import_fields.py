"""One source in the import dialog: what was found in it, its format (detected or chosen), the fields
that format needs (WeChat key, IMEI and uin, image key, date order, time zone), checked as they are
typed, and "which name is me"."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from PySide6.QtCore import QSignalBlocker, Qt, QTimer, Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QFileDialog,
    QFormLayout,
    QFrame,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from chatvault.gui import timefmt
from chatvault.gui.dialogs import import_wording as W
from chatvault.gui.dialogs.common import error_label, wrapped
from chatvault.gui.dialogs.import_notes import format_note
from chatvault.importers.registry import declared_fields

OBJECT_NAMES = {"key": "wechatKey", "imei": "androidImei", "uin": "androidUin", "image_key": "imageKey",
                "android_key": "androidKey", "date_order": "dateOrder", "tz": "timeZone", "format": "formatChoice"}
TYPED = ("key", "image_key", "imei", "uin", "android_key")      # line edits, checked as they are typed
REREAD_MS = 700          # a valid value read again this long after the last key press


class _Note(QLabel):
    """A wrapped line that takes no room while it is empty."""

    def __init__(self, name: str, color: str | None = None) -> None:
        super().__init__()
        self.setObjectName(name)
        self.setWordWrap(True)
        if color:
            self.setStyleSheet(f"color: {color}")
        self.hide()

    def setText(self, text: str) -> None:  # noqa: N802 - Qt's name
        super().setText(text)
        self.setVisible(bool(text))

    def clear(self) -> None:
        super().clear()
        self.hide()


class SourcePanel(QFrame):
    """The fields of one queued source. `changed` fires on every edit (the dialog re-checks Start);
    `reread` when a value that changes what the source yields settled on something valid."""

    changed = Signal()
    reread = Signal()

    def __init__(self, path: Path, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("importSource")
        self.setFrameShape(QFrame.Shape.StyledPanel)
        self.path = path
        self.preview: dict[str, Any] | None = None
        self.candidates: list[tuple[str, float]] = []
        self.error: BaseException | None = None       # the last read's failure
        self.error_field: str | None = None
        self.reading = False
        self.read_with: dict[str, Any] | None = None  # the values the last read used (stale when they differ)
        self.auto_me: str | None = None
        self.date_order_answer: str | None = None     # the answer to the question page, when asked
        outer = QVBoxLayout(self)
        head = QHBoxLayout()
        outer.addLayout(head)
        self.name = QLabel(path.name)
        self.name.setObjectName("sourceName")
        self.name.setStyleSheet("font-weight: 600")
        self.name.setToolTip(str(path))
        head.addWidget(self.name, 1)
        self.include = QCheckBox(self.tr("Import this one"))
        self.include.setObjectName("includeSource")
        self.include.setChecked(True)
        self.include.setToolTip(self.tr("Clear to leave this export out of the job; the report lists it as left out."))
        self.include.toggled.connect(self._included)
        self.include.hide()                  # shown when several exports are queued
        head.addWidget(self.include)
        self.body = QWidget()
        outer.addWidget(self.body)
        layout = QVBoxLayout(self.body)
        layout.setContentsMargins(0, 0, 0, 0)
        self.summary = wrapped(name="hintLabel")
        layout.addWidget(self.summary)
        self.format_note = wrapped(name="formatNote")          # steps outside ChatVault (import_notes)
        self.format_note.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.format_note.hide()
        layout.addWidget(self.format_note)
        self.preview_form = QFormLayout()
        layout.addLayout(self.preview_form)
        self.warn = _Note("sourceWarnings", "#b26a00")
        layout.addWidget(self.warn)
        self.source_error = _Note("sourceError", "#c0392b")
        layout.addWidget(self.source_error)
        self.form = QFormLayout()
        layout.addLayout(self.form)
        self.rows: dict[str, tuple[QWidget, QLabel]] = {}    # field → (input, its error line)
        self._format_row()
        self._field_rows()
        self._me_row()
        self.reread_box = QCheckBox(self.tr("Read it again even if this exact file was imported before"))
        self.reread_box.setObjectName("reread")
        self.form.addRow("", self.reread_box)
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(REREAD_MS)
        self._timer.timeout.connect(self._maybe_reread)
        self.show_reading()
        self._show_fields()

    # --- building --------------------------------------------------------------------------
    def _row(self, field: str, label: str, widget: QWidget, help_text: str, value: QWidget | None = None) -> None:
        """A labelled row: `widget` shown, `value` (default: the widget) the input read and edited."""
        box = QWidget()
        col = QVBoxLayout(box)
        col.setContentsMargins(0, 0, 0, 0)
        col.addWidget(widget)
        err = error_label()
        err.setObjectName(f"{OBJECT_NAMES.get(field, field)}Error")
        err.hide()
        col.addWidget(err)
        help_label = wrapped(help_text, "hintLabel")
        help_label.setObjectName(f"{OBJECT_NAMES.get(field, field)}Help")
        help_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        col.addWidget(help_label)
        (value or widget).setAccessibleName(label)
        self.form.addRow(label, box)
        self.rows[field] = (value or widget, err)

    def _format_row(self) -> None:
        self.format_choice = QComboBox()
        self.format_choice.setObjectName("formatChoice")
        self.format_choice.addItem(self.tr("Automatic"), "")
        for name in W.format_names():
            self.format_choice.addItem(W.format_title(name), name)
        self.format_choice.currentIndexChanged.connect(self._format_changed)
        self._row("format", self.tr("Format"), self.format_choice,
                  self.tr("Found from the files themselves. Choose another format if this one is wrong."))

    def _field_rows(self) -> None:
        for field in ("key", "image_key", "imei", "uin", "android_key"):
            edit = QLineEdit()
            edit.setObjectName(OBJECT_NAMES[field])
            edit.setClearButtonEnabled(True)
            if field in ("key", "android_key", "image_key"):      # a key opens every chat: shown while typed
                edit.setEchoMode(QLineEdit.EchoMode.PasswordEchoOnEdit)
            edit.textChanged.connect(lambda _t, f=field: self._edited(f))
            self._row(field, W.field_label(field), edit, W.field_help(field, "wechat-pc"))
        self.rows["key"][0].setPlaceholderText(self.tr("64 hexadecimal digits"))
        self.rows["image_key"][0].setPlaceholderText(self.tr("16 characters or 32 hexadecimal digits"))
        self.rows["imei"][0].setPlaceholderText(self.tr("15 digits"))
        self.rows["uin"][0].setPlaceholderText(self.tr("Read from the app folder when empty"))
        self.rows["android_key"][0].setPlaceholderText(self.tr("7 characters"))
        order = QComboBox()
        order.setObjectName(OBJECT_NAMES["date_order"])
        for text, data in ((self.tr("Automatic"), ""), (self.tr("Day first (31/12)"), "DMY"),
                           (self.tr("Month first (12/31)"), "MDY"), (self.tr("Year first"), "YMD")):
            order.addItem(text, data)
        order.currentIndexChanged.connect(lambda _i: self._edited("date_order"))
        self._row("date_order", W.field_label("date_order"), order, W.field_help("date_order", "whatsapp"))
        tz = QComboBox()
        tz.setObjectName(OBJECT_NAMES["tz"])
        tz.setEditable(True)
        tz.addItem("")
        tz.addItems(list(W.zones()))
        tz.lineEdit().setPlaceholderText(self.tr("This computer's time zone"))
        tz.setCurrentIndex(0)
        tz.currentTextChanged.connect(lambda _t: self._edited("tz"))
        self._row("tz", W.field_label("tz"), tz, W.field_help("tz", "whatsapp"))
        self._declared_rows()

    def _declared_rows(self) -> None:
        """A row for each field a format declares (keys, passwords, key files: `Importer.fields`),
        shown when that format is the one read; a secret is hidden while typed."""
        for name, (field, _formats) in declared_fields().items():
            if field.choices:
                self._declared_choice(name, field)
                continue
            edit = QLineEdit()
            OBJECT_NAMES.setdefault(name, f"field_{name}")
            edit.setObjectName(OBJECT_NAMES[name])
            edit.setClearButtonEnabled(True)
            if field.secret and not field.path:
                edit.setEchoMode(QLineEdit.EchoMode.Password)
            edit.textChanged.connect(lambda _t, f=name: self._edited(f))
            widget: QWidget = edit
            if field.path:
                widget = QWidget()
                line = QHBoxLayout(widget)
                line.setContentsMargins(0, 0, 0, 0)
                line.addWidget(edit, 1)
                browse = QPushButton(self.tr("Browse…"))
                browse.setObjectName(f"field_{name}Browse")
                browse.clicked.connect(lambda _c=False, e=edit, f=field: self._browse(e, f))
                line.addWidget(browse)
            self._row(name, W.field_label(name), widget, W.field_help(name, ""), value=edit)

    def _declared_choice(self, name: str, field: Any) -> None:
        """A declared field with fixed values: a list whose first entry leaves it to the format."""
        combo = QComboBox()
        OBJECT_NAMES.setdefault(name, f"field_{name}")
        combo.setObjectName(OBJECT_NAMES[name])
        combo.addItem(self.tr("Automatic"), "")
        for value in field.choices:
            combo.addItem(W.choice_label(name, value), value)
        combo.currentIndexChanged.connect(lambda _i, f=name: self._edited(f))
        self._row(name, W.field_label(name), combo, W.field_help(name, ""))

    def _browse(self, edit: QLineEdit, field: Any) -> None:
        path, _ = QFileDialog.getOpenFileName(self, W.field_label(field.name), str(self.path.parent))
        if path:
            edit.setText(path)

    def _me_row(self) -> None:
        self.me = QComboBox()
        self.me.setObjectName("whoIsMe")
        self.me.setEditable(True)
        self.me.setAccessibleName(self.tr("Which name is me"))
        self.me.lineEdit().setPlaceholderText(self.tr("Detected automatically; type your name as it appears to "
                                                      "change it"))
        self.me.currentTextChanged.connect(lambda _t: self.changed.emit())
        box = QWidget()
        col = QVBoxLayout(box)
        col.setContentsMargins(0, 0, 0, 0)
        col.addWidget(self.me)
        self.me_hint = _Note("hintLabel")
        col.addWidget(self.me_hint)
        self.form.addRow(self.tr("Which name is me"), box)

    # --- values ----------------------------------------------------------------------------
    def format(self) -> str:
        """The format the import will use: the one chosen, else the one detected ("" when unknown)."""
        chosen = self.format_choice.currentData() or ""
        return chosen or (self.candidates[0][0] if self.candidates else "")

    def text(self, field: str) -> str:
        widget = self.rows[field][0]
        return (widget.currentText() if isinstance(widget, QComboBox) and widget.isEditable()
                else widget.currentData() if isinstance(widget, QComboBox) else widget.text()).strip()

    def fields(self) -> tuple[str, ...]:
        return W.format_fields(self.format())

    def given(self) -> dict[str, str]:
        """What the user typed or chose, by field, for the fields the current format reads."""
        return {f: self.text(f) for f in self.fields()}

    def values(self) -> dict[str, Any]:
        """What a read or an import of this source is given: the format chosen (None: detect) and options."""
        opts: dict[str, Any] = {}
        for field, value in self.given().items():
            if value:
                opts["key" if field == "android_key" else field] = value
        if self.reread_box.isChecked():
            opts["reread"] = True
        return {"format": self.format_choice.currentData() or None, "options": opts}

    def included(self) -> bool:
        return self.include.isChecked()

    def invalid(self) -> bool:
        """A shown field holds a value that cannot be right (its red line is showing)."""
        return self.included() and any(W.check(f, self.text(f)) for f in self.fields())

    def blocked(self) -> bool:
        """The last read failed on a value the user must give or fix, and nothing changed since. (A source
        no format reads does not hold the others back: unless a format is chosen, it is reported failed.)"""
        return (self.included() and self.error_field not in (None, "format") and not self.reading
                and self.read_with == self.values())

    def failed(self) -> bool:
        """The last read failed on something no value typed here fixes (the queue reports it as failed)."""
        return (self.included() and self.error is not None and self.error_field in (None, "format")
                and not self.reading and self.read_with == self.values())

    def _included(self, on: bool) -> None:
        self.body.setEnabled(on)
        self.changed.emit()

    def importable(self) -> bool:
        """Read without error with the values shown now (what Start imports)."""
        return self.preview is not None and self.error is None and self.read_with == self.values()

    def stale(self) -> bool:
        return not self.reading and self.read_with != self.values()

    def me_name(self) -> str | None:
        """The name the user chose, or None to leave it to the detection (or the choice kept before)."""
        text = self.me.currentText().strip()
        at = self.me.findText(text)
        name = self.me.itemData(at) if at >= 0 else text
        return None if not name or name == self.auto_me else name

    # --- editing ---------------------------------------------------------------------------
    def _edited(self, field: str) -> None:
        widget, err = self.rows[field]
        problem = W.check(field, self.text(field))
        if problem:
            err.setText(problem)
            err.show()
        elif field != self.error_field or self.stale():
            err.hide()
        self._timer.start()
        self.changed.emit()

    def _format_changed(self) -> None:
        self._show_fields()
        self._timer.start()
        self.changed.emit()

    def _maybe_reread(self) -> None:
        if self.stale() and not self.invalid():
            self.reread.emit()

    def _show_fields(self) -> None:
        fmt, shown = self.format(), set(self.fields())
        note = format_note(fmt)
        self.format_note.setText(note)
        self.format_note.setVisible(bool(note))
        for field, (widget, _err) in self.rows.items():
            if field == "format":
                continue
            self.form.setRowVisible(self._row_box(widget), field in shown)
        tz_help = self.rows["tz"][0].parentWidget().findChild(QLabel, "timeZoneHelp")
        if tz_help is not None:
            tz_help.setText(W.field_help("tz", fmt))
        if fmt in ("wechat-pc", "weixin4"):
            help_label = self.rows["key"][0].parentWidget().findChild(QLabel, "wechatKeyHelp")
            help_label.setText(W.field_help("key", fmt))

    def _row_box(self, widget: QWidget) -> QWidget:
        """The box a row's input sits in (the field of its form row)."""
        box = widget.parentWidget()
        while box is not None and self.form.indexOf(box) < 0:
            box = box.parentWidget()
        return box or widget.parentWidget()

    # --- what a read found -----------------------------------------------------------------
    def show_reading(self) -> None:
        self.reading = True
        self.summary.setText(self.tr("Reading to see what it holds…"))

    def show_read(self, result: dict[str, Any]) -> None:
        """A read ended: `preview` or `error`, with the formats that recognise the source."""
        self.reading = False
        self.read_with = result["values"]
        self.candidates = result.get("candidates") or self.candidates
        self.preview, self.error = result.get("preview"), result.get("error")
        self.error_field = None
        self._name_auto()
        self._show_fields()
        for field, (_widget, err) in self.rows.items():
            if (field not in TYPED and field not in declared_fields()) or not W.check(field, self.text(field)):
                err.hide()
        self.source_error.clear()
        if self.error is not None:
            self._show_error(self.error)
        if self.preview is not None:
            self._show_preview(self.preview)
        else:
            self._clear_preview()
        self.changed.emit()

    def _name_auto(self) -> None:
        with QSignalBlocker(self.format_choice):
            auto = self.candidates[0][0] if self.candidates else ""
            self.format_choice.setItemText(0, self.tr("Automatic: %1").replace("%1", W.format_title(auto))
                                           if auto else self.tr("Automatic: not recognised"))
        others = [W.format_title(n) for n, c in self.candidates[1:] if c >= 0.5]
        hint = self.rows["format"][0].parentWidget().findChild(QLabel, "formatChoiceHelp")
        if others and not self.format_choice.currentData():
            hint.setText(self.tr("This could also be read as %1: choose the format if the one found is wrong.")
                         .replace("%1", ", ".join(others)))
        else:
            hint.setText(self.tr("Found from the files themselves. Choose another format if this one is wrong."))

    def _show_error(self, exc: BaseException) -> None:
        field, text = W.describe(exc, self.given())
        if field == "key" and self.format() == "wechat-android":
            field = "android_key"
        if field in self.rows:
            self.error_field = field
            err = self.rows[field][1]
            err.setText(text)
            err.show()
            self.summary.setText(self.tr("Not read yet: see below."))
        else:
            self.source_error.setText(text)
            self.summary.setText(self.tr("This cannot be imported."))

    def _clear_preview(self) -> None:
        while self.preview_form.rowCount():
            self.preview_form.removeRow(0)
        self.warn.clear()

    def _show_preview(self, pv: dict[str, Any]) -> None:
        self._clear_preview()
        self.summary.setText(W.format_title(pv["format"]))
        chats = pv.get("chats") or []
        dates = ""
        if pv.get("first_ts") is not None:
            dates = (f"{timefmt.absolute(pv['first_ts'], with_time=False)} – "
                     f"{timefmt.absolute(pv['last_ts'], with_time=False)}")
        rows = [
            (self.tr("Chats"), f"{len(chats):,}"),
            (self.tr("Messages"), f"{pv.get('messages', 0):,}"),
            (self.tr("Media found"), f"{pv.get('media_found', 0):,}"),
            (self.tr("Media missing from the export"), f"{pv.get('media_missing', 0):,}"),
            (self.tr("Dates"), dates),
        ]
        if pv.get("unparsed"):
            rows.append((self.tr("Lines not understood"), f"{pv['unparsed']:,}"))
        if self.text("date_order") if "date_order" in self.fields() else False:
            rows.append((self.tr("Date order"), self.rows["date_order"][0].currentText()))
        for label, value in rows:
            self.preview_form.addRow(label, QLabel(value))
        self.warn.setText("\n".join(self._warnings(pv)))
        self.fill_me(pv)

    def _warnings(self, pv: dict[str, Any]) -> list[str]:
        chats = pv.get("chats") or []
        warnings = [t for t in (W.app_text(w) for w in pv.get("warnings") or []) if t]
        limits = (10_000, 40_000)
        if pv.get("format") == "whatsapp" and (pv.get("messages", 0) in limits
                                               or any(c.get("messages") in limits for c in chats)):
            warnings.insert(0, self.tr("WhatsApp limits exports to 10,000 messages with media (40,000 without): "
                                       "older messages may be missing. Export again \"without media\" to get more."))
        if pv.get("media_missing"):
            warnings.append(self.tr("Some media are not in the export. They will be listed as missing; you can "
                                    "add them later from Media → Missing."))
        return warnings

    def fill_me(self, pv: dict[str, Any]) -> None:
        """"Which name is me": the senders the preview saw, most messages first; the detected (or
        earlier chosen) one selected. Choosing another makes it "me" for this import and later ones."""
        typed = self.me.currentText().strip() if self.me.count() == 0 else None
        self.me.clear()
        senders = pv.get("senders") or []
        for s in senders:
            n = int(s["messages"])
            self.me.addItem(timefmt.grouped(self.tr("%1 (%n message(s))", None, n), n).replace("%1", s["name"]),
                            s["name"])
        self.auto_me = pv.get("kept_me") or pv.get("me")
        at = self.me.findData(self.auto_me) if self.auto_me else -1
        self.me.setCurrentIndex(at)
        if at < 0:
            self.me.setEditText(typed or self.auto_me or "")
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

    def forget_secrets(self) -> None:
        """Clear the keys typed here (the dialog closed, or the vault locked)."""
        self._timer.stop()
        secrets = [n for n, (f, _formats) in declared_fields().items() if f.secret and not f.choices]
        for field in ("key", "android_key", "image_key", "imei", "uin", *secrets):
            with QSignalBlocker(self.rows[field][0]):
                self.rows[field][0].clear()
        self.read_with = None                   # it held the values the last read was given

    def set_date_order(self, order: str) -> None:
        """The answer to the dialog's date-order question becomes this source's date order."""
        combo = self.rows["date_order"][0]
        self.date_order_answer = order
        combo.setCurrentIndex(max(0, combo.findData(order)))

    def shown_texts(self) -> list[str]:
        """Every text this panel shows (tests check none names a command-line flag)."""
        out = [w.text() for w in self.findChildren(QLabel) if w.isVisibleTo(self) and w.text()]
        out += [w.placeholderText() for w in self.findChildren(QLineEdit)]
        for combo in self.findChildren(QComboBox):
            if combo is not self.rows["tz"][0]:
                out += [combo.itemText(i) for i in range(combo.count())]
        return out
