"""RELIABILITY.md rows 7 and 8 beyond import: the disk fills up at every fault point of capture
(`media add`), `passwd`, `backup run`, `restore` and `check --repair`.

For each command a clean run lists the fault points it passes (`CHATVAULT_FAULT_TRACE`); then, for
each point, a child process runs the command with the disk full from that point on
(`fsize=0`: RLIMIT_FSIZE, no mount needed) or limited from the start at a few byte sizes. Every run
must end with success or a `disk_full`/`storage` error (never a bug, a traceback or SQLCipher's log
on the terminal); once space is back the vault checks clean and the same command succeeds.
"""

from __future__ import annotations

import json
import os
import resource
import shutil
import signal
import subprocess
import sys
from collections import Counter
from collections.abc import Callable
from pathlib import Path

import pytest

from tests.conftest import PASSPHRASE

NEW = "a new passphrase"


def _cli(args: list[str], env: dict[str, str], limit: int | None = None) -> subprocess.CompletedProcess:
    def limited() -> None:
        signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
        resource.setrlimit(resource.RLIMIT_FSIZE, (limit, resource.RLIM_INFINITY))

    full = dict(os.environ, CHATVAULT_INSECURE_FAST_KDF="1") | env
    return subprocess.run([sys.executable, "-m", "chatvault", *args, "--json"], capture_output=True, text=True,
                          env=full, timeout=120, preexec_fn=limited if limit is not None else None)


def _codes(out: dict) -> set[str]:
    codes = {out["error"]} if out.get("error") else set()
    for run in out.get("runs", []):
        if run.get("error"):
            codes.add(run["error"])
    return codes


def _assert_clean_failure(r: subprocess.CompletedProcess, what: str) -> None:
    assert "Traceback" not in r.stderr and "ERROR CORE" not in r.stderr, (what, r.stderr)
    out = json.loads(r.stdout)
    if r.returncode:
        assert r.returncode == 1 and _codes(out) and _codes(out) <= {"disk_full", "storage"}, (what, r.stdout)


def _check_ok(vault_path: Path, passphrase: str) -> None:
    from chatvault.check import run_checks
    from chatvault.vault.vault import open_vault

    v = open_vault(vault_path, passphrase)
    try:
        report = run_checks(v)
        errors = [p.message for p in report.problems if p.severity == "error" and not p.repaired]
        assert errors == [], errors
    finally:
        v.lock()


class Scenario:
    """A vault (and a backup folder) in `root`, a command, and how to tell it worked."""

    def __init__(self, root: Path, args: list[str], env: dict[str, str]) -> None:
        self.root, self.args, self.env = root, args, env

    def trace(self) -> Counter:
        work = self.copy("trace")
        log = work / "trace.txt"
        r = _cli(self.args_in(work), self.env_in(work) | {"CHATVAULT_FAULT_TRACE": str(log)})
        assert r.returncode == 0, r.stdout + r.stderr
        return Counter(log.read_text().split())

    def copy(self, name: str) -> Path:
        work = self.root.parent / f"{self.root.name}-{name}"
        shutil.rmtree(work, ignore_errors=True)
        shutil.copytree(self.root, work)
        return work

    def args_in(self, work: Path) -> list[str]:
        return [a.replace(str(self.root), str(work)) for a in self.args]

    def env_in(self, work: Path) -> dict[str, str]:
        return {k: v.replace(str(self.root), str(work)) for k, v in self.env.items()}


def _scenario(kind: str, tmp_path: Path) -> Scenario:
    from chatvault.vault.vault import create_vault

    root = tmp_path / "s"
    v, _ = create_vault(root / "vault", PASSPHRASE)
    conn = v.connect()
    conn.executemany("INSERT INTO settings(key, value) VALUES (?, ?)", [(f"k{i}", json.dumps("x" * 500))
                                                                       for i in range(200)])
    conn.close()
    files = []
    for i, size in enumerate((3000, 200_000)):
        f = root / f"file{i}.bin"
        f.write_bytes(os.urandom(size))
        files.append(str(f))
    v.lock()
    env = {"CHATVAULT_PASSPHRASE": PASSPHRASE, "XDG_STATE_HOME": str(root / "state")}
    vault = ["--vault", str(root / "vault")]
    if kind == "capture":
        return Scenario(root, ["media", "add", *files, *vault], env)
    if kind == "passwd":
        return Scenario(root, ["passwd", *vault], env | {"CHATVAULT_NEW_PASSPHRASE": NEW})
    assert _cli(["media", "add", *files, *vault], env).returncode == 0
    (root / "dest").mkdir()
    assert _cli(["backup", "add", "usb", "--folder", str(root / "dest"), *vault], env).returncode == 0
    if kind == "backup":
        return Scenario(root, ["backup", "run", *vault], env)
    if kind == "restore":
        assert _cli(["backup", "run", *vault], env).returncode == 0
        return Scenario(root, ["restore", "latest", "--to", str(root / "restored"), "--from-folder",
                               str(root / "dest"), "--check"], env)
    # check --repair with something to repair: an orphan blob, a stale temp, a partial last page.
    media = root / "vault" / "media"
    orphan = media / "ab" / "cd" / ("abcd" + "0" * 60)
    orphan.parent.mkdir(parents=True, exist_ok=True)
    orphan.write_bytes(os.urandom(100))
    (media / ".partial").mkdir(exist_ok=True)
    (media / ".partial" / "stale.tmp").write_bytes(b"x" * 100)
    with open(root / "vault" / "vault.db", "ab") as fh:
        fh.write(os.urandom(3000))
    return Scenario(root, ["check", "--repair", *vault], env)


def _after(kind: str, sc: Scenario, work: Path) -> None:
    """Space is back: the vault checks clean and the command succeeds when run again."""
    vault = work / "vault"
    passphrase = PASSPHRASE
    if kind == "passwd":
        from chatvault.errors import WrongPassphrase
        from chatvault.vault.vault import open_vault

        opens = []
        for p in (PASSPHRASE, NEW):
            try:
                open_vault(vault, p).lock()
                opens.append(p)
            except WrongPassphrase:
                pass
        assert len(opens) == 1, opens                  # exactly one of old and new, never neither
        passphrase = opens[0]
    _check_ok(vault, passphrase)
    if kind == "restore":
        restored = work / "restored"
        if (restored / "vault.json").exists():
            r = _cli(["check", "--vault", str(restored)], {"CHATVAULT_PASSPHRASE": PASSPHRASE})
            assert r.returncode == 0 or json.loads(r.stdout).get("error") == "integrity", r.stdout
        shutil.rmtree(restored, ignore_errors=True)
    if kind == "backup":     # no snapshot that fails verification is listed (no false success)
        assert _in_process(["backup", "verify", "--vault", str(vault)], {"CHATVAULT_PASSPHRASE": passphrase}) == 0
    assert _in_process(sc.args_in(work), sc.env_in(work) | {"CHATVAULT_PASSPHRASE": passphrase}) == 0


def _in_process(args: list[str], env: dict[str, str]) -> int:
    """The same command again, in this process (no limit here): saves a Python start per case."""
    import contextlib
    import io

    from chatvault.cli import main

    saved = {k: os.environ.get(k) for k in env}
    os.environ.update(env)
    out = io.StringIO()
    try:
        with contextlib.redirect_stdout(out), contextlib.redirect_stderr(out):
            code = main([*args, "--json"])
    finally:
        for k, v in saved.items():
            if v is None:
                os.environ.pop(k, None)
            else:
                os.environ[k] = v
    assert code == 0, out.getvalue()
    return code


@pytest.mark.parametrize("kind", ["capture", "passwd", "backup", "restore", "check-repair"])
def test_disk_full_at_every_fault_point(kind: str, tmp_path: Path) -> None:
    sc = _scenario(kind, tmp_path)
    points = sc.trace()
    assert points["db.page1"] >= 1
    cases: list[tuple[str, int | None]] = []
    for name, n in sorted(points.items()):
        cases.append((f"{name}:1:fsize=0", None))
        if n > 2:
            cases.append((f"{name}:{n}:fsize=0", None))
    cases += [("", limit) for limit in (16384, 150_000)]      # full from the start, at two byte sizes
    for i, (fault, limit) in enumerate(cases):
        work = sc.copy(str(i))
        r = _cli(sc.args_in(work), sc.env_in(work) | {"CHATVAULT_FAULT": fault}, limit)
        _assert_clean_failure(r, f"{kind} {fault or limit}")
        _after(kind, sc, work)
        shutil.rmtree(work)


def test_watch_capture_meets_a_full_disk_at_commit_and_resumes(tmp_path: Path) -> None:
    """The watcher's blob is durable but its COMMIT meets a full disk: the service keeps running,
    keeps the files pending (nothing half-recorded), and captures them all once space is back."""
    import time

    from chatvault.vault.vault import create_vault

    v, _ = create_vault(tmp_path / "vault", PASSPHRASE)
    v.lock()
    folder = tmp_path / "photos"
    folder.mkdir()
    for i in range(3):
        (folder / f"p{i}.bin").write_bytes(os.urandom(20_000 + i))
    env = {"CHATVAULT_PASSPHRASE": PASSPHRASE, "XDG_STATE_HOME": str(tmp_path / "state")}
    vault = ["--vault", str(tmp_path / "vault")]
    assert _cli(["watch", "add", str(folder), *vault], env).returncode == 0

    def watch(extra: dict[str, str], until: Callable[[], bool]) -> subprocess.CompletedProcess:
        full = dict(os.environ, CHATVAULT_INSECURE_FAST_KDF="1") | env | extra
        proc = subprocess.Popen([sys.executable, "-m", "chatvault", "watch", "run", "--debounce", "0.2", *vault],
                                stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=full)
        deadline = time.monotonic() + 30
        while not until() and time.monotonic() < deadline and proc.poll() is None:
            time.sleep(0.1)
        proc.send_signal(signal.SIGTERM)
        out, err = proc.communicate(timeout=30)
        return subprocess.CompletedProcess(proc.args, proc.returncode, out, err)

    trace = tmp_path / "trace.txt"
    r = watch({"CHATVAULT_FAULT": "capture.after_put:1:fsize=0", "CHATVAULT_FAULT_TRACE": str(trace)},
              lambda: trace.exists() and trace.read_text().count("capture.after_put") >= 1 and
              time.sleep(1.0) is None)
    assert r.returncode == 0 and "Traceback" not in r.stderr and "ERROR CORE" not in r.stderr, r.stdout + r.stderr
    assert [line for line in r.stdout.splitlines() if "pending" in line][-1].endswith("0 captured, 3 pending"), r.stdout

    def captured() -> int:
        from chatvault.vault.vault import open_vault

        vv = open_vault(tmp_path / "vault", PASSPHRASE)
        try:
            conn = vv.connect(readonly=True)
            try:
                return int(conn.execute("SELECT count(*) FROM watch_files WHERE blob_id IS NOT NULL").fetchone()[0])
            finally:
                conn.close()
        finally:
            vv.lock()

    assert captured() == 0                              # nothing recorded from the failed COMMIT
    r = watch({}, lambda: captured() == 3)
    assert r.returncode == 0 and captured() == 3, r.stdout + r.stderr
    _check_ok(tmp_path / "vault", PASSPHRASE)
