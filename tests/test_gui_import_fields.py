"""Issue #18 item 2: WeChat can be imported from the app. The import dialog shows the fields the
detected format needs (WeChat key, IMEI + uin, image key), checks them as they are typed, says where
each value is found, tells a wrong key next to the field while keeping what was typed, and never
tells anyone to type a command-line flag. Real widgets, real encrypted WeChat fixtures, a real vault."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import QSettings, Qt
from PySide6.QtWidgets import QComboBox, QLabel, QLineEdit

from chatvault.gui.dialogs import import_wording as W
from tests import wechat_fixtures as wf

pytestmark = pytest.mark.filterwarnings("ignore::DeprecationWarning")


@pytest.fixture(autouse=True)
def _settings(tmp_path: Path):
    QSettings.setPath(QSettings.Format.IniFormat, QSettings.Scope.UserScope, str(tmp_path / "settings"))


@pytest.fixture
def win(qtbot, vault):
    from chatvault.gui.main_window import MainWindow

    w = MainWindow(vault)
    qtbot.addWidget(w)
    w.show()
    yield w
    w.close()


def _open(qtbot, win, path: Path):
    dlg = win.imports.start_preview(path)
    qtbot.waitUntil(lambda: dlg.pages.currentIndex() == 1, timeout=60_000)
    return dlg


def _field(dlg, name: str):
    return dlg.findChild(QLineEdit, name) or dlg.findChild(QComboBox, name)


def _error(dlg, name: str) -> QLabel:
    return dlg.findChild(QLabel, f"{name}Error")


def _type(qtbot, edit: QLineEdit, text: str) -> None:
    edit.clear()
    qtbot.keyClicks(edit, text)


def _no_flags(dlg) -> None:
    texts = dlg.shown_texts() + [dlg.windowTitle()]
    assert texts and not [t for t in texts if "--" in t or "`chatvault" in t], texts


def _start(qtbot, win, dlg):
    with qtbot.waitSignal(win.imports.finished, timeout=120_000) as sig:
        qtbot.mouseClick(dlg.findChild(type(dlg.start_button), "startImport"), Qt.MouseButton.LeftButton)
    return sig.args[0]


def _titles(win) -> set[str]:
    return {c["display"] for c in win.chat_model.rows}


def test_wechat_folder_imports_with_its_key_typed_in_and_a_wrong_key_is_told_at_the_field(
        qtbot, win, tmp_path: Path) -> None:
    root = wf.build_pc_folder(tmp_path).root
    dlg = _open(qtbot, win, root)
    key, start = _field(dlg, "wechatKey"), dlg.start_button
    assert start.objectName() == "startImport"
    # Detected as WeChat for Windows: the key field is shown, with where the key comes from, and
    # the import cannot start without it.
    assert key.isVisibleTo(dlg) and not _field(dlg, "androidImei").isVisibleTo(dlg)
    assert "WeChat for Windows 3.x" in _field(dlg, "formatChoice").currentText()
    help_text = dlg.findChild(QLabel, "wechatKeyHelp").text()
    assert "64 hexadecimal digits" in help_text and "PyWxDump" in help_text
    assert "encrypted: enter the account's key" in _error(dlg, "wechatKey").text()
    assert not start.isEnabled()
    _no_flags(dlg)
    # Checked while typing: too short, then not hexadecimal.
    _type(qtbot, key, "0123abcd")
    assert _error(dlg, "wechatKey").isVisibleTo(dlg) and "this has 8" in _error(dlg, "wechatKey").text()
    assert not start.isEnabled()
    _type(qtbot, key, "z" * 64)
    assert "0-9 and the letters a-f" in _error(dlg, "wechatKey").text() and not start.isEnabled()
    # A well-formed key of another account: Start reads with it and comes back to the field.
    wrong = "ab" * 32
    _type(qtbot, key, wrong)
    assert start.isEnabled() and not _error(dlg, "wechatKey").isVisibleTo(dlg)
    qtbot.mouseClick(start, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: dlg.pages.currentIndex() == 1 and "does not open" in _error(dlg, "wechatKey").text(),
                    timeout=60_000)
    assert key.text() == wrong and _error(dlg, "wechatKey").isVisibleTo(dlg)     # what was typed is kept
    assert "does not open MicroMsg.db" in _error(dlg, "wechatKey").text()                # which file, and why
    assert not start.isEnabled() and not _titles(win)                           # nothing was imported
    _no_flags(dlg)
    # The right key (pasted with spaces, as some tools print it) imports the account.
    _type(qtbot, key, " ".join(wf.KEY_HEX[i:i + 8] for i in range(0, 64, 8)))
    assert start.isEnabled()
    rep = _start(qtbot, win, dlg)
    assert rep.added == 35 and dlg.pages.currentIndex() == 3 and dlg.report_title.text() == "Import finished"
    assert {"Alice R", "Hiking group"} <= _titles(win)
    _no_flags(dlg)


def test_weixin4_image_key_and_android_imei_uin_fields(qtbot, win, tmp_path: Path) -> None:
    app = wf.build_android_folder(tmp_path / "phone")
    dlg = _open(qtbot, win, app)
    imei, uin, start = _field(dlg, "androidImei"), _field(dlg, "androidUin"), dlg.start_button
    assert imei.isVisibleTo(dlg) and uin.isVisibleTo(dlg) and not _field(dlg, "wechatKey").isVisibleTo(dlg)
    assert "*#06#" in dlg.findChild(QLabel, "androidImeiHelp").text()
    uin_help = dlg.findChild(QLabel, "androidUinHelp").text()
    assert "auth_info_key_prefs.xml" in uin_help and "system_config_prefs.xml" in uin_help
    assert "IMEI" in _error(dlg, "androidImei").text() and not start.isEnabled()
    _type(qtbot, uin, "12ab")
    assert "whole number" in _error(dlg, "androidUin").text() and not start.isEnabled()
    _type(qtbot, imei, "35824005")
    assert "15 digits; this has 8" in _error(dlg, "androidImei").text()
    _type(qtbot, imei, wf.IMEI)
    _type(qtbot, uin, str(wf.UIN))
    assert start.isEnabled()
    _no_flags(dlg)
    rep = _start(qtbot, win, dlg)
    assert rep.added >= 13 and rep.outcome == "ok"
    dlg.close()

    # Weixin 4: the key and the image key fields; an image key of the wrong length is refused while typed.
    v4 = wf.build_v4_folder(tmp_path / "pc")
    win.imports.op = None
    dlg = _open(qtbot, win, v4)
    image_key = _field(dlg, "imageKey")
    assert image_key.isVisibleTo(dlg) and _field(dlg, "wechatKey").isVisibleTo(dlg)
    assert "Weixin 4" in dlg.findChild(QLabel, "wechatKeyHelp").text()
    _type(qtbot, image_key, "short")
    assert "16 characters or 32 hexadecimal digits; this has 5" in _error(dlg, "imageKey").text()
    assert not dlg.start_button.isEnabled()
    _type(qtbot, image_key, wf.IMAGE_KEY.decode())
    _type(qtbot, _field(dlg, "wechatKey"), wf.KEY_HEX)
    assert dlg.start_button.isEnabled()
    rep = _start(qtbot, win, dlg)
    assert rep.added > 5 and rep.outcome == "ok", [r.error for r in rep.results]
    # The image key reached the importer: no picture is left undecoded for want of it.
    assert not [w for _p, w in rep.warnings() if "image key" in w] and "image key" not in dlg.notes.text()
    dlg.close()


def test_format_chooser_overrides_detection(qtbot, win, tmp_path: Path) -> None:
    """A folder read as WeChat can be told to be read as another format; the fields follow the choice."""
    root = wf.build_pc_folder(tmp_path).root
    dlg = _open(qtbot, win, root)
    choice = _field(dlg, "formatChoice")
    choice.setCurrentIndex(choice.findData("wechat-android"))
    assert _field(dlg, "androidImei").isVisibleTo(dlg) and not _field(dlg, "wechatKey").isVisibleTo(dlg)
    choice.setCurrentIndex(choice.findData("weixin4"))
    assert _field(dlg, "imageKey").isVisibleTo(dlg) and "Weixin 4" in dlg.findChild(QLabel, "wechatKeyHelp").text()
    choice.setCurrentIndex(0)
    assert _field(dlg, "wechatKey").isVisibleTo(dlg) and not _field(dlg, "imageKey").isVisibleTo(dlg)
    dlg.reject()


def _core_errors(tmp_path: Path) -> list[BaseException]:
    """Every error the import path raises for a value the user gives, built the way the core builds it."""
    from chatvault.errors import ChatVaultError
    from chatvault.importers import registry
    from chatvault.importers.base import ImportOptions
    from chatvault.importers.wechat import dbopen
    from chatvault.importers.whatsapp.dateorder import DateOrderNeeded
    from chatvault.importers.whatsapp.importer import system_zone
    from chatvault.jobs.context import JobContext

    out: list[BaseException] = [DateOrderNeeded("chat.txt", "03/04/23")]
    for call in (lambda: dbopen.parse_hex_key("abc", tmp_path), lambda: system_zone("Mars/Olympus"),
                 lambda: registry.get("nope"), lambda: registry.detect(tmp_path / "x.png")):
        try:
            (tmp_path / "x.png").write_bytes(b"\x89PNG\r\n\x1a\n" + bytes(100))
            call()
        except ChatVaultError as exc:
            out.append(exc)
    for cipher in (dbopen.PC3, dbopen.WEIXIN4, dbopen.ANDROID):
        for given in (True, False):
            out.append(dbopen._wrong_key(tmp_path / "MSG0.db", cipher, given))
    for importer, path, opts in (
            (registry.get("weixin4"), wf.build_v4_folder(tmp_path / "v4"), {"image_key": "short", "key": wf.KEY_HEX}),
            (registry.get("wechat-android"), wf.build_android_folder(tmp_path / "a"), {"key": "xyz"}),
            (registry.get("wechat-android"), wf.build_android_folder(tmp_path / "a"), {"uin": "x1"})):
        try:
            list(importer.read(path, ImportOptions(options=opts), JobContext()))
        except ChatVaultError as exc:
            out.append(exc)
    return out


def test_no_error_or_label_of_the_import_path_names_a_flag(qtbot, tmp_path: Path) -> None:
    errors = _core_errors(tmp_path)
    assert len(errors) >= 14
    assert any("--" in (getattr(e, "hint", "") or "") for e in errors)     # the CLI keeps its flag hints…
    for exc in errors:
        for given in ({}, {"key": "ab" * 32, "imei": "1", "image_key": "short", "tz": "Mars/Olympus"}):
            field, text = W.describe(exc, given)
            assert text and "--" not in text and "`chatvault" not in text, (exc, text)   # …the app never
            assert field is not None or not getattr(exc, "field", None)
    # Every field's label, help text and check message, for every format.
    for fmt, fields in W.FORMAT_FIELDS.items():
        assert "--" not in W.format_title(fmt)
        for field in fields:
            assert "--" not in W.field_label(field) + W.field_help(field, fmt)
    for field, bad in (("key", "zz"), ("key", "ab"), ("android_key", "12"), ("imei", "1"), ("uin", "u"),
                       ("image_key", "x"), ("tz", "Nowhere/City")):
        message = W.check(field, bad)
        assert message and "--" not in message
    # A warning that names a flag keeps only its other sentences.
    assert W.app_text("Nobody is you here. Say who: --me NAME, or `chatvault source set-me`.") == "Nobody is you here."


def test_the_dialog_speaks_chinese_in_the_chinese_ui(qtbot, win, tmp_path: Path) -> None:
    """The new fields, their help, the checks while typing and the queue's words come from the zh_CN
    catalogue (both the dialog's own context and the contexts of the new modules)."""
    from chatvault.gui import i18n

    assert i18n.set_language("zh_CN") == "zh_CN"
    try:
        wa = tmp_path / "WhatsApp Chat with Ann.txt"
        wa.write_text("31/12/23, 10:00 - Ann: x\n", encoding="utf-8")
        root = wf.build_pc_folder(tmp_path).root
        dlg = win.imports.start_many([root, wa])
        qtbot.waitUntil(lambda: dlg.pages.currentIndex() == 1, timeout=60_000)
        assert dlg.sources_title.text() == "2 个导出将作为一个任务导入"
        assert dlg.findChild(QLabel, "wechatKeyHelp").text().startswith("微信只在运行时")
        assert _error(dlg, "wechatKey").text() == "这个微信数据库已加密：请输入该账号的密钥以导入。"
        _type(qtbot, _field(dlg, "wechatKey"), "abc")
        assert _error(dlg, "wechatKey").text() == "密钥是 64 位十六进制数字；这里有 3 位。"
        assert dlg.start_hint.text() == "请先更正标红的值。"
        assert "自动：Windows 版微信 3.x" == _field(dlg, "formatChoice").currentText()
        dlg.reject()
    finally:
        i18n.set_language("en")


def test_whatsapp_time_zone_field_sets_the_zone_of_the_times(qtbot, win, tmp_path: Path) -> None:
    from datetime import datetime
    from zoneinfo import ZoneInfo

    path = tmp_path / "WhatsApp Chat with Ann.txt"
    path.write_text("31/12/23, 10:00 - Ann: x\n31/12/23, 10:01 - Bob: y\n", encoding="utf-8")
    dlg = _open(qtbot, win, path)
    tz = _field(dlg, "timeZone")
    assert tz.isVisibleTo(dlg) and _field(dlg, "dateOrder").isVisibleTo(dlg)
    assert not _field(dlg, "wechatKey").isVisibleTo(dlg)
    tz.setEditText("Mars/Olympus")
    assert "choose one from the list" in _error(dlg, "timeZone").text() and not dlg.start_button.isEnabled()
    tz.setCurrentText("Asia/Shanghai")
    assert not _error(dlg, "timeZone").isVisibleTo(dlg) and dlg.start_button.isEnabled()
    dlg.me.setEditText("Bob")
    rep = _start(qtbot, win, dlg)
    assert rep.added == 2
    conn = win.vault.connect(readonly=True)
    try:
        first = conn.execute("SELECT min(ts) FROM messages").fetchone()[0]
    finally:
        conn.close()
    assert first == int(datetime(2023, 12, 31, 10, 0, tzinfo=ZoneInfo("Asia/Shanghai")).timestamp() * 1000)


def test_a_second_format_that_also_fits_is_named_next_to_the_chooser(qtbot, win, tmp_path: Path) -> None:
    root = wf.build_pc_folder(tmp_path).root
    dlg = _open(qtbot, win, root)
    panel = dlg.panel
    panel.show_read({"values": panel.values(), "preview": panel.preview, "error": None,
                     "candidates": [("wechat-pc", 0.9), ("wechat-android", 0.8)]})
    help_text = dlg.findChild(QLabel, "formatChoiceHelp").text()
    assert "could also be read as WeChat for Android" in help_text
    dlg.reject()
