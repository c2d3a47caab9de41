"""Secrets stay out of places other users can read: the WeChat key can be given without the command
line (`ps`), and the processes ChatVault starts inherit no secret from its environment."""

from __future__ import annotations

import os
import sys
import time
from pathlib import Path

import pytest

from chatvault.hardening import child_env
from tests import wechat_fixtures as F
from tests.conftest import PASSPHRASE

SECRETS = {"CHATVAULT_PASSPHRASE": "pp-canary-1", "CHATVAULT_NEW_PASSPHRASE": "pp-canary-2",
           "CHATVAULT_RECOVERY_KEY": "rk-canary", "CHATVAULT_WECHAT_KEY": "wk-canary",
           "AWS_SECRET_ACCESS_KEY": "aws-canary", "AWS_ACCESS_KEY_ID": "id-canary", "AWS_SESSION_TOKEN": "tok-canary"}


def test_child_env_drops_secrets_and_keeps_the_rest() -> None:
    base = SECRETS | {"PATH": "/usr/bin", "PYTHONPATH": "/x", "CHATVAULT_FAULT": "a:1:kill", "HOME": "/h",
                      "CHATVAULT_VAULT": "/v", "LANG": "C.UTF-8"}
    env = child_env(base)
    assert not set(SECRETS) & set(env)
    assert {"PATH", "PYTHONPATH", "CHATVAULT_FAULT", "HOME", "CHATVAULT_VAULT", "LANG"} <= set(env)


def test_parse_process_inherits_no_secret(tmp_path: Path, monkeypatch) -> None:
    """A real parse child on a real export: its /proc/<pid>/environ holds none of the secrets (Linux,
    where ChatVault's tests run; other systems scrub with the same `child_env`, tested above)."""
    from chatvault.importers import registry
    from chatvault.importers.base import ImportOptions
    from chatvault.ingest.parse import ProcessProducer
    from chatvault.jobs.context import JobContext

    for k, v in SECRETS.items():
        monkeypatch.setenv(k, v)
    monkeypatch.setenv("CHATVAULT_IMPORT_BATCH", "20")               # many frames: the pipe fills up
    txt = tmp_path / "WhatsApp Chat with Ann.txt"
    txt.write_text("".join(f"1/2/24, 10:{i % 60:02d} - Ann: message number {i} " + "x" * 80 + "\n"
                           for i in range(6000)), encoding="utf-8")
    prod = ProcessProducer(registry.get("whatsapp"), txt, ImportOptions(options={"tz": "UTC"}), JobContext())
    try:
        environ = b""
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline and not environ:
            try:
                environ = Path(f"/proc/{prod.proc.pid}/environ").read_bytes()
            except OSError:
                break
            time.sleep(0.05)
        assert prod.proc.poll() is None and environ, "the child should be blocked on its full pipe"
        assert b"PYTHONPATH=" in environ or b"PATH=" in environ
        for v in SECRETS.values():
            assert v.encode() not in environ, v
    finally:
        prod.stop()


def test_wechat_key_from_file_env_or_prompt_not_argv(cli, tmp_path: Path, vault_path: Path) -> None:
    from chatvault.vault.vault import create_vault

    create_vault(vault_path, PASSPHRASE)[0].lock()
    env = {"CHATVAULT_PASSPHRASE": PASSPHRASE, "CHATVAULT_TMPDIR": str(tmp_path / "work")}
    key_file = tmp_path / "wechat.key"
    key_file.write_bytes(b"\xef\xbb\xbf" + F.KEY_HEX.encode() + b"\r\n")   # Notepad: BOM and CRLF
    pc = F.build_pc_folder(tmp_path / "pc")
    r = cli("--vault", str(vault_path), "--json", "import", str(pc.root), "--format", "wechat-pc",
            "--key-file", str(key_file), env=env)
    assert r.returncode == 0, r.stderr
    assert "can be seen by other users" not in r.stderr           # nothing was on the command line


def test_wechat_key_sources_in_order(monkeypatch, capsys, tmp_path: Path) -> None:
    import argparse

    from chatvault.cli.commands import import_
    from chatvault.errors import UsageError

    def ns(**kw) -> argparse.Namespace:
        return argparse.Namespace(**({"key": None, "key_file": None, "ask_key": False} | kw))

    monkeypatch.setenv("CHATVAULT_WECHAT_KEY", " " + F.KEY_HEX + "\n")
    assert import_.wechat_key(ns()) == F.KEY_HEX                 # the environment, trimmed
    assert capsys.readouterr().err == ""
    assert import_.wechat_key(ns(key="ab" * 32)) == "ab" * 32     # the command line wins, with a warning
    err = capsys.readouterr().err
    assert "can be seen by other users" in err and "--key-file" in err
    monkeypatch.setenv("CHATVAULT_WECHAT_KEY", "   ")
    with pytest.raises(UsageError, match="empty"):
        import_.wechat_key(ns())
    monkeypatch.setattr(sys.stdin, "isatty", lambda: False)
    with pytest.raises(UsageError, match="--ask-key needs a terminal"):
        import_.wechat_key(ns(ask_key=True))


def test_ask_key_prompts_without_echo(monkeypatch) -> None:
    import argparse
    import getpass

    from chatvault.cli.commands import import_

    asked = []
    monkeypatch.setattr(getpass, "getpass", lambda prompt: (asked.append(prompt), F.KEY_HEX + " ")[1])
    monkeypatch.setattr(sys.stdin, "isatty", lambda: True)
    args = argparse.Namespace(key=None, key_file=None, ask_key=True)
    assert import_.wechat_key(args) == F.KEY_HEX and asked == ["WeChat database key: "]
    monkeypatch.delenv("CHATVAULT_WECHAT_KEY", raising=False)
    assert import_.wechat_key(argparse.Namespace(key=None, key_file=None, ask_key=False)) is None
    assert os.environ.get("CHATVAULT_WECHAT_KEY") is None
