"""Coverage-guided fuzzing of the parsers with atheris (libFuzzer), RELIABILITY row 23 (nightly).

    make fuzz-atheris                                   # every target, 1,000,000 executions each
    .venv/bin/python tests/fuzz/fuzz_targets.py TARGET [libFuzzer flags, e.g. -runs=100000 CORPUS_DIR]

TARGET is one of: whatsapp, telegram, telegram_zip (damaged zips: salvage, CRC, duplicates),
json_limits (the bounded JSON filter), wechat_content, wechat_proto. A parser may refuse an input only
with chatvault.errors.InputError; any other exception is reported by libFuzzer as a crash (the input
is saved as crash-<sha1> in the current folder), and `-timeout=5` turns an input taking over 5 s into
a failure. A small seed corpus (a valid export of each kind) is written to a temporary folder and
passed first, so the fuzzer starts from real structure instead of random bytes.
Needs the optional extra: pip install -e '.[fuzz]'.
"""

from __future__ import annotations

import io
import json
import os
import sys
import tempfile
import zipfile
from pathlib import Path

import atheris

with atheris.instrument_imports(include=["chatvault"]):
    from chatvault.errors import InputError
    from chatvault.importers import registry
    from chatvault.importers.base import ImportOptions
    from chatvault.importers.jsonlimits import BoundedJson
    from chatvault.importers.telegram import TelegramImporter
    from chatvault.importers.wechat import content, proto
    from chatvault.importers.whatsapp import WhatsAppImporter
    from chatvault.jobs.context import JobContext

# One fixed work folder, reused by every run (libFuzzer ends the process without Python's clean-up).
_WORK = Path(tempfile.gettempdir()) / f"chatvault-atheris-{os.getuid()}"
_WORK.mkdir(mode=0o700, exist_ok=True)
_OPTS = ImportOptions(options={"tz": "UTC"})


def _read_file(importer, name: str, data: bytes) -> None:
    path = _WORK / name
    path.write_bytes(data)
    importer.detect(path)
    try:
        for _ in importer.read(path, _OPTS, JobContext()):
            pass
    except InputError:
        pass


def fuzz_whatsapp(data: bytes) -> None:
    _read_file(WhatsAppImporter(), "WhatsApp Chat.zip" if data[:2] == b"PK" else "WhatsApp Chat with A.txt", data)


def fuzz_telegram(data: bytes) -> None:
    _read_file(TelegramImporter(), "result.json", data)


def fuzz_telegram_zip(data: bytes) -> None:
    """A zip (damaged, cut, with duplicate names): detection and reading raise only InputError."""
    path = _WORK / "export.zip"
    path.write_bytes(data)
    try:
        registry.detect(path)
    except InputError:
        pass
    _read_file(TelegramImporter(), "export.zip", data)


def fuzz_json_limits(data: bytes) -> None:
    """The filter never changes what ijson reads within the limits; it refuses only with InputError."""
    import ijson

    fdp = atheris.FuzzedDataProvider(data)
    chunk = fdp.ConsumeIntInRange(1, 4096)
    body = fdp.ConsumeBytes(fdp.remaining_bytes())

    class Chunks(io.BytesIO):
        def read(self, n: int = -1) -> bytes:
            return super().read(min(n, chunk) if n and n > 0 else n)

    try:
        for _ in ijson.parse(BoundedJson(Chunks(body), "x", item_depth=2, max_depth=16, max_string=64,
                                         max_number=16, max_item=256)):
            pass
    except (InputError, ijson.common.JSONError):
        pass


def fuzz_wechat_content(data: bytes) -> None:
    fdp = atheris.FuzzedDataProvider(data)
    base = fdp.PickValueInList([1, 3, 34, 37, 42, 43, 47, 48, 49, 50, 52, 53, 62, 64, 10000, 10002,
                                fdp.ConsumeIntInRange(-2**31, 2**31)])
    sub = fdp.ConsumeIntInRange(-1, 3000) if fdp.ConsumeBool() else None
    text = fdp.ConsumeUnicodeNoSurrogates(fdp.ConsumeIntInRange(0, 4096))
    compressed = fdp.ConsumeUnicodeNoSurrogates(fdp.ConsumeIntInRange(0, 4096)) if fdp.ConsumeBool() else None
    content.parse_message(base, sub, text, compressed)
    content.split_group_prefix(text)
    rest = fdp.ConsumeBytes(fdp.remaining_bytes())
    content.decompress_lz4(rest)
    content.maybe_zstd(rest)


def fuzz_wechat_proto(data: bytes) -> None:
    for _ in proto.fields(data):
        pass
    proto.text(proto.first(data, 2))
    items = proto.bytes_extra_items(data)
    if proto.bytes_extra_sender(data) != items.get(1):
        raise AssertionError("bytes_extra_sender disagrees with bytes_extra_items")
    proto.room_members(data)
    proto.hex_strings(data)


def _seeds(target: str) -> list[bytes]:
    t0 = "2024-05-01T10:00:00"
    tg_msgs = [{"id": 1, "type": "message", "date": t0, "date_unixtime": "1714557600", "from": "A", "from_id": "user1",
                "text": ["hi ", {"type": "bold", "text": "there"}], "photo": "photos/p.jpg", "reply_to_message_id": 0},
               {"id": 2, "type": "service", "date": t0, "date_unixtime": "1714557660", "actor": "B", "actor_id": "user2",
                "action": "phone_call", "duration_seconds": 3},
               {"id": 3, "type": "message", "date": t0, "date_unixtime": "1714557720", "from": "A", "from_id": "user1",
                "text": "", "file": "files/a.pdf", "media_type": "voice_message", "poll": {"question": "q", "answers": []},
                "location_information": {"latitude": 1.0, "longitude": 2.0}, "edited": t0, "edited_unixtime": "1714557730"}]
    one = {"name": "Chat", "type": "private_group", "id": 7, "messages": tg_msgs}
    full = {"about": "", "personal_information": {"user_id": 1, "first_name": "A"}, "chats": {"list": [one]}}
    wa = (b"01/03/2024, 09:00 - Alice: hello\n01/03/2024, 09:01 - Bob: IMG-20240301-WA0001.jpg (file attached)\n"
          b"[01.03.24, 09:02:03] Ann: multi\nline\n3/1/24, 9:03 AM - Bob: <Media omitted>\n")
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as zf:
        zf.writestr("WhatsApp Chat with A.txt", wa)
        zf.writestr("IMG-20240301-WA0001.jpg", b"\xff\xd8\xff\xe0" + bytes(20))
    tg_zip = io.BytesIO()
    with zipfile.ZipFile(tg_zip, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("result.json", json.dumps(one))
        zf.writestr("photos/p.jpg", b"\xff\xd8\xff\xe0" + bytes(40))
    return {
        "telegram_zip": [tg_zip.getvalue(), tg_zip.getvalue()[: len(tg_zip.getvalue()) // 2]],
        "json_limits": [b"\x10" + json.dumps(one).encode(), b"\x01" + b"[" * 40],
        "telegram": [json.dumps(one).encode(), json.dumps(full, indent=1).encode()],
        "whatsapp": [wa, buf.getvalue(), "\ufeff".encode() + wa.replace(b"\n", b"\r\n")],
        "wechat_content": [bytes([49]) + b"<msg><appmsg><type>5</type><title>t</title></appmsg></msg>",
                           b"\x03<msg><img length='1'/></msg>"],
        "wechat_proto": [proto.encode([(1, 1), (3, proto.encode([(1, 1), (2, "wxid_a")])), (2, b"\x08\x01")])],
    }[target]


TARGETS = {"whatsapp": fuzz_whatsapp, "telegram": fuzz_telegram, "telegram_zip": fuzz_telegram_zip,
           "json_limits": fuzz_json_limits, "wechat_content": fuzz_wechat_content, "wechat_proto": fuzz_wechat_proto}


def main() -> None:
    if len(sys.argv) < 2 or sys.argv[1] not in TARGETS:
        sys.exit(f"usage: {sys.argv[0]} {{{','.join(TARGETS)}}} [libFuzzer flags] [CORPUS_DIR]")
    target = sys.argv[1]
    flags = sys.argv[2:]
    if not any(not f.startswith("-") for f in flags):      # no corpus folder given: start from the seeds
        corpus = _WORK / f"seeds-{target}"
        corpus.mkdir(exist_ok=True)
        for i, seed in enumerate(_seeds(target)):
            (corpus / f"seed{i}").write_bytes(seed)
        flags.append(str(corpus))
    if not any(f.startswith("-timeout=") for f in flags):
        flags.insert(0, "-timeout=5")                         # an input taking > 5 s is a hang
    atheris.Setup([sys.argv[0], *flags], TARGETS[target])
    atheris.Fuzz()


if __name__ == "__main__":
    main()
