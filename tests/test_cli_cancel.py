"""Ctrl-C on every long command, as a user presses it: a real `chatvault` process gets SIGINT half-way.

Each one stops within about a second with its documented exit code, says what it kept, leaves a vault
that passes `check`, and the same command run again completes. `--json` progress lines on stderr
parse, and stdout still holds the one result object docs/cli.md specifies. The jobs are slowed down
with `CHATVAULT_FAULT=name:1:sleep=S` so the signal lands mid-way on a loaded machine too.
"""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import PASSPHRASE, run_cli
from tests.import_fixtures import simple_chat, write_txt

EXIT_CANCELLED = 130
PROGRESS_KEYS = {"type", "command", "stage", "done", "total", "bytes", "bytes_total", "percent", "rate",
                 "bytes_rate", "eta_s", "elapsed_s", "status", "cancelled"}
MEDIA = 24
STOP_BUDGET_S = 3.0      # the target is ~1 s; the margin is for a shared, loaded test machine


def _env(vault: Path, fault: str = "") -> dict[str, str]:
    env = dict(os.environ, CHATVAULT_VAULT=str(vault), CHATVAULT_PASSPHRASE=PASSPHRASE, TZ="UTC")
    env.pop("CHATVAULT_FAULT", None)
    if fault:
        env["CHATVAULT_FAULT"] = fault
    return env


@pytest.fixture(scope="module")
def base(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A vault with 6,000 messages and MEDIA captured files, made once; each test works on a copy."""
    from chatvault.vault.vault import create_vault

    root = tmp_path_factory.mktemp("cancel-base")
    v, _rk = create_vault(root / "vault", PASSPHRASE)
    v.lock()
    env = _env(root / "vault")
    chat = write_txt(root / "chat.txt", simple_chat(6000))
    assert run_cli("import", str(chat), "--no-thumbnails", env=env).returncode == 0
    files = []
    for i in range(MEDIA):
        f = root / "files" / f"file{i:02}.bin"
        f.parent.mkdir(exist_ok=True)
        f.write_bytes(os.urandom(48 * 1024))
        files.append(str(f))
    r = run_cli("media", "add", *files, env=env)
    assert r.returncode == 0, r.stderr
    return root / "vault"


@pytest.fixture
def vault_copy(base: Path, tmp_path: Path) -> Path:
    return Path(shutil.copytree(base, tmp_path / "vault"))


def _interrupt(args: list[str], env: dict[str, str], ready: Callable[[dict[str, Any]], bool]
               ) -> tuple[int, Any, list[dict[str, Any]], str, float]:
    """Run `chatvault ARGS --json`, send SIGINT once a progress line satisfies `ready`; return
    (exit code, the stdout object, the progress lines, the other stderr text, seconds to exit)."""
    p = subprocess.Popen([sys.executable, "-m", "chatvault", *args, "--json"], env=env, text=True,
                         stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    progress: list[dict[str, Any]] = []
    other: list[str] = []
    seen = threading.Event()

    def read() -> None:
        assert p.stderr is not None
        for raw in p.stderr:
            if raw.startswith("{"):
                obj = json.loads(raw)                   # every progress line is one JSON object
                progress.append(obj)
                if ready(obj):
                    seen.set()
            else:
                other.append(raw)

    reader = threading.Thread(target=read, daemon=True)
    reader.start()
    try:
        assert seen.wait(60), f"no progress line came: {progress[-3:]} {''.join(other)}"
        t0 = time.monotonic()
        p.send_signal(signal.SIGINT)
        out = p.stdout.read() if p.stdout else ""      # stderr stays with the reader thread
        p.wait(timeout=60)
        took = time.monotonic() - t0
    finally:
        if p.poll() is None:
            p.kill()
    reader.join(10)
    text = "".join(other)
    assert "Traceback" not in text, text
    for line in progress:
        assert set(line) >= PROGRESS_KEYS and line["type"] == "progress", line
    assert progress[-1]["cancelled"] is True, (p.returncode, out, progress[-3:], text)   # the final counts
    return p.returncode, json.loads(out), progress, text, took


def _check_ok(env: dict[str, str]) -> None:
    r = run_cli("check", "--json", env=_env(Path(env["CHATVAULT_VAULT"])))
    assert r.returncode == 0 and json.loads(r.stdout)["ok"], r.stdout


def test_import_ctrl_c(vault_copy: Path, tmp_path: Path) -> None:
    n = 4000
    path = write_txt(tmp_path / "other.txt", simple_chat(n, senders=("Carol", "Dave")))
    env = _env(vault_copy, "import.after_commit:1:sleep=0.15") | {"CHATVAULT_IMPORT_BATCH": "200"}
    code, report, lines, text, took = _interrupt(["import", str(path)], env, lambda o: o["done"] > 0)
    assert code == 1 and took < STOP_BUDGET_S, (code, took, text)     # import's documented cancel code
    assert report["outcome"] == "cancelled" and 0 < report["added"] < n
    assert {"run_id", "added", "already_present", "warnings", "resumed_from"} <= set(report)   # the same object
    assert all(x["command"] == "import" for x in lines)
    _check_ok(env)
    r = run_cli("import", str(path), "--json", env=_env(vault_copy))
    done = json.loads(r.stdout)
    assert r.returncode == 0 and done["added"] + report["added"] == n and done["resumed_from"] == report["run_id"]


def test_backup_run_ctrl_c(vault_copy: Path, tmp_path: Path) -> None:
    env = _env(vault_copy)
    (tmp_path / "bk").mkdir()
    assert run_cli("backup", "add", "usb", "--folder", str(tmp_path / "bk"), env=env).returncode == 0
    code, out, lines, text, took = _interrupt(["backup", "run"], _env(vault_copy, "backup.put:2:sleep=0.25"),
                                              lambda o: o["bytes"] > 0)
    assert code == EXIT_CANCELLED and took < STOP_BUDGET_S, (code, took, text)
    assert out["ok"] is False and out["runs"][0]["error"] == "cancelled"
    assert "next `backup run` sends only the rest" in out["runs"][0]["message"]
    assert "chatvault: stopping" in text and {x["command"] for x in lines} == {"backup run"}
    snaps = json.loads(run_cli("backup", "snapshots", "--json", env=env).stdout)["destinations"][0]["snapshots"]
    assert snaps == []                                   # no half snapshot is listed
    _check_ok(env)
    r = run_cli("backup", "run", "--json", env=env)
    assert r.returncode == 0 and json.loads(r.stdout)["runs"][0]["verified"], r.stdout
    assert run_cli("backup", "verify", "--read-data", env=env).returncode == 0


def test_check_read_data_ctrl_c(vault_copy: Path) -> None:
    code, out, lines, text, took = _interrupt(["check", "--read-data"], _env(vault_copy, "check.blob:1:sleep=0.25"),
                                              lambda o: o["done"] > 0)
    assert code == EXIT_CANCELLED and took < STOP_BUDGET_S, (code, took, text)
    assert out["cancelled"] is True and out["ok"] is False and "problems" in out and "checked" in out
    assert lines[-1]["total"] == MEDIA and 0 < lines[-1]["done"] < MEDIA
    r = run_cli("check", "--read-data", "--json", env=_env(vault_copy))
    assert r.returncode == 0 and json.loads(r.stdout)["checked"]["blobs_read"] == MEDIA


def test_reindex_ctrl_c(vault_copy: Path) -> None:
    code, out, lines, text, took = _interrupt(["reindex"], _env(vault_copy, "search.reindex_batch:1:sleep=1.5"),
                                              lambda o: o["done"] > 0)
    assert code == EXIT_CANCELLED and took < STOP_BUDGET_S, (code, took, text)
    assert out["error"] == "cancelled" and "previous search index is in use" in out["message"]
    env = _env(vault_copy)
    hits = json.loads(run_cli("search", "message 5999", "--json", env=env).stdout)
    assert hits["total"] >= 1                            # the old index still answers
    _check_ok(env)
    r = run_cli("reindex", "--json", env=env)
    assert r.returncode == 0 and json.loads(r.stdout)["indexed"] == 6000


def test_media_export_ctrl_c(vault_copy: Path, tmp_path: Path) -> None:
    dest = tmp_path / "out"
    code, out, lines, text, took = _interrupt(["media", "export", "--captured", "--to", str(dest)],
                                              _env(vault_copy, "media.export_file:1:sleep=0.25"),
                                              lambda o: o["done"] > 0)
    assert code == EXIT_CANCELLED and took < STOP_BUDGET_S, (code, took, text)
    assert out["cancelled"] is True and 0 < len(out["written"]) < MEDIA and out["failed"] == []
    assert sorted(p.name for p in dest.iterdir()) == sorted(Path(w["path"]).name for w in out["written"])
    assert all(Path(w["path"]).stat().st_size == 48 * 1024 for w in out["written"])   # no partial file
    env = _env(vault_copy)
    _check_ok(env)
    r = run_cli("media", "export", "--captured", "--to", str(tmp_path / "again"), "--json", env=env)
    assert r.returncode == 0 and len(json.loads(r.stdout)["written"]) == MEDIA


def test_second_ctrl_c_quits_at_once(vault_copy: Path) -> None:
    """The first Ctrl-C asks; a second one does not wait for the step to end."""
    env = _env(vault_copy, "search.reindex_batch:1:sleep=20")
    p = subprocess.Popen([sys.executable, "-m", "chatvault", "reindex", "--json"], env=env, text=True,
                         stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    try:
        for raw in p.stderr or []:
            if raw.startswith("{") and json.loads(raw)["status"]:
                break
        p.send_signal(signal.SIGINT)
        time.sleep(0.3)
        t0 = time.monotonic()
        p.send_signal(signal.SIGINT)
        p.wait(timeout=10)
        took = time.monotonic() - t0
        err = p.stderr.read() if p.stderr else ""
    finally:
        if p.poll() is None:
            p.kill()
    assert p.returncode == EXIT_CANCELLED and took < STOP_BUDGET_S and "stopped at once" in err
    assert "Traceback" not in err
    _check_ok(env)


def test_progress_line_and_renderer() -> None:
    """The terminal line says what a byte-counting job does; the JSON writer ends with the final counts."""
    import io

    from chatvault.cli.progress import Renderer, line
    from chatvault.jobs.context import JobContext, Progress

    text = line(Progress(bytes_done=3 << 20, bytes_total=12 << 20, rate_bytes=1 << 20, eta_seconds=9,
                         status="Backing up the database and media"), "usb")
    assert "25.0%" in text and "3.0 MiB/12.0 MiB" in text and "1.0 MiB/s" in text and "ETA 0:09" in text
    assert text.endswith("Backing up the database and media") and "0 messages" not in text
    assert line(Progress(items_done=5, items_total=9, cancelled=True), "x", "files").endswith("stopping...")
    job = JobContext()
    job.set_total(items=10)
    out = io.StringIO()
    with Renderer(job, "export", "files", "json", "media export", out):
        job.advance(items=4)
        time.sleep(0.45)
        job.advance(items=6)
    rows = [json.loads(r) for r in out.getvalue().splitlines()]
    assert len(rows) >= 2 and rows[-1]["done"] == 10 and rows[-1]["percent"] == 100.0
    assert rows[-1]["command"] == "media export" and set(rows[-1]) >= PROGRESS_KEYS
