"""Kill -9 at every step of a retention run or an erasure (RELIABILITY rows 1/6 style): every
message is either still there or gone with its tombstone, `check` passes, and running the same
command again finishes the job."""

from __future__ import annotations

import pytest

from chatvault.check import run_checks
from chatvault.compliance import retention
from chatvault.vault.vault import open_vault
from tests.compliance_fixtures import import_chat
from tests.conftest import PASSPHRASE


def _state(path) -> tuple[int, int, int]:
    v = open_vault(path, PASSPHRASE)
    try:
        conn = v.connect(readonly=True)
        msgs = conn.execute("SELECT count(*) FROM messages").fetchone()[0]
        tombs = conn.execute("SELECT count(*) FROM tombstones").fetchone()[0]
        both = conn.execute("SELECT count(*) FROM tombstones t JOIN messages m ON m.conversation_id = t.conversation_id"
                            " AND m.source_key = t.source_key").fetchone()[0]
        conn.close()
        assert run_checks(v).ok
        return msgs, tombs, both
    finally:
        v.lock()


@pytest.mark.parametrize("fault", ["compliance.after_tombstones:1:kill", "retention.before_commit:2:kill",
                                   "compliance.after_tombstones:3:kill"])
def test_retention_killed_midway_loses_nothing_and_finishes_on_rerun(vault, tmp_path, cli, fault):
    import_chat(vault, tmp_path, "Alice", 60, photo_every=7)
    conn = vault.connect()
    retention.set_policy(conn, "a year", 365)
    conn.close()
    path = vault.path
    vault.lock()
    env = {"CHATVAULT_PASSPHRASE": PASSPHRASE, "CHATVAULT_FAULT": fault, "CHATVAULT_RETENTION_BATCH": "10"}
    r = cli("--vault", str(path), "retention", "run", env=env)
    assert r.returncode == -9, r.stderr
    msgs, tombs, both = _state(path)
    assert msgs + tombs == 60 and both == 0 and tombs % 10 == 0 and tombs < 60
    r = cli("--vault", str(path), "retention", "run", env={"CHATVAULT_PASSPHRASE": PASSPHRASE})
    assert r.returncode == 0, r.stderr
    assert _state(path)[:2] == (0, 60)          # the fixture's messages are all from 2020: past a year


def test_erasure_killed_midway_is_finished_by_running_it_again(vault, tmp_path, cli):
    import_chat(vault, tmp_path, "Dana", 40, ("Dana Li", "Me"))
    path = vault.path
    vault.lock()
    base = {"CHATVAULT_PASSPHRASE": PASSPHRASE, "CHATVAULT_ERASE_BATCH": "5"}
    r = cli("--vault", str(path), "erase", "--person", "Dana Li", "--yes", env=base | {
        "CHATVAULT_FAULT": "erase.before_commit:2:kill"})
    assert r.returncode == -9, r.stderr
    msgs, tombs, both = _state(path)
    assert msgs + tombs == 40 and both == 0 and tombs == 5
    r = cli("--vault", str(path), "erase", "--person", "Dana Li", "--yes", env=base)
    assert r.returncode == 0, r.stderr
    msgs, tombs, _ = _state(path)
    assert (msgs, tombs) == (20, 20)


def test_a_full_disk_during_retention_says_so_and_loses_nothing(vault, tmp_path, cli):
    import_chat(vault, tmp_path, "Alice", 60, photo_every=7)
    conn = vault.connect()
    retention.set_policy(conn, "a year", 365)
    conn.close()
    path = vault.path
    vault.lock()
    env = {"CHATVAULT_PASSPHRASE": PASSPHRASE, "CHATVAULT_RETENTION_BATCH": "10",
           "CHATVAULT_FAULT": "retention.before_commit:3:enospc"}
    r = cli("--vault", str(path), "--json", "retention", "run", env=env)
    assert r.returncode not in (0, -9) and "internal" not in r.stdout + r.stderr, r.stdout + r.stderr
    msgs, tombs, both = _state(path)
    assert msgs + tombs == 60 and both == 0 and tombs == 20
