"""The reader of the Messages database schema: a Mac's `chat.db` and an iPhone backup's `sms.db`.

    read_database(db_path, resolve_attachment, ctx, source_label=...) -> Iterator[Record]

is the one entry point both the iMessage (Mac folder) importer and the iPhone backup importer use.
`resolve_attachment` maps the path Messages stored in `attachment.filename`
(`~/Library/Messages/Attachments/ab/11/<guid>/IMG_0001.HEIC` on a Mac,
`/var/mobile/Library/SMS/Attachments/...` or `~/Library/SMS/...` on an iPhone) to the file on this
machine, or None when the copy does not hold it (the attachment is then recorded as missing with
its expected path).

Tables read: `handle`, `chat`, `chat_handle_join`, `chat_message_join`, `message`, `attachment`,
`message_attachment_join`; columns a version lacks read as NULL. Keys are the source's own:
`message.guid` for messages, the normalised handle (`handles.normalize_handle`) for people and
direct chats, `chat_identifier` for groups, so a Mac and an iPhone of the same account agree.
Tapbacks are folded into the message they react to (`extra.reactions`, the current ones, and
`extra.reaction_history`, every add and removal); a tapback whose message is not in the database is
kept as a message of its own.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path

from chatvault.errors import InputError
from chatvault.importers.imessage import dbread
from chatvault.importers.imessage.chats import Chats
from chatvault.importers.imessage.handles import ME_KEY, normalize_handle
from chatvault.importers.imessage.messages import (
    MESSAGE_COLUMNS,
    AttachmentRow,
    Mapper,
    Reactions,
)
from chatvault.jobs.context import JobContext
from chatvault.model import ImportWarning, ParticipantRec, Record, SourceRec

APP = "imessage"
Resolver = Callable[[str], Path | Callable | None]   # a path, or an opener (iPhone backups)

__all__ = ["APP", "ME_KEY", "Resolver", "account_of", "normalize_handle", "read_database"]

_ATTACHMENT_COLUMNS = ("guid", "filename", "mime_type", "uti", "transfer_name", "total_bytes", "is_sticker",
                       "is_outgoing", "transfer_state", "hide_attachment", "created_date")


def account_of(op: dbread.Opened) -> str:
    """The account a database belongs to: the handle its owner sends from most often
    (`destination_caller_id`, else `account`), normalised; "" when it names none."""
    cols = op.columns("message")
    for col in ("destination_caller_id", "account"):
        if col not in cols:
            continue
        try:
            row = op.conn.execute(
                f"SELECT {col}, count(*) AS n FROM message WHERE is_from_me = 1 AND {col} IS NOT NULL "
                f"AND {col} != '' GROUP BY {col} ORDER BY n DESC, {col} LIMIT 1").fetchone()
        except Exception:  # noqa: BLE001 - a damaged page here only loses the account name
            row = None
        if row and normalize_handle(row[0]):
            return normalize_handle(row[0])
    return ""


def _attachments(op: dbread.Opened, warnings: list[ImportWarning]) -> dict[int, list[AttachmentRow]]:
    if "attachment" not in op.tables or "message_attachment_join" not in op.tables:
        return {}
    sel = op.select("attachment", _ATTACHMENT_COLUMNS, "a")
    out: dict[int, list[AttachmentRow]] = {}
    try:
        for row in op.conn.execute(f"SELECT j.message_id, a.ROWID, {sel} FROM message_attachment_join j "
                                   "JOIN attachment a ON a.ROWID = j.attachment_id ORDER BY j.message_id, a.ROWID"):
            out.setdefault(int(row[0]), []).append(AttachmentRow(*row[1:]))
    except Exception as exc:  # noqa: BLE001 - damaged pages: keep what was read, say so
        warnings.append(ImportWarning(f"{op.db.name}: part of the attachment table could not be read ({exc}); "
                                      "messages whose attachments were lost there are imported without them.",
                                      location=str(op.db)))
    return out


def read_database(db_path: Path, resolve_attachment: Resolver, ctx: JobContext, *,
                  source_label: str, app: str = APP) -> Iterator[Record]:
    """Stream the records of one Messages database (see the module docstring). `resolve_attachment`
    may also hand out an opener instead of a path (an encrypted backup's file, decrypted as read).

    `source_label` names where it came from in messages and locations ("chat.db",
    "iPhone backup sms.db"); `app` is the SourceRec app (the same "imessage" from a Mac and an
    iPhone, so their conversations merge). Raises `InputError` naming the file when it is no
    readable SQLite database or not a Messages one; damage past the start is read around, with an
    `ImportWarning` naming what was lost.
    """
    op = dbread.Opened(db_path)
    try:
        yield from _read(op, resolve_attachment, ctx, source_label, app)
    finally:
        op.close()


def _read(op: dbread.Opened, resolve: Resolver, ctx: JobContext, label: str, app: str) -> Iterator[Record]:
    warnings: list[ImportWarning] = list(op.notes)
    account = account_of(op)
    yield SourceRec(app=app, account=account, display_name=f"Messages ({account})" if account else "Messages",
                    me_name=None, complete=True)
    yield ParticipantRec(key=ME_KEY, display_name=None, is_me=True, extra={"handle": account} if account else {})
    chats = Chats.load(op, warnings)
    reactions = Reactions.load(op, ctx, chats)
    mapper = Mapper(op.db, label, resolve, _attachments(op, warnings), reactions, chats)
    try:
        total = op.conn.execute("SELECT max(ROWID) FROM message").fetchone()[0] or 0
    except Exception:  # noqa: BLE001 - only progress depends on it
        total = 0
    ctx.set_total(items=total or None)
    sel = op.select("message", MESSAGE_COLUMNS, "message")
    head = f"SELECT message.ROWID, NULL, {sel} FROM message"          # (the chat: `Chats.chat_of`)
    read = 0
    for row in dbread.rows(op, head, ctx, warnings):
        read += 1
        yield from mapper.row(row)
        if read % 200 == 0:                     # (bodies are parsed per row: stay prompt to a cancel)
            ctx.check()
            ctx.set_position(items=row[0])
    if not read and warnings:
        raise InputError(f"{op.db.name} is damaged: none of its messages can be read ({warnings[-1].message})",
                         location=str(op.db),
                         hint="Copy the Messages folder again (quit Messages first so the copy is complete).")
    yield from mapper.orphans()
    yield from warnings
