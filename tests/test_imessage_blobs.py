"""The blobs inside a Messages database: typedstream bodies, balloon payloads, edit summaries, handles."""

from __future__ import annotations

import random
from datetime import UTC, datetime

import pytest

from chatvault.importers.imessage import payload, typedstream
from chatvault.importers.imessage.handles import normalize_handle
from chatvault.importers.imessage.messages import split_target, tapback
from tests import imessage_blobs as B


def test_bodies_of_every_shape_read_back() -> None:
    assert typedstream.text_of(B.body("héllo 😀 中文")) == "héllo 😀 中文"
    long = "x" * 70_000                                        # a 4-byte length
    assert typedstream.text_of(B.body(long)) == long
    mid = "y" * 300                                            # a 2-byte length
    assert typedstream.text_of(B.body(mid)) == mid
    multi = typedstream.attributed_text(B.body_with_attachments([("at_0_A",), "caption 😀", ("at_2_B",)]))
    assert multi.text == "\ufffccaption 😀\ufffc"
    assert multi.parts() == {0: "\ufffc", 1: "caption 😀", 2: "\ufffc"}          # runs count UTF-16 units
    assert multi.attr_values("__kIMFileTransferGUIDAttributeName") == ["at_0_A", "at_2_B"]
    link = typedstream.attributed_text(B.link_body("https://example.com/a"))
    assert link.attr_values("__kIMLinkAttributeName") == ["https://example.com/a"]
    assert link.runs[0].attrs["__kIMBaseWritingDirectionAttributeName"] == -1
    assert link.runs[0].attrs["__kIMDataDetectedAttributeName"].startswith(b"bplist00")     # NSData, [Nc]
    little = B.body("big-endian archive")                     # NeXT's byte order: signature "typedstream"
    big = b"\x04\x0btypedstream\x81\x03\xe8" + little[len(b"\x04\x0bstreamtyped\x81\xe8\x03"):]
    assert typedstream.attributed_text(big).text == "big-endian archive"
    plain = typedstream.attributed_text(B.attributed_body([("immutable", {"k": 1})], mutable=False))
    assert plain.text == "immutable" and plain.runs[0].attrs == {"k": 1}


def test_damaged_bodies_fail_cleanly_and_salvage_the_text() -> None:
    blobs = [B.body("a message of some length"), B.body_with_attachments([("at_0_A",), "cap"]),
             B.link_body("https://example.com/a")]
    for blob in blobs:
        for cut in range(len(blob)):
            try:
                typedstream.attributed_text(blob[:cut])
            except typedstream.TypedStreamError:
                pass
            typedstream.text_of(blob[:cut])                   # never anything but text or None
    cut = B.body("a message of some length")
    assert typedstream.text_of(cut[:cut.index(b"length") + 6]) == "a message of some length"
    rnd = random.Random(7)
    for _ in range(400):
        blob = bytearray(rnd.choice(blobs))
        for _ in range(rnd.randint(1, 4)):
            blob[rnd.randrange(len(blob))] = rnd.randrange(256)
        try:
            typedstream.attributed_text(bytes(blob))
        except typedstream.TypedStreamError:
            pass
    with pytest.raises(typedstream.TypedStreamError, match="not a typedstream"):
        typedstream.attributed_text(b"\x04\x0bnotastream\x81\xe8\x03")
    assert typedstream.text_of(b"") is None and typedstream.text_of(b"garbage") is None


def test_balloons_and_summaries() -> None:
    link = payload.balloon(payload.URL_BALLOON, B.url_payload("https://e.com/x", "Title", "Sum", "Site"))
    assert link and link.kind == "link" and link.text == "Title — Sum\nhttps://e.com/x" and link.extra["site"] == "Site"
    pay = payload.balloon(payload.APP_PLUGIN + ":X:com.apple.PassbookUIService.PeerPaymentMessagesExtension",
                          B.app_payload("Apple Pay", "Sent $12.50 with Apple Pay.", "Apple Cash"))
    assert pay and pay.kind == "payment" and pay.extra["amount"] == "$12.50"
    game = payload.balloon(payload.APP_PLUGIN + ":X:com.game", B.app_payload("Chess", None, "Your move"))
    assert game and game.kind == "text" and game.text == "Chess: Your move"
    assert payload.balloon(payload.URL_BALLOON, b"not a plist") is None
    assert payload.balloon(None, None) is None
    s = payload.summary(B.summary_info({0: [(7e8, "one"), (7e8 + 9, "two")]}, unsent=[1], ranges={0: (0, 3), 1: (3, 4)}))
    assert [e["text"] for e in s.edits] == ["one", "two"] and s.unsent_parts == [1] and s.part_ranges[1] == (3, 4)
    assert payload.summary(b"junk") == payload.Summary()


def test_times_in_seconds_or_nanoseconds_since_2001() -> None:
    t = datetime(2024, 3, 1, 9, 0, 5, tzinfo=UTC)
    secs = int((t - payload.APPLE_EPOCH).total_seconds())
    assert payload.apple_time(secs) == t == payload.apple_time(secs * 1_000_000_000)
    assert payload.apple_time(0) is None and payload.apple_time(None) is None


def test_handles_and_tapback_targets() -> None:
    assert normalize_handle("+1 (555) 010-0199") == "+15550100199"
    assert normalize_handle("Bob@Example.COM") == "bob@example.com"
    assert normalize_handle("E:bob@example.com") == normalize_handle("mailto:bob@example.com") == "bob@example.com"
    assert normalize_handle("p:+15550100199") == "+15550100199"
    assert normalize_handle("AMAZON") == "AMAZON"
    assert split_target("p:2/ABC") == ("ABC", 2) and split_target("bp:ABC") == ("ABC", None)
    assert split_target("ABC") == ("ABC", None) and split_target(None) == (None, None)
    assert tapback(2000, None) == ("love", "❤️", False) and tapback(3001, None) == ("like", "👍", True)
    assert tapback(2006, "🎉") == ("emoji", "🎉", False) and tapback(2042, None) is None
