"""RELIABILITY row 32: the same secret in every form opens the vault, and vaults made before
passphrases were normalised open with what was typed then and are upgraded once."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import unicodedata
from pathlib import Path

import pytest

from chatvault.errors import UsageError, WrongPassphrase
from chatvault.vault import kdf, passphrase
from chatvault.vault.header import BACKUP_NAME, HEADER_NAME, Header
from chatvault.vault.vault import create_vault, open_vault
from tests.legacy_vault import make_legacy_vault
from tests.test_wrong_passphrase import RIGHT, SAME_SECRET, tree_hashes

NFC = "café Zoë 42 lantern fjord"
NFD = unicodedata.normalize("NFD", NFC)


@pytest.fixture
def kdf_runs(monkeypatch):
    """How many Argon2id runs happened (the real function runs; it is only counted)."""
    runs = []
    real = kdf.argon2id

    def counted(*args, **kw):
        runs.append(1)
        return real(*args, **kw)

    monkeypatch.setattr(kdf, "argon2id", counted)
    return runs


def test_normalize_follows_opaquestring_plus_trim() -> None:
    assert NFC != NFD and passphrase.normalize(NFD) == NFC
    assert passphrase.normalize("\ufeff" + NFC + "\r\n") == NFC
    assert passphrase.normalize("a\u00a0b\u3000c\u2009d") == "a b c d"       # every Zs space is U+0020
    assert passphrase.normalize("a\u200bb") == "a\u200bb"                   # zero-width space is kept
    assert passphrase.normalize("ＡＢＣ") == "ＡＢＣ"                            # no width mapping (PRECIS)
    assert passphrase.normalize("\u2126mega") == "\u03a9mega"                 # NFC
    assert passphrase.normalize("  in  side  ") == "in  side"                # inner spaces are kept


def test_every_form_of_the_right_passphrase_opens(tmp_path: Path, kdf_runs) -> None:
    v, _ = create_vault(tmp_path / "v", NFD + "\n")         # made with a decomposed form and a newline
    v.lock()
    before = tree_hashes(v.path)
    for form in [NFC, NFD, " " + NFC + "\t", "\ufeff" + NFD, NFC.replace(" ", "\u00a0"), NFC + "\r\n"]:
        kdf_runs.clear()
        open_vault(v.path, form).lock()
        assert len(kdf_runs) == 1, repr(form)                # a version-2 header: one Argon2id run
    assert tree_hashes(v.path) == before                     # opening a current vault writes nothing


def test_same_secret_forms_through_the_cli(cli, tmp_path: Path, monkeypatch, capsys) -> None:
    """The CLI's own code path (chatvault.cli.main in this process; one run as a real process)."""
    from chatvault.cli import main

    v, _ = create_vault(tmp_path / "v", RIGHT)
    v.lock()
    monkeypatch.setenv("CHATVAULT_VAULT", str(v.path))

    def info(*extra: str, passphrase: str | None = None) -> int:
        if passphrase is None:
            monkeypatch.delenv("CHATVAULT_PASSPHRASE", raising=False)
        else:
            monkeypatch.setenv("CHATVAULT_PASSPHRASE", passphrase)
        return main(["info", "--json", *extra])

    for n, form in enumerate(SAME_SECRET):
        assert info(passphrase=form) == 0, (repr(form), capsys.readouterr().err)
        if "\n" not in form and "\r" not in form:
            f = tmp_path / f"pw{n}"
            f.write_text(form + "\n", encoding="utf-8")
            assert info("--passphrase-file", str(f)) == 0, (repr(form), capsys.readouterr().err)
    # files as editors save them: BOM + CRLF (Notepad), UTF-16 with BOM ("Unicode"), no final newline
    f = tmp_path / "pwfile"
    for data in [b"\xef\xbb\xbf" + RIGHT.encode() + b"\r\n", ("\ufeff" + RIGHT + "\r\n").encode("utf-16-le"),
                 unicodedata.normalize("NFD", RIGHT).encode(), (RIGHT + "\nsecond line ignored\n").encode()]:
        f.write_bytes(data)
        assert info("--passphrase-file", str(f)) == 0, (data[:12], capsys.readouterr().err)
    f.write_bytes(b"\xff\xfeA\xd8")                          # UTF-16 with a lone surrogate
    assert info("--passphrase-file", str(f)) == 2
    f.write_bytes(b"caf\xe9 latin-1\n")
    assert info("--passphrase-file", str(f)) == 2 and "not UTF-8" in capsys.readouterr().err
    # and once as a separate process, as a script would run it: BOM + CRLF file, NFD environment
    f.write_bytes(b"\xef\xbb\xbf" + unicodedata.normalize("NFD", RIGHT).encode() + b"\r\n")
    r = cli("info", "--json", "--passphrase-file", str(f), env={"CHATVAULT_VAULT": str(v.path)})
    assert r.returncode == 0 and json.loads(r.stdout)["vault_id"] == v.vault_id, r.stderr


@pytest.mark.parametrize("made_with,typed", [
    (NFD, NFC),                                  # macOS made it, Linux opens it
    (NFC, NFD),
    ("\ufeff" + NFC, NFC),                       # made from a BOM file by the old reader
    ("  " + NFC + " ", NFC + "  "),              # spaces around, typed differently now
])
def test_legacy_vault_opens_and_is_upgraded_once(tmp_path: Path, made_with: str, typed: str, kdf_runs) -> None:
    path = tmp_path / "old"
    make_legacy_vault(path, made_with)
    assert Header.load(path).legacy
    if made_with.strip(" ") != made_with and typed.strip(" ") == NFC:
        # spaces around the old passphrase: what was typed then opens it
        open_vault(path, made_with).lock()
    else:
        open_vault(path, typed).lock()
    header = Header.load(path)
    assert not header.legacy and header.version == 2 and header.recovery_format == 1
    assert (path / BACKUP_NAME).read_bytes() == (path / HEADER_NAME).read_bytes()
    before = tree_hashes(path)
    for form in (NFC, NFD, NFC + "\n", "\ufeff" + NFC, " " + NFD + " "):
        kdf_runs.clear()
        open_vault(path, form).lock()
        assert len(kdf_runs) == 1
    assert tree_hashes(path) == before                       # upgraded once, not on every unlock
    with pytest.raises(WrongPassphrase):
        open_vault(path, NFC + "x")


def test_legacy_wrong_passphrase_changes_nothing_and_costs_at_most_five_runs(tmp_path: Path, kdf_runs) -> None:
    path = tmp_path / "old"
    make_legacy_vault(path, NFD)
    before = tree_hashes(path)
    for wrong in ("", "   ", "x", NFC.upper(), " " + NFC.upper() + " ", "ä" * 5000):
        kdf_runs.clear()
        with pytest.raises(WrongPassphrase):
            open_vault(path, wrong)
        assert len(kdf_runs) <= 5
    assert tree_hashes(path) == before


def test_legacy_format1_recovery_key_still_opens_and_stays_format1(tmp_path: Path) -> None:
    from chatvault.vault.vault import recover_vault

    path = tmp_path / "old"
    rk = make_legacy_vault(path, NFC)
    recover_vault(path, rk.lower(), "a new passphrase after recovery").lock()
    assert Header.load(path).recovery_format == 1            # the key written down years ago stays valid
    open_vault(path, recovery_key=rk).lock()
    open_vault(path, "a new passphrase after recovery").lock()


@pytest.mark.parametrize("point", ["header.before_fsync", "header.before_rename", "header.before_dir_fsync",
                                   "header_copy.before_rename"])
def test_kill_during_the_upgrade_leaves_the_typed_passphrase_working(tmp_path: Path, point: str) -> None:
    path = tmp_path / "old"
    make_legacy_vault(path, NFD)
    code = "import sys; from chatvault.vault.vault import open_vault; open_vault(sys.argv[1], sys.argv[2]).lock()"
    env = dict(os.environ, CHATVAULT_FAULT=f"{point}:1:kill")
    proc = subprocess.run([sys.executable, "-c", code, str(path), NFC], env=env, capture_output=True, text=True)
    assert proc.returncode == -9, proc.stderr
    for form in (NFC, NFD):
        open_vault(path, form).lock()                        # upgraded or not, both forms open
    assert not Header.load(path).legacy                      # and the next unlock finished the upgrade


def test_hard_rule_and_strength_floor() -> None:
    for bad in ("", "   ", "\t\n", "\ufeff", "\u3000\u00a0"):
        with pytest.raises(UsageError):
            passphrase.check_new(bad, allow_weak=True)       # never, even knowingly
    with pytest.raises(UsageError, match="control character"):
        passphrase.check_new("pass\x07word long enough here", allow_weak=True)
    with pytest.raises(passphrase.WeakPassphrase, match="too easy to guess") as err:
        passphrase.check_new("Zoë 2024")
    assert err.value.exit_code == 2 and "--allow-weak-passphrase" in (err.value.hint or "")
    assert passphrase.check_new("Zoë 2024", allow_weak=True) == "Zoë 2024"
    assert passphrase.check_new("  " + NFD + "\n") == NFC
    with pytest.raises(passphrase.WeakPassphrase):
        passphrase.check_new("myvaultfolder2024", user_inputs=["myvaultfolder"])


def test_init_floor_and_override_via_cli(cli, tmp_path: Path) -> None:
    vault = tmp_path / "v"
    env = {"CHATVAULT_VAULT": str(vault), "CHATVAULT_PASSPHRASE": "Zoë 2024"}
    r = cli("init", "--json", env=env)
    assert r.returncode == 2 and json.loads(r.stdout)["error"] == "weak_passphrase" and not vault.exists()
    r = cli("init", "--json", env=env | {"CHATVAULT_PASSPHRASE": "   "}, )
    assert r.returncode == 2 and not vault.exists()
    r = cli("init", "--json", "--allow-weak-passphrase", env=env | {"CHATVAULT_PASSPHRASE": "   "})
    assert r.returncode == 2 and "only white space" in r.stderr and not vault.exists()
    r = cli("init", "--json", "--allow-weak-passphrase", env=env)
    assert r.returncode == 0, r.stderr
    assert cli("info", env=env | {"CHATVAULT_PASSPHRASE": unicodedata.normalize("NFD", "Zoë 2024")}).returncode == 0


def test_legacy_vault_with_an_all_space_passphrase_still_opens(tmp_path: Path) -> None:
    """Older versions accepted "   "; its normalised form is empty, so the header is not re-wrapped
    (it would open with nothing) and the user is told to choose a real passphrase."""
    path = tmp_path / "old"
    make_legacy_vault(path, "   ")
    v = open_vault(path, "   ")
    v.lock()
    assert any("only white space" in n for n in v.notices)
    assert Header.load(path).legacy
    open_vault(path, "   ").lock()
    with pytest.raises(WrongPassphrase):
        open_vault(path, "")
