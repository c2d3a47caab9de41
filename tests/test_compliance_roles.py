"""Roles on one machine: once the compliance officer has a passphrase (a second key slot), the
owner's unlock can no longer change holds, retention or custodians, and the trail names the officer."""

from __future__ import annotations

import json

import pytest

from chatvault.errors import PermissionDenied, WrongPassphrase
from chatvault.vault.vault import open_vault
from tests.conftest import PASSPHRASE

OFFICER = "officer's own long passphrase 42"


def test_the_officer_slot_opens_the_vault_as_officer_and_survives_a_passphrase_change(vault):
    vault.set_officer_passphrase(OFFICER)
    path = vault.path
    vault.lock()
    v = open_vault(path, OFFICER)
    assert v.role == "officer" and v.has_officer
    with pytest.raises(PermissionDenied):
        v.change_passphrase("a brand new owner passphrase")
    v.lock()
    owner = open_vault(path, PASSPHRASE)
    assert owner.role == "owner"
    with pytest.raises(PermissionDenied):
        owner.set_officer_passphrase("the owner taking over")
    owner.change_passphrase("a brand new owner passphrase")
    owner.lock()
    assert open_vault(path, OFFICER).role == "officer"
    assert open_vault(path, "a brand new owner passphrase").role == "owner"
    with pytest.raises(WrongPassphrase):
        open_vault(path, PASSPHRASE)


def test_compliance_changes_need_the_officer_and_are_attributed(vault, tmp_path, cli):
    path = str(vault.path)
    vault.lock()
    pw = tmp_path / "officer.txt"
    pw.write_text(OFFICER)
    owner = {"CHATVAULT_PASSPHRASE": PASSPHRASE}
    officer = {"CHATVAULT_PASSPHRASE": OFFICER}
    r = cli("--vault", path, "officer", "set", "--new-passphrase-file", str(pw), env=owner)
    assert r.returncode == 0, r.stderr
    r = cli("--vault", path, "hold", "add", "--matter", "M-1", "--reason", "pending", env=owner)
    assert r.returncode == 2 and "compliance officer" in r.stderr
    r = cli("--vault", path, "retention", "set", "--years", "7", env=owner)
    assert r.returncode == 2
    r = cli("--vault", path, "hold", "add", "--matter", "M-1", "--reason", "pending", env=officer)
    assert r.returncode == 0, r.stderr
    r = cli("--vault", path, "--json", "audit", "show", env=officer)
    entries = {e["action"]: e["actor"] for e in json.loads(r.stdout)["entries"]}
    assert entries["hold.add"] == "officer" and entries["officer.set"] == "owner"
    r = cli("--vault", path, "--json", "officer", "status", env=owner)
    assert json.loads(r.stdout) == {"officer": True, "role": "owner"}
