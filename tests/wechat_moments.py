"""Moments (朋友圈) databases for the WeChat fixture folders: PC 3.x `Msg/Sns.db`, Weixin 4
`db_storage/sns/sns.db`, Android `SnsMicroMsg.db`, with their cached pictures.

Layouts from public descriptions of the formats (PyWxDump `pywxdump/db/dbSns.py` and its Sns ORM
models for `FeedsV20`/`CommentV20`; readers of Weixin 4 `SnsTimeLine` (tid, user_name, content with
the likes and comments inside the XML); WeChat's Moments protocol messages TimeLineObject / SnsObject /
SnsAction for Android's protobuf columns — field numbers in chatvault/importers/wechat/moments/pbpost.py).
PC and Weixin 4 files are encrypted with the account key like the other databases of their layout;
Android's SnsMicroMsg.db is plain SQLite, as WeChat writes it. Nothing copied from real accounts.
"""

from __future__ import annotations

import hashlib
import struct
from dataclasses import dataclass, field
from pathlib import Path
from xml.sax.saxutils import escape, quoteattr

from chatvault.importers.wechat.proto import encode
from tests import wechat_fixtures as F

POST_BASE = 13_000_000_000_000_000_000      # above 2**63: PC and Android store these ids signed
MEDIA_BASE = 14_000_000_000_000_000_000
VIDEO = b"\x00\x00\x00\x18ftypmp42moments video"


@dataclass
class MPost:
    n: int                                   # index: the post id is POST_BASE + n
    author: str
    ts: int
    text: str | None = None
    kind: str = "text"                       # text | image | video | link
    images: int = 0
    link: tuple[str, str] | None = None      # (url, title)
    location: tuple[str, str, str, float, float] | None = None   # poi, address, city, lat, lon
    private: bool = False
    likes: list[tuple[str, int]] = field(default_factory=list)
    comments: list[tuple[int, str, int, str, str | None]] = field(default_factory=list)  # id, who, ts, text, reply-to
    cached: str = "full"                     # full | thumb | none: what the local cache holds of its media
    visible_to: list[str] = field(default_factory=list)
    hidden_from: list[str] = field(default_factory=list)
    garbled: bool = False                    # content that no reader can make sense of
    xml: str | None = None                   # the content as given (hostile XML), instead of the post's own

    @property
    def id(self) -> int:
        return POST_BASE + self.n

    def media(self) -> list[tuple[str, int, str, str]]:
        """(media id, type, url, thumb url) of its pictures or video."""
        count = 1 if self.kind == "video" else self.images
        out = []
        for i in range(count):
            mid = str(MEDIA_BASE + self.n * 10 + i)
            token = hashlib.sha1(mid.encode()).hexdigest()
            out.append((mid, 6 if self.kind == "video" else 2, f"http://shmmsns.qpic.cn/mmsns/{token}/0",
                        f"http://shmmsns.qpic.cn/mmsns/{token}/150"))
        return out


def signed(n: int) -> int:
    return n - (1 << 64) if n >= 1 << 63 else n


def url_md5(url: str) -> str:
    return hashlib.md5(url.encode()).hexdigest()


# --- TimelineObject XML (PC 3.x and Weixin 4) --------------------------------------------------

def timeline_xml(p: MPost, *, inline_social: bool = False, names: dict[str, str] | None = None) -> str:
    if p.xml is not None:
        return p.xml
    if p.garbled:
        return "<TimelineObject><id>" + str(p.id) + "</id><username>"      # cut off mid-tag
    names = names or {}
    style = {"text": 2, "image": 1, "video": 15, "link": 3}[p.kind]
    media = "".join(
        f"<media><id>{mid}</id><type>{t}</type><title></title><description></description><private>0</private>"
        f'<url type="1" md5="{url_md5(url)}">{escape(url)}</url><thumb type="1">{escape(thumb)}</thumb>'
        f'<size width="1080" height="1440" totalSize="123456"></size></media>'
        for mid, t, url, thumb in p.media())
    if p.kind == "link":
        cover = f"http://mmbiz.qpic.cn/cover/{p.n}/0"
        media = f"<media><id>0</id><type>2</type><url type=\"1\">{cover}</url><thumb type=\"1\">{cover}</thumb></media>"
    url, title = p.link or ("", "")
    loc = ""
    if p.location:
        poi, addr, city, lat, lon = p.location
        loc = (f"<location poiClassifyId=\"\" poiName={quoteattr(poi)} poiAddress={quoteattr(addr)} "
               f"poiClassifyType=\"0\" city={quoteattr(city)} latitude=\"{lat}\" longitude=\"{lon}\"></location>")
    else:
        loc = '<location poiClassifyId="" poiName="" poiAddress="" poiClassifyType="0" city=""></location>'
    social = ""
    if inline_social:
        social = "<LikeUserList>" + "".join(
            f"<LikeUser><username>{w}</username><nickname>{escape(names.get(w, w))}</nickname>"
            f"<createTime>{ts}</createTime></LikeUser>" for w, ts in p.likes) + "</LikeUserList>"
        social += "<CommentUserList>" + "".join(
            f"<CommentUser><cmtid>{cid}</cmtid><username>{w}</username><nickname>{escape(names.get(w, w))}</nickname>"
            f"<content>{escape(text)}</content><createTime>{ts}</createTime>"
            + (f"<refUserName>{r}</refUserName>" if r else "") + "</CommentUser>"
            for cid, w, ts, text, r in p.comments) + "</CommentUserList>"
    return (f"<TimelineObject><id>{p.id}</id><username>{p.author}</username><createTime>{p.ts}</createTime>"
            f"<contentDescShowType>0</contentDescShowType><contentDescScene>3</contentDescScene>"
            f"<private>{int(p.private)}</private><sightFolded>0</sightFolded>"
            f"<contentDesc>{escape(p.text or '')}</contentDesc>"
            f"<appInfo><id></id><version></version><appName></appName></appInfo>{loc}"
            f"<ContentObject><contentStyle>{style}</contentStyle><title>{escape(title)}</title>"
            f"<description></description><mediaList>{media}</mediaList>"
            f"<contentUrl>{escape(url)}</contentUrl></ContentObject>"
            f"<publicUserName></publicUserName>{social}</TimelineObject>")


def _cache_files(base: Path, p: MPost, image: bytes, thumb: bytes, *, android: bool = False) -> None:
    if p.cached == "none" or p.garbled:
        return
    for mid, t, url, _th in p.media():
        key = url_md5(url)
        if android:
            h = hashlib.md5(mid.encode()).hexdigest()
            folder = base / h[0] / h[1]
            full, small = folder / (("sight_" if t == 6 else "snsb_") + mid), folder / f"snst_{mid}"
        else:
            folder = base / "2026-01"
            full, small = folder / key, folder / f"{key}_t"
        folder.mkdir(parents=True, exist_ok=True)
        if p.cached == "full":
            full.write_bytes(VIDEO if t == 6 else image)
        small.write_bytes(thumb)


# --- PC 3.x -----------------------------------------------------------------------------------

SNS_PC_DDL = [
    "CREATE TABLE FeedsV20 (FeedId INTEGER, CreateTime INTEGER, FaultId INTEGER, Type INTEGER, UserName TEXT, "
    "Status INTEGER, ExtFlag INTEGER, PrivFlag INTEGER, StringId TEXT, Content TEXT, Reserved1 INTEGER, "
    "Reserved2 INTEGER, Reserved3 TEXT, Reserved4 TEXT, Reserved5 INTEGER, Reserved6 TEXT, ExtraBuf BLOB, "
    "Reserved7 BLOB, PRIMARY KEY (FeedId, UserName))",
    "CREATE TABLE CommentV20 (FeedId INTEGER, CommentId INTEGER, Createtime INTEGER, Flag INTEGER, "
    "CommentType INTEGER, CommentFlag INTEGER, Content TEXT, FromUserName TEXT, ClientId INTEGER, ReplyId INTEGER, "
    "ReplyUserName TEXT, DeleteFlag INTEGER, CommentId64 INTEGER, ReplyId64 INTEGER, IsAd INTEGER, "
    "Reserved1 INTEGER, Reserved2 INTEGER, Reserved3 TEXT, Reserved4 TEXT, Reserved5 INTEGER, Reserved6 TEXT, "
    "ExtraBuf BLOB, Reserved7 BLOB, PRIMARY KEY (FeedId, CommentId, CommentType, FromUserName))",
    "CREATE TABLE NotificationV7 (LocalId INTEGER PRIMARY KEY, CreateTime INTEGER, FeedId INTEGER, "
    "FromUserName TEXT, Content TEXT)",
    "CREATE TABLE SnsConfigV20 (Key TEXT PRIMARY KEY, IValue INTEGER, StrValue TEXT, BufValue BLOB)",
    "CREATE TABLE SnsGroupInfoV5 (GroupId INTEGER PRIMARY KEY, GroupName TEXT, UserList TEXT)",
]


def write_pc_sns(root: Path, posts: list[MPost], secret: bytes | None = F.KEY) -> Path:
    """`WeChat Files/<wxid>/Msg/Sns.db` and `FileStorage/Sns/Cache` for `posts`."""
    feeds, comments = [], []
    image, thumb = F.jpeg_bytes((20, 160, 60), (32, 24)), F.jpeg_bytes((20, 60, 160), (8, 6))
    for p in posts:
        fid = signed(p.id)
        feeds.append((fid, p.ts, 0, 1, p.author, 0, 1, 1 if p.private else 0, str(p.id), timeline_xml(p),
                      0, 0, None, None, 0, None, None, None))
        for who, ts in p.likes:
            comments.append((fid, 0, ts, 0, 1, 0, "", who, 0, 0, None, 0, 0, 0, 0, 0, 0, None, None, 0, None, None, None))
        for cid, who, ts, text, reply in p.comments:
            comments.append((fid, cid, ts, 0, 2, 0, text, who, 0, 0, reply, 0, cid, 0, 0, 0, 0, None, None, 0, None,
                             None, None))
        _cache_files(root / "FileStorage" / "Sns" / "Cache", p, image, thumb)
    return F.create_db(root / "Msg" / "Sns.db", "pc", secret, SNS_PC_DDL,
                       {"FeedsV20": feeds, "CommentV20": comments})


# --- Weixin 4 ---------------------------------------------------------------------------------

SNS_V4_DDL = [
    "CREATE TABLE SnsTimeLine (tid INTEGER PRIMARY KEY, user_name TEXT, content TEXT, pack_info_buf BLOB)",
    "CREATE TABLE SnsMessage_tmp3 (local_id INTEGER PRIMARY KEY, create_time INTEGER, type INTEGER, "
    "feed_id INTEGER, from_username TEXT, from_nickname TEXT, content TEXT)",
    "CREATE TABLE SnsUserTimeLineBreakFlagV2 (user_name TEXT PRIMARY KEY, break_flag INTEGER)",
]


def write_v4_sns(root: Path, posts: list[MPost], secret: bytes | None = F.KEY, names: dict[str, str] | None = None,
                 zstd_every: int = 3) -> Path:
    """`db_storage/sns/sns.db` (every `zstd_every`-th post's XML zstd-compressed) and `cache/2026-01/Sns/Img`."""
    rows = []
    image, thumb = F.jpeg_bytes((120, 60, 160), (32, 24)), F.jpeg_bytes((160, 60, 20), (8, 6))
    for i, p in enumerate(posts):
        xml = timeline_xml(p, inline_social=True, names=names)
        content = F.zstd_text(xml) if zstd_every and i % zstd_every == 0 else xml
        rows.append((signed(p.id), p.author, content, None))
        _cache_files(root / "cache" / "2026-01" / "Sns" / "Img", p, image, thumb)
    return F.create_db(root / "db_storage" / "sns" / "sns.db", "v4", secret, SNS_V4_DDL, {"SnsTimeLine": rows})


# --- Android ----------------------------------------------------------------------------------

SNS_ANDROID_DDL = [
    "CREATE TABLE SnsInfo (snsId LONG, userName TEXT, localFlag INT, createTime INT, head INT, localPrivate INT, "
    "type INT, sourceType INT, likeFlag INT, pravited INT, stringSeq TEXT, content BLOB, attrBuf BLOB, "
    "postBuf BLOB, subType INT)",
    "CREATE TABLE SnsComment (snsID LONG, parentID LONG, isRead SHORT default '0', createTime INT, talker TEXT, "
    "type INT, isSend INT, curActionBuf BLOB, refActionBuf BLOB, commentSvrID LONG, clientId TEXT, "
    "commentflag INT, isSilence INT)",
    "CREATE TABLE SnsMedia (local_id INTEGER PRIMARY KEY, type INT, createTime LONG, userName TEXT, "
    "totallen INT, offset INT, local_flag INT, nums INT, upload_buf BLOB)",
]


def _f32(num: int, v: float) -> bytes:
    return bytes([num << 3 | 5]) + struct.pack("<f", v)


def android_content(p: MPost) -> bytes:
    if p.garbled:
        return b"\x0a\xff\xff\xff\xff\x0f" + b"garbage"                       # a length running past the end
    style = {"text": 2, "image": 1, "video": 15, "link": 3}[p.kind]
    media = [encode([(1, mid), (2, t), (6, url), (7, thumb), (8, url_md5(url)), (9, 1080), (10, 1440)])
             for mid, t, url, thumb in p.media()]
    obj: list = [(1, style)]
    if p.link:
        obj += [(2, p.link[1]), (5, p.link[0])]
        media = [encode([(1, "0"), (2, 2), (6, f"http://mmbiz.qpic.cn/cover/{p.n}/0")])]
    obj += [(4, m) for m in media]
    items: list = [(1, str(p.id)), (2, p.author), (3, int(p.private)), (4, p.ts), (5, p.text or "")]
    out = encode(items)
    if p.location:
        poi, addr, city, lat, lon = p.location
        loc = encode([(1, city)]) + _f32(2, lon) + _f32(3, lat) + encode([(4, poi), (5, addr)])
        out += encode([(6, loc)])
    return out + encode([(7, encode(obj))])


def android_attrs(p: MPost, names: dict[str, str]) -> bytes:
    items: list = [(1, p.id), (2, p.author)]
    items += [(9, encode([(1, w), (2, names.get(w, w)), (4, 1), (6, ts)])) for w, ts in p.likes]
    items += [(12, encode([(1, w), (2, names.get(w, w)), (4, 2), (5, text), (6, ts), (7, cid)]
                          + ([(9, r)] if r else []))) for cid, w, ts, text, r in p.comments]
    items += [(24, encode([(1, w)])) for w in p.hidden_from]
    items += [(27, encode([(1, w)])) for w in p.visible_to]
    return encode(items)


def write_android_sns(acct: Path, posts: list[MPost], names: dict[str, str] | None = None,
                      notifications: list[tuple[MPost, int, str, int, str]] = ()) -> Path:
    """`MicroMsg/<hash>/SnsMicroMsg.db` (plain) and `<hash>/sns/`; `notifications` are SnsComment rows
    (post, comment id, who, time, text) for comments the post's own attrBuf does not list yet."""
    names = names or {}
    image, thumb = F.jpeg_bytes((60, 160, 160), (32, 24)), F.jpeg_bytes((160, 160, 20), (8, 6))
    rows = []
    for p in posts:
        rows.append((signed(p.id), p.author, 0, p.ts, 0, int(p.private), 1, 0, 0, int(p.private), str(p.id),
                     android_content(p), android_attrs(p, names), None, 0))
        _cache_files(acct / "sns", p, image, thumb, android=True)
    comments = [(signed(p.id), 0, 0, ts, who, 2, 0,
                 encode([(1, who), (2, p.author), (3, names.get(who, who)), (5, 2), (7, ts), (8, text), (10, cid)]),
                 None, cid, None, 0, 0) for p, cid, who, ts, text in notifications]
    return F.create_db(acct / "SnsMicroMsg.db", None, None, SNS_ANDROID_DDL,
                       {"SnsInfo": rows, "SnsComment": comments})


# --- a small account's Moments with every content type -----------------------------------------

FRIENDS = ("wxid_alice", "wxid_bob", "wxid_carol")


def sample_posts() -> list[MPost]:
    t = F.T0 + 86_400
    a, b, c = FRIENDS
    return [
        MPost(1, F.ME, t + 10, "第一条朋友圈 first post", likes=[(a, t + 20), (b, t + 21)],
              comments=[(9001, a, t + 30, "好看！", None), (9002, F.ME, t + 40, "谢谢", a)]),
        MPost(2, a, t + 100, "three photos from the hike", kind="image", images=3,
              location=("外滩", "中山东一路", "上海", 31.2397, 121.4905), comments=[(9003, b, t + 110, "where?", None)]),
        MPost(3, b, t + 200, "a video", kind="video", cached="thumb"),
        MPost(4, c, t + 300, "worth reading", kind="link",
              link=("https://mp.weixin.qq.com/s/abcDEF123", "十个关于归档的故事")),
        MPost(5, F.ME, t + 400, "only for me", private=True, kind="image", images=1, cached="none",
              visible_to=[a], hidden_from=[b]),
        MPost(6, a, t + 500, "nine photos", kind="image", images=9),
        MPost(7, b, t + 600, garbled=True),
    ]


# --- the account: 1,000 posts, 300 with pictures, 20 friends ----------------------------

BIG_FRIENDS = tuple(f"wxid_friend{i:02d}" for i in range(20))


def big_posts(state: int) -> list[MPost]:
    """State 1: 1,000 posts by me and 20 friends (300 with 1–9 pictures, a few cached), each friend
    liking and commenting. State 2: the same account later, 50 of those posts deleted (each inside
    its author's run of posts, so the later cache really dropped it) and 5 new ones."""
    authors = (F.ME, *BIG_FRIENDS)
    posts = []
    for n in range(1000):
        author = authors[n % len(authors)]
        ts = F.T0 + 3600 * n
        images = 1 + n % 9 if n % 10 < 3 else 0
        likers = [BIG_FRIENDS[(n + k) % 20] for k in range(n % 4)]
        talkers = [BIG_FRIENDS[(n * 7 + k) % 20] for k in range(n % 3)]
        posts.append(MPost(
            n, author, ts, f"post {n} 第{n}条", kind="image" if images else "text", images=images,
            likes=[(w, ts + 60 + k) for k, w in enumerate(likers)],
            comments=[(100_000 + n * 10 + k, w, ts + 120 + k, f"comment {k} on {n}", None) for k, w in enumerate(talkers)],
            cached="full" if images and n % 50 == 0 else "none"))
    if state == 2:
        gone = set(deleted_in_state2())
        posts = [p for p in posts if p.n not in gone]
        posts += [MPost(1000 + k, BIG_FRIENDS[k], F.T0 + 3600 * (1000 + k), f"new post {k}") for k in range(5)]
    return posts


def deleted_in_state2() -> list[int]:
    """50 post indexes, none the first or the last post of its author."""
    return [25 + 19 * k for k in range(50)]
