"""Slack workspace exports (issue #23 item 3): public and private channels and DMs, threads as
replies, edits, reactions with who, mentions and links made readable, files kept as remote links,
bots, deleted-message tombstones; a zip or its folder; a later export adds only what is new."""

from __future__ import annotations

from chatvault.importers import registry
from chatvault.importers.base import ImportOptions
from chatvault.ingest.engine import run_import
from chatvault.jobs.context import JobContext
from chatvault.model import AttachmentStatus, ConversationRec, MessageKind, MessageRec, SourceRec
from tests import slack_fixtures as sf


def test_every_kind_of_a_workspace_export_is_read(tmp_path):
    path = sf.zipped(sf.write(tmp_path / "ws"), tmp_path / "Acme Slack export.zip")
    assert registry.detect(path)[0][0].name == "slack"
    recs = list(registry.get("slack").read(path, ImportOptions(), JobContext()))
    assert next(r for r in recs if isinstance(r, SourceRec)).account == "T9"
    convs = {r.key: r for r in recs if isinstance(r, ConversationRec)}
    assert convs["C1"].title == "#general" and convs["C1"].extra["topic"] == "all hands"
    assert convs["G1"].title == "secret-plans" and convs["D1"].title == "Ana 🌸, 张伟"
    msgs = {r.source_id: r for r in recs if isinstance(r, MessageRec)}
    by_text = {r.text: r for r in msgs.values()}
    assert "hi @张伟, see #general and the site (https://example.org) & more" in by_text
    reply = by_text["in the thread"]
    assert reply.reply_to == f"{sf.T0 + 120}.000002" and reply.reply_to in msgs
    start = by_text["thread start"]
    assert [(r["emoji"], r["by"]) for r in start.extra["reactions"]] == [("👍", "Ana 🌸"), ("👍", "张伟")]
    assert by_text["fixed typo"].edited
    pdf = next(m for m in msgs.values() if m.kind == MessageKind.FILE)
    att = pdf.attachments[0]
    assert att.name == "plan.pdf" and att.status == AttachmentStatus.MISSING and att.extra["remote"] is True
    assert att.expected_path == "https://files.slack.com/F1/plan.pdf"
    bot = next(m for m in msgs.values() if m.extra.get("bot"))
    assert bot.sender_name == "ci-bot" and "Build #7 passed" in bot.text and bot.kind == MessageKind.LINK
    assert any(m.kind == MessageKind.RECALLED for m in msgs.values())
    assert any(m.kind == MessageKind.SYSTEM and m.extra["system"] == "joined" for m in msgs.values())


def test_a_later_export_adds_only_what_is_new(vault, tmp_path):
    r1 = run_import(vault, sf.write(tmp_path / "one"))
    assert r1.added == 11 and r1.unparsed == 0
    r2 = run_import(vault, sf.write(tmp_path / "two", extra_general=[sf.msg(9, "U2", "one more")]))
    assert r2.added == 1 and r2.already_present == 11
