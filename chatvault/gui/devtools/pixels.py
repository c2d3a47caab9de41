"""Pixel checks on grabbed windows: the dark theme must show no white strip (a header, a scroll bar,
a table corner, a tooltip, a popup left in Fusion's light default)."""

from __future__ import annotations

from PySide6.QtCore import QRect
from PySide6.QtGui import QImage


def near_white_cells(image: QImage, cell: int = 16, level: int = 225, share: float = 0.8,
                     skip: list[QRect] | None = None) -> list[QRect]:
    """The `cell`×`cell` squares of `image` where at least `share` of the sampled pixels have every
    channel ≥ `level` (light text on dark never fills a cell; a white header or scroll bar does).
    Rectangles in `skip` (a photo the user imported) are not judged."""
    img = image.convertToFormat(QImage.Format.Format_RGB32)
    found = []
    step = 3
    for y0 in range(0, img.height() - cell + 1, cell):
        for x0 in range(0, img.width() - cell + 1, cell):
            r = QRect(x0, y0, cell, cell)
            if skip and any(s.intersects(r) for s in skip):
                continue
            light = total = 0
            for y in range(y0, y0 + cell, step):
                for x in range(x0, x0 + cell, step):
                    c = img.pixelColor(x, y)
                    total += 1
                    light += min(c.red(), c.green(), c.blue()) >= level
            if light >= share * total:
                found.append(r)
    return found


def describe(cells: list[QRect]) -> str:
    """A short list for an assertion message: where the light cells are."""
    return ", ".join(f"({r.x()},{r.y()})" for r in cells[:12]) + (" …" if len(cells) > 12 else "")
