"""The main window's menu dialogs that only open something and refresh after it (settings, people,
the log folder): kept apart so `main_window.py` stays about the window itself."""

from __future__ import annotations

from PySide6.QtCore import Qt, QUrl
from PySide6.QtGui import QDesktopServices
from PySide6.QtWidgets import QDialog

from chatvault.gui import prefs


class WindowDialogs:
    """Mixed into `MainWindow` (it provides the attributes used here)."""

    def open_settings(self) -> None:
        from chatvault.gui.dialogs.settings import SettingsDialog

        dlg = SettingsDialog(self)
        if dlg.exec() == QDialog.DialogCode.Accepted:
            self.idle.set_minutes(prefs.get("idle_lock_minutes"))
            self.messages.delegate.clear_cache()
            self.messages.scheduleDelayedItemsLayout()
            self.chat_list.viewport().update()

    def open_people(self) -> QDialog:
        """People: link the same person across sources; the chats and the open one are read again
        after each change, so the linked name shows everywhere."""
        from chatvault.gui.dialogs.people import PeopleDialog

        dlg = PeopleDialog(self.vault, self)
        dlg.changed.connect(self._people_changed)
        dlg.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dlg.show()
        return dlg

    def _people_changed(self) -> None:
        self.reload_chats()
        if self.current_conv is not None:
            self.open_conversation(self.current_conv)

    def open_log_folder(self) -> None:
        from chatvault.paths import log_dir

        folder = log_dir()
        folder.mkdir(parents=True, exist_ok=True)
        QDesktopServices.openUrl(QUrl.fromLocalFile(str(folder)))
