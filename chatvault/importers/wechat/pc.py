"""WeChat for Windows 3.x: the `WeChat Files/<wxid>/` folder (Msg/*.db + FileStorage/)."""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import UTC, datetime
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
from chatvault.importers.wechat.levels import file_level, graded
from chatvault.importers.wechat.vetted import VettedFolder
from chatvault.jobs.context import JobContext
from chatvault.model import (
    AttachmentRef,
    AttachmentStatus,
    ImportWarning,
    MediaQuality,
    MessageKind,
    MessageRec,
    Record,
    SourceRec,
    Unparsed,
)

_MSG_RE = re.compile(r"^MSG(\d+)\.db$")
_MEDIA_RE = re.compile(r"^MediaMSG(\d+)\.db$")
_fromts = datetime.fromtimestamp
_MEDIA_KINDS = frozenset({MessageKind.IMAGE, MessageKind.VIDEO, MessageKind.FILE, MessageKind.VOICE})


def _accounts_under(path: Path) -> list[Path]:
    return accounts_under(path, "Msg", "Multi")


def find_account_root(path: Path) -> Path | None:
    """The `<wxid>` folder for `path` (the account folder, its Msg folder, a MSGn.db, or WeChat Files)."""
    try:
        if path.is_file():
            if _MSG_RE.match(path.name) and path.parent.name == "Multi":
                return path.parent.parent.parent
            if path.name == "MicroMsg.db" and path.parent.name == "Msg":
                return path.parent.parent
            return None
        if (path / "Msg" / "Multi").is_dir():
            return path
        if path.name == "Msg" and (path / "Multi").is_dir():
            return path.parent
    except OSError:
        return None
    return None


def msg_files(root: Path) -> list[Path]:
    return numbered_files(root / "Msg" / "Multi", _MSG_RE)


def media_files(root: Path) -> list[Path]:
    return numbered_files(root / "Msg" / "Multi", _MEDIA_RE) + numbered_files(root / "Msg", _MEDIA_RE)



def _text_sender(me: str | None, talker: str, is_group: bool, is_sender, extra_blob, content):
    """Who sent a text message, and its text: me, the 1:1 partner, or in a group the BytesExtra
    sender (else the `wxid:\n` prefix WeChat puts in front of the text)."""
    if is_sender:
        return me, content
    if is_group:
        sender = proto.bytes_extra_sender(extra_blob)
        return (sender, content) if sender else C.split_group_prefix(content)
    return talker, content

class WeChatPCImporter(Importer):
    name = "wechat-pc"
    title = "WeChat for Windows 3.x"
    description = "The WeChat Files/<wxid> folder: Msg/Multi/MSG*.db, MicroMsg.db, MediaMSG*.db, FileStorage."
    patterns = ("MSG*.db", "MicroMsg.db")
    parser_version = 1

    def detect(self, path: Path) -> Detection:
        root = find_account_root(path)
        if root is not None:
            try:
                n = len(msg_files(root))
            except OSError:
                n = 0
            if n:
                return Detection(0.95, f"WeChat for Windows account folder {root.name} with {n} MSG database(s)", "pc3")
            return Detection(0.5, "WeChat Msg folder without MSG*.db files", "pc3")
        accounts = _accounts_under(path) if path.is_dir() else []
        if accounts:
            return Detection(0.9, f"WeChat Files folder with {len(accounts)} account(s)", "pc3-multi")
        return Detection(0.0)

    def _root(self, path: Path) -> Path:
        root = find_account_root(path)
        accounts = _accounts_under(path) if root is None and path.is_dir() else []
        return one_account(path, root, accounts, many="This WeChat Files folder holds {n} accounts",
                           many_hint="Import one account folder at a time, e.g. …/WeChat Files/"
                                     + (accounts[0].name if accounts else ""),
                           none="This is not a WeChat for Windows account folder (no Msg/Multi/MSG*.db).",
                           none_hint="Choose the WeChat Files/<wxid> folder (Documents/WeChat Files on Windows).")

    def total_bytes(self, path: Path) -> int | None:
        root = find_account_root(path)
        if root is None:
            return None
        try:
            return sum(p.stat().st_size for p in msg_files(root))
        except OSError:
            return None

    def read(self, path: Path, options: ImportOptions, ctx: JobContext) -> Iterator[Record]:
        root = self._root(path)
        files = msg_files(root)
        if not files:
            raise InputError("No MSG*.db message databases in Msg/Multi.", location=str(root / "Msg" / "Multi"))
        key = dbopen.parse_hex_key(options.options.get("key"), root)
        secrets = [key] if key else []
        work = dbopen.WorkDir(options.options.get("workdir"), VettedFolder(root / "Msg"))
        try:
            yield from self._read(root, files, secrets, key is not None, work, ctx)
        finally:
            work.close()

    # --------------------------------------------------------------------------------------
    def _open(self, src: Path, secrets: list[bytes], given: bool, work: dbopen.WorkDir):
        return dbopen.open_db(src, work, dbopen.PC3, secrets, key_given=given)[0]

    def _directory(self, root: Path, me: str, secrets, given, work) -> tuple[Directory, list[Record]]:
        d = Directory(me=me)
        notes: list[Record] = []
        src = root / "Msg" / "MicroMsg.db"
        if not src.is_file():
            notes.append(ImportWarning("MicroMsg.db is missing: names of contacts and groups are wxids only.", str(src)))
            return d, notes
        conn = self._open(src, secrets, given, work)
        tabs = dbopen.tables(conn)
        if "Contact" in tabs:
            sel = dbopen.select_list(conn, "Contact", ("UserName", "Alias", "Remark", "NickName", "BigHeadImgUrl",
                                                       "SmallHeadImgUrl"))
            for u, a, r, n, big, small in conn.execute(f"SELECT {sel} FROM Contact"):
                if u:
                    d.contacts[str(u)] = Contact(str(u), a or None, r or None, n or None, big or small or None)
        if "ChatRoom" in tabs:
            sel = dbopen.select_list(conn, "ChatRoom", ("ChatRoomName", "UserNameList", "RoomData"))
            for name, members, data in conn.execute(f"SELECT {sel} FROM ChatRoom"):
                if not name:
                    continue
                roster = {m: "" for m in str(members or "").split("^G") if m}
                roster.update(proto.room_members(data))
                d.rooms[str(name)] = roster
        return d, notes

    def _hardlinks(self, root: Path, secrets, given, work) -> dict[str, dict[str, str]]:
        """md5 (hex) → path under FileStorage, from HardLinkImage/Video/File.db."""
        out: dict[str, dict[str, str]] = {"Image": {}, "Video": {}, "File": {}}
        for kind in out:
            src = root / "Msg" / f"HardLink{kind}.db"
            if not src.is_file():
                continue
            conn = self._open(src, secrets, given, work)
            tabs = dbopen.tables(conn)
            attr, ids = f"HardLink{kind}Attribute", f"HardLink{kind}ID"
            if attr not in tabs or ids not in tabs:
                continue
            dirs = {int(i): str(dname) for i, dname in conn.execute(f"SELECT DirID, Dir FROM {ids}")}
            for md5, fname, d1, d2 in conn.execute(f"SELECT MD5, FileName, DirID1, DirID2 FROM {attr}"):
                if md5 is None or not fname:
                    continue
                hexmd5 = md5.hex() if isinstance(md5, bytes) else str(md5).lower()
                dir1, dir2 = dirs.get(d1 or -1, ""), dirs.get(d2 or -1, "")
                if kind == "Image":
                    rel = f"FileStorage/MsgAttach/{dir1}/Image/{dir2}/{fname}"
                else:
                    rel = f"FileStorage/{kind}/{dir2}/{fname}"
                out[kind][hexmd5] = rel
        return out

    def _voices(self, root: Path, secrets, given, work):
        """MsgSvrID → (connection, rowid) of the SILK bytes in MediaMSG*.db."""
        index: dict[int, tuple[object, int]] = {}
        for src in media_files(root):
            conn = self._open(src, secrets, given, work)
            if "Media" not in dbopen.tables(conn):
                continue
            for rowid, svr in conn.execute("SELECT rowid, Reserved0 FROM Media"):
                if svr:
                    index[int(svr)] = (conn, rowid)
        return index

    def _read(self, root: Path, files: list[Path], secrets, given, work, ctx: JobContext) -> Iterator[Record]:
        me = root.name
        ctx.status("Opening WeChat databases")
        directory, notes = self._directory(root, me, secrets, given, work)
        me_c = directory.contacts.get(me)
        yield SourceRec(app=APP, account=me, display_name=(me_c.nickname if me_c else None) or me,
                        me_name=(me_c.nickname if me_c else None) or me,
                        complete=True)   # the whole account's databases: every chat it still has
        yield from notes
        links = self._hardlinks(root, secrets, given, work)
        voices = self._voices(root, secrets, given, work)
        # Each message database is opened and checked page by page just before it is read: opening
        # and checking all of them first held the first message back ~1 s on a 1M-message account
        # while the writer waited. A damaged MSG2.db still stops the import before anything is read
        # from it; what MSG0/MSG1 gave is kept (committed batches survive, as after any error).
        # Per conversation (present once its ConversationRec was yielded): sender → display name.
        conv_names: dict[str, dict[str | None, str | None]] = {}
        me = directory.me
        text_kind = MessageKind.TEXT
        before = 0
        for src in files:
            ctx.check()
            ctx.status(f"Reading {src.name}")
            conn = self._open(src, secrets, given, work)
            dbopen.require_table(conn, "MSG", src)
            # Progress in bytes of message databases (as total_bytes says): each file's size spread
            # over its rowids (max(rowid) is one b-tree descent; count(*) read every page).
            fsize = src.stat().st_size
            last = max(int(conn.execute("SELECT max(rowid) FROM MSG").fetchone()[0] or 0), 1)
            names: dict[int, str] = {}
            if "Name2ID" in dbopen.tables(conn):
                names = {rid: str(u) for rid, u in conn.execute("SELECT rowid, UsrName FROM Name2ID")}
            sel = dbopen.select_list(conn, "MSG", ("localId", "TalkerId", "MsgSvrID", "Type", "SubType", "IsSender",
                                                   "CreateTime", "StrContent", "CompressContent", "BytesExtra",
                                                   "StrTalker"))
            # Rowid order: a plain scan, no sort (a sort could spill decrypted rows to a temp file).
            cur = conn.execute(f"SELECT {sel} FROM MSG ORDER BY localId")
            loc = f"{src.name}#localId="
            for rows in dbopen.batches(cur, ctx):
                for row in rows:
                    local_id, tid, svrid, base, _sub, is_sender, ctime, content, _c, extra_blob, talker = row
                    talker = talker or names.get(tid or -1)
                    if not talker:
                        yield _unparsed(src, row)
                        continue
                    tnames = conv_names.get(talker)
                    if tnames is None:
                        tnames = conv_names[talker] = {}
                        yield directory.conversation(talker)
                    if base != 1 or base.__class__ is not int or not svrid:
                        yield self._message(root, loc, row, talker, directory, links, voices)
                        continue
                    # Text, the commonest message, inline (what `_message`'s text path does): no XML, and
                    # BytesExtra only for a group sender.
                    is_group = talker.endswith("@chatroom")
                    sender, content = _text_sender(me, talker, is_group, is_sender, extra_blob, content)
                    name = tnames.get(sender, False)
                    if name is False:
                        name = tnames[sender] = directory.name(sender, talker if is_group else None)
                    try:
                        ts = _fromts(ctime or 0, UTC)
                    except (OverflowError, OSError, ValueError):
                        ts = ts_utc(ctime)
                    yield MessageRec(talker, ts, text_kind, content, sender, name, str(svrid), True, None, None,
                                     False, None, [], {}, f"{loc}{local_id}")
                ctx.set_position(bytes_=before + fsize * min(int(rows[-1][0] or 0), last) // last)
            before += fsize
        yield from moments.read_pc(root, lambda p: self._open(p, secrets, given, work), directory, ctx)
        yield from favorites.read_pc(root, directory, lambda db: self._open(db, secrets, given, work), ctx)

    def _message(self, root: Path, loc: str, row, talker: str, d: Directory, links, voices) -> MessageRec:
        local_id, _tid, svrid, base, sub, is_sender, ctime, content, compress, extra_blob = row[:10]
        base = int(base or 0)
        is_group = talker.endswith("@chatroom")
        if base == 1 and svrid:
            # Fast path for the commonest message, text: no XML, and BytesExtra only for a group sender.
            sender, content = _text_sender(d.me, talker, is_group, is_sender, extra_blob, content)
            return MessageRec(conversation_key=talker, ts=ts_utc(ctime), kind=MessageKind.TEXT, text=content,
                              sender_key=sender, sender_name=d.name(sender, talker if is_group else None),
                              source_id=str(svrid), location=f"{loc}{local_id}")
        bx: dict[int, str] = {}
        if is_group or base not in (1, 10000):
            bx = proto.bytes_extra_items(extra_blob)
        if is_sender:
            sender = d.me
        elif is_group:
            sender = bx.get(1)
            if not sender:
                sender, content = C.split_group_prefix(content)
        else:
            sender = talker
        compressed = C.decompress_lz4(compress) if base == C.APP and compress else None
        p = C.parse_message(base, sub, content, compressed)
        in_place_recall(p, svrid)
        sid = stable_id(svrid, talker, ctime, base, is_sender, content, p.source_suffix)
        atts = self._attachments(root, base, p, bx, links, voices, svrid) if p.kind in _MEDIA_KINDS else []
        return make_message(talker, ctime, p, source_id=sid, sender=sender,
                            sender_name=d.name(sender, talker if is_group else None),
                            location=f"{loc}{local_id}", base=base, sub=sub, attachments=atts)

    def _attachments(self, root: Path, base: int, p: C.Parsed, bx: dict[int, str], links, voices, svrid):
        if p.kind not in _MEDIA_KINDS:
            return []
        wx_files = root.parent
        def under(rel: str | None) -> tuple[object, str | None]:
            if not rel:
                return None, None
            # BytesExtra paths start with "<wxid>\FileStorage\…", relative to WeChat Files.
            return safe_join(wx_files, rel), rel.replace("\\", "/")
        def located(kind: str) -> tuple[object, str | None]:
            """The file BytesExtra names, else the one HardLink<kind>.db files under the media's md5."""
            main, rel = under(bx.get(4))
            md5 = (p.media.get("md5") or "").lower()
            if (main is None or not main.is_file()) and md5 in links[kind]:
                r = links[kind][md5]
                main, rel = safe_join(root, r), f"{root.name}/{r}"
            return main, rel
        if p.kind in (MessageKind.IMAGE, MessageKind.VIDEO):
            video = p.kind == MessageKind.VIDEO
            main, main_rel = located("Video" if video else "Image")
            thumb, thumb_rel = under(bx.get(3))
            ref = file_ref(main, wx_files, expected=main_rel, mime="video/mp4" if video else None,
                           gone=AttachmentStatus.MISSING if main_rel else AttachmentStatus.EXPIRED)
            if ref.open is not None:
                return [graded(ref, file_level(main_rel or "", ref.size_hint, p.extra, video=video))]
            if thumb is not None:
                tref = file_ref(thumb, wx_files, expected=thumb_rel)
                if tref.open is not None:
                    return [graded(tref, MediaQuality.THUMBNAIL, original_path=main_rel)]
            return [graded(ref, MediaQuality.MISSING)]
        if p.kind == MessageKind.FILE:
            main, rel = located("File")
            ref = file_ref(main, wx_files, expected=rel, name=p.media.get("file_name"),
                           gone=AttachmentStatus.MISSING if rel else AttachmentStatus.EXPIRED)
            if p.extra.get("size") and ref.size_hint is None:
                ref.size_hint = p.extra["size"]
            return [ref]
        if p.kind == MessageKind.VOICE:
            hit = voices.get(int(svrid or 0))
            if hit:
                conn, rowid = hit
                row = conn.execute("SELECT Buf FROM Media WHERE rowid = ?", (rowid,)).fetchone()
                if row and row[0]:
                    data = bytes(row[0])
                    return [AttachmentRef(name=f"{svrid}.silk", open=bytes_opener(data), mime_hint="audio/silk",
                                          size_hint=len(data), status=AttachmentStatus.STORED,
                                          extra={"codec": "silk", "duration_ms": p.extra.get("duration_ms")})]
            return [AttachmentRef(name=f"{svrid}.silk", status=AttachmentStatus.MISSING,
                                  expected_path="Msg/Multi/MediaMSG*.db", extra={"codec": "silk"})]
        return []


def _unparsed(src: Path, row) -> Unparsed:
    return Unparsed(raw=repr(row[7])[:2000], location=f"{src.name}#localId={row[0]}",
                    reason="message without a conversation (no StrTalker, unknown TalkerId)")
