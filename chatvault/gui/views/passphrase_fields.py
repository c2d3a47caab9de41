"""Choosing a passphrase: the field, its repeat, a strength meter, and the knowing override of the
strength floor. Used when a vault is created and when a new passphrase is set after recovery."""

from __future__ import annotations

import os
from collections.abc import Callable

from PySide6.QtWidgets import QCheckBox, QFormLayout, QLabel, QLineEdit, QProgressBar, QVBoxLayout, QWidget

from chatvault.errors import ChatVaultError
from chatvault.vault.passphrase import MIN_SCORE, check_usable, normalize, strength


class PassphraseFields(QWidget):
    """`validated()` gives the passphrase to use, or None after putting the reason in `error`."""

    def __init__(self, error: QLabel, user_inputs: Callable[[], list[str]], parent=None) -> None:
        super().__init__(parent)
        self.error = error
        self._user_inputs = user_inputs
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        form = QFormLayout()
        self.passphrase = QLineEdit()
        self.passphrase.setEchoMode(QLineEdit.EchoMode.Password)
        self.passphrase.setAccessibleName(self.tr("Passphrase"))
        self.passphrase.textChanged.connect(self._update_strength)
        self.repeat = QLineEdit()
        self.repeat.setEchoMode(QLineEdit.EchoMode.Password)
        self.repeat.setAccessibleName(self.tr("Repeat passphrase"))
        self.strength = QProgressBar()
        self.strength.setObjectName("strengthMeter")
        self.strength.setRange(0, 4)
        self.strength.setTextVisible(False)
        self.strength.setFixedHeight(8)
        self.strength.setAccessibleName(self.tr("Passphrase strength"))
        self.strength_label = QLabel()
        self.strength_label.setObjectName("hintLabel")
        self.strength_label.setWordWrap(True)
        self.form = form
        form.addRow(self.tr("Passphrase"), self.passphrase)
        form.addRow("", self.strength)
        form.addRow("", self.strength_label)
        form.addRow(self.tr("Repeat"), self.repeat)
        layout.addLayout(form)
        # The floor can be overridden, knowingly: shown only for a usable passphrase below it, and
        # unticked again whenever the passphrase changes.
        self.weak_ok = QCheckBox(self.tr(
            "Use it anyway. I understand that anyone who gets a copy of the vault folder can try to guess "
            "a weak passphrase on their own computer, without limit."))
        self.weak_ok.setObjectName("weakPassphraseOverride")
        self.weak_ok.setStyleSheet("color: #c0392b")
        self.weak_ok.setVisible(False)
        layout.addWidget(self.weak_ok)
        self._update_strength("")

    def score(self) -> int:
        return strength(self.passphrase.text(), self._user_inputs()).score

    def _update_strength(self, text: str) -> None:
        names = [self.tr("Very weak"), self.tr("Weak"), self.tr("Fair"), self.tr("Strong"), self.tr("Very strong")]
        colours = ["#e5534b", "#e5534b", "#f0a500", "#2ea043", "#1a7f37"]
        self.weak_ok.setChecked(False)
        self.weak_ok.setVisible(False)
        if not text:
            self.strength.setValue(0)
            self.strength_label.setText(self.tr("Use four or more unrelated words; a sentence only you know works well."))
            return
        if not normalize(text):
            self.strength.setValue(0)
            self.strength_label.setText(self.tr("Only spaces: spaces around a passphrase are not part of it."))
            return
        score = strength(text, self._user_inputs()).score
        self.strength.setValue(score)
        self.strength.setStyleSheet(f"QProgressBar::chunk {{ background: {colours[score]}; }}")
        hint = self.tr("Strength: %1.").replace("%1", names[score])
        if score < MIN_SCORE:
            hint += " " + self.tr("Too easy to guess: add more words.")
        self.strength_label.setText(hint)

    def validated(self) -> str | None:
        text = self.passphrase.text()
        try:
            check_usable(text)
        except ChatVaultError:
            self.weak_ok.setVisible(False)
            if not text:
                self.error.setText(self.tr("Choose a passphrase."))
            elif not normalize(text):
                self.error.setText(self.tr("A passphrase of only spaces is not a passphrase: spaces around it "
                                           "are ignored. Choose a passphrase of several words."))
            else:
                self.error.setText(self.tr("The passphrase holds a control character, which cannot be typed "
                                           "the same way twice. Use letters, digits, punctuation and spaces."))
            return None
        if self.score() < MIN_SCORE and not self.weak_ok.isChecked():
            self.weak_ok.setVisible(True)
            self.error.setText(self.tr("This passphrase is too easy to guess. Add a few more unrelated words, "
                                       "or tick “Use it anyway” if you accept the risk."))
            return None
        if normalize(text) != normalize(self.repeat.text()):
            self.error.setText(self.tr("The two passphrases differ. Type the same passphrase twice."))
            return None
        return text

    def clear(self) -> None:
        self.passphrase.clear()
        self.repeat.clear()


def default_user_inputs(*paths: str) -> list[str]:
    """Words an attacker tries first: the app's name, folder names, the user name."""
    return ["chatvault", *paths, os.environ.get("USER") or os.environ.get("USERNAME") or ""]
