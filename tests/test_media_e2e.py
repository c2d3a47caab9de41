"""Media through the real import engine and importers: stored, missing, filled later, auto-imported."""

from __future__ import annotations

import json
import time
from pathlib import Path

from chatvault.importers.base import ImportOptions
from chatvault.ingest.engine import run_import
from chatvault.media.blobstore import BlobStore
from chatvault.watch import WatchService
from chatvault.watch.folders import add_folder
from tests.conftest import PASSPHRASE
from tests.import_fixtures import whatsapp_locale, write_txt, write_zip
from tests.test_media_support import make_jpeg

UTC = ImportOptions(options={"tz": "UTC"})


def env_for(vault: Path) -> dict[str, str]:
    return {"CHATVAULT_VAULT": str(vault), "CHATVAULT_PASSPHRASE": PASSPHRASE}


def test_export_without_media_then_file_fills_the_row(vault, vault_path, tmp_path, cli) -> None:
    photo = make_jpeg(77, 55, seed=11)
    ex = whatsapp_locale("en", media_names=["IMG-20230314-WA0001.jpg"])
    txt = write_txt(tmp_path / "WhatsApp Chat with Trip.txt", ex.lines)  # the .txt alone: no media
    run_import(vault, txt, options=UTC)
    conn = vault.connect(readonly=True)
    before = conn.execute("SELECT count(*) FROM attachments").fetchone()[0]
    conn.close()
    vault.lock()
    r = cli("media", "missing", "--json", env=env_for(vault_path))
    missing = json.loads(r.stdout)["missing"]
    assert "IMG-20230314-WA0001.jpg" in {m["name"] for m in missing}
    src = tmp_path / "found" / "IMG-20230314-WA0001.jpg"
    src.parent.mkdir()
    src.write_bytes(photo)
    r = cli("media", "add", str(src), "--json", env=env_for(vault_path))
    assert r.returncode == 0, r.stderr
    filled = json.loads(r.stdout)["added"][0]["filled_attachments"]
    assert len(filled) == 1
    r = cli("media", "ls", "--json", env=env_for(vault_path))
    media = json.loads(r.stdout)["media"]
    assert [(m["attachment_id"], m["mime"], m["width"]) for m in media] == [(filled[0], "image/jpeg", 77)]
    r = cli("info", "--json", env=env_for(vault_path))
    assert json.loads(r.stdout)["attachments"] == before  # filled in place, no new row
    r = cli("check", "--read-data", "--json", env=env_for(vault_path))
    assert json.loads(r.stdout)["ok"]


def test_zip_import_stores_media_and_thumbnails(vault, tmp_path) -> None:
    from chatvault.jobs.context import JobContext
    from chatvault.media.thumbnails import generate_thumbnails, thumbnail_for

    photo = make_jpeg(400, 300, seed=12)
    ex = whatsapp_locale("en", media_names=["IMG-20230314-WA0001.jpg"])
    ex.media["IMG-20230314-WA0001.jpg"] = photo
    z = write_zip(tmp_path / "WhatsApp Chat with Trip.zip", "WhatsApp Chat with Trip.txt", ex.lines, ex.media)
    run_import(vault, z, options=UTC)
    assert generate_thumbnails(vault, JobContext()).made == 1
    conn = vault.connect(readonly=True)
    att, blob = conn.execute("SELECT id, blob_id FROM attachments WHERE original_name = ?",
                             ("IMG-20230314-WA0001.jpg",)).fetchone()
    store = BlobStore(vault)
    assert store.read_all(blob) == photo
    assert thumbnail_for(conn, store, att)[:3] == b"\xff\xd8\xff"
    conn.close()


def test_auto_import_folder_imports_a_finished_export(vault, tmp_path) -> None:
    downloads = tmp_path / "Downloads"
    downloads.mkdir()
    conn = vault.connect()
    add_folder(conn, downloads, "auto-import")
    conn.close()
    ex = whatsapp_locale("en")
    s = WatchService(vault, debounce=0.3, tick=0.05)
    s.start()
    try:
        write_zip(tmp_path / "staging.zip", "WhatsApp Chat with Trip.txt", ex.lines, ex.media)
        (tmp_path / "staging.zip").rename(downloads / "WhatsApp Chat with Trip.zip")
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline and not s.status().folders[0].imported:
            time.sleep(0.1)
    finally:
        s.stop()
    assert s.status().folders[0].imported == 1, s.status()
    conn = vault.connect(readonly=True)
    n = conn.execute("SELECT count(*) FROM messages").fetchone()[0]
    ev = conn.execute("SELECT event FROM capture_log").fetchall()
    conn.close()
    assert n == len(ex.expected) and [e[0] for e in ev] == ["imported"]
