"""The app never tells a person to type a command-line flag or command (issue #18, item 2): the core's
hints keep their CLI advice for the CLI, and every place the GUI shows a core error goes through
`apptext`, which leaves that advice out and keeps the rest."""

from __future__ import annotations

import ast
import re
from pathlib import Path

import chatvault
from chatvault.errors import InputError, WrongPassphrase
from chatvault.gui.apptext import FLAGGED, app_text, error_text

SRC = Path(chatvault.__file__).parent


def _core_hints() -> list[str]:
    """The literal text of every `hint=` the core passes to an error (f-string holes left blank)."""
    out = []
    for path in SRC.rglob("*.py"):
        if "gui" in path.parts or "cli" in path.parts:
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.keyword) and node.arg == "hint":
                parts = [n.value for n in ast.walk(node.value) if isinstance(n, ast.Constant) and isinstance(n.value, str)]
                if parts:
                    out.append("".join(parts))
    return out


def test_every_core_hint_is_shown_without_its_command_line_advice() -> None:
    hints = _core_hints()
    flagged = [h for h in hints if FLAGGED.search(h)]
    assert len(hints) > 100 and len(flagged) > 20           # the CLI keeps its advice…
    for hint in hints:
        shown = app_text(hint)
        assert "--" not in re.sub(r"\d--\d", "", shown) and "`chatvault" not in shown, (hint, shown)   # …the app never
    # What is not advice to type a command survives.
    assert app_text("Check the keyboard layout and Caps Lock, or use your recovery key (`chatvault recover`).") \
        == "Check the keyboard layout and Caps Lock, or use your recovery key."
    assert app_text("Run `chatvault check`; restore vault.db from a backup if it reports damage.") \
        == "Restore vault.db from a backup if it reports damage."
    assert app_text("Download the file again. To import what is readable now, name the format with --format.") \
        == "Download the file again."
    wrong = WrongPassphrase("The passphrase does not open this vault.",
                            hint="Check Caps Lock, or use your recovery key (`chatvault recover`).")
    assert error_text(wrong) == "The passphrase does not open this vault.\nCheck Caps Lock, or use your recovery key."
    assert error_text(InputError("Bad.")) == "Bad."
    assert error_text(InputError("An S3 destination needs --bucket.")) == "An S3 destination needs bucket."


def test_the_gui_shows_no_core_hint_except_through_apptext() -> None:
    """A new dialog that printed `exc.hint` as it is would show CLI advice again."""
    offenders = []
    for path in (SRC / "gui").rglob("*.py"):
        if path.name == "apptext.py":
            continue
        for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            if re.search(r"\.hint\b(?!\s*=)|[\"']hint[\"']", line) and "self.hint" not in line:
                offenders.append(f"{path.name}:{n}: {line.strip()}")
    assert not offenders, offenders
