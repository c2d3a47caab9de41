"""The eDiscovery production's own choices in the Export dialog: custodians, who produces it (named
in the chain-of-custody record), one zip or a folder, the HTML/PDF review copies; and "Verify a
production…", which rechecks every hash of an earlier production off the UI thread and names
what changed, went missing or was added."""

from __future__ import annotations

import getpass
import re
from pathlib import Path
from typing import Any

from PySide6.QtWidgets import QCheckBox, QFileDialog, QFormLayout, QLineEdit, QWidget

from chatvault.export import formats
from chatvault.gui.dialogs.common import button, wrapped
from chatvault.gui.ops import Op

_SPLIT = re.compile(r"[,;，；\n]+")


def _os_user() -> str:
    try:
        return getpass.getuser()
    except (OSError, KeyError, ImportError):
        return ""


class ProductionOptions(QWidget):
    """Shown by the Export dialog when the format is "eDiscovery production"."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("productionOptions")
        form = QFormLayout(self)
        form.setContentsMargins(0, 0, 0, 0)
        self.custodians = QLineEdit()
        self.custodians.setObjectName("productionCustodians")
        self.custodians.setPlaceholderText(self.tr("Names, separated by commas (empty: as selected)"))
        form.addRow(self.tr("Custodians"), self.custodians)
        self.operator = QLineEdit()
        self.operator.setObjectName("productionOperator")
        self.operator.setPlaceholderText(self.tr("Your name (default: %1)").replace("%1", _os_user() or "—"))
        form.addRow(self.tr("Produced by"), self.operator)
        self.review = QCheckBox(self.tr("HTML and PDF copies for review"))
        self.review.setChecked(True)
        form.addRow("", self.review)
        self.zip = QCheckBox(self.tr("One zip file (with its SHA-256 beside it)"))
        form.addRow("", self.zip)
        self.verify_button = button(self.tr("Verify a production…"), self.choose_and_verify)
        self.verify_button.setObjectName("verifyProductionButton")
        form.addRow("", self.verify_button)
        self.result = wrapped("", "productionVerifyResult")
        form.addRow("", self.result)
        self.verify_op: Op | None = None
        self.verified: Any = None

    def options(self) -> dict[str, Any]:
        """The production's keywords for `export.formats.run`."""
        names = [n.strip() for n in _SPLIT.split(self.custodians.text()) if n.strip()]
        review = self.review.isChecked()
        return {"custodians": names or None, "operator": self.operator.text().strip() or None,
                "zip": self.zip.isChecked(), "include_html": review, "include_pdf": review}

    # --- verify ------------------------------------------------------------------------------
    def choose_and_verify(self) -> None:
        """Pick a production: its manifest.json (a folder production) or its .zip."""
        chosen, _filter = QFileDialog.getOpenFileName(
            self, self.tr("Choose the production's manifest.json or its zip file"), "",
            self.tr("Productions (manifest.json *.zip)"))
        if chosen:
            path = Path(chosen)
            self.verify(path.parent if path.name == "manifest.json" else path)

    def verify(self, path: Path) -> None:
        """Recheck `path` off the UI thread; the result shows below the button."""
        self.verified = None
        self.result.setText(self.tr("Checking every file of %1…").replace("%1", str(path)))
        self.verify_button.setEnabled(False)
        check = formats.verifier()
        op = Op(lambda ctx: check(path), self)
        op.finished.connect(self._verified)
        op.failed.connect(lambda exc: self._show_failure(getattr(exc, "message", None) or str(exc)))
        op.ended.connect(op.deleteLater)
        self.verify_op = op
        op.start()

    def _verified(self, result: Any) -> None:
        self.verify_button.setEnabled(True)
        self.verified = result
        if result.ok:
            self.result.setText(self.tr("Verified: all %1 files match the production's manifest.")
                                .replace("%1", f"{result.checked:,}"))
            return
        lines = [self.tr("Changed: %1").replace("%1", p) for p in result.changed]
        lines += [self.tr("Missing: %1").replace("%1", p) for p in result.missing]
        lines += [self.tr("Added: %1").replace("%1", p) for p in result.added]
        lines += list(result.problems)
        shown = lines[:12] + ([self.tr("… and %1 more").replace("%1", str(len(lines) - 12))] if len(lines) > 12 else [])
        self.result.setText("\n".join([self.tr("This production does NOT match its manifest:")] + shown))

    def _show_failure(self, message: str) -> None:
        self.verify_button.setEnabled(True)
        self.result.setText(self.tr("Could not verify: %1").replace("%1", message))
