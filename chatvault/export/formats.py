"""The export formats by name → their entry point, imported only when used.

The CLI (`chatvault export FORMAT`) and the app's Export dialog look formats up here, so a format
is wired by one line. Every entry point takes `(vault, selection, out, job, **options)` and returns
an `ExportReport`; `out` is a folder for html/json/csv/production and a file for pdf.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class Format:
    name: str
    module: str                    # dotted module holding the entry point
    function: str
    out_is_file: bool              # True: `out` is a file path (pdf); False: a folder
    suffix: str = ""               # the file suffix when out_is_file

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
    "html": Format("html", "chatvault.export.html", "export_html", False),
    "pdf": Format("pdf", "chatvault.export.pdf", "export_pdf", True, ".pdf"),
    "json": Format("json", "chatvault.export.jsonfmt", "export_json", False),
    "csv": Format("csv", "chatvault.export.csvfmt", "export_csv", False),
    "production": Format("production", "chatvault.export.production", "produce", False),
}


def entry(name: str) -> Callable[..., Any]:
    return FORMATS[name].entry()


def verifier() -> Callable[..., Any]:
    """`verify_export(folder) -> VerifyResult` of the eDiscovery production."""
    return importlib.import_module("chatvault.export.production").verify_export
