"""DiscordChatExporter JSON (issue #23 item 4): every message kind, media downloaded beside the export
linked, links kept as remote, reactions with who, replies, edits, calls, notices; a folder of channel
files; a later export adding only what is new (Discord's own ids)."""

from __future__ import annotations

from pathlib import Path

from chatvault.importers import registry
from chatvault.importers.base import ImportOptions
from chatvault.ingest.engine import run_import
from chatvault.jobs.context import JobContext
from chatvault.model import AttachmentStatus, ConversationRec, MessageKind, MessageRec
from tests import discord_fixtures as df


def _read(path: Path) -> list:
    return list(registry.get("discord").read(path, ImportOptions(), JobContext()))


def test_every_kind_is_read_with_its_media_reactions_and_reply(tmp_path):
    path = df.write(tmp_path / "export", "Friends", df.every_kind("Friends.json_Files"))
    assert registry.detect(path)[0][0].name == "discord"
    recs = _read(path)
    conv = next(r for r in recs if isinstance(r, ConversationRec))
    assert conv.title == "Friends 朋友" and conv.kind == "group"
    msgs = {r.source_id: r for r in recs if isinstance(r, MessageRec)}
    assert len(msgs) == 11
    assert msgs["900000"].sender_name == "Alice 🌸" and msgs["900000"].ts.utcoffset().total_seconds() == 7200
    assert msgs["900001"].edited and msgs["900001"].edited_ts is not None
    assert msgs["900002"].reply_to == "900000"
    cat = msgs["900003"]
    assert cat.kind == MessageKind.IMAGE and cat.attachments[0].status == AttachmentStatus.STORED
    pdf = msgs["900004"].attachments[0]
    assert pdf.status == AttachmentStatus.MISSING and pdf.extra == {"remote": True}
    assert msgs["900005"].kind == MessageKind.LINK and msgs["900005"].extra["title"] == "Example"
    assert msgs["900006"].kind == MessageKind.STICKER
    assert [r["by"] for r in msgs["900007"].extra["reactions"]] == ["Alice 🌸", "鲍勃"]
    assert msgs["900008"].kind == MessageKind.CALL and msgs["900008"].extra["duration_seconds"] == 12 * 60
    assert msgs["900009"].kind == MessageKind.SYSTEM and msgs["900009"].extra["users"] == ["Alice 🌸"]
    assert msgs["900010"].extra["pinned"] is True


def test_a_folder_of_channels_imports_and_a_later_export_adds_only_new(vault, tmp_path):
    folder = tmp_path / "dce"
    df.write(folder, "Friends", df.every_kind("Friends.json_Files"))
    df.write(folder, "general", [df.message(50, df.ALICE, "server hello")],
             guild={"id": "7", "name": "Chiptune"}, channel={"id": "g1", "type": "GuildTextChat", "name": "general"},
             media=False)
    r1 = run_import(vault, folder)
    assert r1.added == 12 and r1.unparsed == 0 and r1.attachments_stored == 1
    later = tmp_path / "later"
    df.write(later, "Friends", [*df.every_kind("Friends.json_Files"), df.message(11, df.BOB, "new one")])
    r2 = run_import(vault, later)
    assert r2.added == 1 and r2.already_present == 11
    conn = vault.connect(readonly=True)
    titles = {r[0] for r in conn.execute("SELECT title FROM conversations")}
    conn.close()
    assert titles == {"Friends 朋友", "Chiptune · #general"}
