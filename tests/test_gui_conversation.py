"""The conversation view at scale and in detail: paging both ways, jump to date, WeChat time chips,
every message kind painted, and the media gallery / missing-media list / image viewer."""

from __future__ import annotations

import time
from datetime import datetime, timedelta
from pathlib import Path

import pytest
from PySide6.QtCore import QSettings
from PySide6.QtGui import QPixmap

from tests.conftest import PASSPHRASE  # noqa: F401  (the vault fixture uses it)


@pytest.fixture(autouse=True)
def _settings(tmp_path: Path):
    QSettings.setPath(QSettings.Format.IniFormat, QSettings.Scope.UserScope, str(tmp_path / "settings"))
    yield
    from chatvault.gui import i18n

    i18n.set_language("en")


def test_time_chip_rules_follow_wechat(qapp) -> None:
    from chatvault.gui import i18n, timefmt

    now = datetime(2026, 11, 23, 15, 0).astimezone()
    ms = lambda dt: int(dt.timestamp() * 1000)  # noqa: E731
    assert timefmt.needs_chip(None, 0)
    assert not timefmt.needs_chip(0, 5 * 60_000)          # exactly 5 minutes: no new chip
    assert timefmt.needs_chip(0, 5 * 60_000 + 1)
    i18n.set_language("zh_CN")
    assert timefmt.chip_label(ms(now.replace(hour=9, minute=5)), now) == "09:05"
    assert timefmt.chip_label(ms(now - timedelta(days=1)), now) == "昨天 15:00"
    assert timefmt.chip_label(ms(now - timedelta(days=3)), now) == "星期五 15:00"
    assert timefmt.chip_label(ms(now - timedelta(days=30)), now) == "2026年10月24日 15:00"
    assert timefmt.absolute(ms(datetime(2024, 3, 5, 14, 7).astimezone())) == "2024年3月5日 14:07"
    i18n.set_language("en")
    assert timefmt.chip_label(ms(now - timedelta(days=1)), now) == "Yesterday 15:00"
    assert timefmt.chip_label(ms(now - timedelta(days=3)), now) == "Friday 15:00"
    # The message's own UTC offset is used when the source recorded it.
    assert timefmt.chip_label(ms(datetime(2026, 11, 23, 1, 0).astimezone()), tz_offset_min=480).endswith(
        datetime.fromtimestamp(ms(datetime(2026, 11, 23, 1, 0).astimezone()) / 1000,
                               __import__("datetime").timezone(timedelta(hours=8))).strftime("%H:%M"))


def test_big_conversation_opens_fast_and_pages_both_ways(qtbot, vault) -> None:
    from chatvault.devtools import demo
    from chatvault.gui.views.message_view import MessageView

    conn = vault.connect()
    conv = demo.big_conversation(conn, 20_000, index=False)
    conn.close()
    view = MessageView()
    qtbot.addWidget(view)
    view.resize(800, 600)
    view.show()
    ro = vault.connect(readonly=True)
    view.model_.set_connection(ro)
    t0 = time.perf_counter()
    view.open(conv, True)
    qtbot.wait(10)
    assert time.perf_counter() - t0 < 1.0
    m = view.model_
    assert m.rowCount() == m.PAGE and m.at_end and not m.at_start
    newest = m.rows[-1]
    bar = view.verticalScrollBar()
    assert bar.value() == bar.maximum()  # opened at the newest message
    bar.setValue(0)  # scrolling to the top loads the previous page, keeping the view in place
    assert m.rowCount() == 2 * m.PAGE and m.rows[-1]["id"] == newest["id"]
    assert bar.value() > 0
    ts = [r["ts"] for r in m.rows]
    assert ts == sorted(ts)
    # Jump to a date in the middle: a page around it, then scrolling down loads newer pages.
    target = m.store.messages_page(conv, after=(0, 0), limit=10_000)[-1]
    row = view.model_.open_at_date(conv, True, target["ts"])
    assert row is not None and m.rows[row]["id"] == target["id"] and not m.at_end and not m.at_start
    before = m.rowCount()
    view.scrollToBottom()
    bar.setValue(bar.maximum())
    assert m.rowCount() > before
    # A search hit in the middle: highlighted, with context before and after it.
    hit = m.store.message(target["id"] - 1000)
    view.open(conv, True, around=hit)
    assert m.highlight_id == hit["id"] and 0 < m.row_of(hit["id"]) < m.rowCount() - 1
    view.clear()
    ro.close()


def test_every_message_kind_paints(qtbot, vault) -> None:
    from chatvault.devtools import demo
    from chatvault.gui import theme
    from chatvault.gui.models.conversation import ChipRole
    from chatvault.gui.views.message_view import MessageView

    conn = vault.connect()
    ids = demo.populate(conn)
    conn.close()
    ro = vault.connect(readonly=True)
    view = MessageView()
    qtbot.addWidget(view)
    view.resize(900, 700)
    view.show()
    view.model_.set_connection(ro)
    kinds = set()
    for name in ("family", "li", "wang", "zhang", "trip", "anna"):
        for th in ("light", "dark"):
            theme.apply(th)
            view.delegate.clear_cache()
            view.open(ids[name], name in ("family", "trip"))
            pm = QPixmap(view.viewport().size())
            view.viewport().render(pm)
            assert not pm.isNull()
            for i, r in enumerate(view.model_.rows):
                kinds.add(r["kind"])
                idx = view.model_.index(i)
                assert view.delegate.sizeHint(view.viewOptions() if hasattr(view, "viewOptions") else
                                              _option(view), idx).height() > 20
                if i > 0:
                    gap = r["ts"] - view.model_.rows[i - 1]["ts"]
                    assert bool(idx.data(ChipRole)) == (gap > 5 * 60_000)
    theme.apply("light")
    assert {"text", "image", "voice", "video", "file", "sticker", "location", "contact", "link", "payment",
            "call", "system", "recalled", "poll"} <= kinds
    # Sender names only in groups; the "deleted on phone" badge and missing-media reasons are laid out.
    view.open(ids["family"], True)
    opt = _option(view)
    lays = [view.delegate.layout(opt, view.model_.index(i)) for i in range(view.model_.rowCount())]
    assert any(lay.name is not None for lay in lays)
    assert any(text == "Deleted on phone" for lay in lays for _r, text, _c in lay.badges)
    view.open(ids["li"], False)
    lays = [view.delegate.layout(opt, view.model_.index(i)) for i in range(view.model_.rowCount())]
    assert all(lay.name is None for lay in lays)
    assert any(lay.header and "张伟" in lay.header for lay in lays)        # forwarded mark
    assert any(text == "edited" for lay in lays for _r, text, _c in lay.badges)
    view.clear()
    ro.close()


def _option(view):
    from PySide6.QtWidgets import QStyleOptionViewItem

    opt = QStyleOptionViewItem()
    view.initViewItemOption(opt)
    opt.rect = view.viewport().rect()
    return opt


def test_gallery_viewer_and_locate_missing_file(qtbot, vault, tmp_path: Path) -> None:
    from chatvault.devtools import demo
    from chatvault.gui.dialogs.image_viewer import ImageViewer
    from chatvault.gui.main_window import PAGE_GALLERY, MainWindow

    conn = vault.connect()
    demo.populate(conn)
    demo.attach_demo_photo(vault, conn)
    conn.close()
    win = MainWindow(vault)
    qtbot.addWidget(win)
    win.show()
    win.show_page(PAGE_GALLERY)
    g = win.gallery
    assert g.model.rowCount() == 3  # a stored photo, a missing video, an expired photo
    stored = [it for it in g.model.items if it["status"] == "stored"]
    assert len(stored) == 1
    g.kind.setCurrentIndex(g.kind.findData("video"))
    assert g.model.rowCount() == 1
    g.kind.setCurrentIndex(0)
    assert g.month.count() >= 2  # "Any date" + the months that have media
    g.month.setCurrentIndex(g.month.count() - 1)
    assert 1 <= g.model.rowCount() <= 3
    g.month.setCurrentIndex(0)
    g.model.data(g.model.index(g.model.items.index(stored[0])), 1)  # DecorationRole asks for the thumbnail
    qtbot.waitUntil(lambda: stored[0]["blob_id"] in g.loader.cache, timeout=10_000)
    viewer = ImageViewer(vault, stored, 0, win)
    qtbot.addWidget(viewer)
    assert viewer.image.width() == 1200 and "Original" in viewer.info.text()
    copy = tmp_path / "copy.jpg"
    assert viewer.save_copy(str(copy)) and copy.read_bytes()[:2] == b"\xff\xd8"
    viewer.set_zoom(2.0)
    assert viewer.label.pixmap().width() == 2400
    viewer.close()
    # Missing media: the list says why, and "Locate file…" attaches what the user found.
    g.show_missing()
    assert g.missing.rowCount() == 3
    reasons = [g.missing.item(r, 4).text() for r in range(3)]
    assert any("Expired" in t for t in reasons) and any("Not in the export" in t for t in reasons)
    row = next(r for r in range(3) if g.missing.item(r, 3).text() == "2026年度预算.xlsx")
    g.missing.setCurrentCell(row, 0)
    found = tmp_path / "2026年度预算.xlsx"
    found.write_bytes(b"PK\x03\x04" + b"budget" * 100)
    assert g.locate(str(found))
    assert g.missing.rowCount() == 2
    g.missing.setCurrentCell(-1, -1)
    assert not g.locate(str(found)) and "Select" in g.locate_status.text()
    win.close()


def test_tray_escalates_without_spam(qtbot, monkeypatch) -> None:
    from chatvault.gui import tray as tray_mod

    class Win:
        protection = None

        def lock(self) -> None: ...

        def quit(self) -> None: ...

    t = tray_mod.Tray.__new__(tray_mod.Tray)
    tray_mod.QObject.__init__(t)
    t.window, t.level, t.icon, t.notified = Win(), "green", None, []
    now = [1_000_000.0]
    monkeypatch.setattr(tray_mod.time, "time", lambda: now[0])
    t.set_health("amber", "usb: last verified backup 3 days ago", "backup:usb:amber")
    t.set_health("amber", "usb: last verified backup 3 days ago", "backup:usb:amber")
    now[0] += 3600
    t.set_health("amber", "usb: still late", "backup:usb:amber")
    assert len(t.notified) == 1                      # once, not hourly
    now[0] += 7 * 86400
    t.set_health("amber", "usb: a week late", "backup:usb:amber")
    assert len(t.notified) == 2                      # then after 7 days
    t.set_health("red", "usb: failed", "backup:usb:red")
    assert len(t.notified) == 3                      # worse: at once
    t.set_health("green", "ok", "")
    assert t.notified[-1][1] == "ok"                 # recovery said once (success notices on by default)
