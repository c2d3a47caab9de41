"""While exports are dragged over the main window, a frame over it says "Drop to import"."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel, QVBoxLayout, QWidget


class DropOverlay(QWidget):
    """A translucent frame over the whole window; mouse and drag events pass through it to the window."""

    def __init__(self, window: QWidget) -> None:
        super().__init__(window)
        self.setObjectName("dropOverlay")
        self.setAttribute(Qt.WidgetAttribute.WA_TransparentForMouseEvents)
        self.setAttribute(Qt.WidgetAttribute.WA_StyledBackground)
        self.setStyleSheet("#dropOverlay { background: rgba(7, 193, 96, 40); border: 3px dashed #07c160;"
                           " border-radius: 8px; }"
                           "#dropOverlay QLabel { color: #07c160; font-size: 20pt; font-weight: 600;"
                           " background: transparent; border: none; }")
        layout = QVBoxLayout(self)
        self.label = QLabel(self.tr("Drop to import"))
        self.label.setAlignment(Qt.AlignmentFlag.AlignCenter)
        layout.addWidget(self.label)
        self.hint = QLabel(self.tr("Several exports at once are imported as one job"))
        self.hint.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.hint.setStyleSheet("font-size: 11pt; font-weight: 400")
        layout.addWidget(self.hint)
        self.hide()

    @classmethod
    def over(cls, window: QWidget) -> DropOverlay:
        """The window's overlay (made on first use)."""
        found = window.findChild(DropOverlay, "dropOverlay", Qt.FindChildOption.FindDirectChildrenOnly)
        return found if found is not None else cls(window)

    def cover(self) -> None:
        """Show over the whole window, on top of everything in it."""
        self.setGeometry(self.parentWidget().rect())
        self.raise_()
        self.show()
