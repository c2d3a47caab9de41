"""The disk fills up during an import, at a chosen moment; then space comes back. Run as a child
process (`python -m tests.diskfull_harness SPEC.json`): the "full disk" is this process's
RLIMIT_FSIZE (`chatvault.faults.fill_disk`), which needs no mount and no privilege.

Each case copies a template vault, arms one fault (`CHATVAULT_FAULT` syntax, with `last` for the
last hit a clean run makes and `fsize=db+N` for "N bytes past vault.db's size", `fsize=data+N` for N bytes past its data
(its size less an empty vault's: independent of how many tables the schema has)), unlocks and
imports, and records the error. Then the limit is lifted (space is back) and the case records
what a user would see: the messages in the vault, the commits the failed import acknowledged,
`check`, whether vault.db is whole pages, and a second import of the same export.
"""

from __future__ import annotations

import json
import os
import resource
import shutil
import signal
import sys
from pathlib import Path
from typing import Any

from chatvault import faults
from chatvault.errors import ChatVaultError
from chatvault.importers.base import ImportOptions
from chatvault.ingest import writer
from chatvault.ingest.engine import run_import
from chatvault.vault.vault import open_vault

OPTIONS = ImportOptions(options={"tz": "UTC"})
_counting: dict[str, int] | None = None
_acked: list[int] = []


def _instrument() -> None:
    """Count fault-point hits (to resolve `last`) and record the added-count at each acknowledged COMMIT."""
    original_hit, original_commit = faults.hit, writer.Writer.commit

    def hit(name: str) -> None:
        if _counting is not None:
            _counting[name] = _counting.get(name, 0) + 1
        original_hit(name)

    def commit(self: Any, *args: Any, **kwargs: Any) -> None:
        was = self.in_tx
        original_commit(self, *args, **kwargs)
        if was:
            _acked.append(self.report.added)

    faults.hit = hit
    writer.Writer.commit = commit


def _lift() -> None:
    _soft, hard = resource.getrlimit(resource.RLIMIT_FSIZE)
    resource.setrlimit(resource.RLIMIT_FSIZE, (hard, hard))
    os.environ.pop("CHATVAULT_FAULT", None)
    faults.reset()


def _state(vault_path: Path, passphrase: str) -> dict[str, Any]:
    from chatvault.check import run_checks

    v = open_vault(vault_path, passphrase)
    try:
        report = run_checks(v)
        conn = v.connect(readonly=True)
        try:
            messages = conn.execute("SELECT count(*) FROM messages").fetchone()[0]
            dups = conn.execute("SELECT count(*) - count(DISTINCT conversation_id || ':' || source_key) "
                                "FROM messages").fetchone()[0]
            page = int(conn.execute("PRAGMA page_size").fetchone()[0])
        finally:
            conn.close()
        errors = [p.message for p in report.problems if p.severity == "error" and not p.repaired]
        size = v.db_path.stat().st_size
        return {"messages": messages, "dups": dups, "check_errors": errors, "whole_pages": size % page == 0}
    finally:
        v.lock()


def _empty_size() -> int:
    """vault.db's size in a new, empty vault: what the schema alone takes (it grows with every step)."""
    import tempfile

    from chatvault.vault.vault import create_vault

    with tempfile.TemporaryDirectory() as d:
        v, _rk = create_vault(Path(d) / "empty", "an empty vault's passphrase, long enough")
        try:
            conn = v.connect()
            conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
            conn.close()
            return v.db_path.stat().st_size
        finally:
            v.lock()


def _resolve(fault: str, counts: dict[str, int], db_size: int) -> str:
    items = []
    for item in fault.split(","):
        name, n, action = item.split(":")
        n = str(counts.get(name, 0) + int(n[4:] or 0)) if n.startswith("last") else n
        if action.startswith("fsize=db+"):
            action = f"fsize={db_size + int(action[9:])}"
        elif action.startswith("fsize=data+"):     # past the data vault.db holds beyond an empty vault's
            action = f"fsize={db_size - _empty_size() + int(action[11:])}"
        items.append(f"{name}:{n}:{action}")
    return ",".join(items)


def run_case(case: dict[str, Any], spec: dict[str, Any], counts: dict[str, int]) -> dict[str, Any]:
    template = Path(case.get("template") or spec["template"])
    vault_path = Path(spec["workdir"]) / case["name"]
    shutil.copytree(template, vault_path)
    before = _state(vault_path, spec["passphrase"])["messages"] if case.get("template") else spec["messages"]
    fault = _resolve(case["fault"], counts, (template / "vault.db").stat().st_size)
    _acked.clear()
    os.environ["CHATVAULT_FAULT"] = fault
    faults.reset()
    error = outcome = None
    try:
        v = open_vault(vault_path, spec["passphrase"])
        try:
            outcome = run_import(v, Path(spec["export"]), options=OPTIONS).outcome
        finally:
            v.lock()
    except ChatVaultError as exc:
        error = {"code": exc.code, "message": exc.message}
    except Exception as exc:  # noqa: BLE001 - the case records a bug instead of stopping the others
        error = {"code": "BUG", "message": f"{type(exc).__name__}: {exc}"}
    finally:
        _lift()                                  # space is back
    db = (vault_path / "vault.db").read_bytes()
    page1 = (template / "vault.db").read_bytes()[:16384]
    result = {"name": case["name"], "fault": fault, "error": error, "outcome": outcome, "before": before,
              "acked": list(_acked), "tail": len(db) % 16384,
              "page1_torn": db[:4096] != page1[:4096] and db[4096:16384] == page1[4096:16384]}
    try:
        result["after"] = _state(vault_path, spec["passphrase"])
        v = open_vault(vault_path, spec["passphrase"])
        try:
            result["again"] = run_import(v, Path(spec["export"]), options=OPTIONS).outcome
        finally:
            v.lock()
        result["final"] = _state(vault_path, spec["passphrase"])
    except Exception as exc:  # noqa: BLE001 - recorded: the vault did not come back
        import traceback

        result["recovery_failed"] = f"{type(exc).__name__}: {exc}\n{traceback.format_exc()}"
    shutil.rmtree(vault_path)
    return result


def main(spec_path: str) -> None:
    global _counting
    signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
    spec = json.loads(Path(spec_path).read_text())
    _instrument()
    # A clean run on a copy: how often each fault point is hit (for `last`) and the final count.
    clean = Path(spec["workdir"]) / "clean"
    shutil.copytree(spec["template"], clean)
    _counting = {}
    v = open_vault(clean, spec["passphrase"])
    try:
        run_import(v, Path(spec["export"]), options=OPTIONS)
    finally:
        v.lock()
    counts, _counting = _counting, None
    results = [run_case(case, spec, counts) for case in spec["cases"]]
    print(json.dumps({"counts": counts, "clean": _state(clean, spec["passphrase"]), "results": results}))


if __name__ == "__main__":
    main(sys.argv[1])
