"""Feeds: conversations that are not chats, such as WeChat Moments (朋友圈) and Favorites (收藏).

A Moments post or a Favorites item is stored as a message in its account's feed conversation, so
search, missing-at-source marking, exports, holds and retention treat it like any message; the
`feed` column tells the chat list to leave these out (they have their own views). NULL is a chat.
"""

from __future__ import annotations

STATEMENTS = [
    "ALTER TABLE conversations ADD COLUMN feed TEXT",
    "CREATE INDEX conversations_by_feed ON conversations (feed) WHERE feed IS NOT NULL",
]


def up(conn) -> None:
    for statement in STATEMENTS:
        conn.execute(statement)
