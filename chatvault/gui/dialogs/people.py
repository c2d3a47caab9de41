"""People: link the same person across sources in one step (a suggestion, or participants picked by
hand), see who is linked, undo a link. Every read and change runs off the UI thread; the core
(`chatvault.store.people`) does the work and writes each change to the audit log."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from chatvault.errors import VaultLocked
from chatvault.gui.apptext import error_text
from chatvault.gui.dialogs.common import dress, wrapped
from chatvault.gui.ops import Op
from chatvault.store import people, people_suggest

ID_ROLE = Qt.ItemDataRole.UserRole
_LOCKED = object()        # the vault was locked while a job ran: the dialog closes


def _with(vault: Any, fn: Callable[..., Any], *args: Any, write: bool = False) -> Any:
    conn = vault.connect(readonly=not write)
    try:
        return fn(conn, *args)
    finally:
        conn.close()


class PeopleDialog(QDialog):
    """Three tabs: suggestions, link by hand, linked people. `changed` fires after every change
    (the window reloads what shows names)."""

    changed = Signal()

    def __init__(self, vault: Any, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        dress(self, "peopleDialog", self.tr("People"), 640)
        self.vault = vault
        self.ops: list[Op] = []
        self.suggestions: list[people_suggest.Suggestion] = []
        self.last_linked: int | None = None
        layout = QVBoxLayout(self)
        layout.addWidget(wrapped(self.tr("The same person can appear in several sources: a WhatsApp number, a "
                                         "Telegram account, a WeChat id. Linked, they are shown under one name and "
                                         "searching for one finds messages from all. Nothing is changed in the "
                                         "messages themselves, and every link can be undone.")))
        self.tabs = QTabWidget()
        layout.addWidget(self.tabs, 1)
        self._suggest_tab()
        self._manual_tab()
        self._linked_tab()
        row = QHBoxLayout()
        self.message = QLabel()
        self.message.setObjectName("peopleMessage")
        self.message.setWordWrap(True)
        row.addWidget(self.message, 1)
        self.undo = QPushButton(self.tr("Undo"))
        self.undo.setObjectName("undoLink")
        self.undo.hide()
        self.undo.clicked.connect(self._undo)
        row.addWidget(self.undo)
        layout.addLayout(row)
        box = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        box.rejected.connect(self.reject)
        layout.addWidget(box)
        self.refresh()

    # --- building ------------------------------------------------------------------------------
    def _suggest_tab(self) -> None:
        tab = QWidget()
        col = QVBoxLayout(tab)
        col.addWidget(wrapped(self.tr("Found by the same phone number, by being you in several sources, or by the "
                                      "same name. Check before linking: two people can share a name.")))
        self.suggest_list = QListWidget()
        self.suggest_list.setObjectName("peopleSuggestions")
        self.suggest_list.currentRowChanged.connect(self._suggestion_chosen)
        col.addWidget(self.suggest_list, 1)
        row = QHBoxLayout()
        self.suggest_name = QLineEdit()
        self.suggest_name.setObjectName("suggestionName")
        self.suggest_name.setPlaceholderText(self.tr("Name to show"))
        self.suggest_name.setAccessibleName(self.tr("Name to show"))
        row.addWidget(self.suggest_name, 1)
        self.link_suggestion = QPushButton(self.tr("Link as one person"))
        self.link_suggestion.setObjectName("linkSuggestion")
        self.link_suggestion.clicked.connect(self._link_suggestion)
        row.addWidget(self.link_suggestion)
        self.dismiss = QPushButton(self.tr("Not the same person"))
        self.dismiss.setObjectName("dismissSuggestion")
        self.dismiss.clicked.connect(self._dismiss)
        row.addWidget(self.dismiss)
        col.addLayout(row)
        self.tabs.addTab(tab, self.tr("Suggestions"))

    def _manual_tab(self) -> None:
        tab = QWidget()
        col = QVBoxLayout(tab)
        self.find_box = QLineEdit()
        self.find_box.setObjectName("peopleFind")
        self.find_box.setPlaceholderText(self.tr("Find by name, number or id"))
        self.find_box.setAccessibleName(self.tr("Find by name, number or id"))
        self.find_timer = QTimer(self)
        self.find_timer.setSingleShot(True)
        self.find_timer.setInterval(250)
        self.find_timer.timeout.connect(self._find)
        self.find_box.textChanged.connect(lambda _t: self.find_timer.start())
        col.addWidget(self.find_box)
        self.found = QListWidget()
        self.found.setObjectName("peopleFound")
        col.addWidget(self.found, 1)
        col.addWidget(wrapped(self.tr("Tick two or more, then link them.")))
        row = QHBoxLayout()
        self.manual_name = QLineEdit()
        self.manual_name.setObjectName("manualName")
        self.manual_name.setPlaceholderText(self.tr("Name to show"))
        self.manual_name.setAccessibleName(self.tr("Name to show"))
        row.addWidget(self.manual_name, 1)
        self.link_ticked = QPushButton(self.tr("Link ticked"))
        self.link_ticked.setObjectName("linkTicked")
        self.link_ticked.clicked.connect(self._link_ticked)
        row.addWidget(self.link_ticked)
        col.addLayout(row)
        self.tabs.addTab(tab, self.tr("Link by hand"))

    def _linked_tab(self) -> None:
        tab = QWidget()
        col = QVBoxLayout(tab)
        self.linked = QListWidget()
        self.linked.setObjectName("linkedPeople")
        col.addWidget(self.linked, 1)
        row = QHBoxLayout()
        self.rename_box = QLineEdit()
        self.rename_box.setObjectName("renamePerson")
        self.rename_box.setPlaceholderText(self.tr("New name"))
        self.rename_box.setAccessibleName(self.tr("New name"))
        row.addWidget(self.rename_box, 1)
        rename = QPushButton(self.tr("Rename"))
        rename.setObjectName("renamePersonButton")
        rename.clicked.connect(self._rename)
        row.addWidget(rename)
        unlink = QPushButton(self.tr("Unlink"))
        unlink.setObjectName("unlinkPerson")
        unlink.clicked.connect(self._unlink)
        row.addWidget(unlink)
        col.addLayout(row)
        self.tabs.addTab(tab, self.tr("Linked people"))

    # --- reading -------------------------------------------------------------------------------
    def refresh(self) -> None:
        vault = self.vault
        self._run(lambda _c: (_with(vault, people_suggest.suggest), _with(vault, people.people)), self._show)

    def _show(self, result: tuple[list[people_suggest.Suggestion], list[people.Person]]) -> None:
        self.suggestions, persons = result
        self.suggest_list.clear()
        for s in self.suggestions:
            self.suggest_list.addItem(f"{self._reason(s)}: " + " · ".join(m.label() for m in s.members))
        self.suggest_list.setCurrentRow(0 if self.suggestions else -1)
        self.linked.clear()
        for p in persons:
            item = QListWidgetItem(f"{p.name} — " + " · ".join(m.label() for m in p.members))
            item.setData(ID_ROLE, p.id)
            self.linked.addItem(item)
        for b in (self.link_suggestion, self.dismiss):
            b.setEnabled(bool(self.suggestions))

    def _reason(self, s: people_suggest.Suggestion) -> str:
        if s.reason == "phone":
            return self.tr("Same phone number %1").replace("%1", s.detail)
        if s.reason == "me":
            return self.tr("You, in several sources")
        return self.tr("Same name")

    def _suggestion_chosen(self, row: int) -> None:
        if 0 <= row < len(self.suggestions):
            s = self.suggestions[row]
            best = max(s.members, key=lambda m: m.messages)
            self.suggest_name.setText(best.name or best.key)

    def _find(self) -> None:
        text = self.find_box.text().strip()
        if not text:
            self.found.clear()
            return
        vault = self.vault
        self._run(lambda _c: _with(vault, people.find, text), self._show_found)

    def _show_found(self, found: list[people.Participant]) -> None:
        self.found.clear()
        for m in found:
            label = m.label() + (" ★" if m.person_id else "")
            item = QListWidgetItem(label)
            item.setData(ID_ROLE, m.id)
            item.setFlags(item.flags() | Qt.ItemFlag.ItemIsUserCheckable)
            item.setCheckState(Qt.CheckState.Unchecked)
            self.found.addItem(item)

    # --- changing ------------------------------------------------------------------------------
    def _link(self, ids: list[int], name: str) -> None:
        vault = self.vault
        self._run(lambda _c: _with(vault, people.link, ids, name or None, write=True), self._linked_done)

    def _linked_done(self, p: people.Person) -> None:
        self.last_linked = p.id
        self.message.setStyleSheet("")
        self.message.setText(self.tr("Linked as one person: %1.").replace("%1", p.name))
        self.undo.show()
        self.changed.emit()
        self.refresh()

    def _link_suggestion(self) -> None:
        row = self.suggest_list.currentRow()
        if 0 <= row < len(self.suggestions):
            self._link([m.id for m in self.suggestions[row].members], self.suggest_name.text().strip())

    def _link_ticked(self) -> None:
        ids = [int(self.found.item(i).data(ID_ROLE)) for i in range(self.found.count())
               if self.found.item(i).checkState() == Qt.CheckState.Checked]
        if len(ids) < 2:
            self._error_text(self.tr("Tick at least two to link them."))
            return
        self._link(ids, self.manual_name.text().strip())

    def _dismiss(self) -> None:
        row = self.suggest_list.currentRow()
        if 0 <= row < len(self.suggestions):
            ids = [m.id for m in self.suggestions[row].members]
            vault = self.vault
            self._run(lambda _c: _with(vault, people_suggest.dismiss, ids, write=True), lambda _r: self.refresh())

    def _selected_person(self) -> int | None:
        item = self.linked.currentItem()
        return None if item is None else int(item.data(ID_ROLE))

    def _unlink(self) -> None:
        pid = self._selected_person()
        if pid is None:
            self._error_text(self.tr("Choose a linked person first."))
            return
        self._unlink_person(pid)

    def _unlink_person(self, pid: int) -> None:
        vault = self.vault

        def done(_n: int) -> None:
            self.undo.hide()
            self.message.setStyleSheet("")
            self.message.setText(self.tr("Unlinked: they are shown as separate people again."))
            self.changed.emit()
            self.refresh()

        self._run(lambda _c: _with(vault, people.unlink, pid, write=True), done)

    def _undo(self) -> None:
        if self.last_linked is not None:
            pid, self.last_linked = self.last_linked, None
            self._unlink_person(pid)

    def _rename(self) -> None:
        pid, name = self._selected_person(), self.rename_box.text().strip()
        if pid is None or not name:
            self._error_text(self.tr("Choose a linked person and type the new name."))
            return
        vault = self.vault

        def done(_p: people.Person) -> None:
            self.changed.emit()
            self.refresh()

        self._run(lambda _c: _with(vault, people.rename, pid, name, write=True), done)

    # --- jobs ------------------------------------------------------------------------------------
    def _run(self, fn: Callable[[Any], Any], on_done: Callable[[Any], None]) -> None:
        def guarded(ctx: Any) -> Any:
            try:
                return fn(ctx)
            except VaultLocked:
                return _LOCKED

        op = Op(guarded, self)
        self.ops.append(op)
        op.finished.connect(lambda r: self.reject() if r is _LOCKED else on_done(r))
        op.failed.connect(lambda exc: self._error_text(error_text(exc, " ")))
        op.ended.connect(lambda: self.ops.remove(op) if op in self.ops else None)
        op.start()

    def _error_text(self, text: str) -> None:
        self.message.setStyleSheet("color: #c0392b")
        self.message.setText(text)
