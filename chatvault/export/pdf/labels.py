"""The words a PDF export prints around the messages (cover, header, placeholders), en and zh_CN."""

from __future__ import annotations

_EN = {
    "title": "Chat export", "vault": "Vault", "custodian": "Custodian", "chats": "Chat(s)",
    "range": "Date range", "tz": "Time zone", "tz.source": "as recorded at the source (UTC where unknown)",
    "exported": "Exported", "messages": "Messages", "attachments": "Attachments",
    "missing": "Files not in the vault", "selection": "Selection", "query": "Query",
    "filters": "Filters", "everything": "everything in the chat(s)", "sha": "SHA-256 of the content",
    "sha.what": ("SHA-256 over the exported messages as canonical JSON lines, in the order printed "
                 "(definition: docs/export.md, \u201cPDF content hash\u201d)."),
    "part": "Part {i} of {n}", "parts": "Parts", "part.row": "Part {i}: messages {a}\u2013{b}, content SHA-256 {sha}",
    "page": "Page {p} of {n}", "tool": "Produced by", "reply": "Reply to {who}",
    "reply.unknown": "Reply to a message not in the vault", "att": "Attachment",
    "pic.missing": "[Picture not in the vault]", "pic.large": "[Picture too large to print inline]",
    "pic.damaged": "[Picture damaged in the vault: failed verification]",
    "pic.undecodable": "[Picture cannot be decoded]", "file.missing": "not in the vault", "file.expired": "expired at the source, not in the vault",
    "file.damaged": "damaged in the vault (failed verification)",
    "unknown.sender": "(unknown sender)", "me": "(me)",
    "glyphs": "{n} character(s) have no glyph in the installed fonts and print as boxes: {chars}",
}
_ZH = {
    "title": "聊天记录导出", "vault": "保险库", "custodian": "保管人", "chats": "聊天",
    "range": "日期范围", "tz": "时区", "tz.source": "按来源记录的时区（未知时为 UTC）",
    "exported": "导出时间", "messages": "消息", "attachments": "附件",
    "missing": "不在保险库中的文件", "selection": "选择条件", "query": "查询",
    "filters": "筛选", "everything": "所选聊天的全部内容", "sha": "内容的 SHA-256",
    "sha.what": "按打印顺序，对导出消息的规范 JSON 行计算的 SHA-256（定义见 docs/export.md“PDF content hash”）。",
    "part": "第 {i} 部分，共 {n} 部分", "parts": "各部分", "part.row": "第 {i} 部分：消息 {a}–{b}，内容 SHA-256 {sha}",
    "page": "第 {p} 页，共 {n} 页", "tool": "生成工具", "reply": "回复 {who}",
    "reply.unknown": "回复一条不在保险库中的消息", "att": "附件",
    "pic.missing": "[图片不在保险库中]", "pic.large": "[图片过大，未内嵌打印]",
    "pic.damaged": "[图片在保险库中已损坏：校验失败]", "pic.undecodable": "[图片无法解码]",
    "file.missing": "不在保险库中", "file.expired": "来源中已过期，不在保险库中",
    "file.damaged": "在保险库中已损坏（校验失败）", "unknown.sender": "（未知发送者）", "me": "（我）",
    "glyphs": "{n} 个字符在已安装字体中没有字形，打印为方框：{chars}",
}


def labels(lang: str) -> dict[str, str]:
    return _ZH if lang.lower().startswith("zh") else _EN
