"""RELIABILITY rows 21 and 33: nesting bombs, huge strings and huge messages in a Telegram result.json.

The reader must stop with an `InputError` naming the limit and the byte, keep every message before the
bad part, and stay within 300 MiB of peak RSS (measured in a child process) whatever the input.
"""

from __future__ import annotations

import io
import json
import random
import subprocess
import sys
import textwrap
from pathlib import Path

import ijson
import pytest

from chatvault.errors import InputError
from chatvault.importers.base import ImportOptions
from chatvault.importers.jsonlimits import MAX_DEPTH, BoundedJson, JsonLimitError
from chatvault.importers.telegram import TelegramImporter
from chatvault.jobs.context import JobContext
from chatvault.model import MessageRec, Unparsed

RSS_LIMIT_MIB = 300
_MSG = {"id": 1, "type": "message", "date": "2024-01-01T10:00:00", "date_unixtime": "1704103200",
        "from": "Ann", "from_id": "user1", "text": "before the bomb"}


def _chat(tail: str, full: bool = False) -> str:
    """A result.json whose messages list holds one good message, then `tail` (the hostile part)."""
    body = json.dumps(_MSG) + "," + tail
    if full:
        return '{"personal_information":{"user_id":1},"chats":{"list":[{"name":"A","id":1,"messages":[' + body
    return '{"name":"A","type":"personal_chat","id":1,"messages":[' + body


def _read(path: Path) -> tuple[list, InputError | None]:
    recs: list = []
    try:
        for rec in TelegramImporter().read(path, ImportOptions(), JobContext()):
            recs.append(rec)
    except InputError as exc:
        return recs, exc
    return recs, None


# --- the filter itself --------------------------------------------------------------------------

def _tricky_json(rng: random.Random, depth: int = 0) -> object:
    """Values whose strings hold brackets, quotes, backslashes and escapes (what could fool the scan)."""
    pick = rng.random()
    if depth > 6 or pick < 0.4:
        return rng.choice(["[{", "]}", '"', "\\", '\\"[', "a\\\\", "{\"x\": [1]}", "", "ü[", 12345678901, 1.5e300,
                           None, True, "\u2028]"])
    if pick < 0.7:
        return [_tricky_json(rng, depth + 1) for _ in range(rng.randint(0, 4))]
    return {rng.choice(["[", "]", "k", '"', "\\"]) + str(i): _tricky_json(rng, depth + 1) for i in range(rng.randint(0, 4))}


@pytest.mark.parametrize("chunk", [1, 2, 3, 7, 64, 4096])
def test_fast_scan_agrees_with_the_byte_walk(chunk: int) -> None:
    """At any chunk size the C-speed scan ends each chunk in the state the exact walk computes."""
    rng = random.Random(chunk)
    data = json.dumps([_tricky_json(rng) for _ in range(300)], ensure_ascii=rng.random() < 0.5).encode()
    fast, exact = BoundedJson(io.BytesIO(b""), "x", item_depth=2), BoundedJson(io.BytesIO(b""), "x", item_depth=2)
    for i in range(0, len(data), chunk):
        piece = data[i:i + chunk]
        fast._scan_fast(piece)
        exact._scan_exact(piece)
        fast.pos += len(piece)
        exact.pos += len(piece)
        assert (fast.depth, fast.in_string) == (exact.depth, exact.in_string), i
    assert fast.depth == exact.depth == 0
    assert list(ijson.items(BoundedJson(io.BytesIO(data), "x"), "", use_float=True)) == [json.loads(data)]


@pytest.mark.parametrize(("data", "words"), [
    (b"[" * (MAX_DEPTH + 1), f"nests arrays {MAX_DEPTH + 1} deep at byte {MAX_DEPTH}"),
    (b'{"a":' * 200 + b"1", "nests objects 200 deep at byte 640"),
    (b'["' + b"x" * (3 << 20), "holds a string longer than 2 MiB"),
    (b"[" + b"9" * 5000, "holds a number or word longer than 4,300 bytes at byte 4,301"),
    (b"[[" + b"[1]," * 400_000, "holds one message of more than 1 MiB (at byte 1,048,57"),
])
def test_each_limit_is_named_with_its_byte(data: bytes, words: str) -> None:
    stream = BoundedJson(io.BytesIO(data), "result.json", item_depth=2, max_string=2 << 20, max_number=4300,
                         max_item=1 << 20)
    with pytest.raises(JsonLimitError) as caught:
        while stream.read(1 << 16):
            pass
    assert words in caught.value.message and caught.value.message.startswith("result.json ")
    assert "damaged or crafted" in (caught.value.hint or "")


def test_bytes_before_the_bad_part_are_delivered_first() -> None:
    """The chunk holding the bomb is cut at the bomb: what precedes it still reaches the parser."""
    good = b'[{"a": "[not nesting]"}, ' + b"[" * 1000
    stream = BoundedJson(io.BytesIO(good), "x")
    first = stream.read(1 << 16)
    assert first == good[: len(first)] and first.endswith(b"[" * (MAX_DEPTH - 1))
    with pytest.raises(JsonLimitError):
        stream.read(1 << 16)


# --- the Telegram reader ---------------------------------------------------------------------------

@pytest.mark.parametrize("full", [False, True])
def test_nesting_bomb_keeps_the_messages_before_it(tmp_path: Path, full: bool) -> None:
    path = tmp_path / "result.json"
    path.write_text(_chat("[" * 200_000, full))
    assert TelegramImporter().detect(path).confidence > 0          # detection reads it without blowing up
    recs, error = _read(path)
    assert [r.text for r in recs if isinstance(r, MessageRec)] == ["before the bomb"]
    assert error is not None and "result.json nests arrays 200,00" in error.message
    assert f"ChatVault reads at most {MAX_DEPTH} levels" in error.message
    cut = [r for r in recs if isinstance(r, Unparsed)]
    assert len(cut) == 1 and "nests arrays" in cut[0].reason and cut[0].location.startswith("result.json: byte ")


def test_message_nested_a_thousand_deep_is_an_input_error_not_internal(tmp_path: Path) -> None:
    """Depth 1,000 made json.dumps raise RecursionError (reported as `internal`)."""
    path = tmp_path / "result.json"
    path.write_text(_chat('{"id":2,"type":"message","date":"2024-01-01T10:00:00","text":' + "[" * 1000 + "]" * 1000
                          + "}]}"))
    recs, error = _read(path)
    assert error is not None and error.code == "input" and "1,00" in error.message
    assert sum(isinstance(r, MessageRec) for r in recs) == 1


def test_huge_message_and_huge_string_are_refused_by_name(tmp_path: Path) -> None:
    path = tmp_path / "result.json"
    path.write_text(_chat('{"id":2,"type":"message","date":"2024-01-01T10:00:00","text":[' + "0," * (3 << 20)
                          + "0]}]}"))
    recs, error = _read(path)
    assert error is not None and "holds one message of more than 4 MiB" in error.message
    assert sum(isinstance(r, MessageRec) for r in recs) == 1
    path.write_text('{"name":"' + "x" * (17 << 20) + '","messages":[]}')       # outside any message
    recs, error = _read(path)
    assert error is not None and "holds a string longer than 16 MiB at byte 16,777,2" in error.message


def test_five_thousand_digit_integer_is_named(tmp_path: Path) -> None:
    """Python reads no integer of more than 4,300 digits: the limit is named, the message before is kept."""
    path = tmp_path / "result.json"
    path.write_text(_chat('{"id":2,"type":"message","date":"2024-01-01T10:00:00","text":"x","n":' + "7" * 5000
                          + "}]}"))
    recs, error = _read(path)
    assert error is None and [r.text for r in recs if isinstance(r, MessageRec)] == ["before the bomb"]
    assert any("a number of 5,000 digits; ChatVault reads at most 4,300" in r.reason for r in recs
               if isinstance(r, Unparsed))


@pytest.mark.parametrize("full", [False, True])
def test_lone_surrogates_and_bad_utf8_are_mended_and_counted(tmp_path: Path, full: bool) -> None:
    """Row 21: half an emoji escaped alone (`\\ud83d`) and bytes that are not UTF-8 made ijson raise
    UnicodeDecodeError (`internal`). Now every message is imported, the bad characters become U+FFFD,
    a whole pair stays an emoji, an escaped backslash stays text, and the count is reported."""
    body = (b'[{"id":1,"type":"message","date":"2024-01-01T10:00:00","from":"B\\udc00","from_id":"user1",'
            b'"text":"x\\ud83d y \\ud83d\\ude00 \\\\ud800 \xff end"},'
            b'{"id":2,"type":"message","date":"2024-01-01T10:00:00","text":"ok"}]')
    data = (b'{"personal_information":{"user_id":1},"chats":{"list":[{"name":"A","id":1,"messages":' + body + b"}]}}"
            if full else b'{"name":"A","type":"personal_chat","id":1,"messages":' + body + b"}")
    path = tmp_path / "result.json"
    path.write_bytes(data)
    assert TelegramImporter().detect(path).confidence > 0
    recs, error = _read(path)
    assert error is None
    msgs = [r for r in recs if isinstance(r, MessageRec)]
    assert [m.text for m in msgs] == ["x\ufffd y \U0001f600 \\ud800 \ufffd end", "ok"]
    assert msgs[0].sender_name == "B\ufffd"
    notes = [r.message for r in recs if r.__class__.__name__ == "ImportWarning"]
    assert any(n.startswith("3 character(s) that were not valid text") for n in notes), notes


def test_mending_holds_escapes_and_utf8_cut_by_a_chunk_end() -> None:
    """A surrogate pair or a UTF-8 character split between two reads is put back together."""
    text = '["a\\ud83d\\ude00b", "\u00e9\u4e2d\\\\ud800"]'.encode()
    for chunk in range(1, len(text) + 1):
        class Chunks(io.BytesIO):
            def read(self, n: int = -1, _c: int = chunk) -> bytes:
                return super().read(min(n, _c) if n and n > 0 else n)
        stream = BoundedJson(Chunks(text), "x", repair=True)
        assert list(ijson.items(stream, "")) == [["a\U0001f600b", "\u00e9\u4e2d\\ud800"]], chunk
        assert stream.replaced == 0


@pytest.mark.parametrize("chunk", [1, 5, 11, 13, 4096])
def test_mending_never_changes_valid_json(chunk: int) -> None:
    """Valid JSON (emoji as escaped pairs, literal backslashes before "u", é and 中 raw) reads the same
    through the mending stream at any chunk size, and nothing is counted as replaced."""
    rng = random.Random(chunk)
    pieces = ["\U0001f600", "\\ud83d", "\\", "é", "中", "\\ude00", "a", '"', "\U0001f44d\U0001f3fd"]
    value = ["".join(rng.choice(pieces) for _ in range(rng.randint(0, 12))) for _ in range(200)]
    data = json.dumps(value, ensure_ascii=rng.random() < 0.5).encode()

    class Chunks(io.BytesIO):
        def read(self, n: int = -1) -> bytes:
            return super().read(min(n, chunk) if n and n > 0 else n)

    stream = BoundedJson(Chunks(data), "x", repair=True)
    assert list(ijson.items(stream, "")) == [value]
    assert stream.replaced == 0


def test_many_values_in_one_message_via_the_event_walk(tmp_path: Path) -> None:
    """The full-export walk builds messages from events: a message of 10^6 tiny values is refused."""
    path = tmp_path / "result.json"
    path.write_text(_chat('{"id":2,"type":"message","date":"2024-01-01T10:00:00","r":[' + "[]," * 1_000_000
                          + "[]]}]}]}}", full=True))
    recs, error = _read(path)
    assert error is not None and "more than 200,000 values" in error.message
    assert sum(isinstance(r, MessageRec) for r in recs) == 1


# --- peak memory, measured in a child process (rows 21 and 33) --------------------------------------

_CHILD = textwrap.dedent("""
    import resource, sys, time
    from pathlib import Path
    case, path = sys.argv[1], Path(sys.argv[2])
    start = time.monotonic()
    if case == "bigstring":
        # A 2 GB string, produced lazily: nothing close to 2 GB ever exists on disk or in memory.
        import ijson
        from chatvault.importers.jsonlimits import BoundedJson, JsonLimitError

        class Lazy:
            left = 2 << 30
            head = b'{"type":"personal_chat","name":"'
            def read(self, n):
                if n == 0:                  # ijson's type probe
                    return b""
                if self.head:
                    out, self.head = self.head, b""
                    return out
                n = min(n, self.left)
                self.left -= n
                return b"x" * n
            def close(self):
                pass
        try:
            for _ in ijson.items(BoundedJson(Lazy(), "result.json", item_depth=3), "messages.item"):
                pass
            outcome = "read"
        except JsonLimitError as exc:
            outcome = exc.message
    elif case == "xmldeep":
        # WeChat message XML nested 10^6 deep (its own bounds: MAX_XML, MAX_TAGS in wechat/content.py)
        from chatvault.importers.wechat import content
        body = "<msg><appmsg><title>t</title>" + "<a>" * 1_000_000 + "</a>" * 1_000_000 + "</appmsg></msg>"
        outcome = str(content.parse_message(49, None, body, None).kind)
    else:
        from chatvault.errors import InputError
        from chatvault.importers.base import ImportOptions
        from chatvault.importers.telegram import TelegramImporter
        from chatvault.jobs.context import JobContext
        TelegramImporter().detect(path)
        try:
            for _ in TelegramImporter().read(path, ImportOptions(), JobContext()):
                pass
            outcome = "read"
        except InputError as exc:
            outcome = exc.message
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    try:      # Linux keeps ru_maxrss across exec (a big parent would show): VmHWM is this process's own peak
        with open("/proc/self/status") as fh:
            rss = next(int(line.split()[1]) for line in fh if line.startswith("VmHWM:")) / 1024
    except (OSError, StopIteration):
        pass
    print(f"{rss:.0f}|{time.monotonic() - start:.2f}|{outcome}")
""")


@pytest.mark.parametrize("case", ["nest1e6", "nest1e6full", "bigstring", "xmldeep"])
def test_bombs_stay_under_300_mib(tmp_path: Path, case: str) -> None:
    path = tmp_path / "result.json"
    if case.startswith("nest"):
        path.write_text(_chat("[" * 1_000_000, full=case.endswith("full")))
    out = subprocess.run([sys.executable, "-c", _CHILD, case, str(path)], capture_output=True, text=True,
                         timeout=60, check=True).stdout.strip()
    rss, seconds, outcome = out.split("|", 2)
    assert float(rss) <= RSS_LIMIT_MIB, out
    assert float(seconds) <= 10, out
    word = {"bigstring": "holds a string longer than 16 MiB", "xmldeep": "unknown"}.get(case, "nests arrays 1,000,0")
    assert word in outcome, out


# --- end to end: the vault keeps what was read, the CLI names the limit (never `internal`) -------------

def test_cli_import_of_a_nesting_bomb(cli, vault, tmp_path: Path) -> None:
    from tests.test_ingest_cli import env_for

    vault.lock()
    path = tmp_path / "result.json"
    path.write_text(_chat("[" * 200_000))
    r = cli("import", str(path), "--json", env=env_for(vault.path))
    assert r.returncode == 1, r.stderr
    out = json.loads(r.stdout)
    assert out["error"] == "input" and "nests arrays 200,00" in out["message"] and "at most 128 levels" in out["message"]
    runs = json.loads(cli("imports", "--json", env=env_for(vault.path)).stdout)["runs"]
    assert runs[0]["counts"]["added"] == 1                     # the message before the bomb is in the vault
    unparsed = json.loads(cli("imports", "--unparsed", str(runs[0]["id"]), "--json",
                              env=env_for(vault.path)).stdout)["unparsed"]
    assert any("nests arrays" in u["reason"] for u in unparsed)
