"""The export code handles an account's Moments: selected by feed, the JSON export holds every post
and comment (comments answering their post, likes and photos with the post, a deleted post marked)
and the HTML export reads as the timeline (comments quote their post, likes and place shown)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from chatvault.export.html import export_html
from chatvault.export.jsonfmt import FILE_NAME, export_json
from chatvault.export.selection import Selection, plan
from chatvault.importers.base import ImportOptions
from chatvault.ingest.engine import run_import
from chatvault.jobs.context import JobContext
from chatvault.search.api import SearchFilters
from chatvault.vault.vault import create_vault
from tests import wechat_fixtures as F
from tests import wechat_moments as M
from tests.conftest import PASSPHRASE


@pytest.fixture(scope="module")
def account(tmp_path_factory):
    """An imported PC account whose Moments were read twice: the second time without post 4 (between
    two other posts of Carol's, so the later cache really dropped it)."""
    base = tmp_path_factory.mktemp("mexp")
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("CHATVAULT_TMPDIR", str(base / "work"))
        vault, _ = create_vault(base / "vault", PASSPHRASE)
        root = F.build_pc_folder(base).root
        carol = M.sample_posts()[3]
        posts = M.sample_posts()[:6] + [M.MPost(8, carol.author, carol.ts - 50, "carol before"),
                                        M.MPost(9, carol.author, carol.ts + 50, "carol after")]
        opts = ImportOptions(options={"key": F.KEY_HEX})
        M.write_pc_sns(root, posts)
        run_import(vault, root, format="wechat-pc", options=opts)
        M.write_pc_sns(root, [p for p in posts if p.n != 4])     # Carol deleted her link post
        run_import(vault, root, format="wechat-pc", options=opts)
    yield vault, base
    vault.lock()


SELECTION = Selection(filters=SearchFilters(feeds=["moments"]))


def test_json_export_of_the_moments_feed(account):
    vault, base = account
    conn = vault.connect(readonly=True)
    try:
        chats = plan(conn, SELECTION)
    finally:
        conn.close()
    assert [(c.title, c.source_key, c.messages) for c in chats] == [("Moments", "@moments", 11)]
    report = export_json(vault, SELECTION, base / "json", JobContext(), media=True)
    recs = [json.loads(x) for x in (base / "json" / FILE_NAME).read_text("utf-8").splitlines()]
    assert recs[0]["selection"]["feeds"] == ["moments"]
    msgs = {r["source_key"]: r for r in recs if r["type"] == "message"}
    assert len(msgs) == report.messages == 11                     # 8 posts, 3 comments, no chat message
    first = str(M.POST_BASE + 1)
    assert msgs[f"{first}:c9001"]["reply_to_key"] == first and msgs[f"{first}:c9001"]["text"] == "好看！"
    assert [lk["name"] for lk in msgs[first]["extra"]["moments"]["likes"]] == ["Alice R", "Bob"]
    hike = msgs[str(M.POST_BASE + 2)]
    assert len(hike["attachments"]) == 3 and all(a["status"] == "stored" for a in hike["attachments"])
    assert msgs[str(M.POST_BASE + 4)]["status"] == "missing-at-source"
    assert report.attachments >= 3 and any((base / "json").rglob("*.jpg"))


def test_html_export_of_the_moments_feed(account):
    vault, base = account
    report = export_html(vault, SELECTION, base / "html", JobContext())
    pages = [p for p in report.files if Path(p).suffix == ".html" and Path(p).name != "index.html"]
    html = "".join(Path(p).read_text("utf-8") for p in pages)
    assert "第一条朋友圈 first post" in html and "好看！" in html
    assert 'class="ql" href="#n0"' in html                          # the comment quotes its post
    assert "♡ Alice R、Bob" in html and "📍 外滩 · 中山东一路" in html
    assert "十个关于归档的故事" in html and "gone" in html           # the deleted link post, marked
    assert "hello" not in html                                     # chats are not in a Moments export


def test_search_cli_with_feed_moments_finds_posts_and_comments(account, cli):
    """`chatvault search --feed moments` over a real WeChat import: a comment and a post, no chat."""
    vault, _base = account
    env = {"CHATVAULT_VAULT": str(vault.path), "CHATVAULT_PASSPHRASE": PASSPHRASE}
    out = cli("search", "好看", "--feed", "moments", "--json", env=env)
    assert out.returncode == 0, out.stderr
    hits = json.loads(out.stdout)["results"]
    assert [(h["conversation"], h["snippet"]) for h in hits] == [("Moments", "[好看]！")]
    out = cli("search", "hike", "--feed", "chats", "--json", env=env)
    assert json.loads(out.stdout)["results"] == []
    out = cli("search", "hike", "--feed", "moments", "--json", env=env)
    assert [h["snippet"] for h in json.loads(out.stdout)["results"]] == ["three photos from the [hike]"]
