"""describe(): every kind as the importers store it, in English and Chinese; amounts with their
currency written once; the state line shows edited/recalled/deleted-at-source."""

from __future__ import annotations

from typing import Any

from chatvault.export.describe import amount_text, describe, state_line, states
from chatvault.export.selection import ExportMessage


def msg(kind: str, text: str | None = None, extra: dict[str, Any] | None = None, *, from_me: bool = False,
        attachments: list[dict[str, Any]] | None = None, **kw: Any) -> ExportMessage:
    base: dict[str, Any] = dict(
        id=1, conversation_id=1, source_key="k", ts=1_700_000_000_000, tz_offset=480,
        time_iso="2023-11-15T06:13:20+08:00", kind=kind, text=text, status="present", sender="Anna",
        sender_key="anna", from_me=from_me, reply_to_id=None, reply_to_key=None, forwarded_from=None,
        is_edited=False, edited_at=None, extra=extra or {}, attachments=attachments or [], first_run_id=1,
        last_seen_run_id=1, missing_run_id=None, location=None)
    base.update(kw)
    return ExportMessage(**base)


def test_text_is_as_is() -> None:
    assert describe(msg("text", "=1+1 你好 😀")) == "=1+1 你好 😀"


def test_amounts_never_double_the_currency() -> None:
    assert amount_text("￥88.00") == "¥88.00"
    assert amount_text("88.00元") == "¥88.00"
    assert amount_text("88", "CNY") == "¥88.00"
    assert amount_text("12.5", "CHF") == "12.50 CHF"
    assert amount_text(1000, "USD", minor_units=True) == "$10.00"
    assert amount_text(500, "JPY", minor_units=True) == "JP¥500"
    # WeChat transfer: the amount already carries "￥" and the text is the amount again
    wx = msg("payment", "￥88.00", {"payment": "transfer", "amount": "￥88.00", "memo": "dinner", "state": "received",
                                    "wechat_subtype": 2000})
    assert describe(wx) == "[Transfer] ¥88.00 · dinner · received"
    assert describe(wx, "zh_CN") == "[转账] ¥88.00 · dinner · 已收款"
    assert "¥¥" not in describe(wx) and "￥" not in describe(wx)


def test_red_packet_transfer_request_are_told_apart() -> None:
    red = msg("payment", "恭喜发财，大吉大利", {"payment": "red_packet", "greeting": "恭喜发财，大吉大利",
                                              "wechat_subtype": 2001})
    assert describe(red) == "[Red packet] 恭喜发财，大吉大利"
    demo = msg("payment", None, {"amount": "200.00", "currency": "CNY", "type": "red_packet", "memo": "新年快乐"})
    assert describe(demo, "zh_CN") == "[红包] ¥200.00 · 新年快乐"
    invoice = msg("link", None, {"invoice_information": {"title": "Pizza", "amount": 1250, "currency": "EUR"}})
    assert describe(invoice) == "[Payment request] €12.50 · Pizza"


def test_media_name_size_duration_and_missing() -> None:
    photo = msg("image", "look", attachments=[{"original_name": "IMG-1.jpg", "size": 1_258_291, "status": "stored"}])
    assert describe(photo) == "[Photo] IMG-1.jpg · 1.2 MB · look"
    voice = msg("voice", None, {"duration_ms": 14_000, "transcript": "好的"})
    assert describe(voice, "zh_CN") == "[语音] 0:14 · 好的"
    tg_voice = msg("voice", None, attachments=[{"original_name": "a.ogg", "status": "stored", "size": 2048,
                                                "extra": {"duration_seconds": 75}}])
    assert describe(tg_voice) == "[Voice message] a.ogg · 1:15 · 2.0 KB"
    video = msg("video", None, {"duration_ms": 3_723_000}, attachments=[{"original_name": "v.mp4", "status": "missing"}])
    assert describe(video) == "[Video] v.mp4 · 1:02:03 · not in the export"
    omitted = msg("image", None, {"media_omitted": True}, attachments=[{"status": "missing", "extra": {"omitted": True}}])
    assert describe(omitted) == "[Photo] media omitted by the export"
    expired = msg("file", "report.pdf", attachments=[{"original_name": "report.pdf", "status": "expired"}])
    assert describe(expired, "zh_CN") == "[文件] report.pdf · 导出前已过期"


def test_sticker_location_link_contact() -> None:
    st = msg("sticker", None, attachments=[{"status": "stored", "extra": {"sticker_emoji": "😂"}}])
    assert describe(st) == "[Sticker] 😂"
    wx = msg("location", "上海虹桥站", {"lat": 31.194213, "lon": 121.3204744, "poi": "上海虹桥站",
                                      "label": "上海市闵行区申贵路1500号"})
    assert describe(wx) == "[Location] 上海虹桥站 · 上海市闵行区申贵路1500号 · 31.194213, 121.320474"
    tg = msg("location", None, {"latitude": 52.5, "longitude": 13.4, "place_name": "Cafe", "address": "Main St 1"})
    assert describe(tg) == "[Location] Cafe · Main St 1 · 52.5, 13.4"
    wa = msg("location", "location: https://maps.google.com/?q=1.5,2.5", {"latitude": 1.5, "longitude": 2.5,
                                                                          "url": "https://maps.google.com/?q=1.5,2.5"})
    assert describe(wa) == "[Location] 1.5, 2.5"
    live = msg("location", "Live location shared", {"live": True})
    assert describe(live) == "[Live location] Live location shared"
    link = msg("link", "Article title", {"title": "Article title", "url": "https://e.x/a", "description": "About"})
    assert describe(link) == "[Link] Article title · About · https://e.x/a"
    mini = msg("link", "Order", {"mini_program": {"name": "美团"}, "title": "Order"})
    assert describe(mini, "zh_CN") == "[小程序] 美团 · Order"
    tgc = msg("contact", None, {"contact": {"first_name": "Bob", "last_name": "Li", "phone_number": "+4912"}})
    assert describe(tgc) == "[Contact card] Bob Li · +4912"
    wxc = msg("contact", "陈医生", {"nickname": "陈医生", "username": "wxid_1", "alias": "dr_chen"})
    assert describe(wxc, "zh_CN") == "[名片] 陈医生 · dr_chen"


def test_calls_direction_duration_missed() -> None:
    out = msg("call", None, {"duration_ms": 185_000, "type": "voice"}, from_me=True)
    assert describe(out) == "[Outgoing voice call] 3:05"
    missed = msg("call", "Call (missed)", {"action": "phone_call", "discard_reason": "missed"})
    assert describe(missed) == "[Missed call]"
    assert describe(missed, "zh_CN") == "[未接通话]"
    tg = msg("call", "Call (hangup)", {"action": "phone_call", "duration_seconds": 62, "discard_reason": "hangup"})
    assert describe(tg) == "[Incoming call] 1:02"
    wx = msg("call", "视频通话 已取消", {"outcome": "cancelled", "room_type": "1"}, from_me=True)
    assert describe(wx) == "[Cancelled video call]"
    plain = msg("call", "通话时长 00:12", {"duration_s": 12})
    assert describe(plain, "zh_CN") == "[呼入的通话] 0:12"


def test_poll_recall_system_unknown() -> None:
    tg = msg("poll", "Lunch?", {"poll": {"question": "Lunch?", "closed": True, "total_voters": 3, "answers": [
        {"text": "Yes", "voters": 2, "chosen": True}, {"text": "No", "voters": 1}]}})
    assert describe(tg) == "[Poll] Lunch? · ○ Yes (2 votes, your vote) · ○ No (1 vote) · 3 voters · closed"
    wa = msg("poll", "POLL:\nWhere?\nOPTION: A (1 vote)", {"poll": {"question": "Where?", "options": [
        {"text": "A", "votes": 1}]}})
    assert describe(wa) == "[Poll] Where? · ○ A (1 vote)"
    demo = msg("poll", "Dinner on Saturday?", {"options": ["Seafood", "Tapas"]})
    assert describe(demo, "zh_CN") == "[投票] Dinner on Saturday? · ○ Seafood · ○ Tapas"
    assert describe(msg("recalled", None, from_me=True)) == "You recalled a message"
    assert describe(msg("recalled", '"Anna" recalled a message')) == '"Anna" recalled a message'
    assert describe(msg("system", "Anna joined")) == "Anna joined"
    assert describe(msg("unknown", None, {"wechat_type": 10002})) == \
        "[A message type ChatVault cannot show yet] type 10002"


def test_state_line_never_hides_a_state() -> None:
    m = msg("text", "hi", {"recalled": {"at": 1_700_000_060_000, "notice": "x", "by_me": True}}, is_edited=True,
            edited_at=1_700_000_030_000, status="missing-at-source")
    assert states(m) == ["edited", "recalled", "deleted_at_source"]
    assert state_line(m) == ("Edited 2023-11-15 06:13 UTC+08:00 · Recalled by you 2023-11-15 06:14 UTC+08:00"
                             " · Deleted at source")
    assert state_line(m, "zh_CN") == "编辑于 2023-11-15 06:13 UTC+08:00 · 你撤回于 2023-11-15 06:14 UTC+08:00 · 来源中已删除"
    assert state_line(msg("text", "hi")) == ""
    assert states(msg("recalled", None)) == ["recalled"]
