"""QQ message manager exports as QQ writes them: the text form (headers between rules, a time and
sender line, the message below) and the MHT web archive (an HTML table in a MIME multipart with the
pictures as parts)."""

from __future__ import annotations

import base64
from pathlib import Path

from tests.import_fixtures import PNG_1x1

RULE = "=" * 64


def write_txt(path: Path, *, extra: list[str] | None = None) -> Path:
    lines = ["消息记录（此消息记录为文本格式，不支持重新导入）", "", RULE, "消息分组:我的好友", RULE, "消息对象:张三", RULE, "",
             "2012-05-06 20:50:51 张三", "你好", "",
             "2012-05-06 20:51:10 我的昵称(123456)", "hi there", "second line 第二行", "",
             "2012-05-06 20:52:00 张三", "[图片]", "", *(extra or []),
             RULE, "消息分组:我的QQ群", RULE, "消息对象:老同学群", RULE, "",
             "2013-01-01 00:00:05 李四<lisi@example.com>", "新年快乐 🎉", ""]
    path.write_text("\r\n".join(lines) + "\r\n", encoding="utf-8-sig")
    return path


def write_mht(path: Path) -> Path:
    html = """<html><head><meta http-equiv=Content-Type content="text/html; charset=UTF-8"><title>QQ Message</title></head>
<body><table width=100% cellspacing=0>
<tr><td><div style=padding-left:10px;><br><b>消息记录</b>（此消息记录为网页格式，不支持重新导入）<br><br></div></td></tr>
<tr><td><div style=padding-left:10px;>消息分组:我的好友</div></td></tr>
<tr><td><div style=padding-left:10px;>消息对象:张三</div></td></tr>
<tr><td style=border-bottom-width:1px;><div style=padding-left:10px;>日期: 2012-05-06</div></td></tr>
<tr><td><div style=color:#42B475;padding-left:10px;><div style=float:left;margin-right:6px;>张三</div>20:50:51</div>
<div style=padding-left:20px;><font style="font-size:10pt;" color='000000'>你好 &amp; 欢迎</font></div></td></tr>
<tr><td><div style=color:#006EFE;padding-left:10px;><div style=float:left;margin-right:6px;>我的昵称</div>20:51:10</div>
<div style=padding-left:20px;><IMG src="{A1B2}.png"></div></td></tr>
</table></body></html>"""
    png = base64.encodebytes(PNG_1x1).decode()
    mime = f"""From: <Saved by QQ>
Subject: QQ Message
MIME-Version: 1.0
Content-Type: multipart/related; boundary="----=_NextPart_QQ"

------=_NextPart_QQ
Content-Type: text/html; charset="utf-8"
Content-Transfer-Encoding: base64

{base64.encodebytes(html.encode()).decode()}
------=_NextPart_QQ
Content-Type: image/png
Content-Transfer-Encoding: base64
Content-Location: {{A1B2}}.png

{png}
------=_NextPart_QQ--
"""
    path.write_text(mime.replace("\n", "\r\n"), encoding="ascii")
    return path
