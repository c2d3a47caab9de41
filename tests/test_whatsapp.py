"""WhatsApp importer: every layout and language we generate, read back exactly."""

from __future__ import annotations

import zipfile
from datetime import datetime, timedelta
from pathlib import Path

import pytest

from chatvault.errors import InputError
from chatvault.importers.base import ImportOptions
from chatvault.importers.whatsapp import WhatsAppImporter
from chatvault.importers.whatsapp.dateorder import DateOrderNeeded
from chatvault.jobs.context import JobContext
from chatvault.model import ConversationRec, ImportWarning, MessageRec, Unparsed
from tests.import_fixtures import LANG, LAYOUTS, NNBSP, simple_chat, whatsapp_locale, write_txt, write_zip

UTC_OPTS = ImportOptions(options={"tz": "UTC"})


def read_all(path: Path, options: ImportOptions = UTC_OPTS) -> list:
    return list(WhatsAppImporter().read(path, options, JobContext()))


def messages(recs: list) -> list[MessageRec]:
    return [r for r in recs if isinstance(r, MessageRec)]


def check_expected(msgs: list[MessageRec], expected: list[dict]) -> None:
    assert len(msgs) == len(expected)
    for m, e in zip(msgs, expected, strict=True):
        assert m.sender_key == e["sender"], (m, e)
        assert str(m.kind) == e["kind"], (m, e)
        assert m.text == e["text"], (m, e)
        assert m.ts.replace(tzinfo=None) == e["when"], (m, e)
        if e.get("system"):
            assert m.extra["system"] == e["system"], (m, e)
        if e.get("edited"):
            assert m.edited
        assert m.tz_known is False


@pytest.mark.parametrize("lang", sorted(LANG))
def test_every_language_zip_with_media(tmp_path: Path, lang: str) -> None:
    ex = whatsapp_locale(lang)
    path = write_zip(tmp_path / f"WhatsApp Chat with Trip {lang}.zip", f"WhatsApp Chat with Trip {lang}.txt",
                     ex.lines, ex.media)
    recs = read_all(path)
    assert not [r for r in recs if isinstance(r, Unparsed | ImportWarning)]
    msgs = messages(recs)
    check_expected(msgs, ex.expected)
    attached = [m for m in msgs if m.attachments and m.attachments[0].name]
    assert {m.attachments[0].name for m in attached} == set(ex.media)
    for m in attached:
        with m.attachments[0].open() as fh:   # linked to the file inside the zip
            assert fh.read() == ex.media[m.attachments[0].name]
    poll = next(m for m in msgs if str(m.kind) == "poll")
    assert poll.extra["poll"]["options"] == [{"text": "Beach", "votes": 2}, {"text": "Hills", "votes": 1}]
    loc = next(m for m in msgs if str(m.kind) == "location")
    assert (loc.extra["latitude"], loc.extra["longitude"]) == (52.520008, 13.404954)
    omitted = next(m for m in msgs if m.extra.get("media_omitted"))
    assert omitted.attachments[0].open is None
    conv = [r for r in recs if isinstance(r, ConversationRec)][-1]
    assert conv.title == f"Trip {lang}" and conv.kind == "group"


@pytest.mark.parametrize("layout", sorted(LAYOUTS))
def test_every_layout(tmp_path: Path, layout: str) -> None:
    ex = whatsapp_locale("en", LAYOUTS[layout])
    path = write_txt(tmp_path / "WhatsApp Chat with Trip.txt", ex.lines)
    msgs = messages(read_all(path))
    for e in ex.expected:   # no media in a bare .txt: attachments are missing, kinds unchanged
        e.pop("file", None)
    check_expected(msgs, ex.expected)
    for m in msgs:
        for a in m.attachments:
            assert a.open is None and a.status == "missing"
    assert WhatsAppImporter().detect(path).confidence >= 0.8


def test_ampm_variants(tmp_path: Path) -> None:
    lines = [
        f"3/14/23, 9:05{NNBSP}PM - A: nnbsp pm",
        "3/14/23, 9:06 p. m. - A: spanish pm",
        "3/14/23, 12:07 a.m. - A: midnight",
        "3/14/23, 12:08 PM - A: noon",
        "[3/14/23, 9:09:10\u202fAM] A: ios am",
        "\u200e3/14/23, 9:10 م - A: arabic pm",
        "3/14/23, 21:11 - A: 24h",
    ]
    msgs = messages(read_all(write_txt(tmp_path / "c.txt", lines)))
    got = [(m.ts.hour, m.ts.minute) for m in msgs]
    assert got == [(21, 5), (21, 6), (0, 7), (12, 8), (9, 9), (21, 10), (21, 11)]


def test_chinese_prefix_ampm_and_year_first(tmp_path: Path) -> None:
    lines = ["2023/3/14 下午3:04 - 陈: 你好", "[2023/3/14 上午9:05:06] 陈: 早"]
    msgs = messages(read_all(write_txt(tmp_path / "c.txt", lines)))
    assert [m.ts.replace(tzinfo=None) for m in msgs] == [datetime(2023, 3, 14, 15, 4), datetime(2023, 3, 14, 9, 5, 6)]


def test_date_order_from_whole_file(tmp_path: Path) -> None:
    # Only the last line proves day-first: all earlier dates must follow it.
    lines = ["01/02/21, 10:00 - A: x", "05/02/21, 10:00 - A: y", "25/02/21, 10:00 - A: z"]
    msgs = messages(read_all(write_txt(tmp_path / "c.txt", lines)))
    assert [m.ts.date().isoformat() for m in msgs] == ["2021-02-01", "2021-02-05", "2021-02-25"]
    lines = ["01/02/21, 10:00 - A: x", "02/25/21, 10:00 - A: y"]
    msgs = messages(read_all(write_txt(tmp_path / "d.txt", lines)))
    assert [m.ts.date().isoformat() for m in msgs] == ["2021-01-02", "2021-02-25"]


def test_ambiguous_order_uses_time_order_then_asks(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # 1/2, 1/3, 2/1: only month-first keeps time going forward.
    lines = ["01/02/21, 10:00 - A: x", "01/03/21, 10:00 - A: y", "02/01/21, 10:00 - A: z"]
    recs = read_all(write_txt(tmp_path / "c.txt", lines))
    assert [m.ts.month for m in messages(recs)] == [1, 1, 2]
    assert not [r for r in recs if isinstance(r, ImportWarning)]
    # Truly ambiguous: the machine's locale does not decide; the import stops and names the choices.
    lines = ["03/04/21, 10:00 - A: x", "03/04/21, 11:00 - A: y"]
    for loc in ("en_US.UTF-8", "de_DE.UTF-8"):
        monkeypatch.setenv("LC_ALL", loc)
        with pytest.raises(DateOrderNeeded) as err:
            read_all(write_txt(tmp_path / "e.txt", lines))
        assert "--date-order DMY" in err.value.hint and "--date-order MDY" in err.value.hint
        assert err.value.readings == {"DMY": "3 April", "MDY": "March 4"}
    forced = read_all(write_txt(tmp_path / "g.txt", lines), ImportOptions(options={"tz": "UTC", "date_order": "MDY"}))
    assert messages(forced)[0].ts.month == 3


def test_time_zone_option(tmp_path: Path) -> None:
    path = write_txt(tmp_path / "c.txt", ["14/03/2023, 10:00 - A: x", "14/07/2023, 10:00 - A: summer"])
    msgs = messages(read_all(path, ImportOptions(options={"tz": "Europe/Berlin"})))
    assert [m.ts.utcoffset() for m in msgs] == [timedelta(hours=1), timedelta(hours=2)]
    with pytest.raises(InputError):
        read_all(path, ImportOptions(options={"tz": "Mars/Olympus"}))


def test_marks_bom_crlf_and_multiline(tmp_path: Path) -> None:
    lines = ["\u200e[14/03/2023, 10:00:00] \u200eA: first", "second", "", "\u200f[14/03/2023, 10:01:00] B: \u200eimage omitted"]
    msgs = messages(read_all(write_txt(tmp_path / "_chat.txt", lines, bom=True, crlf=True)))
    assert msgs[0].text == "first\nsecond\n" and msgs[0].sender_key == "A"
    assert str(msgs[1].kind) == "image" and msgs[1].attachments[0].open is None


def test_ios_system_lines_and_attached(tmp_path: Path) -> None:
    lines = [
        "[14/03/2023, 10:00:00] Trip: \u200eMessages and calls are end-to-end encrypted.",
        "[14/03/2023, 10:00:01] Trip: \u200eAna added Bob",
        "[14/03/2023, 10:00:02] Ana: \u200e<attached: 00000012-PHOTO-2023-03-14-10-00-02.jpg>",
        "[14/03/2023, 10:00:03] Bob: \u200eContact card omitted",
    ]
    path = write_zip(tmp_path / "WhatsApp Chat - Trip.zip", "_chat.txt", lines,
                     {"00000012-PHOTO-2023-03-14-10-00-02.jpg": b"\xff\xd8\xff\xe0"})
    recs = read_all(path)
    msgs = messages(recs)
    assert [str(m.kind) for m in msgs] == ["system", "system", "image", "contact"]
    assert msgs[0].sender_key is None and msgs[1].extra["system"] == "added"
    assert msgs[2].attachments[0].open is not None
    assert [r for r in recs if isinstance(r, ConversationRec)][-1].title == "Trip"


def test_direct_vs_group_and_me(tmp_path: Path) -> None:
    path = write_txt(tmp_path / "WhatsApp Chat with Bob.txt", simple_chat(4))
    conv = [r for r in read_all(path) if isinstance(r, ConversationRec)][-1]
    assert conv.kind == "direct" and conv.title == "Bob"
    me = [r for r in read_all(path, ImportOptions(me="Alice", options={"tz": "UTC"})) if isinstance(r, ConversationRec)][-1]
    assert [p.key for p in me.participants if p.is_me] == ["Alice"]
    group = write_txt(tmp_path / "g.txt", simple_chat(6, senders=("A", "B", "C")))
    assert [r for r in read_all(group) if isinstance(r, ConversationRec)][-1].kind == "group"


def test_text_before_first_line_and_bad_dates_are_kept(tmp_path: Path) -> None:
    lines = ["garbage at the top", "14/03/2023, 10:00 - A: ok", "99/99/2023, 10:00 - A: impossible date"]
    recs = read_all(write_txt(tmp_path / "c.txt", lines))
    un = [r for r in recs if isinstance(r, Unparsed)]
    assert [u.location for u in un] == ["c.txt:1"]
    msgs = messages(recs)
    assert msgs[0].text == "ok\n99/99/2023, 10:00 - A: impossible date"   # kept as continuation, not dropped


# --- hostile input ---------------------------------------------------------------------------------

def test_empty_file(tmp_path: Path) -> None:
    p = tmp_path / "empty.txt"
    p.write_bytes(b"")
    assert WhatsAppImporter().detect(p).confidence == 0
    with pytest.raises(InputError, match="empty"):
        read_all(p)


def test_binary_file(tmp_path: Path) -> None:
    p = tmp_path / "x.txt"
    p.write_bytes(bytes(range(256)) * 64)
    assert WhatsAppImporter().detect(p).confidence == 0
    with pytest.raises(InputError, match="no WhatsApp message line"):
        read_all(p)


def test_huge_line_is_kept_short_and_memory_bounded(tmp_path: Path) -> None:
    import tracemalloc

    p = tmp_path / "big.txt"
    with open(p, "w") as fh:
        fh.write("14/03/2023, 10:00 - A: before\n")
        fh.write("x" * (48 << 20))         # a 48 MiB "line" stands in for the 2 GB one
        fh.write("\n14/03/2023, 10:01 - A: after\n")
    tracemalloc.start()
    recs = read_all(p, ImportOptions(options={"tz": "UTC"}))
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    assert peak < 24 << 20
    un = [r for r in recs if isinstance(r, Unparsed)]
    assert len(un) == 1 and un[0].location == "big.txt:2" and len(un[0].raw) == 4096
    assert "longer than" in un[0].reason
    assert [m.text for m in messages(recs)] == ["before", "after"]


def test_truncated_zip(tmp_path: Path) -> None:
    ex = whatsapp_locale("en")
    path = write_zip(tmp_path / "WhatsApp Chat with T.zip", "WhatsApp Chat with T.txt", ex.lines, ex.media)
    cut = tmp_path / "cut.zip"
    cut.write_bytes(path.read_bytes()[: path.stat().st_size // 2])
    # Cut off: the chat file (first in the zip) is recovered from its local header and read; the damage
    # is reported (tests/test_damaged_zips.py covers the cases).
    assert WhatsAppImporter().detect(cut).confidence > 0
    got, whole = [m.text for m in messages(read_all(cut))], [m.text for m in messages(read_all(path))]
    recs = read_all(cut)
    assert got[:-1] == whole[: len(got) - 1] and whole[len(got) - 1].startswith(got[-1])   # the last one is cut
    assert any("damaged zip" in r.reason for r in recs if isinstance(r, Unparsed))


def test_zip_with_traversal_names_reads_only_safe_members(tmp_path: Path) -> None:
    path = tmp_path / "WhatsApp Chat with T.zip"
    with zipfile.ZipFile(path, "w") as zf:
        zf.writestr("WhatsApp Chat with T.txt", "14/03/2023, 10:00 - A: ../../evil.jpg (file attached)\n")
        zf.writestr("../../evil.jpg", b"\xff\xd8\xff")
    recs = read_all(path)
    msg = messages(recs)[0]
    assert msg.attachments[0].open is None          # never resolved to the unsafe member
    warns = [r.message for r in recs if isinstance(r, ImportWarning)]
    assert any("../../evil.jpg" in w and "unsafe" in w for w in warns)
    assert not (tmp_path.parent / "evil.jpg").exists()


# Cancel, two identical reads, stable keys and hostile inputs for every format: tests/test_conformance.py.


def test_every_line_is_accounted_for(tmp_path_factory: pytest.TempPathFactory) -> None:
    """Fuzz: any mix of message lines, junk, blank and marker lines: nothing raises, no line is lost."""
    from hypothesis import HealthCheck, given, settings
    from hypothesis import strategies as st

    junk = st.text(alphabet=st.characters(blacklist_categories=("Cs",), blacklist_characters="\r\n\x0b\x0c\x1c\x1d\x1e\x85\u2028\u2029"),
                   max_size=40)
    header = st.builds(lambda d, m, h, text: f"{d}/{m}/2023, {h:02d}:07 - Ann: {text}",
                       st.integers(1, 28), st.integers(1, 12), st.integers(0, 23), junk)
    line = st.one_of(header, junk, st.just(""), st.just("\u200e<Media omitted>"), st.just("99/99/2023, 10:00 - x: y"))

    @settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
    @given(st.lists(line, min_size=1, max_size=30))
    def check(lines: list[str]) -> None:
        path = tmp_path_factory.mktemp("fuzz") / "c.txt"
        path.write_text("\n".join(lines) + "\n", encoding="utf-8")
        try:
            recs = read_all(path)
        except InputError:
            return                                  # no message line at all: a clean refusal
        msgs = messages(recs)
        unparsed = [r for r in recs if isinstance(r, Unparsed)]
        first = min(int(m.location.rsplit(":", 1)[1]) for m in msgs)
        text_lines = path.read_text(encoding="utf-8").split("\n")[:-1]
        before = [x for x in text_lines[: first - 1] if x.strip(" \t\u200e\u200f\ufeff")]
        assert len(unparsed) == len(before)
        assert sum(m.extra.get("lines", 1) for m in msgs) == len(text_lines) - (first - 1)

    check()
