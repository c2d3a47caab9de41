"""Issue #23 item 8, one person across sources: suggestions from the same number, "me" in several
sources and the same name; linking in one step (CLI and app), after which search, filters and views
show one person; undoable, audited, and never changing what the sources said."""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest

from chatvault.importers import registry
from chatvault.importers.base import Detection, Importer, ImportOptions
from chatvault.ingest.engine import run_import
from chatvault.jobs.context import JobContext
from chatvault.model import ConversationKind, ConversationRec, MessageRec, ParticipantRec, Record, SourceRec
from chatvault.search.api import SearchFilters, search
from chatvault.store import audit, people, people_suggest, queries
from tests import import_fixtures as fx

NUMBER_TXT = "+44 7700 900123"


class _SignalLike(Importer):
    """A second source whose contact is known by phone number (as Signal and WhatsApp databases are)."""

    name = "people-fixture"
    title = "People fixture"

    def detect(self, path: Path) -> Detection:
        return Detection(1.0 if path.suffix == ".peoplejson" else 0.0)

    def read(self, path: Path, options: ImportOptions, ctx: JobContext) -> Iterator[Record]:
        yield SourceRec(app="signal", account="+15550001111")
        yield ConversationRec(key="carol", title="Carol", kind=ConversationKind.DIRECT,
                              participants=[ParticipantRec("+447700900123", "Carol", extra={"phone": "+447700900123"})])
        for i, text in enumerate(json.loads(path.read_text(encoding="utf-8"))):
            yield MessageRec(conversation_key="carol", ts=datetime(2024, 2, 1, 9, i, tzinfo=UTC), text=text,
                             sender_key="+447700900123", sender_name="Carol", source_id=str(i))


@pytest.fixture
def two_sources(vault, tmp_path, monkeypatch):
    """A WhatsApp export (Alice is me; Bob; an unsaved number) and the same number, named, elsewhere."""
    monkeypatch.setattr(registry, "IMPORTERS", [*registry.IMPORTERS, _SignalLike])
    lay = fx.LAYOUTS["android-en-gb"]
    lines = [lay.stamp(fx.T0) + "Alice: see you at the station",
             lay.stamp(fx.T0.replace(minute=6)) + f"{NUMBER_TXT}: the train is late",
             lay.stamp(fx.T0.replace(minute=7)) + "Bob: I am at platform 4"]
    wa = fx.write_txt(tmp_path / "WhatsApp Chat with Trip.txt", lines)
    run_import(vault, wa, options=ImportOptions(me="Alice"))
    chat, media = fx.telegram_chat(name="Bob", kind="personal_chat", with_media=False)
    run_import(vault, fx.write_telegram_folder(tmp_path / "tg", chat, media, full=True))
    other = tmp_path / "carol.peoplejson"
    other.write_text(json.dumps(["the train is late again", "platform 2 now"]), encoding="utf-8")
    run_import(vault, other, format="people-fixture")
    return vault


def _by_reason(conn) -> dict[str, list[people_suggest.Suggestion]]:
    out: dict[str, list] = {}
    for s in people_suggest.suggest(conn):
        out.setdefault(s.reason, []).append(s)
    return out


def test_suggestions_find_the_same_number_me_and_the_same_name_across_sources(two_sources):
    conn = two_sources.connect(readonly=True)
    found = _by_reason(conn)
    [phone] = found["phone"]
    assert {(m.app, m.name) for m in phone.members} == {("whatsapp", NUMBER_TXT), ("signal", "Carol")}
    assert phone.detail.endswith("447700900123")
    [me] = found["me"]
    assert {m.app for m in me.members} == {"whatsapp", "telegram"} and all(m.is_me for m in me.members)
    names = {frozenset((m.app, m.name) for m in s.members) for s in found["name"]}
    assert frozenset({("whatsapp", "Bob"), ("telegram", "Bob")}) in names
    # The strongest first: a number before "me" before a name.
    assert [s.reason for s in people_suggest.suggest(conn)][:2] == ["phone", "me"]


def test_linking_shows_one_person_in_search_and_views_and_unlinking_gives_back_what_was(two_sources):
    vault = two_sources
    conn = vault.connect()
    [phone] = _by_reason(conn)["phone"]
    person = people.link(conn, [m.id for m in phone.members], "Carol Jones")
    assert person.name == "Carol Jones" and len(person.members) == 2
    # Search by the person's name (or either participant's) finds both sources' messages.
    hits = search(conn, "train", SearchFilters(sender="Carol Jones")).results
    assert sorted(h.snippet for h in hits) == ["the [train] is late", "the [train] is late again"]
    assert {h.sender for h in hits} == {"Carol Jones"}
    assert search(conn, "", SearchFilters(sender=NUMBER_TXT)).total == 3   # one WhatsApp + two Signal
    # The conversation view shows the linked name for the WhatsApp message sent from the number.
    trip = queries.find_chat(conn, "Trip")
    senders = {m["sender"] for m in queries.messages_page(conn, int(trip["id"]))}
    assert "Carol Jones" in senders and NUMBER_TXT not in senders
    # What the source said is untouched, and the link is in the audit log.
    raw = people.participants(conn, [m.id for m in phone.members])
    assert {m.name for m in raw} == {NUMBER_TXT, "Carol"}
    actions = [e["action"] for e in audit.entries(conn)]
    assert "person.link" in actions
    # The linked pair is no longer suggested; undoing brings everything back.
    assert "phone" not in _by_reason(conn)
    assert people.unlink(conn, person.id) == 2
    senders = {m["sender"] for m in queries.messages_page(conn, int(trip["id"]))}
    assert NUMBER_TXT in senders and people.people(conn) == []
    assert search(conn, "", SearchFilters(sender=NUMBER_TXT)).total == 1
    assert "person.unlink" in [e["action"] for e in audit.entries(conn)]
    conn.close()


def test_linking_into_an_existing_person_joins_it_and_a_dismissed_suggestion_stays_away(two_sources):
    conn = two_sources.connect()
    found = _by_reason(conn)
    bob = next(s for s in found["name"] if {m.name for m in s.members} == {"Bob"})
    first = people.link(conn, [m.id for m in bob.members])
    assert first.name == "Bob"
    carol = found["phone"][0]
    joined = people.link(conn, [first.members[0].id, carol.members[0].id], "Bob")
    assert joined.id == first.id and len(joined.members) == 3
    people_suggest.dismiss(conn, [m.id for m in found["me"][0].members])
    assert "me" not in _by_reason(conn)
    with pytest.raises(Exception, match="at least two"):
        people.link(conn, [carol.members[1].id])
    conn.close()


def test_cli_suggests_links_and_undoes(two_sources, vault_path, cli):
    from tests.conftest import PASSPHRASE

    two_sources.lock()
    env = {"CHATVAULT_VAULT": str(vault_path), "CHATVAULT_PASSPHRASE": PASSPHRASE}
    out = cli("people", "suggest", "--json", env=env)
    assert out.returncode == 0, out.stderr
    first = json.loads(out.stdout)["suggestions"][0]
    assert first["reason"] == "phone"
    out = cli("people", "link", "--suggestion", "1", "--name", "Carol Jones", env=env)
    assert out.returncode == 0, out.stderr
    assert "Carol Jones" in out.stdout and "people unlink" in out.stdout
    out = cli("search", "", "--from", "Carol Jones", "--json", env=env)
    assert json.loads(out.stdout)["total"] == 3
    listed = json.loads(cli("people", "ls", "--json", env=env).stdout)["people"]
    assert [p["name"] for p in listed] == ["Carol Jones"]
    out = cli("people", "unlink", str(listed[0]["id"]), env=env)
    assert out.returncode == 0 and "Unlinked 2" in out.stdout
    assert json.loads(cli("people", "ls", "--json", env=env).stdout)["people"] == []


def test_the_app_links_a_suggestion_in_one_step_and_undoes_it(qtbot, two_sources, tmp_path):
    from PySide6.QtCore import QSettings, Qt
    from PySide6.QtWidgets import QDialog, QLabel, QListWidget, QPushButton

    from chatvault.gui.main_window import MainWindow

    QSettings.setPath(QSettings.Format.IniFormat, QSettings.Scope.UserScope, str(tmp_path / "settings"))
    win = MainWindow(two_sources)
    qtbot.addWidget(win)
    win.show()
    assert win.act_people in win.view_menu.actions()
    win.act_people.trigger()
    dlg = win.findChild(QDialog, "peopleDialog")
    suggestions = dlg.findChild(QListWidget, "peopleSuggestions")
    qtbot.waitUntil(lambda: suggestions.count() >= 3, timeout=20_000)
    assert "Same phone number" in suggestions.item(0).text()
    dlg.findChild(type(dlg.suggest_name), "suggestionName").setText("Carol Jones")
    qtbot.mouseClick(dlg.findChild(QPushButton, "linkSuggestion"), Qt.MouseButton.LeftButton)
    message = dlg.findChild(QLabel, "peopleMessage")
    qtbot.waitUntil(lambda: "Carol Jones" in message.text(), timeout=20_000)
    linked = dlg.findChild(QListWidget, "linkedPeople")
    qtbot.waitUntil(lambda: linked.count() == 1, timeout=20_000)
    assert linked.item(0).text().startswith("Carol Jones")
    undo = dlg.findChild(QPushButton, "undoLink")
    assert undo.isVisible()
    qtbot.mouseClick(undo, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: linked.count() == 0, timeout=20_000)
    conn = two_sources.connect(readonly=True)
    assert people.people(conn) == []
    conn.close()
    dlg.close()
    win.close()
