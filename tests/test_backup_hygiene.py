"""Backup housekeeping a user notices: a killed run is not "running" forever, and a folder
destination is created or refused when it is added, never accepted only to fail every run."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from pathlib import Path

import chatvault
from chatvault.backup import destinations as dests
from chatvault.backup.health import health
from tests.backup_fixtures import fill
from tests.conftest import PASSPHRASE


def test_killed_run_is_not_reported_running(vault, dest):
    fill(vault, messages=300, blobs=2)
    env = dict(os.environ, CHATVAULT_PASSPHRASE=PASSPHRASE, CHATVAULT_VAULT=str(vault.path),
               CHATVAULT_FAULT="backup.before_manifest:1:kill")
    r = subprocess.run([sys.executable, "-m", "chatvault", "backup", "run"], env=env, capture_output=True, timeout=120)
    assert r.returncode == -9
    conn = vault.connect()
    try:
        row = conn.execute("SELECT status FROM backup_runs ORDER BY id DESC LIMIT 1").fetchone()
        assert row["status"] == "running"  # nobody has cleaned up after the killed process yet
        assert not health(conn)[0].running
    finally:
        conn.close()


def test_a_reused_pid_does_not_make_a_dead_run_look_alive(vault, dest):
    sleeper = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(30)"])
    try:
        conn = vault.connect()
        try:
            detail = {"pid": sleeper.pid, "host": os.uname().nodename, "t": time.time() - 3600}
            conn.execute("INSERT INTO backup_runs(destination_id, kind, status, started_at, detail) "
                         "VALUES (?, 'backup', 'running', 0, ?)", (dest.id, json.dumps(detail)))
            assert not health(conn)[0].running  # that PID belongs to a process started after the run
            detail["t"] = time.time()
            conn.execute("UPDATE backup_runs SET detail = ? WHERE status = 'running'", (json.dumps(detail),))
            assert health(conn)[0].running
        finally:
            conn.close()
    finally:
        sleeper.kill()
        sleeper.wait()


def test_add_creates_the_folder_or_refuses_at_once(vault, tmp_path, cli):
    env = {"CHATVAULT_PASSPHRASE": PASSPHRASE, "CHATVAULT_VAULT": str(vault.path)}
    r = cli("backup", "add", "nas", "--folder", str(tmp_path / "offline" / "share"), "--json", env=env)
    assert r.returncode == 2 and "parent folder" in json.loads(r.stdout or r.stderr)["message"]
    (tmp_path / "file").write_text("x")
    r = cli("backup", "add", "f", "--folder", str(tmp_path / "file"), env=env)
    assert r.returncode == 2 and "not a folder" in (r.stdout + r.stderr)
    conn = vault.connect()
    try:
        assert dests.list_destinations(conn) == []
    finally:
        conn.close()
    r = cli("backup", "add", "usb", "--folder", str(tmp_path / "usb-new"), env=env)
    assert r.returncode == 0 and (tmp_path / "usb-new").stat().st_mode & 0o777 == 0o700
    fill(vault, messages=20, blobs=1)
    assert cli("backup", "run", env=env).returncode == 0


def test_only_the_backup_commands_tune_the_allocator():
    """`mallopt` changes the allocator of the whole process: the desktop app, which runs backups
    through the same library, keeps glibc's defaults; only the CLI's backup and restore commands
    tune it, when they start (chatvault/cli/malloc.py says why)."""
    root = Path(chatvault.__file__).parent
    callers = sorted(str(p.relative_to(root)) for p in root.rglob("*.py") if "mallopt(" in p.read_text("utf-8"))
    assert callers == ["cli/malloc.py"]
    for command in ("backup", "restore"):
        assert "tune_for_backups()" in (root / "cli" / "commands" / f"{command}.py").read_text("utf-8")
