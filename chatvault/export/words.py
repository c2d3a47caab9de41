"""The words exports write, in the languages the app speaks (English, Simplified Chinese).

Plain tables, no Qt: the exports run in the CLI and in worker threads. `words(lang)` picks a table;
an unknown language falls back to English. Placeholders are `str.format` fields.
"""

from __future__ import annotations

EN: dict[str, str] = {
    # kinds, as labels
    "kind.text": "Text", "kind.image": "Photo", "kind.video": "Video", "kind.voice": "Voice message",
    "kind.file": "File", "kind.sticker": "Sticker", "kind.location": "Location", "kind.contact": "Contact card",
    "kind.link": "Link", "kind.payment": "Payment", "kind.call": "Call", "kind.system": "System message",
    "kind.recalled": "Recalled message", "kind.poll": "Poll", "kind.unknown": "Unknown message",
    # attachments
    "att.missing": "not in the export", "att.expired": "expired before the export",
    "att.omitted": "media omitted by the export",
    "live_location": "Live location", "mini_program": "Mini program", "article": "Article",
    "chat_history": "Chat history", "music": "Music", "game": "Game",
    # payments
    "pay.transfer": "Transfer", "pay.red_packet": "Red packet", "pay.request": "Payment request",
    "pay.state.sent": "sent", "pay.state.pending": "pending", "pay.state.accepted": "accepted",
    "pay.state.received": "received", "pay.state.returned": "returned", "pay.state.expired": "expired",
    "pay.state.paid": "paid",
    # calls
    "call.voice": "voice call", "call.video": "video call", "call.group": "group call", "call.any": "call",
    "call.outgoing": "Outgoing {what}", "call.incoming": "Incoming {what}", "call.missed": "Missed {what}",
    "call.cancelled": "Cancelled {what}", "call.declined": "Declined {what}", "call.busy": "{what}, busy",
    "call.plain": "{what}",
    # recall, poll, system, unknown
    "recalled": "A message was recalled", "recalled.by_me": "You recalled a message",
    "poll.closed": "closed", "poll.votes": "{n} votes", "poll.vote1": "1 vote", "poll.voters": "{n} voters",
    "poll.chosen": "your vote",
    "unknown": "A message type ChatVault cannot show yet",
    # states
    "state.edited": "Edited", "state.edited_at": "Edited {at}", "state.recalled": "Recalled",
    "state.recalled_at": "Recalled {at}", "state.recalled_by_me": "Recalled by you",
    "state.recalled_by_me_at": "Recalled by you {at}", "state.deleted": "Deleted at source",
    "state.forwarded": "Forwarded from {who}", "state.forwarded_plain": "Forwarded",
    "sep": ", ", "list": " · ", "from_me": "Me", "system_sender": "System",
}

ZH: dict[str, str] = {
    "kind.text": "文本", "kind.image": "图片", "kind.video": "视频", "kind.voice": "语音",
    "kind.file": "文件", "kind.sticker": "表情", "kind.location": "位置", "kind.contact": "名片",
    "kind.link": "链接", "kind.payment": "支付", "kind.call": "通话", "kind.system": "系统消息",
    "kind.recalled": "撤回的消息", "kind.poll": "投票", "kind.unknown": "未知消息",
    "att.missing": "导出中没有该文件", "att.expired": "导出前已过期", "att.omitted": "导出时省略了媒体",
    "live_location": "实时位置", "mini_program": "小程序", "article": "文章", "chat_history": "聊天记录",
    "music": "音乐", "game": "游戏",
    "pay.transfer": "转账", "pay.red_packet": "红包", "pay.request": "收款请求",
    "pay.state.sent": "已发出", "pay.state.pending": "待收款", "pay.state.accepted": "已收款",
    "pay.state.received": "已收款", "pay.state.returned": "已退还", "pay.state.expired": "已过期",
    "pay.state.paid": "已支付",
    "call.voice": "语音通话", "call.video": "视频通话", "call.group": "群通话", "call.any": "通话",
    "call.outgoing": "呼出的{what}", "call.incoming": "呼入的{what}", "call.missed": "未接{what}",
    "call.cancelled": "已取消的{what}", "call.declined": "已拒绝的{what}", "call.busy": "{what}，对方忙线",
    "call.plain": "{what}",
    "recalled": "撤回了一条消息", "recalled.by_me": "你撤回了一条消息",
    "poll.closed": "已结束", "poll.votes": "{n} 票", "poll.vote1": "1 票", "poll.voters": "{n} 人投票",
    "poll.chosen": "你的选择",
    "unknown": "ChatVault 暂时无法显示的消息类型",
    "state.edited": "已编辑", "state.edited_at": "编辑于 {at}", "state.recalled": "已撤回",
    "state.recalled_at": "撤回于 {at}", "state.recalled_by_me": "你已撤回",
    "state.recalled_by_me_at": "你撤回于 {at}", "state.deleted": "来源中已删除",
    "state.forwarded": "转发自 {who}", "state.forwarded_plain": "转发的消息",
    "sep": "，", "list": " · ", "from_me": "我", "system_sender": "系统",
}

LANGUAGES = {"en": EN, "zh_CN": ZH}


def normalize_lang(lang: str | None) -> str:
    """"zh", "zh-CN", "zh_CN.UTF-8" → "zh_CN"; anything else → "en"."""
    code = (lang or "en").replace("-", "_").split(".")[0].lower()
    return "zh_CN" if code.startswith("zh") else "en"


def words(lang: str | None) -> dict[str, str]:
    table = LANGUAGES.get(lang)          # the usual case: an already normalised code, no parsing
    return table if table is not None else LANGUAGES[normalize_lang(lang)]
