"""`chatvault articles list|fetch|check|show` as a user runs them (a separate process, --json contract)."""

from __future__ import annotations

import json

from tests.article_fixtures import A1, IMG, MARKER, WX, import_links, serve_article
from tests.article_server import BLOCKED_PAGE, ArticleServer
from tests.conftest import PASSPHRASE


def test_cli_fetch_show_check_list(vault, tmp_path, cli):
    import_links(vault, tmp_path / "chat", [A1])
    base = ["--vault", str(vault.path)]
    env = {"CHATVAULT_PASSPHRASE": PASSPHRASE}
    refused = cli("articles", "fetch", *base, "--json", env=env)
    assert refused.returncode == 2 and json.loads(refused.stdout)["error"] == "network_not_allowed"
    assert "Settings" in refused.stderr
    with ArticleServer() as server:
        serve_article(server, "/s/AAAAAAAAAAAAAAAAAAAAAA", "命令行", n_images=1)
        to = f"{WX}=127.0.0.1:{server.port},{IMG}=127.0.0.1:{server.port}"
        r = cli("articles", "fetch", *base, "--allow-network", "--interval", "0.1", "--connect-to", to, "--json", env=env)
        assert r.returncode == 0, r.stderr
        out = json.loads(r.stdout)
        assert len(out["fetched"]) == 1 and out["fetched"][0]["images"] == 1 and out["requests"] == 2
        server.route(WX, "/s/AAAAAAAAAAAAAAAAAAAAAA", body=BLOCKED_PAGE)
        r = cli("articles", "check", A1, *base, "--allow-network", "--connect-to", to, "--json", env=env)
        assert r.returncode == 0, r.stderr
        assert json.loads(r.stdout)["checked"][0]["status"] == "blocked"
    listed = json.loads(cli("articles", "list", *base, "--json", env=env).stdout)
    assert listed["counts"] == {"articles": 1, "saved": 1, "deleted": 0, "blocked": 1, "unavailable": 0}
    a = listed["articles"][0]
    assert a["title"] == "命令行" and a["status"] == "blocked" and a["status_text"] == "此内容因违规无法查看"
    assert a["saved"] and a["origin"] == "fetched" and a["captured_at"].endswith("Z")
    shown = json.loads(cli("articles", "show", str(a["id"]), *base, "--json", env=env).stdout)
    assert [c["status"] for c in shown["checks"]] == ["available", "blocked"]
    assert len(shown["snapshots"]) == 1 and len(shown["linked_messages"]) == 1
    view = cli("articles", "show", A1, *base, "--view", env=env)
    assert MARKER in view.stdout and "cvimg:0" in view.stdout
