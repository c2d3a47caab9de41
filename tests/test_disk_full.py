"""RELIABILITY.md rows 7, 8 and 30: the disk fills up (or a write fails) at any moment of an import.

`eio-*` cases raise EIO at a fault point instead (an fsync that fails is fatal, never retried and
ignored); the others fill the disk there.

The "full disk" is an `RLIMIT_FSIZE` set in a child process at a chosen fault point (SIGXFSZ
ignored, so writes fail with EFBIG and a write across the limit is cut short, as on a full disk):
it needs neither root nor a mount, so it runs in CI. `tests/diskfull_harness.py` runs the cases.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import PASSPHRASE
from tests.import_fixtures import JPEG_HEAD, simple_chat, telegram_chat, write_telegram_folder, write_zip

N = 400          # messages of the import that meets the full disk
BATCH = 100      # a COMMIT every 100 messages, then the final one and the run record's

# (name, fault, template): `last` = the last hit of a clean run, `fsize=db+N` = N bytes past vault.db's size.
CASES = [
    ("start", "import.after_start:1:fsize=0", None),
    ("first-batch", "import.after_messages:1:fsize=0", None),
    ("middle-batch", "import.after_messages:3:fsize=0", None),
    ("commit-1", "import.before_commit:1:fsize=0", None),
    ("commit-3", "import.before_commit:3:fsize=0", None),
    ("final-data-commit", "import.before_commit:last-1:fsize=0", None),
    ("run-record-commit", "import.before_commit:last:fsize=0", None),
    ("commit-torn-wal-frame", "import.before_commit:2:fsize=data+1266032", None),   # = db+70000 at schema 15
    ("rollback-after-failed-commit", "import.before_commit:2:fsize=0,db.rollback:1:oserror", None),
    ("after-commit", "import.after_commit:2:fsize=0", None),
    ("first-blob", "import.after_blob:1:fsize=0", None),
    ("blob-write", "blob.write:2:fsize=0", None),
    ("blob-rename", "blob.before_rename:3:fsize=0", None),
    ("last-blob", "import.after_blob:last:fsize=0", None),
    ("finish", "import.before_finish:1:fsize=0", None),
    ("close-checkpoint", "import.before_close:1:fsize=0", None),
    ("close-checkpoint-page-1", "import.before_close:1:fsize=4096", None),
    ("close-checkpoint-torn-tail", "import.before_close:1:fsize=db+5000", None),
    ("eio-blob-fsync", "blob.before_fsync:2:oserror", None),
    ("eio-blob-dir-fsync", "blob.before_dir_fsync:4:oserror", None),
    ("eio-before-commit", "import.before_commit:3:oserror", None),
    ("eio-after-commit", "import.after_commit:1:oserror", None),
    ("eio-finish", "import.before_finish:1:oserror", None),
    ("open-page-1-trial", "db.page1:1:fsize=0", None),
    ("open-page-1-enospc", "db.page1:1:enospc", None),
    ("import-page-1-eio", "db.page1:2:oserror", None),
    ("next-open-checkpoint", "db.page1:1:fsize=0", "wal"),
    ("next-open-wal-recovery", "db.page1:1:fsize=16384", "wal"),
    ("next-open-checkpoint-midway", "db.page1:1:fsize=db+20000", "wal"),
    ("next-open-checkpoint-torn-tail", "db.page1:1:fsize=db+5000", "wal"),
]


def _export(tmp_path: Path) -> Path:
    lines = simple_chat(N)
    media = {}
    for i in range(0, N, 40):                       # 10 photos, spread over the batches
        name = f"IMG-2023-WA{i:04d}.jpg"
        lines[i] = lines[i].split(": ", 1)[0] + f": {name} (file attached)"
        media[name] = JPEG_HEAD + os.urandom(3000)
    return write_zip(tmp_path / "WhatsApp Chat with Bob.zip", "WhatsApp Chat with Bob.txt", lines, media)


def _templates(tmp_path: Path) -> tuple[Path, Path, int]:
    """A vault after a small Telegram import, and a copy of it taken while a second import's
    commits were still only in the WAL (what a crash leaves for the next open to checkpoint)."""
    from chatvault.ingest.engine import run_import
    from chatvault.vault.vault import create_vault

    base = tmp_path / "template"
    v, _ = create_vault(base, PASSPHRASE)
    chat, media = telegram_chat(with_media=False)
    run_import(v, write_telegram_folder(tmp_path / "tg", chat, media).parent)
    holder = v.connect(readonly=True)               # keeps the next import's frames in the WAL
    holder.execute("SELECT count(*) FROM messages").fetchone()
    chat2, _ = telegram_chat(chat_id=5151, name="Second", with_media=False)
    run_import(v, write_telegram_folder(tmp_path / "tg2", chat2, {}).parent)
    wal = tmp_path / "template-wal"
    shutil.copytree(base, wal)                      # a crash state: committed frames not checkpointed
    assert (wal / "vault.db-wal").stat().st_size > 0
    messages = holder.execute("SELECT count(*) FROM messages").fetchone()[0]
    holder.close()
    v.lock()
    return base, wal, messages


def test_disk_full_at_every_moment_of_an_import(tmp_path: Path) -> None:
    base, wal, messages = _templates(tmp_path)
    export = _export(tmp_path)
    work = tmp_path / "work"
    work.mkdir()
    spec = {"template": str(base), "workdir": str(work), "export": str(export), "passphrase": PASSPHRASE,
            "messages": messages,
            "cases": [{"name": n, "fault": f, "template": str(wal) if t else None} for n, f, t in CASES]}
    spec_path = tmp_path / "spec.json"
    spec_path.write_text(json.dumps(spec))
    env = dict(os.environ, CHATVAULT_IMPORT_BATCH=str(BATCH), CHATVAULT_INSECURE_FAST_KDF="1")
    env.pop("CHATVAULT_FAULT", None)
    proc = subprocess.run([sys.executable, "-m", "tests.diskfull_harness", str(spec_path)],
                          capture_output=True, text=True, env=env, timeout=300)
    assert proc.returncode == 0, proc.stderr[-3000:]
    assert "ERROR CORE" not in proc.stderr            # SQLCipher's log is not the terminal's business
    out = json.loads(proc.stdout)
    total = messages + N
    assert out["clean"]["messages"] == total and out["counts"]["import.before_commit"] >= 5
    assert len(out["results"]) == len(CASES) >= 20
    for r in out["results"]:
        name, err = r["name"], r["error"]
        assert "recovery_failed" not in r, r.get("recovery_failed")
        committed = r["before"] + (r["acked"][-1] if r["acked"] else 0)
        if name.startswith("close-checkpoint"):
            # Every commit went through; only copying the WAL into vault.db met the full disk.
            assert err is None and r["outcome"] == "ok" and committed == total, r
        else:
            assert err is not None and err["code"] in ("disk_full", "storage"), r
        if name.endswith("torn-tail"):          # the full disk cut a page short: vault.db is not whole pages
            assert r["tail"] != 0, r
        if name.endswith("page-1"):             # ... or wrote only the first 4 KiB of page 1
            assert r["page1_torn"], r
        # Space is back: the vault opens with exactly what was committed, whole, and checks clean.
        assert r["after"]["messages"] == committed and r["after"]["dups"] == 0, r
        assert r["after"]["check_errors"] == [] and r["after"]["whole_pages"], r
        # ... and the same import completes.
        assert r["again"] == "ok", r
        assert r["final"]["messages"] == r["before"] + N and r["final"]["check_errors"] == [], r
    assert len({(n, f, t) for n, f, t in CASES}) == len(CASES)


@pytest.mark.parametrize("action, code", [("enospc", "disk_full"), ("oserror", "storage")])
def test_injected_error_in_the_page_1_trial_is_the_environment(vault, cli, action: str, code: str) -> None:
    """An ENOSPC/EIO while `connect()` tries page settings on page 1 is reported as such, not as a
    wrong passphrase, damage or a bug; nothing changes, and the next open works."""
    path = vault.path
    vault.lock()
    env = {"CHATVAULT_PASSPHRASE": PASSPHRASE, "CHATVAULT_FAULT": f"db.page1:1:{action}"}
    r = cli("info", "--vault", str(path), "--json", env=env)
    assert r.returncode == 1 and json.loads(r.stdout)["error"] == code, r.stdout + r.stderr
    env.pop("CHATVAULT_FAULT")
    ok = cli("check", "--vault", str(path), "--json", env=env | {"CHATVAULT_FAULT": ""})
    assert ok.returncode == 0 and json.loads(ok.stdout)["ok"], ok.stdout
