"""The Qt binding must not corrupt the interpreter: PySide6-Essentials 6.12.0 on Python 3.11 dropped a
reference to None on every void call, so a long session died with `none_dealloc` (pyproject excludes it)."""

from __future__ import annotations

import sys

from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QLabel


def test_void_calls_keep_none_alive(qapp) -> None:
    label = QLabel()
    timer = QTimer()
    before = sys.getrefcount(None)
    for _ in range(2000):
        label.setText("x")
        timer.start(10)
        timer.stop()
        qapp.processEvents()
    assert sys.getrefcount(None) - before > -100
