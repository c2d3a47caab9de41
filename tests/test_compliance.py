"""Custodians, legal holds, retention with tombstones and erasure: what a compliance officer relies on."""

from __future__ import annotations

import json

import pytest

from chatvault.check import run_checks
from chatvault.compliance import custodians, retention
from chatvault.compliance.deletion import delete_messages
from chatvault.compliance.erasure import HeldError, erase, find_person
from chatvault.compliance.holds import HoldScope, place, release
from chatvault.errors import UsageError
from chatvault.media.blobstore import BlobStore
from chatvault.search.api import SearchFilters, search
from chatvault.search.index import sync
from chatvault.store import audit as audit_trail
from chatvault.store.db import DatabaseError, immediate
from tests.compliance_fixtures import DAY_MS, import_chat, ms
from tests.conftest import PASSPHRASE

NOW = ms(400)          # "today" for the retention runs: message day 400


def _count(conn, sql: str, *args) -> int:
    return int(conn.execute(sql, args).fetchone()[0])


def _actions(conn) -> list[str]:
    return [e["action"] for e in audit_trail.entries(conn)]


def test_imports_belong_to_a_custodian_and_search_filters_by_it(vault, tmp_path):
    import_chat(vault, tmp_path, "Alice", 20)
    conn = vault.connect()
    custodians.add(conn, "Zhang Wei")
    import_chat(vault, tmp_path, "Bob", 20, ("Bob", "Carol"), custodian="zhang wei", tag="b")
    rows = {c["name"]: c for c in custodians.list_custodians(conn)}
    assert rows["Vault owner"]["messages"] == 20 and rows["Zhang Wei"]["messages"] == 20
    hits = search(conn, "contract", SearchFilters(custodians=["Zhang Wei"]), limit=100)
    assert hits.total == 18 and all(h.conversation and "Bob" in h.conversation for h in hits.results)
    assert custodians.of_message(conn, hits.results[0].message_id) == ["Zhang Wei"]
    assert "custodian.add" in _actions(conn)


def test_a_held_message_cannot_be_deleted_by_any_path(vault, tmp_path):
    import_chat(vault, tmp_path, "Alice", 30)
    conn = vault.connect()
    hold = place(conn, "Acme v. Us", "litigation pending", HoldScope(after_ms=ms(0), before_ms=ms(10)))
    assert hold["messages"] == 10
    held_id = _count(conn, "SELECT min(id) FROM messages")
    with pytest.raises(DatabaseError, match="tombstone"):
        conn.execute("DELETE FROM messages WHERE id = ?", (held_id,))        # a direct store call
    with pytest.raises(DatabaseError, match="legal hold"), immediate(conn):
        delete_messages(conn, [held_id], reason="retention")                # the sanctioned path, held
    retention.set_policy(conn, "one year", 365)
    rep = retention.run(vault, now_ms=NOW)
    assert rep.held == 10 and rep.deleted == rep.due - 10
    assert _count(conn, "SELECT count(*) FROM messages WHERE ts < ?", ms(10)) == 10
    assert run_checks(vault).ok


def test_retention_dry_run_then_run_leaves_tombstones_and_removes_text_and_media(vault, tmp_path):
    import_chat(vault, tmp_path, "Alice", 60)
    conn = vault.connect()
    retention.set_policy(conn, "a year", 365)
    cutoff = NOW - 365 * DAY_MS
    expected = {r[0] for r in conn.execute("SELECT id FROM messages WHERE ts < ?", (cutoff,))}
    blobs_before = {r[0] for r in conn.execute(
        "SELECT a.blob_id FROM attachments a JOIN messages m ON m.id = a.message_id WHERE m.ts < ?", (cutoff,))}
    dry = retention.run(vault, dry_run=True, now_ms=NOW)
    assert {w["message_id"] for w in dry.would_delete} == expected and _count(conn, "SELECT count(*) FROM messages") == 60
    assert search(conn, "message 3", limit=5).total >= 1
    rep = retention.run(vault, now_ms=NOW)
    assert rep.deleted == len(expected) == 35 and rep.blobs_removed == len(blobs_before) == 4
    assert _count(conn, "SELECT count(*) FROM tombstones") == len(expected)
    assert search(conn, '"message 3 about"', limit=5).total == 0            # the text left the index
    assert search(conn, '"message 53 about"', limit=5).total == 1
    store = BlobStore(vault)
    assert not any(store.exists(b) for b in blobs_before)
    t = conn.execute("SELECT reason, policy_id, length(sha256) FROM tombstones LIMIT 1").fetchone()
    assert tuple(t) == ("retention", 1, 64)
    assert run_checks(vault).ok
    assert {"retention.add", "retention.delete", "retention.run"} <= set(_actions(conn))


def test_a_reimport_does_not_bring_removed_messages_back(vault, tmp_path):
    import_chat(vault, tmp_path, "Alice", 60)
    conn = vault.connect()
    retention.set_policy(conn, "a year", 365)
    retention.run(vault, now_ms=NOW)
    again = import_chat(vault, tmp_path, "Alice", 61)        # a newer export: one message more
    assert again.added == 1 and again.removed_by_compliance == 35
    assert _count(conn, "SELECT count(*) FROM messages") == 26


def test_a_locked_policy_can_be_lengthened_never_shortened_or_removed(vault, tmp_path, cli):
    conn = vault.connect()
    pid = retention.set_policy(conn, "seven years", 7 * 365)
    retention.lock(conn, pid)
    with pytest.raises(UsageError, match="locked"):
        retention.set_policy(conn, "", 30, policy_id=pid)
    with pytest.raises(UsageError, match="locked"):
        retention.remove(conn, pid)
    with pytest.raises(DatabaseError, match="locked"):
        conn.execute("UPDATE retention_policies SET keep_days = 1 WHERE id = ?", (pid,))
    with pytest.raises(DatabaseError, match="locked"):
        conn.execute("DELETE FROM retention_policies WHERE id = ?", (pid,))
    retention.set_policy(conn, "", 10 * 365, policy_id=pid)
    assert retention.list_policies(conn)[0]["keep_days"] == 3650
    path = str(vault.path)
    vault.lock()
    env = {"CHATVAULT_PASSPHRASE": PASSPHRASE}
    r = cli("--vault", path, "retention", "set", "--id", str(pid), "--days", "5", env=env)
    assert r.returncode != 0 and "locked" in r.stderr
    r = cli("--vault", path, "retention", "rm", str(pid), env=env)
    assert r.returncode != 0 and "locked" in r.stderr
    r = cli("--vault", path, "--json", "audit", "show", "--action", "retention", env=env)
    actions = [e["action"] for e in json.loads(r.stdout)["entries"]]
    assert actions.count("retention.set.refused") == 2 and actions.count("retention.remove.refused") == 2


def test_erasure_finds_a_person_across_sources_and_is_refused_under_hold(vault, tmp_path):
    import_chat(vault, tmp_path, "Dana", 30, ("Dana Li", "Me"), tag="d")
    import_chat(vault, tmp_path, "Group", 30, ("Dana Li", "Ed", "Me"), tag="g")
    conn = vault.connect()
    people = find_person(conn, "dana")
    ids = [p["id"] for p in people]
    assert len(people) >= 1 and all(p["display_name"] == "Dana Li" for p in people)
    sent = _count(conn, f"SELECT count(*) FROM messages WHERE sender_id IN ({','.join(map(str, ids))})")
    hold = place(conn, "HR-7", "complaint", HoldScope(participant_id=ids[0]))
    with pytest.raises(HeldError, match="HR-7"):
        erase(vault, "Dana Li", ids)
    assert _count(conn, "SELECT count(*) FROM tombstones") == 0
    release(conn, hold["id"], "settled")
    rep = erase(vault, "Dana Li", ids, reason="GDPR request 42")
    assert rep.messages == sent and _count(conn, "SELECT count(*) FROM tombstones WHERE reason = 'erasure'") == sent
    assert search(conn, "dmessage", SearchFilters(sender="Dana"), limit=5).total == 0
    names = {r[0] for r in conn.execute(f"SELECT display_name FROM participants WHERE id IN ({','.join(map(str, ids))})")}
    assert names == {"(erased)"}
    assert run_checks(vault).ok
    assert {"hold.add", "erase.refused", "hold.release", "erase.start", "erase.done"} <= set(_actions(conn))


def test_a_held_row_changed_or_deleted_behind_chatvaults_back_is_named(vault, tmp_path):
    import_chat(vault, tmp_path, "Alice", 10, photo_every=0)
    conn = vault.connect()
    place(conn, "M-1", "audit", HoldScope())
    ids = [r[0] for r in conn.execute("SELECT id FROM messages ORDER BY id")]
    conn.execute("DROP TRIGGER messages_held_no_delete")
    conn.execute("DROP TRIGGER messages_delete_needs_tombstone")
    conn.execute("DROP TRIGGER messages_held_keep_original")
    conn.execute("UPDATE messages SET text = 'nothing happened' WHERE id = ?", (ids[2],))
    conn.execute("DELETE FROM messages WHERE id = ?", (ids[5],))
    report = run_checks(vault)
    texts = [p.message for p in report.problems if p.area == "compliance"]
    assert not report.ok and any(f"message {ids[2]}" in t and "changed" in t for t in texts)
    assert any(f"message {ids[5]}" in t and "deleted" in t for t in texts)


def test_an_import_editing_a_held_message_keeps_the_original(vault, tmp_path):
    import_chat(vault, tmp_path, "Alice", 10, photo_every=0)
    conn = vault.connect()
    place(conn, "M-2", "audit", HoldScope())
    mid = _count(conn, "SELECT min(id) FROM messages")
    conn.execute("UPDATE messages SET text = 'edited later', is_edited = 1 WHERE id = ?", (mid,))
    sync(conn)                                           # the search index follows, as an import's edit does
    assert conn.execute("SELECT text FROM held_versions WHERE message_id = ?", (mid,)).fetchone()[0].endswith("contract")
    assert run_checks(vault).ok


def test_locking_a_policy_raises_object_lock_destinations_to_compliance_mode(vault, tmp_path):
    from chatvault.backup.destinations import add_destination, get_destination

    conn = vault.connect()
    add_destination(conn, "worm", "s3", {"bucket": "b", "lock_mode": "governance", "lock_days": 30})
    add_destination(conn, "plain", "s3", {"bucket": "c"})
    pid = retention.set_policy(conn, "seven years", 2555)
    notes = retention.lock(conn, pid)
    cfg = get_destination(conn, "worm").config
    assert (cfg["lock_mode"], cfg["lock_days"]) == ("COMPLIANCE", 2555)
    assert any("plain" in n and "no Object Lock" in n for n in notes)
    retention.set_policy(conn, "", 3650, policy_id=pid)                 # lengthened: the lock follows
    assert get_destination(conn, "worm").config["lock_days"] == 3650


def test_an_erasure_can_prune_the_backups_that_still_hold_it(vault, dest, tmp_path, cli):
    from chatvault.backup.destinations import open_target
    from chatvault.backup.engine import list_snapshots, run_backup, vault_keys

    import_chat(vault, tmp_path, "Dana", 20, ("Dana Li", "Me"), photo_every=0)
    run_backup(vault, dest)
    path = str(vault.path)
    vault.lock()
    env = {"CHATVAULT_PASSPHRASE": PASSPHRASE}
    r = cli("--vault", path, "--json", "erase", "--person", "Dana Li", "--yes", "--prune-backups", env=env)
    assert r.returncode == 0, r.stderr
    out = json.loads(r.stdout)
    assert out["messages"] == 10 and out["backups"][0]["forgotten"] == 1
    from chatvault.vault.vault import open_vault

    v = open_vault(path, PASSPHRASE)
    snaps = list_snapshots(open_target(dest), vault_keys(v))
    v.lock()
    assert len(snaps) == 1 and snaps[0].counts["messages"] == 10


def test_the_scheduler_applies_retention_once_a_day(vault, tmp_path):
    from chatvault.backup.scheduler import Scheduler

    import_chat(vault, tmp_path, "Alice", 30, photo_every=0)
    conn = vault.connect()
    retention.set_policy(conn, "a year", 365)
    first = Scheduler(vault).run_due()
    assert [r.destination for r in first] == ["retention"] and first[0].extra["deleted"] == 30
    assert Scheduler(vault).run_due() == []                  # not again the same day
    assert audit_trail.entries(conn, action="retention.run")[-1]["actor"] == "scheduler"


def test_compliance_mode_records_every_search(vault, tmp_path, cli):
    import_chat(vault, tmp_path, "Alice", 10, photo_every=0)
    path = str(vault.path)
    vault.lock()
    env = {"CHATVAULT_PASSPHRASE": PASSPHRASE}
    assert cli("--vault", path, "search", "contract", env=env).returncode == 0
    assert cli("--vault", path, "audit", "searches", "on", env=env).returncode == 0
    assert cli("--vault", path, "search", "contract", "--from", "Alice", env=env).returncode == 0
    r = cli("--vault", path, "--json", "audit", "show", "--action", "search", env=env)
    entries = json.loads(r.stdout)["entries"]
    assert len(entries) == 1 and entries[0]["detail"]["query"] == "contract"
    assert entries[0]["detail"]["filters"]["sender"] == "Alice" and entries[0]["detail"]["total"] == 5


def test_a_row_deleted_behind_chatvaults_back_is_named_by_check(vault, tmp_path):
    import_chat(vault, tmp_path, "Alice", 20, photo_every=0)
    conn = vault.connect()
    assert run_checks(vault).ok
    conn.execute("DROP TRIGGER messages_delete_needs_tombstone")
    conn.execute("DELETE FROM messages WHERE id IN (SELECT id FROM messages ORDER BY id LIMIT 2)")
    texts = [p.message for p in run_checks(vault).problems if p.area == "compliance"]
    assert any("2 message row(s) were deleted" in t for t in texts)


def test_every_export_is_an_audit_entry_the_productions_tab_lists(vault, tmp_path):
    from chatvault.compliance.api import Compliance
    from chatvault.export import formats
    from chatvault.export.selection import Selection
    from chatvault.jobs.context import JobContext

    import_chat(vault, tmp_path, "Alice", 20, photo_every=0)
    report = formats.run("json", vault, Selection(), tmp_path / "out", JobContext(), {})
    assert report.messages == 20
    listed = Compliance(vault).productions()
    assert listed[0]["action"] == "export.json" and listed[0]["detail"]["messages"] == 20
    assert listed[0]["detail"]["out"].startswith(str(tmp_path / "out")) and audit_trail.verify(vault.connect()).ok
