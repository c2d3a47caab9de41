"""Fields a format declares (`Importer.fields`: keys, passwords, key files) reach both front ends
without either hard-coding them: the CLI takes them as a flag, a file or the environment and checks
them; the import dialog shows the field for that format, checks what is typed, tells a wrong secret
at the field and imports once it is right. A test format with a 6-digit code stands in for the real
ones (WhatsApp, iPhone backups, Signal), which each test their own."""

from __future__ import annotations

import argparse
import json
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest

from chatvault.errors import EXIT_LOCKED, UsageError, WrongSecret
from chatvault.importers import registry
from chatvault.importers.base import Detection, Importer, ImportField, ImportOptions
from chatvault.jobs.context import JobContext
from chatvault.model import ConversationKind, ConversationRec, MessageRec, Record, SourceRec


def _six_digits(value: str) -> str | None:
    return None if value.isdigit() and len(value) == 6 else "The code has 6 digits."


CODE = ImportField("demo_code", "Demo code", "Shown in the demo app's settings.", check=_six_digits)


class _Locked(Importer):
    """A test format: a JSON file whose messages need a 6-digit code."""

    name = "locked-fixture"
    title = "Locked fixture"
    fields = (CODE,)

    def detect(self, path: Path) -> Detection:
        return Detection(1.0 if path.suffix == ".lockedjson" else 0.0)

    def read(self, path: Path, options: ImportOptions, ctx: JobContext) -> Iterator[Record]:
        data = json.loads(path.read_text(encoding="utf-8"))
        if options.options.get("demo_code") != data["code"]:
            raise WrongSecret("The demo code does not open this file.", location=str(path), field="demo_code",
                              hint="Check the code.")
        yield SourceRec(app="demo", account="me")
        yield ConversationRec(key="c1", title="Locked chat", kind=ConversationKind.DIRECT)
        for i, text in enumerate(data["messages"]):
            yield MessageRec(conversation_key="c1", ts=datetime(2024, 1, 1, 9, i, tzinfo=UTC), text=text,
                             sender_key="ann", sender_name="Ann", source_id=str(i))


@pytest.fixture
def locked_format(monkeypatch):
    monkeypatch.setattr(registry, "IMPORTERS", [*registry.IMPORTERS, _Locked])


def _export(tmp_path: Path) -> Path:
    p = tmp_path / "chat.lockedjson"
    p.write_text(json.dumps({"code": "424242", "messages": ["first", "second"]}), encoding="utf-8")
    return p


def _parser() -> argparse.ArgumentParser:
    from chatvault.cli import import_fields

    p = argparse.ArgumentParser()
    import_fields.register(p)
    return p


def test_a_wrong_secret_exits_3():
    assert WrongSecret("x").exit_code == EXIT_LOCKED == 3


def test_cli_takes_a_declared_field_from_a_file_or_the_environment_and_checks_it(
        locked_format, tmp_path, monkeypatch, capsys):
    from chatvault.cli import import_fields

    secret = tmp_path / "code.txt"
    secret.write_text("\ufeff424242\n", encoding="utf-8")
    assert import_fields.values(_parser().parse_args(["--demo-code-file", str(secret)])) == {"demo_code": "424242"}
    monkeypatch.setenv("CHATVAULT_DEMO_CODE", "131313")
    assert import_fields.values(_parser().parse_args([])) == {"demo_code": "131313"}
    # On the command line it works but warns that `ps` shows it.
    assert import_fields.values(_parser().parse_args(["--demo-code", "999999"])) == {"demo_code": "999999"}
    assert "ps" in capsys.readouterr().err
    with pytest.raises(UsageError, match="--demo-code: The code has 6 digits"):
        import_fields.values(_parser().parse_args(["--demo-code-file", str(secret), "--demo-code", "12"]))


def test_the_import_dialog_asks_for_a_declared_secret_and_tells_a_wrong_one_at_the_field(
        qtbot, vault, tmp_path, locked_format):
    from PySide6.QtCore import QSettings, Qt
    from PySide6.QtWidgets import QLabel, QLineEdit

    from chatvault.gui.main_window import MainWindow

    QSettings.setPath(QSettings.Format.IniFormat, QSettings.Scope.UserScope, str(tmp_path / "settings"))
    win = MainWindow(vault)
    qtbot.addWidget(win)
    win.show()
    dlg = win.imports.start_preview(_export(tmp_path))
    qtbot.waitUntil(lambda: dlg.pages.currentIndex() == 1, timeout=60_000)
    code = dlg.findChild(QLineEdit, "field_demo_code")
    error = dlg.findChild(QLabel, "field_demo_codeError")
    # Detected, asked for, hidden while typed, and the import cannot start without it.
    assert code.isVisibleTo(dlg) and code.echoMode() == QLineEdit.EchoMode.Password
    assert "demo app's settings" in dlg.findChild(QLabel, "field_demo_codeHelp").text()
    qtbot.waitUntil(lambda: error.isVisible(), timeout=30_000)
    assert "enter the demo code" in error.text()
    assert not dlg.start_button.isEnabled()
    # A value that cannot be right is told as it is typed.
    qtbot.keyClicks(code, "12")
    assert "6 digits" in error.text()
    # Well formed but wrong: told at the field once read, naming the file; what was typed is kept.
    code.clear()
    qtbot.keyClicks(code, "111111")
    qtbot.waitUntil(lambda: "does not open" in error.text(), timeout=30_000)
    assert "chat.lockedjson" in error.text() and code.text() == "111111"
    assert not dlg.start_button.isEnabled()
    code.clear()
    qtbot.keyClicks(code, "424242")
    qtbot.waitUntil(lambda: dlg.start_button.isEnabled(), timeout=30_000)
    with qtbot.waitSignal(win.imports.finished, timeout=60_000):
        qtbot.mouseClick(dlg.start_button, Qt.MouseButton.LeftButton)
    assert "Locked chat" in {c["display"] for c in win.chat_model.rows}
    win.close()


def test_every_declared_field_of_the_real_formats_has_the_apps_words():
    from chatvault.gui.dialogs import import_field_texts as FT

    missing = [name for name, (f, _formats) in registry.declared_fields().items() if not FT.has_text(f)]
    assert not missing, f"add label and help for {missing} to chatvault/gui/dialogs/import_field_texts.py"
