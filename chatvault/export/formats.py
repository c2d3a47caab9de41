"""The export formats by name → their entry point, imported only when used, and one way to run them.

The CLI (`chatvault export FORMAT`) and the app's Export dialog look formats up here, so a format
is wired by one line. Every entry point takes `(vault, selection, out, job, **options)` and returns
an `ExportReport`; `out` is a folder for html/json/csv/production and a file for pdf.

`run()` hands a format the options it takes: the front ends speak one vocabulary (`media`, `lang`,
`page_by`, `page_size`, `bom`, `overwrite`, `zip`, `custodians`, `tz`), and the formats' own names
for the same choice (`include_media`, `pictures`, `by`) are filled in from it; a keyword the entry
point does not take is not passed. A format that raises `Cancelled` and one that returns a report
saying `cancelled` look the same to the caller.
"""

from __future__ import annotations

import importlib
import inspect
import re
import shutil
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

from chatvault.errors import Cancelled
from chatvault.export.report import ExportReport


@dataclass(frozen=True)
class Format:
    name: str
    module: str                    # dotted module holding the entry point
    function: str
    out_is_file: bool              # True: `out` is a file path (pdf); False: a folder
    suffix: str = ""               # the file suffix when out_is_file
    bytes_per_message: int = 400   # for the size estimate before an export (from bench/export_*_bench.py)

    def entry(self) -> Callable[..., Any]:
        """The entry point, imported now (an ImportError names a format whose code is not here)."""
        return getattr(importlib.import_module(self.module), self.function)

    def available(self) -> bool:
        try:
            self.entry()
        except (ImportError, AttributeError):
            return False
        return True


FORMATS: dict[str, Format] = {
    "html": Format("html", "chatvault.export.html", "export_html", False, bytes_per_message=820),
    "pdf": Format("pdf", "chatvault.export.pdf", "export_pdf", True, ".pdf", bytes_per_message=1200),
    "json": Format("json", "chatvault.export.jsonfmt", "export_json", False, bytes_per_message=700),
    "csv": Format("csv", "chatvault.export.csvfmt", "export_csv", False, bytes_per_message=260),
    "production": Format("production", "chatvault.export.production", "produce", False, bytes_per_message=2000),
}

# One choice, the names formats give it.
_ALIASES = {"media": ("media", "include_media", "pictures"), "page_by": ("page_by", "by")}


def entry(name: str) -> Callable[..., Any]:
    return FORMATS[name].entry()


def verifier() -> Callable[..., Any]:
    """`verify_export(folder) -> VerifyResult` of the eDiscovery production."""
    return importlib.import_module("chatvault.export.production").verify_export


def kwargs_for(fn: Callable[..., Any], options: dict[str, Any]) -> dict[str, Any]:
    """The options `fn` takes, under its own names; None means "the format's default"."""
    params = inspect.signature(fn).parameters
    open_ended = any(p.kind is inspect.Parameter.VAR_KEYWORD for p in params.values())
    out: dict[str, Any] = {}
    for key, value in options.items():
        if value is None:
            continue
        for name in _ALIASES.get(key, (key,)):
            if name in params or (open_ended and name == key):
                out[name] = value
    return out


def run(name: str, vault: Any, selection: Any, out: Path, job: Any, options: dict[str, Any]) -> ExportReport:
    """Export `selection` as format `name` to `out`; a cancel comes back as `report.cancelled`.

    When `out` did not exist before, a cancelled or failed export removes it again: whatever the
    format left half-written is never presented as an export."""
    fn = entry(name)
    out = Path(out)
    fresh = not out.exists()
    try:
        report = fn(vault, selection, out, job, **kwargs_for(fn, options))
    except Cancelled:
        report = ExportReport(name, out, cancelled=True)
    except BaseException:
        if fresh:
            _remove(out)
        raise
    if report.cancelled and fresh:
        _remove(out)
    if not report.cancelled:
        _audit(vault, name, selection, report)
    return report


def _audit(vault: Any, name: str, selection: Any, report: ExportReport) -> None:
    """Every export and production is an audit-trail entry (docs/audit.md): what left the vault,
    where to, how much, its content hash, the selection, and who (the role that unlocked)."""
    from chatvault.compliance.roles import actor
    from chatvault.store import audit as audit_trail
    from chatvault.store.db import immediate

    detail = report.to_json() | {"selection": selection.describe() if hasattr(selection, "describe") else None}
    conn = vault.connect()
    try:
        with immediate(conn):
            audit_trail.append(conn, f"export.{name}", detail, actor(vault))
    finally:
        conn.close()


def _remove(path: Path) -> None:
    if path.is_dir():
        shutil.rmtree(path, ignore_errors=True)
    else:
        path.unlink(missing_ok=True)


def default_out(name: str, parent: Path, title: str | None = None, now: datetime | None = None) -> Path:
    """A new path under `parent` for an export: "ChatVault <title> 2024-03-05 1407" (+ ".pdf"),
    numbered when it exists, so an export never lands on top of an earlier one."""
    stamp = (now or datetime.now()).strftime("%Y-%m-%d %H%M")
    label = re.sub(r'[\x00-\x1f<>:"/\\|?*]', "_", (title or "").strip())[:60].strip(" .")
    base = f"ChatVault {label} {stamp}" if label else f"ChatVault export {stamp}"
    if name == "production":
        base += " production"
    suffix = FORMATS[name].suffix
    candidate = Path(parent) / f"{base}{suffix}"
    n = 2
    while candidate.exists():
        candidate = Path(parent) / f"{base} ({n}){suffix}"
        n += 1
    return candidate


def estimate_bytes(name: str, messages: int, media_bytes: int, media: bool) -> int:
    """About how many bytes an export of `messages` messages writes (media included when asked)."""
    return messages * FORMATS[name].bytes_per_message + (media_bytes if media else 0)
