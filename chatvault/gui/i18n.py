"""Qt translations: `.ts` sources in `resources/translations/`, compiled to `.qm` on demand.

`*.qm` is not committed. `make translations` (run by `make run`/`make test`) compiles them next to
the sources with `pyside6-lrelease` (shipped by PySide6-Essentials); when the app starts from a tree
where that step was skipped, it compiles into the user cache instead, so a fresh checkout still
shows Chinese. Qt's own `qtbase_zh_CN.qm` makes standard dialogs say 确定/取消.
"""

from __future__ import annotations

import logging
import re
import shutil
import subprocess
import sys
from pathlib import Path

import platformdirs
from PySide6.QtCore import QCoreApplication, QLibraryInfo, QLocale, QTranslator

log = logging.getLogger(__name__)

RESOURCES = Path(__file__).resolve().parents[2] / "resources"
TS_DIR = RESOURCES / "translations"

#: language code -> the name shown in the language menu, in that language.
LANGUAGES: dict[str, str] = {"en": "English", "zh_CN": "简体中文"}

_installed: list[QTranslator] = []
_current = "en"


def normalize(code: str | None) -> str:
    """Map a locale name to a shipped language; Traditional Chinese is not shipped yet, so English."""
    if not code or code == "system":
        code = QLocale.system().name()
    code = code.replace("-", "_")
    if code in LANGUAGES:
        return code
    if code.startswith("zh"):
        hant = any(tag in code for tag in ("TW", "HK", "MO", "Hant"))
        return "en" if hant else "zh_CN"
    return "en"


def _lrelease() -> str | None:
    exe = shutil.which("pyside6-lrelease") or str(Path(sys.executable).with_name("pyside6-lrelease"))
    return exe if Path(exe).exists() else None


def compile_ts(ts: Path, qm: Path) -> bool:
    """Compile one `.ts` to `.qm`; False (and a log line) if the tool is missing or fails."""
    tool = _lrelease()
    if tool is None:
        log.warning("pyside6-lrelease not found; %s stays untranslated", ts.name)
        return False
    qm.parent.mkdir(parents=True, exist_ok=True)
    proc = subprocess.run([tool, "-silent", str(ts), "-qm", str(qm)], capture_output=True, text=True)
    if proc.returncode != 0:
        log.warning("lrelease failed for %s: %s", ts, proc.stderr.strip())
        return False
    return True


def compile_all(out_dir: Path | None = None) -> list[Path]:
    """Compile every `.ts` in resources/translations; used by `make translations`."""
    done = []
    for ts in sorted(TS_DIR.glob("*.ts")):
        qm = (out_dir or TS_DIR) / (ts.stem + ".qm")
        if compile_ts(ts, qm):
            done.append(qm)
    return done


def qm_path(lang: str) -> Path | None:
    """The compiled catalogue for `lang`: beside the source if fresh, else compiled into the cache."""
    ts = TS_DIR / f"chatvault_{lang}.ts"
    if not ts.exists():
        return None
    local = ts.with_suffix(".qm")
    if local.exists() and local.stat().st_mtime >= ts.stat().st_mtime:
        return local
    cached = Path(platformdirs.user_cache_dir("ChatVault", appauthor=False)) / "translations" / local.name
    if cached.exists() and cached.stat().st_mtime >= ts.stat().st_mtime:
        return cached
    return cached if compile_ts(ts, cached) else None


def current_language() -> str:
    return _current


def set_language(code: str | None) -> str:
    """Install the translators for `code` ("system", "en", "zh_CN", ...); returns the language used.

    Installing sends QEvent.LanguageChange to every widget, which re-translates itself.
    """
    global _current
    app = QCoreApplication.instance()
    lang = normalize(code)
    for tr in _installed:
        app.removeTranslator(tr)
    _installed.clear()
    if lang != "en":
        qt = QTranslator(app)
        if qt.load(f"qtbase_{lang}", QLibraryInfo.path(QLibraryInfo.LibraryPath.TranslationsPath)):
            app.installTranslator(qt)
            _installed.append(qt)
    # English too: its catalogue holds only the plural forms ("1 conversation", "2 conversations")
    path = qm_path(lang)
    ours = QTranslator(app)
    if path is not None and ours.load(str(path)):
        app.installTranslator(ours)
        _installed.append(ours)
    elif lang != "en":
        log.warning("no compiled translation for %s", lang)
    _current = lang
    QLocale.setDefault(QLocale(QLocale.Language.Chinese, QLocale.Country.China) if lang == "zh_CN"
                       else QLocale(QLocale.Language.English, QLocale.Country.UnitedStates))
    return lang


def tr(text: str, context: str = "ChatVault") -> str:
    """Translate outside a QObject (lupdate finds `QCoreApplication.translate` calls only)."""
    return QCoreApplication.translate(context, text)


#: Status lines and format titles the core reports in English (the core knows no screen and no
#: translator): the GUI shows them through `core_text`, which translates them in context "Core".
#: Patterns with a variable part map to a template with %1/%2; the variable parts (file names,
#: destinations) are user data and stay as they are.
CORE_PATTERNS: tuple[tuple[re.Pattern[str], str], ...] = tuple((re.compile(rx), tpl) for rx, tpl in (
    (r"^Checking (.+)$", "Checking %1"),
    (r"^Importing (.+) \((.+)\)$", "Importing %1 (%2)"),
    (r"^Reading (.+)$", "Reading %1"),
    (r"^Connecting to (.+)$", "Connecting to %1"),
    (r"^checking (\w+)$", "checking %1"),
))
CORE_STRINGS = (
    "Done", "Cancelled", "Making thumbnails", "Opening Weixin databases", "Opening WeChat databases",
    "Taking a snapshot of the database", "Test-restoring the new snapshot", "Restoring media",
    "Restoring the database", "Backing up the database and media", "Making the snapshot durable",
    "Naming the damage", "Verifying the snapshot", "rebuilding the search index", "checking the header",
    "checking the database",
)
#: The importers' titles (shown when an export is read). Not checked against the core's sources:
#: the import dialog may name formats in its own words instead.
CORE_TITLES = ("Telegram Desktop export (JSON)", "WhatsApp chat export", "Weixin 4.x (Windows/macOS)",
               "WeChat for Windows 3.x", "WeChat for Android (EnMicroMsg.db)",
               "Signal Desktop (profile folder)", "Signal for Android (.backup)")


def core_text(text: str) -> str:
    """`text` from the core (a status line, an importer's title) in the current language."""
    if not text:
        return text
    for rx, template in CORE_PATTERNS:
        m = rx.match(text)
        if m:
            out = QCoreApplication.translate("Core", template)
            for i, part in enumerate(m.groups(), 1):
                out = out.replace(f"%{i}", core_text(part) if i > 1 else part)
            return out
    return QCoreApplication.translate("Core", text)


if __name__ == "__main__":
    for p in compile_all():
        print(p)
