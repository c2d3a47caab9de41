"""Architecture rules checked on every import statement (like qutebrowser's misc_checks)."""

from __future__ import annotations

import ast
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


def test_core_import_does_not_load_qt() -> None:
    import subprocess
    import sys

    code = ("import sys, chatvault.cli, chatvault.vault, chatvault.store, chatvault.check; "
            "print('PySide6' in sys.modules)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "False"
