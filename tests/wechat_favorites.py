"""Builders of WeChat favorites databases (收藏) for tests, the demo and the benchmark.

PC 3.x `Msg/Favorite.db` (`FavItems` + `FavDataItem` + `FavTagDatas`/`FavBindTagDatas`), Weixin 4
`db_storage/favorite/favorite.db` (`fav_db_item` + `fav_tag_db_item`/`fav_bind_tag_db_item`) and
Android `enFavorite.db` (`FavItemInfo`), encrypted like the account's other databases
(`wechat_fixtures.create_db`), with the `<favitem>` XML written here from public descriptions of
the format (PyWxDump `pywxdump/db/dbFavorite.py`, published Weixin 4 schema dumps), and the cached
files where each platform keeps them. Nothing is copied from real accounts or third-party code.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from pathlib import Path
from xml.sax.saxutils import escape

from tests import wechat_fixtures as F

ALICE, BOB, ROOM = "wxid_alice", "wxid_bob", "room7@chatroom"   # as in wechat_states
T = F.T0


@dataclass
class Part:
    datatype: int
    data_id: str
    title: str | None = None
    desc: str | None = None
    fmt: str | None = None
    data: bytes | None = None          # the cached file (None: not in the cache)
    thumb: bytes | None = None
    sender_name: str | None = None
    ts: int | None = None
    duration: int | None = None
    source_path: str | None = None     # PC: where the chat had the file (sourcedatapath)

    @property
    def media_expected(self) -> bool:
        """A photo, voice note, video or file whose file is in the cache."""
        return self.datatype in (2, 3, 4, 8) and self.data is not None

    @property
    def md5(self) -> str | None:
        return hashlib.md5(self.data).hexdigest() if self.data is not None else None


@dataclass
class Fav:
    local_id: int
    type: int
    updated: int
    chat: str | None = None
    sender: str | None = None
    title: str | None = None
    desc: str | None = None
    parts: list[Part] = field(default_factory=list)
    web: tuple[str, str, str] | None = None          # (title, description, url)
    loc: tuple[float, float, str, str] | None = None  # (lat, lng, label, poi)
    extra_xml: str = ""
    tags: list[str] = field(default_factory=list)
    orig_ts: int | None = None
    raw: str | None = None                            # written as is instead of the XML (a damaged item)
    synced: bool = True                               # False: no server id yet (only on this device)

    @property
    def server_id(self) -> int:
        return 9_000_000 + self.local_id if self.synced else 0


def _e(v: object) -> str:
    return escape(str(v))


def part_xml(p: Part) -> str:
    bits = [f'<dataitem datatype="{p.datatype}" dataid="{_e(p.data_id)}" htmlid="{_e(p.data_id)}">']
    for tag, v in (("datafmt", p.fmt), ("datatitle", p.title), ("datadesc", p.desc), ("fullmd5", p.md5),
                   ("fullsize", len(p.data) if p.data else None),
                   ("thumbfullmd5", hashlib.md5(p.thumb).hexdigest() if p.thumb else None),
                   ("duration", p.duration), ("datasrcname", p.sender_name),
                   ("srcMsgCreateTime", p.ts), ("sourcedatapath", p.source_path)):
        if v is not None:
            bits.append(f"<{tag}>{_e(v)}</{tag}>")
    if p.ts:
        bits.append(f"<dataitemsource><createtime>{p.ts}</createtime></dataitemsource>")
    bits.append("</dataitem>")
    return "".join(bits)


def favitem_xml(f: Fav) -> str:
    if f.raw is not None:
        return f.raw
    out = [f'<favitem type="{f.type}">']
    if f.title:
        out.append(f"<title>{_e(f.title)}</title>")
    if f.desc:
        out.append(f"<desc>{_e(f.desc)}</desc>")
    src = [f"<fromusr>{_e(f.chat)}</fromusr>" if f.chat else "",
           f"<realchatname>{_e(f.sender)}</realchatname>" if f.sender else "",
           f"<createtime>{f.orig_ts}</createtime>" if f.orig_ts else "",
           f"<msgid>{8_000_000 + f.local_id}</msgid>"]
    out.append(f'<source sourcetype="1">{"".join(src)}</source>')
    if f.parts:
        out.append(f'<datalist count="{len(f.parts)}">{"".join(part_xml(p) for p in f.parts)}</datalist>')
    if f.web:
        out.append(f"<weburlitem><pagetitle>{_e(f.web[0])}</pagetitle><pagedesc>{_e(f.web[1])}</pagedesc>"
                   f"<clean_url>{_e(f.web[2])}</clean_url></weburlitem>")
    if f.loc:
        out.append(f"<locitem><lat>{f.loc[0]}</lat><lng>{f.loc[1]}</lng><label>{_e(f.loc[2])}</label>"
                   f"<poiname>{_e(f.loc[3])}</poiname><scale>15</scale></locitem>")
    out.append(f.extra_xml)
    if f.tags:
        out.append("<taglist>" + "".join(f"<tag>{_e(t)}</tag>" for t in f.tags) + "</taglist>")
    out.append("</favitem>")
    return "".join(out)


# --- the catalogue: every type -------------------------------------------------------------

TYPES = ("text", "image", "voice", "video", "file", "link", "article", "chat_history", "note", "location",
         "music", "product", "mini_program", "channels")


def one(kind: str, lid: int, *, cached: bool = True) -> Fav:
    """A favorite of `kind` with local id `lid` (its media in the cache unless `cached` is False)."""
    ts = T + 86400 + lid * 60
    tag = ["Family"] if lid % 3 == 0 else ["Work", "报销"] if lid % 3 == 1 else []
    did = f"d{lid:05d}"

    def data(b: bytes) -> bytes | None:
        return b if cached else None

    if kind == "text":
        return Fav(lid, 1, ts, ALICE, None, desc=f"Remember the keys {lid} 记得带钥匙", tags=tag, orig_ts=ts - 3600)
    if kind == "image":
        pic = F.image_bytes("JPEG", (32 + lid % 7, 24))
        return Fav(lid, 2, ts, ROOM, BOB, parts=[Part(2, did, fmt="jpg", data=data(pic), thumb=pic)], tags=tag,
                   orig_ts=ts - 7200)
    if kind == "voice":
        return Fav(lid, 3, ts, ALICE, parts=[Part(3, did, fmt="silk", data=data(b"\x02#!SILK_V3fav" + bytes([lid % 256]) * 40),
                                                  duration=4200)], tags=tag, orig_ts=ts - 60)
    if kind == "video":
        return Fav(lid, 4, ts, ALICE, title="Birthday video", parts=[Part(4, did, fmt="mp4", title="Birthday video",
                   data=data(b"\x00\x00\x00\x18ftypmp42fav" + bytes([lid % 256]) * 64), duration=12)], tags=tag)
    if kind == "file":
        return Fav(lid, 8, ts, ALICE, title=f"receipt-{lid}.pdf",
                   parts=[Part(8, did, title=f"receipt-{lid}.pdf", fmt="pdf", data=data(b"%PDF-1.4 receipt " + str(lid).encode()))],
                   tags=tag)
    if kind == "link":
        return Fav(lid, 5, ts, BOB, web=(f"Trail guide {lid}", "Routes near the city", f"https://hikes.example/{lid}"),
                   tags=tag)
    if kind == "article":
        return Fav(lid, 5, ts, "gh_news", web=(f"Daily story {lid} 每日新闻", "All about it",
                                               f"https://mp.weixin.qq.com/s/{lid}"), tags=tag)
    if kind == "chat_history":
        parts = [Part(1, f"{did}a", desc="Where do we meet?", sender_name="Alice R", ts=ts - 900),
                 Part(1, f"{did}b", desc="At the north gate 北门", sender_name="Bob", ts=ts - 840),
                 Part(2, f"{did}c", fmt="jpg", sender_name="Alice R", ts=ts - 800,
                      data=data(F.image_bytes("PNG", (20, 20))))]
        return Fav(lid, 14, ts, ROOM, title="Hiking group chat history", desc="Alice R: Where do we meet?\nBob: At the north gate",
                   parts=parts, tags=tag)
    if kind == "note":
        parts = [Part(1, f"{did}a", desc="Packing list 行李清单"), Part(1, f"{did}b", desc="Tent, stove, water"),
                 Part(2, f"{did}c", fmt="jpg", data=data(F.image_bytes("JPEG", (30, 20))))]
        return Fav(lid, 18, ts, None, title="Packing list", parts=parts, tags=tag)
    if kind == "location":
        return Fav(lid, 6, ts, ALICE, loc=(39.9087, 116.3975, "北京市东城区", f"天安门 {lid}"), tags=tag)
    if kind == "music":
        return Fav(lid, 7, ts, BOB, title="Moonlight song", desc="Singer", web=("Moonlight song", "Singer",
                   "https://music.example/1"), tags=tag)
    if kind == "product":
        return Fav(lid, 10, ts, BOB, title="Rain jacket", extra_xml="<productitem type=\"1\"><producttitle>Rain jacket"
                   "</producttitle><productdesc>Waterproof</productdesc></productitem>", tags=tag)
    if kind == "mini_program":
        return Fav(lid, 19, ts, ALICE, title="Ride now", extra_xml="<appbranditem><sourcedisplayname>Bike Share"
                   "</sourcedisplayname><username>gh_bike@app</username><pagepath>pages/ride</pagepath></appbranditem>",
                   tags=tag)
    if kind == "channels":
        return Fav(lid, 20, ts, ALICE, title="Cooking clip", extra_xml="<finderFeed><nickname>Chef Li</nickname>"
                   "<desc>Noodles in 5 minutes</desc><objectId>1403</objectId></finderFeed>", tags=tag)
    raise ValueError(kind)


def catalogue(n: int = len(TYPES), *, start: int = 1) -> list[Fav]:
    """`n` favorites cycling through every type (local ids from `start`)."""
    return [one(TYPES[i % len(TYPES)], start + i) for i in range(n)]


DAMAGED = '<favitem type="1"><desc>broken'         # cut off: not XML any more


# --- the databases -------------------------------------------------------------------------

PC_DDL = [
    "CREATE TABLE FavItems (FavLocalID INTEGER PRIMARY KEY, SvrFavId INT DEFAULT 0, SourceId TEXT, Type INT, "
    "SourceType INT, LocalStatus INT, Flag INT, Status INT, FromUser TEXT, RealChatName TEXT, SearchKey TEXT, "
    "UpdateTime INT, reseverd0 INT, reseverd1 INT, reseverd2 TEXT, reseverd3 TEXT, XmlBuf TEXT)",
    "CREATE TABLE FavDataItem (RecId INTEGER PRIMARY KEY, FavLocalID INT, Type INT, DataId TEXT, HtmlId TEXT, "
    "Datasourceid TEXT, Datastatus INT, Datafmt TEXT, Datatitle TEXT, Datadesc TEXT, Thumbfullmd5 TEXT, "
    "Thumbhead256md5 TEXT, Thumbfullsize INT, fullmd5 TEXT, head256md5 TEXT, fullsize INT, cdn_thumburl TEXT, "
    "cdn_thumbkey TEXT, thumb_width INT, thumb_height INT, cdn_dataurl TEXT, cdn_datakey TEXT, cdn_encryver INT, "
    "duration INT, stream_weburl TEXT, stream_dataurl TEXT, stream_lowbandurl TEXT, sourcethumbpath TEXT, "
    "sourcedatapath TEXT, stream_videoid TEXT, Rerserved1 INT, Rerserved2 INT, Rerserved3 TEXT, Rerserved4 TEXT, "
    "Rerserved5 TEXT, Rerserved6 TEXT, Rerserved7 TEXT)",
    "CREATE TABLE FavTagDatas (LocalID INTEGER PRIMARY KEY, ServerId INT, TagName TEXT, ServerSeq INT, Flag INT)",
    "CREATE TABLE FavBindTagDatas (FavLocalID INT, TagLocalID INT, Flag INT)",
    "CREATE INDEX FavDataItem_FavLocalID ON FavDataItem(FavLocalID)",
]
V4_DDL = [
    "CREATE TABLE fav_db_item (local_id INTEGER PRIMARY KEY AUTOINCREMENT, server_id INTEGER, type INTEGER, "
    "update_seq INTEGER, flag INTEGER, update_time INTEGER, version INTEGER, content TEXT, source_id TEXT, "
    "sync_status INTEGER, upload_status INTEGER, fromusr TEXT, fromusr_id INTEGER, realchatname TEXT, "
    "realchatname_id INTEGER, ext_buf TEXT)",
    "CREATE TABLE fav_tag_db_item (local_id INTEGER PRIMARY KEY AUTOINCREMENT, server_id INTEGER, name TEXT, seq INTEGER)",
    "CREATE TABLE fav_bind_tag_db_item (tag_local_id INTEGER, tag_server_id INTEGER, fav_local_id INTEGER, "
    "fav_server_id INTEGER, op_code INTEGER)",
    "CREATE INDEX fav_bind_tag_db_item_FAVLOCALID ON fav_bind_tag_db_item(fav_local_id)",
]
ANDROID_DDL = [
    "CREATE TABLE FavItemInfo (localId LONG PRIMARY KEY, id INTEGER, type INTEGER, postStatus INTEGER, "
    "sourceType INTEGER, sourceId TEXT, fromUser TEXT, toUser TEXT, realChatName TEXT, favProto BLOB, xml TEXT, "
    "ext TEXT, edittime LONG, updateTime LONG, sourceCreateTime LONG, flag INTEGER, updateSeq INTEGER, "
    "localSeq INTEGER, itemStatus INTEGER, tagProto BLOB, datatotalsize LONG)",
]


def _tag_ids(favs: list[Fav]) -> dict[str, int]:
    names = list(dict.fromkeys(t for f in favs for t in f.tags))
    return {n: i + 1 for i, n in enumerate(names)}


def write_pc(root: Path, favs: list[Fav], secret: bytes | None = F.KEY) -> Path:
    """`Msg/Favorite.db` and `FileStorage/Fav/{Data,Thumb}/<xx>/<data id>` of a PC account folder."""
    tags = _tag_ids(favs)
    items, parts, binds = [], [], []
    for f in favs:
        items.append((f.local_id, f.server_id, f"src{f.local_id}", f.type, 1, 0, 0, 0, f.chat, f.sender,
                      None, f.updated, 0, 0, None, None, favitem_xml(f)))
        for p in f.parts:
            parts.append((None, f.local_id, p.datatype, p.data_id, p.data_id, None, 0, p.fmt, p.title, p.desc,
                          hashlib.md5(p.thumb).hexdigest() if p.thumb else None, None, len(p.thumb or b""), p.md5,
                          None, len(p.data or b""), None, None, 0, 0, None, None, 0, p.duration, None, None, None,
                          None, p.source_path, None, 0, 0, None, None, None, None, None))
            sub = p.data_id[-2:]
            if p.data is not None:
                _write(root / "FileStorage" / "Fav" / "Data" / sub / f"{p.data_id}.{p.fmt or 'dat'}", p.data)
            if p.thumb is not None:
                _write(root / "FileStorage" / "Fav" / "Thumb" / sub / f"{p.data_id}_t.jpg", p.thumb)
        binds += [(f.local_id, tags[t], 0) for t in f.tags]
    return F.create_db(root / "Msg" / "Favorite.db", "pc" if secret else None, secret, PC_DDL, {
        "FavItems": items, "FavDataItem": parts,
        "FavTagDatas": [(i, 700 + i, n, i, 0) for n, i in tags.items()], "FavBindTagDatas": binds})


def write_v4(root: Path, favs: list[Fav], secret: bytes | None = F.KEY, *, dat: bool = True) -> Path:
    """`db_storage/favorite/favorite.db` and `business/favorite/{data,thumb}/<xx>/<name>`: images as V2
    `.dat` named by their data id, other files plain and named only by a counter (found by content md5)."""
    tags = _tag_ids(favs)
    rows, binds = [], []
    for n, f in enumerate(favs):
        rows.append((f.local_id, f.server_id, f.type, n, 0, f.updated * 1000 if n % 2 else f.updated, 87,
                     F.zstd_text(favitem_xml(f)) if n % 4 == 3 else favitem_xml(f), f"src{f.local_id}", 1, 0,
                     f.chat, None, f.sender, None, None))
        for p in f.parts:
            base = root / "business" / "favorite"
            if p.data is not None:
                if p.datatype == 2 and dat:
                    _write(base / "data" / p.data_id[-2:] / f"{p.data_id}.dat", F.v4_dat(p.data, 2))
                else:
                    _write(base / "data" / p.data_id[-2:] / f"blob{f.local_id}_{p.data_id[-1]}", p.data)
            if p.thumb is not None:
                _write(base / "thumb" / p.data_id[-2:] / f"{p.data_id}_t.jpg", p.thumb)
        binds += [(tags[t], 700 + tags[t], f.local_id, f.server_id, 0) for t in f.tags]
    return F.create_db(root / "db_storage" / "favorite" / "favorite.db", "v4" if secret else None, secret, V4_DDL, {
        "fav_db_item": rows, "fav_tag_db_item": [(i, 700 + i, n, i) for n, i in tags.items()],
        "fav_bind_tag_db_item": binds})


def write_android(acct: Path, favs: list[Fav], key: str | None = None) -> Path:
    """`enFavorite.db` (the EnMicroMsg key) and `favorite/<xx>/<data id>` of an Android account folder."""
    key = key or F.android_db_key()
    rows = []
    for f in favs:
        rows.append((f.local_id, f.server_id, f.type, 0, 1, None, f.chat, F.ME, f.sender, None,
                     favitem_xml(f), None, f.updated * 1000, f.updated * 1000, (f.orig_ts or 0) * 1000, 0, 0, 0, 0,
                     None, 0))
        for p in f.parts:
            if p.data is not None:
                _write(acct / "favorite" / p.data_id[-2:] / p.data_id, p.data)
    return F.create_db(acct / "enFavorite.db", "android", key.encode(), ANDROID_DDL, {"FavItemInfo": rows})


def _write(path: Path, data: bytes) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data)
