"""Feeds (WeChat Moments, Favorites) are conversations the chat list leaves out and search can pick:
a post stored in the Moments feed is found with `--feed moments`, not listed as a chat, and kept."""

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
from chatvault.model import ConversationKind, ConversationRec, Feed, MessageRec, Record, SourceRec
from chatvault.search.api import SearchFilters, search
from chatvault.store import queries


class _FeedFixture(Importer):
    """A test format: one JSON file of chat messages and Moments posts of one account."""

    name = "feed-fixture"
    title = "Feed fixture"

    def detect(self, path: Path) -> Detection:
        return Detection(1.0 if path.suffix == ".feedjson" else 0.0)

    def read(self, path: Path, options: ImportOptions, ctx: JobContext) -> Iterator[Record]:
        data = json.loads(path.read_text(encoding="utf-8"))
        yield SourceRec(app="wechat", account="wxid_me", me_name="Me")
        yield ConversationRec(key="wxid_mum", title="Mum", kind=ConversationKind.DIRECT)
        yield ConversationRec(key="moments", title="Moments", kind=ConversationKind.CHANNEL, feed=Feed.MOMENTS)
        for i, (conv, text) in enumerate(data):
            yield MessageRec(conversation_key=conv, ts=datetime(2024, 5, 1, 8, i, tzinfo=UTC), text=text,
                             sender_key="wxid_mum", sender_name="Mum", source_id=f"{conv}-{i}")


@pytest.fixture
def feed_format(monkeypatch):
    monkeypatch.setattr(registry, "IMPORTERS", [*registry.IMPORTERS, _FeedFixture])


def _write(tmp_path: Path, rows: list[tuple[str, str]]) -> Path:
    p = tmp_path / "account.feedjson"
    p.write_text(json.dumps(rows), encoding="utf-8")
    return p


def test_a_moments_post_is_found_by_feed_and_kept_out_of_the_chat_list(vault, tmp_path, feed_format):
    path = _write(tmp_path, [("wxid_mum", "lunch at noon"), ("moments", "sunset at the lake"),
                             ("moments", "lunch photos from the lake")])
    run_import(vault, path, format="feed-fixture")
    conn = vault.connect(readonly=True)
    assert [c["title"] for c in queries.chat_list(conn)] == ["Mum"]
    feeds = queries.feeds(conn)
    assert [(f["feed"], f["messages"]) for f in feeds] == [("moments", 2)]
    everywhere = search(conn, "lunch")
    assert everywhere.total == 2
    moments = search(conn, "lunch", SearchFilters(feeds=["moments"]))
    assert [h.conversation for h in moments.results] == ["Moments"]
    chats = search(conn, "lunch", SearchFilters(feeds=["chats"]))
    assert [h.conversation for h in chats.results] == ["Mum"]
    assert search(conn, "lunch", SearchFilters(feeds=["favorites"])).total == 0


def test_an_unknown_feed_is_a_clear_error(vault):
    from chatvault.errors import QueryError

    conn = vault.connect(readonly=True)
    with pytest.raises(QueryError, match="Unknown feed 'diary'"):
        search(conn, "x", SearchFilters(feeds=["diary"]))


def test_the_search_page_searches_only_moments_when_asked(qtbot, vault, tmp_path, feed_format):
    from PySide6.QtCore import QSettings

    from chatvault.gui.main_window import PAGE_SEARCH, MainWindow
    from chatvault.gui.models.search import HitRole

    QSettings.setPath(QSettings.Format.IniFormat, QSettings.Scope.UserScope, str(tmp_path / "settings"))
    run_import(vault, _write(tmp_path, [("wxid_mum", "lunch at noon"), ("moments", "lunch by the lake")]),
               format="feed-fixture")
    win = MainWindow(vault)
    qtbot.addWidget(win)
    win.show()
    win.show_page(PAGE_SEARCH)
    page = win.search_page
    with qtbot.waitSignal(page.worker.results, timeout=10_000):
        page.box.setText("lunch")
    assert page.model.rowCount() == 2
    with qtbot.waitSignal(page.worker.results, timeout=10_000):
        page.feed.setCurrentIndex(page.feed.findData("moments"))
    hits = [page.model.index(i).data(HitRole) for i in range(page.model.rowCount())]
    assert [h.conversation for h in hits] == ["Moments"]
    assert page.chat.findText("Moments") == -1          # a feed is not offered as a chat
    win.close()


def test_search_cli_finds_only_moments_with_feed(vault_path, vault, tmp_path, cli):
    """`chatvault search --feed moments` (the fixture format lives in this process only, so the
    stored rows are written here and the separate CLI process reads them)."""
    from tests.conftest import PASSPHRASE

    registry_backup = list(registry.IMPORTERS)
    registry.IMPORTERS.append(_FeedFixture)
    try:
        run_import(vault, _write(tmp_path, [("wxid_mum", "tea time"), ("moments", "tea garden walk")]),
                   format="feed-fixture")
    finally:
        registry.IMPORTERS[:] = registry_backup
    vault.lock()
    env = {"CHATVAULT_VAULT": str(vault_path), "CHATVAULT_PASSPHRASE": PASSPHRASE}
    out = cli("search", "tea", "--feed", "moments", "--json", env=env)
    assert out.returncode == 0, out.stderr
    hits = json.loads(out.stdout)["results"]
    assert [h["conversation"] for h in hits] == ["Moments"]
