"""The Chinese UI shows no English: every window, page, dialog, menu, tooltip, placeholder and table
header the app can show is walked with the zh_CN translator installed, and any English word left
(apart from product and format names and the user's own data) fails the test."""

from __future__ import annotations

import getpass
import importlib
import inspect
import json
import pkgutil
from pathlib import Path

import pytest
from PySide6.QtCore import QSettings, Qt
from PySide6.QtWidgets import QApplication, QDialog, QWidget

from chatvault.gui.devtools.uitext import collect, english, english_words, painted

DIALOG_ARGS = {"vault_path": "vault_path", "path": "export", "paths": "exports", "parent": "window",
               "window": "window", "vault": "vault", "destination": "destination", "items": "photos",
               "start": "zero", "conn": "conn", "message_id": "message_id", "chats": "chats",
               "find_person": "find_person", "runs": "runs", "first": "first", "scopes": "scopes",
               "custodians": "custodian_names", "HoldDialog.custodians": "custodian_rows"}


@pytest.fixture(autouse=True)
def _settings(tmp_path: Path):
    QSettings.setPath(QSettings.Format.IniFormat, QSettings.Scope.UserScope, str(tmp_path / "settings"))
    from chatvault.gui import i18n

    i18n.set_language("zh_CN")
    yield
    i18n.set_language("en")


@pytest.fixture
def zh_window(qtbot, vault, tmp_path: Path):
    from chatvault.devtools import demo
    from chatvault.gui import theme
    from chatvault.gui.main_window import MainWindow

    conn = vault.connect()
    demo.populate(conn, moments=True)
    demo.attach_demo_photo(vault, conn)
    from chatvault.devtools.demo_favorites import populate_favorites

    populate_favorites(conn, vault)                 # the Favorites page: one of every kind
    user = [r[0] for r in conn.execute(
        "SELECT title FROM conversations UNION SELECT display_name FROM participants UNION SELECT display_name "
        "FROM sources UNION SELECT account FROM sources UNION SELECT text FROM messages UNION SELECT source_key "
        "FROM messages UNION SELECT original_name FROM attachments") if r[0]]
    for (extra,) in conn.execute("SELECT extra FROM messages WHERE extra IS NOT NULL"):
        user += _strings(json.loads(extra))
    user += [theme.initials(u) for u in user]      # avatars show the initials of a name
    conn.close()
    win = MainWindow(vault)
    qtbot.addWidget(win)
    win.show()
    win.user_data = user + [str(tmp_path), getpass.getuser()]      # the account name is the user's own
    yield win
    win.close()


def _strings(value) -> list[str]:
    """Every string inside a message's imported extra data (poll options, WeChat ids, card titles)."""
    if isinstance(value, str):
        return [value]
    if isinstance(value, dict):
        value = list(value.values())
    return [s for v in value for s in _strings(v)] if isinstance(value, list) else []


def _settle(qtbot, ms: int = 50) -> None:
    qtbot.wait(ms)


def _dialog_classes() -> list[type]:
    import chatvault.gui.dialogs as pkg

    found = []
    for info in pkgutil.iter_modules(pkg.__path__):
        mod = importlib.import_module(f"{pkg.__name__}.{info.name}")
        for _name, cls in inspect.getmembers(mod, inspect.isclass):
            if issubclass(cls, QDialog) and cls.__module__ == mod.__name__:
                found.append(cls)
    return found


def _build(cls: type, values: dict) -> QDialog:
    """Construct a dialog from the values its parameters are named after (every dialog under gui/dialogs)."""
    kwargs = {}
    for name, p in inspect.signature(cls.__init__).parameters.items():
        if name == "self" or p.kind in (p.VAR_POSITIONAL, p.VAR_KEYWORD):
            continue
        key = DIALOG_ARGS.get(f"{cls.__name__}.{name}", DIALOG_ARGS.get(name))
        if key is None:
            assert p.default is not inspect.Parameter.empty, f"{cls.__name__}({name}=?): teach DIALOG_ARGS this name"
            continue
        kwargs[name] = values[key]
    return cls(**kwargs)


def test_every_screen_and_dialog_is_chinese(qtbot, zh_window, vault, tmp_path: Path) -> None:
    from chatvault.gui.main_window import PAGE_CHATS, PAGE_GALLERY, PAGE_PROTECTION, PAGE_SEARCH
    from tests.backup_fixtures import folder_destination

    win = zh_window
    found = []
    for page in (PAGE_CHATS, PAGE_SEARCH, PAGE_GALLERY, PAGE_PROTECTION):
        win.show_page(page)
        _settle(qtbot, 100)
        found += collect(win)
    from chatvault.gui.views.main_chrome import PAGE_COMPLIANCE

    win.show_page(PAGE_COMPLIANCE)                 # every tab of the compliance page, its rows read
    for i in range(win.compliance.tabs.count()):
        win.compliance.tabs.setCurrentIndex(i)
        _settle(qtbot, 150)
        found += collect(win)
    from chatvault.gui.views.main_chrome import PAGE_MOMENTS

    win.show_page(PAGE_MOMENTS)                    # the Moments timeline: posts, photos, likes, comments
    qtbot.waitUntil(lambda: bool(win.moments.cards) and not win.moments.loading, timeout=10_000)
    _settle(qtbot, 150)
    found += collect(win)
    from chatvault.gui.views.main_chrome import PAGE_FAVORITES

    fav = win.favorites_page                       # every favorite shown whole, and the cards painted
    with qtbot.waitSignal(fav.model.loaded, timeout=10_000):
        win.show_page(PAGE_FAVORITES)
    for row in range(len(fav.model.rows)):
        fav.select_row(row)
        _settle(qtbot, 30)
        found += collect(win)
    found += painted(fav.list)
    # Search counts, one and many, and the empty result.
    sp = win.search_page
    for query in ("好", "红包", "zzqqxx"):
        win.show_page(PAGE_SEARCH)
        sp.box.setText(query)
        sp.run_now()
        qtbot.waitUntil(lambda: sp.status.text() and "…" not in sp.status.text(), timeout=10_000)
        found.append(("searchStatus", sp.status.text()))
    # What the delegates paint: chat list rows, every conversation's bubbles, search hits.
    win.show_page(PAGE_CHATS)
    for row in range(win.chat_proxy.rowCount()):
        win.chat_list.setCurrentIndex(win.chat_proxy.index(row, 0))
        _settle(qtbot, 30)
        found += painted(win.messages)
        actions = getattr(win.messages, "actions", None)          # the message context menu, where built
        if hasattr(actions, "menu_for") and win.messages.model_.rows:
            for msg in win.messages.model_.rows[:60]:
                found += collect(actions.menu_for(msg))
    found += painted(win.chat_list) + painted(sp.list)
    win.gallery.show_missing()
    found += collect(win)
    menu = win.who_is_me.build_menu(win.current_conv or {"id": win.search_page.conversations[0]["id"],
                                                         **win.search_page.conversations[0]})
    found += collect(menu)
    if win.tray.available():
        found += collect(win.tray.menu)
    # Every dialog class under gui/dialogs, built from its parameters' names.
    export = tmp_path / "WhatsApp Chat with 陈伟.txt"
    export.write_text("01/02/2024, 10:00 - 陈伟: 你好\n", encoding="utf-8")
    folder_destination(vault, tmp_path / "backup")
    photos = [it for it in win.gallery.model.items if it["status"] == "stored"]
    win.user_data += [export.name, "usb", "English"]   # a file, a destination, a language's own name
    message_id = win.conn.execute("SELECT id FROM messages WHERE forwarded_from IS NOT NULL OR kind = 'file' "
                                  "ORDER BY id LIMIT 1").fetchone()[0]
    chats = [{"id": c["id"], "title": c.get("title"), "app": "wechat"} for c in win.search_page.conversations]
    scopes = []
    try:
        from chatvault.export.selection import Selection
        from chatvault.gui.dialogs.export import Scope

        scopes = [Scope("保险库中的全部内容", Selection())]
    except ImportError:                                           # a build without exports
        pass
    values = {"chats": chats, "find_person": lambda _text: [], "runs": [], "first": True, "scopes": scopes,
              "custodian_rows": [{"id": 1, "name": "陈伟"}], "custodian_names": ["陈伟"],
              "vault_path": vault.path, "export": export, "exports": [export], "window": win, "vault": vault,
              "destination": "usb", "photos": photos, "zero": 0, "conn": win.conn, "message_id": message_id}
    classes = _dialog_classes()
    assert len(classes) >= 6
    for cls in classes:
        dlg = _build(cls, values)
        if not dlg.testAttribute(Qt.WidgetAttribute.WA_DeleteOnClose):
            qtbot.addWidget(dlg)
        dlg.show()
        _settle(qtbot)
        found += [(f"{cls.__name__}/{w}", t) for w, t in collect(dlg)]
        dlg.close()
    leaks = sorted(set(english(found, win.user_data)))
    assert not leaks, "English in the Chinese UI:\n" + "\n".join(f"  {w}: {t!r}" for w, t in leaks)


def test_import_report_and_preview_are_chinese(qtbot, zh_window, tmp_path: Path) -> None:
    """The import dialog's pages filled by a real import (preview, progress, report) say it in Chinese."""
    win = zh_window
    export = tmp_path / "WhatsApp Chat with Tom.txt"
    export.write_text("".join(f"25/02/2024, 10:{i:02d} - Tom: hello {i}\n" for i in range(30)), encoding="utf-8")
    dlg = win.imports.start_preview(export)
    qtbot.waitUntil(lambda: dlg.pages.currentIndex() != 0, timeout=20_000)
    found = collect(dlg)
    if dlg.start_button.isEnabled() and dlg.pages.currentIndex() == 1:
        dlg.start_button.click()
    qtbot.waitUntil(lambda: dlg.pages.currentIndex() == 3, timeout=30_000)
    found += collect(dlg)
    leaks = sorted(set(english(found, [*win.user_data, "Tom", export.name, "hello"])))
    assert not leaks, "English in the Chinese import dialog:\n" + "\n".join(f"  {w}: {t!r}" for w, t in leaks)
    dlg.close()


def test_the_checker_catches_english_and_spares_names(qapp) -> None:
    assert english_words("3 条消息（12 毫秒）") == []
    assert english_words("导入 WeChat 聊天记录（JSON）") == []
    assert english_words("已备份到 /media/usb/ChatVault-backup") == []
    assert english_words("42 results") == ["results"]
    assert english_words("手机 IMEI", user_data=["IM", "AR"]) == []      # initials are whole words
    assert english_words("在 shared_prefs/auth_info_key_prefs.xml（_auth_uin）中") == []
    assert english_words("Europe/Lisbon") == [] and english_words("Open the file.") == ["Open", "the", "file"]
    assert english_words("关于 ChatVault · Settings") == ["Settings"]
    assert english_words("陈伟: see you", user_data=["see you"]) == []
    w = QWidget()
    w.setToolTip("Lock the vault")
    assert english(collect(w)) == [("QWidget#?", "Lock the vault")]
    assert QApplication.translate("SearchPage", "Search all chats") == "搜索全部聊天"


def test_search_counts_have_plural_forms_in_both_languages(qtbot) -> None:
    from chatvault.gui import i18n
    from chatvault.gui.pages.search import SearchPage

    page = SearchPage()
    qtbot.addWidget(page)
    assert page.count_text(1234, 200, 0.012) == "1,234 条消息（12 毫秒） · 显示前 200 条"
    i18n.set_language("en")
    assert page.count_text(1, 1, 0.003) == "1 message (3 ms)"
    assert page.count_text(2, 2, 0.003) == "2 messages (3 ms)"
    assert page.count_text(1234, 200, 0.012) == "1,234 messages (12 ms) · showing the first 200"


def test_core_status_lines_and_format_titles_are_translated(qapp) -> None:
    """What the core reports in English (import status, importer titles) reaches the screen in Chinese,
    and every string in that table is still one the core really says."""
    from chatvault.gui import i18n

    core = "".join(p.read_text(encoding="utf-8") for p in (Path(i18n.__file__).parents[1]).rglob("*.py")
                   if "gui" not in p.parts)
    for text in i18n.CORE_STRINGS:
        assert f'"{text}"' in core, f"the core no longer says {text!r}: drop it from CORE_STRINGS"
        assert not english_words(i18n.core_text(text)), text
    for text in i18n.CORE_TITLES:
        assert not english_words(i18n.core_text(text), ["WeChat", "Weixin"]), text
    assert i18n.core_text("Importing WhatsApp Chat with Tom.txt (WhatsApp chat export)") == \
        "正在导入 WhatsApp Chat with Tom.txt（WhatsApp 聊天导出）"
    assert i18n.core_text("Checking export.zip") == "正在检查 export.zip"
    assert i18n.core_text("checking media") == "正在检查 media"
    from chatvault.gui.ops import Op
    op = Op(lambda ctx: None)
    op.ctx.status("Verifying the snapshot")
    assert op.snapshot().status == "正在校验快照"          # every job's status line reaches the screen translated
    i18n.set_language("en")
    assert i18n.core_text("Verifying the snapshot") == "Verifying the snapshot"
