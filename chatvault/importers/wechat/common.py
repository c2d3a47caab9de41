"""Pieces the three WeChat importers share: contacts, conversations, stable keys, media refs."""

from __future__ import annotations

import hashlib
import io
import os
import re
import stat
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path, PurePosixPath
from typing import Any, BinaryIO

from chatvault.errors import InputError
from chatvault.importers.openers import BytesOpener, FileOpener
from chatvault.importers.wechat.content import Parsed
from chatvault.importers.wechat.dat import (
    MIME_BY_EXT,
    NOT_AN_IMAGE,
    DatUndecodable,
    decode_dat,
    detect_key,
    probe_v4,
    v4_version,
)
from chatvault.model import (
    AttachmentRef,
    AttachmentStatus,
    ConversationKind,
    ConversationRec,
    MessageKind,
    MessageRec,
    ParticipantRec,
)

APP = "wechat"


@dataclass(slots=True)
class Contact:
    username: str
    alias: str | None = None
    remark: str | None = None
    nickname: str | None = None
    avatar_url: str | None = None


@dataclass
class Directory:
    """Contacts and group rosters, for titles and sender names."""

    me: str
    contacts: dict[str, Contact] = field(default_factory=dict)
    rooms: dict[str, dict[str, str]] = field(default_factory=dict)   # room → {wxid: group nickname}
    room_names: dict[str, str] = field(default_factory=dict)         # Android chatroom displayname

    def name(self, wxid: str | None, room: str | None = None) -> str | None:
        """Remark (what the user named them) > group nickname > nickname > alias > wxid."""
        if not wxid:
            return None
        c = self.contacts.get(wxid)
        if c and c.remark:
            return c.remark
        if room:
            nick = self.rooms.get(room, {}).get(wxid)
            if nick:
                return nick
        if c and c.nickname:
            return c.nickname
        if c and c.alias:
            return c.alias
        return wxid

    def title(self, talker: str) -> str:
        return self._title(talker)[0]

    def _title(self, talker: str) -> tuple[str, bool]:
        """(title, made up): the contact's remark or name, a group's name, else the members' names
        (made up), else the raw id (which the engine never lets replace a name it learnt earlier)."""
        c = self.contacts.get(talker)
        if c and (c.remark or c.nickname):
            return c.remark or c.nickname or talker, False
        if talker in self.room_names:
            return self.room_names[talker], False
        if talker.endswith("@chatroom"):
            members = [m for m in self.rooms.get(talker, {}) if m != self.me]
            if members:
                names = [self.name(m, talker) or m for m in members[:4]]
                return "、".join(names) + ("…" if len(members) > 4 else ""), True
        if talker == "filehelper":
            return "File Transfer", False
        return talker, False

    def participant(self, wxid: str, room: str | None = None) -> ParticipantRec:
        """The person as the contact database knows them now. A wxid it no longer has (a deleted
        friend), or a row without any name left, gives no details, so the engine keeps what it learnt
        earlier; a known contact gives its details, and `remark: None` when the user removed the
        remark (the only detail a user clears; a missing avatar URL or alias is just not recorded)."""
        c = self.contacts.get(wxid)
        extra: dict[str, Any] = {}
        if c and (c.remark or c.nickname or c.alias):
            extra = {k: v for k, v in (("alias", c.alias), ("nickname", c.nickname), ("avatar_url", c.avatar_url)) if v}
            extra["remark"] = c.remark
        if room and self.rooms.get(room, {}).get(wxid):
            extra["group_nickname"] = self.rooms[room][wxid]
        return ParticipantRec(key=wxid, display_name=self.name(wxid, room), is_me=wxid == self.me, extra=extra)

    def conversation(self, talker: str) -> ConversationRec:
        if talker.endswith("@chatroom"):
            kind = ConversationKind.GROUP
            members = list(self.rooms.get(talker, {}))
        elif talker == self.me or talker == "filehelper":
            kind, members = ConversationKind.SELF, [self.me]
        elif talker.startswith("gh_"):
            kind, members = ConversationKind.CHANNEL, [talker, self.me]
        else:
            kind, members = ConversationKind.DIRECT, [talker, self.me]
        if self.me and self.me not in members:
            members.append(self.me)
        title, made_up = self._title(talker)
        extra: dict[str, Any] = {"wxid": talker}
        if made_up:
            extra["title_fallback"] = True      # ingest/names.py: never replaces the group's real name
        return ConversationRec(
            key=talker, title=title, kind=kind,
            participants=[self.participant(m, talker if kind == ConversationKind.GROUP else None) for m in members],
            extra=extra,
        )


def numbered_files(folder: Path, rx: re.Pattern[str]) -> list[Path]:
    """Files in `folder` whose name matches `rx` (group 1 a number), in numeric order: MSG0..MSGn.db."""
    if not folder.is_dir():
        return []
    found = [(int(m.group(1)), p) for p in folder.iterdir() if (m := rx.match(p.name)) and p.is_file()]
    return [p for _n, p in sorted(found)]


def accounts_under(path: Path, *marker: str) -> list[Path]:
    """Account folders directly under `path` that contain the sub-folder `marker` (e.g. "Msg", "Multi")."""
    try:
        return sorted(p for p in path.iterdir() if p.is_dir() and p.joinpath(*marker).is_dir())
    except OSError:
        return []


def one_account(path: Path, root: Path | None, accounts: list[Path], *, many: str, many_hint: str,
                none: str, none_hint: str) -> Path:
    """The account folder to read: `root` when `path` is (or is inside) one, else the only account under
    `path`; an `InputError` when there are several (`many`, with `{n}` for their number) or none."""
    if root is not None:
        return root
    if len(accounts) == 1:
        return accounts[0]
    if accounts:
        raise InputError(f"{many.format(n=len(accounts))}: {', '.join(a.name for a in accounts)}.",
                         location=str(path), hint=many_hint)
    raise InputError(none, location=str(path), hint=none_hint)


def ts_utc(seconds: int | float | None) -> datetime:
    try:
        return datetime.fromtimestamp(seconds or 0, UTC)
    except (OverflowError, OSError, ValueError):
        return datetime.fromtimestamp(0, UTC)


def stable_id(server_id: Any, talker: str, ts: int, base: int, is_send: int, content: str | None, suffix: str) -> str:
    """The server message id when there is one (same on every device); else a content fingerprint."""
    try:
        sid = int(server_id or 0)
    except (TypeError, ValueError):
        sid = 0
    if sid:
        return f"{sid}{suffix}"
    digest = hashlib.sha1(f"{talker}\x00{ts}\x00{base}\x00{is_send}\x00{content or ''}".encode(
        "utf-8", "surrogatepass")).hexdigest()[:20]
    return f"fp:{digest}{suffix}"


def in_place_recall(p: Parsed, server_id: Any) -> None:
    """Key a recall notice that took the recalled message's place as `<server id>-recalled`.

    WeChat rewrites a recalled message's row into the notice under the same server id (a
    "…撤回了一条消息" system text, or a `revokemsg` sysmsg naming that id or none). The suffix keeps the
    notice from overwriting the stored message; `recalled_id` tells the engine which message to mark
    recalled (chatvault/ingest/recalls.py). A `revokemsg` naming another message keeps its own key.
    """
    if p.kind != MessageKind.RECALLED or not server_id:
        return
    try:
        sid = str(int(server_id))
    except (TypeError, ValueError):
        return
    named = p.extra.get("recalled_id")
    if p.source_suffix == "-recalled" or not named or str(named) == sid:
        p.source_suffix = "-recalled"
        p.extra["recalled_id"] = sid


# --- media --------------------------------------------------------------------------------

def safe_join(root: Path, rel: str) -> Path | None:
    """`rel` (a WeChat path with / or \\) under `root`, or None if it escapes or is absolute."""
    rel = rel.replace("\\", "/").strip()
    if not rel or rel.startswith("/") or (len(rel) > 1 and rel[1] == ":") or "\x00" in rel:
        return None
    parts = PurePosixPath(rel).parts
    if any(p in ("..", "") for p in parts):
        return None
    return root.joinpath(*parts)


def regular_file(path: Path | None, root: Path) -> bool:
    """A regular file inside `root` (symlinks out of the tree, FIFOs and devices refused)."""
    if path is None:
        return False
    try:
        st = os.stat(path)
        if not stat.S_ISREG(st.st_mode):
            return False
        return os.path.realpath(path).startswith(os.path.realpath(root) + os.sep)
    except (OSError, ValueError):
        return False


# Openers are picklable objects, not closures: the engine may parse in a separate process.
def _opener(path: Path) -> Callable[[], BinaryIO]:
    return FileOpener(path)


class _DatOpener:
    """Opens a WeChat .dat image, decoded (XOR, or Weixin 4 V1/V2 with the image key) when it is one."""

    __slots__ = ("path", "image_key", "xor_key")

    def __init__(self, path: Path, image_key: bytes | None = None, xor_key: int | None = None) -> None:
        self.path = path
        self.image_key = image_key
        self.xor_key = xor_key

    def __call__(self) -> BinaryIO:
        with open(self.path, "rb") as fh:
            data = fh.read()
        decoded = decode_dat(data, self.image_key, self.xor_key)
        return io.BytesIO(decoded[0] if decoded else data)

    def __reduce__(self) -> tuple[Any, ...]:
        return _DatOpener, (self.path, self.image_key, self.xor_key)


def _dat_opener(path: Path, image_key: bytes | None = None, xor_key: int | None = None) -> Callable[[], BinaryIO]:
    return _DatOpener(path, image_key, xor_key)


def dat_ext(path: Path, image_key: bytes | None = None, xor_key: int | None = None) -> tuple[str | None, str | None]:
    """(image extension, None) if the `.dat` at `path` decodes, else (None, why not); reads little of it."""
    try:
        with open(path, "rb") as fh:
            head = fh.read(64)
    except OSError:
        return None, "cannot be read"
    if v4_version(head) is not None:
        try:
            return probe_v4(path, image_key, xor_key), None
        except DatUndecodable as exc:
            return None, exc.reason
        except OSError:
            return None, "cannot be read"
    found = detect_key(head) if len(head) >= 14 else None
    if found is not None and found[1] == "bmp":
        found = None  # BMP needs the whole file; decode_dat decides when opened
    return (found[1], None) if found is not None else (None, NOT_AN_IMAGE)


def bytes_opener(data: bytes) -> Callable[[], BinaryIO]:
    return BytesOpener(data)


def file_ref(path: Path | None, root: Path, *, expected: str | None, name: str | None = None,
             mime: str | None = None, extra: dict[str, Any] | None = None,
             gone: str = AttachmentStatus.MISSING, image_key: bytes | None = None,
             xor_key: int | None = None) -> AttachmentRef:
    """A stored reference if the file is there (decoding `.dat` images), else missing/expired.

    `image_key` opens Weixin 4 V2 `.dat` files; `xor_key` is the account's tail XOR byte when known.
    """
    extra = dict(extra or {})
    if path is not None and regular_file(path, root):
        size = path.stat().st_size
        if path.suffix.lower() == ".dat":
            ext, why = dat_ext(path, image_key, xor_key)
            opener = _dat_opener(path, image_key, xor_key)
            if ext is not None:
                stem = path.stem.removesuffix("_t").removesuffix("_h")
                return AttachmentRef(name=name or f"{stem}.{ext}", open=opener,
                                     mime_hint=mime or MIME_BY_EXT.get(ext), size_hint=size,
                                     status=AttachmentStatus.STORED, expected_path=expected, extra=extra)
            extra["dat_undecoded"] = True  # kept as WeChat stored it, never as a guessed picture
            extra["dat_reason"] = why
            return AttachmentRef(name=name or path.name, open=opener, mime_hint="application/octet-stream",
                                 size_hint=size, status=AttachmentStatus.STORED, expected_path=expected, extra=extra)
        return AttachmentRef(name=name or path.name, open=_opener(path), mime_hint=mime, size_hint=size,
                             status=AttachmentStatus.STORED, expected_path=expected, extra=extra)
    return AttachmentRef(name=name, open=None, mime_hint=mime, status=gone, expected_path=expected, extra=extra)


def make_message(conv: str, ts: int | float, p: Parsed, *, source_id: str, sender: str | None, sender_name: str | None,
                 location: str, base: int, sub: int | None, attachments: list[AttachmentRef] | None = None) -> MessageRec:
    extra = p.extra
    if base != 1:
        extra.setdefault("wechat_type", base)
        if sub:
            extra.setdefault("wechat_subtype", sub)
    if p.unparsable:
        extra["unparsable"] = p.unparsable
    kind = p.kind
    if kind in (MessageKind.SYSTEM, MessageKind.RECALLED) and base in (10000, 10002):
        sender, sender_name = None, None
    # MessageRec fields, positionally: conversation_key, ts, kind, text, sender_key, sender_name,
    # source_id, tz_known, reply_to, forwarded_from, edited, edited_ts, attachments, extra, location.
    return MessageRec(conv, ts_utc(ts), kind, p.text, sender, sender_name, source_id, True, p.reply_to, None, False,
                      None, attachments or [], extra, location)
