"""The words of the HTML export's pages (navigation, badges, provenance, calendar), English and
Simplified Chinese. Kinds and states of messages come from the shared `export/words.py` through
`describe()`; the search box's own words are in `cv.js` (picked by the page's `lang`)."""

from __future__ import annotations

EN: dict[str, str] = {
    "html_lang": "en", "export": "ChatVault export", "all_chats": "All chats", "chats": "Chats",
    "prev": "‹ Previous", "next": "Next ›", "prev_page": "‹ Previous page", "next_page": "Next page ›",
    "search": "Search", "search_chat": "Search this chat", "search_all": "Search all chats",
    "page": "Page {n}", "part": "{label} (part {n})", "calendar": "Calendar",
    "months": "January February March April May June July August September October November December",
    "months_short": "Jan Feb Mar Apr May Jun Jul Aug Sep Oct Nov Dec",
    "weekdays": "Monday Tuesday Wednesday Thursday Friday Saturday Sunday",
    "day": "{weekday}, {d} {month} {y}", "month_label": "{month} {y}",
    "forwarded": "Forwarded from {who}", "reply_missing": "Reply to a message that is not in the vault",
    "not_exported": "(not in this export)", "deleted_badge": "deleted at source",
    "deleted_title": "This message was deleted at the source after it was imported",
    "recalled": "recalled", "recalled_by_me": "recalled by me", "edited": "edited",
    "media_left_out": "media not included in this export", "missing": "missing in the vault",
    "expired": "expired at the source", "lost": "missing in the vault (file lost)",
    "damaged": "damaged in the vault (not exported)", "provenance": "Provenance",
    "p.source": "Source", "p.original": "Original id", "p.vault": "Vault id", "p.status": "Status",
    "p.present": "present", "p.deleted": "deleted at the source", "p.time": "Time",
    "p.no_offset": "{time} (the source gave no UTC offset)", "p.sender": "Sender id", "p.imported": "Imported",
    "p.gone": "Found gone", "p.read_at": "Read at", "p.edited": "Edited", "p.here": "In this export",
    "p.run": "run {id}", "messages": "messages", "read_start": "Read from the beginning",
    "runs": "Import runs (provenance)", "run": "Run", "format": "Format", "file": "File",
    "started": "Started (UTC)", "outcome": "Outcome", "file_hash": "File SHA-256", "chat": "Chat", "app": "App",
    "kind": "Kind", "first": "First", "last": "Last", "n_chats": "{n} chats", "n_messages": "{n} messages",
    "query": "query “{q}”", "everything": "all messages of the chosen chats",
    "cancelled": "The export was cancelled: it is incomplete.",
    "finding": "Finding the message… If nothing happens, open the calendar.",
}

ZH: dict[str, str] = {
    "html_lang": "zh-CN", "export": "ChatVault 导出", "all_chats": "全部聊天", "chats": "聊天",
    "prev": "‹ 上一页", "next": "下一页 ›", "prev_page": "‹ 上一页", "next_page": "下一页 ›",
    "search": "搜索", "search_chat": "搜索此聊天", "search_all": "搜索全部聊天",
    "page": "第 {n} 页", "part": "{label}（第 {n} 部分）", "calendar": "日历",
    "months": "1月 2月 3月 4月 5月 6月 7月 8月 9月 10月 11月 12月",
    "months_short": "1月 2月 3月 4月 5月 6月 7月 8月 9月 10月 11月 12月",
    "weekdays": "星期一 星期二 星期三 星期四 星期五 星期六 星期日",
    "day": "{y}年{m}月{d}日 {weekday}", "month_label": "{y}年{month}",
    "forwarded": "转发自 {who}", "reply_missing": "回复的消息不在保险库中",
    "not_exported": "（不在本次导出中）", "deleted_badge": "来源中已删除",
    "deleted_title": "这条消息在导入后已在来源中被删除",
    "recalled": "已撤回", "recalled_by_me": "我已撤回", "edited": "已编辑",
    "media_left_out": "本次导出未包含媒体", "missing": "保险库中缺失", "expired": "来源中已过期",
    "lost": "保险库中缺失（文件丢失）", "damaged": "保险库中已损坏（未导出）", "provenance": "来源信息",
    "p.source": "来源", "p.original": "原始 ID", "p.vault": "保险库 ID", "p.status": "状态",
    "p.present": "存在", "p.deleted": "来源中已删除", "p.time": "时间",
    "p.no_offset": "{time}（来源未给出时区）", "p.sender": "发送者 ID", "p.imported": "导入",
    "p.gone": "发现删除", "p.read_at": "读取位置", "p.edited": "编辑时间", "p.here": "导出中的位置",
    "p.run": "第 {id} 次导入", "messages": "条消息", "read_start": "从头开始阅读",
    "runs": "导入记录（来源）", "run": "导入", "format": "格式", "file": "文件",
    "started": "开始时间（UTC）", "outcome": "结果", "file_hash": "文件 SHA-256", "chat": "聊天", "app": "应用",
    "kind": "类型", "first": "最早", "last": "最晚", "n_chats": "{n} 个聊天", "n_messages": "{n} 条消息",
    "query": "查询“{q}”", "everything": "所选聊天的全部消息",
    "cancelled": "导出已取消：内容不完整。",
    "finding": "正在查找消息…… 如果没有反应，请打开日历。",
}


def html_words(lang: str = "en") -> dict[str, str]:
    """The table for `lang` ("en", "zh_CN"/"zh-CN"/"zh"); anything else is English."""
    return ZH if lang.lower().replace("-", "_").startswith("zh") else EN
