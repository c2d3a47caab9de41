"""What the conversation's cards and the chat list say (issue #18 item 8), read from what the importers
really store: the WeChat parser's transfer and red packet, WeChat/Telegram places, Telegram contacts and
polls, WhatsApp's "<Media omitted>"; plural counts and chat-list dates in English and Chinese."""

from __future__ import annotations

from datetime import datetime, timedelta
from pathlib import Path

import pytest
from PySide6.QtCore import QSettings

from tests import wechat_fixtures as wx


@pytest.fixture(autouse=True)
def _lang(qapp, tmp_path: Path):
    QSettings.setPath(QSettings.Format.IniFormat, QSettings.Scope.UserScope, str(tmp_path / "settings"))
    from chatvault.gui import i18n

    i18n.set_language("en")
    yield
    i18n.set_language("en")


def _wechat(base: int, content: str, sub: int | None = None) -> dict:
    from chatvault.importers.wechat.content import parse_message

    p = parse_message(base, sub, content)
    return {"kind": str(p.kind), "text": p.text, "extra": p.extra, "attachments": []}


def test_wechat_transfer_shows_one_currency_symbol_and_red_packet_is_not_a_transfer() -> None:
    from chatvault.gui.views.card_text import card_lines

    title, lines, footer = card_lines(_wechat(49, wx.x_transfer("¥88.00", 3), 2000))
    assert "¥88.00" in lines and not any("¥¥" in x for x in [title, *lines])
    assert footer == "Transfer" and title == "dinner" and "Received" in lines
    title, lines, footer = card_lines(_wechat(49, wx.x_redpacket(), 2001))
    assert footer == "Red packet" and title == "恭喜发财，大吉大利"
    # The demo archive's bare amount gets its symbol once.
    demo = {"kind": "payment", "text": None, "attachments": [],
            "extra": {"amount": "88.00", "currency": "CNY", "type": "transfer"}}
    assert "¥88.00" in card_lines(demo)[1]


def test_places_contacts_and_polls_show_the_fields_importers_store(qapp, tmp_path: Path) -> None:
    from chatvault.gui.views.card_text import card_lines

    loc = _wechat(48, '<msg><location x="31.19" y="121.32" scale="15" label="上海市闵行区申贵路1500号" '
                      'poiname="上海虹桥站" /></msg>')
    title, lines, _f = card_lines(loc)
    assert title == "上海虹桥站" and "上海市闵行区申贵路1500号" in lines and "31.19000, 121.32000" in lines
    tg_place = {"kind": "location", "text": None, "attachments": [],
                "extra": {"latitude": 46.5, "longitude": 7.9, "place_name": "Hut", "address": "Alp 1, Grindelwald"}}
    assert card_lines(tg_place)[:2] == ("Hut", ["Alp 1, Grindelwald", "46.50000, 7.90000"])
    contact = {"kind": "contact", "text": None, "attachments": [],
               "extra": {"contact": {"first_name": "Dad", "last_name": "Smith", "phone_number": "+41 79 000"}}}
    assert card_lines(contact)[:2] == ("Dad Smith", ["+41 79 000"])
    poll = {"kind": "poll", "text": "Saturday?", "attachments": [],
            "extra": {"poll": {"question": "Saturday?", "total_voters": 3,
                               "answers": [{"text": "Yes", "voters": 2}, {"text": "No", "voters": 1}]}}}
    title, lines, footer = card_lines(poll)
    assert title == "Saturday?" and lines == ["○ Yes  · 2 votes", "○ No  · 1 vote", "3 votes"] and footer == "Poll"


def test_whatsapp_media_omitted_says_export_again_with_media(tmp_path: Path, vault) -> None:
    from chatvault.gui.views.card_text import missing_reason
    from chatvault.ingest.engine import run_import
    from chatvault.store import queries
    from tests.import_fixtures import write_txt

    path = write_txt(tmp_path / "WhatsApp Chat with Bob.txt",
                     ["25/01/2024, 09:00 - Bob: hello", "25/01/2024, 09:01 - Bob: <Media omitted>"])
    run_import(vault, path)
    conn = vault.connect(readonly=True)
    try:
        [att] = [a for atts in queries.attachments_of(conn, [m["id"] for m in queries.messages_page(
            conn, queries.conversations(conn)[0]["id"], after=(0, 0))]).values() for a in atts]
    finally:
        conn.close()
    text = missing_reason(att, "image")
    assert "with media" in text and "Open it in the app" not in text


def test_counts_are_plural_in_english_and_chinese() -> None:
    from PySide6.QtCore import QCoreApplication

    from chatvault.gui import i18n, timefmt

    def count(context: str, text: str, n: int) -> str:
        return timefmt.grouped(QCoreApplication.translate(context, text, None, n), n)

    assert count("ChatList", "%n message(s)", 1) == "1 message"
    assert count("ChatList", "%n message(s)", 2) == "2 messages"
    assert count("MainWindow", "%n conversation(s)", 1) == "1 conversation"
    assert count("SearchPage", "%n message(s)", 12345) == "12,345 messages"
    assert count("BubbleDelegate", "%n vote(s)", 1) == "1 vote"
    i18n.set_language("zh_CN")
    assert count("ChatList", "%n message(s)", 1) == "1 条消息"
    assert count("MainWindow", "%n conversation(s)", 3) == "3 个聊天"
    assert count("ChatFilesDialog", "%n file(s)", 2) == "2 个文件"


def test_chat_list_dates_are_unambiguous_in_both_languages() -> None:
    from chatvault.gui import i18n, timefmt

    now = datetime(2026, 12, 10, 15, 0).astimezone()     # a Thursday
    ms = lambda dt: int(dt.timestamp() * 1000)  # noqa: E731
    assert timefmt.list_label(ms(now.replace(hour=9, minute=5)), now) == "09:05"
    assert timefmt.list_label(ms(now - timedelta(days=1)), now) == "Yesterday"
    assert timefmt.list_label(ms(now - timedelta(days=3)), now) == "Monday"
    assert timefmt.list_label(ms(datetime(2026, 12, 1, 8).astimezone()), now) == "1 Dec"
    assert timefmt.list_label(ms(datetime(2026, 1, 1, 8).astimezone()), now) == "1 Jan"
    assert timefmt.list_label(ms(datetime(2024, 12, 7, 8).astimezone()), now) == "7 Dec 2024"
    i18n.set_language("zh_CN")
    assert timefmt.list_label(ms(now - timedelta(days=3)), now) == "星期一"
    assert timefmt.list_label(ms(datetime(2026, 12, 1, 8).astimezone()), now) == "12月1日"
    assert timefmt.list_label(ms(datetime(2026, 1, 1, 8).astimezone()), now) == "1月1日"
    assert timefmt.list_label(ms(datetime(2024, 12, 7, 8).astimezone()), now) == "2024年12月7日"


def test_chat_list_preview_names_a_red_packet_and_shows_a_caption() -> None:
    from chatvault.gui.models.chatlist import preview_text

    assert preview_text("payment", "恭喜发财", '{"payment": "red_packet"}') == "[Red packet]"
    assert preview_text("payment", "¥88.00", '{"payment": "transfer"}') == "[Transfer]"
    assert preview_text("image", "sunset at the hut", None) == "[Photo] sunset at the hut"
    assert preview_text("file", "report.pdf", None) == "[File] report.pdf"
