"""WeChat for Android: `EnMicroMsg.db` (SQLCipher 1) from a backup or a rooted phone's app folder."""

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
    file_ref,
    in_place_recall,
    make_message,
    safe_join,
    stable_id,
)
from chatvault.importers.wechat.levels import file_level, graded
from chatvault.importers.wechat.vetted import VettedFolder
from chatvault.jobs.context import JobContext
from chatvault.model import (
    AttachmentRef,
    AttachmentStatus,
    MediaQuality,
    MessageKind,
    Record,
    SourceRec,
    Unparsed,
)

DB_NAME = "EnMicroMsg.db"
_HEX32 = re.compile(r"^[0-9a-f]{32}$")
# Android stores app messages as (sub-type << 24 | 49) and a few others; the XML says the rest.
_APP_SUBTYPES = {436207665: 2001, 419430449: 2000, 822083633: 57, 922746929: 62, 1090519089: 6, 285212721: 19,
                 268435505: 5, 16777265: 5}


def _account_dirs(app: Path) -> list[Path]:
    """Account folders under an app folder (or under the MicroMsg folder itself)."""
    mm = app if app.name == "MicroMsg" else app / "MicroMsg"
    try:
        return sorted(p for p in mm.iterdir() if _HEX32.match(p.name) and (p / DB_NAME).is_file())
    except OSError:
        return []


def find_db(path: Path) -> Path | None:
    try:
        if path.is_file():
            return path if path.name == DB_NAME else None
        if (path / DB_NAME).is_file():
            return path / DB_NAME
        dirs = _account_dirs(path)
        if len(dirs) == 1:
            return dirs[0] / DB_NAME
    except OSError:
        return None
    return None


def read_uin(app_or_account: Path) -> str | None:
    """`default_uin` from shared_prefs/system_config_prefs.xml (parsed with defusedxml)."""
    for base in (app_or_account, app_or_account.parent, app_or_account.parent.parent,
                 app_or_account.parent.parent.parent):
        prefs = base / "shared_prefs" / "system_config_prefs.xml"
        try:
            if not prefs.is_file() or prefs.stat().st_size > 1_000_000:
                continue
            root = C.parse_xml(prefs.read_text("utf-8", "replace"))
        except OSError:
            continue
        if root is None:
            continue
        for el in root.iter():
            if el.get("name") == "default_uin":
                val = el.get("value") or (el.text or "").strip()
                if val and re.fullmatch(r"-?\d+", val):
                    return val
    return None


class WeChatAndroidImporter(Importer):
    name = "wechat-android"
    title = "WeChat for Android (EnMicroMsg.db)"
    description = "EnMicroMsg.db from a phone backup or the com.tencent.mm app folder, with image2/voice2/video."
    patterns = (DB_NAME,)
    parser_version = 1

    def detect(self, path: Path) -> Detection:
        db = find_db(path)
        if db is not None:
            return Detection(0.95, f"WeChat for Android database {db.parent.name}/{DB_NAME}", "android")
        if path.is_dir() and len(_account_dirs(path)) > 1:
            return Detection(0.8, "WeChat for Android app folder with several accounts", "android-multi")
        return Detection(0.0)

    def total_bytes(self, path: Path) -> int | None:
        db = find_db(path)
        try:
            return db.stat().st_size if db else None
        except OSError:
            return None

    def _db(self, path: Path, uin: str | None) -> Path:
        db = find_db(path)
        if db is not None:
            return db
        dirs = _account_dirs(path) if path.is_dir() else []
        if dirs and uin is not None:
            want = hashlib.md5(f"mm{int(uin)}".encode()).hexdigest()
            for d in dirs:
                if d.name == want:
                    return d / DB_NAME
        if dirs:
            raise InputError(f"This app folder holds {len(dirs)} WeChat accounts.", location=str(path),
                             hint="Pass --uin UIN to choose one, or import one MicroMsg/<hash> folder.", field="uin")
        raise InputError(f"No {DB_NAME} here: choose the file, its MicroMsg/<hash> folder or the app folder.",
                         location=str(path))

    def read(self, path: Path, options: ImportOptions, ctx: JobContext) -> Iterator[Record]:
        opts = options.options
        uin = opts.get("uin")
        if uin is not None and not re.fullmatch(r"-?\d+", str(uin).strip()):
            raise InputError(f"The uin must be a number (it may be negative); got {uin!r}.", location=str(path),
                             field="uin")
        db = self._db(path, uin)
        if uin is None:
            uin = read_uin(path if path.is_dir() else db.parent) or read_uin(db.parent)
        secrets: list[bytes] = []
        key = opts.get("key")
        if key:
            key = str(key).strip().lower()
            if not re.fullmatch(r"[0-9a-f]{7}", key):
                raise InputError("The Android database key is 7 hexadecimal characters (md5(IMEI+uin)[:7]).",
                                 location=str(db), hint="Or pass --imei IMEI --uin UIN and let ChatVault derive it.",
                                 field="key")
            secrets.append(key.encode())
        if uin is not None:
            imeis = [str(opts["imei"]).strip()] if opts.get("imei") else []
            imeis += [i for i in dbopen.ANDROID_IMEI_FALLBACKS if i not in imeis]
            secrets += [dbopen.android_key(i, uin).encode() for i in imeis]
        work = dbopen.WorkDir(opts.get("workdir"), VettedFolder(db.parent if path.is_dir() else db))
        try:
            conn, _enc = dbopen.open_db(db, work, dbopen.ANDROID, secrets,
                                        key_given=bool(key or opts.get("imei")))
            yield from self._read(db, conn, uin, ctx,
                                  lambda p: dbopen.open_db(p, work, dbopen.ANDROID, secrets, key_given=False)[0])
        finally:
            work.close()

    def _read(self, db: Path, conn, uin, ctx: JobContext, sns=None) -> Iterator[Record]:
        dbopen.require_table(conn, "message", db)
        tabs = dbopen.tables(conn)
        info = {}
        if "userinfo" in tabs:
            info = {int(i): v for i, v in conn.execute("SELECT id, value FROM userinfo") if i is not None}
        me = str(info.get(2) or (f"uin:{uin}" if uin is not None else db.parent.name))
        d = Directory(me=me)
        if "rcontact" in tabs:
            for u, a, r, n in conn.execute("SELECT username, alias, conRemark, nickname FROM rcontact"):
                if u:
                    d.contacts[str(u)] = Contact(str(u), a or None, r or None, n or None)
        if "img_flag" in tabs:   # avatar URLs: reserved1 the big picture, reserved2 the small one
            sel = dbopen.select_list(conn, "img_flag", ("username", "reserved1", "reserved2"))
            for u, big, small in conn.execute(f"SELECT {sel} FROM img_flag"):
                if u and str(u) in d.contacts and (big or small):
                    d.contacts[str(u)].avatar_url = str(big or small)
        if "chatroom" in tabs:
            sel = dbopen.select_list(conn, "chatroom", ("chatroomname", "memberlist", "roomdata"))
            for name, members, data in conn.execute(f"SELECT {sel} FROM chatroom"):
                if name:
                    roster = {m: "" for m in str(members or "").split(";") if m}
                    roster.update(proto.room_members(data))
                    d.rooms[str(name)] = roster
        big: dict[int, str] = {}
        if "ImgInfo2" in tabs:
            big = {int(s): str(p) for s, p in conn.execute("SELECT msgSvrId, bigImgPath FROM ImgInfo2") if s and p}
        nick = info.get(4)
        yield SourceRec(app=APP, account=me, display_name=str(nick or me), me_name=str(nick or me),
                        complete=True)   # the phone's whole database: every chat it still has
        total = conn.execute("SELECT count(*) FROM message").fetchone()[0]
        size = db.stat().st_size  # progress in bytes of message databases, as total_bytes says
        sel = dbopen.select_list(conn, "message",
                                 ("msgId", "msgSvrId", "type", "isSend", "createTime", "talker", "content", "imgPath"))
        cur = conn.execute(f"SELECT {sel} FROM message ORDER BY msgId")
        emitted: set[str] = set()
        done = 0
        account_dir = db.parent
        for rows in dbopen.batches(cur, ctx):
            for row in rows:
                talker = row[5]
                if not talker:
                    yield Unparsed(raw=str(row[6])[:2000], location=f"{db.name}#msgId={row[0]}",
                                   reason="message without a talker")
                    continue
                if talker not in emitted:
                    emitted.add(talker)
                    yield d.conversation(talker)
                yield self._message(db, account_dir, row, talker, d, big)
            done += len(rows)
            ctx.set_position(bytes_=size * done // max(total, 1))
        if sns is not None:
            yield from moments.read_android(account_dir, sns, d, ctx)
            yield from favorites.read_android(account_dir, d, sns, ctx)

    def _message(self, db: Path, acct: Path, row, talker: str, d: Directory, big):
        msg_id, svrid, atype, is_send, ctime_ms, _t, content, img_path = row
        atype = int(atype or 0)
        base, sub = atype, None
        if atype > 0xFFFF:
            base, sub = atype & 0xFFFF, _APP_SUBTYPES.get(atype)
        is_group = talker.endswith("@chatroom")
        sender = d.me if is_send else talker
        if is_group and not is_send and base not in (C.SYSTEM, C.SYSMSG):
            prefix, content = C.split_group_prefix(content)
            sender = prefix
        p = C.parse_message(base, sub, content)
        if base == C.VOICE and content and "duration_ms" not in p.extra:
            parts = content.split(":")
            if len(parts) >= 2 and parts[1].isdigit():
                p.extra["duration_ms"] = int(parts[1])
                p.text = None
                p.unparsable = None
        in_place_recall(p, svrid)
        sid = stable_id(svrid, talker, int(ctime_ms or 0), base, int(is_send or 0), content, p.source_suffix)
        atts = self._attachments(acct, p, img_path, svrid, big)
        return make_message(talker, (ctime_ms or 0) / 1000, p, source_id=sid, sender=sender,
                            sender_name=d.name(sender, talker if is_group else None),
                            location=f"{db.name}#msgId={msg_id}", base=base, sub=sub, attachments=atts)

    def _attachments(self, acct: Path, p: C.Parsed, img_path: str | None, svrid, big: dict[int, str]):
        img_path = (img_path or "").strip()
        if p.kind == MessageKind.IMAGE:
            name = big.get(int(svrid or 0))
            exp = f"image2/{name[0:2]}/{name[2:4]}/{name}" if name and not name.startswith("SERVERID://") else None
            if exp:
                ref = file_ref(safe_join(acct, exp), acct, expected=exp)
                if ref.open is not None:
                    return [graded(ref, file_level(exp, ref.size_hint, p.extra))]
            thumb = img_path.removeprefix("THUMBNAIL_DIRPATH://")
            if thumb:
                h = thumb.removeprefix("th_")
                rel = f"image2/{h[0:2]}/{h[2:4]}/{thumb}"
                tref = file_ref(safe_join(acct, rel), acct, expected=rel)
                if tref.open is not None:
                    return [graded(tref, MediaQuality.THUMBNAIL, original_path=exp)]
            return [AttachmentRef(status=AttachmentStatus.MISSING if exp else AttachmentStatus.EXPIRED,
                                  expected_path=exp, extra={"quality": str(MediaQuality.MISSING)})]
        if p.kind == MessageKind.VOICE and img_path:
            h = hashlib.md5(img_path.encode()).hexdigest()
            rel = f"voice2/{h[0:2]}/{h[2:4]}/msg_{img_path}.amr"
            ref = file_ref(safe_join(acct, rel), acct, expected=rel, mime="audio/silk", extra={"codec": "silk"})
            if ref.open is not None:
                with ref.open() as fh:
                    if fh.read(6) == b"#!AMR\n":       # older phones recorded AMR-NB, not SILK
                        ref.mime_hint, ref.extra["codec"] = "audio/amr", "amr"
            return [ref]
        if p.kind == MessageKind.VIDEO and img_path:
            rel = f"video/{img_path}.mp4"
            ref = file_ref(safe_join(acct, rel), acct, expected=rel, mime="video/mp4")
            if ref.open is None:            # the cover WeChat keeps beside it: a thumbnail of the video
                cover = file_ref(safe_join(acct, f"video/{img_path}.jpg"), acct, expected=f"video/{img_path}.jpg")
                if cover.open is not None:
                    return [graded(cover, MediaQuality.THUMBNAIL, original_path=rel)]
                return [graded(ref, MediaQuality.MISSING)]
            return [graded(ref, MediaQuality.ORIGINAL)]
        if p.kind == MessageKind.FILE:
            name = p.media.get("file_name")
            if name:
                for rel in (f"Download/{name}", f"../Download/{name}"):
                    path = safe_join(acct, rel) if not rel.startswith("..") else safe_join(acct.parent, rel[3:])
                    ref = file_ref(path, acct.parent, expected=rel, name=name)
                    if ref.open is not None:
                        return [ref]
                return [AttachmentRef(name=name, status=AttachmentStatus.MISSING, expected_path=f"Download/{name}")]
        return []
