"""kill -9 at every import fault point: the vault stays whole, and importing again completes the job."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tests.conftest import PASSPHRASE
from tests.import_fixtures import JPEG_HEAD, simple_chat, write_zip

N = 1500
SCRIPT = """
import sys
from pathlib import Path
from chatvault.vault.vault import open_vault
from chatvault.ingest.engine import run_import
from chatvault.importers.base import ImportOptions
v = open_vault(Path(sys.argv[1]), sys.argv[3])
r = run_import(v, Path(sys.argv[2]), options=ImportOptions(options={"tz": "UTC"}))
print(r.outcome, r.added)
"""


def export(tmp_path: Path) -> tuple[Path, int]:
    lines = simple_chat(N)
    media = {}
    for i in range(0, N, 100):       # every 100th message carries a photo in the zip
        name = f"IMG-2023-WA{i:04d}.jpg"
        lines[i] = lines[i].split(": ", 1)[0] + f": {name} (file attached)"
        media[name] = JPEG_HEAD + i.to_bytes(4, "big")
    return write_zip(tmp_path / "WhatsApp Chat with Bob.zip", "WhatsApp Chat with Bob.txt", lines, media), len(media)


def run_child(vault_path: Path, path: Path, fault: str | None) -> subprocess.CompletedProcess:
    env = dict(os.environ, CHATVAULT_IMPORT_BATCH="300", CHATVAULT_INSECURE_FAST_KDF="1")
    env.pop("CHATVAULT_FAULT", None)
    if fault:
        env["CHATVAULT_FAULT"] = fault
    return subprocess.run([sys.executable, "-c", SCRIPT, str(vault_path), str(path), PASSPHRASE],
                          capture_output=True, text=True, env=env, timeout=120)


def state(vault_path: Path) -> dict:
    from chatvault.check import run_checks
    from chatvault.vault.vault import open_vault

    v = open_vault(vault_path, PASSPHRASE)
    try:
        report = run_checks(v)
        assert report.ok, report.to_json()
        unfinished = [p for p in report.problems if p.area == "imports"]
        conn = v.connect(readonly=True)
        one = lambda sql: conn.execute(sql).fetchone()[0]  # noqa: E731
        runs = conn.execute("SELECT id, outcome, counts FROM import_runs ORDER BY id").fetchall()
        per_run = dict(conn.execute("SELECT first_run_id, count(*) FROM messages GROUP BY first_run_id").fetchall())
        out = {
            "messages": one("SELECT count(*) FROM messages"),
            "dups": one("SELECT count(*) - count(DISTINCT source_key) FROM messages"),
            "with_att": one("SELECT count(*) FROM messages WHERE kind = 'image'"),
            "att": one("SELECT count(*) FROM attachments"),
            "stored": one("SELECT count(*) FROM attachments WHERE status = 'stored'"),
            "dangling": one("SELECT count(*) FROM attachments a WHERE a.blob_id IS NOT NULL AND "
                            "NOT EXISTS (SELECT 1 FROM blobs b WHERE b.id = a.blob_id)"),
            "indexed": one("SELECT count(*) FROM search_fts"),
            "texts": one("SELECT count(*) FROM messages WHERE text IS NOT NULL"),
            "runs": [(r[0], r[1], json.loads(r[2] or "{}").get("added", 0)) for r in runs],
            "per_run": per_run,
            "unfinished": len(unfinished),
        }
        conn.close()
        from chatvault.media.blobstore import BlobStore

        store = BlobStore(v)
        ids = [r[0] for r in v.connect(readonly=True).execute("SELECT id FROM blobs")]
        assert all(store.exists(i) for i in ids)   # every blob row points at a durable file
        return out
    finally:
        v.lock()


@pytest.mark.parametrize("fault", [
    "import.after_start:1:kill",
    "import.after_messages:1:kill",
    "import.after_messages:3:kill",
    "import.after_blob:1:kill",
    "import.after_blob:6:kill",
    "import.before_commit:1:kill",
    "import.before_commit:3:kill",
    "import.after_commit:2:kill",
    "import.before_finish:1:kill",
    "blob.before_rename:4:kill",
])
def test_kill_then_reimport(vault, tmp_path: Path, fault: str) -> None:
    path, photos = export(tmp_path)
    vault_path = vault.path
    vault.lock()
    killed = run_child(vault_path, path, fault)
    assert killed.returncode == -signal.SIGKILL, killed.stderr
    s = state(vault_path)
    # Consistent: no duplicates, every attachment's message and blob exist, each message indexed with it.
    assert s["dups"] == 0 and s["dangling"] == 0
    assert s["att"] == s["with_att"] and s["indexed"] == s["texts"]
    # No partial batch: what the run row says it added is exactly what is in the vault.
    (run_id, outcome, added), = s["runs"]
    assert outcome == "running" and added == s["per_run"].get(run_id, 0) == s["messages"]
    assert s["unfinished"] == 1          # `chatvault check` names the unfinished run
    done = run_child(vault_path, path, None)
    assert done.returncode == 0, done.stderr
    assert done.stdout.split() == ["ok", str(N - s["messages"])]
    s2 = state(vault_path)
    assert s2["messages"] == N and s2["dups"] == 0 and s2["stored"] == photos == s2["att"]
    assert [r[1] for r in s2["runs"]] == ["interrupted", "ok"] and s2["indexed"] == s2["texts"]
    assert s2["unfinished"] == 0


def test_kill_with_a_parse_process_leaves_no_orphan(vault, tmp_path: Path, monkeypatch) -> None:
    """The writer killed while a parse process feeds it: the child's next write fails and it exits."""
    monkeypatch.setenv("CHATVAULT_IMPORT_PROCESS", "1")
    path, _photos = export(tmp_path)
    vault_path = vault.path
    vault.lock()
    killed = run_child(vault_path, path, "import.after_messages:2:kill")
    assert killed.returncode == -signal.SIGKILL, killed.stderr
    s = state(vault_path)
    assert s["dups"] == 0 and s["dangling"] == 0 and s["indexed"] == s["texts"]

    def parsers() -> list[str]:
        out = []
        for proc in Path("/proc").iterdir():
            try:
                cmd = (proc / "cmdline").read_bytes().replace(b"\0", b" ").decode()
            except OSError:
                continue
            if "-m chatvault.ingest.parse" in cmd:
                out.append(cmd)
        return out

    deadline = time.monotonic() + 10
    while parsers() and time.monotonic() < deadline:
        time.sleep(0.1)
    assert parsers() == []
    done = run_child(vault_path, path, None)
    assert done.returncode == 0, done.stderr
    assert done.stdout.split() == ["ok", str(N - s["messages"])]
