"""RELIABILITY row 13: 50 wrong passphrases through the CLI and the GUI unlock dialog.

Each attempt must fail with exit code 3 (CLI) or an inline error with the vault still locked (GUI),
and afterwards every file of the vault folder must hash exactly as before: a wrong key is found
before anything is written. The wrong passphrases are the empty one, one character, 10 KB ones and
valid UTF-8 near-misses of the right one (case, spaces, full-width forms, one character
dropped/added/swapped, homoglyphs, invisible characters). Forms of the *right* passphrase (NFD,
surrounding white space, a BOM, non-ASCII spaces: RELIABILITY row 32) open it: `SAME_SECRET`.

Most attempts use the test-only fast KDF (the vault header's parameters decide the cost); one vault is
created with the real default Argon2id parameters and attacked once through each front end.
"""

from __future__ import annotations

import hashlib
import json
import os
import time
import unicodedata
from pathlib import Path

import pytest

from tests.backup_fixtures import fill

RIGHT = "Café Straße 42 Ωmega ünïcode"   # NFC; ASCII letters, digits, accents, ß and a Greek capital


def _fullwidth(s: str) -> str:
    return "".join("\u3000" if c == " " else chr(ord(c) + 0xFEE0) if "!" <= c <= "~" else c for c in s)


def wrong_passphrases(recovery_key: str) -> list[str]:
    mid = len(RIGHT) // 2
    out = [
        "",                                             # empty
        "x",                                            # one character
        "é",                                            # one non-ASCII character
        " ",                                            # only a space
        "a" * 10240,                                    # 10 KB ASCII
        "é" * 5120,                                     # 10 KB of two-byte UTF-8
        (RIGHT + " ") * 300,                            # ~10 KB starting with the right one
        RIGHT.upper(),
        RIGHT.lower(),
        RIGHT.swapcase(),                               # Caps Lock
        RIGHT[0].lower() + RIGHT[1:],
        RIGHT.replace(" ", "", 1),                      # a space dropped
        RIGHT.replace(" ", "  ", 1),
        RIGHT.replace(" ", "_"),
        RIGHT.replace(" ", "\u200b"),                   # zero-width spaces (not white space)
        RIGHT + " x",
        RIGHT.replace("é", "e"),                        # an accent dropped
        RIGHT.replace("ü", "u"),
        RIGHT.replace("ß", "\u1e9e"),                   # capital sharp s
        RIGHT.replace("Ω", "O"),
        RIGHT.replace("42", "24"),
        RIGHT + "\n!",                                  # only possible through the environment
        "\t \u3000",                                     # only white space
        _fullwidth(RIGHT),                              # full-width forms of an East Asian IME
        RIGHT.replace("ß", "ss"),
        RIGHT.casefold(),
        RIGHT.replace("a", "\u0430", 1),                # Cyrillic а homoglyph
        RIGHT.replace("C", "\U0001d402", 1),            # MATHEMATICAL BOLD CAPITAL C (4-byte UTF-8)
        RIGHT.replace("e", "e\u0301", 1),               # an extra combining accent
        RIGHT[:-1],                                     # one character dropped: last, first, middle
        RIGHT[1:],
        RIGHT[:mid] + RIGHT[mid + 1:],
        RIGHT + "!",                                    # one character added: end, start, middle
        "!" + RIGHT,
        RIGHT[:mid] + "x" + RIGHT[mid:],
        RIGHT[:mid] + RIGHT[mid + 1] + RIGHT[mid] + RIGHT[mid + 2:],   # two neighbours swapped
        RIGHT[:-1] + "f",                               # last character replaced
        RIGHT[:mid] + "\u200b" + RIGHT[mid:],           # zero-width space
        RIGHT[:-1] + RIGHT[-1].upper(),                  # last letter in capitals
        "\u202e" + RIGHT,                               # right-to-left override
        RIGHT + "\x00",                                 # NUL (only possible through a file)
        RIGHT + "🔑",
        RIGHT * 2,
        RIGHT[::-1],
        RIGHT.encode("utf-8").decode("latin-1"),        # mojibake of the right one
        RIGHT.translate(str.maketrans("aqzwAQZW", "qawzQAWZ")),   # AZERTY/QWERTY layout mix-up
        RIGHT.replace("4", "$").replace("2", "@"),      # digits typed with Shift held
        "correct horse battery staple",                 # the suite's usual passphrase
        "ab" * 32,                                      # something that looks like a hex key
        recovery_key,                                   # the recovery key typed into the passphrase field
    ]
    assert len(out) == 50 and len(set(out)) == 50 and RIGHT not in out
    for p in out:
        p.encode("utf-8")                               # every one is valid UTF-8 (no lone surrogates)
    return out


# The right passphrase as other keyboards, files and password managers deliver it: all open the vault.
SAME_SECRET = [
    unicodedata.normalize("NFD", RIGHT),                # decomposed accents (macOS input, some IMEs)
    RIGHT.replace("é", "e\u0301"),                      # mixed forms
    RIGHT.replace("Ω", "\u2126"),                       # OHM SIGN: NFC makes it the Greek capital
    " " + RIGHT,
    RIGHT + " ",
    RIGHT + "\t",
    RIGHT + "\n",                                       # a newline kept by a script
    "\r" + RIGHT,
    RIGHT + "\u00a0",                                   # no-break space from a password manager
    RIGHT.replace(" ", "\u3000"),                       # ideographic spaces (PRECIS maps them to U+0020)
    "\ufeff" + RIGHT,                                   # a byte-order mark pasted in front
]


def tree_hashes(folder: Path) -> dict[str, str]:
    return {p.relative_to(folder).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(folder.rglob("*")) if p.is_file()}


@pytest.fixture
def filled_vault(tmp_path: Path):
    """A locked vault holding messages, a search index and media blobs, with its recovery key."""
    from chatvault.vault.vault import create_vault

    v, rk = create_vault(tmp_path / "vault", RIGHT)
    fill(v, messages=300, blobs=3, blob_size=70_000)
    conn = v.connect()
    conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    conn.close()
    v.lock()
    return v.path, rk


def _cli_attempt(cli, vault: Path, secret: str, tmp_path: Path, n: int):
    """Through --passphrase-file when the secret survives a one-line file, else the environment."""
    env = {"CHATVAULT_VAULT": str(vault), "XDG_STATE_HOME": str(tmp_path / "state")}
    if "\n" in secret or "\r" in secret:
        assert "\x00" not in secret
        return cli("info", "--json", env=env | {"CHATVAULT_PASSPHRASE": secret})
    pw = tmp_path / f"pw{n}"
    pw.write_text(secret + "\n", encoding="utf-8")
    return cli("info", "--json", "--passphrase-file", str(pw), env=env | {"CHATVAULT_PASSPHRASE": RIGHT})


def _assert_refused(r, what: str) -> None:
    assert r.returncode == 3, (what, r.returncode, r.stderr[-2000:])
    assert "Traceback" not in r.stderr, what
    assert "Wrong passphrase" in r.stderr and "nothing was changed" in r.stderr, (what, r.stderr)
    assert json.loads(r.stdout)["error"] == "wrong_passphrase", what


def test_fifty_wrong_passphrases_via_cli_change_nothing(cli, filled_vault, tmp_path: Path) -> None:
    vault, rk = filled_vault
    before = tree_hashes(vault)
    for n, wrong in enumerate(wrong_passphrases(rk)):
        _assert_refused(_cli_attempt(cli, vault, wrong, tmp_path, n), repr(wrong[:40]))
    assert tree_hashes(vault) == before
    # the right one still opens it (also through both passphrase sources), and only then
    r = _cli_attempt(cli, vault, RIGHT, tmp_path, 99)
    assert r.returncode == 0, r.stderr
    assert json.loads(r.stdout)["messages"] == 300


def test_fifty_wrong_passphrases_via_gui_unlock_dialog(qtbot, filled_vault) -> None:
    from PySide6.QtWidgets import QDialog

    from chatvault.gui.dialogs.unlock import UnlockDialog

    vault, rk = filled_vault
    before = tree_hashes(vault)
    dialog = UnlockDialog(vault)
    qtbot.addWidget(dialog)
    attempts = wrong_passphrases(rk)
    assert len(set(attempts)) == 50
    tried = 0
    for wrong in attempts:
        dialog.passphrase.setText(wrong)
        assert dialog.passphrase.text() == wrong, repr(wrong[:40])   # exactly this is what gets tried
        with qtbot.waitSignal(dialog.unlock_finished, timeout=30_000) as sig:
            dialog.unlock()
        tried += 1
        what = repr(wrong[:40])
        assert sig.args == [False], what
        assert dialog.vault is None and dialog.result() != QDialog.DialogCode.Accepted, what
        assert "Wrong passphrase" in dialog.error.text() and "nothing was changed" in dialog.error.text(), what
        assert dialog.unlock_button.isEnabled() and dialog.passphrase.isEnabled(), what   # ready for the next try
    assert tried == 50
    assert tree_hashes(vault) == before
    dialog.passphrase.setText(RIGHT)
    with qtbot.waitSignal(dialog.unlock_finished, timeout=30_000) as sig:
        dialog.unlock()
    assert sig.args == [True] and dialog.vault is not None
    dialog.vault.lock()


def test_wrong_passphrase_with_the_real_default_kdf(cli, qtbot, tmp_path: Path, monkeypatch) -> None:
    """One attempt per front end through the shipped Argon2id cost (256 MiB, t=3, p=4), not the test one."""
    from chatvault.gui.dialogs.unlock import UnlockDialog
    from chatvault.vault import kdf
    from chatvault.vault.vault import create_vault

    monkeypatch.delenv(kdf.FAST_ENV, raising=False)
    v, _rk = create_vault(tmp_path / "real", RIGHT)
    assert (v.header.kdf.m_kib, v.header.kdf.t, v.header.kdf.p) == (kdf.DEFAULT_M_KIB, kdf.DEFAULT_T, kdf.DEFAULT_P)
    fill(v, messages=50, blobs=1)
    v.lock()
    before = tree_hashes(v.path)
    env = {"CHATVAULT_VAULT": str(v.path), "XDG_STATE_HOME": str(tmp_path / "state"),
           "CHATVAULT_PASSPHRASE": RIGHT.replace("ü", "u"), kdf.FAST_ENV: "0"}
    start = time.monotonic()
    r = cli("info", "--json", env=env)
    cli_s = time.monotonic() - start
    _assert_refused(r, "accent dropped via CLI")
    dialog = UnlockDialog(v.path)
    qtbot.addWidget(dialog)
    dialog.passphrase.setText(RIGHT.swapcase())
    start = time.monotonic()
    with qtbot.waitSignal(dialog.unlock_finished, timeout=30_000) as sig:
        dialog.unlock()
    gui_s = time.monotonic() - start
    assert sig.args == [False] and dialog.vault is None and "Wrong passphrase" in dialog.error.text()
    assert tree_hashes(v.path) == before
    # one real Argon2id run each (~0.8-1.0 s at load 3.7 here); the bound only catches a runaway cost
    assert cli_s < 6 and gui_s < 6, (cli_s, gui_s)
    print(f"real-KDF wrong attempt: CLI {cli_s:.2f} s, GUI {gui_s:.2f} s, load {os.getloadavg()[0]:.1f}")
