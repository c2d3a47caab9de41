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
