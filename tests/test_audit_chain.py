"""The audit trail is a hash chain: a changed, inserted or deleted entry is named, and a chain
rewritten after a backup no longer matches the head sealed in that backup's snapshot."""

from __future__ import annotations

import json
import os
from pathlib import Path

from chatvault.backup.engine import run_backup
from chatvault.check import run_checks
from chatvault.store import audit as audit_trail
from chatvault.store.db import connect
from chatvault.store.schema import migrate
from chatvault.store.store import Store
from tests.conftest import PASSPHRASE


def _entries(vault, n: int) -> None:
    conn = vault.connect()
    for i in range(n):
        Store(conn).audit("test.action", {"i": i, "note": "合同 ✓"})
    conn.close()


def _tamper(vault, *sql: str) -> None:
    conn = vault.connect()
    conn.execute("DROP TRIGGER IF EXISTS audit_log_no_update")
    conn.execute("DROP TRIGGER IF EXISTS audit_log_no_delete")
    conn.execute("DROP TRIGGER IF EXISTS audit_log_chained")
    for s in sql:
        conn.execute(s)
    conn.close()


def test_a_new_vault_keeps_a_valid_chain(vault):
    _entries(vault, 5)
    conn = vault.connect(readonly=True)
    report = audit_trail.verify(conn)
    assert report.ok and report.entries == 6            # vault.create + 5
    rows = audit_trail.entries(conn)
    assert rows[0]["prev_hash"] == "0" * 64 and all(b["prev_hash"] == a["hash"] for a, b in zip(rows, rows[1:], strict=False))
    assert run_checks(vault).ok


def test_an_entry_written_without_its_hash_is_refused(vault):
    conn = vault.connect()
    try:
        conn.execute("INSERT INTO audit_log(at, actor, action, detail) VALUES (1, 'x', 'forged', '{}')")
        raised = False
    except Exception as exc:  # noqa: BLE001 - the trigger's abort, as sqlcipher3 raises it
        raised = "chained" in str(exc)
    assert raised


def test_a_changed_entry_is_named(vault):
    _entries(vault, 5)
    _tamper(vault, "UPDATE audit_log SET detail = '{\"i\": 99}' WHERE id = 4")
    conn = vault.connect(readonly=True)
    report = audit_trail.verify(conn)
    assert not report.ok and report.problems[0]["id"] == 4 and report.problems[0]["problem"] == "altered"
    check = run_checks(vault)
    assert not check.ok and any(p.area == "audit" and "entry 4" in p.message for p in check.problems)


def test_a_deleted_entry_is_named(vault):
    _entries(vault, 5)
    _tamper(vault, "DELETE FROM audit_log WHERE id = 3")
    report = audit_trail.verify(vault.connect(readonly=True))
    assert report.problems[0]["problem"] == "gap" and report.problems[0]["id"] == 4
    assert "3" in report.problems[0]["message"]


def test_an_entry_rebuilt_with_a_fresh_hash_breaks_the_next_link(vault):
    _entries(vault, 5)
    conn = vault.connect(readonly=True)
    row = conn.execute("SELECT id, at, actor, prev_hash FROM audit_log WHERE id = 3").fetchone()
    forged = audit_trail.entry_hash(row[0], row[1], row[2], "test.action", '{"i": 7}', row[3])
    _tamper(vault, f"UPDATE audit_log SET detail = '{{\"i\": 7}}', hash = '{forged}' WHERE id = 3")
    report = audit_trail.verify(vault.connect(readonly=True))
    assert report.problems[0]["id"] == 4 and report.problems[0]["problem"] == "link"


def test_a_chain_rewritten_after_a_backup_no_longer_matches_it(vault, dest, cli):
    _entries(vault, 3)
    first = run_backup(vault, dest)
    assert first.audit_head and first.audit_mismatch is None
    # Rewrite the whole chain consistently (someone with the database key hiding entry 2).
    conn = vault.connect()
    rows = conn.execute("SELECT id, at, actor, action, detail FROM audit_log WHERE id != 2 ORDER BY id").fetchall()
    conn.close()
    stmts, prev = ["DELETE FROM audit_log"], "0" * 64
    for new_id, (_old, at, actor, action, detail) in enumerate(rows, start=1):
        h = audit_trail.entry_hash(new_id, at, actor, action, detail, prev)
        stmts.append(f"INSERT INTO audit_log(id, at, actor, action, detail, prev_hash, hash) VALUES "
                     f"({new_id}, {at}, '{actor}', '{action}', '{detail}', '{prev}', '{h}')")
        prev = h
    _tamper(vault, *stmts)
    assert audit_trail.verify(vault.connect(readonly=True)).ok       # the chain alone looks fine
    second = run_backup(vault, dest)
    assert second.audit_mismatch and "rewritten" in second.audit_mismatch
    vault_dir = str(vault.path)
    vault.lock()
    env = {"CHATVAULT_PASSPHRASE": PASSPHRASE}
    r = cli("--vault", vault_dir, "--json", "audit", "verify", env=env)
    assert r.returncode == 1, r.stderr
    data = json.loads(r.stdout)
    assert any(p["problem"] == "anchor" and "usb" in p["message"] for p in data["problems"])


def test_show_filters_and_exports_csv(vault, cli):
    _entries(vault, 3)
    vault_dir = str(vault.path)
    vault.lock()
    env = {"CHATVAULT_PASSPHRASE": PASSPHRASE}
    r = cli("--vault", vault_dir, "audit", "show", "--action", "test", "--csv", env=env)
    assert r.returncode == 0, r.stderr
    lines = r.stdout.strip().splitlines()
    assert lines[0].startswith("id,time,actor,action") and len(lines) == 4 and "合同" in r.stdout
    r = cli("--vault", vault_dir, "--json", "audit", "show", "--action", "vault", env=env)
    assert [e["action"] for e in json.loads(r.stdout)["entries"]] == ["vault.create"]
    assert cli("--vault", vault_dir, "audit", "verify", env=env).returncode == 0


def test_entries_written_before_the_chain_are_chained_by_the_migration(tmp_path: Path):
    conn = connect(tmp_path / "v.db", os.urandom(32), create=True)
    migrate(conn, target=9)
    for i in range(4):
        conn.execute("INSERT INTO audit_log(at, actor, action, detail) VALUES (?, 'user', 'import', ?)",
                     (1000 + i, json.dumps({"run_id": i})))
    migrate(conn)
    assert audit_trail.verify(conn).ok and audit_trail.verify(conn).entries == 4
    audit_trail.append(conn, "later")
    assert audit_trail.verify(conn).ok
