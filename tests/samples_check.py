"""Real exports from ../shared/samples (CHATVAULT_SAMPLES) must import: run by `make samples`.

Each area appends its own test functions below.
"""

from __future__ import annotations

import os
from pathlib import Path

SAMPLES = Path(os.environ.get("CHATVAULT_SAMPLES", Path(__file__).resolve().parents[2] / "shared" / "samples"))


def test_wechat_dat_sample_decodes_to_a_jpeg() -> None:
    """WechatImageDecoder/test.dat: a one-byte-XOR JPEG; the key is found from the magic alone."""
    import io

    from PIL import Image

    from chatvault.importers.wechat.dat import decode_dat, detect_key

    data = (SAMPLES / "wechat" / "WechatImageDecoder" / "test.dat").read_bytes()
    assert detect_key(data) == (0x51, "jpg")
    image, ext = decode_dat(data)
    assert ext == "jpg" and image[:3] == b"\xff\xd8\xff" and image[-2:] == b"\xff\xd9"
    with Image.open(io.BytesIO(image)) as im:
        im.load()
        assert im.format == "JPEG" and im.size == (460, 460)


# --- WhatsApp and Telegram (import engine) ------------------------------------------------------
# Messages each real export holds (system lines included), counted by hand from the files.
EXPECTED_MESSAGES = {
    "whatsapp/chat-analytics/1A_3M.txt": 3, "whatsapp/chat-analytics/2A_5M.txt": 5,
    "whatsapp/chat-analytics/4A_11M.txt": 14, "whatsapp/chat-analytics/4A_11M.zip": 14,
    "whatsapp/chat-miner/test_[mmddyy]_24hrs.txt": 9, "whatsapp/chat-miner/test_dateformat1.txt": 10,
    "whatsapp/chat-miner/test_dateformat2.txt": 4, "whatsapp/chat-miner/test_dateformat3.txt": 4,
    "whatsapp/chat-miner/test_dateformat4.txt": 4, "whatsapp/chat-miner/test_dateformat5.txt": 4,
    "whatsapp/chat-miner/test_dateformat6.txt": 4, "whatsapp/chat-miner/test_ddmmyy_24hrs.txt": 9,
    "whatsapp/chat-miner/test_mmddyy_24hrs.txt": 9, "whatsapp/chat-miner/test_mmddyyyy_12hrs.txt": 9,
    "whatsapp/chat-miner/test_unicode.txt": 3, "whatsapp/chat-miner/test_yyyymmdd_24hrs.txt": 9,
    "whatsapp/chat-miner/testlog.txt": 23, "whatsapp/whatstk/lorem.txt": 500,
    "whatsapp/whatstk/lorem-merge-part1.txt": 300, "telegram/chat-analytics/DM_2A_7M.json": 8,
    "telegram/chat-analytics/MultiChat_2C_6M.json": 6, "telegram/chat-miner/test_batch_export.json": 2,
    "telegram/chat-miner/test_single_export.json": 2,
}


def _chat_samples() -> list[str]:
    found = []
    for app, pattern in (("whatsapp", "*.txt"), ("whatsapp", "*.zip"), ("telegram", "*.json")):
        for p in sorted((SAMPLES / app).rglob(pattern)):
            if not p.name.endswith(".expected.json"):
                found.append(str(p.relative_to(SAMPLES)))
    return found


import pytest  # noqa: E402  (appended section)


@pytest.mark.parametrize("rel", _chat_samples())
def test_whatsapp_and_telegram_samples_import(vault, rel: str) -> None:
    """Every WhatsApp and Telegram sample imports into a fresh vault, completely, and twice adds nothing."""
    from chatvault.importers.base import ImportOptions
    from chatvault.importers.whatsapp.dateorder import DateOrderNeeded
    from chatvault.ingest.engine import run_import

    path = SAMPLES / rel
    opts = ImportOptions(options={"tz": "UTC"})
    try:
        report = run_import(vault, path, options=opts)
    except DateOrderNeeded as exc:   # every date reads both ways: the user answers (here: day first)
        assert "--date-order DMY" in (exc.hint or "") and "--date-order MDY" in (exc.hint or "")
        opts = ImportOptions(options={"tz": "UTC", "date_order": "DMY"})
        report = run_import(vault, path, options=opts)
    assert report.outcome == "ok", report.to_json()
    assert report.format == rel.split("/")[0]
    assert report.unparsed == 0 and report.added > 0
    if rel in EXPECTED_MESSAGES:
        assert report.added == EXPECTED_MESSAGES[rel]
    conn = vault.connect(readonly=True)
    try:
        senders = conn.execute("SELECT count(DISTINCT sender_id) FROM messages WHERE sender_id IS NOT NULL").fetchone()[0]
        first, last = conn.execute("SELECT min(ts), max(ts) FROM messages").fetchone()
    finally:
        conn.close()
    assert senders >= 1 and 946684800000 <= first <= last < 1893456000000   # 2000 .. 2030
    again = run_import(vault, path, options=opts)
    assert again.added == 0 and again.already_present == report.added


# --- iMessage (imessage-exporter's test data: typedstream bodies, balloon and edit plists) --------
IMESSAGE = SAMPLES / "imessage" / "imessage-exporter"
# streamtyped sample → the text it holds (ExtraData's declared length overruns the blob: salvaged)
IMESSAGE_BODIES = {
    "streamtyped_AttributedBodyTextOnly": "Noter test",
    "streamtyped_AttributedBodyTextOnly2": "Test 3",
    "streamtyped_Blank": "",
    "streamtyped_ExtraData": "This is parsing  ",
    "streamtyped_MultiPart": "\ufffctest 1\ufffctest 2 \ufffctest 3",
    "streamtyped_URL": "https://github.com/ReagentX/Logria",
    "streamtyped_WeirdText": "𝖍𝖊𝖑𝖑𝖔 𝖜𝖔𝖗𝖑𝖉",
}
# payload sample → (balloon bundle, kind, text, url or None)
_APP = "com.apple.messages.MSMessageExtensionBalloonPlugin:0000000000:"
IMESSAGE_BALLOONS = {
    "app_message_ApplePayRecurring.plist": (_APP + "com.apple.PassbookUIService.PeerPaymentMessagesExtension",
                                            "payment", "Apple Cash: Sending you $1 weekly starting Nov 18, 2023", None),
    "app_message_Sent265.plist": (_APP + "com.apple.PassbookUIService.PeerPaymentMessagesExtension", "payment",
                                  "Sent $265 with Apple Pay.", None),
    "app_message_Business.plist": (_APP + "com.apple.icloud.apps.messages.business.extension", "text",
                                   "Business: Yes, connect me with Goldman Sachs.", None),
    "app_message_CheckinEnded.plist": (_APP + "com.apple.SafetyMonitorApp.SafetyMonitorMessages", "text",
                                       "Check In: Ended", None),
    "app_message_CheckinLate.plist": (_APP + "com.apple.SafetyMonitorApp.SafetyMonitorMessages", "text",
                                      "Check In: Has not checked in when expected, location shared", None),
    "app_message_CheckinLocation.plist": (_APP + "com.apple.SafetyMonitorApp.SafetyMonitorMessages", "text",
                                          "Check In: Fake Location", None),
    "app_message_CheckinTimer.plist": (_APP + "com.apple.SafetyMonitorApp.SafetyMonitorMessages", "text",
                                       "Check In: Timer Started", None),
    "app_message_FindMy.plist": (_APP + "com.apple.findmy.FindMyMessagesApp", "location",
                                 "Find My: Started Sharing Location", None),
    "app_message_Game.plist": (_APP + "com.gamerdelights.gamepigeon.ext", "text", "GamePigeon: Dots & Boxes", None),
    "app_message_OpenTableInvited.plist": (_APP + "com.contextoptional.OpenTable.Messages", "link",
                                           "OpenTable: Table for 4 people\nSunday, October 17 at 7:45 PM — You're "
                                           "invited! Tap to accept. — Rusty Grill - Boise — Reservation Confirmed",
                                           "https://www.opentable.com/book/view?rid=0000000&confnumber=00000"
                                           "&invitationId=1234567890-abcd-def-ghij-4u5t1sv3ryc00l"),
    "app_message_Slideshow.plist": (_APP + "com.apple.mobileslideshow.PhotosMessagesApp", "link",
                                    "Home - 37 Photos", "https://share.icloud.com/photos/1337h4x0r_jk#Home"),
    "url_message_MetadataURL.plist": ("com.apple.messages.URLBalloonProvider", "link",
                                      "Christopher Sardegna — Sample page description\nhttps://chrissardegna.com",
                                      "https://chrissardegna.com"),
    "url_message_Reminder.plist": ("com.apple.messages.URLBalloonProvider", "link",
                                   "https://www.icloud.com/reminders/ZmFrZXVybF9mb3JfcmVtaW5kZXI#TestList",
                                   "https://www.icloud.com/reminders/ZmFrZXVybF9mb3JfcmVtaW5kZXI#TestList"),
    "url_message_Twitter.plist": ("com.apple.messages.URLBalloonProvider", "link",
                                  "Christopher Sardegna on Twitter — “Hello Twitter, meet Bella”\n"
                                  "https://twitter.com/rxcs/status/1175874352946077696",
                                  "https://twitter.com/rxcs/status/1175874352946077696"),
    "url_message_URL.plist": ("com.apple.messages.URLBalloonProvider", "link",
                              "Christopher Sardegna\nhttps://chrissardegna.com", "https://chrissardegna.com"),
}
# edit sample → (every version's text, unsent parts)
IMESSAGE_EDITS = {
    "edited_message_Edited.plist": (["First message  ", "Edit 1", "Edit 2", "Edited message"], []),
    "edited_message_EditedToLink.plist": (["here we go!", "https://github.com/ReagentX/imessage-exporter/issues/10"],
                                          []),
    "edited_message_EditedToLinkAndBack.plist": (["This is a normal message",
                                                  "Edit to a url https://github.com/ReagentX/imessage-exporter/"
                                                  "issues/10", "And edit it back to a normal message..."], []),
    "edited_message_Deleted.plist": ([], [0]),
}


def test_imessage_samples_are_all_checked() -> None:
    names = {p.name for p in IMESSAGE.iterdir()}
    assert names == set(IMESSAGE_BODIES) | set(IMESSAGE_BALLOONS) | set(IMESSAGE_EDITS)


def test_imessage_typedstream_samples_decode() -> None:
    from chatvault.importers.imessage import typedstream

    for name, text in IMESSAGE_BODIES.items():
        assert typedstream.text_of((IMESSAGE / name).read_bytes()) == text, name
    multi = typedstream.attributed_text((IMESSAGE / "streamtyped_MultiPart").read_bytes())
    assert multi.parts() == {0: "\ufffc", 1: "test 1", 2: "\ufffc", 3: "test 2 ", 4: "\ufffc", 5: "test 3"}
    assert multi.attr_values("__kIMFileTransferGUIDAttributeName")[2].startswith("at_4_")
    url = typedstream.attributed_text((IMESSAGE / "streamtyped_URL").read_bytes())
    assert url.attr_values("__kIMLinkAttributeName") == ["https://github.com/ReagentX/Logria"]


def test_imessage_samples_import_in_a_chat_db(tmp_path) -> None:
    """Each sample blob stored in a Messages database as Messages stores it, then imported."""
    from chatvault.importers.base import ImportOptions
    from chatvault.importers.imessage.importer import IMessageImporter
    from chatvault.jobs.context import JobContext
    from chatvault.model import MessageRec
    from tests.imessage_fixtures import DB, at

    db = DB(tmp_path / "Messages" / "chat.db", "15", tmp_path / "Messages")
    h = db.handle("+15550100001")
    chat = db.chat("iMessage;-;+15550100001", "+15550100001", [h])
    for i, name in enumerate(IMESSAGE_BODIES):
        db.message(chat, name, at(i), handle_id=h, text=None, attributedBody=(IMESSAGE / name).read_bytes())
    for i, (name, (bundle, *_)) in enumerate(IMESSAGE_BALLOONS.items()):
        db.message(chat, name, at(100 + i), handle_id=h, text="\ufffc", balloon_bundle_id=bundle,
                   payload_data=(IMESSAGE / name).read_bytes())
    for i, name in enumerate(IMESSAGE_EDITS):
        unsent = name.endswith("Deleted.plist")
        db.message(chat, name, at(200 + i), handle_id=h, is_from_me=1,
                   text=None if unsent else IMESSAGE_EDITS[name][0][-1],
                   message_summary_info=(IMESSAGE / name).read_bytes(), date_edited=None if unsent else at(201 + i),
                   date_retracted=at(201 + i) if unsent else None)
    db.close()
    recs = IMessageImporter().read(tmp_path / "Messages", ImportOptions(), JobContext())
    msgs = {r.source_id: r for r in recs if isinstance(r, MessageRec)}
    for name, text in IMESSAGE_BODIES.items():
        assert msgs[name].text == (text.replace("\ufffc", "").strip() or None), name
    for name, (_b, kind, text, url) in IMESSAGE_BALLOONS.items():
        m = msgs[name]
        assert (m.kind, m.text, m.extra.get("url")) == (kind, text, url), name
    assert msgs["app_message_Sent265.plist"].extra["amount"] == "$265"
    for name, (versions, unsent) in IMESSAGE_EDITS.items():
        m = msgs[name]
        assert [e["text"] for e in m.extra.get("edits", [])] == versions, name
        if unsent:
            assert m.kind == "recalled" and m.extra["unsent"]["parts"] == unsent and m.extra["recalled_by_me"]
        else:
            assert m.edited and m.text == versions[-1]
# --- Meta (Messenger, Instagram) ----------------------------------------------------------------
META_EXPECTED = {"messenger/chat-miner/testlog.json": 2, "messenger/chat-analytics/2A_7M.json": 7,
                 "instagram/chat-miner/test_export.json": 2, "instagram/chat-miner/testlog.json": 13}


@pytest.mark.parametrize("rel", sorted(META_EXPECTED))
def test_meta_samples_import_with_names_repaired(vault, rel: str) -> None:
    """Every Messenger and Instagram sample is detected as Meta, imports completely (nothing unparsed),
    with Meta's mojibake repaired, and a second import adds nothing."""
    from chatvault.importers import registry
    from chatvault.importers.base import ImportOptions
    from chatvault.ingest.engine import run_import

    path = SAMPLES / rel
    assert registry.detect(path)[0][0].name == "meta"
    app = rel.split("/")[0]
    opts = ImportOptions(options={"meta_app": app})
    report = run_import(vault, path, options=opts)
    assert report.outcome == "ok" and report.unparsed == 0, report.to_json()
    assert report.added == META_EXPECTED[rel]
    conn = vault.connect(readonly=True)
    try:
        names = {r[0] for r in conn.execute("SELECT display_name FROM participants")}
        apps = {r[0] for r in conn.execute("SELECT app FROM sources")}
    finally:
        conn.close()
    assert apps == {app}
    assert not [n for n in names if n and ("â" in n or "Ã" in n or "ð" in n)], names     # no mojibake left
    if rel == "instagram/chat-miner/testlog.json":
        assert "J❤️hn Doe" in names
    again = run_import(vault, path, options=opts)
    assert again.added == 0 and again.already_present == report.added


# --- LINE -----------------------------------------------------------------------------------------
# The desktop file repeats two lines of its first day word for word (same minute, sender and text):
# one message each, as the import engine keeps identical messages of one chat once.
LINE_EXPECTED = {"line/line2json/talk-mobile.txt": 22, "line/line2json/talk-pc.txt": 22}


@pytest.mark.parametrize("rel", sorted(LINE_EXPECTED))
def test_line_samples_import_and_agree_with_the_expected_parse(vault, rel: str) -> None:
    """Both LINE samples (phone with tabs and quotes, desktop with spaces) import with nothing unparsed,
    and every text message line2json expects is there with its day, time, sender and words."""
    import json

    from chatvault.importers.base import ImportOptions
    from chatvault.ingest.engine import run_import

    path = SAMPLES / rel
    opts = ImportOptions(options={"tz": "UTC"})
    report = run_import(vault, path, options=opts)
    assert report.format == "line" and report.outcome == "ok" and report.unparsed == 0, report.to_json()
    assert report.added == LINE_EXPECTED[rel]
    conn = vault.connect(readonly=True)
    try:
        rows = conn.execute("SELECT strftime('%Y/%m/%d %H:%M', m.ts / 1000, 'unixepoch'), p.display_name, m.text "
                            "FROM messages m LEFT JOIN participants p ON p.id = m.sender_id").fetchall()
    finally:
        conn.close()
    have = {(when, who, " ".join((text or "").split())) for when, who, text in rows}
    expected = json.loads((SAMPLES / "line/line2json/expected.txt").read_text(encoding="utf-8"))
    for e in expected:
        assert (f"{e['date']} {e['time']}", e["user"], " ".join(e["message"].split())) in have, e
    again = run_import(vault, path, options=opts)
    assert again.added == 0


# --- Discord (DiscordChatExporter) ------------------------------------------------------------------
# SV_5A_5M holds one message twice (the same Discord id): it is one message in the vault.
DISCORD_EXPECTED = {"discord/chat-analytics/DM_2A_2M.json": 3, "discord/chat-analytics/GC_3A_5M.json": 6,
                    "discord/chat-analytics/SV_5A_5M.json": 4}


@pytest.mark.parametrize("rel", sorted(DISCORD_EXPECTED))
def test_discord_samples_import(vault, rel: str) -> None:
    """Every DiscordChatExporter sample imports with nothing unparsed, keyed by Discord's ids."""
    from chatvault.ingest.engine import run_import

    path = SAMPLES / rel
    report = run_import(vault, path)
    assert report.format == "discord" and report.outcome == "ok" and report.unparsed == 0, report.to_json()
    assert report.added == DISCORD_EXPECTED[rel]
    again = run_import(vault, path)
    assert again.added == 0


# --- Slack ----------------------------------------------------------------------------------------

def test_slack_sample_imports(vault) -> None:
    """The Slack sample workspace (two channels, bots, joins, file shares) imports with nothing
    unparsed, mentions made readable, and a second import adds nothing."""
    from chatvault.ingest.engine import run_import

    path = SAMPLES / "slack/slack-export-viewer/testarchive.zip"
    report = run_import(vault, path)
    assert report.format == "slack" and report.outcome == "ok" and report.unparsed == 0, report.to_json()
    assert report.added == 158
    conn = vault.connect(readonly=True)
    try:
        titles = {r[0] for r in conn.execute("SELECT title FROM conversations")}
        raw_mentions = conn.execute("SELECT count(*) FROM messages WHERE text LIKE '%<@U%'").fetchone()[0]
    finally:
        conn.close()
    assert titles == {"#enrique", "#traveling-sailor"} and raw_mentions == 0
    assert run_import(vault, path).added == 0
