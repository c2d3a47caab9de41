"""Read one account's favorites database: PC 3.x `Favorite.db`, Weixin 4 `favorite.db`, Android `enFavorite.db`.

Each reader turns rows into `FavEntry`s (parse.py) and those into records (records.py): the feed
conversation first, then one message per favorite. An item whose XML cannot be read (and that has
no parts to fall back on) becomes an `Unparsed` record in the feed, kept verbatim.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

from chatvault.errors import InputError
from chatvault.importers.wechat import content as C
from chatvault.importers.wechat import dbopen
from chatvault.importers.wechat.common import Directory
from chatvault.importers.wechat.favorites.media import FavCache, attachment
from chatvault.importers.wechat.favorites.parse import (
    FavEntry,
    FavPart,
    FavSource,
    FavUnreadable,
    parse_favitem,
)
from chatvault.importers.wechat.favorites.records import FEED_KEY, entry_message, feed_conversation
from chatvault.jobs.context import JobContext
from chatvault.model import Record, Unparsed

Opener = Callable[[Path], Any]          # opens a WeChat database (decrypting it), returns a connection


def _seconds(v: Any) -> int | None:
    """A time column in seconds (Android and some Weixin 4 builds write milliseconds)."""
    try:
        n = int(v or 0)
    except (TypeError, ValueError):
        return None
    if n > 100_000_000_000:
        n //= 1000
    return n or None


def _open(open_db: Opener, src: Path, table: str) -> tuple[Any, Unparsed | None]:
    """(connection, None), or (None, an `Unparsed` saying why) when the favorites database cannot be
    read: the chats of the account are imported all the same, and the run counts as damaged, so the
    favorites it could not read are not taken for deleted ones."""
    try:
        conn = open_db(src)
        dbopen.require_table(conn, table, src)
    except InputError as exc:
        return None, Unparsed(raw="", location=str(src), reason=f"favorites not read: {exc.message}",
                              conversation_key=None)
    return conn, None


def _text(v: Any) -> str | None:
    if v is None:
        return None
    if isinstance(v, (bytes, bytearray, memoryview)):
        return C.maybe_zstd(bytes(v))
    return str(v)


def _entries(d: Directory, cache: FavCache, variant: str, rows: Iterator[tuple[FavEntry | None, str, str, str]],
             ctx: JobContext) -> Iterator[Record]:
    """Records from (entry or None, raw XML, reason, location) tuples."""
    yield feed_conversation(d)

    def media(entry: FavEntry, part: FavPart, index: int):
        return attachment(cache, entry, part, index)

    for n, (entry, raw, reason, where) in enumerate(rows):
        if n % 500 == 0:
            ctx.check()
        if entry is None:
            yield Unparsed(raw=(raw or "")[:20000], location=where, reason=reason, conversation_key=FEED_KEY)
            continue
        yield entry_message(entry, d, where, media, variant)


def _parse(xml: str | None, local_id: int, ftype: Any, updated: int | None, where: str,
           fallback_parts: list[FavPart] | None = None) -> tuple[FavEntry | None, str, str, str]:
    try:
        entry = parse_favitem(xml, local_id, int(ftype or 0) or None, updated)
    except FavUnreadable as exc:
        if not fallback_parts:
            return None, xml or "", f"favorite {local_id}: {exc}", where
        entry = FavEntry(local_id=local_id, type=int(ftype or 0), updated=updated, parts=fallback_parts)
    if entry.updated is None:
        entry.updated = updated
    return entry, "", "", where


def _fill_source(entry: FavEntry, chat: Any, sender: Any) -> None:
    """The row's own columns fill what the XML leaves out."""
    if chat and not entry.source.chat:
        entry.source.chat = str(chat)
    if sender and not entry.source.sender and str(sender) != entry.source.chat:
        entry.source.sender = str(sender)


# --- PC 3.x --------------------------------------------------------------------------------

_PC_PART_COLS = ("FavLocalID", "Type", "DataId", "Datafmt", "Datatitle", "Datadesc", "Thumbfullmd5", "fullmd5",
                 "fullsize", "duration", "sourcethumbpath", "sourcedatapath")


def _pc_parts(conn) -> dict[int, list[FavPart]]:
    out: dict[int, list[FavPart]] = {}
    if "FavDataItem" not in dbopen.tables(conn):
        return out
    sel = dbopen.select_list(conn, "FavDataItem", _PC_PART_COLS)
    order = "RecId" if "RecId" in dbopen.columns(conn, "FavDataItem") else "rowid"
    for fav, dtype, did, fmt, title, desc, tmd5, fmd5, size, dur, tpath, dpath in conn.execute(
            f"SELECT {sel} FROM FavDataItem ORDER BY {order}"):
        if fav is None:
            continue
        out.setdefault(int(fav), []).append(FavPart(
            datatype=int(dtype or 0), data_id=did or None, fmt=(str(fmt or "").lower().lstrip(".") or None),
            title=title or None, desc=desc or None, thumb_md5=(str(tmd5 or "").lower() or None),
            full_md5=(str(fmd5 or "").lower() or None), size=int(size) if size else None,
            duration=int(dur) if dur else None, thumb_path=tpath or None, data_path=dpath or None))
    return out


def _merge_parts(entry: FavEntry, rows: list[FavPart]) -> None:
    """Fill the XML's parts from their `FavDataItem` rows (same data id); rows alone when the XML has none."""
    if not entry.parts:
        entry.parts = list(rows)
        return
    by_id = {r.data_id: r for r in rows if r.data_id}
    for p in entry.parts:
        r = by_id.get(p.data_id)
        if r is None:
            continue
        for name in ("fmt", "title", "desc", "thumb_md5", "full_md5", "size", "duration", "thumb_path", "data_path"):
            if getattr(p, name) in (None, "") and getattr(r, name) not in (None, ""):
                setattr(p, name, getattr(r, name))


def _tags(conn, tag_table: str, tag_cols: tuple[str, str], bind_table: str, bind_cols: tuple[str, str]) -> dict[int, list[str]]:
    tabs = dbopen.tables(conn)
    if tag_table not in tabs or bind_table not in tabs:
        return {}
    names = {int(i): str(n) for i, n in conn.execute(f"SELECT {tag_cols[0]}, {tag_cols[1]} FROM {tag_table}")
             if i is not None and n}
    out: dict[int, list[str]] = {}
    for fav, tag in conn.execute(f"SELECT {bind_cols[0]}, {bind_cols[1]} FROM {bind_table} ORDER BY rowid"):
        if fav is not None and tag is not None and int(tag) in names:
            out.setdefault(int(fav), []).append(names[int(tag)])
    return out


def read_pc(root: Path, d: Directory, open_db: Opener, ctx: JobContext) -> Iterator[Record]:
    """`Msg/Favorite.db` of a PC 3.x account folder (nothing when the account has none)."""
    src = root / "Msg" / "Favorite.db"
    if not src.is_file():
        return
    ctx.status("Reading favorites")
    conn, failed = _open(open_db, src, "FavItems")
    if failed is not None:
        yield failed
        return
    parts = _pc_parts(conn)
    tags = _tags(conn, "FavTagDatas", ("LocalID", "TagName"), "FavBindTagDatas", ("FavLocalID", "TagLocalID"))
    sel = dbopen.select_list(conn, "FavItems", ("FavLocalID", "SvrFavId", "Type", "FromUser", "RealChatName",
                                                "UpdateTime", "XmlBuf"))
    cache = FavCache(root, "FileStorage/Fav", "FileStorage/Fav/Data/…/{id}{fmt}")

    def rows() -> Iterator[tuple[FavEntry | None, str, str, str]]:
        for lid, svr, ftype, chat, sender, updated, xml in conn.execute(f"SELECT {sel} FROM FavItems ORDER BY FavLocalID"):
            where = f"{src.name}#FavLocalID={lid}"
            got = _parse(_text(xml), int(lid), ftype, _seconds(updated), where, parts.get(int(lid)))
            entry = got[0]
            if entry is not None:
                _merge_parts(entry, parts.get(int(lid), []))
                _fill_source(entry, chat, sender)
                entry.server_id = int(svr) if svr else None
                entry.tags = list(dict.fromkeys([*entry.tags, *tags.get(int(lid), [])]))
            yield got

    yield from _entries(d, cache, "pc", rows(), ctx)


# --- Weixin 4 ------------------------------------------------------------------------------

def read_weixin4(root: Path, d: Directory, open_db: Opener, ctx: JobContext, *, image_key: bytes | None = None,
                 xor_key: int | None = None) -> Iterator[Record]:
    """`db_storage/favorite/favorite.db` of a Weixin 4 account folder."""
    src = root / "db_storage" / "favorite" / "favorite.db"
    if not src.is_file():
        return
    ctx.status("Reading favorites")
    conn, failed = _open(open_db, src, "fav_db_item")
    if failed is not None:
        yield failed
        return
    tabs = dbopen.tables(conn)
    tags = _tags(conn, "fav_tag_db_item", ("local_id", "name"), "fav_bind_tag_db_item", ("fav_local_id", "tag_local_id"))
    ids: dict[int, str] = {}
    if "Name2Id" in tabs:      # fromusr_id / realchatname_id of builds that leave the names out
        ids = {int(r): str(u) for r, u in conn.execute("SELECT rowid, user_name FROM Name2Id") if u}
    sel = dbopen.select_list(conn, "fav_db_item", ("local_id", "server_id", "type", "update_time", "content",
                                                   "fromusr", "fromusr_id", "realchatname", "realchatname_id"))
    cache = FavCache(root, "business/favorite", "business/favorite/data/…/{id}", image_key=image_key, xor_key=xor_key)

    def rows() -> Iterator[tuple[FavEntry | None, str, str, str]]:
        for lid, svr, ftype, updated, content, chat, chat_id, sender, sender_id in conn.execute(
                f"SELECT {sel} FROM fav_db_item ORDER BY local_id"):
            where = f"{src.name}#local_id={lid}"
            got = _parse(_text(content), int(lid), ftype, _seconds(updated), where)
            if got[0] is not None:
                _fill_source(got[0], chat or ids.get(chat_id or -1), sender or ids.get(sender_id or -1))
                got[0].server_id = int(svr) if svr else None
                got[0].tags = list(dict.fromkeys([*got[0].tags, *tags.get(int(lid), [])]))
            yield got

    yield from _entries(d, cache, "weixin4", rows(), ctx)


# --- Android -------------------------------------------------------------------------------

def read_android(acct: Path, d: Directory, open_db: Opener, ctx: JobContext) -> Iterator[Record]:
    """`enFavorite.db` next to EnMicroMsg.db (the same key), files under the account's `favorite/`."""
    src = acct / "enFavorite.db"
    if not src.is_file():
        return
    ctx.status("Reading favorites")
    conn, failed = _open(open_db, src, "FavItemInfo")
    if failed is not None:
        yield failed
        return
    sel = dbopen.select_list(conn, "FavItemInfo", ("localId", "id", "type", "updateTime", "xml", "fromUser",
                                                   "realChatName", "sourceCreateTime"))
    cache = FavCache(acct, "favorite", "favorite/…/{id}{fmt}")

    def rows() -> Iterator[tuple[FavEntry | None, str, str, str]]:
        for lid, svr, ftype, updated, xml, chat, sender, created in conn.execute(
                f"SELECT {sel} FROM FavItemInfo ORDER BY localId"):
            where = f"{src.name}#localId={lid}"
            got = _parse(_text(xml), int(lid), ftype, _seconds(updated), where)
            if got[0] is not None:
                _fill_source(got[0], chat, sender)
                got[0].server_id = int(svr) if svr else None
                if not got[0].source.ts:
                    got[0].source = FavSource(**{**got[0].source.__dict__, "ts": _seconds(created)})
            yield got

    yield from _entries(d, cache, "android", rows(), ctx)
