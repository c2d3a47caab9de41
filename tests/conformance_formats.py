"""What each registered import format gives the conformance suite (`tests/test_conformance.py`).

A format added to `chatvault/importers/registry.py` needs one `Declaration` here, and nothing else: the
suite runs every check (detection, two identical reads, stable keys, prompt cancel, every input unit
accounted for, hostile inputs) against it, and fails while a registered format has none.

A declaration builds inputs with the generators already in `tests/` (`import_fixtures`,
`wechat_fixtures`) and says how to count the input's units: lines for a text export, message objects or
rows for JSON and databases.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from chatvault.importers.base import ImportOptions
from chatvault.model import MessageRec, Record, Unparsed
from tests import imessage_conformance as IM
from tests import signal_backup_fixtures as SB
from tests import signal_desktop_fixtures as SD
from tests import wechat_fixtures as W
from tests.import_fixtures import (
    simple_chat,
    telegram_chat,
    whatsapp_locale,
    write_telegram_folder,
    write_txt,
)


@dataclass(frozen=True)
class Sample:
    path: Path                # what the user chooses (a file, a zip or a folder)
    options: ImportOptions
    units: int                # input units: message lines (text), message objects or rows (JSON, databases);
                              # -1 where the check does not count them (big and huge samples)
    main: Path                # the file a hostile variant truncates or fills with junk


@dataclass(frozen=True)
class Declaration:
    unit: str                                        # "line" or "record", for messages
    valid: Callable[[Path], Sample]                  # a small valid input with every kind it knows
    big: Callable[[Path, int], Sample]               # about n messages, for cancel
    huge: Callable[[Path], Sample]                   # one message field of many MiB
    accounted: Callable[[list[Record]], int]         # how many input units these records stand for


HUGE_CHARS = 24 << 20
HUGE = "x" * HUGE_CHARS        # one message field of 24 MiB, for every format's `huge` sample


def records_accounted(recs: list[Record]) -> int:
    """JSON and databases: each message object (row) is a message or an `Unparsed` record."""
    return sum(1 for r in recs if isinstance(r, MessageRec | Unparsed))


# --- WhatsApp: a text file, counted in lines ----------------------------------------------------------

_WA = ImportOptions(options={"tz": "UTC"})


def _wa_lines_accounted(recs: list[Record]) -> int:
    """A message stands for its lines (`extra["lines"]`, continuation lines included); text before the
    first message line is one `Unparsed` record per line."""
    return sum(r.extra.get("lines", 1) if isinstance(r, MessageRec) else 1
               for r in recs if isinstance(r, MessageRec | Unparsed))


def _wa_sample(path: Path, lines: list[str]) -> Sample:
    write_txt(path, lines)
    return Sample(path, _WA, path.read_text(encoding="utf-8").count("\n"), path)   # multi-line messages too


def _wa_valid(tmp: Path) -> Sample:
    lines = ["stray text before the first message", *whatsapp_locale("en").lines, "99/99/2023, 10:00 - x: y"]
    return _wa_sample(tmp / "WhatsApp Chat with Team.txt", lines)


def _wa_huge(tmp: Path) -> Sample:
    lines = simple_chat(3)
    lines.insert(1, HUGE)
    return _wa_sample(tmp / "WhatsApp Chat with Huge.txt", lines)


WHATSAPP = Declaration(
    unit="line",
    valid=_wa_valid,
    big=lambda tmp, n: _wa_sample(tmp / "WhatsApp Chat with Big.txt", simple_chat(n)),
    huge=_wa_huge,
    accounted=_wa_lines_accounted,
)


# --- Telegram: result.json, counted in message objects -------------------------------------------------

def _tg_sample(folder: Path, chat: dict, media: dict[str, bytes]) -> Sample:
    main = write_telegram_folder(folder, chat, media)
    return Sample(folder, ImportOptions(), len(chat["messages"]), main)


def _tg_valid(tmp: Path) -> Sample:
    chat, media = telegram_chat()
    chat["messages"].append({"id": 999, "type": "message", "date": "2024-05-01T11:00:00",
                             "date_unixtime": "1714561200", "from": 5, "text": "a name of the wrong type"})
    return _tg_sample(tmp / "Telegram Export", chat, media)


def _tg_big(tmp: Path, n: int) -> Sample:
    msgs = [{"id": i, "type": "message", "date": f"2024-05-01T{i // 3600 % 24:02d}:{i // 60 % 60:02d}:{i % 60:02d}",
             "date_unixtime": str(1714521600 + i), "from": "Alice", "from_id": "user1", "text": f"message {i}"}
            for i in range(n)]
    return _tg_sample(tmp / "Telegram Big", {"name": "Big", "type": "personal_chat", "id": 7, "messages": msgs}, {})


def _tg_huge(tmp: Path) -> Sample:
    chat, _media = telegram_chat(with_media=False)
    chat["messages"][1]["text"] = HUGE
    return _tg_sample(tmp / "Telegram Huge", chat, {})


TELEGRAM = Declaration(unit="record", valid=_tg_valid, big=_tg_big, huge=_tg_huge, accounted=records_accounted)


# --- WeChat: SQLCipher databases, counted in message rows -----------------------------------------------

_KEYED = ImportOptions(options={"key": W.KEY_HEX})


def _rows(dbs: list[Path], tables: Callable[[sqlite3.Connection], list[str]]) -> int:
    """Message rows in the plain (unencrypted) twin of a fixture, built from the same code."""
    n = 0
    for db in dbs:
        con = sqlite3.connect(db)
        try:
            n += sum(con.execute(f'SELECT count(*) FROM "{t}"').fetchone()[0] for t in tables(con))
        finally:
            con.close()
    return n


def _tables_like(prefix: str) -> Callable[[sqlite3.Connection], list[str]]:
    return lambda con: [r[0] for r in con.execute("SELECT name FROM sqlite_master WHERE type='table' AND name LIKE ?",
                                                  (prefix,))]


def _pc_msgs(n: int) -> list[W.PCMsg]:
    return [W.PCMsg("wxid_alice", 900_000 + i, 1, f"message {i}", ts=W.T0 + i) for i in range(n)]


def _pc_build(tmp: Path, extra: list[W.PCMsg], count: bool = True) -> Sample:
    units = -1
    if count:
        plain = W.build_pc_folder(tmp / "plain", None, extra_msgs=extra).root
        units = _rows(sorted((plain / "Msg" / "Multi").glob("MSG*.db")), lambda con: ["MSG"])
    root = W.build_pc_folder(tmp / "keyed", extra_msgs=extra).root
    return Sample(root, _KEYED, units, root / "Msg" / "Multi" / "MSG0.db")


WECHAT_PC = Declaration(
    unit="record",
    valid=lambda tmp: _pc_build(tmp, []),
    big=lambda tmp, n: _pc_build(tmp, _pc_msgs(n), count=False),
    huge=lambda tmp: _pc_build(tmp, [W.PCMsg("wxid_alice", 990_001, 1, HUGE, ts=W.T0)], count=False),
    accounted=records_accounted,
)


def _v4_build(tmp: Path, extra: list[str] = (), count: bool = True) -> Sample:
    units = -1
    if count:
        plain = W.build_v4_folder(tmp / "plain", None, extra_texts=extra)
        units = _rows(sorted((plain / "db_storage" / "message").glob("message_[0-9]*.db")), _tables_like("Msg_%"))
    root = W.build_v4_folder(tmp / "keyed", extra_texts=extra)
    main = sorted((root / "db_storage" / "message").glob("message_[0-9]*.db"))[0]
    return Sample(root, _KEYED, units, main)


def _android_build(tmp: Path, extra: list[str] = (), count: bool = True) -> Sample:
    units = -1
    if count:
        plain = W.build_android_folder(tmp / "plain", encrypted=False, extra_texts=extra)
        units = _rows(sorted(plain.rglob("EnMicroMsg.db")), lambda con: ["message"])
    app = W.build_android_folder(tmp / "keyed", extra_texts=extra)
    return Sample(app, ImportOptions(options={"imei": W.IMEI, "uin": str(W.UIN)}), units,
                  next(app.rglob("EnMicroMsg.db")))


def _texts(n: int) -> list[str]:
    return [f"message {i}" for i in range(n)]


WEIXIN4 = Declaration(unit="record", valid=_v4_build, big=lambda tmp, n: _v4_build(tmp, _texts(n), False),
                      huge=lambda tmp: _v4_build(tmp, [HUGE], False), accounted=records_accounted)
WECHAT_ANDROID = Declaration(unit="record", valid=_android_build,
                             big=lambda tmp, n: _android_build(tmp, _texts(n), False),
                             huge=lambda tmp: _android_build(tmp, [HUGE], False), accounted=records_accounted)

IMESSAGE = Declaration(unit="record", valid=lambda tmp: Sample(*_im(IM.valid(tmp))),
                       big=lambda tmp, n: Sample(*_im(IM.texts(tmp, _texts(n)))),
                       huge=lambda tmp: Sample(*_im(IM.texts(tmp, [HUGE]))), accounted=IM.accounted)


def _im(built: tuple[Path, int, Path]) -> tuple[Path, ImportOptions, int, Path]:
    return built[0], ImportOptions(), built[1], built[2]


# --- Signal: Desktop's SQLCipher database and Android's .backup, counted in message rows ----------------

def _sd_build(tmp: Path, n: int = 160, extra: list[str] = ()) -> Sample:
    root = tmp / "Signal"
    ex = SD.build_profile(root, n, extra_texts=list(extra))
    return Sample(root, ImportOptions(), ex.messages, root / "sql" / "db.sqlite")


def _sb_build(tmp: Path, n: int = 160, extra: list[str] = ()) -> Sample:
    path = tmp / "signal-2024-05-01-10-00-00.backup"
    ex = SB.build_backup(path, n, extra_texts=list(extra))
    return Sample(path, ImportOptions(options={"signal_passphrase": SB.SPACED}), ex.messages, path)


SIGNAL_DESKTOP = Declaration(unit="record", valid=_sd_build, big=lambda tmp, n: _sd_build(tmp, n),
                             huge=lambda tmp: _sd_build(tmp, 20, [HUGE]), accounted=records_accounted)
SIGNAL_ANDROID = Declaration(unit="record", valid=_sb_build, big=lambda tmp, n: _sb_build(tmp, n),
                             huge=lambda tmp: _sb_build(tmp, 20, [HUGE]), accounted=records_accounted)
# --- Meta (Messenger, Instagram): message_N.json files, counted in message objects ---------------------

def _meta_sample(root: Path, msgs: list[dict]) -> Sample:
    from tests import meta_fixtures as mf

    folder = mf.write_thread(root, "your_facebook_activity", "anna_1", "Anna", ["Me", "Anna"], msgs,
                             media=mf.MEDIA)
    return Sample(root, ImportOptions(), len(msgs), folder / "message_1.json")


def _meta_valid(tmp: Path) -> Sample:
    from tests import meta_fixtures as mf

    msgs = mf.every_kind("anna_1", "Me", "Anna") + [{"sender_name": 5, "timestamp_ms": mf.T0_MS, "content": "x"}]
    return _meta_sample(tmp / "facebook-me", msgs)


def _meta_texts(n: int, text: str | None = None) -> list[dict]:
    return [{"sender_name": "Anna", "timestamp_ms": 1_700_000_000_000 + i * 1000, "content": text or f"message {i}"}
            for i in range(n)]


META = Declaration(unit="record", valid=_meta_valid, big=lambda tmp, n: _meta_sample(tmp / "facebook-big", _meta_texts(n)),
                   huge=lambda tmp: _meta_sample(tmp / "facebook-huge",
                                                 [*_meta_texts(1), *_meta_texts(1, HUGE), *_meta_texts(1)]),
                   accounted=records_accounted)


# --- LINE: chat-history text, counted in messages (and stray lines) ----------------------------------

_LINE_OPTS = ImportOptions(options={"tz": "UTC"})


def _line_sample(path: Path, body: list[str], units: int) -> Sample:
    path.write_text("\r\n".join(["[LINE] Chat history with Mika", "Saved on: 3/1/2024, 1:16 PM", *body]) + "\r\n",
                    encoding="utf-8")
    return Sample(path, _LINE_OPTS, units, path)


def _line_valid(tmp: Path) -> Sample:
    from tests import line_fixtures as lf

    made = lf.write(tmp / "made.txt", "en")
    body = ["a stray line before any day", *made.read_text(encoding="utf-8").splitlines()[3:]]
    return _line_sample(tmp / "[LINE] Mika.txt", body, len(lf.CHAT) + 1)


def _line_texts(n: int, text: str | None = None) -> list[str]:
    return ["Tue, 2/13/2024", *(f"{i // 60 % 12 or 12}:{i % 60:02d} AM\tMika\t{text or f'message {i}'}"
                                for i in range(n))]


LINE = Declaration(unit="record", valid=_line_valid,
                   big=lambda tmp, n: _line_sample(tmp / "[LINE] Big.txt", _line_texts(n), n),
                   huge=lambda tmp: _line_sample(tmp / "[LINE] Huge.txt",
                                                 [*_line_texts(1), *_line_texts(1, HUGE)[1:], *_line_texts(1)[1:]], 3),
                   accounted=records_accounted)


# --- Discord (DiscordChatExporter JSON): counted in message objects -----------------------------------

def _dc_sample(folder: Path, msgs: list[dict]) -> Sample:
    from tests import discord_fixtures as df

    main = df.write(folder, "Friends", msgs)
    return Sample(folder, ImportOptions(), len(msgs), main)


def _dc_valid(tmp: Path) -> Sample:
    from tests import discord_fixtures as df

    return _dc_sample(tmp / "dce", [*df.every_kind("Friends.json_Files"), {"id": "9", "type": "Default"}])


def _dc_texts(n: int, text: str | None = None) -> list[dict]:
    from tests import discord_fixtures as df

    return [df.message(i, df.ALICE, text or f"message {i}") for i in range(n)]


DISCORD = Declaration(unit="record", valid=_dc_valid, big=lambda tmp, n: _dc_sample(tmp / "dce-big", _dc_texts(n)),
                      huge=lambda tmp: _dc_sample(tmp / "dce-huge", [*_dc_texts(1), *_dc_texts(1, HUGE)[:0],
                                                                      _dc_texts(2, HUGE)[1], *_dc_texts(1)]),
                      accounted=records_accounted)


# --- Slack: a workspace export, counted in message objects ---------------------------------------------

def _slack_sample(root: Path, general: list[dict] | None = None) -> Sample:
    import json as _json

    from tests import slack_fixtures as sf

    sf.write(root)
    day = root / "general" / "2023-11-14.json"
    if general is not None:
        day.write_text(_json.dumps(general), encoding="utf-8")
        for other in ("general/2023-11-15.json", "secret-plans/2023-11-14.json", "D1/2023-11-14.json"):
            (root / other).unlink()
    units = sum(len(_json.loads(p.read_text(encoding="utf-8"))) for p in root.glob("*/*.json"))
    return Sample(root, ImportOptions(), units, day)


def _slack_valid(tmp: Path) -> Sample:
    from tests import slack_fixtures as sf

    return _slack_sample(tmp / "ws", [*sf.general_day1(), {"type": "message", "user": "U1", "text": "no ts"}])


def _slack_texts(n: int, text: str | None = None) -> list[dict]:
    from tests import slack_fixtures as sf

    return [sf.msg(i, "U1", text or f"message {i}") for i in range(n)]


SLACK = Declaration(unit="record", valid=_slack_valid, big=lambda tmp, n: _slack_sample(tmp / "big", _slack_texts(n)),
                    huge=lambda tmp: _slack_sample(tmp / "huge", [*_slack_texts(1), _slack_texts(2, HUGE)[1],
                                                                  _slack_texts(3)[2]]),
                    accounted=records_accounted)


# --- Google Takeout (Hangouts.json): counted in events --------------------------------------------------

def _google_sample(root: Path, events: list[dict]) -> Sample:
    from tests import google_fixtures as gf

    main = gf.write_hangouts(root, events=events)
    return Sample(root, ImportOptions(), len(events), main)


def _google_valid(tmp: Path) -> Sample:
    from tests import google_fixtures as gf

    return _google_sample(tmp / "takeout", [*gf.hangouts_events(), {"event_id": "bad", "timestamp": "soon"}])


def _google_texts(n: int, text: str | None = None) -> list[dict]:
    from tests import google_fixtures as gf

    return [gf._event(i, gf.ANA, chat_message=gf._text({"type": "TEXT", "text": text or f"message {i}"}))
            for i in range(n)]


GOOGLE = Declaration(unit="record", valid=_google_valid,
                     big=lambda tmp, n: _google_sample(tmp / "big", _google_texts(n)),
                     huge=lambda tmp: _google_sample(tmp / "huge", [*_google_texts(1), _google_texts(2, HUGE)[1],
                                                                    _google_texts(3)[2]]),
                     accounted=records_accounted)


# --- X (Twitter) archive and Snapchat My Data: counted in message objects ---------------------------------

def _x_sample(root: Path, extra: list[dict], *, only: bool = False) -> Sample:
    import json as _json

    from tests import social_fixtures as sx

    sx.write_x(root, extra=extra)
    main = root / "data" / "direct-messages.js"
    if only:
        convs = [{"dmConversation": {"conversationId": "111-222", "messages": extra}}]
        main.write_text("window.YTD.direct_messages.part0 = " + _json.dumps(convs), encoding="utf-8")
        (root / "data" / "direct-messages-group.js").unlink()
        return Sample(root, ImportOptions(), len(extra), main)
    return Sample(root, ImportOptions(), 3 + len(extra) + 3, main)


def _x_texts(n: int, text: str | None = None) -> list[dict]:
    return [{"messageCreate": {"senderId": "222", "text": text or f"message {i}", "id": str(5000 + i), "mediaUrls": [],
                               "urls": [], "reactions": [], "createdAt": f"2023-04-01T10:{i // 60 % 60:02d}:{i % 60:02d}.000Z"}}
            for i in range(n)]


TWITTER = Declaration(unit="record", valid=lambda tmp: _x_sample(tmp / "x", [{"messageCreate": {"id": "7"}}]),
                      big=lambda tmp, n: _x_sample(tmp / "xbig", _x_texts(n), only=True),
                      huge=lambda tmp: _x_sample(tmp / "xhuge", [*_x_texts(1), _x_texts(2, HUGE)[1], _x_texts(3)[2]],
                                                 only=True),
                      accounted=records_accounted)


def _snap_sample(root: Path, extra: list[dict], *, only: bool = False) -> Sample:
    import json as _json

    from tests import social_fixtures as sx

    sx.write_snapchat(root, extra=extra)
    main = root / "json" / "chat_history.json"
    if only:
        main.write_text(_json.dumps({"ana": extra}), encoding="utf-8")
        return Sample(root, ImportOptions(), len(extra), main)
    return Sample(root, ImportOptions(), 4 + len(extra), main)


def _snap_texts(n: int, text: str | None = None) -> list[dict]:
    return [{"From": "ana", "Media Type": "TEXT", "Created": "2023-05-03 08:00:00 UTC", "Content": text or f"m {i}",
             "IsSender": False, "Created(microseconds)": 1683100800000000 + i * 1000} for i in range(n)]


SNAPCHAT = Declaration(unit="record", valid=lambda tmp: _snap_sample(tmp / "snap", [{"From": "ana", "Content": "x"}]),
                       big=lambda tmp, n: _snap_sample(tmp / "sbig", _snap_texts(n), only=True),
                       huge=lambda tmp: _snap_sample(tmp / "shuge", [*_snap_texts(1), _snap_texts(2, HUGE)[1],
                                                                     _snap_texts(3)[2]], only=True),
                       accounted=records_accounted)


# --- QQ message manager (text): counted in messages (and stray lines) ---------------------------------

_QQ_OPTS = ImportOptions(options={"tz": "Asia/Shanghai"})


def _qq_sample(path: Path, body: list[str], units: int) -> Sample:
    rule = "=" * 64
    head = ["消息记录（此消息记录为文本格式，不支持重新导入）", "", rule, "消息分组:我的好友", rule, "消息对象:张三", rule, ""]
    path.write_text("\r\n".join([*head, *body]) + "\r\n", encoding="utf-8")
    return Sample(path, _QQ_OPTS, units, path)


def _qq_texts(n: int, text: str | None = None) -> list[str]:
    out = []
    for i in range(n):
        out += [f"2012-05-06 {i // 3600 % 24:02d}:{i // 60 % 60:02d}:{i % 60:02d} 张三", text or f"message {i}", ""]
    return out


QQ = Declaration(unit="record", valid=lambda tmp: _qq_sample(tmp / "qq.txt", _qq_texts(4), 4),
                 big=lambda tmp, n: _qq_sample(tmp / "qq-big.txt", _qq_texts(n), n),
                 huge=lambda tmp: _qq_sample(tmp / "qq-huge.txt", [*_qq_texts(1), *_qq_texts(1, HUGE)], 2),
                 accounted=records_accounted)


# --- Telegram HTML export: counted in message blocks (date separators are not messages) -------------------

def _tgh_sample(folder: Path, blocks: list[str], units: int) -> Sample:
    from tests import tghtml_fixtures as tf

    folder.mkdir(parents=True, exist_ok=True)
    main = folder / "messages.html"
    main.write_text(tf.HEAD.format(title="Chat") + "".join(blocks) + tf.TAIL, encoding="utf-8")
    return Sample(folder, ImportOptions(), units, main)


def _tgh_texts(n: int, text: str | None = None) -> list[str]:
    from html import escape

    from tests import tghtml_fixtures as tf

    return [tf.msg(i + 1, f"01.05.2024 {i // 3600 % 24:02d}:{i // 60 % 60:02d}:{i % 60:02d}", "Alice",
                   f'<div class="text">{escape(text or f"message {i}")}</div>') for i in range(n)]


def _tgh_valid(tmp: Path) -> Sample:
    from tests import tghtml_fixtures as tf

    bad = '<div class="message default clearfix" id="message99"><div class="body"><div class="text">no date</div></div></div>'
    return _tgh_sample(tmp / "tgh", [*tf.page_one(), bad], len(tf.page_one()) - 1 + 1)


TELEGRAM_HTML = Declaration(unit="record", valid=_tgh_valid,
                            big=lambda tmp, n: _tgh_sample(tmp / "tghbig", _tgh_texts(n), n),
                            huge=lambda tmp: _tgh_sample(tmp / "tghhuge", [*_tgh_texts(1), *_tgh_texts(1, HUGE)], 2),
                            accounted=records_accounted)


# --- Other tools: WhatsApp-Chat-Exporter JSON and imessage-exporter text ------------------------------------

def _wce_sample(root: Path, msgs: dict, units: int) -> Sample:
    import json as _json

    root.mkdir(parents=True, exist_ok=True)
    main = root / "result.json"
    main.write_text(_json.dumps({"447700900123@s.whatsapp.net": {"name": "Ana", "messages": msgs}}), encoding="utf-8")
    return Sample(root, ImportOptions(), units, main)


def _wce_texts(n: int, text: str | None = None) -> dict:
    return {str(i): {"from_me": False, "timestamp": 1_700_000_000 + i, "key_id": f"K{i}", "media": False,
                     "meta": False, "data": text or f"message {i}"} for i in range(n)}


def _wce_valid(tmp: Path) -> Sample:
    from tests import othertools_fixtures as of

    msgs = {**of.wa_messages(), "bad": {"from_me": False, "key_id": "X", "data": "no time"}}
    return _wce_sample(tmp / "wce", msgs, len(msgs))


WA_EXPORTER = Declaration(unit="record", valid=_wce_valid,
                          big=lambda tmp, n: _wce_sample(tmp / "wbig", _wce_texts(n), n),
                          huge=lambda tmp: _wce_sample(tmp / "whuge", {**_wce_texts(1), "h": {
                              "from_me": False, "timestamp": 1_700_000_500, "key_id": "H", "data": HUGE}}, 2),
                          accounted=records_accounted)


def _imx_sample(folder: Path, blocks: list[str]) -> Sample:
    folder.mkdir(parents=True, exist_ok=True)
    main = folder / "+15551234567.txt"
    main.write_text("".join(blocks), encoding="utf-8")
    return Sample(folder, ImportOptions(options={"tz": "UTC"}), len(blocks), main)


def _imx_texts(n: int, text: str | None = None) -> list[str]:
    return [f"May 17, 2022  {1 + i // 3600 % 11}:{i // 60 % 60:02d}:{i % 60:02d} PM\n+15551234567\n"
            f"{text or f'message {i}'}\n\n" for i in range(n)]


IMESSAGE_TXT = Declaration(unit="record", valid=lambda tmp: _imx_sample(tmp / "imx", _imx_texts(5)),
                           big=lambda tmp, n: _imx_sample(tmp / "imxbig", _imx_texts(n)),
                           huge=lambda tmp: _imx_sample(tmp / "imxhuge", [*_imx_texts(1), _imx_texts(2, HUGE)[1]]),
                           accounted=records_accounted)


DECLARATIONS: dict[str, Declaration] = {
    "whatsapp": WHATSAPP,
    "telegram": TELEGRAM,
    "wechat-pc": WECHAT_PC,
    "weixin4": WEIXIN4,
    "wechat-android": WECHAT_ANDROID,
    "imessage": IMESSAGE,
    "signal-desktop": SIGNAL_DESKTOP,
    "signal-android": SIGNAL_ANDROID,
    "meta": META,
    "line": LINE,
    "discord": DISCORD,
    "slack": SLACK,
    "google": GOOGLE,
    "snapchat": SNAPCHAT,
    "twitter": TWITTER,
    "qq": QQ,
    "telegram-html": TELEGRAM_HTML,
    "wa-exporter": WA_EXPORTER,
    "imessage-txt": IMESSAGE_TXT,
}

__all__ = ["DECLARATIONS", "HUGE_CHARS", "Declaration", "Sample"]
