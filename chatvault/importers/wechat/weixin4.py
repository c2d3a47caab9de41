"""Weixin 4.x for Windows/macOS: `xwechat_files/<wxid>_<suffix>/db_storage/…` and `msg/…` media."""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterator
from pathlib import Path

from chatvault.errors import InputError
from chatvault.importers.base import Detection, Importer, ImportOptions
from chatvault.importers.wechat import content as C
from chatvault.importers.wechat import dbopen, favorites, moments, proto
from chatvault.importers.wechat.common import (
    APP,
    Contact,
    Directory,
    accounts_under,
    bytes_opener,
    file_ref,
    in_place_recall,
    make_message,
    numbered_files,
    one_account,
    safe_join,
    stable_id,
    ts_utc,
)
from chatvault.importers.wechat.dat import NEEDS_IMAGE_KEY, WRONG_IMAGE_KEY, learn_xor_byte, parse_image_key
from chatvault.importers.wechat.levels import file_level, graded, is_thumbnail_name, media_key
from chatvault.importers.wechat.vetted import VettedFolder
from chatvault.jobs.context import JobContext
from chatvault.model import (
    AttachmentRef,
    AttachmentStatus,
    ImportWarning,
    MediaQuality,
    MessageKind,
    Record,
    SourceRec,
)

_MSG_RE = re.compile(r"^message_(\d+)\.db$")
_MEDIA_RE = re.compile(r"^media_(\d+)\.db$")
_TABLE_RE = re.compile(r"^Msg_[0-9a-f]{32}$")
_SUFFIX_RE = re.compile(r"_[0-9a-f]{4}$")


def find_account_root(path: Path) -> Path | None:
    try:
        if path.is_file():
            if _MSG_RE.match(path.name) and path.parent.name == "message" and path.parent.parent.name == "db_storage":
                return path.parent.parent.parent
            return None
        if (path / "db_storage" / "message").is_dir():
            return path
        if path.name == "db_storage" and (path / "message").is_dir():
            return path.parent
    except OSError:
        return None
    return None


def _accounts_under(path: Path) -> list[Path]:
    return accounts_under(path, "db_storage", "message")


def wxid_of(root: Path) -> str:
    """`wxid_abc_1f2e` → `wxid_abc` (Weixin 4 appends a 4-hex-digit suffix to the account folder)."""
    return _SUFFIX_RE.sub("", root.name)


class Weixin4Importer(Importer):
    name = "weixin4"
    title = "Weixin 4.x (Windows/macOS)"
    description = "The xwechat_files/<wxid>_xxxx folder: db_storage/message/message_*.db, contact, media, msg/."
    patterns = ("message_*.db", "contact.db")
    parser_version = 1

    def detect(self, path: Path) -> Detection:
        root = find_account_root(path)
        if root is not None:
            n = len(numbered_files(root / "db_storage" / "message", _MSG_RE))
            if n:
                return Detection(0.95, f"Weixin 4 account folder {root.name} with {n} message database(s)", "weixin4")
            return Detection(0.5, "Weixin 4 db_storage folder without message_*.db", "weixin4")
        if path.is_dir() and _accounts_under(path):
            return Detection(0.9, "xwechat_files folder", "weixin4-multi")
        return Detection(0.0)

    def _root(self, path: Path) -> Path:
        root = find_account_root(path)
        accounts = _accounts_under(path) if root is None and path.is_dir() else []
        return one_account(path, root, accounts, many="This folder holds {n} Weixin accounts",
                           many_hint="Import one account folder at a time.",
                           none="This is not a Weixin 4 account folder (no db_storage/message/message_*.db).",
                           none_hint="Choose the xwechat_files/<wxid>_xxxx folder.")

    def total_bytes(self, path: Path) -> int | None:
        root = find_account_root(path)
        try:
            return sum(p.stat().st_size for p in numbered_files(root / "db_storage" / "message", _MSG_RE)) if root else None
        except OSError:
            return None

    def read(self, path: Path, options: ImportOptions, ctx: JobContext) -> Iterator[Record]:
        root = self._root(path)
        files = numbered_files(root / "db_storage" / "message", _MSG_RE)
        if not files:
            raise InputError("No message_*.db databases in db_storage/message.", location=str(root))
        key = dbopen.parse_hex_key(options.options.get("key"), root)
        try:
            image_key = parse_image_key(options.options.get("image_key"))
        except ValueError as exc:
            raise InputError(str(exc), location=str(root),
                             hint="Pass the image key as your key tool printed it: --image-key 0f1e… "
                                  "(16 characters or 32 hexadecimal digits).", field="image_key") from None
        work = dbopen.WorkDir(options.options.get("workdir"), VettedFolder(root / "db_storage"))
        try:
            yield from self._read(root, files, [key] if key else [], key is not None, work, ctx, image_key)
        finally:
            work.close()

    def _open(self, src, secrets, given, work):
        return dbopen.open_db(src, work, dbopen.WEIXIN4, secrets, key_given=given)[0]

    def _directory(self, root: Path, me: str, secrets, given, work) -> tuple[Directory, list[Record]]:
        d = Directory(me=me)
        src = root / "db_storage" / "contact" / "contact.db"
        if not src.is_file():
            return d, [ImportWarning("contact.db is missing: names are wxids only.", str(src))]
        conn = self._open(src, secrets, given, work)
        tabs = dbopen.tables(conn)
        if "contact" in tabs:
            sel = dbopen.select_list(conn, "contact", ("username", "alias", "remark", "nick_name", "big_head_url",
                                                       "small_head_url"))
            for u, a, r, n, big, small in conn.execute(f"SELECT {sel} FROM contact"):
                if u:
                    d.contacts[str(u)] = Contact(str(u), a or None, r or None, n or None, big or small or None)
        if "chat_room" in tabs:
            members: dict[int, list[str]] = {}
            if "chatroom_member" in tabs and "contact" in tabs:
                for room_id, uname in conn.execute(
                        "SELECT m.room_id, c.username FROM chatroom_member m JOIN contact c ON c.id = m.member_id"):
                    members.setdefault(room_id, []).append(str(uname))
            for rid, name, ext in conn.execute("SELECT id, username, ext_buffer FROM chat_room"):
                if name:
                    roster = {m: "" for m in members.get(rid, [])}
                    roster.update(proto.room_members(ext))
                    d.rooms[str(name)] = roster
        return d, []

    def _voices(self, root: Path, secrets, given, work):
        index: dict[int, tuple[object, int]] = {}
        for src in numbered_files(root / "db_storage" / "message", _MEDIA_RE):
            conn = self._open(src, secrets, given, work)
            if "VoiceInfo" not in dbopen.tables(conn):
                continue
            for rowid, svr in conn.execute("SELECT rowid, svr_id FROM VoiceInfo"):
                if svr:
                    index[int(svr)] = (conn, rowid)
        return index

    def _media_index(self, root: Path, others: list[Path] | None = None) -> dict[str, Path]:
        """Every image/video under msg/attach and msg/video by file stem (the media md5).

        Of `x_h.dat` (original), `x.dat` and `x_t.dat` (thumbnail) the best one present is kept; the
        other `.dat` files go to `others` (the XOR byte can be learned from them).
        """
        idx: dict[str, Path] = {}
        rank: dict[str, int] = {}
        for sub in ("attach", "video"):
            base = root / "msg" / sub
            if base.is_dir():
                for p in base.rglob("*"):
                    if p.is_file():
                        stem = media_key(p.name) or p.name.lower()
                        r = 0 if is_thumbnail_name(p.name) else 2 if p.name.split(".")[0].endswith("_h") else 1
                        if rank.get(stem, -1) < r:
                            if others is not None and stem in idx and idx[stem].suffix.lower() == ".dat":
                                others.append(idx[stem])
                            idx[stem], rank[stem] = p, r
                        elif others is not None and p.suffix.lower() == ".dat":
                            others.append(p)
        return idx

    def _read(self, root: Path, files, secrets, given, work, ctx: JobContext,
              image_key: bytes | None = None) -> Iterator[Record]:
        me = wxid_of(root)
        ctx.status("Opening Weixin databases")
        d, notes = self._directory(root, me, secrets, given, work)
        me_c = d.contacts.get(me)
        yield SourceRec(app=APP, account=me, display_name=(me_c.nickname if me_c else None) or me,
                        me_name=(me_c.nickname if me_c else None) or me,
                        complete=True)   # the whole account's databases: every chat it still has
        yield from notes
        voices = self._voices(root, secrets, given, work)
        others: list[Path] = []
        media = self._media_index(root, others)
        # One XOR byte per account: learned from a picture with a trailer (thumbnails first: small),
        # used for the pictures whose own tail cannot tell it (WEBP, BMP, TIFF).
        # Thumbnails and lower levels first: JPEGs with a trailer even when the best files are wxgf (none).
        dats = sorted(others, key=lambda p: not p.stem.endswith("_t")) + [
            p for p in media.values() if p.suffix.lower() == ".dat"]
        images = (image_key, learn_xor_byte(dats, image_key), [0])
        plan = []
        total = 0
        for src in files:
            ctx.check()
            conn = self._open(src, secrets, given, work)
            tabs = dbopen.tables(conn)
            if "Name2Id" not in tabs:
                raise InputError(f"{src.name} has no Name2Id table: not a Weixin 4 message database.", location=str(src))
            names = {rid: str(u) for rid, u in conn.execute("SELECT rowid, user_name FROM Name2Id")}
            by_md5 = {hashlib.md5(u.encode()).hexdigest(): u for u in names.values()}
            for t in sorted(x for x in tabs if _TABLE_RE.match(x)):
                talker = by_md5.get(t[4:])
                n = conn.execute(f'SELECT count(*) FROM "{t}"').fetchone()[0]
                total += n
                plan.append((src, conn, t, talker, names))
        size = sum(f.stat().st_size for f in files)  # progress in bytes of message databases, as total_bytes says
        emitted: set[str] = set()
        done = 0
        for src, conn, table, talker, names in plan:
            if talker is None:
                yield ImportWarning(f"Table {table} belongs to a chat not listed in Name2Id; its messages are kept "
                                    f"under that table name.", f"{src.name}:{table}")
                talker = table
            if talker not in emitted:
                emitted.add(talker)
                yield d.conversation(talker)
            sel = dbopen.select_list(conn, table, ("local_id", "server_id", "local_type", "real_sender_id",
                                                   "create_time", "status", "message_content", "compress_content",
                                                   "packed_info_data"))
            cur = conn.execute(f'SELECT {sel} FROM "{table}" ORDER BY local_id')   # rowid order: no sort
            for rows in dbopen.batches(cur, ctx):
                for row in rows:
                    yield self._message(root, src, table, row, talker, names, d, voices, media, images)
                done += len(rows)
                ctx.set_position(bytes_=size * done // max(total, 1))
        yield from moments.read_v4(root, lambda p: self._open(p, secrets, given, work), d, ctx)
        yield from favorites.read_weixin4(root, d, lambda db: self._open(db, secrets, given, work), ctx,
                                          image_key=image_key, xor_key=images[1])
        if images[2][0]:
            n = images[2][0]
            what = ("need the Weixin image key: import again with it (--image-key)" if image_key is None
                    else "do not decode with the image key given (a wrong key?)")
            yield ImportWarning(f"{n} image(s) {what}; they are kept as WeChat stored them "
                                "(flagged dat_undecoded).", str(root / "msg" / "attach"))

    def _message(self, root, src, table, row, talker, names, d: Directory, voices, media, images=(None, None, [0])):
        local_id, svrid, ltype, sender_id, ctime, _status, content, compress, packed = row
        ltype = int(ltype or 0)
        base, sub = ltype & 0xFFFFFFFF, ltype >> 32
        text = C.maybe_zstd(content)
        is_group = talker.endswith("@chatroom")
        sender = names.get(sender_id or -1)
        if is_group:
            prefix, rest = C.split_group_prefix(text)
            if prefix:
                text = rest
                sender = sender or prefix
        elif not sender:
            sender = talker
        compressed = C.maybe_zstd(compress) if base == C.APP and compress else None
        if compressed is not None:
            compressed = C.split_group_prefix(compressed)[1]
        p = C.parse_message(base, sub, text, compressed)
        in_place_recall(p, svrid)
        sid = stable_id(svrid, talker, ctime, base, int(sender == d.me), text, p.source_suffix)
        atts = self._attachments(root, p, packed, voices, media, svrid, ctime, images)
        return make_message(talker, ctime, p, source_id=sid, sender=sender,
                            sender_name=d.name(sender, talker if is_group else None),
                            location=f"{src.name}:{table}#local_id={local_id}", base=base, sub=sub or None,
                            attachments=atts)

    def _attachments(self, root: Path, p: C.Parsed, packed, voices, media, svrid, ctime, images=(None, None, [0])):
        if p.kind in (MessageKind.IMAGE, MessageKind.VIDEO):
            cands = [(p.media.get("md5") or "").lower(), *proto.hex_strings(packed)]
            for c in cands:
                if c and c in media:
                    path = media[c]
                    rel = path.relative_to(root).as_posix()
                    video = p.kind == MessageKind.VIDEO
                    level = file_level(rel, None, p.extra, video=video)
                    ref = file_ref(path, root, expected=rel,
                                   mime="video/mp4" if video and level != MediaQuality.THUMBNAIL else None,
                                   image_key=images[0], xor_key=images[1])
                    if ref.extra.get("dat_reason") in (NEEDS_IMAGE_KEY, WRONG_IMAGE_KEY):
                        images[2][0] += 1
                    return [graded(ref, level, original_path=_original_rel(rel, video))]
            return [AttachmentRef(status=AttachmentStatus.EXPIRED, extra={"quality": str(MediaQuality.MISSING)},
                                  expected_path="msg/attach/…" if p.kind == MessageKind.IMAGE else "msg/video/…")]
        if p.kind == MessageKind.FILE:
            name = p.media.get("file_name") or ""
            month = ts_utc(ctime).strftime("%Y-%m")
            rel = f"msg/file/{month}/{name}"
            path = safe_join(root, rel) if name else None
            return [file_ref(path, root, expected=rel, name=name or None)]
        if p.kind == MessageKind.VOICE:
            hit = voices.get(int(svrid or 0))
            if hit:
                conn, rowid = hit
                row = conn.execute("SELECT voice_data FROM VoiceInfo WHERE rowid = ?", (rowid,)).fetchone()
                if row and row[0]:
                    data = bytes(row[0])
                    return [AttachmentRef(name=f"{svrid}.silk", open=bytes_opener(data), mime_hint="audio/silk",
                                          size_hint=len(data), status=AttachmentStatus.STORED, extra={"codec": "silk"})]
            return [AttachmentRef(name=f"{svrid}.silk", status=AttachmentStatus.MISSING,
                                  expected_path="db_storage/message/media_*.db", extra={"codec": "silk"})]
        return []


def _original_rel(rel: str, video: bool) -> str:
    """Where the original of a thumbnail `rel` is expected: `x_t.dat` → `x.dat`, `x_thumb.jpg` → `x.mp4`."""
    head, _, name = rel.rpartition("/")
    stem = name.split(".", 1)[0]
    if video:
        return f"{head}/{stem.removesuffix('_thumb')}.mp4"
    ext = name[len(stem):]
    return f"{head}/{stem.removesuffix('_t')}{ext}"
