"""Settings → Articles: turning fetching on (with what it fetches, said where it is turned on), its
pace, automatic re-checks, and "Fetch and check now" (a job with progress and cancel)."""

from __future__ import annotations

from typing import Any

from PySide6.QtWidgets import (
    QCheckBox,
    QDialog,
    QDialogButtonBox,
    QDoubleSpinBox,
    QFormLayout,
    QGroupBox,
    QLabel,
    QProgressBar,
    QPushButton,
    QSpinBox,
    QVBoxLayout,
)

from chatvault.articles import consent, db, jobs
from chatvault.articles.net import DEFAULT_TIMEOUT, MAX_IMAGE, MAX_PAGE
from chatvault.articles.urls import ARTICLE_HOSTS
from chatvault.errors import ChatVaultError
from chatvault.gui.apptext import error_text
from chatvault.gui.ops import Op


def _read(vault: Any) -> tuple[db.NetworkSettings, dict[str, int]]:
    conn = vault.connect(readonly=True)
    try:
        return db.network_settings(conn), db.counts(conn)
    finally:
        conn.close()


class ArticlesSection(QGroupBox):
    """The section in the Settings dialog (shown when a vault is open)."""

    def __init__(self, vault: Any, parent=None) -> None:
        super().__init__(parent)
        self.setObjectName("articlesSettings")
        self.vault = vault
        self.setTitle(self.tr("Articles"))
        settings, counts = _read(vault)
        layout = QVBoxLayout(self)
        self.enable = QCheckBox(self.tr("Save copies of shared articles: fetch them from the internet"))
        self.enable.setObjectName("articlesFetchEnabled")
        self.enable.setChecked(settings.allowed)
        self.statement = QLabel()
        self.statement.setObjectName("articlesStatement")
        self.statement.setWordWrap(True)
        form = QFormLayout()
        self.interval = QDoubleSpinBox()
        self.interval.setObjectName("articlesInterval")
        self.interval.setRange(0.5, 60.0)
        self.interval.setSingleStep(0.5)
        self.interval.setSuffix(self.tr(" s"))
        self.interval.setValue(settings.interval)
        self.recheck = QSpinBox()
        self.recheck.setObjectName("articlesRecheck")
        self.recheck.setRange(0, 3650)
        self.recheck.setSpecialValueText(self.tr("Only when I ask"))
        self.recheck.setSuffix(self.tr(" days"))
        self.recheck.setValue(settings.recheck_days)
        form.addRow(self.tr("Wait between two requests to one site"), self.interval)
        form.addRow(self.tr("Check saved articles again every"), self.recheck)
        self.summary = QLabel(self.tr("%1 articles linked from messages, %2 saved, %3 deleted or blocked at the source.")
                              .replace("%1", str(counts["articles"])).replace("%2", str(counts["saved"]))
                              .replace("%3", str(counts["deleted"] + counts["blocked"])))
        self.summary.setObjectName("articlesSummary")
        self.summary.setWordWrap(True)
        self.fetch_now = QPushButton(self.tr("Fetch and check now…"))
        self.fetch_now.setObjectName("articlesFetchNow")
        self.fetch_now.clicked.connect(self.run_now)
        for w in (self.enable, self.statement):
            layout.addWidget(w)
        layout.addLayout(form)
        layout.addWidget(self.summary)
        layout.addWidget(self.fetch_now)
        self.enable.toggled.connect(self._update)
        self.interval.valueChanged.connect(self._update)
        self._update()
        self.job_dialog: ArticlesJobDialog | None = None

    def _update(self) -> None:
        on = self.enable.isChecked()
        self.statement.setText(self.tr(
            "When this is on, ChatVault fetches each article linked in this vault's messages (chats, Moments, "
            "Favorites) once, only from these sites: %1 — and the pictures inside those articles from the "
            "article's own picture servers. At most one request every %2 s to each site, each limited to %3 s and "
            "%4 MiB (%5 MiB per picture), naming ChatVault as the program and sending no cookies. Copies are stored "
            "encrypted in the vault. “Check again” asks the same pages whether they still exist. Nothing else in "
            "ChatVault uses the internet (backups go only where you set them up). Off: nothing is fetched.")
            .replace("%1", ", ".join(ARTICLE_HOSTS)).replace("%2", f"{self.interval.value():g}")
            .replace("%3", f"{DEFAULT_TIMEOUT:g}").replace("%4", str(MAX_PAGE >> 20)).replace("%5", str(MAX_IMAGE >> 20)))
        for w in (self.interval, self.recheck, self.fetch_now):
            w.setEnabled(on)

    def settings(self) -> db.NetworkSettings:
        return db.NetworkSettings(self.enable.isChecked(), float(self.interval.value()), int(self.recheck.value()))

    def save(self) -> bool:
        """Store the choice in the vault (so the command line honours it too); False (and why, shown
        in the section) when the vault could not take it."""
        try:
            jobs.save_settings(self.vault, self.settings())
        except ChatVaultError as exc:
            self.summary.setText(error_text(exc))
            return False
        return True

    def run_now(self) -> None:
        if not self.save():
            return
        self.job_dialog = ArticlesJobDialog(self.vault, self)
        self.job_dialog.open()


class ArticlesJobDialog(QDialog):
    """Fetches what has no copy yet and re-checks what is due, with progress and Cancel."""

    def __init__(self, vault: Any, parent=None, *, check_ids: list[int] | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("articlesJob")
        self.setWindowTitle(self.tr("Saving articles"))
        self.setMinimumWidth(460)
        layout = QVBoxLayout(self)
        self.label = QLabel(self.tr("Starting…"))
        self.label.setObjectName("articlesJobStatus")
        self.label.setWordWrap(True)
        self.bar = QProgressBar()
        self.bar.setRange(0, 0)
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Cancel)
        self.buttons.rejected.connect(self._cancel)
        for w in (self.label, self.bar, self.buttons):
            layout.addWidget(w)
        self.result_ = None

        def job(ctx):
            settings, _counts = _read(vault)
            return jobs.run(vault, consent.fetcher(settings, allow=False), ctx, fetch=check_ids is None,
                            check_ids=check_ids, recheck_days=settings.recheck_days)

        self.op = Op(job, self)
        self.op.progress.connect(self._progress)
        self.op.finished.connect(self._finished)
        self.op.failed.connect(lambda exc: self._end(error_text(exc)))
        self.op.cancelled.connect(lambda: self._end(self.tr("Stopped. What was saved stays.")))
        self.op.start()

    def _progress(self, p: Any) -> None:
        if p.items_total:
            self.bar.setRange(0, p.items_total)
            self.bar.setValue(p.items_done)
            self.label.setText(self.tr("Article %1 of %2").replace("%1", str(min(p.items_done + 1, p.items_total)))
                               .replace("%2", str(p.items_total)))

    def _finished(self, out: Any) -> None:
        self.result_ = out
        text = self.tr("%1 saved, %2 checked, %3 could not be saved.").replace("%1", str(len(out.fetched))).replace(
            "%2", str(len(out.checked))).replace("%3", str(len(out.failed)))
        if out.cancelled:
            text = self.tr("Stopped. What was saved stays.") + " " + text
        self._end(text)

    def _end(self, text: str) -> None:
        self.label.setText(text)
        self.bar.setRange(0, 1)
        self.bar.setValue(1)
        self.buttons.setStandardButtons(QDialogButtonBox.StandardButton.Close)

    def _cancel(self) -> None:
        if self.op.running:
            self.op.cancel()
            self.label.setText(self.tr("Stopping after the current request…"))
            return
        self.reject()
