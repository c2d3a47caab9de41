"""RELIABILITY.md row 9: a flipped byte anywhere in vault.db is found by `check` and named."""

from __future__ import annotations

import random
import shutil
from pathlib import Path

from chatvault.check import CheckReport, check_database


def test_200_random_byte_flips_are_all_reported(vault, tmp_path: Path) -> None:
    conn = vault.connect()
    conn.execute("INSERT INTO sources(app, account, created_at) VALUES ('test', '', 0)")
    conn.execute("INSERT INTO conversations(source_id, source_key, title, created_at) VALUES (1, 'c', 'Chat', 0)")
    conn.executemany("INSERT INTO messages(conversation_id, source_key, ts, text) VALUES (1, ?, ?, ?)",
                     [(f"k{i}", i, f"message number {i} " * 5) for i in range(3000)])
    conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    page_size = int(conn.execute("PRAGMA page_size").fetchone()[0])
    conn.close()
    assert vault.open_connections() == 0
    db = vault.db_path
    pristine = tmp_path / "pristine.db"
    shutil.copyfile(db, pristine)
    data = pristine.read_bytes()
    assert len(data) > 20 * page_size
    report = CheckReport()
    check_database(vault, report)
    assert report.ok, report.to_json()
    rnd = random.Random(9)
    missed = []
    for _ in range(200):
        offset = rnd.randrange(16, len(data))  # the first 16 bytes are SQLCipher's salt
        damaged = bytearray(data)
        damaged[offset] ^= 1 << rnd.randrange(8)
        db.write_bytes(bytes(damaged))
        for side in ("-wal", "-shm"):
            Path(str(db) + side).unlink(missing_ok=True)
        report = CheckReport()
        check_database(vault, report)
        if report.ok:
            missed.append(offset)
        else:
            page = offset // page_size + 1
            text = " ".join(p.message for p in report.problems)
            assert str(page) in text or "first page" in text, (offset, text)
    assert missed == []
    shutil.copyfile(pristine, db)
