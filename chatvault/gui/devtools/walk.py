"""The new user's walk, screen by screen, on Qt's real xcb platform (`make screenshots`).

    python -m chatvault.gui.devtools.walk docs/screenshots [--lang en,zh_CN] [--require-all]

Start, create a vault (the recovery-key ceremony included), import a WeChat for Windows folder with
its key through the import dialog, play a voice note, open a PDF attachment, lock, type a wrong
passphrase (the error stays in view), unlock. One PNG per step and language, `walk-NN-step-LANG.png`.
Without a display it starts its own Xvfb; each language runs in a fresh process with its own home.

The walk drives the app through widget objectNames, like a user's eyes find labels: where one is
missing the step is reported with the name it looked for (and the steps after it that need its
result), never faked. In Chinese every screen is also checked for English (`uitext`), and the
result of each step is printed as one JSON line per step for the caller (and the tests).
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from pathlib import Path

os.environ.setdefault("CHATVAULT_INSECURE_FAST_KDF", "1")    # a throw-away vault: the cheap test KDF

PASSPHRASE = "walk the river under eleven bridges"
STEPS = ("start", "create", "first-window", "import", "imported", "voice", "pdf", "lock", "wrong-passphrase",
         "unlock")
#: A step that cannot run leaves the steps that need its result undone too.
AFTER = {"imported": "import", "voice": "imported", "pdf": "imported", "wrong-passphrase": "lock",
         "unlock": "lock", "first-window": "create", "import": "first-window", "lock": "first-window"}
#: Which branch of the #18 work brings the widget a step looks for (for the report).
BRINGS = {"wechatKey": "importdlg", "formatChoice": "importdlg", "startImport": "importdlg",
          "actionPlay": "convo", "actionOpen": "convo", "voicePlayer": "convo",
          "passphrase": "appshell", "unlockError": "appshell"}


class Missing(Exception):
    """The widget a step needs is not in this build."""

    def __init__(self, name: str) -> None:
        super().__init__(name)
        self.name = name


@dataclass
class StepResult:
    step: str
    lang: str
    png: str | None = None
    missing: str | None = None          # the objectName looked for
    brought_by: str | None = None       # the branch that adds it
    blocked_by: str | None = None       # an earlier step that did not run
    error: str | None = None
    english: list[str] = field(default_factory=list)   # zh_CN: English words on this screen
    note: str = ""


class Walk:
    """One language's walk in this process (a QApplication on the xcb platform)."""

    def __init__(self, out: Path, lang: str, work: Path) -> None:
        from chatvault.gui.app import build_app

        self.out, self.lang, self.work = out, lang, work
        from PySide6.QtCore import QSettings

        QSettings.setPath(QSettings.Format.IniFormat, QSettings.Scope.UserScope, str(work / "settings"))
        from chatvault.gui import prefs

        prefs.put("theme", "light")
        prefs.put("language", lang)
        self.app = build_app([])
        self.vault_path = work / "ChatVault"
        self.dialog = None      # the first window (create), later the unlock dialog
        self.window = None
        self.import_dialog = None
        self.viewer = None
        self.user_data: list[str] = [str(work)]
        self.results: list[StepResult] = []

    # --- helpers -------------------------------------------------------------------------------
    def settle(self, seconds: float = 0.3) -> None:
        end = time.monotonic() + seconds
        while time.monotonic() < end:
            self.app.processEvents()
            time.sleep(0.01)

    def wait(self, cond: Callable[[], bool], timeout: float = 60.0, what: str = "") -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            self.app.processEvents()
            if cond():
                return
            time.sleep(0.02)
        raise TimeoutError(f"waited {timeout:.0f} s for {what or 'the app'}")

    @staticmethod
    def find(root, cls, name: str):
        """The child of `root` called `name` (a QWidget or a QAction), or Missing(name)."""
        found = root.findChild(cls, name)
        if found is None:
            raise Missing(name)
        return found

    def shot(self, widget, step: str, result: StepResult, over=None) -> None:
        """Save `widget` as this step's PNG; a dialog is drawn centred `over` its window, as a desktop
        shows it. In Chinese, note every English word on the screen."""
        from chatvault.gui.devtools.uitext import collect, english

        self.settle(0.4)
        widget.raise_()
        self.settle(0.1)
        path = self.out / f"walk-{STEPS.index(step) + 1:02d}-{step}-{self.lang}.png"
        image = widget.grab()
        if over is not None:
            image = _compose(over.grab(), image)
        image.save(str(path))
        result.png = path.name
        if self.lang != "en":
            texts = collect(widget) + (collect(over) if over is not None else [])
            result.english = sorted({t for _w, t in english(texts, self.user_data)})

    def _user_data(self) -> None:
        """What the imported account holds (names, texts, files): user data, not UI text."""
        if self.window is None or self.window.conn is None:
            return
        from chatvault.devtools.walkdata import user_strings

        self.user_data += user_strings(self.window.conn)

    # --- the steps -----------------------------------------------------------------------------
    def step_start(self, r: StepResult) -> None:
        from chatvault.gui.app import start

        self.dialog = start(self.vault_path)
        self.dialog.show()
        self.settle()
        r.note = self.app.platformName()
        self.shot(self.dialog, "start", r)

    def step_create(self, r: StepResult) -> None:
        d = self.dialog
        d.passphrase.setText(PASSPHRASE)
        d.repeat.setText(PASSPHRASE)
        d.create_button.click()
        self.wait(lambda: d.pages.currentIndex() == 1, what="the recovery key page")
        self.user_data.append(d.recovery_key)          # the user's own key, not UI text
        self.shot(d, "create", r)
        key = d.recovery_key.split("-")
        d.saved_button.click()
        a, b = d.confirm_groups
        d.confirm_a.setText(key[a])
        d.confirm_b.setText(key[b])
        d.finish_button.click()
        self.wait(lambda: d.result() == d.DialogCode.Accepted, what="the vault to open")

    def step_first_window(self, r: StepResult) -> None:
        from chatvault.gui.main_window import MainWindow

        self.window = MainWindow(self.dialog.vault)
        self.window.resize(1180, 760)
        self.window.show()
        self.dialog = None
        self.shot(self.window, "first-window", r)

    def step_import(self, r: StepResult) -> None:
        from PySide6.QtWidgets import QComboBox, QLineEdit, QPushButton

        from tests.walk_fixture import build

        folder, key = build(self.work / "WeChat export")
        self.user_data += [str(folder), folder.name]
        dlg = self.import_dialog = self.window.imports.start_preview(folder)
        field_ = self.find(dlg, QLineEdit, "wechatKey")
        self.find(dlg, QComboBox, "formatChoice")
        start = self.find(dlg, QPushButton, "startImport")
        self.wait(lambda: field_.isVisible(), what="the WeChat key field")
        field_.setFocus()
        field_.setText(key)
        self.wait(start.isEnabled, what="Start to be enabled by a well-formed key")
        self.shot(dlg, "import", r, over=self.window)
        start.click()

    def step_imported(self, r: StepResult) -> None:
        dlg = self.import_dialog
        self.wait(lambda: not self.window.imports.busy() and dlg.pages.currentIndex() == 3, 120, "the import report")
        self._user_data()
        self.shot(dlg, "imported", r, over=self.window)
        dlg.accept()

    def _open_chat_with(self, kind: str) -> dict:
        """Select the chat holding the first message of `kind`; returns that message's row."""
        from chatvault.devtools.walkdata import first_of_kind

        row = first_of_kind(self.window.conn, kind)
        if row is None:
            raise RuntimeError(f"the imported account holds no {kind} message")
        self.window.open_message(int(row[0]), int(row[1]))
        model = self.window.messages.model_
        self.wait(lambda: any(m.get("id") == int(row[1]) for m in model.rows), what=f"the {kind} message")
        return next(m for m in model.rows if m.get("id") == int(row[1]))

    def _menu(self, msg: dict):
        from PySide6.QtCore import QPoint

        actions = getattr(self.window.messages, "actions", None)
        if actions is None or not hasattr(actions, "menu_for"):
            raise Missing("actionPlay" if msg["kind"] == "voice" else "actionOpen")
        menu = actions.menu_for(msg)
        view = self.window.messages
        index = view.model_.index(view.model_.rows.index(msg))
        view.scrollTo(index)
        self.settle(0.2)
        menu.popup(view.viewport().mapToGlobal(view.visualRect(index).center() + QPoint(40, 0)))
        self.settle(0.2)
        return menu

    def step_voice(self, r: StepResult) -> None:
        from PySide6.QtGui import QAction
        from PySide6.QtWidgets import QWidget

        msg = self._open_chat_with("voice")
        menu = self._menu(msg)
        play = self.find(menu, QAction, "actionPlay")
        menu.hide()
        play.trigger()
        player = self.find(self.window, QWidget, "voicePlayer")
        self.wait(lambda: player.isVisible(), 30, "the voice player")
        self.settle(0.8)
        r.note = "playing" if getattr(player, "is_playing", lambda: False)() else "shown"
        self.shot(self.window, "voice", r)
        stop = getattr(player, "stop", None)
        if stop is not None:
            stop()

    def step_pdf(self, r: StepResult) -> None:
        from PySide6.QtGui import QAction, QDesktopServices

        msg = next((m for m in self.window.messages.model_.rows if m["kind"] == "file"), None) \
            or self._open_chat_with("file")
        opened = _pdf_stand_in_class()(self.out)
        QDesktopServices.setUrlHandler("file", opened, "open_url")
        try:
            menu = self._menu(msg)
            action = self.find(menu, QAction, "actionOpen")
            menu.hide()
            action.trigger()
            self.wait(lambda: opened.viewer is not None, 30, "the PDF to open")
        finally:
            QDesktopServices.unsetUrlHandler("file")
        self.viewer = opened.viewer
        r.note = f"opened {opened.path.name} ({opened.pages} page)"
        self.shot(self.viewer, "pdf", r, over=self.window)
        self.viewer.close()

    def step_lock(self, r: StepResult) -> None:
        self.window.lock()
        self.wait(lambda: self.window.unlock_dialog is not None and self.window.unlock_dialog.isVisible(),
                  10, "the unlock dialog")
        self.shot(self.window.unlock_dialog, "lock", r, over=self.window)

    def step_wrong_passphrase(self, r: StepResult) -> None:
        from PySide6.QtCore import Qt
        from PySide6.QtTest import QTest
        from PySide6.QtWidgets import QLabel, QLineEdit

        dlg = self.window.unlock_dialog
        field_ = self.find(dlg, QLineEdit, "passphrase")
        error = self.find(dlg, QLabel, "unlockError")
        field_.setFocus()
        field_.setText("walk the river under twelve bridges")
        QTest.keyClick(field_, Qt.Key.Key_Return)
        self.wait(lambda: bool(error.text()), 60, "the wrong-passphrase error")
        if field_.echoMode() != QLineEdit.EchoMode.Password:
            raise RuntimeError("a wrong passphrase and Enter switched the dialog out of passphrase mode")
        self.shot(dlg, "wrong-passphrase", r, over=self.window)

    def step_unlock(self, r: StepResult) -> None:
        from PySide6.QtCore import Qt
        from PySide6.QtTest import QTest
        from PySide6.QtWidgets import QLineEdit

        dlg = self.window.unlock_dialog
        field_ = self.find(dlg, QLineEdit, "passphrase")
        field_.setText(PASSPHRASE)
        QTest.keyClick(field_, Qt.Key.Key_Return)
        self.wait(lambda: self.window.vault is not None, 60, "the vault to unlock")
        self.shot(self.window, "unlock", r)

    # --- the run -------------------------------------------------------------------------------
    def run(self) -> list[StepResult]:
        done: set[str] = set()
        for step in STEPS:
            r = StepResult(step, self.lang)
            need = AFTER.get(step)
            if need is not None and need not in done:
                r.blocked_by = need
            else:
                try:
                    getattr(self, "step_" + step.replace("-", "_"))(r)
                    done.add(step)
                except Missing as m:
                    r.missing, r.brought_by = m.name, BRINGS.get(m.name)
                except Exception as exc:  # noqa: BLE001 - reported per step; the walk goes on where it can
                    r.error = f"{type(exc).__name__}: {exc}"
                if step not in done and step == "import" and self.import_dialog is not None:
                    self.import_dialog.close()      # the walk goes on without the import
            self.results.append(r)
            print(json.dumps(asdict(r), ensure_ascii=False), flush=True)
        return self.results


def _compose(back, front):
    """`front` (a dialog's grab) centred on a dimmed `back` (its window's grab), with a thin frame."""
    from PySide6.QtCore import QPoint
    from PySide6.QtGui import QColor, QPainter, QPixmap

    out = QPixmap(back.size().expandedTo(front.size()))
    out.setDevicePixelRatio(back.devicePixelRatio())
    out.fill(QColor("#808080"))
    p = QPainter(out)
    p.drawPixmap(0, 0, back)
    p.fillRect(out.rect(), QColor(0, 0, 0, 60))
    size = front.deviceIndependentSize().toSize()
    at = QPoint((out.deviceIndependentSize().width() - size.width()) // 2,
                max(0, (out.deviceIndependentSize().height() - size.height()) // 3))
    p.fillRect(at.x() - 1, at.y() - 1, size.width() + 2, size.height() + 2, QColor("#606060"))
    p.drawPixmap(at, front)
    p.end()
    return out


def _pdf_stand_in_class():
    from PySide6.QtCore import QObject, QUrl, Slot

    class PdfStandIn(QObject):
        """Where QDesktopServices sends a file during the walk: the system's PDF viewer, played by
        Qt's own (QtPdf) in a window, so the screenshot shows the file that was really decrypted."""

        def __init__(self, out: Path) -> None:
            super().__init__()
            self.viewer = None
            self.path: Path | None = None
            self.pages = 0

        @Slot(QUrl)
        def open_url(self, url: QUrl) -> None:
            from PySide6.QtPdf import QPdfDocument
            from PySide6.QtPdfWidgets import QPdfView

            self.path = Path(url.toLocalFile())
            doc = QPdfDocument(self)
            doc.load(str(self.path))
            self.pages = doc.pageCount()
            view = QPdfView()
            view.setObjectName("pdfViewer")
            view.setDocument(doc)
            view.setWindowTitle(self.path.name)
            view.setZoomMode(QPdfView.ZoomMode.FitInView)
            view.resize(600, 700)
            view.show()
            self.viewer = view

    return PdfStandIn


def child(out: Path, lang: str, work: Path) -> int:
    walk = Walk(out, lang, work)
    results = walk.run()
    return 0 if all(r.error is None for r in results) else 1


def run_walk(out: Path, langs: list[str], display: str | None = None) -> list[dict]:
    """Run the walk for each language in a child process on the xcb platform; the parsed results."""
    from chatvault.gui.devtools.xvfb import virtual_display, xcb_env

    out.mkdir(parents=True, exist_ok=True)
    results: list[dict] = []

    def one(display_name: str, lang: str) -> None:
        with tempfile.TemporaryDirectory(prefix=f"chatvault-walk-{lang}-") as tmp:
            env = xcb_env(display_name, Path(tmp))
            env["PYTHONPATH"] = os.pathsep.join(p for p in (str(Path(__file__).resolve().parents[3]),
                                                             os.environ.get("PYTHONPATH", "")) if p)
            proc = subprocess.run([sys.executable, "-m", "chatvault.gui.devtools.walk", "--child", lang, str(out),
                                   tmp], env=env, capture_output=True, text=True, timeout=600)
            lines = [json.loads(x) for x in proc.stdout.splitlines() if x.startswith("{")]
            if not lines:
                raise RuntimeError(f"the {lang} walk did not run:\n{proc.stderr[-3000:]}")
            results.extend(lines)

    if display:
        for lang in langs:
            one(display, lang)
    else:
        with virtual_display("1400x900x24") as d:
            for lang in langs:
                one(d, lang)
    return results


def main(argv: list[str]) -> int:
    p = argparse.ArgumentParser(prog="walk")
    p.add_argument("out", type=Path, nargs="?", default=Path("docs/screenshots"))
    p.add_argument("--lang", default="en,zh_CN")
    p.add_argument("--require-all", action="store_true", help="fail unless every step ran")
    p.add_argument("--child", nargs=3, metavar=("LANG", "OUT", "WORK"), help=argparse.SUPPRESS)
    args = p.parse_args(argv)
    if args.child:
        lang, out, work = args.child
        return child(Path(out), lang, Path(work))
    display = os.environ.get("DISPLAY") if os.environ.get("QT_QPA_PLATFORM") == "xcb" else None
    results = run_walk(args.out, args.lang.split(","), display)
    bad = 0
    for r in results:
        state = (f"FAILED {r['error']}" if r["error"] else f"ok {r['png']}" if r["png"] else
                 f"needs {r['missing']} ({r['brought_by'] or '?'})" if r["missing"] else f"after {r['blocked_by']}")
        if r["english"]:
            state += f"  ENGLISH: {r['english']}"
        print(f"{r['lang']:6} {r['step']:17} {state}")
        bad += bool(r["error"] or r["english"] or (args.require_all and not r["png"]))
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
