"""`chatvault import`, `imports` and `formats` as a user runs them (separate processes)."""

from __future__ import annotations

import io
import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

from tests.conftest import PASSPHRASE
from tests.import_fixtures import (
    simple_chat,
    telegram_chat,
    whatsapp_locale,
    write_telegram_folder,
    write_txt,
    write_zip,
)


def env_for(vault_path: Path) -> dict[str, str]:
    return {"CHATVAULT_VAULT": str(vault_path), "CHATVAULT_PASSPHRASE": PASSPHRASE, "TZ": "UTC"}


def test_import_json_imports_and_formats(cli, vault, tmp_path: Path) -> None:
    vault.lock()
    env = env_for(vault.path)
    ex = whatsapp_locale("es")
    wa = write_zip(tmp_path / "WhatsApp Chat with Trip.zip", "WhatsApp Chat with Trip.txt", ex.lines, ex.media)
    r = cli("import", str(wa), "--json", "--me", "Bob", env=env)
    assert r.returncode == 0, r.stderr
    out = json.loads(r.stdout)
    for key in ("added", "already_present", "missing_at_source", "attachments_stored", "attachments_missing",
                "unparsed", "unparsed_lines", "run_id", "format", "outcome", "warnings"):
        assert key in out
    assert out["added"] == len(ex.expected) and out["format"] == "whatsapp" and out["outcome"] == "ok"
    chat, media = telegram_chat()
    tg = tmp_path / "tg"
    write_telegram_folder(tg, chat, media)
    r = cli("import", str(wa), str(tg), env=env)
    assert r.returncode == 0, r.stderr
    assert f"already present {len(ex.expected)}" in r.stdout and "added 17" in r.stdout
    r = cli("imports", "--json", env=env)
    runs = json.loads(r.stdout)["runs"]
    assert [x["format"] for x in runs] == ["telegram", "whatsapp", "whatsapp"]
    assert runs[0]["counts"]["added"] == 17 and runs[0]["outcome"] == "ok"
    r = cli("formats", "--json", env=env)
    names = [f["name"] for f in json.loads(r.stdout)["formats"]]
    assert names[:2] == ["whatsapp", "telegram"]
    assert all(f["recognised_by"] for f in json.loads(r.stdout)["formats"])


def test_errors_exit_1_with_json(cli, vault, tmp_path: Path) -> None:
    vault.lock()
    env = env_for(vault.path)
    junk = tmp_path / "junk.bin"
    junk.write_bytes(os.urandom(4096))
    r = cli("import", str(junk), "--json", env=env)
    assert r.returncode == 1
    out = json.loads(r.stdout)
    assert out["error"] == "unknown_format" and "Tried: whatsapp" in out["message"]
    lines = ["preamble", "14/03/2023, 10:00 - A: hi"]
    r = cli("import", str(write_txt(tmp_path / "c.txt", lines)), env=env)
    assert r.returncode == 0 and "not understood: 1" in r.stdout and "c.txt:1" in r.stdout
    r = cli("imports", "--unparsed", "1", "--json", env=env)
    run_ids = json.loads(cli("imports", "--json", env=env).stdout)["runs"]
    ok_run = run_ids[0]["id"]
    r = cli("imports", "--unparsed", str(ok_run), "--json", env=env)
    assert json.loads(r.stdout)["unparsed"][0]["raw"] == "preamble"


def _committed(vault_path: Path) -> int:
    """Messages the running import has committed so far (a reader beside the writer, WAL)."""
    from chatvault.vault.vault import open_vault

    v = open_vault(vault_path, PASSPHRASE)
    try:
        conn = v.connect(readonly=True)
        n = conn.execute("SELECT count(*) FROM messages").fetchone()[0]
        conn.close()
        return int(n)
    finally:
        v.lock()


def test_ctrl_c_cancels_cleanly(vault, tmp_path: Path) -> None:
    vault.lock()
    n = 60000
    path = write_txt(tmp_path / "big.txt", simple_chat(n))
    env = dict(os.environ, **env_for(vault.path), CHATVAULT_IMPORT_BATCH="1000")
    p = subprocess.Popen([sys.executable, "-m", "chatvault", "import", str(path), "--json"], env=env,
                         stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    deadline = time.monotonic() + 60
    while _committed(vault.path) == 0 and time.monotonic() < deadline and p.poll() is None:
        time.sleep(0.05)
    p.send_signal(signal.SIGINT)
    out, err = p.communicate(timeout=60)
    assert p.returncode == 1, err
    report = json.loads(out)
    assert report["outcome"] == "cancelled" and 0 < report["added"] < n
    assert _committed(vault.path) == report["added"]
    r = subprocess.run([sys.executable, "-m", "chatvault", "import", str(path), "--json"], env=env,
                       capture_output=True, text=True, timeout=120)
    done = json.loads(r.stdout)
    assert done["added"] + report["added"] == n and done["resumed_from"] == report["run_id"]


def test_progress_line_renders() -> None:
    from chatvault.cli.progress import line as _line
    from chatvault.jobs.context import Progress

    text = _line(Progress(items_done=1500, bytes_done=512, bytes_total=1024, rate_items=3000.0, eta_seconds=65), "x.zip")
    assert "50.0%" in text and "1,500 messages" in text and "3,000/s" in text and "ETA 1:05" in text


def _jpeg(color: str) -> bytes:
    from PIL import Image

    out = io.BytesIO()
    Image.new("RGB", (640, 480), color).save(out, "JPEG")
    return out.getvalue()


def test_import_makes_thumbnails_of_the_photos(cli, vault, tmp_path: Path) -> None:
    vault.lock()
    env = env_for(vault.path)
    chat, media = telegram_chat()
    media["photos/photo_1@01-05-2024_10-06-00.jpg"] = _jpeg("red")      # a real photo
    tg = tmp_path / "tg"
    write_telegram_folder(tg, chat, media)
    r = cli("import", str(tg), "--json", "--no-thumbnails", env=env)
    assert r.returncode == 0, r.stderr
    assert "thumbnails" not in json.loads(r.stdout)
    listed = json.loads(cli("media", "ls", "--json", env=env).stdout)["media"]
    photo = [m for m in listed if m["name"].startswith("photo_1")]
    assert photo and not photo[0]["has_thumbnail"]
    r = cli("import", str(tg), "--reread", env=env)           # the default: thumbnails after the import
    assert r.returncode == 0, r.stderr
    assert "Thumbnails: 2 made" in r.stdout                   # the photo and the webp sticker
    listed = json.loads(cli("media", "ls", "--json", env=env).stdout)["media"]
    assert all(m["has_thumbnail"] for m in listed if m["mime"].startswith("image/"))
    r = cli("import", str(tg), "--json", "--reread", env=env)  # nothing left to do
    assert json.loads(r.stdout)["thumbnails"] == {"made": 0, "failed": 0}
