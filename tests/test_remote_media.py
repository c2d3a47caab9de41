"""Files an export names only by their web address (issue #23 item 3: Slack files "downloadable later
only if the user asks"): listed as remote, never fetched without consent, and downloaded into the
vault, once, from a real HTTP server on 127.0.0.1 when asked."""

from __future__ import annotations

import json

from chatvault.ingest.engine import run_import
from tests import slack_fixtures as sf
from tests.article_server import ArticleServer, Route
from tests.conftest import PASSPHRASE
from tests.import_fixtures import PNG_1x1


def _export_with_files(tmp_path):
    root = sf.write(tmp_path / "ws")
    day = root / "general" / "2023-11-14.json"
    msgs = json.loads(day.read_text(encoding="utf-8"))
    msgs.append(sf.msg(30, "U2", "", subtype="file_share", files=[
        {"id": "F2", "name": "cat.png", "mimetype": "image/png", "size": len(PNG_1x1),
         "url_private_download": "http://files.slack.com/F2/cat.png"}]))
    day.write_text(json.dumps(msgs), encoding="utf-8")
    return root


def test_remote_files_are_listed_refused_without_consent_and_downloaded_when_asked(vault_path, vault, tmp_path, cli):
    run_import(vault, _export_with_files(tmp_path))
    vault.lock()
    env = {"CHATVAULT_VAULT": str(vault_path), "CHATVAULT_PASSPHRASE": PASSPHRASE}
    listed = json.loads(cli("remote", "list", "--json", env=env).stdout)
    assert {f["name"] for f in listed["files"]} == {"plan.pdf", "cat.png"} and "files.slack.com" in listed["hosts"]
    with ArticleServer() as server:
        server.routes[("files.slack.com", "/F2/cat.png")] = Route(body=PNG_1x1, content_type="image/png")
        refused = cli("remote", "fetch", env=env)
        assert refused.returncode == 2 and "--allow-network" in refused.stderr and not server.seen
        out = cli("remote", "fetch", "--allow-network", "--interval", "0.1", "--json",
                  "--connect-to", f"files.slack.com=127.0.0.1:{server.port}", env=env)
        report = json.loads(out.stdout)
        assert report["fetched"] == 1 and [f["url"].rsplit("/", 1)[-1] for f in report["failed"]] == ["plan.pdf"]
        assert all("chatvault" in s.headers.get("user-agent", "").lower() for s in server.seen)
        assert not any("cookie" in s.headers for s in server.seen)
    left = json.loads(cli("remote", "list", "--json", env=env).stdout)
    assert [f["name"] for f in left["files"]] == ["plan.pdf"]          # the stored one is no longer remote
    media = json.loads(cli("media", "ls", "--json", env=env).stdout)
    assert [m["name"] for m in media["media"]] == ["cat.png"]                # stored, encrypted, in the vault


def test_the_app_downloads_web_files_after_the_user_agrees(qtbot, vault, tmp_path, monkeypatch):
    from PySide6.QtCore import QSettings, Qt, QTimer
    from PySide6.QtWidgets import QApplication, QMessageBox

    from chatvault.articles import net
    from chatvault.gui.main_window import PAGE_GALLERY, MainWindow

    QSettings.setPath(QSettings.Format.IniFormat, QSettings.Scope.UserScope, str(tmp_path / "settings"))
    run_import(vault, _export_with_files(tmp_path))
    win = MainWindow(vault)
    qtbot.addWidget(win)
    win.show()
    win.show_page(PAGE_GALLERY)
    win.gallery.show_missing()
    with ArticleServer() as server:
        server.routes[("files.slack.com", "/F2/cat.png")] = Route(body=PNG_1x1, content_type="image/png")
        real = net.Fetcher

        def local(**kw):
            return real(**kw, connect_to={"files.slack.com": ("127.0.0.1", server.port)})

        monkeypatch.setattr(net, "Fetcher", local)
        seen: list[str] = []

        def answer_when_asked(yes: bool) -> QTimer:
            """Answers the confirmation once it is on screen (it runs its own event loop)."""
            timer = QTimer(win)

            def poll() -> None:
                box = QApplication.activeModalWidget()
                if isinstance(box, QMessageBox) and box.objectName() == "downloadRemoteConfirm":
                    timer.stop()
                    seen.append(box.text())
                    box.button(QMessageBox.StandardButton.Yes if yes else QMessageBox.StandardButton.Cancel).click()

            timer.timeout.connect(poll)
            timer.start(50)
            return timer

        button = win.gallery.remote_button
        answer_when_asked(False)
        qtbot.mouseClick(button, Qt.MouseButton.LeftButton)
        qtbot.waitUntil(lambda: bool(seen), timeout=10_000)
        assert "files.slack.com" in seen[0] and not server.seen            # refused: nothing fetched
        answer_when_asked(True)
        qtbot.mouseClick(button, Qt.MouseButton.LeftButton)
        qtbot.waitUntil(lambda: "Downloaded 1" in win.gallery.locate_status.text(), timeout=30_000)
    conn = vault.connect(readonly=True)
    stored = conn.execute("SELECT count(*) FROM attachments WHERE original_name = 'cat.png' AND status = 'stored'")
    assert stored.fetchone()[0] == 1
    conn.close()
    win.close()
