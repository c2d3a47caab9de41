"""Where the app offers Export: File → Export…, "Export chat…" in the chat list's context menu, and
"Export results…" on the search page. Each opens `dialogs.export.ExportDialog` on what it names.

Kept apart from the main window so the window needs one line (`ExportHooks(self)`); the texts follow
the language through the window's LanguageChange.
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QEvent, QObject, Qt
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QMenu, QPushButton

from chatvault.export.selection import Selection
from chatvault.gui.dialogs.export import ExportDialog, Scope
from chatvault.gui.models.search import search_filters


class ExportHooks(QObject):
    def __init__(self, window: Any) -> None:
        super().__init__(window)
        self.window = window
        self.dialog: ExportDialog | None = None
        self.act_export = QAction(window)
        self.act_export.setObjectName("exportAction")
        self.act_export.setShortcut(QKeySequence("Ctrl+E"))
        self.act_export.triggered.connect(lambda: self.export_vault())
        menu = window.file_menu
        actions = menu.actions()
        anchor = getattr(window, "act_import_folder", None)
        after = actions.index(anchor) + 1 if anchor in actions else len(actions)
        if after < len(actions):
            menu.insertAction(actions[after], self.act_export)
        else:
            menu.addAction(self.act_export)
        page = window.search_page
        self.results_button = QPushButton()
        self.results_button.setObjectName("exportResultsButton")
        self.results_button.setEnabled(False)
        self.results_button.clicked.connect(lambda: self.export_results())
        layout = page.layout()
        layout.insertWidget(layout.indexOf(page.status) + 1, self.results_button, 0, Qt.AlignmentFlag.AlignRight)
        page.worker.results.connect(lambda result, *_: self.results_button.setEnabled(bool(result.total)))
        window.installEventFilter(self)
        self.retranslate()

    def eventFilter(self, obj: QObject, event: QEvent) -> bool:  # noqa: N802
        if obj is self.window and event.type() == QEvent.Type.LanguageChange:
            self.retranslate()
        return False

    def retranslate(self) -> None:
        self.act_export.setText(self.tr("&Export…"))
        self.results_button.setText(self.tr("Export results…"))

    # --- the three ways in --------------------------------------------------------------------
    def add_chat_action(self, menu: QMenu, conv: dict[str, Any]) -> QAction:
        """"Export chat…" in a chat's context menu."""
        act = menu.addAction(self.tr("Export chat…"))
        act.setObjectName("exportChatAction")
        act.triggered.connect(lambda _=False, c=conv: self.export_chat(c))
        return act

    def export_vault(self) -> ExportDialog | None:
        """File → Export…: the whole vault, or the open chat."""
        scopes = [Scope(self.tr("Everything in the vault"), Selection())]
        conv = self.window.current_conv
        if conv is not None:
            scopes.append(self._chat_scope(conv))
        return self._open(scopes)

    def export_chat(self, conv: dict[str, Any]) -> ExportDialog | None:
        return self._open([self._chat_scope(conv)])

    def export_results(self) -> ExportDialog | None:
        """The search page's current words and filters, every match (not only the page shown)."""
        page = self.window.search_page
        query = page.box.text().strip()
        filters = page.filters()
        sel = Selection(query, search_filters(filters))
        if query:
            label = self.tr("The messages the search “%1” finds").replace("%1", query)
        elif filters:
            label = self.tr("The messages the search filters select")
        else:
            label = self.tr("Everything in the vault")
        return self._open([Scope(label, sel, query or None)])

    def _chat_scope(self, conv: dict[str, Any]) -> Scope:
        title = conv.get("display") or conv.get("title") or str(conv["id"])
        return Scope(self.tr("The chat “%1”").replace("%1", title), Selection.chat(int(conv["id"])), title)

    def stop(self) -> None:
        """Before the vault locks or the window closes: stop a running export (its half-written
        output is removed) and close the dialog."""
        if self.dialog is not None:
            self.dialog.reject()

    def _open(self, scopes: list[Scope]) -> ExportDialog | None:
        vault = self.window.vault
        if vault is None:
            return None
        if self.dialog is not None and self.dialog.running():
            self.dialog.raise_()
            return self.dialog
        self.dialog = ExportDialog(vault, scopes, self.window)
        self.dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        self.dialog.destroyed.connect(lambda *_: setattr(self, "dialog", None))
        self.dialog.show()
        return self.dialog
