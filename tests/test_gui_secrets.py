"""The create-vault dialog's strength floor with its knowing override, and the unlock dialog with
other forms of the passphrase and a damaged header (real widgets, real vaults)."""

from __future__ import annotations

import unicodedata
from pathlib import Path

from PySide6.QtCore import Qt

WEAK = "Zoë 2024"                 # usable, but zxcvbn puts it far below 10^8 guesses
STRONG = "café Zoë walks the lantern fjord"


def test_create_dialog_floor_and_knowing_override(qtbot, tmp_path: Path) -> None:
    from chatvault.gui.dialogs.create_vault import CreateVaultDialog
    from chatvault.vault.vault import open_vault

    path = tmp_path / "weakvault"
    dlg = CreateVaultDialog(path)
    qtbot.addWidget(dlg)
    dlg.show()
    # only spaces: refused, and no override is offered for it
    qtbot.keyClicks(dlg.passphrase, "   ")
    dlg.repeat.setText("   ")
    qtbot.mouseClick(dlg.create_button, Qt.MouseButton.LeftButton)
    assert "only spaces" in dlg.error.text() and not dlg.weak_ok.isVisible() and not path.exists()
    # a weak one: refused, the override appears with its warning
    dlg.passphrase.setText(WEAK)
    dlg.repeat.setText(WEAK)
    assert "Too easy" in dlg.strength_label.text()
    qtbot.mouseClick(dlg.create_button, Qt.MouseButton.LeftButton)
    assert "too easy to guess" in dlg.error.text() and not path.exists()
    assert dlg.weak_ok.isVisible() and not dlg.weak_ok.isChecked()
    assert "without limit" in dlg.weak_ok.text()
    # changing the passphrase takes the tick away again: the override is for one passphrase
    dlg.weak_ok.setChecked(True)
    dlg.passphrase.setText(WEAK + "!")
    assert not dlg.weak_ok.isChecked() and not dlg.weak_ok.isVisible()
    dlg.passphrase.setText(WEAK)
    qtbot.mouseClick(dlg.create_button, Qt.MouseButton.LeftButton)
    assert not path.exists()
    qtbot.mouseClick(dlg.weak_ok, Qt.MouseButton.LeftButton)          # the user ticks it knowingly
    assert dlg.weak_ok.isChecked()
    # typed as NFD the second time (another input method): the same passphrase
    dlg.repeat.setText(unicodedata.normalize("NFD", WEAK))
    qtbot.mouseClick(dlg.create_button, Qt.MouseButton.LeftButton)
    assert dlg.pages.currentIndex() == 1 and dlg.vault is not None, dlg.error.text()
    dlg.vault.lock()
    open_vault(path, unicodedata.normalize("NFD", WEAK) + "\n").lock()


def test_create_dialog_strong_passphrase_needs_no_override(qtbot, tmp_path: Path) -> None:
    from chatvault.gui.dialogs.create_vault import CreateVaultDialog

    dlg = CreateVaultDialog(tmp_path / "v")
    qtbot.addWidget(dlg)
    dlg.show()
    dlg.passphrase.setText(STRONG)
    dlg.repeat.setText(STRONG)
    qtbot.mouseClick(dlg.create_button, Qt.MouseButton.LeftButton)
    assert not dlg.weak_ok.isVisible() and dlg.pages.currentIndex() == 1
    dlg.vault.lock()


def test_unlock_dialog_accepts_nfd_and_names_header_damage(qtbot, tmp_path: Path) -> None:
    from chatvault.gui.dialogs.unlock import UnlockDialog
    from chatvault.vault.header import BACKUP_NAME, HEADER_NAME
    from chatvault.vault.vault import create_vault

    v, _ = create_vault(tmp_path / "v", STRONG)
    v.lock()
    dialog = UnlockDialog(v.path)
    qtbot.addWidget(dialog)
    dialog.passphrase.setText(unicodedata.normalize("NFD", STRONG) + " ")
    with qtbot.waitSignal(dialog.unlock_finished, timeout=30_000) as sig:
        dialog.unlock()
    assert sig.args == [True], dialog.error.text()
    dialog.vault.lock()
    # vault.json and its copy damaged: a header message, not "wrong passphrase"
    for name in (HEADER_NAME, BACKUP_NAME):
        data = bytearray((v.path / name).read_bytes())
        data[len(data) // 2] ^= 0x01
        (v.path / name).write_bytes(bytes(data))
    dialog = UnlockDialog(v.path)
    qtbot.addWidget(dialog)
    dialog.passphrase.setText(STRONG)
    with qtbot.waitSignal(dialog.unlock_finished, timeout=30_000) as sig:
        dialog.unlock()
    assert sig.args == [False]
    text = dialog.error.text()
    assert "vault.json is damaged" in text and "Wrong passphrase" not in text and "backup" in text, text


def test_recovery_unlock_then_new_passphrase_with_floor(qtbot, tmp_path: Path) -> None:
    """Forgot the passphrase: the recovery key opens the vault, then the dialog asks for a new
    passphrase (same floor and override as creation); afterwards the new one opens the vault."""
    from PySide6.QtWidgets import QDialog

    from chatvault.errors import WrongPassphrase
    from chatvault.gui.dialogs.unlock import UnlockDialog
    from chatvault.vault.vault import create_vault, open_vault

    v, key = create_vault(tmp_path / "v", STRONG)
    v.lock()
    dialog = UnlockDialog(v.path)
    qtbot.addWidget(dialog)
    dialog.show()
    dialog.toggle_mode()
    dialog.passphrase.setText(key)
    with qtbot.waitSignal(dialog.unlock_finished, timeout=30_000) as sig:
        dialog.unlock()
    assert sig.args == [True] and dialog.pages.currentIndex() == 1
    assert dialog.result() != QDialog.DialogCode.Accepted          # not done: a passphrase is offered first
    dialog.new_fields.passphrase.setText(WEAK)
    dialog.new_fields.repeat.setText(WEAK)
    qtbot.mouseClick(dialog.set_button, Qt.MouseButton.LeftButton)
    assert dialog.new_fields.weak_ok.isVisible() and "too easy" in dialog.new_error.text()
    new = "a brand new sentence about herons"
    dialog.new_fields.passphrase.setText(new)
    dialog.new_fields.repeat.setText(new)
    with qtbot.waitSignal(dialog.accepted, timeout=30_000):
        qtbot.mouseClick(dialog.set_button, Qt.MouseButton.LeftButton)
    assert dialog.new_passphrase_set
    dialog.vault.lock()
    open_vault(v.path, new).lock()
    try:
        open_vault(v.path, STRONG)
        raise AssertionError("the old passphrase still opens the vault")
    except WrongPassphrase:
        pass


def test_unlock_dialog_wrong_passphrase_mentions_a_damaged_header_read_from_its_copy(qtbot, tmp_path: Path) -> None:
    from chatvault.gui.dialogs.unlock import UnlockDialog
    from chatvault.vault.header import HEADER_NAME
    from chatvault.vault.vault import create_vault

    v, _ = create_vault(tmp_path / "v", STRONG)
    v.lock()
    (v.path / HEADER_NAME).write_bytes(b"{")
    dialog = UnlockDialog(v.path)
    qtbot.addWidget(dialog)
    dialog.passphrase.setText(STRONG + " but not quite")
    with qtbot.waitSignal(dialog.unlock_finished, timeout=30_000) as sig:
        dialog.unlock()
    assert sig.args == [False]
    assert "Wrong passphrase" in dialog.error.text() and "vault.json is damaged" in dialog.error.text()
    dialog.passphrase.setText(STRONG)
    with qtbot.waitSignal(dialog.unlock_finished, timeout=30_000) as sig:
        dialog.unlock()
    assert sig.args == [True] and any("repaired" in n for n in dialog.vault.notices)
    dialog.vault.lock()
