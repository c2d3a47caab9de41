"""sms.db inside an iPhone backup: the iMessage corpus (tests/imessage_corpus.py) as the iPhone keeps it.

The corpus is built as a Mac folder, then made the phone's: attachment paths become
`~/Library/SMS/Attachments/…` (every third one `/var/mobile/Library/SMS/Attachments/…`, as older iOS
wrote them), sms.db goes to HomeDomain and each attachment file to MediaDomain.
"""

from __future__ import annotations

import sqlite3
from pathlib import Path

from tests import imessage_corpus
from tests.iosbackup_fixtures import BackupBuilder

MAC = "~/Library/Messages/Attachments/"


def add_messages(b: BackupBuilder, work: Path, n: int = 1200, **kw) -> imessage_corpus.Corpus:
    corpus = imessage_corpus.build(work / "Messages", n, **kw)
    con = sqlite3.connect(corpus.db)
    rows = con.execute("SELECT ROWID, filename FROM attachment WHERE filename LIKE ?", (MAC + "%",)).fetchall()
    for rowid, name in rows:
        sub = name[len(MAC):]
        phone = ("/var/mobile/Library/SMS/Attachments/" if rowid % 3 == 0 else "~/Library/SMS/Attachments/") + sub
        con.execute("UPDATE attachment SET filename = ? WHERE ROWID = ?", (phone, rowid))
        f = corpus.root / "Attachments" / sub
        if f.is_file():
            b.add("MediaDomain", f"Library/SMS/Attachments/{sub}", f.read_bytes(), protection=3)
    con.commit()
    con.close()
    b.add("HomeDomain", "Library/SMS/sms.db", corpus.db.read_bytes())
    return corpus
