"""RELIABILITY row 17: after a full session no plaintext is left anywhere but the user-chosen export folder.

One scenario, every step a real `chatvault` process in an isolated home (HOME, XDG_* and TMPDIR point
into the test folder, so the platform data/log/config/cache folders, the private work folder
`<data>/tmp` and every temporary file of the processes land where they can be scanned):

  import a WhatsApp .zip and a Telegram folder carrying text canaries (message text, chat title, a
  media file name) and media files with distinctive 4 KiB byte runs; capture one more file through
  the watch service (`watch run`); make thumbnails; search and view (show, media cat); export the
  media to a chosen folder; back up to a folder destination (with the restore test, which restores
  into TMPDIR) and to S3 (SeaweedFS); every process exits, which locks the vault.

Then the vault folder, the backup folder, every S3 object version (downloaded), the whole isolated
home (data dir with its work folder, log dir, config, cache), TMPDIR and XDG_RUNTIME_DIR are read
byte by byte: 0 hits for the text canaries (UTF-8, UTF-16 LE/BE, JSON-escaped) and the media byte
runs (whole, and 64-byte windows of them). ChatVault has no crash-report folder of its own: the
desktop app's crash handler writes to the log folder, which is scanned. Chat export (HTML/CSV) does
not exist yet; `media export --to DIR` is the only "export to a chosen folder", and that folder is the
one place plaintext is expected (checked, then left out of the scan).
"""

from __future__ import annotations

import json
import os
import random
import signal
import subprocess
import sys
import time
import uuid
import zipfile
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from tests.conftest import PASSPHRASE
from tests.import_fixtures import LAYOUTS, write_telegram_folder
from tests.s3_server import S3Server, s3_server  # noqa: F401 - the session fixture
from tests.test_media_support import make_jpeg

pytestmark = pytest.mark.s3


def _canaries() -> tuple[dict[str, str], dict[str, bytes]]:
    tag = uuid.uuid4().hex[:12]
    text = {
        "wa_text": f"CVCANARY{tag}wa",                       # ASCII
        "wa_text_cjk": f"机密消息{tag}Geheimnisß",              # non-ASCII: UTF-8 and escaped JSON differ
        "wa_title": f"Chat{tag}title",                        # the chat title (from the export's file name)
        "wa_media_name": f"IMG{tag}name.jpg",                 # a media file name inside the zip
        "tg_text": f"电报{tag}секрет",
        "tg_entity": f"bold{tag}part",
        "tg_title": f"Group{tag}title",
        "tg_media_name": f"doc{tag}file.bin",
        "watch_name": f"scan{tag}watched.bin",                # a file name in a watched folder
    }
    rnd = random.Random(tag)
    runs = {k: rnd.randbytes(4096) for k in ("wa_jpeg", "tg_file", "watch_file")}
    return text, runs


def _needles(text: dict[str, str], runs: dict[str, bytes]) -> dict[str, bytes]:
    out: dict[str, bytes] = {}
    for name, c in text.items():
        out[f"{name}/utf-8"] = c.encode("utf-8")
        out[f"{name}/utf-16-le"] = c.encode("utf-16-le")
        out[f"{name}/utf-16-be"] = c.encode("utf-16-be")
        out[f"{name}/json-escaped"] = json.dumps(c)[1:-1].encode("ascii")
    for name, run in runs.items():
        out[f"{name}/whole"] = run
        for at in (0, 1000, 2048, 4096 - 64):
            out[f"{name}/bytes[{at}:{at + 64}]"] = run[at:at + 64]
    return out


def _scan(roots: list[Path], needles: dict[str, bytes], skip: list[Path]) -> tuple[list[str], int]:
    hits, files = [], 0
    for root in roots:
        for p in sorted(root.rglob("*")):
            if any(p == s or s in p.parents for s in skip) or not p.is_file() or p.is_symlink():
                continue
            files += 1
            data = p.read_bytes()
            hits += [f"{p}: {name}" for name, n in needles.items() if n in data]
    return hits, files


def _whatsapp_zip(src: Path, text: dict[str, str], runs: dict[str, bytes]) -> tuple[Path, bytes]:
    """A WhatsApp .zip export with the WhatsApp canaries; returns (path, the photo's bytes)."""
    lay = LAYOUTS["android-en-gb"]
    t0 = datetime(2024, 3, 14, 9, 0, tzinfo=UTC)   # day over 12: the date order is in the file
    jpeg = make_jpeg(48, 40, seed=17) + runs["wa_jpeg"]          # bytes after EOI: still a valid JPEG
    lines = [lay.stamp(t0) + f"Alice: hello {text['wa_text']}",
             lay.stamp(t0 + timedelta(minutes=1)) + f"Bob: {text['wa_text_cjk']} ok",
             lay.stamp(t0 + timedelta(minutes=2)) + f"Alice: {text['wa_media_name']} (file attached)",
             lay.stamp(t0 + timedelta(minutes=3)) + "Bob: thanks"]
    wa_zip = src / "wa.zip"
    with zipfile.ZipFile(wa_zip, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr(f"WhatsApp Chat with {text['wa_title']}.txt", "\n".join(lines) + "\n")
        zf.writestr(text["wa_media_name"], jpeg)
    return wa_zip, jpeg


def test_no_plaintext_outside_the_chosen_export_folder(cli, tmp_path: Path, s3_server: S3Server) -> None:  # noqa: F811
    text, runs = _canaries()
    home, tmpdir, run_dir = tmp_path / "home", tmp_path / "tmp", tmp_path / "run"
    for d in (home, tmpdir, run_dir):
        d.mkdir(mode=0o700)
    vault = home / "vault"
    env = {"HOME": str(home), "XDG_DATA_HOME": str(home / ".local/share"), "XDG_STATE_HOME": str(home / ".local/state"),
           "XDG_CONFIG_HOME": str(home / ".config"), "XDG_CACHE_HOME": str(home / ".cache"),
           "XDG_RUNTIME_DIR": str(run_dir), "TMPDIR": str(tmpdir), "CHATVAULT_VAULT": str(vault),
           "CHATVAULT_PASSPHRASE": PASSPHRASE} | s3_server.env()

    def ok(*args: str) -> dict | None:
        r = cli(*args, env=env)
        assert r.returncode == 0, (args, r.stdout[-2000:], r.stderr[-3000:])
        assert "Traceback" not in r.stderr
        return json.loads(r.stdout) if "--json" in args else None

    # --- the sources (outside the scanned roots) ---------------------------------------------
    src = tmp_path / "sources"
    src.mkdir()
    wa_zip, jpeg = _whatsapp_zip(src, text, runs)
    base = datetime(2024, 5, 1, 8, 0, tzinfo=UTC)
    tg_file = b"%canary-file%" + runs["tg_file"]
    msgs = [{"id": 1, "type": "message", "date": "2024-05-01T10:00:00", "date_unixtime": str(int(base.timestamp())),
             "from": "Carol", "from_id": "user7", "text": f"plain {text['tg_text']}"},
            {"id": 2, "type": "message", "date": "2024-05-01T10:01:00",
             "date_unixtime": str(int(base.timestamp()) + 60), "from": "Carol", "from_id": "user7",
             "text": ["see ", {"type": "bold", "text": text["tg_entity"]}]},
            {"id": 3, "type": "message", "date": "2024-05-01T10:02:00",
             "date_unixtime": str(int(base.timestamp()) + 120), "from": "Dan", "from_id": "user8",
             "file": f"files/{text['tg_media_name']}", "file_name": text["tg_media_name"],
             "mime_type": "application/octet-stream", "text": ""}]
    write_telegram_folder(src / "tg", {"name": text["tg_title"], "type": "private_group", "id": 77, "messages": msgs},
                          {f"files/{text['tg_media_name']}": tg_file})
    watched = src / "watched"
    watched.mkdir()

    # --- the session ---------------------------------------------------------------------------
    ok("init", "--json")
    ok("import", str(wa_zip), "--json")
    ok("import", str(src / "tg"), "--json")
    ok("watch", "add", str(watched), "--rule", "capture", "--json")
    (watched / text["watch_name"]).write_bytes(b"%watch%" + runs["watch_file"] * 3)
    proc = subprocess.Popen([sys.executable, "-m", "chatvault", "watch", "run", "--debounce", "0.2", "--json"],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=dict(os.environ) | env)
    try:
        deadline = time.monotonic() + 60
        while True:
            folders = ok("watch", "ls", "--json")["folders"]
            if folders[0]["files_captured"] >= 1:
                break
            assert time.monotonic() < deadline and proc.poll() is None, proc.stderr.read() if proc.poll() else ""
            time.sleep(0.2)
    finally:
        proc.send_signal(signal.SIGTERM)
        out, err = proc.communicate(timeout=30)
    assert proc.returncode == 0 and "Traceback" not in err, err
    ok("media", "thumbs", "--json")
    for c in (text["wa_text"], text["wa_text_cjk"], text["tg_text"], text["tg_entity"]):
        assert ok("search", c, "--json")["total"] == 1, c          # the canaries are really in the vault
    ok("show", text["tg_title"], "--json")
    media = ok("media", "ls", "--json")["media"]              # attachments; the captured file is a bare blob
    viewed = {subprocess.run([sys.executable, "-m", "chatvault", "media", "cat", str(m["attachment_id"])],
                             env=dict(os.environ) | env, capture_output=True, check=True).stdout for m in media}
    assert viewed == {jpeg, tg_file}
    chosen = tmp_path / "chosen-export"
    exported = ok("media", "export", *(str(m["attachment_id"]) for m in media), "--to", str(chosen), "--json")
    assert len(exported["written"]) == 2 and not exported["failed"]
    ok("check", "--read-data", "--json")                   # decrypts and authenticates every blob
    backup_dir = tmp_path / "backup-folder"
    backup_dir.mkdir()                                    # a missing folder reads as "drive not connected"
    bucket = s3_server.make_bucket(f"canary-{uuid.uuid4().hex[:8]}")
    ok("backup", "add", "disk", "--folder", str(backup_dir), "--restore-test", "--json")
    ok("backup", "add", "cloud", "--bucket", bucket, "--endpoint", s3_server.endpoint, "--prefix", "cv", "--json")
    runs_out = ok("backup", "run", "--json")
    assert runs_out["ok"] and all(r["ok"] for r in runs_out["runs"]), runs_out
    assert any(r.get("restore_tested") for r in runs_out["runs"])

    # --- the scan ------------------------------------------------------------------------------
    needles = _needles(text, runs)
    chosen_hits, _ = _scan([chosen], needles, [])
    assert chosen_hits, "the chosen export folder holds the plaintext media (the scan would find a leak)"
    s3_copy = tmp_path / "s3-objects"
    c = s3_server.client()
    n_objects = 0
    for page in c.get_paginator("list_object_versions").paginate(Bucket=bucket):
        for v in page.get("Versions", []):
            body = c.get_object(Bucket=bucket, Key=v["Key"], VersionId=v["VersionId"])["Body"].read()
            dest = s3_copy / v["Key"] / v["VersionId"]
            dest.parent.mkdir(parents=True, exist_ok=True)
            dest.write_bytes(body)
            n_objects += 1
    assert n_objects > 3
    log_file = home / ".local/state/ChatVault/log/chatvault.log"
    assert log_file.is_file()       # each process set up its log here (today the CLI's core logs nothing into it)
    roots = [home, tmpdir, run_dir, backup_dir, s3_copy]          # home holds the vault, data, log, config, cache
    hits, files = _scan(roots, needles, skip=[chosen])
    assert not hits, "\n".join(hits[:50])
    assert files > 20 and vault in [home / p.name for p in home.iterdir()]
    assert (vault / "vault.db").read_bytes()[:16] != b"SQLite format 3\x00"
    from chatvault.media.blobstore import BlobStore
    from chatvault.vault.vault import open_vault

    with open_vault(vault, PASSPHRASE) as v:                  # the watched file was captured whole
        store = BlobStore(v)
        assert b"%watch%" + runs["watch_file"] * 3 in {store.read_all(b) for b in store.iter_ids()}
    assert not list(tmpdir.iterdir()), sorted(p.name for p in tmpdir.iterdir())   # temp files cleaned up


def test_gui_session_leaves_no_plaintext(qtbot, tmp_path: Path, monkeypatch) -> None:
    """The desktop app's part of row 17, in this process: a wrong passphrase (itself a canary, logged as
    a failed background job), unlock, browse, search, the image viewer, the media page, Ctrl+L; the
    log file, TMPDIR (Qt's and Python's temp folder) and the isolated home then hold no canary."""
    import logging
    import tempfile

    from PySide6.QtCore import QSettings

    from chatvault import paths
    from chatvault.gui.dialogs.image_viewer import ImageViewer
    from chatvault.gui.dialogs.unlock import UnlockDialog
    from chatvault.gui.main_window import PAGE_GALLERY, PAGE_SEARCH, MainWindow
    from chatvault.hardening import setup_logging
    from chatvault.importers.base import ImportOptions
    from chatvault.ingest.engine import run_import
    from chatvault.vault.vault import create_vault

    text, runs = _canaries()
    text["wrong_passphrase"] = "pw" + text["wa_text"]
    home, tmpdir, run_dir, src = tmp_path / "home", tmp_path / "tmp", tmp_path / "run", tmp_path / "sources"
    for d in (home, tmpdir, run_dir, src):
        d.mkdir(mode=0o700)
    for k, v in {"HOME": home, "XDG_DATA_HOME": home / ".local/share", "XDG_STATE_HOME": home / ".local/state",
                 "XDG_CONFIG_HOME": home / ".config", "XDG_CACHE_HOME": home / ".cache", "XDG_RUNTIME_DIR": run_dir,
                 "TMPDIR": tmpdir}.items():
        monkeypatch.setenv(k, str(v))
    monkeypatch.setattr(tempfile, "tempdir", None)        # gettempdir() reads TMPDIR again
    QSettings.setPath(QSettings.Format.IniFormat, QSettings.Scope.UserScope, str(home / ".config"))
    root = logging.getLogger("chatvault")
    saved = list(root.handlers)
    for h in saved:
        root.removeHandler(h)
    log_file = setup_logging(paths.log_dir())
    assert log_file is not None and home in log_file.parents
    try:
        vault_path = home / "vault"
        v, _ = create_vault(vault_path, PASSPHRASE)
        wa_zip, _jpeg = _whatsapp_zip(src, text, runs)
        assert run_import(v, wa_zip, options=ImportOptions(options={"tz": "UTC"})).added == 4
        v.lock()

        dialog = UnlockDialog(vault_path)
        qtbot.addWidget(dialog)
        dialog.passphrase.setText(text["wrong_passphrase"])
        with qtbot.waitSignal(dialog.unlock_finished, timeout=30_000) as sig:
            dialog.unlock()
        assert sig.args == [False]
        dialog.passphrase.setText(PASSPHRASE)
        with qtbot.waitSignal(dialog.unlock_finished, timeout=30_000) as sig:
            dialog.unlock()
        assert sig.args == [True]
        win = MainWindow(dialog.vault)
        qtbot.addWidget(win)
        win.show()
        conv = next(c for c in win.chat_model.rows if c["display"] == text["wa_title"])
        win.open_conversation(conv)
        assert win.messages.model_.rowCount() >= 4
        win.show_page(PAGE_SEARCH)
        page = win.search_page
        with qtbot.waitSignal(page.worker.results, timeout=10_000):
            page.box.setText(text["wa_text_cjk"])
        assert page.model.rowCount() == 1
        page.list.activated.emit(page.model.index(0))
        items = win.gallery.conversation_images(conv["id"])
        assert len(items) == 1
        viewer = ImageViewer(win.vault, items, 0, win)
        viewer.show()
        qtbot.waitUntil(lambda: not viewer.image.isNull(), timeout=10_000)
        viewer.close()
        win.show_page(PAGE_GALLERY)
        qtbot.wait(300)
        monkeypatch.setattr(UnlockDialog, "open", lambda self: None)   # stay headless after locking
        with qtbot.waitSignal(win.locked, timeout=5000):
            win.act_lock.trigger()                                     # the Ctrl+L action
        assert win.vault is None
        for h in root.handlers:
            h.flush()
        assert "background job failed" in log_file.read_text()       # the wrong passphrase was logged...
        hits, files = _scan([home, tmpdir, run_dir], _needles(text, runs), skip=[])
        assert not hits, "\n".join(hits[:50])                          # ...without the passphrase or any canary
        assert files >= 3
    finally:
        for h in list(root.handlers):
            root.removeHandler(h)
            h.close()
        for h in saved:
            root.addHandler(h)
