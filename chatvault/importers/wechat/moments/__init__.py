"""Moments (朋友圈) of a WeChat account, read from the account folder the chat importers already read.

Each importer adds one call at the end of its read: `read_pc` (PC 3.x `Msg/Sns.db`: `FeedsV20` +
`CommentV20`), `read_v4` (Weixin 4 `db_storage/sns/sns.db`: `SnsTimeLine`, likes and comments inside
the XML) and `read_android` (`SnsMicroMsg.db`: `SnsInfo` protobuf + `SnsComment`). They yield one
feed conversation (`feed='moments'`, key `@moments`) and the posts and comments in it
(`post.records`). A post that cannot be read becomes an `Unparsed` record; a Moments database that
cannot be opened at all is a warning, never the end of the chat import (docs/wechat.md, "Moments").
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

from chatvault.errors import InputError
from chatvault.importers.wechat import dbopen
from chatvault.importers.wechat.common import Directory
from chatvault.importers.wechat.content import maybe_zstd
from chatvault.importers.wechat.moments import pbpost
from chatvault.importers.wechat.moments.cache import MediaCache
from chatvault.importers.wechat.moments.post import MOMENTS_KEY, Comment, Like, Post, post_id, records
from chatvault.importers.wechat.moments.xmlpost import BadPost, parse_timeline
from chatvault.jobs.context import JobContext
from chatvault.model import ConversationKind, ConversationRec, Feed, ImportWarning, Record, Unparsed

__all__ = ["MOMENTS_KEY", "read_android", "read_pc", "read_v4"]

Opener = Callable[[Path], Any]        # a Moments database path → an open, checked connection


def _conversation(d: Directory) -> ConversationRec:
    return ConversationRec(key=MOMENTS_KEY, title="Moments", kind=ConversationKind.CHANNEL,
                           participants=[d.participant(d.me)], extra={"wechat_feed": "moments"},
                           feed=Feed.MOMENTS)


def _open(src: Path, open_db: Opener) -> tuple[Any, ImportWarning | None]:
    try:
        return open_db(src), None
    except InputError as exc:
        return None, ImportWarning(f"Moments were not imported: {exc.message}", str(src))


def _unparsed(raw: Any, where: str, why: str) -> Unparsed:
    text = raw.decode("utf-8", "replace") if isinstance(raw, bytes) else str(raw)
    if isinstance(raw, bytes) and "\ufffd" in text:
        text = raw.hex()
    return Unparsed(raw=text[:4000], location=where, reason=f"Moments post: {why}", conversation_key=MOMENTS_KEY)


def read_pc(root: Path, open_db: Opener, d: Directory, ctx: JobContext) -> Iterator[Record]:
    """`WeChat Files/<wxid>/Msg/Sns.db`; pictures from `FileStorage/Sns/Cache`."""
    src = root / "Msg" / "Sns.db"
    if not src.is_file():
        return
    conn, warn = _open(src, open_db)
    if conn is None:
        yield warn
        return
    tabs = dbopen.tables(conn)
    if "FeedsV20" not in tabs:
        yield ImportWarning("Sns.db has no FeedsV20 table: no Moments were imported from it.", str(src))
        return
    ctx.status("Reading Moments")
    yield _conversation(d)
    cache = MediaCache(root, [root / "FileStorage" / "Sns"], "FileStorage/Sns/Cache/…")
    csel = None
    if "CommentV20" in tabs:
        csel = dbopen.select_list(conn, "CommentV20", ("CommentId", "CommentId64", "Createtime", "CommentType",
                                                       "Content", "FromUserName", "ReplyId", "ReplyId64",
                                                       "ReplyUserName", "DeleteFlag"))
    sel = dbopen.select_list(conn, "FeedsV20", ("FeedId", "CreateTime", "UserName", "PrivFlag", "Content"))
    cur = conn.execute(f"SELECT {sel} FROM FeedsV20 ORDER BY rowid")
    for rows in dbopen.batches(cur, ctx, 500):
        for feed_id, ctime, user, priv, content in rows:
            where = f"Sns.db#FeedId={feed_id}"
            try:
                post = parse_timeline(content if isinstance(content, str) else maybe_zstd(content),
                                      author=user, fallback_id=post_id(feed_id), fallback_ts=ctime)
            except BadPost as exc:
                yield _unparsed(content, where, str(exc))
                continue
            if priv:
                post.extra["priv_flag"] = int(priv)
            if csel is not None:
                _pc_social(conn, csel, feed_id, post)
            yield from records(post, d, cache.resolve, where)


def _pc_social(conn: Any, sel: str, feed_id: Any, post: Post) -> None:
    """CommentV20 rows of one feed: CommentType 1 a like, 2 a comment; DeleteFlag set = deleted."""
    for cid, cid64, ts, ctype, text, who, rid, rid64, ruser, deleted in conn.execute(
            f"SELECT {sel} FROM CommentV20 WHERE FeedId = ? ORDER BY Createtime", (feed_id,)):
        if not who or deleted:
            continue
        if ctype == pbpost.LIKE:
            post.likes.append(Like(author=str(who), ts=ts))
        else:
            reply = rid64 or rid
            post.comments.append(Comment(author=str(who), ts=int(ts or 0), text=text, id=str(cid64 or cid or "") or None,
                                         reply_to_user=str(ruser) if ruser else None,
                                         reply_to_comment=str(reply) if reply else None))


def read_v4(root: Path, open_db: Opener, d: Directory, ctx: JobContext) -> Iterator[Record]:
    """`db_storage/sns/sns.db`; pictures from the account's `cache/<month>/Sns` folders."""
    src = root / "db_storage" / "sns" / "sns.db"
    if not src.is_file():
        return
    conn, warn = _open(src, open_db)
    if conn is None:
        yield warn
        return
    if "SnsTimeLine" not in dbopen.tables(conn):
        yield ImportWarning("sns.db has no SnsTimeLine table: no Moments were imported from it.", str(src))
        return
    ctx.status("Reading Moments")
    yield _conversation(d)
    bases = sorted(p / "Sns" for p in (root / "cache").glob("*") if (p / "Sns").is_dir()) \
        if (root / "cache").is_dir() else []
    cache = MediaCache(root, bases, "cache/<month>/Sns/…")
    sel = dbopen.select_list(conn, "SnsTimeLine", ("tid", "user_name", "content"))
    cur = conn.execute(f"SELECT {sel} FROM SnsTimeLine ORDER BY rowid")
    for rows in dbopen.batches(cur, ctx, 500):
        for tid, user, content in rows:
            where = f"sns.db:SnsTimeLine#tid={tid}"
            try:
                post = parse_timeline(maybe_zstd(content), author=user, fallback_id=post_id(tid))
            except BadPost as exc:
                yield _unparsed(content, where, str(exc))
                continue
            yield from records(post, d, cache.resolve, where)


def read_android(acct: Path, open_db: Opener, d: Directory, ctx: JobContext) -> Iterator[Record]:
    """`MicroMsg/<hash>/SnsMicroMsg.db` (plain SQLite on most phones); pictures from `<hash>/sns/`."""
    src = acct / "SnsMicroMsg.db"
    if not src.is_file():
        return
    conn, warn = _open(src, open_db)
    if conn is None:
        yield warn
        return
    tabs = dbopen.tables(conn)
    if "SnsInfo" not in tabs:
        yield ImportWarning("SnsMicroMsg.db has no SnsInfo table: no Moments were imported from it.", str(src))
        return
    ctx.status("Reading Moments")
    yield _conversation(d)
    cache = MediaCache(acct, [acct / "sns"], "sns/…")
    extra_social = _android_comments(conn) if "SnsComment" in tabs else {}
    sel = dbopen.select_list(conn, "SnsInfo", ("snsId", "userName", "createTime", "content", "attrBuf"))
    cur = conn.execute(f"SELECT {sel} FROM SnsInfo ORDER BY rowid")
    for rows in dbopen.batches(cur, ctx, 500):
        for sns_id, user, ctime, content, attrs in rows:
            where = f"SnsMicroMsg.db#snsId={sns_id}"
            pid = post_id(sns_id)
            if pid is None:
                continue        # an upload not yet sent (snsId 0): WeChat has no post for it yet
            try:
                post = pbpost.parse_content(content, fallback_id=pid, author=user, fallback_ts=ctime)
                pbpost.apply_attrs(post, attrs)
            except BadPost as exc:
                yield _unparsed(content, where, str(exc))
                continue
            _merge(post, extra_social.get(pid, []))
            yield from records(post, d, cache.resolve, where)


def _android_comments(conn: Any) -> dict[str, list[Comment | Like]]:
    sel = dbopen.select_list(conn, "SnsComment", ("snsID", "talker", "type", "createTime", "curActionBuf",
                                                  "commentSvrID"))
    out: dict[str, list[Comment | Like]] = {}
    for sns, talker, kind, ts, buf, svr in conn.execute(f"SELECT {sel} FROM SnsComment"):
        pid = post_id(sns)
        if pid is None:
            continue
        try:
            item = pbpost.action(buf, talker, kind, ts, svr)
        except BadPost:
            item = None
        if item is not None:
            out.setdefault(pid, []).append(item)
    return out


def _merge(post: Post, items: list[Comment | Like]) -> None:
    """Comments and likes from `SnsComment` that the post's own list lacks (by comment id / liker)."""
    have_c = {c.id for c in post.comments if c.id} | {(c.author, c.ts) for c in post.comments}
    have_l = {lk.author for lk in post.likes}
    for item in items:
        if isinstance(item, Like):
            if item.author not in have_l:
                have_l.add(item.author)
                post.likes.append(item)
        elif (item.id not in have_c if item.id else True) and (item.author, item.ts) not in have_c:
            have_c.add(item.id or (item.author, item.ts))
            post.comments.append(item)
