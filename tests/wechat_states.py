"""One WeChat account in two states, for imports across time (PC 3.x, Weixin 4, Android).

State 1 is what a first import reads. State 2 is the same account later, written over the same
folder: Alice recalled "secret plan at 9", I recalled "oops wrong chat", Bob recalled his group
message, Bob is no longer a friend (gone from the contact database, still in the group), Carol's
remark changed, the group was renamed, a group without a name got one, another group's contact row
went away (its roster stays), and new messages arrived. A recall notice Alice sent before
the first import is in both states. Built with `wechat_fixtures`' real encrypted databases.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from pathlib import Path

from tests import wechat_favorites as W
from tests import wechat_fixtures as F

ME, ALICE, BOB, CAROL, ROOM = F.ME, "wxid_alice", "wxid_bob", "wxid_carol", "room7@chatroom"
UNNAMED = "room8@chatroom"     # no name in state 1 (titled by its members), named "Book club" in state 2
FORGOTTEN = "room9@chatroom"   # "Old friends" in state 1; its contact row is gone in state 2, the roster stays
BOB_AVATAR = "https://wx.qlogo.cn/mmhead/ver_1/bob/132"
T = F.T0
ALICE_RECALL = '"Alice R" 撤回了一条消息'
MY_RECALL = "你撤回了一条消息"
BOB_RECALL = '"Bob" 撤回了一条消息'


@dataclass(frozen=True)
class Msg:
    talker: str
    svrid: int
    sender: str
    type: int
    text: str
    ts: int


def contacts(state: int) -> list[tuple[str, str | None, str | None, str | None, str | None]]:
    """(wxid, alias, remark, nickname, avatar url) as the contact database has them in `state`."""
    rows = [(ME, "me_alias", None, "Me Myself", None),
            (ALICE, "alice01", "Alice R", "Alice", None),
            (BOB, None, None, "Bob", BOB_AVATAR),
            (CAROL, None, "Carol Old" if state == 1 else "Carol New", "Carol", None),
            (ROOM, None, None, "Hiking group" if state == 1 else "Climbing club", None),
            (UNNAMED, None, None, None if state == 1 else "Book club", None),
            (FORGOTTEN, None, None, "Old friends", None)]
    return [r for r in rows if not (state == 2 and r[0] in (BOB, FORGOTTEN)) and (r[2] or r[3])]


ROSTER = {ME: "", ALICE: "", BOB: ""}
ROOMS = {ROOM: ROSTER, UNNAMED: {ME: "", ALICE: "", CAROL: ""}, FORGOTTEN: {ME: "", ALICE: "", CAROL: ""}}


def messages(state: int) -> list[Msg]:
    later = state == 2
    out = [
        Msg(ALICE, 3101, ALICE, 1, "hello from alice", T + 1),
        Msg(ALICE, 3102, ME, 1, "hi alice", T + 2),
        Msg(ALICE, 3103, ALICE, 10000, ALICE_RECALL, T + 3) if later else Msg(ALICE, 3103, ALICE, 1, "secret plan at 9", T + 3),
        Msg(ALICE, 3104, ME, 10000, MY_RECALL, T + 4) if later else Msg(ALICE, 3104, ME, 1, "oops wrong chat", T + 4),
        Msg(ALICE, 3105, ALICE, 10000, ALICE_RECALL, T + 5),          # recalled before the first import
        Msg(BOB, 3201, BOB, 1, "bob says hi", T + 10),
        Msg(BOB, 3202, ME, 1, "hey bob", T + 11),
        Msg(CAROL, 3301, CAROL, 1, "carol here", T + 20),
        Msg(ROOM, 3401, BOB, 10000, BOB_RECALL, T + 30) if later else Msg(ROOM, 3401, BOB, 1, "group hello", T + 30),
        Msg(ROOM, 3402, ALICE, 1, "alice in group", T + 31),
        Msg(ROOM, 3403, ME, 1, "me in group", T + 32),
        Msg(UNNAMED, 3501, ALICE, 1, "which book next", T + 33),
        Msg(FORGOTTEN, 3601, ALICE, 1, "remember the old days", T + 34),
    ]
    if later:
        out += [Msg(ALICE, 3106, ALICE, 1, "after the recall", T + 40),
                Msg(ROOM, 3404, BOB, 1, "bob still in the group", T + 41)]
    return out


FAV_DELETED = (1, 10, 30)      # favorites gone in state 2: the oldest, one in the middle, the newest


def favorites(state: int, n: int = 30) -> list[W.Fav]:
    """The account's Favorites in `state`: `n` of every type; in state 2 three were deleted and one added."""
    favs = W.catalogue(n)
    if state == 2:
        favs = [f for f in favs if f.local_id not in FAV_DELETED] + [W.one("note", n + 1)]
    return favs


# --- WeChat for Windows 3.x --------------------------------------------------------------------

def write_pc(base: Path, state: int, *, favs: list[W.Fav] | None = None) -> Path:
    """WeChat Files/wxid_me in `state` (with `favs` as its Favorite.db); returns the account folder."""
    root = base / "WeChat Files" / ME
    if favs is not None:
        W.write_pc(root, favs)
    msgs = []
    for m in messages(state):
        group = m.talker.endswith("@chatroom")
        extra = F.bytes_extra(sender=m.sender if group and m.sender != ME and m.type == 1 else None)
        msgs.append(F.PCMsg(m.talker, m.svrid, m.type, m.text, is_sender=int(m.sender == ME), ts=m.ts, extra=extra))
    F.write_pc_msgs(root / "Msg" / "Multi" / "MSG0.db", msgs, F.KEY)
    rows = []
    for wxid, alias, remark, nick, avatar in contacts(state):
        row = list(F.contact_row(wxid, alias, remark, nick))
        row[19] = avatar                      # BigHeadImgUrl
        rows.append(tuple(row))
    F.create_db(root / "Msg" / "MicroMsg.db", "pc", F.KEY, F.PC_MICRO_DDL, {
        "Contact": rows,
        "ChatRoom": [(room, "^G".join(roster), None, 0, 0, 1, None, 0, None, 0, None, 0, None, F.room_data(roster),
                      0, None) for room, roster in ROOMS.items()]})
    return root


# --- Weixin 4.x ----------------------------------------------------------------------------------

def _v4_revoke(svrid: int, text: str) -> str:
    return (f'<sysmsg type="revokemsg"><revokemsg><newmsgid>{svrid}</newmsgid>'
            f'<replacemsg><![CDATA[{text}]]></replacemsg></revokemsg></sysmsg>')


def write_v4(base: Path, state: int, *, favs: list[W.Fav] | None = None) -> Path:
    """xwechat_files/wxid_me_1a2b in `state` (with `favs` as its favorite.db). Weixin 4 writes Alice's
    recall as a 10002 `revokemsg` in place; the others as 10000 text, so both spellings are read."""
    root = base / "xwechat_files" / F.V4_ACCOUNT
    if favs is not None:
        W.write_v4(root, favs)
    users = [ME, ALICE, BOB, CAROL, ROOM, UNNAMED, FORGOTTEN]
    sid = {u: i + 1 for i, u in enumerate(users)}
    tables: dict[str, list[tuple]] = {}
    for m in messages(state):
        table = "Msg_" + hashlib.md5(m.talker.encode()).hexdigest()
        rows = tables.setdefault(table, [])
        mtype, text = m.type, m.text
        if m.svrid == 3103 and mtype == 10000:
            mtype, text = 10002, _v4_revoke(m.svrid, m.text)
        if m.talker.endswith("@chatroom") and mtype == 1 and m.sender != ME:
            text = f"{m.sender}:\n{text}"
        rows.append((len(rows) + 1, m.svrid, mtype, m.ts * 1000, sid[m.sender], m.ts, 2, 0, 0, 0, 0, None, text,
                     None, None, 0, 0))
    ddl = ["CREATE TABLE Name2Id (user_name TEXT PRIMARY KEY, is_session INTEGER)"]
    for t in tables:
        ddl += F.v4_msg_ddl(t)
    db = root / "db_storage"
    F.create_db(db / "message" / "message_0.db", "v4", F.KEY, ddl, {"Name2Id": [(u, 1) for u in users], **tables})
    people = contacts(state)
    F.create_db(db / "contact" / "contact.db", "v4", F.KEY, F.V4_CONTACT_DDL, {
        "contact": [(i + 1, c[0], 1, c[1], None, 0, 0, 0, c[2], None, None, c[3], None, None, c[4], None, None, 0, 0,
                     None, None, 0) for i, c in enumerate(people)],
        "chat_room": [(i + 1, room, ME, F.room_data(roster)) for i, (room, roster) in enumerate(ROOMS.items())],
        "chatroom_member": [(r + 1, i + 1) for r, roster in enumerate(ROOMS.values())
                            for i, c in enumerate(people) if c[0] in roster]})
    return root


# --- WeChat for Android --------------------------------------------------------------------------

IMG_FLAG_DDL = ("CREATE TABLE img_flag (username TEXT PRIMARY KEY, imgflag INT, lastupdatetime INT, reserved1 TEXT, "
                "reserved2 TEXT, reserved3 INT, reserved4 INT)")


def write_android(base: Path, state: int, *, favs: list[W.Fav] | None = None) -> Path:
    """com.tencent.mm with EnMicroMsg.db (and `favs` as enFavorite.db) in `state`; returns the app folder."""
    app = base / "com.tencent.mm"
    acct = app / "MicroMsg" / hashlib.md5(f"mm{F.UIN}".encode()).hexdigest()
    if favs is not None:
        W.write_android(acct, favs)
    (app / "shared_prefs").mkdir(parents=True, exist_ok=True)
    (app / "shared_prefs" / "system_config_prefs.xml").write_text(
        f"<?xml version='1.0' encoding='utf-8' standalone='yes' ?>\n<map>\n"
        f'    <int name="default_uin" value="{F.UIN}" />\n</map>\n')
    rows = []
    for i, m in enumerate(messages(state), 1):
        text = m.text
        if m.talker.endswith("@chatroom") and m.type == 1 and m.sender != ME:
            text = f"{m.sender}:\n{text}"
        rows.append((i, m.svrid, m.type, 3, int(m.sender == ME), 0, m.ts * 1000, m.talker, text, None, None, None,
                     None, None, 0, None, -1, None, 0, 0))
    people = contacts(state)
    F.create_db(acct / F.DB_NAME_ANDROID, "android", F.android_db_key().encode(), [*F.ANDROID_DDL, IMG_FLAG_DDL], {
        "message": rows,
        "rcontact": [(c[0], c[1], c[2] or "", None, c[3], None, None, 0, 3, 0, None, None, None, None, 0, None, 0, 0,
                      None) for c in people],
        "chatroom": [(room, T, ";".join(roster), "", None, 0, ME, F.room_data(roster), 1, None, 0, 0, T, None)
                     for room, roster in ROOMS.items()],
        "userinfo": [(2, 3, ME), (4, 3, "Me Myself")],
        "img_flag": [(c[0], 3, T, c[4], None, 0, 0) for c in people if c[4]]})
    return app


WRITERS = {"wechat-pc": (write_pc, {"key": F.KEY_HEX}),
           "weixin4": (write_v4, {"key": F.KEY_HEX}),
           "wechat-android": (write_android, {"imei": F.IMEI})}
