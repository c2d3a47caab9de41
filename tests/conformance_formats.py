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
from tests import wa_android_fixtures as WA
from tests import wa_ios_fixtures as WI
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


# --- iPhone backups and WhatsApp for iPhone: SQLite rows (ZWAMESSAGE, sms.db message) -------------------

def _ios_msgs(n: int, huge: bool = False) -> list[WI.Msg]:
    msgs = WI.wa_chats(n)
    if huge:
        msgs[1].kind, msgs[1].mtype, msgs[1].media, msgs[1].text = "text", 0, None, HUGE
    return msgs


def _backup_build(tmp: Path, msgs: list[WI.Msg], sms: int = 0) -> Sample:
    """An encrypted backup: WhatsApp's messages and, with `sms`, that many Messages of every kind."""
    from tests.iosbackup_fixtures import PASSWORD, WA_DOMAIN, BackupBuilder, file_id
    from tests.iosbackup_sms import add_messages

    b = BackupBuilder(tmp / "Backup" / "00008030-001A2B3C4D5E802E", PASSWORD)
    WI.add_whatsapp(b, tmp / "work", msgs)
    rows = add_messages(b, tmp / "work", sms).rows if sms else 0
    root = b.finish()
    fid = file_id(WA_DOMAIN, "ChatStorage.sqlite")
    return Sample(root, ImportOptions(options={"backup_password": PASSWORD}), len(msgs) + rows, root / fid[:2] / fid)


def _waios_build(tmp: Path, msgs: list[WI.Msg]) -> Sample:
    root = WI.write_folder(tmp / "group.net.whatsapp.WhatsApp.shared", msgs)
    return Sample(root, ImportOptions(), len(msgs), root / "ChatStorage.sqlite")


IPHONE_BACKUP = Declaration(unit="record", valid=lambda tmp: _backup_build(tmp, _ios_msgs(40), sms=64),
                            big=lambda tmp, n: _backup_build(tmp, _ios_msgs(n)),
                            huge=lambda tmp: _backup_build(tmp, _ios_msgs(5, huge=True)),
                            accounted=IM.accounted)     # a tapback row is one entry of its message's history
WHATSAPP_IOS = Declaration(unit="record", valid=lambda tmp: _waios_build(tmp, _ios_msgs(40)),
                           big=lambda tmp, n: _waios_build(tmp, _ios_msgs(n)),
                           huge=lambda tmp: _waios_build(tmp, _ios_msgs(5, huge=True)), accounted=records_accounted)


# --- WhatsApp for Android: msgstore.db and its backups, counted in message and call rows ------------------

def _wa_android(tmp: Path, store: WA.Store, count: bool = True) -> Sample:
    root = WA.phone_folder(tmp / "phone", store)
    units = len(store.msgs) + len(store.calls) if count else -1
    return Sample(root, ImportOptions(options={"wa_key": WA.ROOT_KEY_HEX}), units,
                  root / "WhatsApp" / "Databases" / "msgstore.db.crypt15")


def _wa_android_texts(tmp: Path, texts: list[str]) -> Sample:
    msgs = [WA.Msg(WA.ALICE, f"3EB0{i:012X}", WA.BASE_MS + i * 1000, WA.ALICE, 0, t) for i, t in enumerate(texts)]
    return _wa_android(tmp, WA.Store({WA.ALICE: None}, {}, msgs), count=False)


WHATSAPP_ANDROID = Declaration(unit="record", valid=lambda tmp: _wa_android(tmp, WA.sample_store(240)),
                               big=lambda tmp, n: _wa_android_texts(tmp, _texts(n)),
                               huge=lambda tmp: _wa_android_texts(tmp, ["before", HUGE, "after"]),
                               accounted=records_accounted)
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


DECLARATIONS: dict[str, Declaration] = {
    "whatsapp": WHATSAPP,
    "telegram": TELEGRAM,
    "wechat-pc": WECHAT_PC,
    "weixin4": WEIXIN4,
    "wechat-android": WECHAT_ANDROID,
    "imessage": IMESSAGE,
    "iphone-backup": IPHONE_BACKUP,
    "whatsapp-ios": WHATSAPP_IOS,
    "whatsapp-android": WHATSAPP_ANDROID,
    "meta": META,
}

__all__ = ["DECLARATIONS", "HUGE_CHARS", "Declaration", "Sample"]
