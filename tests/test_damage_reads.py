"""RELIABILITY.md row 9, the reading side: a damaged vault.db makes every read command say
"damaged" with the page and what it holds (never "internal", never a wrong passphrase), `check
--repair` survives damage in any table it reads, and SQLCipher's log lines stay off the terminal."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from tests.conftest import PASSPHRASE
from tests.import_fixtures import JPEG_HEAD, simple_chat, write_zip

ENV = {"CHATVAULT_PASSPHRASE": PASSPHRASE}


@pytest.fixture
def filled(vault, tmp_path: Path):
    """A vault with 300 messages in one chat and 6 photos; the WAL checkpointed into vault.db."""
    from chatvault.importers.base import ImportOptions
    from chatvault.ingest.engine import run_import

    lines = simple_chat(300)
    media = {}
    for i in range(0, 300, 50):
        name = f"IMG-2023-WA{i:04d}.jpg"
        lines[i] = lines[i].split(": ", 1)[0] + f": {name} (file attached)"
        media[name] = JPEG_HEAD + os.urandom(2000)
    run_import(vault, write_zip(tmp_path / "WhatsApp Chat with Bob.zip", "WhatsApp Chat with Bob.txt", lines, media),
               options=ImportOptions(options={"tz": "UTC"}))
    conn = vault.connect()
    conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    conn.close()
    path = vault.path
    vault.lock()
    return path


def _layout(path: Path) -> tuple[int, dict[str, int]]:
    from chatvault.vault.vault import open_vault

    v = open_vault(path, PASSPHRASE)
    try:
        conn = v.connect(readonly=True)
        size = int(conn.execute("PRAGMA page_size").fetchone()[0])
        roots = {r[0]: int(r[1]) for r in conn.execute("SELECT name, rootpage FROM sqlite_master WHERE rootpage > 0")}
        conn.close()
        return size, roots
    finally:
        v.lock()


def _flip(path: Path, page: int, page_size: int, at: int = 200) -> None:
    db = path / "vault.db"
    data = bytearray(db.read_bytes())
    data[(page - 1) * page_size + at] ^= 0x40
    db.write_bytes(bytes(data))
    for side in ("-wal", "-shm"):
        Path(str(db) + side).unlink(missing_ok=True)


def _damaged(r, page: int | None = None) -> dict:
    assert "ERROR CORE" not in r.stderr, r.stderr
    assert "internal" not in r.stdout and "This is a bug" not in r.stderr, r.stdout + r.stderr
    out = json.loads(r.stdout)
    assert r.returncode == 1 and out["error"] == "integrity" and "damaged" in out["message"], out
    if page is not None:
        assert f"page {page}" in out["message"] or f"pages {page}" in out["message"], out
    return out


def test_read_commands_name_the_damaged_page_and_what_it_holds(filled: Path, cli) -> None:
    page_size, roots = _layout(filled)
    _flip(filled, roots["messages"], page_size)
    for args in (("show", "Bob"), ("search", "message"), ("info",)):
        out = _damaged(cli(*args, "--vault", str(filled), "--json", env=ENV), roots["messages"])
        assert "messages" in out["message"] and "message texts" in out["message"], out
    state = filled.parent / "state"
    r = cli("check", "--vault", str(filled), "--json", env=ENV | {"XDG_STATE_HOME": str(state)})
    assert r.returncode == 1 and "ERROR CORE" not in r.stderr
    # SQLCipher's own lines went to the log file instead of the terminal.
    log = (state / "ChatVault" / "log" / "chatvault.log").read_text()
    assert f"hmac check failed for pgno={roots['messages']}" in log
    report = json.loads(r.stdout)
    pages = [p["detail"].get("page") for p in report["problems"] if p["area"] == "database"]
    tables = [p["detail"].get("table") for p in report["problems"] if p["area"] == "database"]
    assert roots["messages"] in pages and "messages" in tables, report


def test_damaged_media_tables(filled: Path, cli, tmp_path: Path) -> None:
    """`media ls` on a damaged attachments table says damaged; with the root page of `blobs`
    damaged, `check --repair` reports instead of crashing and deletes no blob file."""
    import shutil

    page_size, roots = _layout(filled)
    blob_files = sorted(p for p in (filled / "media").rglob("*") if p.is_file())
    assert len(blob_files) == 6
    pristine = tmp_path / "pristine"
    shutil.copytree(filled, pristine)
    _flip(filled, roots["attachments"], page_size)
    out = _damaged(cli("media", "ls", "--vault", str(filled), "--json", env=ENV), roots["attachments"])
    assert "which message has which media file" in out["message"]
    shutil.rmtree(filled)
    shutil.copytree(pristine, filled)
    _flip(filled, roots["blobs"], page_size)
    r = cli("check", "--repair", "--vault", str(filled), "--json", env=ENV)
    assert r.returncode == 1 and "ERROR CORE" not in r.stderr, r.stdout + r.stderr
    report = json.loads(r.stdout)
    assert any(p["detail"].get("table") == "blobs" for p in report["problems"]), report
    assert any(p["area"] == "media" and "could not be checked or repaired" in p["message"]
               for p in report["problems"]), report
    assert sorted(p for p in (filled / "media").rglob("*") if p.is_file()) == blob_files


def test_show_survives_damage_in_any_table(filled: Path, tmp_path: Path, capsys, monkeypatch) -> None:
    """Damage in each table's and index's root page, one at a time: `show` either works (it does
    not read that one) or says damaged with the page; never a bug or a wrong passphrase. (In-process
    CLI calls, to keep ~40 cases fast; the tests above run the real command.)"""
    import shutil

    from chatvault.cli import main

    monkeypatch.setenv("CHATVAULT_PASSPHRASE", PASSPHRASE)
    page_size, roots = _layout(filled)
    pristine = tmp_path / "pristine"
    shutil.copytree(filled, pristine)
    failed = 0
    for name, root in sorted(roots.items()):
        if root == 1:
            continue
        shutil.rmtree(filled)
        shutil.copytree(pristine, filled)
        _flip(filled, root, page_size)
        code = main(["show", "Bob", "--vault", str(filled), "--json"])
        out = json.loads(capsys.readouterr().out)
        if code:
            failed += 1
            assert code == 1 and out["error"] == "integrity" and f"page {root}" in out["message"], (name, out)
        else:
            assert out["conversation"]["messages"] == 300, name
    assert failed >= 4          # messages, conversations, participants and an index at least


def test_4k_vault_with_damaged_page_1(tmp_path: Path, monkeypatch, cli) -> None:
    """A vault of SQLCipher's default 4 KiB pages whose page 1 is damaged: unlocking works (the
    header verified the passphrase), `check` names page 1, `info` says damaged (exit 1, not the
    wrong-passphrase exit 3), and `recover` still sets a new passphrase."""
    from chatvault.store import db
    from chatvault.vault.vault import create_vault

    monkeypatch.setattr(db, "NEW_PROFILE", "4k-sha512")
    v, rk = create_vault(tmp_path / "old", PASSPHRASE)
    path = v.path
    v.lock()
    monkeypatch.undo()
    _flip(path, 1, 4096, at=300)
    r = cli("info", "--vault", str(path), "--json", env=ENV)
    out = _damaged(r, 1)
    assert out["location"] == "vault.db page 1"
    r = cli("check", "--vault", str(path), "--json", env=ENV)
    report = json.loads(r.stdout)
    assert r.returncode == 1 and any(p["detail"].get("page") == 1 for p in report["problems"]), report
    r = cli("recover", "--vault", str(path), "--json",
            env={"CHATVAULT_RECOVERY_KEY": rk, "CHATVAULT_NEW_PASSPHRASE": "lantern orbit quietly meadow"})
    assert r.returncode == 0 and json.loads(r.stdout)["recovered"] and "warning" in json.loads(r.stdout), r.stdout
    r = cli("info", "--vault", str(path), "--json", env={"CHATVAULT_PASSPHRASE": "lantern orbit quietly meadow"})
    _damaged(r, 1)


def test_partial_last_page_is_found_and_repaired(filled: Path, cli) -> None:
    """A write cut short at the end of vault.db (a full disk) leaves a partial page: vault.db still
    opens (its settings are not guessed from its size), `check` warns, `check --repair` cuts it off."""
    page_size, _ = _layout(filled)
    db = filled / "vault.db"
    with open(db, "ab") as fh:
        fh.write(os.urandom(5000))
    r = cli("check", "--vault", str(filled), "--json", env=ENV)
    report = json.loads(r.stdout)
    torn = [p for p in report["problems"] if "partial page" in p["message"]]
    assert len(torn) == 1 and torn[0]["detail"]["bytes"] == 5000, report
    r = cli("check", "--repair", "--vault", str(filled), "--json", env=ENV)
    report = json.loads(r.stdout)
    assert r.returncode == 0, [p["message"] for p in report["problems"]]
    assert [p["repaired"] for p in report["problems"] if "partial page" in p["message"]] == [True]
    assert db.stat().st_size % page_size == 0
    r = cli("show", "Bob", "--vault", str(filled), "--json", env=ENV)
    assert r.returncode == 0 and json.loads(r.stdout)["conversation"]["messages"] == 300


def test_flipped_salt_byte_is_page_1_damage_not_a_wrong_passphrase(filled: Path, cli) -> None:
    """A flip in SQLCipher's salt (vault.db's first 16 bytes) makes page 1 unreadable: every command
    says "damaged ... salt ... page 1" (exit 1), not "wrong passphrase" (exit 3) or a bug."""
    db = filled / "vault.db"
    data = bytearray(db.read_bytes())
    data[5] ^= 0x01
    db.write_bytes(bytes(data))
    for args in (("info",), ("show", "Bob"), ("search", "x"), ("media", "ls")):
        out = _damaged(cli(*args, "--vault", str(filled), "--json", env=ENV), 1)
        assert "salt" in out["message"], out
    r = cli("check", "--vault", str(filled), "--json", env=ENV)
    report = json.loads(r.stdout)
    assert r.returncode == 1 and any(p["detail"].get("page") == 1 and "salt" in p["message"]
                                     for p in report["problems"]), report


def test_check_repair_survives_damage_in_every_table(filled: Path, tmp_path: Path, capsys, monkeypatch) -> None:
    """The root page of each table in turn: `check --repair` always finishes with a report (exit 1)
    naming that page, and never removes a blob file (an unreadable `blobs` table must not make
    every blob look like an orphan)."""
    import shutil

    from chatvault.cli import main

    monkeypatch.setenv("CHATVAULT_PASSPHRASE", PASSPHRASE)
    page_size, roots = _layout(filled)
    pristine = tmp_path / "pristine"
    shutil.copytree(filled, pristine)
    blob_files = sorted(p.name for p in (filled / "media").rglob("*") if p.is_file())
    from chatvault.vault.vault import open_vault

    v = open_vault(filled, PASSPHRASE)
    conn = v.connect(readonly=True)
    tables = {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table' AND rootpage > 1")}
    conn.close()
    v.lock()
    for name in sorted(tables):
        shutil.rmtree(filled)
        shutil.copytree(pristine, filled)
        _flip(filled, roots[name], page_size)
        code = main(["check", "--repair", "--vault", str(filled), "--json"])
        report = json.loads(capsys.readouterr().out)
        assert code == 1 and not report["ok"], name
        assert any(p["detail"].get("page") == roots[name] for p in report["problems"]), (name, report)
        assert sorted(p.name for p in (filled / "media").rglob("*") if p.is_file()) == blob_files, name
