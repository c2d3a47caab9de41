"""The CLI as a script would use it: exit codes, --json contract, passphrase sources."""

from __future__ import annotations

import json
from pathlib import Path

from chatvault.store.db import NEW_PAGE_SIZE
from tests.conftest import PASSPHRASE


def env_for(vault: Path, passphrase: str = PASSPHRASE) -> dict[str, str]:
    return {"CHATVAULT_VAULT": str(vault), "CHATVAULT_PASSPHRASE": passphrase}


def test_init_info_json(cli, tmp_path: Path) -> None:
    vault = tmp_path / "v"
    r = cli("init", "--json", env=env_for(vault))
    assert r.returncode == 0, r.stderr
    data = json.loads(r.stdout)
    assert len(data["recovery_key"].split("-")) == 8
    r = cli("info", "--json", env=env_for(vault))
    assert r.returncode == 0, r.stderr
    info = json.loads(r.stdout)
    for key in ("conversations", "messages", "attachments", "blobs", "bytes"):
        assert isinstance(info[key], int)
    assert info["messages"] == 0 and info["bytes"] > 0


def test_wrong_passphrase_exit_3(cli, tmp_path: Path) -> None:
    vault = tmp_path / "v"
    assert cli("init", env=env_for(vault)).returncode == 0
    r = cli("info", env=env_for(vault, "nope"))
    assert r.returncode == 3
    assert "Wrong passphrase" in r.stderr
    assert "Traceback" not in r.stderr


def test_passphrase_file_and_vault_flag(cli, tmp_path: Path) -> None:
    vault = tmp_path / "v"
    pw = tmp_path / "pw"
    pw.write_text(PASSPHRASE + "\n")
    assert cli("init", "--vault", str(vault), "--passphrase-file", str(pw)).returncode == 0
    r = cli("info", "--vault", str(vault), "--passphrase-file", str(pw), env={"CHATVAULT_PASSPHRASE": "ignored"})
    assert r.returncode == 0, r.stderr


def test_passwd_then_recover(cli, tmp_path: Path) -> None:
    vault = tmp_path / "v"
    r = cli("init", "--json", env=env_for(vault))
    rk = json.loads(r.stdout)["recovery_key"]
    second, third = "second passphrase, quite long", "a third one: lantern fjord"
    r = cli("passwd", "--json", env=env_for(vault) | {"CHATVAULT_NEW_PASSPHRASE": "second"})
    assert r.returncode == 2 and json.loads(r.stdout)["error"] == "weak_passphrase", r.stderr
    assert "--allow-weak-passphrase" in r.stderr
    r = cli("passwd", env=env_for(vault) | {"CHATVAULT_NEW_PASSPHRASE": second})
    assert r.returncode == 0, r.stderr
    assert cli("info", env=env_for(vault)).returncode == 3
    assert cli("info", env=env_for(vault, second)).returncode == 0
    r = cli("recover", env={"CHATVAULT_VAULT": str(vault), "CHATVAULT_RECOVERY_KEY": rk,
                            "CHATVAULT_NEW_PASSPHRASE": third})
    assert r.returncode == 0, r.stderr
    assert cli("info", env=env_for(vault, third)).returncode == 0
    typo = rk[:2] + ("0" if rk[2] != "0" else "1") + rk[3:]
    r = cli("recover", env={"CHATVAULT_VAULT": str(vault), "CHATVAULT_RECOVERY_KEY": typo,
                            "CHATVAULT_NEW_PASSPHRASE": "fourth"})
    assert r.returncode == 3
    assert "Group 1" in r.stderr


def test_check_ok_and_damage(cli, tmp_path: Path) -> None:
    vault = tmp_path / "v"
    assert cli("init", env=env_for(vault)).returncode == 0
    r = cli("check", "--json", env=env_for(vault))
    assert r.returncode == 0, r.stdout + r.stderr
    assert json.loads(r.stdout)["ok"] is True
    db = vault / "vault.db"
    data = bytearray(db.read_bytes())
    page = NEW_PAGE_SIZE                 # a new vault's page size
    assert len(data) >= 3 * page
    data[page + 2000] ^= 0xFF  # a byte in page 2
    db.write_bytes(bytes(data))
    r = cli("check", "--json", env=env_for(vault))
    assert r.returncode == 1
    report = json.loads(r.stdout)
    assert not report["ok"]
    assert any("page" in p["message"].lower() for p in report["problems"])


def test_usage_error_exit_2(cli) -> None:
    r = cli("no-such-command")
    assert r.returncode == 2


def test_missing_vault_is_clear(cli, tmp_path: Path) -> None:
    r = cli("info", env=env_for(tmp_path / "nothing"))
    assert r.returncode == 1
    assert "No ChatVault vault" in r.stderr


def test_unexpected_error_is_one_sentence_and_a_logged_traceback(tmp_path: Path, monkeypatch, capsys) -> None:
    """A bug (an exception ChatVault has no message for) prints what happened and where the details
    are, as JSON with --json; the traceback goes to the log file, not to the terminal."""
    import logging

    from chatvault import cli
    from chatvault.cli.commands import formats
    from chatvault.hardening import setup_logging

    logger = logging.getLogger("chatvault")
    monkeypatch.setattr(logger, "handlers", [])
    log = setup_logging(tmp_path / "logs")
    assert log is not None

    def boom(args, ctx):
        raise RuntimeError("boom")

    monkeypatch.setattr(formats, "run", boom)
    monkeypatch.delenv("CHATVAULT_DEBUG", raising=False)
    try:
        code = cli.main(["formats", "--json"])
    finally:
        for handler in logger.handlers:
            handler.close()
    out, err = capsys.readouterr()
    assert code == 1
    obj = json.loads(out)
    assert obj["error"] == "internal" and "RuntimeError: boom" in obj["message"] and str(log) in obj["hint"]
    assert "bug" in err and "Traceback" not in err
    text = log.read_text()
    assert "Traceback" in text and "RuntimeError: boom" in text
