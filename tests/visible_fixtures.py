"""Exports holding one message of each kind whose visible strings search must find (issue #16.6).

Built on the generators in `tests/import_fixtures.py` and `tests/wechat_fixtures.py`. Each case is
(case name, kind the message is stored as, the strings a user sees in it and must find). The same
WeChat cases are written as PC 3.x, Weixin 4 and Android databases.
"""

from __future__ import annotations

import hashlib
import sqlite3
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path

from tests import import_fixtures as I
from tests import wechat_fixtures as F


@dataclass(frozen=True)
class Case:
    name: str
    kind: str
    finds: tuple[str, ...]          # queries that must find this message


# --- WeChat ----------------------------------------------------------------------------------------

def x_transfer_memo(amount: str, memo: str) -> str:
    return F.x_appmsg(2000, f"<wcpayinfo><paysubtype>1</paysubtype><feedesc>{amount}</feedesc>"
                            f"<transferid>1000050009</transferid><pay_memo>{memo}</pay_memo></wcpayinfo>", "微信转账")


def x_red_packet(greeting: str) -> str:
    return F.x_appmsg(2001, f"<wcpayinfo><receivertitle>{greeting}</receivertitle><sendertitle>{greeting}</sendertitle>"
                            "<scenetext>微信红包</scenetext><paymsgid>1000039509</paymsgid></wcpayinfo>", "微信红包")


def x_mini_program(title: str, app_name: str) -> str:
    return F.x_appmsg(33, f"<sourcedisplayname>{app_name}</sourcedisplayname><weappinfo><pagepath>pages/a.html"
                          "</pagepath><username>gh_mini@app</username><appid>wx99</appid></weappinfo>",
                      title, "", "https://mp.example/mini")


def x_music(title: str, artist: str) -> str:
    return F.x_appmsg(3, "", title, artist, "https://music.example/song/1")


def x_channels(nickname: str, desc: str) -> str:
    return F.x_appmsg(51, f"<finderFeed><nickname>{nickname}</nickname><desc>{desc}</desc></finderFeed>",
                      "", "", "https://channels.example/v/1")


def x_quote_of(svrid: int, reply: str, quoted: str) -> str:
    return F.x_appmsg(57, f"<refermsg><type>1</type><svrid>{svrid}</svrid><fromusr>wxid_alice</fromusr>"
                          f"<chatusr>wxid_alice</chatusr><displayname>Alice</displayname><content>{quoted}</content>"
                          f"<createtime>{F.T0}</createtime></refermsg>", reply)


# (case, base type, sub type, content, kind, queries). Server ids are 9100 + position.
WECHAT = [
    (Case("transfer memo", "payment", ("上周火锅的钱", "火锅", "转账", "transfer")), 49, 2000,
     x_transfer_memo("￥128.00", "上周火锅的钱")),
    (Case("red packet greeting", "payment", ("新年快乐万事如意", "红包", "red packet")), 49, 2001,
     x_red_packet("新年快乐万事如意")),
    (Case("article title and description", "link", ("Big story", "about it", "Daily News")), 49, 5, F.x_article()),
    (Case("mini-program title and name", "link", ("Scooter pass", "Pedal Town")), 49, 33,
     x_mini_program("Scooter pass", "Pedal Town")),
    (Case("music title and artist", "link", ("Moonlight Sonata", "Beethoven")), 49, 3,
     x_music("Moonlight Sonata", "Beethoven")),
    (Case("channels video", "link", ("Mountain Diaries", "sunrise timelapse")), 49, 51,
     x_channels("Mountain Diaries", "sunrise timelapse")),
    (Case("file name", "file", ("budget-2026.xlsx", "budget")), 49, 6,
     F.x_appmsg(6, "<appattach><totallen>10</totallen><fileext>xlsx</fileext></appattach>", "budget-2026.xlsx")),
    (Case("location name and address", "location", ("西湖断桥", "杭州市西湖区")), 48, 0,
     F.x_location(30.26, 120.15, "杭州市西湖区北山街", "西湖断桥")),
    (Case("contact card name", "contact", ("Dora Explorer",)), 42, 0, F.x_card("wxid_dora", "Dora Explorer")),
    (Case("chat-history bundle items", "text", ("Chat history", "one", "two")), 49, 19, F.x_bundle()),
    (Case("missed call", "call", ("missed call", "未接来电", "call", "通话")), 50, 0, F.x_call("未接听")),
    (Case("cancelled call", "call", ("cancelled call", "已取消", "通话")), 50, 0, F.x_call("已取消")),
]
QUOTED_TEXT = "ottoman lamp bargain"          # quoted by the reply, said by the original message
REPLY_TEXT = "still available?"


def wechat_rows() -> list[tuple[int, int, int, str, Case | None]]:
    """(server id, base type, sub type, content, case): the cases, then the original and its reply."""
    rows: list[tuple[int, int, int, str, Case | None]] = [
        (9100 + i, base, sub, content, case) for i, (case, base, sub, content) in enumerate(WECHAT)]
    rows.append((9200, 1, 0, QUOTED_TEXT, None))
    rows.append((9201, 49, 57, x_quote_of(9200, REPLY_TEXT, QUOTED_TEXT), None))
    return rows


def wechat_pc(base: Path) -> Path:
    """A PC 3.x account folder with the cases appended to the usual fixture (app messages compressed)."""
    extra = []
    for i, (svr, btype, sub, content, _case) in enumerate(wechat_rows()):
        if btype == 49:
            extra.append(F.PCMsg("wxid_alice", svr, 49, "", sub=sub, ts=F.T0 + 1000 + i, compress=F.lz4_xml(content)))
        else:
            extra.append(F.PCMsg("wxid_alice", svr, btype, content, ts=F.T0 + 1000 + i))
    return F.build_pc_folder(base, extra_msgs=extra).root


def wechat_v4(base: Path) -> Path:
    """A Weixin 4 account folder with the cases in a third message database (zstd app messages)."""
    root = F.build_v4_folder(base)
    users = [F.ME, "wxid_alice", "wxid_bob", F.ROOM]
    sid = {u: i + 1 for i, u in enumerate(users)}
    table = "Msg_" + hashlib.md5(b"wxid_alice").hexdigest()
    rows = []
    for i, (svr, btype, sub, content, _case) in enumerate(wechat_rows()):
        ts = F.T0 + 1000 + i
        val = F.zstd_text(content) if btype == 49 else content
        rows.append((100 + i, svr, (sub << 32) | btype, ts * 1000, sid["wxid_alice"], ts, 2, 0, 0, 0, 0, None, val,
                     None, None, 4 if btype == 49 else 0, 0))
    F.create_db(root / "db_storage" / "message" / "message_2.db", "v4", F.KEY,
                ["CREATE TABLE Name2Id (user_name TEXT PRIMARY KEY, is_session INTEGER)", *F.v4_msg_ddl(table)],
                {"Name2Id": [(u, 1) for u in users], table: rows})
    return root


def wechat_android(base: Path) -> Path:
    """An (unencrypted) Android folder with the cases added to EnMicroMsg.db's message table."""
    app = F.build_android_folder(base, encrypted=False)
    db = next(app.glob("MicroMsg/*/EnMicroMsg.db"))
    conn = sqlite3.connect(db)
    with conn:
        for i, (svr, btype, sub, content, _case) in enumerate(wechat_rows()):
            typ = (sub << 24) | 49 if btype == 49 else btype
            conn.execute("INSERT INTO message (msgId, msgSvrId, type, status, isSend, isShowTimer, createTime, talker, "
                         "content, talkerId, bizChatId, msgSeq, flag) VALUES (?,?,?,3,0,0,?,?,?,0,-1,0,0)",
                         (100 + i, svr, typ, (F.T0 + 1000 + i) * 1000, "wxid_alice", content))
    conn.close()
    return app


# --- WhatsApp --------------------------------------------------------------------------------------

WHATSAPP = [
    (Case("document name", "file", ("Quarterly plan.pdf", "Quarterly")), "Ana", "Quarterly plan.pdf (file attached)"),
    (Case("photo caption", "image", ("harbour at dusk",)), "Ana", "IMG-20230314-WA0007.jpg (file attached)\nharbour at dusk"),
    (Case("contact card", "contact", ("Grandpa Joe",)), "Bob", "Grandpa Joe.vcf (file attached)"),
    (Case("location", "location", ("maps.google.com", "Café Central")), "Bob",
     "location: https://maps.google.com/?q=48.2104,16.3655\nCafé Central"),
    (Case("poll options", "poll", ("Where to eat", "Ramen", "Tapas")), "Ana",
     "POLL:\nWhere to eat?\nOPTION: Ramen (2 votes)\nOPTION: Tapas (1 vote)"),
    (Case("missed video call", "system", ("missed call", "未接来电", "video call", "视频通话")), "Bob",
     I.LRM + "Missed video call"),
    (Case("voice call", "system", ("voice call", "语音通话")), "Ana", I.LRM + "Voice call, 3 min"),
    (Case("missed call, Spanish export", "system", ("missed call", "未接来电", "llamada")), "Bob",
     I.LRM + "Llamada de voz perdida"),
]


def whatsapp_zip(path: Path) -> Path:
    lay = I.LAYOUTS["android-en-gb"]
    t = datetime(2023, 3, 14, 9, 0)
    lines = []
    for i, (_case, sender, text) in enumerate(WHATSAPP):
        lines.append(lay.stamp(t + timedelta(minutes=i)) + f"{sender}: {text}")
    media = {"Quarterly plan.pdf": b"%PDF-1.4\n%%EOF\n", "IMG-20230314-WA0007.jpg": I.JPEG_HEAD,
             "Grandpa Joe.vcf": b"BEGIN:VCARD\nFN:Grandpa Joe\nEND:VCARD\n"}
    return I.write_zip(path, "WhatsApp Chat with Ana.txt", lines, media)


# --- Telegram --------------------------------------------------------------------------------------

TELEGRAM = [
    (Case("document name", "file", ("tax-return-2024.pdf", "return")),
     {"file": "files/tax-return-2024.pdf", "file_name": "tax-return-2024.pdf", "mime_type": "application/pdf"}),
    (Case("audio title and performer", "file", ("Blue in Green", "Miles Davis")),
     {"file": "files/track.mp3", "file_name": "track.mp3", "media_type": "audio_file", "title": "Blue in Green",
      "performer": "Miles Davis", "mime_type": "audio/mpeg"}),
    (Case("photo caption", "image", ("glacier selfie",)), {"photo": "photos/p.jpg", "text": "glacier selfie"}),
    (Case("location name and address", "location", ("Kleine Scheidegg", "Wengen")),
     {"location_information": {"latitude": 46.58, "longitude": 7.96}, "place_name": "Kleine Scheidegg",
      "address": "3823 Wengen"}),
    (Case("contact name and phone", "contact", ("Heidi Muster", "79 123")),
     {"contact_information": {"first_name": "Heidi", "last_name": "Muster", "phone_number": "+41 79 123 45 67"}}),
    (Case("poll question and options", "poll", ("Which trail", "Eiger Trail", "Panorama Way")),
     {"poll": {"question": "Which trail?", "closed": False, "total_voters": 2,
               "answers": [{"text": "Eiger Trail", "voters": 1, "chosen": False},
                           {"text": "Panorama Way", "voters": 1, "chosen": True}]}}),
    (Case("game title", "link", ("Lumberjack", "chop wood")),
     {"game_title": "Lumberjack", "game_description": "chop wood fast"}),
    (Case("missed call", "call", ("missed call", "未接来电", "通话")),
     {"type": "service", "action": "phone_call", "discard_reason": "missed", "actor": "Bob", "actor_id": "user2"}),
    (Case("group call", "call", ("group call", "群通话")),
     {"type": "service", "action": "group_call", "duration_seconds": 60, "actor": "Bob", "actor_id": "user2"}),
]


def telegram_folder(folder: Path) -> Path:
    from datetime import UTC

    base = datetime(2024, 6, 1, 8, 0, tzinfo=UTC)
    msgs = []
    for i, (_case, fields) in enumerate(TELEGRAM):
        t = base + timedelta(minutes=i)
        d = {"id": 500 + i, "type": "message", "date": t.replace(tzinfo=None).isoformat(),
             "date_unixtime": str(int(t.timestamp())), "from": "Alice", "from_id": "user1", "text": "",
             "text_entities": []}
        d.update(fields)
        if d["type"] == "service":
            del d["from"], d["from_id"]
        msgs.append(d)
    chat = {"name": "Alps", "type": "private_group", "id": 777, "messages": msgs}
    media = {"files/tax-return-2024.pdf": b"%PDF-1.4\n%%EOF\n", "files/track.mp3": b"ID3\x03\x00" + b"\x00" * 40,
             "photos/p.jpg": I.PNG_1x1}
    return I.write_telegram_folder(folder, chat, media)
