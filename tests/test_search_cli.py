"""`chatvault search`, `show`, `reindex` and the search part of `check`, run as a user would."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.conftest import PASSPHRASE
from tests.search_data import populate


@pytest.fixture(scope="module")
def filled(tmp_path_factory) -> Path:
    from chatvault.vault.vault import create_vault

    path = tmp_path_factory.mktemp("cli") / "vault"
    v, _ = create_vault(path, PASSPHRASE)
    populate(v.connect(), 800)
    v.lock()
    return path


def env(vault: Path) -> dict[str, str]:
    return {"CHATVAULT_VAULT": str(vault), "CHATVAULT_PASSPHRASE": PASSPHRASE}


def test_search_json_contract(cli, filled) -> None:
    r = cli("search", "合", "--json", "--limit", "5", env=env(filled))
    assert r.returncode == 0, r.stderr
    data = json.loads(r.stdout)
    assert data["total"] > 5 and len(data["results"]) == 5
    for hit in data["results"]:
        assert {"message_id", "conversation", "sender", "time", "snippet"} <= set(hit)
        assert "[合]" in hit["snippet"]
    times = [h["time_ms"] for h in data["results"]]
    assert times == sorted(times, reverse=True)


def test_search_filters_and_text_output(cli, filled) -> None:
    r = cli("search", "", "--chat", "Work", "--kind", "payment", "--from", "anna", "--after", "2010-01-01",
            "--before", "2100-01-01", "--sort", "oldest", "--json", env=env(filled))
    assert r.returncode == 0, r.stderr
    data = json.loads(r.stdout)
    assert data["total"] == len(data["results"]) > 0
    assert {h["conversation"] for h in data["results"]} == {"Work chat"}
    r = cli("search", "hello", "--deleted", "--limit", "3", env=env(filled))
    assert r.returncode == 0, r.stderr
    assert "matches (showing" in r.stdout


@pytest.mark.parametrize("args, needle", [
    (("search", '"open'), "never closed"),
    (("search", "x", "--after", "last week"), "not a date"),
    (("search", "x", "--chat", "nobody"), "No single conversation"),
    (("show", "nobody"), "No single conversation"),
    (("show", "Family", "--around", "700"), "is not in conversation"),
    (("show", "Family", "--around", "99999999"), "no message"),
])
def test_errors_are_clear(cli, filled, args, needle) -> None:
    r = cli(*args, env=env(filled))
    assert r.returncode != 0
    assert needle in r.stderr and "Traceback" not in r.stderr and "sqlite" not in r.stderr.lower()
    r = cli(*args, "--json", env=env(filled))
    assert json.loads(r.stdout)["error"] in ("query", "input")


def test_show_and_around(cli, filled) -> None:
    r = cli("show", "Family", "--limit", "7", "--json", env=env(filled))
    assert r.returncode == 0, r.stderr
    data = json.loads(r.stdout)
    assert data["conversation"]["title"] == "Family" and len(data["messages"]) == 7
    mid = data["messages"][3]["id"]
    r = cli("show", "1", "--around", str(mid), "--limit", "5", "--json", env=env(filled))
    msgs = json.loads(r.stdout)["messages"]
    assert [m["id"] for m in msgs] == [m["id"] for m in data["messages"][1:6]]
    assert msgs[2]["is_target"]
    r = cli("show", "Family", "--limit", "3", env=env(filled))
    assert r.returncode == 0 and "Family (#1" in r.stdout


def test_reindex_and_check(cli, filled) -> None:
    from chatvault.vault.vault import open_vault

    before = json.loads(cli("search", "合", "--json", "--limit", "0", env=env(filled)).stdout)["total"]
    v = open_vault(filled, PASSPHRASE)
    conn = v.connect()
    conn.execute("DELETE FROM search_fts WHERE rowid IN (SELECT rowid FROM search_fts LIMIT 50)")
    v.lock()
    r = cli("check", "--json", env=env(filled))
    report = json.loads(r.stdout)
    assert r.returncode == 1 and any(p["area"] == "search" for p in report["problems"])
    r = cli("reindex", "--json", env=env(filled))
    assert r.returncode == 0, r.stderr
    assert json.loads(r.stdout)["indexed"] > 700
    assert json.loads(cli("search", "合", "--json", "--limit", "0", env=env(filled)).stdout)["total"] == before
    r = cli("check", "--json", env=env(filled))
    assert r.returncode == 0, r.stdout


@pytest.mark.parametrize("action", ["kill", "enospc"])
def test_reindex_interrupted_keeps_the_old_index(cli, tmp_path, action) -> None:
    from chatvault.vault.vault import create_vault

    path = tmp_path / "vault"
    v, _ = create_vault(path, PASSPHRASE)
    populate(v.connect(), 12_000)  # more than one reindex batch
    v.lock()
    before = json.loads(cli("search", "合", "--json", "--limit", "0", env=env(path)).stdout)["total"]
    r = cli("reindex", env=env(path) | {"CHATVAULT_FAULT": f"search.reindex_batch:1:{action}"})
    assert r.returncode != 0
    if action == "enospc":
        assert "No space left" in r.stderr and "Traceback" not in r.stderr
    assert json.loads(cli("search", "合", "--json", "--limit", "0", env=env(path)).stdout)["total"] == before
    assert cli("check", env=env(path)).returncode == 0
