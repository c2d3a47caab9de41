"""`chatvault export …` as a user runs it: the selection flags of `search`, the `--json` report,
Ctrl-C (exit 130, no half file left), an existing export not overwritten, verify wired."""

from __future__ import annotations

import csv
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import PASSPHRASE, run_cli
from tests.export_data import fill
from tests.search_data import populate
from tests.test_cli_cancel import EXIT_CANCELLED, _interrupt


@pytest.fixture(scope="module")
def filled(tmp_path_factory) -> Path:
    from chatvault.vault.vault import create_vault

    path = tmp_path_factory.mktemp("exportcli") / "vault"
    v, _ = create_vault(path, PASSPHRASE)
    fill(v, v.connect())
    v.lock()
    return path


def env(vault: Path, **extra: str) -> dict[str, str]:
    return {"CHATVAULT_VAULT": str(vault), "CHATVAULT_PASSPHRASE": PASSPHRASE, **extra}


def test_export_a_chat_to_json_with_media(filled, tmp_path) -> None:
    out = tmp_path / "family"
    r = run_cli("export", "json", str(out), "--chat", "家人群", "--media", "--json", env=env(filled))
    assert r.returncode == 0, r.stderr
    report = json.loads(r.stdout)
    assert report["format"] == "json" and report["messages"] == 15 and report["conversations"] == 1
    assert report["cancelled"] is False and report["files"] == 2 and len(report["sha256"]) == 64
    lines = (out / "chatvault-export.jsonl").read_text(encoding="utf-8").splitlines()
    assert json.loads(lines[0])["selection"]["conversations"] == ["家人群"]
    assert json.loads(lines[-1])["counts"]["media_files"] == 1 and (out / "media" / "IMG_0001.png").exists()
    again = run_cli("export", "json", str(out), "--chat", "家人群", env=env(filled))
    assert again.returncode == 2 and "already exists" in again.stderr          # never over an earlier export


def test_export_search_results_to_csv_with_bom(filled, tmp_path) -> None:
    out = tmp_path / "hits"
    r = run_cli("export", "csv", str(out), "--query", "message", "--from", "Anna", "--bom", "--lang", "zh_CN",
                env=env(filled))
    assert r.returncode == 0, r.stderr
    assert "Exported 15 messages from 1 chat(s)" in r.stdout
    with open(out / "chatvault-export.csv", encoding="utf-8-sig", newline="") as f:
        rows = list(csv.DictReader(f))
    assert len(rows) == 15 and {row["sender"] for row in rows} == {"Anna"}


def test_default_out_is_a_new_folder_and_bad_input_is_clear(filled, tmp_path) -> None:
    r = subprocess.run([sys.executable, "-m", "chatvault", "export", "csv", "--kind", "payment", "--json"],
                       capture_output=True, text=True, env=dict(os.environ, **env(filled)), cwd=tmp_path, timeout=120)
    assert r.returncode == 0, r.stderr
    made = Path(json.loads(r.stdout)["out"])
    assert made.parent.parent == tmp_path and made.parent.name.startswith("ChatVault 家人群 ")
    r = run_cli("export", "json", str(tmp_path / "x"), "--query", '"open', "--json", env=env(filled))
    assert r.returncode == 1 and json.loads(r.stdout)["error"] == "query"
    assert not (tmp_path / "x" / "chatvault-export.jsonl").exists()
    r = run_cli("export", "verify", str(tmp_path / "nothing"), env=env(filled))
    assert r.returncode == 2 and "does not exist" in r.stderr


def test_ctrl_c_exits_130_and_leaves_no_half_file(tmp_path) -> None:
    from chatvault.vault.vault import create_vault

    v, _ = create_vault(tmp_path / "vault", PASSPHRASE)
    populate(v.connect(), 6000)
    v.lock()
    out = tmp_path / "big"
    e = env(tmp_path / "vault", CHATVAULT_FAULT="export.batch:1:sleep=0.5")
    code, obj, lines, text, _took = _interrupt(["export", "json", str(out)], e, lambda o: o["done"] > 0)
    assert code == EXIT_CANCELLED and obj["error"] == "cancelled", (code, obj, text)
    assert all(x["command"] == "export json" for x in lines)
    assert not out.exists() or not any(out.iterdir())


def test_every_format_through_the_cli_and_verify_names_a_changed_file(filled, tmp_path) -> None:
    for fmt, out in (("html", tmp_path / "h"), ("pdf", tmp_path / "chat.pdf"), ("production", tmp_path / "p")):
        r = run_cli("export", fmt, str(out), "--chat", "Anna", "--json", env=env(filled))
        assert r.returncode == 0, (fmt, r.stderr)
        assert json.loads(r.stdout)["messages"] == 30 and out.exists(), fmt
    r = run_cli("export", "verify", str(tmp_path / "p"), "--json", env=env(filled))
    assert r.returncode == 0 and json.loads(r.stdout)["ok"] is True, r.stdout
    victim = next(p for p in sorted((tmp_path / "p").rglob("*.rsmf")))
    data = bytearray(victim.read_bytes())
    data[len(data) // 2] ^= 1
    victim.write_bytes(bytes(data))
    r = run_cli("export", "verify", str(tmp_path / "p"), env=env(filled))
    assert r.returncode == 1 and victim.name in r.stdout, r.stdout
