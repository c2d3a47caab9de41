"""Architecture rules checked on every import statement (like qutebrowser's misc_checks)."""

from __future__ import annotations

import ast
import re
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent / "chatvault"


def imports_of(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(a.name for a in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module)
    return names


def test_qt_only_under_gui() -> None:
    offenders = []
    for path in ROOT.rglob("*.py"):
        rel = path.relative_to(ROOT)
        if rel.parts[0] == "gui":
            continue
        if any(n.split(".")[0] in ("PySide6", "shiboken6") for n in imports_of(path)):
            offenders.append(str(rel))
    assert offenders == []


def test_importers_know_no_sql_or_vault() -> None:
    offenders = []
    for path in (ROOT / "importers").rglob("*.py"):
        for name in imports_of(path):
            if name.startswith(("chatvault.store", "chatvault.vault", "chatvault.ingest", "chatvault.gui")) or (
                name == "sqlcipher3" and "wechat" not in path.parts
            ):
                offenders.append(f"{path.relative_to(ROOT)}: {name}")
    assert offenders == []


def test_cli_and_gui_do_not_import_each_other() -> None:
    for front, other in (("cli", "chatvault.gui"), ("gui", "chatvault.cli")):
        for path in (ROOT / front).rglob("*.py"):
            assert not any(n.startswith(other) for n in imports_of(path)), path


SQL_TEXT = re.compile(r"\b(SELECT|INSERT\s+INTO|UPDATE\s+\w+\s+SET|DELETE\s+FROM|PRAGMA|CREATE|BEGIN\s+IMMEDIATE|"
                      r"COMMIT|ROLLBACK)\b")


def string_literals(path: Path) -> list[tuple[int, str]]:
    """Every string constant in a module, f-string parts included, with its line."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    return [(n.lineno, n.value) for n in ast.walk(tree) if isinstance(n, ast.Constant) and isinstance(n.value, str)]


def test_gui_holds_no_sql_text() -> None:
    """The GUI reads through `store.queries` and the core's services: no SQL in any string under gui/."""
    offenders = [f"{path.relative_to(ROOT)}:{line}: {text[:60]!r}"
                 for path in (ROOT / "gui").rglob("*.py") for line, text in string_literals(path)
                 if SQL_TEXT.search(text)]
    assert offenders == []


def test_sql_rule_catches_sql() -> None:
    assert SQL_TEXT.search("SELECT id FROM conversations") and SQL_TEXT.search("UPDATE t SET a = 1")
    assert SQL_TEXT.search("pragma".upper()) and SQL_TEXT.search("DELETE FROM blobs")
    assert not SQL_TEXT.search("Select a missing file in the list first.")
    assert not SQL_TEXT.search("Create vault") and not SQL_TEXT.search("Update available")


def test_gui_derives_no_keys() -> None:
    """Connections come from `Vault.connect()`: the GUI never handles key material itself."""
    offenders = [str(path.relative_to(ROOT)) for path in (ROOT / "gui").rglob("*.py")
                 if "chatvault.vault.keys" in imports_of(path) or "derive_key(" in path.read_text(encoding="utf-8")]
    assert offenders == []


def test_the_app_does_not_import_devtools() -> None:
    """The demo archive and the screenshot tool are for developers: no app module imports them."""
    offenders = []
    for path in ROOT.rglob("*.py"):
        rel = path.relative_to(ROOT)
        if "devtools" in rel.parts:
            continue
        offenders += [f"{rel}: {n}" for n in imports_of(path) if "devtools" in n.split(".")]
    assert offenders == []


def test_core_import_does_not_load_qt() -> None:
    import subprocess
    import sys

    code = ("import sys, chatvault.cli, chatvault.vault, chatvault.store, chatvault.check; "
            "print('PySide6' in sys.modules)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "False"
