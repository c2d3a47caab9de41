"""The list models that show a Python list of rows share this: the row count, and `data()` that hands
the row to the row role as is and every other role to `row_data`."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QAbstractListModel, QModelIndex, QPersistentModelIndex, Qt


class RowListModel(QAbstractListModel):
    """A flat list model over `self.row_list()`; `ROW_ROLE` returns the row itself."""

    ROW_ROLE: int

    def row_list(self) -> list[Any]:
        raise NotImplementedError

    def row_data(self, row: Any, role: int) -> Any:
        raise NotImplementedError

    def rowCount(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> int:  # noqa: B008, N802
        return 0 if parent.isValid() else len(self.row_list())

    def data(self, index: QModelIndex | QPersistentModelIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid():
            return None
        row = self.row_list()[index.row()]
        if role == self.ROW_ROLE:
            return row
        return self.row_data(row, role)
