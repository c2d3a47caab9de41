"""Builders of WeChat-shaped folders for tests and the benchmark.

Real encrypted databases with WeChat's tables, columns and types (from public descriptions of the
formats: PyWxDump `doc/wx数据库简述.md`, sjzar/chatlog `internal/model`, ppwwyyxx/wechat-dump), XML
payloads written here from those descriptions, one-byte-XOR `.dat` images and Weixin 4 V1/V2 `.dat`
images (AES + XOR, `v4_dat`). Nothing is copied from real accounts or third-party code.
"""

from __future__ import annotations

import hashlib
import io
import os
import sqlite3
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import lz4.block
import sqlcipher3
import zstandard
from cryptography.hazmat.primitives import hashes, hmac
from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes

from chatvault.importers.wechat.proto import encode

KEY = bytes(range(32))                     # the account key used by every fixture
KEY_HEX = KEY.hex()
ME = "wxid_me"
IMEI = "358240051111110"
UIN = -1234567890
XOR = 0x51
T0 = 1_767_225_600                         # 2026-01-01 00:00:00 UTC

PARAMS = {  # variant → (SQLCipher major, pbkdf2 hash, iterations, page size, reserved bytes, hmac hash)
    "pc": (3, "sha1", 64000, 4096, 48, hashes.SHA1()),
    "v4": (4, "sha512", 256000, 4096, 80, hashes.SHA512()),
    "android": (1, "sha1", 4000, 1024, 16, None),
}


def create_db(path: Path, variant: str | None, secret: bytes | None, statements: list[str],
              rows: dict[str, list[tuple]] | None = None) -> Path:
    """Create `path` with the schema and rows; encrypted like WeChat when `variant` and `secret` are given."""
    path.parent.mkdir(parents=True, exist_ok=True)
    if path.exists():
        path.unlink()
    if variant and secret is not None:
        compat, hname, iters, page, _res, _h = PARAMS[variant]
        salt = os.urandom(16)
        key = hashlib.pbkdf2_hmac(hname, secret, salt, iters, 32)
        conn = sqlcipher3.connect(str(path))
        # Defaults first: keying a new file with cipher_compatibility set afterwards would leave the
        # SQLCipher 4 reserved-bytes value (80) in the header, which WeChat never writes.
        conn.execute(f"PRAGMA cipher_default_compatibility = {compat}")
        conn.execute(f"PRAGMA key = \"x'{key.hex()}{salt.hex()}'\"")
        conn.execute(f"PRAGMA cipher_page_size = {page}")
        # cipher_default_* is process-wide: put SQLCipher 4 back, or every later connection (the
        # vault itself) would be opened with SQLCipher 3/1 settings.
        conn.execute("PRAGMA cipher_default_compatibility = 4")
    else:
        conn = sqlite3.connect(str(path))
    conn.execute("PRAGMA journal_mode = DELETE")
    for st in statements:
        conn.execute(st)
    for table, data in (rows or {}).items():
        if data:
            marks = ",".join("?" * len(data[0]))
            conn.executemany(f"INSERT INTO {table} VALUES ({marks})", data)
    conn.commit()
    conn.close()
    return path


def verify_page1(path: Path, variant: str, secret: bytes) -> bytes:
    """Decrypt page 1 on our own (AES-256-CBC + the page HMAC) and return it as a plain SQLite page."""
    _compat, hname, iters, page, reserve, hmac_hash = PARAMS[variant]
    data = path.read_bytes()[:page]
    salt = data[:16]
    key = hashlib.pbkdf2_hmac(hname, secret, salt, iters, 32)
    iv = data[page - reserve: page - reserve + 16]
    if hmac_hash is not None:
        mac_salt = bytes(b ^ 0x3A for b in salt)
        mac_key = hashlib.pbkdf2_hmac(hname, key, mac_salt, 2, 32)
        h = hmac.HMAC(mac_key, hmac_hash)
        h.update(data[16: page - reserve + 16])
        h.update((1).to_bytes(4, "little"))
        expect = data[page - reserve + 16: page - reserve + 16 + hmac_hash.digest_size]
        h.verify(expect)
    dec = Cipher(algorithms.AES(key), modes.CBC(iv)).decryptor()
    plain = dec.update(data[16: page - reserve]) + dec.finalize()
    out = b"SQLite format 3\x00" + plain
    assert int.from_bytes(out[16:18], "big") == page, "page size field"
    assert out[20] == reserve, f"reserved bytes {out[20]} != {reserve}"
    return out


# --- content builders (XML as WeChat writes it) -------------------------------------------

def jpeg_bytes(color: tuple[int, int, int] = (200, 30, 30), size: tuple[int, int] = (24, 16)) -> bytes:
    from PIL import Image

    buf = io.BytesIO()
    Image.new("RGB", size, color).save(buf, "JPEG")
    return buf.getvalue()


def png_bytes() -> bytes:
    from PIL import Image

    buf = io.BytesIO()
    Image.new("RGBA", (8, 8), (0, 128, 0, 255)).save(buf, "PNG")
    return buf.getvalue()


def xor(data: bytes, key: int = XOR) -> bytes:
    return bytes(b ^ key for b in data)


IMAGE_KEY = b"0f1e2d3c4b5a6978"     # the Weixin 4 image key of every fixture (16 ASCII characters)
V4_XOR = 0x37


def v4_dat(image: bytes, version: int = 2, *, image_key: bytes = IMAGE_KEY, xor_key: int = V4_XOR,
           aes_len: int = 1024, xor_len: int = 1024, pad_byte: int = 0) -> bytes:
    """A Weixin 4 V1/V2 `.dat` file, written from the public description of the format.

    15-byte header (signature, little-endian AES length, little-endian XOR length, one byte), the
    first `aes_len` bytes AES-128-ECB encrypted with PKCS#7 padding (V1: the public fixed key, V2:
    `image_key`), the middle as is, the last `xor_len` bytes XOR-ed with `xor_key`.
    """
    from cryptography.hazmat.primitives import padding

    aes_len = min(aes_len, len(image))
    xor_len = min(xor_len, len(image) - aes_len)
    key = b"cfcd208495d565ef" if version == 1 else image_key
    padder = padding.PKCS7(128).padder()
    head = padder.update(image[:aes_len]) + padder.finalize()
    enc = Cipher(algorithms.AES(key), modes.ECB()).encryptor()
    head = enc.update(head) + enc.finalize()
    middle = image[aes_len:len(image) - xor_len]
    tail = xor(image[len(image) - xor_len:], xor_key)
    sig = b"\x07\x08V1\x08\x07" if version == 1 else b"\x07\x08V2\x08\x07"
    return (sig + aes_len.to_bytes(4, "little") + xor_len.to_bytes(4, "little") + bytes([pad_byte])
            + head + middle + tail)


def image_bytes(fmt: str, size: tuple[int, int] = (40, 30)) -> bytes:
    """A real small picture in `fmt` (JPEG, PNG, GIF, WEBP ...), noisy so that it is not tiny."""
    import random

    from PIL import Image

    rnd = random.Random(f"{fmt}{size}")
    im = Image.new("RGB", size)
    im.putdata([(rnd.randrange(256), rnd.randrange(256), rnd.randrange(256)) for _ in range(size[0] * size[1])])
    buf = io.BytesIO()
    im.save(buf, fmt)
    return buf.getvalue()


def x_image(md5: str) -> str:
    return (f'<?xml version="1.0"?><msg><img aeskey="00" encryver="1" cdnthumbaeskey="00" cdnthumburl="3050" '
            f'cdnthumblength="1200" cdnthumbheight="120" cdnthumbwidth="90" length="2048" md5="{md5}" /></msg>')


def x_voice(ms: int) -> str:
    return (f'<msg><voicemsg endflag="1" cancelflag="0" forwardflag="0" voiceformat="4" voicelength="{ms}" '
            f'length="3120" bufid="0" clientmsgid="41" fromusername="wxid_alice" /></msg>')


def x_video(md5: str, secs: int) -> str:
    return (f'<?xml version="1.0"?><msg><videomsg aeskey="00" cdnthumburl="3057" length="40960" '
            f'playlength="{secs}" md5="{md5}" fromusername="wxid_alice" /></msg>')


def x_sticker() -> str:
    return ('<msg><emoji fromusername="wxid_alice" tousername="wxid_me" type="2" md5="e0d8c1a2" len="5000" '
            'productid="" cdnurl="http://emoji.example/e0d8" width="240" height="240" /></msg>')


def x_location(lat: float, lon: float, label: str, poi: str) -> str:
    return f'<msg><location x="{lat}" y="{lon}" scale="16" label="{label}" maptype="0" poiname="{poi}" /></msg>'


def x_card(username: str, nickname: str) -> str:
    return (f'<?xml version="1.0"?><msg bigheadimgurl="" username="{username}" nickname="{nickname}" '
            f'alias="carol_cn" province="Guangdong" city="Shenzhen" sex="2" certflag="0" sign="hi" />')


def x_appmsg(sub: int, inner: str, title: str = "", des: str = "", url: str = "") -> str:
    return (f'<?xml version="1.0"?><msg><appmsg appid="" sdkver="0"><title>{title}</title><des>{des}</des>'
            f'<type>{sub}</type><url>{url}</url>{inner}</appmsg><fromusername>wxid_alice</fromusername></msg>')


def x_article() -> str:
    return x_appmsg(5, '<thumburl>https://mmbiz.example/cover.jpg</thumburl>'
                       '<sourceusername>gh_news</sourceusername><sourcedisplayname>Daily News</sourcedisplayname>'
                       '<mmreader><category count="1"><item><title>Big story</title><url>https://mp.example/s/1</url>'
                       '<digest>All about it</digest><cover>https://mmbiz.example/cover.jpg</cover></item></category></mmreader>',
                    "Big story", "All about it", "https://mp.example/s/1")


def x_file(name: str, size: int) -> str:
    return x_appmsg(6, f'<appattach><totallen>{size}</totallen><fileext>pdf</fileext></appattach><md5>ff00</md5>', name)


def x_mini() -> str:
    return x_appmsg(33, '<sourcedisplayname>Bike Share</sourcedisplayname><weappinfo><pagepath>pages/ride.html</pagepath>'
                        '<username>gh_bike@app</username><appid>wx1234</appid></weappinfo>', "Ride now", "", "https://mp.example/app")


def x_quote(svrid: int, text: str) -> str:
    return x_appmsg(57, f'<refermsg><type>1</type><svrid>{svrid}</svrid><fromusr>wxid_alice</fromusr>'
                        f'<chatusr>wxid_alice</chatusr><displayname>Alice</displayname><content>hello</content>'
                        f'<createtime>{T0}</createtime></refermsg>', text)


def x_transfer(amount: str, state: int) -> str:
    return x_appmsg(2000, f'<wcpayinfo><paysubtype>{state}</paysubtype><feedesc>{amount}</feedesc>'
                          f'<transferid>1000050001</transferid><pay_memo>dinner</pay_memo></wcpayinfo>', "微信转账")


def x_redpacket() -> str:
    return x_appmsg(2001, '<wcpayinfo><receivertitle>恭喜发财，大吉大利</receivertitle><sendertitle>恭喜发财</sendertitle>'
                          '<scenetext>微信红包</scenetext><paymsgid>1000039501</paymsgid></wcpayinfo>', "微信红包")


def x_bundle() -> str:
    record = ('<recordinfo><title>Chat history</title><desc>Alice: one\nBob: two</desc><datalist count="2">'
              '<dataitem datatype="1" dataid="a1"><datadesc>one</datadesc><sourcename>Alice</sourcename>'
              '<sourcetime>2026-01-01 08:00</sourcetime><srcMsgCreateTime>1767254400</srcMsgCreateTime></dataitem>'
              '<dataitem datatype="1" dataid="a2"><datadesc>two</datadesc><sourcename>Bob</sourcename>'
              '<sourcetime>2026-01-01 08:01</sourcetime></dataitem></datalist></recordinfo>')
    cdata = record.replace("]]>", "]]]]><![CDATA[>")
    return x_appmsg(19, f"<recorditem><![CDATA[{cdata}]]></recorditem>", "Chat history", "Alice: one\nBob: two")


def x_call(text: str) -> str:
    return (f'<voipmsg type="VoIPBubbleMsg"><VoIPBubbleMsg><msg><![CDATA[{text}]]></msg>'
            '<room_type>1</room_type><red_dot>false</red_dot></VoIPBubbleMsg></voipmsg>')


def x_revoke(svrid: int) -> str:
    return (f'<sysmsg type="revokemsg"><revokemsg><session>wxid_alice</session><msgid>1</msgid>'
            f'<newmsgid>{svrid}</newmsgid><replacemsg><![CDATA["Alice" 撤回了一条消息]]></replacemsg></revokemsg></sysmsg>')


def x_pat() -> str:
    return ('<sysmsg type="pat"><pat><fromusername>wxid_alice</fromusername><chatusername>wxid_alice</chatusername>'
            '<pattedusername>wxid_me</pattedusername><template><![CDATA["${wxid_alice}" 拍了拍我]]></template></pat></sysmsg>')


BILLION_LAUGHS = ('<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol">'
                  '<!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">'
                  '<!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">'
                  '<!ENTITY lol4 "&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;">]>'
                  '<msg><appmsg><title>&lol4;</title><type>5</type></appmsg></msg>')
XXE = ('<?xml version="1.0"?><!DOCTYPE msg [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>'
       '<msg><appmsg><title>&xxe;</title><type>5</type></appmsg></msg>')
EXTERNAL_DTD = ('<?xml version="1.0"?><!DOCTYPE msg SYSTEM "http://127.0.0.1:9/evil.dtd">'
                '<msg><appmsg><title>dtd</title><type>5</type></appmsg></msg>')
QUADRATIC = '<?xml version="1.0"?><!DOCTYPE m [<!ENTITY a "' + "x" * 5000 + '">]><msg><appmsg><title>' + "&a;" * 2000 + '</title></appmsg></msg>'


def lz4_xml(xml: str) -> bytes:
    """CompressContent as PC WeChat writes it: an LZ4 block of the XML plus a NUL, no size header."""
    return lz4.block.compress(xml.encode() + b"\x00", store_size=False)


def zstd_text(text: str) -> bytes:
    return zstandard.ZstdCompressor().compress(text.encode())


def bytes_extra(sender: str | None = None, thumb: str | None = None, path: str | None = None) -> bytes:
    items: list[tuple[int, Any]] = [(1, encode([(1, 0), (2, 0)]))]
    if sender:
        items.append((3, encode([(1, 1), (2, sender)])))
    items.append((3, encode([(1, 7), (2, "<msgsource><silence>0</silence></msgsource>")])))
    if thumb:
        items.append((3, encode([(1, 3), (2, thumb)])))
    if path:
        items.append((3, encode([(1, 4), (2, path)])))
    return encode(items)


def room_data(members: dict[str, str]) -> bytes:
    items: list[tuple[int, Any]] = []
    for wxid, nick in members.items():
        inner: list[tuple[int, Any]] = [(1, wxid)]
        if nick:
            inner.append((2, nick))
        inner.append((3, 0))
        items.append((1, encode(inner)))
    return encode(items)


# --- WeChat for Windows 3.x ---------------------------------------------------------------

PC_MSG_DDL = [
    "CREATE TABLE MSG (localId INTEGER PRIMARY KEY AUTOINCREMENT, TalkerId INT DEFAULT 0, MsgSvrID INT, Type INT, "
    "SubType INT, IsSender INT, CreateTime INT, Sequence INT DEFAULT 0, StatusEx INT DEFAULT 0, FlagEx INT, Status INT, "
    "MsgServerSeq INT, MsgSequence INT, StrTalker TEXT, StrContent TEXT, DisplayContent TEXT, Reserved0 INT DEFAULT 0, "
    "Reserved1 INT DEFAULT 0, Reserved2 INT DEFAULT 0, Reserved3 INT DEFAULT 0, Reserved4 TEXT, Reserved5 TEXT, "
    "Reserved6 TEXT, CompressContent BLOB, BytesExtra BLOB, BytesTrans BLOB)",
    "CREATE INDEX MSG_CREATETIME ON MSG(CreateTime)",
    "CREATE INDEX MSG_TALKERID ON MSG(TalkerId)",
    "CREATE TABLE Name2ID (UsrName TEXT PRIMARY KEY)",
    "CREATE TABLE DBInfo (tableIndex INTEGER PRIMARY KEY, tableVersion INTEGER, tableDesc TEXT)",
]
PC_MICRO_DDL = [
    "CREATE TABLE Contact (UserName TEXT PRIMARY KEY, Alias TEXT, EncryptUserName TEXT, DelFlag INTEGER DEFAULT 0, "
    "Type INTEGER DEFAULT 0, VerifyFlag INTEGER DEFAULT 0, Reserved1 INTEGER DEFAULT 0, Reserved2 INTEGER DEFAULT 0, "
    "Reserved3 TEXT, Reserved4 TEXT, Remark TEXT, NickName TEXT, LabelIDList TEXT, DomainList TEXT, ChatRoomType INT, "
    "PYInitial TEXT, QuanPin TEXT, RemarkPYInitial TEXT, RemarkQuanPin TEXT, BigHeadImgUrl TEXT, SmallHeadImgUrl TEXT, "
    "HeadImgMd5 TEXT, ChatRoomNotify INTEGER DEFAULT 0, Reserved5 INTEGER DEFAULT 0, Reserved6 TEXT, Reserved7 TEXT, "
    "ExtraBuf BLOB, Reserved8 INTEGER DEFAULT 0, Reserved9 INTEGER DEFAULT 0, Reserved10 TEXT, Reserved11 TEXT)",
    "CREATE TABLE ChatRoom (ChatRoomName TEXT PRIMARY KEY, UserNameList TEXT, DisplayNameList TEXT, "
    "ChatRoomFlag INT DEFAULT 0, Owner INTEGER DEFAULT 0, IsShowName INTEGER DEFAULT 0, SelfDisplayName TEXT, "
    "Reserved1 INTEGER DEFAULT 0, Reserved2 TEXT, Reserved3 INTEGER DEFAULT 0, Reserved4 TEXT, Reserved5 INTEGER DEFAULT 0, "
    "Reserved6 TEXT, RoomData BLOB, Reserved7 INTEGER DEFAULT 0, Reserved8 TEXT)",
    "CREATE TABLE Session (strUsrName TEXT PRIMARY KEY, nOrder INT DEFAULT 0, nUnReadCount INTEGER DEFAULT 0, "
    "parentRef TEXT, Reserved0 INTEGER DEFAULT 0, strNickName TEXT, nStatus INTEGER, nIsSend INTEGER, strContent TEXT, "
    "nMsgType INTEGER, nMsgLocalID INTEGER, nMsgStatus INTEGER, nTime INTEGER, editContent TEXT, othersAtMe INT)",
    "CREATE TABLE ContactHeadImgUrl (usrName TEXT PRIMARY KEY, smallHeadImgUrl TEXT, bigHeadImgUrl TEXT, "
    "headImgMd5 TEXT, reverse0 INT, reverse1 TEXT)",
]
PC_MEDIA_DDL = ["CREATE TABLE Media (Key TEXT, Reserved0 INT, Buf BLOB, Reserved1 INT, Reserved2 TEXT)",
                "CREATE INDEX Media_Reserved0 ON Media(Reserved0)"]


def hardlink_ddl(kind: str) -> list[str]:
    return [f"CREATE TABLE HardLink{kind}Attribute (Md5Hash INTEGER PRIMARY KEY, MD5 BLOB, FileName TEXT, "
            "FileSize INTEGER, DirID1 INTEGER, DirID2 INTEGER, Type INTEGER, ModifyTime INTEGER, Reserved0 INTEGER, "
            "Reserved1 TEXT, Reserved2 INTEGER, Reserved3 TEXT)",
            f"CREATE TABLE HardLink{kind}ID (DirID INTEGER PRIMARY KEY, Dir TEXT)"]


@dataclass
class PCMsg:
    talker: str
    svrid: int
    type: int
    content: str = ""
    sub: int = 0
    is_sender: int = 0
    ts: int = T0
    compress: bytes | None = None
    extra: bytes | None = None


def msg_row(local_id: int, talker_id: int, m: PCMsg) -> tuple:
    return (local_id, talker_id, m.svrid, m.type, m.sub, m.is_sender, m.ts, 0, 0, 0, 2, 0, 0, m.talker, m.content,
            None, 0, 0, 0, 0, None, None, None, m.compress, m.extra, None)


CONTACTS = [  # (wxid, alias, remark, nickname)
    (ME, "me_alias", None, "Me Myself"),
    ("wxid_alice", "alice01", "Alice R", "Alice"),
    ("wxid_bob", None, None, "Bob"),
    ("gh_news", None, None, "Daily News"),
    ("room1@chatroom", None, None, "Hiking group"),
]
ROOM = "room1@chatroom"
ROOM_MEMBERS = {ME: "", "wxid_alice": "", "wxid_bob": "Bobby in group"}


def contact_row(u: str, alias, remark, nick) -> tuple:
    return (u, alias, None, 0, 3, 0, 0, 0, None, None, remark, nick, None, None, 0, None, None, None, None,
            None, None, None, 0, 0, None, None, None, 0, 0, None, None)


@dataclass
class PCFolder:
    root: Path                      # WeChat Files/<wxid>
    messages: list[PCMsg] = field(default_factory=list)
    image: bytes = b""
    video: bytes = b""
    file: bytes = b""
    voice: bytes = b""


def write_pc_msgs(path: Path, msgs: list[PCMsg], secret: bytes | None) -> None:
    talkers: dict[str, int] = {}
    rows = []
    for i, m in enumerate(msgs, 1):
        tid = talkers.setdefault(m.talker, len(talkers) + 1)
        rows.append(msg_row(i, tid, m))
    create_db(path, "pc", secret, PC_MSG_DDL, {
        "MSG": rows, "Name2ID": [(t,) for t in talkers],
        "DBInfo": [(0, 1, "Start Time"), (1, 1, str(min((m.ts for m in msgs), default=T0)))]})


def write_micromsg(root: Path, secret: bytes | None, contacts=CONTACTS, rooms: dict[str, dict[str, str]] | None = None) -> None:
    rooms = {ROOM: ROOM_MEMBERS} if rooms is None else rooms
    create_db(root / "Msg" / "MicroMsg.db", "pc", secret, PC_MICRO_DDL, {
        "Contact": [contact_row(*c) for c in contacts],
        "ChatRoom": [(r, "^G".join(m), None, 0, 0, 1, None, 0, None, 0, None, 0, None, room_data(m), 0, None)
                     for r, m in rooms.items()],
        "Session": [(c[0], i, 0, None, 0, c[3], 0, 0, "", 1, 0, 0, T0, None, 0) for i, c in enumerate(contacts)],
    })


def build_pc_folder(base: Path, secret: bytes | None = KEY, *, drop: set[int] = frozenset(), extra_msgs: list[PCMsg] = (),
                    favs: list | None = None) -> PCFolder:
    """A WeChat Files/wxid_me folder with every message type, a group, two MSG files and media.

    `drop` leaves out built-in messages by server id (the "deleted in WeChat" case for a later
    import); `extra_msgs` are appended to MSG1.db.
    """
    root = base / "WeChat Files" / ME
    fs = root / "FileStorage"
    alice_dir = hashlib.md5(b"wxid_alice").hexdigest()
    out = PCFolder(root)
    out.image = jpeg_bytes()
    img_rel = f"MsgAttach/{alice_dir}/Image/2026-01/img1.dat"
    thumb_rel = f"MsgAttach/{alice_dir}/Thumb/2026-01/img1_t.dat"
    (fs / img_rel).parent.mkdir(parents=True, exist_ok=True)
    (fs / thumb_rel).parent.mkdir(parents=True, exist_ok=True)
    (fs / img_rel).write_bytes(xor(out.image))
    (fs / thumb_rel).write_bytes(xor(jpeg_bytes((0, 0, 200), (6, 4))))
    only_thumb_rel = f"MsgAttach/{alice_dir}/Thumb/2026-01/img3_t.dat"
    (fs / only_thumb_rel).write_bytes(xor(jpeg_bytes((0, 200, 0), (6, 4))))
    out.video = b"\x00\x00\x00\x18ftypmp42" + os.urandom(200)
    (fs / "Video/2026-01").mkdir(parents=True, exist_ok=True)
    (fs / "Video/2026-01/vid1.mp4").write_bytes(out.video)
    out.file = b"%PDF-1.4\n" + os.urandom(300)
    (fs / "File/2026-01").mkdir(parents=True, exist_ok=True)
    (fs / "File/2026-01/report.pdf").write_bytes(out.file)
    png = png_bytes()
    room_dir = hashlib.md5(ROOM.encode()).hexdigest()
    (fs / f"MsgAttach/{room_dir}/Image/2026-01").mkdir(parents=True, exist_ok=True)
    (fs / f"MsgAttach/{room_dir}/Image/2026-01/hl.dat").write_bytes(xor(png, 0x23))
    w = f"{ME}\\FileStorage\\"
    A = "wxid_alice"
    t = T0
    msgs0 = [
        PCMsg(A, 1001, 1, "hello [微笑]", ts=t + 1),
        PCMsg(A, 1002, 1, "hi Alice", is_sender=1, ts=t + 2),
        PCMsg(A, 1003, 3, x_image("aa" * 16), ts=t + 3,
              extra=bytes_extra(thumb=w + thumb_rel.replace("/", "\\"), path=w + img_rel.replace("/", "\\"))),
        PCMsg(A, 1004, 3, x_image("bb" * 16), ts=t + 4,
              extra=bytes_extra(path=w + "MsgAttach\\" + alice_dir + "\\Image\\2026-01\\gone.dat")),
        PCMsg(A, 1005, 34, x_voice(2300), ts=t + 5),
        PCMsg(A, 1006, 43, x_video("cc" * 16, 7), ts=t + 6, extra=bytes_extra(path=w + "Video\\2026-01\\vid1.mp4")),
        PCMsg(A, 1007, 47, x_sticker(), ts=t + 7),
        PCMsg(A, 1008, 48, x_location(39.9087, 116.3975, "北京市东城区", "天安门"), ts=t + 8),
        PCMsg(A, 1009, 42, x_card("wxid_carol", "Carol"), ts=t + 9),
        PCMsg(A, 1010, 49, "", sub=5, ts=t + 10, compress=lz4_xml(x_article())),
        PCMsg(A, 1011, 49, "", sub=6, ts=t + 11, compress=lz4_xml(x_file("report.pdf", len(out.file))),
              extra=bytes_extra(path=w + "File\\2026-01\\report.pdf")),
        PCMsg(A, 1012, 49, "", sub=33, ts=t + 12, compress=lz4_xml(x_mini())),
        PCMsg(A, 1013, 49, "", sub=57, ts=t + 13, is_sender=1, compress=lz4_xml(x_quote(1001, "replying to hello"))),
        PCMsg(A, 1014, 49, "", sub=2000, ts=t + 14, compress=lz4_xml(x_transfer("￥88.00", 3))),
        PCMsg(A, 1015, 49, "", sub=2001, ts=t + 15, compress=lz4_xml(x_redpacket())),
        PCMsg(A, 1016, 50, x_call("通话时长 01:05"), ts=t + 16),
        PCMsg(A, 1017, 10000, '"Alice R" 撤回了一条消息', ts=t + 17),
        PCMsg(A, 1018, 49, "", sub=19, ts=t + 18, compress=lz4_xml(x_bundle())),
        PCMsg(A, 1019, 10002, x_revoke(1099), ts=t + 19),
        PCMsg(A, 1020, 10002, x_pat(), ts=t + 20),
        PCMsg(A, 1021, 49, "", sub=5, ts=t + 21, compress=lz4_xml(BILLION_LAUGHS)),
        PCMsg(A, 1022, 49, XXE, sub=5, ts=t + 22),
        PCMsg(A, 1023, 49, EXTERNAL_DTD, sub=5, ts=t + 23),
        PCMsg(A, 1024, 49, QUADRATIC, sub=5, ts=t + 24),
        PCMsg(A, 0, 1, "no server id", ts=t + 25),
        PCMsg(A, 1026, 3, x_image("dd" * 16), ts=t + 26,
              extra=bytes_extra(thumb=w + only_thumb_rel.replace("/", "\\"),
                                path=w + "MsgAttach\\" + alice_dir + "\\Image\\2026-01\\img3.dat")),
        PCMsg("gh_news", 1027, 49, "", sub=5, ts=t + 27, compress=lz4_xml(x_article())),
    ]
    msgs1 = [
        PCMsg(ROOM, 2001, 1, "group hello from bob", ts=t + 100, extra=bytes_extra(sender="wxid_bob")),
        PCMsg(ROOM, 2002, 1, "alice in group", ts=t + 101, extra=bytes_extra(sender="wxid_alice")),
        PCMsg(ROOM, 2003, 10000, '"Alice R"邀请"Bob"加入了群聊', ts=t + 102),
        PCMsg(ROOM, 2004, 1, "me in group", is_sender=1, ts=t + 103, extra=bytes_extra()),
        PCMsg(ROOM, 2005, 3, x_image("ee" * 16), ts=t + 104, extra=bytes_extra(sender="wxid_bob")),
        PCMsg(A, 2006, 1, "later message in MSG1", ts=t + 105),
        PCMsg(ROOM, 2007, 1, "wxid_alice:\nprefixed group content", ts=t + 106),
        PCMsg(ROOM, 2008, 34, x_voice(1000), ts=t + 107, extra=bytes_extra(sender="wxid_bob")),
    ]
    msgs0 = [m for m in msgs0 if m.svrid not in drop]
    msgs1 = [m for m in msgs1 if m.svrid not in drop] + list(extra_msgs)
    out.messages = msgs0 + msgs1
    multi = root / "Msg" / "Multi"
    write_pc_msgs(multi / "MSG0.db", msgs0, secret)
    write_pc_msgs(multi / "MSG1.db", msgs1, secret)
    write_micromsg(root, secret, rooms={ROOM: ROOM_MEMBERS} if any(m.talker == ROOM for m in out.messages) else {})
    out.voice = b"\x02#!SILK_V3" + os.urandom(100)
    create_db(multi / "MediaMSG0.db", "pc", secret, PC_MEDIA_DDL, {"Media": [("k1005", 1005, out.voice, 0, None)]})
    create_db(root / "Msg" / "HardLinkImage.db", "pc", secret, hardlink_ddl("Image"), {
        "HardLinkImageAttribute": [(1, bytes.fromhex("ee" * 16), "hl.dat", len(png), 1, 2, 3, T0, 0, None, 0, None)],
        "HardLinkImageID": [(1, room_dir), (2, "2026-01")]})
    create_db(root / "Msg" / "HardLinkVideo.db", "pc", secret, hardlink_ddl("Video"), {})
    create_db(root / "Msg" / "HardLinkFile.db", "pc", secret, hardlink_ddl("File"), {})
    if favs is not None:                 # Msg/Favorite.db and FileStorage/Fav (tests/wechat_favorites.py)
        from tests import wechat_favorites

        wechat_favorites.write_pc(root, favs, secret)
    return out


# --- Weixin 4.x -----------------------------------------------------------------------------

V4_ACCOUNT = "wxid_me_1a2b"


def v4_msg_ddl(table: str) -> list[str]:
    return [f'CREATE TABLE "{table}" (local_id INTEGER PRIMARY KEY AUTOINCREMENT, server_id INTEGER, '
            'local_type INTEGER, sort_seq INTEGER, real_sender_id INTEGER, create_time INTEGER, status INTEGER, '
            'upload_status INTEGER, download_status INTEGER, server_seq INTEGER, origin_source INTEGER, source TEXT, '
            'message_content TEXT, compress_content TEXT, packed_info_data BLOB, '
            'WCDB_CT_message_content INTEGER DEFAULT NULL, WCDB_CT_source INTEGER DEFAULT NULL)']


V4_CONTACT_DDL = [
    "CREATE TABLE contact (id INTEGER PRIMARY KEY, username TEXT, local_type INTEGER, alias TEXT, "
    "encrypt_username TEXT, flag INTEGER, delete_flag INTEGER, verify_flag INTEGER, remark TEXT, remark_quan_pin TEXT, "
    "remark_pin_yin_initial TEXT, nick_name TEXT, pin_yin_initial TEXT, quan_pin TEXT, big_head_url TEXT, "
    "small_head_url TEXT, head_img_md5 TEXT, chat_room_notify INTEGER, is_in_chat_room INTEGER, description TEXT, "
    "extra_buffer BLOB, chat_room_type INTEGER)",
    "CREATE TABLE chat_room (id INTEGER PRIMARY KEY, username TEXT, owner TEXT, ext_buffer BLOB)",
    "CREATE TABLE chatroom_member (room_id INTEGER, member_id INTEGER)",
]


def v4_pictures() -> dict[str, bytes]:
    """The pictures `build_v4_folder` stores as V1/V2 `.dat` files (the same bytes on every call)."""
    return {"v1": image_bytes("JPEG", (64, 48)), "v1_t": image_bytes("JPEG", (16, 12)),
            "v2": image_bytes("PNG", (48, 36)), "v2_h": image_bytes("GIF", (96, 72))}


def build_v4_folder(base: Path, secret: bytes | None = KEY, *, extra_texts: list[str] = (),
                    favs: list | None = None) -> Path:
    """xwechat_files/wxid_me_1a2b with two message_N.db, contact.db, media_0.db and msg/ media;
    `extra_texts` are more text messages from Alice (large inputs for the conformance suite)."""
    root = base / "xwechat_files" / V4_ACCOUNT
    me = ME
    users = [me, "wxid_alice", "wxid_bob", ROOM]
    name_rows = [(u, 1) for u in users]
    sid = {u: i + 1 for i, u in enumerate(users)}
    md5 = {u: hashlib.md5(u.encode()).hexdigest() for u in users}
    img_md5 = "ab" * 16
    att = root / "msg" / "attach" / md5["wxid_alice"] / "2026-01" / "Img"
    att.mkdir(parents=True, exist_ok=True)
    pics = v4_pictures()
    (att / f"{img_md5}.dat").write_bytes(v4_dat(pics["v1"], 1))               # V1: the public fixed key
    (att / f"{img_md5}_t.dat").write_bytes(v4_dat(pics["v1_t"], 1))
    (att / f"{'cd' * 16}.dat").write_bytes(v4_dat(pics["v2"], 2))             # V2: the image key
    (att / f"{'cd' * 16}_h.dat").write_bytes(v4_dat(pics["v2_h"], 2))         # its high-resolution copy
    (root / "msg" / "file" / "2026-01").mkdir(parents=True, exist_ok=True)
    (root / "msg" / "file" / "2026-01" / "notes.txt").write_bytes(b"weixin4 file")

    def row(i, svr, btype, sub, sender, content, ts, packed=None, zstd=False):
        val = zstd_text(content) if zstd else content
        return (i, svr, (sub << 32) | btype, ts * 1000, sid[sender], ts, 2, 0, 0, 0, 0, None, val, None, packed,
                4 if zstd else 0, 0)

    a = "Msg_" + md5["wxid_alice"]
    r = "Msg_" + md5[ROOM]
    t = T0
    alice = [
        row(1, 5001, 1, 0, "wxid_alice", "v4 hello [微笑]", t + 1),
        row(2, 5002, 1, 0, me, "v4 reply", t + 2),
        row(3, 5003, 3, 0, "wxid_alice", x_image(img_md5), t + 3, packed=encode([(3, encode([(4, img_md5)]))])),
        row(4, 5004, 3, 0, "wxid_alice", x_image("cd" * 16), t + 4),
        row(5, 5005, 49, 57, me, x_quote(5001, "v4 quoting"), t + 5, zstd=True),
        row(6, 5006, 49, 6, "wxid_alice", x_file("notes.txt", 12), t + 6, zstd=True),
        row(7, 5007, 34, 0, "wxid_alice", x_voice(3000), t + 7),
        row(8, 5008, 49, 2000, "wxid_alice", x_transfer("￥5.00", 1), t + 8, zstd=True),
        row(9, 5009, 10000, 0, "wxid_alice", "你撤回了一条消息", t + 9),
    ]
    alice += [row(100 + i, 500_000 + i, 1, 0, "wxid_alice", text, t + 30 + i) for i, text in enumerate(extra_texts)]
    room = [
        row(1, 6001, 1, 0, "wxid_bob", "wxid_bob:\nv4 group text", t + 20),
        row(2, 6002, 49, 5, "wxid_alice", "wxid_alice:\n" + x_article(), t + 21, zstd=True),
    ]
    db = root / "db_storage"
    create_db(db / "message" / "message_0.db", "v4", secret,
              ["CREATE TABLE Name2Id (user_name TEXT PRIMARY KEY, is_session INTEGER)", *v4_msg_ddl(a)],
              {"Name2Id": name_rows, a: alice})
    create_db(db / "message" / "message_1.db", "v4", secret,
              ["CREATE TABLE Name2Id (user_name TEXT PRIMARY KEY, is_session INTEGER)", *v4_msg_ddl(r)],
              {"Name2Id": name_rows, r: room})
    create_db(db / "message" / "media_0.db", "v4", secret,
              ["CREATE TABLE VoiceInfo (chat_name_id INTEGER, create_time INTEGER, local_id INTEGER, svr_id INTEGER, "
               "voice_data BLOB, data_index TEXT DEFAULT '0')"],
              {"VoiceInfo": [(2, t + 7, 7, 5007, b"\x02#!SILK_V3v4voice", "0")]})
    create_db(db / "contact" / "contact.db", "v4", secret, V4_CONTACT_DDL, {
        "contact": [(i + 1, c[0], 1, c[1], None, 0, 0, 0, c[2], None, None, c[3], None, None, None, None, None, 0, 0,
                     None, None, 0) for i, c in enumerate(CONTACTS)],
        "chat_room": [(1, ROOM, me, room_data({"wxid_bob": "Bobby v4"}))],
        "chatroom_member": [(1, 1), (1, 2), (1, 3)],
    })
    if favs is not None:                 # db_storage/favorite/favorite.db and business/favorite
        from tests import wechat_favorites

        wechat_favorites.write_v4(root, favs, secret)
    return root


# --- WeChat for Android ---------------------------------------------------------------------

ANDROID_DDL = [
    "CREATE TABLE message (msgId INTEGER PRIMARY KEY, msgSvrId INTEGER, type INT, status INT, isSend INT, "
    "isShowTimer INTEGER, createTime INTEGER, talker TEXT, content TEXT, imgPath TEXT, reserved TEXT, lvbuffer BLOB, "
    "transContent TEXT, transBrandWording TEXT, talkerId INTEGER, bizClientMsgId TEXT, bizChatId INTEGER DEFAULT -1, "
    "bizChatUserId TEXT, msgSeq INTEGER, flag INT)",
    "CREATE TABLE rcontact (username TEXT PRIMARY KEY, alias TEXT, conRemark TEXT, domainList TEXT, nickname TEXT, "
    "pyInitial TEXT, quanPin TEXT, showHead INTEGER, type INT, weiboFlag INT, weiboNickname TEXT, conRemarkPYFull TEXT, "
    "conRemarkPYShort TEXT, lvbuff BLOB, verifyFlag INT, encryptUsername TEXT, chatroomFlag INT, deleteFlag INT, "
    "contactLabelIds TEXT)",
    "CREATE TABLE chatroom (chatroomname TEXT PRIMARY KEY, addtime INTEGER, memberlist TEXT, displayname TEXT, "
    "chatroomnick TEXT, roomflag INTEGER, roomowner TEXT, roomdata BLOB, isShowname INTEGER, selfDisplayName TEXT, "
    "style INTEGER, chatroomdataflag INTEGER, modifytime INTEGER, chatroomnotice TEXT)",
    "CREATE TABLE userinfo (id INTEGER PRIMARY KEY, type INT, value TEXT)",
    "CREATE TABLE ImgInfo2 (id INTEGER PRIMARY KEY, msgSvrId INTEGER, offset INT, totalLen INT, bigImgPath TEXT, "
    "thumbImgPath TEXT, createtime INT, msglocalid INTEGER, status INT, nettimes INT, reserved1 INT, reserved2 INT, "
    "reserved3 TEXT, reserved4 TEXT, hashdthumb INT, iscomplete INT, origImgMD5 TEXT, compressType INT, "
    "midImgPath TEXT, forwardType INT, hevcPath TEXT, sendImgType INT)",
]


def android_db_key(imei: str = IMEI, uin: int = UIN) -> str:
    return hashlib.md5(f"{imei}{uin}".encode()).hexdigest()[:7]


def build_android_folder(base: Path, *, imei: str = IMEI, uin: int = UIN, encrypted: bool = True,
                         prefs: bool = True, extra_texts: list[str] = (), favs: list | None = None) -> Path:
    """com.tencent.mm/{shared_prefs/system_config_prefs.xml, MicroMsg/<md5(mm+uin)>/EnMicroMsg.db + media};
    `extra_texts` are more text messages from Alice (large inputs for the conformance suite)."""
    app = base / "com.tencent.mm"
    acct = app / "MicroMsg" / hashlib.md5(f"mm{uin}".encode()).hexdigest()
    acct.mkdir(parents=True, exist_ok=True)
    if prefs:
        (app / "shared_prefs").mkdir(parents=True, exist_ok=True)
        (app / "shared_prefs" / "system_config_prefs.xml").write_text(
            "<?xml version='1.0' encoding='utf-8' standalone='yes' ?>\n<map>\n"
            f'    <int name="default_uin" value="{uin}" />\n    <boolean name="first_launch" value="false" />\n</map>\n')
    big = "0f1e2d3c4b5a69788796a5b4c3d2e1f0.jpg"
    (acct / "image2" / big[0:2] / big[2:4]).mkdir(parents=True, exist_ok=True)
    (acct / "image2" / big[0:2] / big[2:4] / big).write_bytes(jpeg_bytes())
    voice = "260101120000abcd"
    vh = hashlib.md5(voice.encode()).hexdigest()
    (acct / "voice2" / vh[0:2] / vh[2:4]).mkdir(parents=True, exist_ok=True)
    (acct / "voice2" / vh[0:2] / vh[2:4] / f"msg_{voice}.amr").write_bytes(b"\x02#!SILK_V3android")
    (acct / "video").mkdir(exist_ok=True)
    (acct / "video" / "vid260101.mp4").write_bytes(b"\x00\x00\x00\x18ftypmp42android")
    t = T0 * 1000
    A, R = "wxid_alice", ROOM

    def m(i, svr, typ, send, talker, content, ts, img=None):
        return (i, svr, typ, 3, send, 0, ts, talker, content, img, None, None, None, None, 0, None, -1, None, 0, 0)

    rows = [
        m(1, 7001, 1, 0, A, "android hello [微笑]", t + 1000),
        m(2, 7002, 1, 1, A, "android reply", t + 2000),
        m(3, 7003, 3, 0, A, x_image("11" * 16), t + 3000, "THUMBNAIL_DIRPATH://th_0f1e2d3c4b5a69788796a5b4c3d2e1f0"),
        m(4, 7004, 34, 0, A, "wxid_alice:2300:0\n", t + 4000, voice),
        m(5, 7005, 43, 0, A, x_video("22" * 16, 4), t + 5000, "vid260101"),
        m(6, 7006, 436207665, 0, A, x_redpacket(), t + 6000),
        m(7, 7007, 419430449, 1, A, x_transfer("￥1.00", 1), t + 7000),
        m(8, 7008, 822083633, 1, A, x_quote(7001, "android quoting"), t + 8000),
        m(9, 7009, 1, 0, R, "wxid_bob:\nandroid group text", t + 9000),
        m(10, 7010, 10000, 0, R, '"Bob" 拍了拍 "Alice R"', t + 10000),
        m(11, 7011, 43, 0, A, x_video("33" * 16, 4), t + 11000, "gonevideo"),
        m(12, 7012, 1090519089, 0, A, x_file("android.pdf", 1234), t + 12000),
        m(13, 7013, 48, 0, R, "wxid_alice:\n" + x_location(31.23, 121.47, "上海", "外滩"), t + 13000),
    ]
    rows += [m(100 + i, 700_000 + i, 1, 0, A, text, t + 20000 + i) for i, text in enumerate(extra_texts)]
    create_db(acct / DB_NAME_ANDROID, "android" if encrypted else None,
              android_db_key(imei, uin).encode() if encrypted else None, ANDROID_DDL, {
        "message": rows,
        "rcontact": [(c[0], c[1], c[2] or "", None, c[3], None, None, 0, 3, 0, None, None, None, None, 0, None, 0, 0, None)
                     for c in CONTACTS],
        "chatroom": [(R, T0, ";".join(ROOM_MEMBERS), "Me、Alice、Bob", None, 0, ME, room_data({"wxid_bob": "Bobby A"}),
                      1, None, 0, 0, T0, None)],
        "userinfo": [(2, 3, ME), (4, 3, "Me Myself")],
        "ImgInfo2": [(1, 7003, 0, 100, big, "THUMBNAIL_DIRPATH://th_0f1e", T0, 3, 1, 0, 0, 0, None, None, 0, 1, None,
                      0, None, 0, None, 0)],
    })
    if favs is not None:                 # enFavorite.db (the same key) and favorite/ (tests/wechat_favorites.py)
        from tests import wechat_favorites

        wechat_favorites.write_android(acct, favs, android_db_key(imei, uin))
    return app


DB_NAME_ANDROID = "EnMicroMsg.db"
