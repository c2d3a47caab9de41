"""Settings: theme, language, font size, idle lock, success notifications."""

from __future__ import annotations

from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QPushButton,
    QSpinBox,
    QVBoxLayout,
)

from chatvault.gui import i18n, prefs, theme


class SettingsDialog(QDialog):
    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        self.setObjectName("settingsDialog")
        self.setWindowTitle(self.tr("Settings"))
        layout = QVBoxLayout(self)
        form = QFormLayout()
        self.theme = QComboBox()
        self.theme.addItem(self.tr("Follow the system"), "system")
        self.theme.addItem(self.tr("Light"), "light")
        self.theme.addItem(self.tr("Dark"), "dark")
        self.theme.setCurrentIndex(max(0, self.theme.findData(prefs.get("theme"))))
        self.language = QComboBox()
        self.language.addItem(self.tr("System language"), "system")
        for code, name in i18n.LANGUAGES.items():
            self.language.addItem(name, code)
        self.language.setCurrentIndex(max(0, self.language.findData(prefs.get("language"))))
        self.font_size = QSpinBox()
        self.font_size.setRange(0, 24)
        self.font_size.setSpecialValueText(self.tr("System size"))
        self.font_size.setSuffix(" pt")
        self.font_size.setValue(prefs.get("font_size"))
        self.idle = QSpinBox()
        self.idle.setRange(0, 240)
        self.idle.setSpecialValueText(self.tr("Never"))
        self.idle.setSuffix(self.tr(" min"))
        self.idle.setValue(prefs.get("idle_lock_minutes"))
        self.screen_lock = QCheckBox(self.tr("Lock when the session's screen is locked"))
        self.screen_lock.setChecked(prefs.get("lock_on_screen_lock"))
        self.notify_success = QCheckBox(self.tr("Also notify when a backup succeeds"))
        self.notify_success.setChecked(prefs.get("notify_success"))
        form.addRow(self.tr("Theme"), self.theme)
        form.addRow(self.tr("Language"), self.language)
        form.addRow(self.tr("Font size"), self.font_size)
        form.addRow(self.tr("Lock after this long without keyboard or mouse activity"), self.idle)
        form.addRow("", self.screen_lock)
        form.addRow("", self.notify_success)
        for label, widget in ((self.tr("Theme"), self.theme), (self.tr("Language"), self.language),
                              (self.tr("Font size"), self.font_size), (self.tr("Idle lock"), self.idle)):
            widget.setAccessibleName(label)
        layout.addLayout(form)
        self._add_security(form)
        self.articles = self._add_articles(layout)
        note = QLabel(self.tr("Ctrl+L locks at any time. Locking closes the database and forgets the key."))
        note.setObjectName("hintLabel")
        note.setWordWrap(True)
        layout.addWidget(note)
        self.passphrase_note = QLabel()
        self.passphrase_note.setObjectName("passphraseChanged")
        self.passphrase_note.setWordWrap(True)
        layout.addWidget(self.passphrase_note)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        buttons.accepted.connect(self.apply)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)

    def _add_security(self, form: QFormLayout) -> None:
        """"Change passphrase…", for the vault open in the window that opened Settings."""
        self.change_passphrase_button = QPushButton(self.tr("Change passphrase…"))
        self.change_passphrase_button.setObjectName("changePassphraseButton")
        self.change_passphrase_button.clicked.connect(self.change_passphrase)
        vault = getattr(self.parent(), "vault", None)
        owner = vault is not None and getattr(vault, "role", "owner") == "owner"
        self.change_passphrase_button.setEnabled(owner)
        if vault is not None and not owner:        # unlocked as the compliance officer
            self.change_passphrase_button.setToolTip(self.tr("Only the owner changes the vault's passphrase."))
        form.addRow(self.tr("Security"), self.change_passphrase_button)

    def _add_articles(self, layout: QVBoxLayout):
        """Settings → Articles (chatvault/gui/articles/settings.py), for the open vault's owner."""
        vault = getattr(self.parent(), "vault", None)
        if vault is None or getattr(vault, "role", "owner") != "owner":
            return None
        from chatvault.gui.articles.settings import ArticlesSection

        section = ArticlesSection(vault, self)
        layout.addWidget(section)
        return section

    def change_passphrase(self) -> None:
        from chatvault.gui.dialogs.change_passphrase import ChangePassphraseDialog

        vault = getattr(self.parent(), "vault", None)
        if vault is None:
            return
        self.passphrase_dialog = ChangePassphraseDialog(vault, self)
        self.passphrase_dialog.accepted.connect(lambda: self.passphrase_note.setText(
            self.tr("The passphrase was changed. Use the new one from now on.")))
        self.passphrase_dialog.open()

    def apply(self) -> None:
        if self.articles is not None and not self.articles.save():
            return
        prefs.put("theme", self.theme.currentData())
        prefs.put("language", self.language.currentData())
        prefs.put("font_size", self.font_size.value())
        prefs.put("idle_lock_minutes", self.idle.value())
        prefs.put("notify_success", self.notify_success.isChecked())
        prefs.put("lock_on_screen_lock", self.screen_lock.isChecked())
        theme.apply(self.theme.currentData())
        theme.setup_fonts(self.font_size.value() or None)
        i18n.set_language(self.language.currentData())
        self.accept()
