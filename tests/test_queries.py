"""The read layer both front ends share (`store.queries`): one rule for naming a chat, and the CLI and
the GUI reading the same rows through it."""

from __future__ import annotations

import json

import pytest

from chatvault.devtools import demo
from chatvault.errors import UsageError
from chatvault.store import queries
from tests.conftest import PASSPHRASE, run_cli


@pytest.fixture
def demo_vault(vault):
    conn = vault.connect()
    ids = demo.populate(conn)
    # The family group was called "Family" before it was renamed.
    conn.execute("INSERT INTO conversation_titles(conversation_id, title, first_seen_at) VALUES (?, 'Family', 0)",
                 (ids["family"],))
    conn.close()
    return vault, ids


def test_one_rule_names_a_chat(demo_vault) -> None:
    vault, ids = demo_vault
    conn = vault.connect(readonly=True)
    try:
        name = lambda ref: (queries.find_conversation(conn, ref) or {}).get("id")  # noqa: E731
        assert name(str(ids["trip"])) == ids["trip"]                  # its id
        assert name("Anna Schmidt") == ids["anna"]                     # its exact title
        assert name("anna") == ids["anna"]                             # a title it starts, any case
        assert name("trip 2026") == ids["trip"]                        # a title it is part of
        assert name("Family") == ids["family"]                         # a title it had before
        assert name("wxid_li") == ids["li"]                            # the source's id for it
        assert name("s") is None                                       # several chats: none chosen
        with pytest.raises(UsageError) as err:
            queries.find_chat(conn, "s")
        assert f"{ids['trip']} (Lisbon trip 2026)" in err.value.message and "Anna Schmidt" in err.value.message
        with pytest.raises(UsageError, match="No conversation matches 'nobody'"):
            queries.find_chat(conn, "nobody")
        assert queries.find_chats(conn, "100%_") == []                 # LIKE wildcards are literal
    finally:
        conn.close()


def test_cli_show_and_media_take_a_chat_by_the_same_rule(demo_vault) -> None:
    vault, ids = demo_vault
    env = {"CHATVAULT_VAULT": str(vault.path), "CHATVAULT_PASSPHRASE": PASSPHRASE}
    # before, `show` knew earlier titles but not substrings, and `media` the other way round
    for ref, want in (("Family", ids["family"]), ("trip 2026", ids["trip"])):
        out = run_cli("show", ref, "--json", "--limit", "1", env=env)
        assert out.returncode == 0, out.stderr
        assert json.loads(out.stdout)["conversation"]["id"] == want
        out = run_cli("media", "missing", "--chat", ref, "--json", env=env)
        assert out.returncode == 0, out.stderr
        assert {m["conversation_id"] for m in json.loads(out.stdout)["missing"]} <= {want}
    out = run_cli("media", "ls", "--chat", "s", "--json", env=env)
    assert out.returncode == 2 and "Give the conversation id" in out.stdout + out.stderr


def test_chat_list_rows_come_from_the_read_layer(demo_vault) -> None:
    vault, ids = demo_vault
    conn = vault.connect(readonly=True)
    try:
        rows = {r["id"]: r for r in queries.chat_list(conn)}
        fam = rows[ids["family"]]
        assert fam["members"] == 4 and "Family" in fam["earlier_titles"] and fam["last"]["kind"]
        page = queries.messages_page(conn, ids["family"], before=(2**62, 2**62), limit=5)
        assert [m["ts"] for m in page] == sorted(m["ts"] for m in page) and len(page) == 5
        first = queries.first_message_at(conn, ids["family"], page[0]["ts"])
        assert first is not None and first["ts"] >= page[0]["ts"]
    finally:
        conn.close()
