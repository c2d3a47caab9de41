"""Emoji are drawn with the colour emoji font, not as boxes: the app's font falls back to it after
the UI and CJK fonts, and `make run`/`make test` install it (packaging/sysdeps.sh)."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtGui import QFont, QRawFont, QTextLayout
from PySide6.QtWidgets import QApplication

EMOJI = "好的👍😂🎉❤️🇨🇳"


def _families_drawing(text: str, font: QFont) -> set[str]:
    """The families Qt actually draws `text` with when laid out in `font`."""
    layout = QTextLayout(text, font)
    layout.beginLayout()
    layout.createLine()
    layout.endLayout()
    return {run.rawFont().familyName() for run in layout.glyphRuns()}


def test_emoji_resolve_to_the_colour_emoji_font(qapp) -> None:
    from chatvault.gui import theme

    theme.setup_fonts()
    families = QApplication.font().families()
    assert families[-1] == "Noto Color Emoji", families            # last: after the UI and CJK fonts
    assert "Noto Sans CJK SC" in families and families.index("Noto Sans CJK SC") < len(families) - 1
    emoji = QRawFont.fromFont(QFont("Noto Color Emoji"))
    assert emoji.familyName() == "Noto Color Emoji"
    for ch in ("👍", "😂", "🎉"):
        assert emoji.supportsCharacter(ord(ch)), ch
    for ch in ("👍", "😂", "🎉", "❤️", "🇨🇳", "👨‍👩‍👧"):
        assert _families_drawing(ch, QApplication.font()) == {"Noto Color Emoji"}, ch
    assert _families_drawing("好的", QApplication.font()) == {"Noto Sans CJK SC"}   # Chinese in the CJK font
    assert "Noto Color Emoji" in _families_drawing(EMOJI, QApplication.font())
    # A font a delegate builds from the app font (bold, smaller) keeps the fallback.
    small = QFont(QApplication.font())
    small.setBold(True)
    small.setPointSizeF(8)
    assert _families_drawing("👍", small) == {"Noto Color Emoji"}


def test_emoji_glyphs_are_painted_in_colour(qtbot) -> None:
    from PySide6.QtWidgets import QLabel

    from chatvault.gui import theme

    theme.setup_fonts()
    label = QLabel("😂")
    f = QApplication.font()
    f.setPixelSize(48)
    label.setFont(f)
    label.setStyleSheet("background: white; color: black")
    label.resize(80, 80)
    qtbot.addWidget(label)
    img = label.grab().toImage()
    colours = [img.pixelColor(x, y) for x in range(0, img.width(), 2) for y in range(0, img.height(), 2)]
    assert any(abs(c.red() - c.blue()) > 80 for c in colours), "the emoji was drawn in black and white (or a box)"


def test_sysdeps_installs_the_emoji_font_with_the_cjk_fonts() -> None:
    script = (Path(__file__).parents[1] / "packaging" / "sysdeps.sh").read_text(encoding="utf-8")
    assert "fonts-noto-color-emoji" in script and "fonts-noto-cjk" in script
    assert "':family=Noto Color Emoji'" in script       # the colour font itself, not any font named "emoji"
