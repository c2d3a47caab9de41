"""Architecture rules checked on every import statement (like qutebrowser's misc_checks).

The rules and the layers they keep apart are explained in docs/architecture.md; a failure here
names the file and the import that breaks one.
"""

from __future__ import annotations

import ast
import inspect
import re
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent / "chatvault"


def imports_of(path: Path) -> set[str]:
    """Every module `path` imports, absolute: `from chatvault import clock` gives both
    `chatvault` and `chatvault.clock`; relative imports are resolved against the file's package."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    package = ["chatvault", *path.relative_to(ROOT).parent.parts]
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(a.name for a in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                parent = package[: len(package) - node.level + 1]
                base = ".".join(parent + ([node.module] if node.module else []))
            names.add(base)
            names.update(f"{base}.{a.name}" for a in node.names if a.name != "*")
    return names


def offenders(folder: str, forbidden) -> list[str]:
    """`file: import` for every import under chatvault/`folder` that `forbidden(path, name)` refuses."""
    found = []
    for path in sorted((ROOT / folder).rglob("*.py")):
        found += [f"{path.relative_to(ROOT)}: {n}" for n in sorted(imports_of(path)) if forbidden(path, n)]
    return found


def _in(name: str, *packages: str) -> bool:
    return any(name == p or name.startswith(p + ".") for p in packages)


def test_qt_only_under_gui() -> None:
    found = []
    for path in ROOT.rglob("*.py"):
        rel = path.relative_to(ROOT)
        if rel.parts[0] == "gui":
            continue
        found += [f"{rel}: {n}" for n in imports_of(path) if n.split(".")[0] in ("PySide6", "shiboken6")]
    assert found == []


def test_importers_know_no_sql_or_vault() -> None:
    """Importers read a source and yield records; the vault's database is not theirs. The WeChat and
    Signal Desktop readers alone open SQLCipher: the apps' own encrypted databases (the source), never vault.db."""
    assert offenders("importers", lambda path, n: _in(
        n, "chatvault.store", "chatvault.vault", "chatvault.ingest", "chatvault.gui", "chatvault.cli")
        or (_in(n, "sqlcipher3") and not {"wechat", "signal_desktop"} & set(path.parts))) == []


def test_migrations_import_no_live_code() -> None:
    """A released step must mean the same forever: it may use its package's frozen helper
    (`chatvault/store/migrations/__init__.py`), nothing else of chatvault, and loads nothing by name."""
    assert offenders("store/migrations", lambda path, n: _in(n, "chatvault") and not (
        n == "chatvault" or _in(n, "chatvault.store.migrations")) or _in(n, "importlib")) == []
    helper = imports_of(ROOT / "store" / "migrations" / "__init__.py")
    assert not [n for n in helper if _in(n, "chatvault")]


def test_store_is_below_the_vault() -> None:
    """The direction chosen (docs/architecture.md): the vault opens its database through `store`,
    so `store` takes a path and a raw key and never imports the vault or anything built on it."""
    above = ("chatvault.vault", "chatvault.media", "chatvault.ingest", "chatvault.backup", "chatvault.watch",
             "chatvault.importers", "chatvault.check", "chatvault.cli", "chatvault.gui")
    assert offenders("store", lambda path, n: _in(n, *above)) == []


def test_search_sits_between_store_and_vault() -> None:
    """Opening a vault finishes the index rebuild migrations ask for, so `search` must not import
    the vault or anything above it (that would be a loop)."""
    above = ("chatvault.vault", "chatvault.media", "chatvault.ingest", "chatvault.backup", "chatvault.watch",
             "chatvault.importers", "chatvault.check", "chatvault.cli", "chatvault.gui")
    assert offenders("search", lambda path, n: _in(n, *above)) == []


def test_vault_uses_only_what_lies_below_it() -> None:
    """The vault sits on `store` and the search index it keeps in step with the schema; media,
    imports, backups, checks and the front ends are built on the vault, never under it."""
    above = ("chatvault.media", "chatvault.ingest", "chatvault.backup", "chatvault.watch", "chatvault.importers",
             "chatvault.check", "chatvault.cli", "chatvault.gui", "chatvault.search.api")
    assert offenders("vault", lambda path, n: _in(n, *above)) == []


# The layers of docs/architecture.md, bottom up: a module may import its own layer or any below.
LAYERS = {
    1: ("errors", "model", "clock", "faults", "fsutil", "paths", "hardening", "jobs", "checkreport"),
    2: ("store",),
    3: ("search",),
    4: ("vault",),
    5: ("media", "importers"),
    6: ("ingest", "backup", "watch", "check", "export", "compliance", "articles"),
    7: ("cli", "gui", "devtools", "__main__"),
}
LAYER_OF = {name: level for level, names in LAYERS.items() for name in names}


def test_imports_point_down_the_layers() -> None:
    """Every module and package of chatvault/ has a place in LAYERS, and no import points up."""
    found = []
    for path in sorted(ROOT.rglob("*.py")):
        rel = path.relative_to(ROOT)
        room = rel.parts[0].removesuffix(".py")
        if room == "__init__":
            continue
        if room not in LAYER_OF:
            found.append(f"{rel}: not placed in LAYERS (add it, and to docs/architecture.md)")
            continue
        for name in sorted(imports_of(path)):
            parts = name.split(".")
            if parts[0] != "chatvault" or len(parts) < 2 or parts[1] == room:
                continue
            target = parts[1]
            if not ((ROOT / target).is_dir() or (ROOT / f"{target}.py").is_file()):
                continue                              # an attribute: `from chatvault import __version__`
            if LAYER_OF.get(target, 99) > LAYER_OF[room]:
                found.append(f"{rel}: {name} (layer {LAYER_OF[room]} imports layer {LAYER_OF.get(target, '?')})")
    assert found == []


def test_cli_and_gui_do_not_import_each_other() -> None:
    assert offenders("cli", lambda path, n: _in(n, "chatvault.gui")) == []
    assert offenders("gui", lambda path, n: _in(n, "chatvault.cli")) == []


def test_every_check_of_the_core_is_listed() -> None:
    """`chatvault check` runs an explicit list: a check function written in a `check.py` of the core
    and left out of `CHECKS` would never run, so it fails here."""
    import importlib

    from chatvault.check import CHECKS

    missing = []
    for path in sorted(ROOT.glob("*/check.py")):
        module = importlib.import_module(f"chatvault.{path.parent.name}.check")
        for name, fn in inspect.getmembers(module, inspect.isfunction):
            if fn.__module__ == module.__name__ and name.startswith("check_") and fn not in CHECKS:
                missing.append(f"{module.__name__}.{name}")
    assert missing == []


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
