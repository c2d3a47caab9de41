"""The prepared-message row (ingest/rows.py) and the run-owned tree cache (importers/openers.py)."""

from __future__ import annotations

import io
import os
import pickle
import zipfile
from datetime import datetime, timedelta, timezone
from pathlib import Path

from chatvault.importers.base import ImportOptions
from chatvault.importers.filetree import FileTree
from chatvault.importers.openers import TreeCache, TreeMember
from chatvault.ingest import parse, rows
from chatvault.ingest.engine import run_import
from chatvault.ingest.keys import Keyer
from chatvault.model import AttachmentRef, ConversationRec, MessageKind, MessageRec
from tests.import_fixtures import whatsapp_locale, write_zip

UTC = ImportOptions(options={"tz": "UTC"})


def _open_fds_to(path: Path) -> list[str]:
    """This process's open file descriptors that point at `path` (Linux /proc)."""
    out = []
    for fd in os.listdir("/proc/self/fd"):
        try:
            if os.readlink(f"/proc/self/fd/{fd}") == str(path.resolve()):
                out.append(fd)
        except OSError:
            continue
    return out


def test_a_row_reads_back_by_name_and_survives_the_pipe(tmp_path: Path) -> None:
    """What the parser encodes is what the writer reads, field by field, also after the parse
    process's frame (marshal, attachments pickled inside) and with the attachment still openable."""
    media = tmp_path / "m.zip"
    with zipfile.ZipFile(media, "w") as zf:
        zf.writestr("photo.jpg", b"\xff\xd8\xff" + b"x" * 100)
    tree = FileTree(media)
    ts = datetime(2021, 5, 6, 7, 8, 9, tzinfo=timezone(timedelta(hours=8)))
    rec = MessageRec(conversation_key="chat", ts=ts, kind=MessageKind.TEXT, text="你好 world", sender_key="u1",
                     sender_name="Ann", source_id="42", reply_to="41", edited=True, edited_ts=ts + timedelta(minutes=1),
                     extra={"memo": "m"}, location="msg.json:3",
                     attachments=[AttachmentRef(name="photo.jpg", open=TreeMember(tree, "photo.jpg"))])
    row = rows.encode(rec, Keyer())
    chunk = [ConversationRec(key="chat", title="Chat"), row]
    frame = io.BytesIO()
    parse._send_chunk(frame, chunk, 123)
    got, position = parse._decode_chunk(frame.getvalue()[8:])
    tree.close()
    assert position == 123 and got[0].key == "chat"
    p = rows.named(got[1])
    assert (p.conversation_key, p.text, p.sender_key, p.sender_name, p.source_id, p.reply_to, p.edited) == \
        ("chat", "你好 world", "u1", "Ann", "42", "41", True)
    assert p.ms == int(ts.timestamp() * 1000) and p.tz == 480 and p.edited_at == p.ms + 60000
    assert p.location == "msg.json:3" and p.kind == "text" and '"memo"' in (p.extra or "")
    assert got[1][rows.KEY] == row[rows.KEY] and got[1][rows.LOCATION] == "msg.json:3"
    with TreeCache() as trees, trees.open(p.attachments[0].open) as fh:
        assert fh.read(3) == b"\xff\xd8\xff"
    values = rows.message_values(7, 3, got[1], 9, 5)
    assert (values[rows.V_ID], values[rows.V_CONV], values[rows.V_KEY], values[rows.V_TEXT],
            values[rows.V_EDITED_AT]) == (7, 3, p.key, "你好 world", p.edited_at)


def test_tree_cache_is_the_runs_and_closes_with_it(tmp_path: Path) -> None:
    """Members that crossed from the parse process reopen their export once per run, and nothing
    stays open after the run; a member opened outside any run keeps no file open either."""
    export = tmp_path / "e.zip"
    with zipfile.ZipFile(export, "w") as zf:
        for i in range(3):
            zf.writestr(f"f{i}.bin", bytes([i]) * 10)
    with FileTree(export) as tree:
        members = [pickle.loads(pickle.dumps(TreeMember(tree, f"f{i}.bin"))) for i in range(3)]
    assert _open_fds_to(export) == []
    with TreeCache() as trees:
        for i, m in enumerate(members):
            with trees.open(m) as fh:
                assert fh.read() == bytes([i]) * 10
        assert len(trees) == 1 and len(_open_fds_to(export)) == 1          # one tree for the run
    assert len(trees) == 0 and _open_fds_to(export) == []
    with members[1]() as fh:                                                # no run: a tree of its own
        assert fh.read() == b"\x01" * 10
    assert _open_fds_to(export) == []


def test_an_import_leaves_the_export_closed(vault, tmp_path: Path, monkeypatch) -> None:
    """Media that crossed from the parse process are stored, and after the run the export is not
    held open (it can be moved or deleted); a later run fills missing media through its own cache."""
    monkeypatch.setenv("CHATVAULT_IMPORT_PROCESS", "1")
    ex = whatsapp_locale("en")
    bare = write_zip(tmp_path / "WhatsApp Chat with Trip.zip", "WhatsApp Chat with Trip.txt", ex.lines, {})
    first = run_import(vault, bare, options=UTC)
    assert first.outcome == "ok" and first.attachments_stored == 0 and first.attachments_missing == 4
    full = tmp_path / "later" / "WhatsApp Chat with Trip.zip"
    full.parent.mkdir()
    write_zip(full, "WhatsApp Chat with Trip.txt", ex.lines, ex.media)
    again = run_import(vault, full, options=UTC)
    assert again.added == 0 and again.attachments_filled == 3 and again.attachments_stored == 3
    assert _open_fds_to(full) == [] and _open_fds_to(bare) == []
