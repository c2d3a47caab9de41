"""`make screenshots`: render the main screens of a demo archive to PNG files.

    QT_QPA_PLATFORM=offscreen python -m chatvault.gui.devtools.screenshots docs/screenshots

Everything is real: a vault is created in a temporary folder (at the test-only fast KDF cost, it is
thrown away), filled with the demo archive, imported into, backed up and watched; the windows are
grabbed offscreen at 1.0 and 1.5 device-pixel ratio is left to the platform.
"""

from __future__ import annotations

import os
import sys
import tempfile
import time
from pathlib import Path

os.environ.setdefault("CHATVAULT_INSECURE_FAST_KDF", "1")  # a throw-away demo vault


def _wait(app, cond, timeout: float = 60.0) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        app.processEvents()
        if cond():
            return True
        time.sleep(0.02)
    return False


def _settle(app, seconds: float = 0.3) -> None:
    end = time.monotonic() + seconds
    while time.monotonic() < end:
        app.processEvents()
        time.sleep(0.01)


def _big_whatsapp(path: Path, n: int) -> Path:
    """A long WhatsApp group export (Android, en-GB dates), written line by line."""
    import random
    from datetime import datetime, timedelta

    rnd = random.Random(3)
    words = ("see you at the station", "on my way", "who is bringing the tent?", "photos from today",
             "happy birthday!", "dinner at 7?", "the train is late again", "thanks so much",
             "周末一起去爬山吧", "我已经到了", "明天见", "好的没问题")
    senders = ("Anna Schmidt", "Tom Baker", "陈伟", "Dana Smith", "Me")
    t = datetime(2019, 3, 1, 8, 0)
    with open(path, "w", encoding="utf-8") as fh:
        for i in range(n):
            t += timedelta(seconds=rnd.randint(20, 500))
            fh.write(f"{t:%d/%m/%Y, %H:%M} - {senders[i % 5]}: {rnd.choice(words)}\n")
    return path


def favorites(app, win, shot, name: str) -> None:
    """The Favorites page on the demo's note (its photo decrypted), then back to the chats."""
    from chatvault.gui.main_window import PAGE_CHATS, PAGE_FAVORITES

    page = win.favorites_page
    loads = []
    page.model.loaded.connect(loads.append)
    win.show_page(PAGE_FAVORITES)
    _wait(app, lambda: bool(loads), 10)
    note = next(i for i, r in enumerate(page.model.rows) if r["extra"].get("fav_kind") == "note")
    page.select_row(note)
    _settle(app, 0.8)                 # thumbnails decrypt off the UI thread
    shot(win, name)
    win.show_page(PAGE_CHATS)


def render(out_dir: Path) -> list[Path]:  # over 80 lines on purpose: one straight script, screen by screen
    from PySide6.QtCore import QSettings

    tmp = Path(tempfile.mkdtemp(prefix="chatvault-shots-"))
    QSettings.setPath(QSettings.Format.IniFormat, QSettings.Scope.UserScope, str(tmp / "settings"))
    from chatvault.devtools import demo
    from chatvault.gui import i18n, prefs, theme
    from chatvault.gui.app import build_app

    prefs.put("theme", "light")
    prefs.put("language", "en")
    app = build_app([])
    from chatvault.gui.main_window import PAGE_PROTECTION, PAGE_SEARCH, MainWindow
    from chatvault.vault.vault import create_vault

    out_dir.mkdir(parents=True, exist_ok=True)
    written: list[Path] = []
    vault, _key = create_vault(tmp / "vault", "demo demo demo demo")
    conn = vault.connect()
    ids = demo.populate(conn, moments=True)
    demo.attach_demo_photo(vault, conn)
    from chatvault.devtools.demo_favorites import populate_favorites

    populate_favorites(conn, vault)
    conn.close()
    win = MainWindow(vault)
    win.resize(1240, 860)
    win.show()

    def shot(widget, name: str) -> None:
        _settle(app, 0.4)
        path = out_dir / name
        widget.grab().save(str(path))
        written.append(path)
        print(path)

    def select(key: str) -> None:
        row = win.chat_model.row_of(ids[key])
        win.chat_list.setCurrentIndex(win.chat_proxy.mapFromSource(win.chat_model.index(row)))
        _settle(app, 0.5)  # thumbnails decrypt off the UI thread
        win.messages.scrollToBottom()
        if key == "family":  # start the view at the photo, so the shot shows photo, voice and red packet
            model = win.messages.model_
            photo = next(i for i, r in enumerate(model.rows) if r["kind"] == "image")
            win.messages.scrollTo(model.index(photo), win.messages.ScrollHint.PositionAtTop)
        _settle(app, 0.5)

    select("family")
    shot(win, "main-en.png")
    select("li")
    shot(win, "conversation-cards-en.png")
    from chatvault.gui.devtools import moments_shots

    moments_shots.shoot(app, win, shot)          # moments-en.png, moments-zh_CN.png
    favorites(app, win, shot, "favorites-en.png")

    i18n.set_language("zh_CN")
    _settle(app)
    select("family")
    shot(win, "main-zh_CN.png")
    favorites(app, win, shot, "favorites-zh_CN.png")

    win.show_page(PAGE_SEARCH)
    win.search_page.box.setText("好")
    _wait(app, lambda: win.search_page.model.rowCount() > 0, 10)
    shot(win, "search-zh_CN.png")
    i18n.set_language("en")
    _settle(app)
    win.search_page.box.setText("train")
    _wait(app, lambda: win.search_page.model.rowCount() > 0 or "No messages" in win.search_page.status.text(), 10)

    export = _big_whatsapp(tmp / "WhatsApp Chat with Hiking club.txt", 400_000)
    dialog = win.imports.start_preview(export)
    _wait(app, lambda: dialog.pages.currentIndex() == 1, 120)
    dialog.resize(620, dialog.sizeHint().height())
    shot(dialog, "import-preview-en.png")
    dialog.start_button.click()
    op = win.imports.op
    _wait(app, lambda: op.snapshot().eta_seconds is not None or not op.running, 60)
    _settle(app, 0.3)
    if op.running:
        shot(dialog, "import-progress-en.png")
    op.cancel()
    _wait(app, lambda: not op.running, 30)
    dialog.close()

    backup_dir = tmp / "USB stick" / "ChatVault backup"
    backup_dir.mkdir(parents=True)
    watched = tmp / "Documents" / "WeChat Files"
    watched.mkdir(parents=True)
    win.show_page(PAGE_PROTECTION)
    page = win.protection
    page.add_folder_destination(str(backup_dir), "USB stick")
    page.add_watch_folder(str(watched), "capture")
    job = page.backup_now()
    if job is not None:
        _wait(app, lambda: not job.running, 120)
    _wait(app, lambda: (page._poll_watch() or True) and "Watching" in (page.watch_table.item(0, 2).text()
                                                                       if page.watch_table.item(0, 2) else ""), 10)
    win.refresh_health()
    shot(win, "protection-en.png")

    theme.apply("dark")
    win.messages.delegate.clear_cache()
    win.show_page(0)
    select("family")
    shot(win, "main-dark-en.png")
    win.show_page(PAGE_PROTECTION)
    shot(win, "protection-dark-en.png")
    # The smallest supported window, dark and in Chinese: the filters fit, nothing is white.
    i18n.set_language("zh_CN")
    win.resize(900, 600)
    win.show_page(PAGE_SEARCH)
    win.search_page.box.setText("好")
    win.search_page.run_now()
    _wait(app, lambda: win.search_page.model.rowCount() > 0, 10)
    shot(win, "search-dark-900x600-zh_CN.png")
    i18n.set_language("en")
    theme.apply("light")
    win.close()
    return written


def check_dark(paths: list[Path]) -> list[str]:
    """The dark screenshots that show a near-white area (a header, scroll bar or popup left light)."""
    from PySide6.QtGui import QImage

    from chatvault.gui.devtools.pixels import describe, near_white_cells

    bad = []
    for path in paths:
        if "-dark-" in path.name:
            cells = near_white_cells(QImage(str(path)))
            if cells:
                bad.append(f"{path.name}: near-white at {describe(cells)}")
    return bad


def main(argv: list[str]) -> int:
    out = Path(argv[0]) if argv else Path("docs/screenshots")
    bad = check_dark(render(out))
    for line in bad:
        print("white strip in the dark theme:", line, file=sys.stderr)
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
