"""The iMessage inputs the conformance suite runs on (wrapped in `tests/conformance_formats.py`)."""

from __future__ import annotations

from pathlib import Path

from chatvault.model import MessageRec, Record, Unparsed
from tests import imessage_corpus as K
from tests.imessage_fixtures import DB, at, text_cols


def valid(tmp: Path) -> tuple[Path, int, Path]:
    """(the Messages folder, its message rows, chat.db): every kind, 64 numbered messages."""
    c = K.build(tmp / "Messages", 64, "15")
    return c.root, c.rows, c.db


def texts(tmp: Path, texts: list[str]) -> tuple[Path, int, Path]:
    db = DB(tmp / "Messages" / "chat.db", "15", tmp / "Messages")
    h = db.handle("+15550100001")
    chat = db.chat("iMessage;-;+15550100001", "+15550100001", [h])
    for i, t in enumerate(texts):
        db.message(chat, f"GUID-{i:08d}", at(i), handle_id=h, is_from_me=i % 2, **text_cols("15", t))
    db.close()
    return db.path.parent, len(texts), db.path


def accounted(recs: list[Record]) -> int:
    """Rows: each message row is a message or an `Unparsed` record, and a tapback row one entry of the
    `reaction_history` of the message it reacts to."""
    return sum(1 + (len(r.extra.get("reaction_history", ())) if isinstance(r, MessageRec) else 0)
               for r in recs if isinstance(r, MessageRec | Unparsed))
