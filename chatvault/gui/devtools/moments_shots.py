"""The Moments page's screenshots, English and Chinese (`moments-en.png`, `moments-zh_CN.png`).

`make screenshots` takes them as part of its run (`screenshots.render` calls `shoot`); alone:

    QT_QPA_PLATFORM=offscreen python -m chatvault.gui.devtools.moments_shots docs/screenshots
"""

from __future__ import annotations

import os
import sys
import tempfile
from collections.abc import Callable
from pathlib import Path

os.environ.setdefault("CHATVAULT_INSECURE_FAST_KDF", "1")  # a throw-away demo vault


def shoot(app, win, shot: Callable[[object, str], None]) -> None:
    """The demo's Moments in both languages, the photos decrypted before each shot."""
    from chatvault.gui import i18n
    from chatvault.gui.devtools.screenshots import _settle, _wait
    from chatvault.gui.views.main_chrome import PAGE_MOMENTS

    page = win.moments
    for lang in ("en", "zh_CN"):
        i18n.set_language(lang)
        _settle(app)
        win.show_page(PAGE_MOMENTS)
        _wait(app, lambda: bool(page.cards) and not page.loading, 20)
        _wait(app, lambda: not page.loader.pending, 20)
        _settle(app, 0.5)
        shot(win, f"moments-{lang}.png")
    i18n.set_language("en")
    _settle(app)


def main(argv: list[str]) -> int:
    from PySide6.QtCore import QSettings

    out = Path(argv[0]) if argv else Path("docs/screenshots")
    out.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix="cv-shots-"))
    QSettings.setPath(QSettings.Format.IniFormat, QSettings.Scope.UserScope, str(tmp / "settings"))
    from chatvault.devtools import demo
    from chatvault.gui import prefs
    from chatvault.gui.app import build_app
    from chatvault.gui.devtools.screenshots import _settle

    prefs.put("theme", "light")
    prefs.put("language", "en")
    app = build_app([])
    from chatvault.gui.main_window import MainWindow
    from chatvault.vault.vault import create_vault

    vault, _key = create_vault(tmp / "vault", "demo demo demo demo")
    conn = vault.connect()
    demo.populate(conn, moments=True)
    demo.attach_demo_photo(vault, conn)
    conn.close()
    win = MainWindow(vault)
    win.resize(1240, 860)
    win.show()

    def shot(widget, name: str) -> None:
        _settle(app, 0.4)
        widget.grab().save(str(out / name))
        print(out / name)

    shoot(app, win, shot)
    win.close()
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
