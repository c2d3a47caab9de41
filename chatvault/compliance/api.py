"""The compliance controls as one object the app uses (the CLI calls the modules directly).

Each method opens its own connection, returns plain data, and — for a change — checks the role
(`roles.require_officer`) and names the actor in the audit trail. Long runs take a JobContext.
"""

from __future__ import annotations

from typing import Any

from chatvault.backup import destinations as dests
from chatvault.backup import engine as backup_engine
from chatvault.compliance import custodians, retention, roles, searches
from chatvault.compliance.deletion import tombstones
from chatvault.compliance.erasure import ErasureReport, erase, find_person
from chatvault.compliance.holds import HoldScope, list_holds, place, release
from chatvault.errors import ChatVaultError
from chatvault.jobs.context import JobContext
from chatvault.store import audit as audit_trail
from chatvault.store import queries
from chatvault.store.custody import in_custodians_sql
from chatvault.store.db import immediate


class Compliance:
    def __init__(self, vault: Any) -> None:
        self.vault = vault

    # --- who ------------------------------------------------------------------------------
    @property
    def role(self) -> str:
        return roles.actor(self.vault)

    @property
    def has_officer(self) -> bool:
        return bool(self.vault.has_officer)

    @property
    def may_change(self) -> bool:
        """False when an officer passphrase exists and the owner unlocked (the page is read-only)."""
        return not self.has_officer or self.role == "officer"

    def _who(self, what: str) -> str:
        return roles.require_officer(self.vault, what)

    def _read(self, fn, *args, **kwargs) -> Any:
        conn = self.vault.connect(readonly=True)
        try:
            return fn(conn, *args, **kwargs)
        finally:
            conn.close()

    def _write(self, fn, *args, **kwargs) -> Any:
        conn = self.vault.connect()
        try:
            return fn(conn, *args, **kwargs)
        finally:
            conn.close()

    def set_officer_passphrase(self, passphrase: str) -> None:
        first = not self.has_officer
        self.vault.set_officer_passphrase(passphrase)

        def note(conn: Any) -> None:
            with immediate(conn):
                audit_trail.append(conn, "officer.set" if first else "officer.change", {}, self.role)
        self._write(note)

    # --- custodians -------------------------------------------------------------------------
    def custodians(self, *, counts: bool = True) -> list[dict[str, Any]]:
        return self._read(custodians.list_custodians, counts=counts)

    def conversations_of(self, custodian_id: int) -> list[int]:
        """The chats holding messages in this custodian's archive (the chat list's custodian filter)."""
        return self._read(lambda conn: [int(r[0]) for r in conn.execute(
            "SELECT DISTINCT c.id FROM conversations c WHERE EXISTS (SELECT 1 FROM messages m WHERE "
            f"m.conversation_id = c.id AND {in_custodians_sql('m', '?')})", (custodian_id,))])

    def add_custodian(self, name: str, note: str | None = None) -> int:
        return self._write(custodians.add, name, note, self._who("Adding a custodian"))

    def import_runs(self) -> list[dict[str, Any]]:
        """Every import run with its custodian (for assigning them)."""
        def read(conn: Any) -> list[dict[str, Any]]:
            keys = ("id", "started_at", "format", "path", "outcome", "custodian_id", "custodian")
            return [dict(zip(keys, r, strict=True)) for r in conn.execute(
                "SELECT r.id, r.started_at, r.format, r.path, r.outcome, r.custodian_id, c.name FROM import_runs r"
                " LEFT JOIN custodians c ON c.id = r.custodian_id ORDER BY r.id DESC")]
        return self._read(read)

    def assign(self, custodian: str | int, run_ids: list[int]) -> dict[str, Any]:
        return self._write(custodians.assign, custodian, run_ids, self._who("Assigning imports"))

    def set_default_custodian(self, custodian: str | int) -> dict[str, Any]:
        return self._write(custodians.set_default, custodian, self._who("Changing the default custodian"))

    # --- holds ------------------------------------------------------------------------------
    def holds(self, *, active_only: bool = False) -> list[dict[str, Any]]:
        return self._read(list_holds, active_only=active_only)

    def place_hold(self, matter: str, reason: str, scope: HoldScope) -> dict[str, Any]:
        return self._write(place, matter, reason, scope, self._who("Placing a legal hold"))

    def release_hold(self, hold_id: int, reason: str) -> None:
        self._write(release, hold_id, reason, self._who("Releasing a legal hold"))

    def held_conversations(self) -> dict[int, int]:
        """Conversation id → held messages (the chat list's badge)."""
        def read(conn: Any) -> dict[int, int]:
            return {int(cid): int(n) for cid, n in conn.execute(
                "SELECT m.conversation_id, count(DISTINCT hi.message_id) FROM hold_items hi"
                " JOIN legal_holds h ON h.id = hi.hold_id AND h.released_at IS NULL"
                " JOIN messages m ON m.id = hi.message_id GROUP BY m.conversation_id")}
        return self._read(read)

    # --- retention --------------------------------------------------------------------------
    def policies(self) -> list[dict[str, Any]]:
        return self._read(retention.list_policies)

    def set_policy(self, name: str, keep_days: int, *, custodian: str | None = None,
                   conversation_id: int | None = None, policy_id: int | None = None) -> int:
        return self._write(retention.set_policy, name, keep_days, custodian=custodian,
                           conversation_id=conversation_id, policy_id=policy_id,
                           actor=self._who("Changing retention policies"))

    def lock_policy(self, policy_id: int) -> list[str]:
        return self._write(retention.lock, policy_id, self._who("Locking a retention policy"))

    def remove_policy(self, policy_id: int) -> None:
        self._write(retention.remove, policy_id, self._who("Removing a retention policy"))

    def retention_preview(self, job: JobContext | None = None) -> retention.RetentionReport:
        return retention.run(self.vault, dry_run=True, job=job, actor=self.role)

    def run_retention(self, job: JobContext | None = None) -> retention.RetentionReport:
        return retention.run(self.vault, job=job, actor=self._who("Running retention"))

    def tombstones(self, **filters: Any) -> list[dict[str, Any]]:
        return self._read(tombstones, **filters)

    # --- erasure ----------------------------------------------------------------------------
    def find_person(self, person: str) -> list[dict[str, Any]]:
        return self._read(find_person, person)

    def erase(self, person: str, participant_ids: list[int], *, reason: str = "", dry_run: bool = False,
              job: JobContext | None = None) -> ErasureReport:
        who = self.role if dry_run else self._who("An erasure")
        return erase(self.vault, person, participant_ids, reason=reason, dry_run=dry_run, job=job, actor=who)

    # --- audit trail ------------------------------------------------------------------------
    def audit_entries(self, **filters: Any) -> list[dict[str, Any]]:
        return self._read(audit_trail.entries, **filters)

    def verify_audit(self, *, backups: bool = True) -> dict[str, Any]:
        """The chain checked, and compared with the heads sealed in every reachable backup."""
        anchors, notes = [], []
        if backups:
            conn = self.vault.connect(readonly=True)
            try:
                destinations = dests.list_destinations(conn)
            finally:
                conn.close()
            k = backup_engine.vault_keys(self.vault)
            for d in destinations:
                try:
                    for s in backup_engine.list_snapshots(dests.open_target(d), k):
                        if s.ok and s.audit_head:
                            anchors.append(s.audit_head | {"where": f"snapshot {s.id} at {d.name}"})
                except ChatVaultError as exc:
                    notes.append(f"{d.name}: {exc.message}")
        return self._read(audit_trail.verify, anchors).to_json() | {"anchors_checked": len(anchors), "notes": notes}

    def searches_audited(self) -> bool:
        return self._read(searches.enabled)

    def set_searches_audited(self, on: bool) -> None:
        searches.set_enabled(self.vault, on)

    def record_search(self, query: str, filters: dict[str, Any], total: int) -> None:
        """The app's search page calls this after each search (a no-op unless compliance mode is on)."""
        if self._read(searches.enabled):
            searches.record(self.vault, query, filters, total)

    def productions(self) -> list[dict[str, Any]]:
        """Exports and eDiscovery productions recorded in the trail, newest first."""
        return list(reversed(self._read(audit_trail.entries, action="export")))

    def chats(self) -> list[dict[str, Any]]:
        """Every conversation (id, title, app) for scope choosers."""
        return [{"id": c["id"], "title": c["title"], "app": c["app"]} for c in self._read(queries.conversations)]
