"""RELIABILITY row 23: property-based fuzzing of the parsers (WhatsApp, Telegram, WeChat content and
protobuf readers). A parser may refuse input only with `chatvault.errors.InputError` (or a subclass);
any other exception, or one example taking more than 5 s, is a bug.

The example count comes from a hypothesis profile chosen by `CHATVAULT_FUZZ_PROFILE`:
`ci` (default, modest, keeps `make test` fast) or `fuzz` (`make fuzz`: >= 2,000 examples per parser).
Coverage-guided fuzzing with atheris lives in tests/fuzz/ (`make fuzz-atheris`).
"""

from __future__ import annotations

import atexit
import io
import json
import os
import shutil
import tempfile
import zipfile
from datetime import timedelta
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from chatvault.errors import InputError
from chatvault.importers import registry
from chatvault.importers.base import ImportOptions
from chatvault.importers.jsonlimits import BoundedJson
from chatvault.importers.telegram import TelegramImporter
from chatvault.importers.wechat import content, proto
from chatvault.importers.whatsapp import WhatsAppImporter
from chatvault.jobs.context import JobContext
from chatvault.model import ImportWarning, MessageRec, Unparsed

_COMMON = {"deadline": timedelta(seconds=5), "derandomize": False, "print_blob": True,
           "suppress_health_check": [HealthCheck.too_slow, HealthCheck.data_too_large]}
settings.register_profile("chatvault-ci", max_examples=60, **_COMMON)
settings.register_profile("chatvault-fuzz", max_examples=2000, **_COMMON)
PROFILE = settings.get_profile("chatvault-" + os.environ.get("CHATVAULT_FUZZ_PROFILE", "ci"))

_DIR = Path(tempfile.mkdtemp(prefix="cv-fuzz-"))     # one file rewritten per example (no fixture per example)
atexit.register(shutil.rmtree, _DIR, True)


def _file(name: str, data: bytes) -> Path:
    p = _DIR / name
    p.write_bytes(data)
    return p


def _read(importer, path: Path) -> list:
    """Every record, or an InputError (the declared refusal); anything else propagates and fails."""
    try:
        return list(importer.read(path, ImportOptions(options={"tz": "UTC"}), JobContext()))
    except InputError:
        return []


def _cut(data: bytes, cut: int | None) -> bytes:
    return data if cut is None else data[: cut % (len(data) + 1)]


# --- Telegram ----------------------------------------------------------------------------------------

# Values as Telegram Desktop writes them (the types of a real export), so the parser's paths are reached.
_unix = st.integers(0, 2_000_000_000).map(str)
_local = st.datetimes().map(lambda d: d.replace(microsecond=0).isoformat())
_name = st.one_of(st.none(), st.text(max_size=20))
_entity = st.fixed_dictionaries(
    {"type": st.sampled_from(["plain", "bold", "italic", "link", "text_link", "mention", "code", "pre",
                              "mention_name", "custom_emoji", "spoiler"]),
     "text": st.text(max_size=30)},
    optional={"href": st.text(max_size=20), "user_id": st.integers(), "language": st.text(max_size=5),
              "document_id": st.text(max_size=10)})
_text = st.one_of(st.text(max_size=80), st.lists(st.one_of(st.text(max_size=20), _entity), max_size=6))
_media_path = st.one_of(st.sampled_from(["photos/p.jpg", "files/a.pdf", "(File not included. Change data "
                                         "exporting settings to download.)", "(File exceeds maximum size. "
                                         "Change data exporting settings to download.)", "", "../../etc/passwd",
                                         "/abs/x", "files/\u202egpj.exe"]),
                        st.text(max_size=20))
_message = st.fixed_dictionaries(
    {"id": st.one_of(st.integers(-5, 10**6), st.integers()), "type": st.sampled_from(["message", "service", "unknown_kind"]),
     "date": _local, "date_unixtime": _unix},
    optional={
        "from": _name, "from_id": st.one_of(st.none(), st.text(max_size=10).map(lambda s: "user" + s)),
        "actor": _name, "actor_id": st.text(max_size=10),
        "action": st.sampled_from(["create_group", "invite_members", "phone_call", "pin_message", "edit_group_title",
                                   "join_group_by_link", "migrate_to_supergroup", "new_action", ""]),
        "members": st.lists(_name, max_size=3), "title": st.text(max_size=20), "duration_seconds": st.integers(0, 10**6),
        "discard_reason": st.text(max_size=10), "text": _text, "text_entities": st.lists(_entity, max_size=3),
        "reply_to_message_id": st.integers(), "forwarded_from": _name, "saved_from": _name,
        "edited": _local, "edited_unixtime": _unix, "via_bot": st.text(max_size=10), "author": st.text(max_size=10),
        "photo": _media_path, "file": _media_path, "file_name": st.text(max_size=20), "thumbnail": _media_path,
        "media_type": st.sampled_from(["sticker", "voice_message", "video_file", "video_message", "animation",
                                       "audio_file", "other"]),
        "mime_type": st.text(max_size=20), "file_size": st.integers(-1, 2**40), "width": st.integers(0, 10**5),
        "height": st.integers(0, 10**5), "sticker_emoji": st.text(max_size=2),
        "location_information": st.fixed_dictionaries({"latitude": st.floats(-90, 90), "longitude": st.floats(-180, 180)}),
        "place_name": st.text(max_size=10), "live_location_period_seconds": st.integers(0, 10**5),
        "contact_information": st.fixed_dictionaries({"first_name": st.text(max_size=10),
                                                      "phone_number": st.text(max_size=12)}),
        "contact_vcard": _media_path,
        "poll": st.fixed_dictionaries({"question": st.text(max_size=20), "closed": st.booleans(),
                                       "answers": st.lists(st.fixed_dictionaries(
                                           {"text": st.text(max_size=10), "voters": st.integers(0, 99)}), max_size=3)}),
        "reactions": st.lists(st.fixed_dictionaries({"type": st.just("emoji"), "count": st.integers(0, 99),
                                                     "emoji": st.text(max_size=2)}), max_size=2),
        "game_title": st.text(max_size=10), "media_spoiler": st.booleans(),
    })
_chat = st.fixed_dictionaries(
    {"messages": st.lists(_message, max_size=8)},
    optional={"name": _name, "type": st.sampled_from(["personal_chat", "bot_chat", "saved_messages", "private_group",
                                                      "private_supergroup", "public_channel", "odd"]),
              "id": st.integers(-10**12, 10**12)})


@st.composite
def telegram_file(draw) -> tuple[bytes, int]:
    """(result.json bytes, messages in it): one chat or a full export, maybe with a BOM, maybe cut."""
    chats = draw(st.lists(_chat, min_size=1, max_size=3))
    if draw(st.booleans()):
        obj: dict = chats[0]
    else:
        obj = {"about": "x", "personal_information": {"user_id": draw(st.integers(0, 10**10)), "first_name": "A"},
               "chats": {"about": "y", "list": chats}}
        if draw(st.booleans()):
            obj["left_chats"] = {"list": draw(st.lists(_chat, max_size=1))}
    data = json.dumps(obj, ensure_ascii=draw(st.booleans()), indent=draw(st.sampled_from([None, 1]))).encode()
    if draw(st.booleans()):
        data = b"\xef\xbb\xbf" + data
    in_file = [obj] if "messages" in obj else obj["chats"]["list"] + obj.get("left_chats", {}).get("list", [])
    n = sum(len(c["messages"]) for c in in_file)
    cut = _cut(data, draw(st.one_of(st.none(), st.integers(0, 10**6))))
    return cut, n, cut == data


@settings(PROFILE)
@given(telegram_file())
def test_telegram_structured_exports(case) -> None:
    data, n_messages, whole = case
    recs = _read(TelegramImporter(), _file("result.json", data))
    msgs = [r for r in recs if isinstance(r, MessageRec)]
    unparsed = [r for r in recs if isinstance(r, Unparsed)]
    if whole:      # every message object gives exactly one message or one unparsed record
        assert len(msgs) + len(unparsed) == n_messages
    else:          # cut: never more than the input had, plus one record naming the cut
        assert len(msgs) <= n_messages and len(msgs) + len(unparsed) <= n_messages + 1


# Any JSON value (null, bool, number, string, list, object) where the export has a typed field, integers of
# any size (beyond ±(2^63 - 1) ijson's C backend stops; the importer reads such a file again with the
# Python backend) and digit strings beyond the range of dates.
_any_json = st.recursive(st.none() | st.booleans() | st.integers() | st.integers(0, 10**40).map(str)
                         | st.floats(allow_nan=False, allow_infinity=False) | st.text(max_size=10),
                         lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=5), inner,
                                                                                      max_size=3), max_leaves=8)
# Every field the importer reads.
_RETYPABLE = sorted({
    "id", "type", "date", "date_unixtime", "text", "photo", "file", "thumbnail", "contact_vcard", "from", "from_id",
    "actor", "actor_id", "action", "members", "location_information", "poll", "edited", "edited_unixtime",
    "reply_to_message_id", "reply_to_peer_id", "forwarded_from", "saved_from", "via_bot", "author", "file_name",
    "media_type", "mime_type", "file_size", "width", "height", "duration_seconds", "sticker_emoji", "place_name",
    "contact_information", "reactions", "game_title", "invoice_information", "title", "discard_reason",
    "media_spoiler", "text_entities", "live_location_period_seconds"})


@st.composite
def retyped_message(draw) -> dict:
    msg = draw(_message)
    for key in draw(st.lists(st.sampled_from(_RETYPABLE), max_size=4)):
        msg[key] = draw(_any_json)
    return msg


@settings(PROFILE)
@given(st.lists(retyped_message(), min_size=1, max_size=6), st.booleans())
def test_telegram_random_types_in_fields(msgs: list[dict], full: bool) -> None:
    """A whole file never fails and never loses a message: each gives one message or one unparsed record
    (naming where it was), whatever type or size its fields have; nothing reads as a cut-off file."""
    chat = {"name": "x", "type": "personal_chat", "id": 1, "messages": msgs}
    obj = {"personal_information": {"user_id": 1}, "chats": {"list": [chat]}} if full else chat
    recs = list(TelegramImporter().read(_file("result.json", json.dumps(obj).encode()), ImportOptions(),
                                        JobContext()))
    out = [r for r in recs if isinstance(r, MessageRec | Unparsed)]
    assert len(out) == len(msgs)                                           # one record per message
    assert [r.location.rsplit(": ", 1)[-1].rsplit(".", 1)[-1] for r in out] == \
        [f"messages[{i}]" for i in range(len(msgs))]
    assert not [r for r in recs if isinstance(r, ImportWarning)]


@pytest.mark.filterwarnings("ignore:Duplicate name")      # a name twice in one zip is one of the cases
@settings(PROFILE)
@given(st.lists(st.sampled_from(["", "/", "a", "a/", "WhatsApp Chat with A.txt", "result.json", "../x"]),
                min_size=1, max_size=4, unique=True))
def test_zip_member_names(names: list[str]) -> None:
    """Odd member names (empty, a lone slash, duplicates) never crash detection or reading of a zip."""
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as zf:
        zf.writestr("WhatsApp Chat with A.txt", "01/03/2024, 09:00 - Alice: hello\n")
        for n in names:
            zf.writestr(zipfile.ZipInfo(n), b"x")
    path = _file("WhatsApp Chat.zip", buf.getvalue())
    for imp in (WhatsAppImporter(), TelegramImporter()):
        imp.detect(path)
        _read(imp, path)


@settings(PROFILE)
@given(st.one_of(st.binary(max_size=2000),
                 st.recursive(st.none() | st.booleans() | st.integers() | st.text(max_size=10),
                              lambda inner: st.lists(inner, max_size=4) | st.dictionaries(
                                  st.sampled_from(["messages", "chats", "list", "name", "id", "type", "text",
                                                   "date", "personal_information", "x"]), inner, max_size=4),
                              max_leaves=20).map(lambda v: json.dumps(v).encode())),
       st.one_of(st.none(), st.integers(0, 4000)))
def test_telegram_random_bytes_and_json(data: bytes, cut: int | None) -> None:
    path = _file("result.json", _cut(data, cut))
    TelegramImporter().detect(path)                  # never raises
    _read(TelegramImporter(), path)


_TG_ZIP = io.BytesIO()
with zipfile.ZipFile(_TG_ZIP, "w", zipfile.ZIP_DEFLATED) as _zf:
    _zf.writestr("result.json", json.dumps({"name": "A", "id": 1, "messages": [
        {"id": i, "type": "message", "date": "2024-01-01T10:00:00", "date_unixtime": str(1704103200 + i),
         "text": f"t{i}", "photo": "photos/p.jpg"} for i in range(20)]}))
    _zf.writestr("photos/p.jpg", b"\xff\xd8" + bytes(range(200)))
_TG_ZIP_BYTES = _TG_ZIP.getvalue()


@settings(PROFILE)
@given(st.lists(st.tuples(st.integers(0, len(_TG_ZIP_BYTES) - 1), st.integers(1, 255)), max_size=4),
       st.one_of(st.none(), st.integers(0, len(_TG_ZIP_BYTES))), st.booleans())
def test_damaged_telegram_zips(flips: list[tuple[int, int]], cut: int | None, twice: bool) -> None:
    """Flipped bytes, a cut anywhere, a member repeated: detection and reading raise only InputError, and
    never a message that is not in the export."""
    data = bytearray(_TG_ZIP_BYTES)
    for at, mask in flips:
        data[at] ^= mask
    raw = bytes(data) if cut is None else bytes(data[:cut])
    if twice:                                   # the local part again: two members of one name, salvaged
        raw = raw[: raw.find(b"PK\x01\x02")] * 2 if b"PK\x01\x02" in raw else raw
    path = _file("export.zip", raw)
    try:
        registry.detect(path)
    except InputError:
        pass
    texts = {r.text for r in _read(TelegramImporter(), path) if isinstance(r, MessageRec)}
    assert len(texts) <= 20


@settings(PROFILE)
@given(st.binary(max_size=600) | st.lists(st.sampled_from([b"\\ud83d", b"\\ude00", b"\\\\", b"\xff", b"\xc3",
                                                         b'["', b'"]', b"a"]), max_size=30).map(b"".join)
       | st.recursive(st.none() | st.integers() | st.text(alphabet='[]{}"\\ab', max_size=6),
                                              lambda inner: st.lists(inner, max_size=3)
                                              | st.dictionaries(st.text(alphabet='[]{}"\\k', max_size=3), inner,
                                                                max_size=3), max_leaves=30)
       .map(lambda v: json.dumps(v).encode()), st.integers(1, 64))
def test_bounded_json_filter(data: bytes, chunk: int) -> None:
    """Within the limits the filter hands ijson exactly the bytes of the file; past them it raises only
    InputError, and only when the input truly breaks a limit."""
    import ijson

    class Chunks(io.BytesIO):
        def read(self, n: int = -1) -> bytes:
            return super().read(min(n, chunk) if n and n > 0 else n)

    def events(stream, mended: bool = False) -> list:
        try:
            return list(ijson.parse(stream))
        except ijson.common.JSONError as exc:
            assert not (mended and "invalid bytes in UTF8" in str(exc))
            return ["error"]
        except UnicodeDecodeError:              # the reader's cue to read again mended; never when mended
            assert not mended
            return ["error"]

    try:
        bounded = events(BoundedJson(Chunks(data), "x", max_depth=8, max_string=32, max_number=12))
    except InputError:
        return
    plain = events(io.BytesIO(data))
    assert bounded == plain or (bounded[-1:] == ["error"] and plain[-1:] == ["error"])
    try:                                        # mended: never an undecodable-text error
        events(BoundedJson(Chunks(data), "x", max_depth=8, max_string=32, max_number=12, repair=True), True)
    except InputError:
        pass


# --- WhatsApp ----------------------------------------------------------------------------------------

_junk = st.text(alphabet=st.characters(blacklist_categories=("Cs",)), max_size=40)
_wa_line = st.one_of(
    st.builds(lambda d, m, y, h, mi, who, t: f"{d}/{m}/{y}, {h:02d}:{mi:02d} - {who}: {t}",
              st.integers(0, 40), st.integers(0, 14), st.sampled_from([2023, 23, 1999, 99999]),
              st.integers(0, 25), st.integers(0, 61), _junk, _junk),
    st.builds(lambda d, m, h, t: f"[{d}.{m}.23, {h}:05:09] Ann: {t}", st.integers(0, 40), st.integers(0, 14),
              st.integers(0, 25), _junk),
    st.builds(lambda m, d, h, ap, t: f"{m}/{d}/23, {h}:07 {ap} - Bob: {t}", st.integers(0, 14), st.integers(0, 40),
              st.integers(0, 13), st.sampled_from(["AM", "PM", "a. m.", "午後"]), _junk),
    _junk, st.just(""), st.just("\u200e<Media omitted>"), st.just("IMG-20230101-WA0001.jpg (file attached)"),
    st.just("\u200e<attached: 00000012-PHOTO-2023-01-01-10-00-00.jpg>"), st.just("This message was deleted"))


@st.composite
def whatsapp_file(draw) -> tuple[str, bytes]:
    """(file name, bytes): a chat .txt in some encoding, or a .zip holding it and a media member."""
    text = "\n".join(draw(st.lists(_wa_line, min_size=0, max_size=25)))
    enc = draw(st.sampled_from(["utf-8", "utf-8-sig", "utf-16", "utf-16-le", "latin-1", "cp1251"]))
    raw = text.encode(enc, "replace")
    if draw(st.booleans()):
        raw = raw.replace(b"\n", b"\r\n")
    if draw(st.integers(0, 9)) == 0:
        raw = raw[: len(raw) // 2] + b"\x00\xff\xfe" + raw[len(raw) // 2:]
    raw = _cut(raw, draw(st.one_of(st.none(), st.integers(0, 10**5))))
    if draw(st.booleans()):
        buf = io.BytesIO()
        with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as zf:
            zf.writestr(draw(st.sampled_from(["WhatsApp Chat with A.txt", "_chat.txt", "chat.txt", "../x.txt"])), raw)
            zf.writestr("IMG-20230101-WA0001.jpg", draw(st.binary(max_size=64)))
        return "WhatsApp Chat.zip", _cut(buf.getvalue(), draw(st.one_of(st.none(), st.integers(0, 10**5))))
    return "WhatsApp Chat with A.txt", raw


@settings(PROFILE)
@given(st.one_of(whatsapp_file(), st.tuples(st.sampled_from(["WhatsApp Chat with A.txt", "x.zip"]),
                                             st.binary(max_size=3000))))
def test_whatsapp_exports(case) -> None:
    name, data = case
    path = _file(name, data)
    WhatsAppImporter().detect(path)
    _read(WhatsAppImporter(), path)


# --- WeChat: message content (XML, LZ4, zstd) and protobuf blobs -------------------------------------

_xmlish = st.one_of(
    st.text(max_size=300),
    st.builds(lambda tag, t, body: f"<msg><appmsg><title>{t}</title><type>{tag}</type>{body}</appmsg></msg>",
              st.integers(-1, 2000), st.text(max_size=20), st.text(max_size=80)),
    st.builds(lambda a, b: f'<msg><img aeskey="{a}" length="{b}" md5="x"/></msg>', st.text(max_size=10),
              st.text(max_size=10)),
    st.builds(lambda body: f'<sysmsg type="{body}"><revokemsg>{body}</revokemsg></sysmsg>', st.text(max_size=40)),
    st.builds(lambda n: "<msg>" * n + "x" + "</msg>" * (n // 2), st.integers(0, 3000)),
    st.just('<!DOCTYPE x [<!ENTITY a "aaaa"><!ENTITY b "&a;&a;&a;">]><msg>&b;</msg>'),
    st.just('<!DOCTYPE x [<!ENTITY e SYSTEM "file:///etc/passwd">]><msg>&e;</msg>'))


@settings(PROFILE)
@given(st.one_of(st.sampled_from([1, 3, 34, 37, 42, 43, 47, 48, 49, 50, 52, 53, 62, 64, 10000, 10002]),
                 st.integers(-2**31, 2**31)),
       st.one_of(st.none(), st.integers(-1, 3000)), st.one_of(st.none(), _xmlish), st.one_of(st.none(), _xmlish))
def test_wechat_parse_message(base: int, sub: int | None, text: str | None, compressed: str | None) -> None:
    content.parse_message(base, sub, text, compressed)
    content.split_group_prefix(text)


@settings(PROFILE)
@given(st.one_of(st.binary(max_size=400), st.binary(max_size=40).map(lambda b: b"\x28\xb5\x2f\xfd" + b)))
def test_wechat_decompressors(blob: bytes) -> None:
    import lz4.block

    for b in (blob, lz4.block.compress(blob, store_size=False)[: max(1, len(blob) // 2)]):
        out = content.decompress_lz4(b)
        assert out is None or isinstance(out, str)
        assert isinstance(content.maybe_zstd(b), str)


_pb_value = st.one_of(st.integers(0, 2**64 - 1), st.binary(max_size=40), st.text(max_size=20))
_pb_message = st.recursive(
    st.lists(st.tuples(st.integers(1, 40), _pb_value), max_size=6),
    lambda inner: st.lists(st.tuples(st.integers(1, 40), st.one_of(_pb_value, inner.map(proto.encode))), max_size=6),
    max_leaves=12).map(proto.encode)


@settings(PROFILE)
@given(st.one_of(st.binary(max_size=300), _pb_message), st.one_of(st.none(), st.integers(0, 400)))
def test_wechat_protobuf_readers(buf: bytes, cut: int | None) -> None:
    buf = _cut(buf, cut)
    n = 0
    for _num, wt, val in proto.fields(buf):
        assert wt in (0, 2) and isinstance(val, int | bytes)
        n += 1
    assert n <= len(buf)
    proto.first(buf, 1)
    proto.text(proto.first(buf, 2))
    items = proto.bytes_extra_items(buf)
    assert proto.bytes_extra_sender(buf) == items.get(1)
    assert all(isinstance(v, str) for v in proto.room_members(buf).values())
    assert all(isinstance(h, str) for h in proto.hex_strings(buf))
