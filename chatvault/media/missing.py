"""Missing and expired media: what an export mentioned but did not contain, and where to look for it.

Shared by `chatvault media missing` and the GUI. A later import, `media add` or a watch folder that
captures the file fills the same attachment row (`attach.find_missing`).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime

from chatvault.store.db import Connection

# Where each messenger keeps the files an export leaves out (shown to the user as a hint).
WHERE_TO_LOOK = {
    "whatsapp": "the phone's WhatsApp/Media folder (Android: Android/media/com.whatsapp/WhatsApp/Media), "
                "or export the chat again with \"Include media\"",
    "telegram": "Telegram Desktop's download folder, or export again with the media types ticked",
    "wechat": "WeChat Files/<account>/FileStorage (Image, Video, File) on the computer, if it was "
              "opened there before it expired",
    "imessage": "the Mac's ~/Library/Messages/Attachments (copy the whole Messages folder, with Full Disk "
                "Access); with Messages in iCloud, open the conversation on the Mac first so it downloads them",
}


@dataclass(frozen=True)
class MissingMedia:
    attachment_id: int
    status: str                 # missing | expired
    name: str | None
    expected_path: str | None
    size: int | None
    mime: str | None
    message_id: int
    ts: int
    kind: str
    sender: str | None
    conversation_id: int
    conversation: str | None
    app: str

    @property
    def date(self) -> str:
        return datetime.fromtimestamp(self.ts / 1000, UTC).strftime("%Y-%m-%dT%H:%M:%SZ")

    @property
    def where_to_look(self) -> str:
        return WHERE_TO_LOOK.get(self.app, "the folder the messenger saves media to")

    def to_json(self) -> dict:
        d = dict(self.__dict__)
        del d["ts"]
        return d | {"date": self.date, "where_to_look": self.where_to_look}


def missing_media(conn: Connection, conversation_id: int | None = None, limit: int = 10000,
                  offset: int = 0) -> list[MissingMedia]:
    sql = ("SELECT a.id, a.status, a.original_name, a.expected_path, a.size, a.mime, m.id, m.ts, m.kind, "
           "coalesce(p.display_name, p.source_key), c.id, c.title, s.app FROM attachments a "
           "JOIN messages m ON m.id = a.message_id JOIN conversations c ON c.id = m.conversation_id "
           "JOIN sources s ON s.id = c.source_id LEFT JOIN participants p ON p.id = m.sender_id "
           "WHERE a.status IN ('missing', 'expired')")
    params: list = []
    if conversation_id is not None:
        sql += " AND m.conversation_id = ?"
        params.append(conversation_id)
    sql += " ORDER BY c.id, m.ts, a.id LIMIT ? OFFSET ?"
    params += [int(limit), int(offset)]
    return [MissingMedia(int(r[0]), r[1], r[2], r[3], r[4], r[5], int(r[6]), int(r[7]), r[8], r[9], int(r[10]),
                         r[11], r[12]) for r in conn.execute(sql, params).fetchall()]
