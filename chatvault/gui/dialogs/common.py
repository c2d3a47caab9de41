"""Building blocks the dialogs share: the error line, a titled page, buttons and their row."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtWidgets import (
    QBoxLayout,
    QDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)


def dress(dialog: QDialog, name: str, title: str, min_width: int) -> None:
    """A dialog's object name (the style sheet and the tests find it by it), title and minimum width."""
    dialog.setObjectName(name)
    dialog.setWindowTitle(title)
    dialog.setMinimumWidth(min_width)


def error_label() -> QLabel:
    label = QLabel()
    label.setObjectName("errorLabel")
    label.setWordWrap(True)
    label.setStyleSheet("color: #c0392b")
    return label


def wrapped(text: str = "", name: str | None = None) -> QLabel:
    """A word-wrapped label, with an object name (for the style sheet) when given."""
    label = QLabel(text)
    if name:
        label.setObjectName(name)
    label.setWordWrap(True)
    return label


def titled_page(title: str, text: str | None = None) -> tuple[QWidget, QVBoxLayout]:
    """A wizard page: its title and, when given, a wrapped paragraph under it."""
    page = QWidget()
    layout = QVBoxLayout(page)
    heading = QLabel(title)
    heading.setObjectName("pageTitle")
    layout.addWidget(heading)
    if text is not None:
        layout.addWidget(wrapped(text))
    return page, layout


def button(text: str, slot: Callable[..., object], primary: bool = False, default: bool = False) -> QPushButton:
    """A push button wired to `slot`; `primary` gives it the accent style."""
    b = QPushButton(text)
    if primary:
        b.setObjectName("primaryButton")
    if default:
        b.setDefault(True)
    b.clicked.connect(slot)
    return b


def add_button_row(layout: QBoxLayout, *buttons: QWidget, left: tuple[QWidget, ...] = ()) -> QHBoxLayout:
    """Add to `layout` a row of buttons: `left` at its start, the others at its right end.

    `layout` must already belong to a widget: the row joins it before the buttons do, so each button is
    owned by that widget at once (a button in a layout that no widget holds yet is owned by its Python
    wrapper, and a temporary one would be deleted under the layout's feet)."""
    row = QHBoxLayout()
    layout.addLayout(row)
    for b in left:
        row.addWidget(b)
    row.addStretch(1)
    for b in buttons:
        row.addWidget(b)
    return row


def add_path_row(form: QFormLayout, label: str, edit: QLineEdit, text: str, browse: Callable[[], None]) -> None:
    """Add to `form` (already in a widget's layout, see `add_button_row`) a path field with its
    "Choose…" button beside it."""
    row = QHBoxLayout()
    form.addRow(label, row)
    row.addWidget(edit, 1)
    row.addWidget(button(text, browse))
