"""The importers' shortcuts give exactly what the general code gives.

WhatsApp: the header pattern without its tail, and the first-letters test that skips the marker
patterns. Telegram: the whole-minute-offset shortcut for message times.
"""

from __future__ import annotations

import random
import re
from datetime import UTC, datetime, timedelta, timezone

from chatvault.importers.telegram.fields import ts_of as _ts_of
from chatvault.importers.whatsapp import messages as W
from chatvault.importers.whatsapp import stamps
from tests import import_fixtures as I

MARKER_TEXTS = [
    "This message was deleted", "You deleted this message.", "Se eliminó este mensaje", "Mensagem apagada",
    "Diese Nachricht wurde gelöscht", "Ce message a été supprimé", "Questo messaggio è stato eliminato",
    "Данное сообщение удалено", "Pesan ini telah dihapus", "此消息已删除", "यह संदेश हटा दिया गया था",
    "تم حذف هذه الرسالة", "<Media omitted>", "<media omitted>", "<Medien ausgeschlossen>", "<Mídia oculta>",
    "<Без медиафайлов>", "<省略影音内容>", "image omitted", "video omitted", "GIF omitted", "sticker omitted",
    "document omitted", "Contact card omitted", "imagen omitida", "vídeo omitido", "Bild weggelassen",
    "image absente", "immagine omessa", "изображение отсутствует", "gambar tidak disertakan", "图片 已省略",
    "audio omitted <attached: 00000012-AUDIO.opus>", "live location shared", "Live-Standort wird geteilt",
    "ubicación en tiempo real compartida", "трансляция геопозиции", "已共享实时位置",
]


def variants(text: str) -> list[str]:
    out = {text, text.upper(), text.lower(), text.title(), text.swapcase(), "\u200e" + text}
    # Case folding the regex engine applies beyond str.lower(): long s, Kelvin sign, dotless i.
    out.add(text.replace("s", "\u017f").replace("k", "\u212a").replace("i", "\u0131"))
    out.add(text.replace("S", "\u017f").replace("K", "\u212a"))
    return sorted(out)


def heads_allow(text: str) -> bool:
    return not W._no_short_marker(text)


def test_first_letters_never_skip_a_marker() -> None:
    assert W.SHORT_HEADS is not None        # the shortcut is in use
    matched = 0
    texts = [v for t in MARKER_TEXTS for v in variants(t)]
    for lang in I.LANG:
        texts += [line.split(": ", 1)[-1] for line in I.whatsapp_locale(lang).lines]
    rnd = random.Random(5)
    for t in MARKER_TEXTS:
        for _ in range(20):
            chars = list(t)
            i = rnd.randrange(len(chars))
            chars[i] = chars[i].upper() if rnd.random() < 0.5 else chars[i].lower()
            texts.append("".join(chars))
    for text in texts:
        if W.SHORT_MARKERS.match(text):
            matched += 1
            assert heads_allow(text), text
    assert matched > len(MARKER_TEXTS)
    for word in ("lorem ipsum", "ok", "see you at 10", "dinner tonight?", "Hahaha", "thanks!", "我们明天见", "好的"):
        assert not heads_allow(word) or len(word) < W._HEAD, word
    for prefix in ("\u200e", "\u017f", "\u212a", "\u0131", "已", "图", "Д", "ت"):   # may begin a marker
        assert heads_allow(prefix + "xyz"), prefix


FULL_HEADER = re.compile(stamps.FAST.pattern + r"(?P<rest>.*)$", re.S)


def test_header_without_tail_reads_the_same_groups() -> None:
    lines = []
    for lang in I.LANG:
        for layout in I.LAYOUTS.values():
            lines += I.whatsapp_locale(lang, layout).lines
    lines += ["12/24/19, 11:23 - x", "[24/12/2019, 11:23:45] a: b", "2019/12/24, 11:23 - ", "1.2.3 4:56 - - -",
              "\u200e[24.12.19, 23:55:01] \u200eBob: \u200eimage omitted", "12/24/19, 11:23 pm - x: y"]
    checked = 0
    for line in lines:
        full, head = FULL_HEADER.match(line), stamps.FAST.match(line)
        assert (full is None) == (head is None), line
        if full:
            checked += 1
            assert full.groups()[:4] == head.groups() and full.group("rest") == line[head.end():], line
    assert checked > 1000


def reference_ts(unix, local):
    """The message time as Telegram's reader computed it before the shortcut."""
    naive = None
    if isinstance(local, str):
        try:
            naive = datetime.fromisoformat(local)
        except ValueError:
            naive = None
    if unix is not None:
        try:
            secs = int(unix)
            utc = None if naive is not None and naive.tzinfo is None else datetime.fromtimestamp(secs, UTC)
        except (ValueError, OverflowError, OSError):
            secs = None
        if secs is not None:
            if utc is None:
                minutes = round(((naive - datetime(1970, 1, 1)).total_seconds() - secs) / 60)
                if abs(minutes) <= 18 * 60:
                    tz = UTC if minutes == 0 else timezone(timedelta(minutes=minutes))
                    ts = naive.replace(tzinfo=tz)
                    if int(ts.timestamp()) != secs:
                        ts = datetime.fromtimestamp(secs, ts.tzinfo)
                    return ts, True
                utc = datetime.fromtimestamp(secs, UTC)
            return utc, True
    if naive is not None:
        if naive.tzinfo is not None:
            return naive, True
        return naive.replace(tzinfo=UTC), False
    return None, False


def test_telegram_time_shortcut_equals_the_general_rule() -> None:
    rnd = random.Random(9)
    cases = [("1700000000", "2023-11-14T22:13:20"), ("1700000000", "2023-11-15T00:13:20"),
             ("1700000000", "2023-11-14T16:43:20"), ("1700000000", "2023-11-14T22:13:21"),
             ("1700000000", "2023-11-14T22:13:20.5"), ("1700000000", "2023-11-14T22:13:20+02:00"),
             ("1700000000", "2023-11-16T22:13:20"), ("-86400", "1969-12-31T02:00:00"), ("0", "1970-01-01T00:00:00"),
             ("253402300799", "9999-12-31T23:59:59"), ("253402300799", "9999-12-31T20:59:59"),
             ("-62135596800", "0001-01-01T00:00:00"), ("-62135596800", "0001-01-01T01:00:00"),
             ("x", "2023-11-14T22:13:20"), ("1700000000", "not a date"), ("1700000000", None), (None, "2023-01-01T00:00:00"),
             (" 1700000000 ", "2023-11-14T22:13:20"), ("1e9", "2001-09-09T01:46:40"), (None, None)]
    for _ in range(3000):
        secs = rnd.randrange(-2_000_000_000, 4_000_000_000)
        off = rnd.choice([0, 60, -60, 3600, -18000, 19800, 20700, 64800, -64800, 64860, 30, 7, -5, 86400])
        local = (datetime(1970, 1, 1) + timedelta(seconds=secs + off)).isoformat()
        cases.append((str(secs), local))
    for unix, local in cases:
        got, want = _ts_of(unix, local), reference_ts(unix, local)
        assert got == want and repr(got) == repr(want), (unix, local, got, want)
        if got[0] is not None:
            assert got[0].utcoffset() == want[0].utcoffset() and got[0].fold == want[0].fold
