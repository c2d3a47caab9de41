"""WeChat importers against encrypted WeChat-shaped fixtures (tests/wechat_fixtures.py)."""

from __future__ import annotations

import fcntl
import hashlib
import io
import shutil
import sqlite3
from pathlib import Path

import pytest
from PIL import Image

from chatvault.errors import InputError
from chatvault.importers.base import ImportOptions
from chatvault.importers.wechat import WeChatAndroidImporter, WeChatPCImporter, Weixin4Importer
from chatvault.importers.wechat.dbopen import android_key
from chatvault.jobs.context import JobContext
from chatvault.model import (
    AttachmentStatus,
    ConversationKind,
    ConversationRec,
    ImportWarning,
    MessageKind,
    MessageRec,
    SourceRec,
)
from tests import wechat_fixtures as F

PC, V4, AND = WeChatPCImporter(), Weixin4Importer(), WeChatAndroidImporter()


@pytest.fixture(autouse=True)
def _private_tmp(tmp_path, monkeypatch):
    monkeypatch.setenv("CHATVAULT_TMPDIR", str(tmp_path / "work"))


@pytest.fixture(scope="module")
def pc(tmp_path_factory) -> F.PCFolder:
    return F.build_pc_folder(tmp_path_factory.mktemp("pc"))


@pytest.fixture(scope="module")
def v4(tmp_path_factory) -> Path:
    return F.build_v4_folder(tmp_path_factory.mktemp("v4"))


@pytest.fixture(scope="module")
def android(tmp_path_factory) -> Path:
    return F.build_android_folder(tmp_path_factory.mktemp("and"))


def read(imp, path: Path, **opts) -> list:
    return list(imp.read(path, ImportOptions(options=opts), JobContext()))


def msgs(records) -> dict[str, MessageRec]:
    return {r.source_id: r for r in records if isinstance(r, MessageRec)}


def sha(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


# --- the fixtures are what WeChat writes ---------------------------------------------------

def test_fixture_databases_decrypt_independently(pc, v4, android):
    for path in (pc.root / "Msg/Multi/MSG0.db", pc.root / "Msg/MicroMsg.db", pc.root / "Msg/Multi/MediaMSG0.db"):
        page = F.verify_page1(path, "pc", F.KEY)
        assert page.startswith(b"SQLite format 3\x00") and page[20] == 48
    assert F.verify_page1(v4 / "db_storage/message/message_0.db", "v4", F.KEY)[20] == 80
    db = next(android.rglob("EnMicroMsg.db"))
    assert F.verify_page1(db, "android", F.android_db_key().encode())[16:18] == (1024).to_bytes(2, "big")


def test_detection_accepts_own_layout_and_rejects_others(pc, v4, android, tmp_path):
    assert PC.detect(pc.root).confidence >= 0.9
    assert PC.detect(pc.root.parent).confidence >= 0.9          # WeChat Files
    assert PC.detect(pc.root / "Msg/Multi/MSG1.db").confidence >= 0.9
    assert V4.detect(v4).confidence >= 0.9
    assert AND.detect(android).confidence >= 0.9
    assert AND.detect(next(android.rglob("EnMicroMsg.db"))).confidence >= 0.9
    for imp, others in ((PC, (v4, android)), (V4, (pc.root, android)), (AND, (pc.root, v4))):
        for other in others:
            assert imp.detect(other).confidence == 0.0
    (tmp_path / "x.txt").write_text("hello")
    for imp in (PC, V4, AND):
        assert imp.detect(tmp_path).confidence == 0.0
        assert imp.detect(tmp_path / "x.txt").confidence == 0.0
        assert imp.detect(tmp_path / "nope").confidence == 0.0


# --- WeChat for Windows 3.x --------------------------------------------------------------------

def test_pc_every_message_type(pc):
    recs = read(PC, pc.root, key=F.KEY_HEX)
    src = recs[0]
    assert isinstance(src, SourceRec) and src.app == "wechat" and src.account == F.ME and src.me_name == "Me Myself"
    m = msgs(recs)
    # every message of both MSG files, none dropped
    assert len(m) == len(pc.messages)
    assert m["1001"].kind == MessageKind.TEXT and m["1001"].text == "hello [微笑]"
    assert m["1001"].sender_key == "wxid_alice" and m["1001"].sender_name == "Alice R"   # remark wins
    assert m["1002"].sender_key == F.ME
    assert m["1001"].ts.timestamp() == F.T0 + 1 and m["1001"].ts.tzinfo is not None
    assert m["1003"].kind == MessageKind.IMAGE
    assert m["1005"].kind == MessageKind.VOICE and m["1005"].extra["duration_ms"] == 2300
    assert m["1006"].kind == MessageKind.VIDEO and m["1006"].extra["duration_ms"] == 7000
    assert m["1007"].kind == MessageKind.STICKER and m["1007"].extra["url"].startswith("http://emoji")
    loc = m["1008"]
    assert loc.kind == MessageKind.LOCATION and loc.extra["lat"] == pytest.approx(39.9087)
    assert loc.extra["lon"] == pytest.approx(116.3975) and loc.extra["label"] == "北京市东城区" and loc.text == "天安门"
    assert m["1009"].kind == MessageKind.CONTACT and m["1009"].extra["username"] == "wxid_carol"
    art = m["1010"]
    assert art.kind == MessageKind.LINK and art.text == "Big story"
    assert art.extra["url"] == "https://mp.example/s/1" and art.extra["source_account"] == "gh_news"
    assert art.extra["source_name"] == "Daily News" and art.extra["cover"].endswith("cover.jpg")
    assert art.extra["description"] == "All about it"
    f = m["1011"]
    assert f.kind == MessageKind.FILE and f.extra["file_name"] == "report.pdf" and f.extra["size"] == len(pc.file)
    mini = m["1012"]
    assert mini.kind == MessageKind.LINK and mini.extra["mini_program"]["app_id"] == "wx1234"
    assert mini.extra["mini_program"]["page"] == "pages/ride.html"
    q = m["1013"]
    assert q.kind == MessageKind.TEXT and q.text == "replying to hello" and q.reply_to == "1001"
    assert q.extra["quoted"]["content"] == "hello"
    tr = m["1014"]
    assert tr.kind == MessageKind.PAYMENT and tr.extra["payment"] == "transfer"
    assert tr.extra["amount"] == "￥88.00" and tr.extra["state"] == "accepted" and tr.extra["memo"] == "dinner"
    rp = m["1015"]
    assert rp.kind == MessageKind.PAYMENT and rp.extra["payment"] == "red_packet" and rp.text == "恭喜发财，大吉大利"
    call = m["1016"]
    assert call.kind == MessageKind.CALL and call.extra["duration_s"] == 65
    rec = m["1017-recalled"]
    assert rec.kind == MessageKind.RECALLED and rec.extra["recalled_id"] == "1017" and rec.sender_key is None
    bundle = m["1018"]
    assert [i["text"] for i in bundle.extra["bundle"]] == ["one", "two"]
    assert bundle.extra["bundle"][0]["sender"] == "Alice" and bundle.extra["bundle"][0]["ts"] == 1767254400
    assert m["1019"].kind == MessageKind.RECALLED and m["1019"].extra["recalled_id"] == "1099"
    assert m["1020"].kind == MessageKind.SYSTEM and m["1020"].extra["event"] == "pat"
    fp = [k for k in m if k.startswith("fp:")]
    assert len(fp) == 1 and m[fp[0]].text == "no server id"
    assert m["1027"].conversation_key == "gh_news"


def test_pc_conversations_groups_and_senders(pc):
    recs = read(PC, pc.root, key=F.KEY_HEX)
    convs = {r.key: r for r in recs if isinstance(r, ConversationRec)}
    assert convs["wxid_alice"].kind == ConversationKind.DIRECT and convs["wxid_alice"].title == "Alice R"
    assert convs["gh_news"].kind == ConversationKind.CHANNEL
    room = convs[F.ROOM]
    assert room.kind == ConversationKind.GROUP and room.title == "Hiking group"
    assert {p.key for p in room.participants} == {F.ME, "wxid_alice", "wxid_bob"}
    assert [p.is_me for p in room.participants if p.key == F.ME] == [True]
    m = msgs(recs)
    assert m["2001"].sender_key == "wxid_bob" and m["2001"].sender_name == "Bobby in group"  # group nickname
    assert m["2002"].sender_name == "Alice R"
    assert m["2003"].kind == MessageKind.SYSTEM and m["2003"].extra["event"] == "join"
    assert m["2004"].sender_key == F.ME
    assert m["2007"].sender_key == "wxid_alice" and m["2007"].text == "prefixed group content"
    # a conversation is announced once, before its first message, although it spans MSG0 and MSG1
    order = [r.key if isinstance(r, ConversationRec) else r.conversation_key for r in recs
             if isinstance(r, (ConversationRec, MessageRec))]
    assert order.index("wxid_alice") == 0 and sum(1 for r in recs if isinstance(r, ConversationRec)) == 3
    assert m["2006"].conversation_key == "wxid_alice" and m["2006"].location.startswith("MSG1.db")


def test_pc_media_linking(pc):
    m = msgs(read(PC, pc.root, key=F.KEY_HEX))
    img = m["1003"].attachments[0]
    assert img.status == AttachmentStatus.STORED and img.mime_hint == "image/jpeg" and img.name == "img1.jpg"
    data = img.open().read()
    assert data == pc.image and Image.open(io.BytesIO(data)).format == "JPEG"   # .dat decoded
    gone = m["1004"].attachments[0]
    assert gone.status == AttachmentStatus.MISSING and gone.open is None and gone.expected_path.endswith("gone.dat")
    thumb = m["1026"].attachments[0]
    assert thumb.status == AttachmentStatus.STORED and thumb.extra["quality"] == "thumbnail"
    assert thumb.expected_path.endswith("img3.dat") and thumb.open().read()[:3] == b"\xff\xd8\xff"
    assert m["1005"].attachments[0].open().read() == pc.voice                  # SILK from MediaMSG0.db
    assert m["2008"].attachments[0].status == AttachmentStatus.MISSING
    assert m["1006"].attachments[0].open().read() == pc.video
    f = m["1011"].attachments[0]
    assert f.name == "report.pdf" and f.open().read() == pc.file
    hl = m["2005"].attachments[0]                                               # found through HardLinkImage.db
    assert hl.status == AttachmentStatus.STORED and hl.open().read()[:8] == b"\x89PNG\r\n\x1a\n"


def test_pc_already_decrypted_needs_no_key(tmp_path):
    folder = F.build_pc_folder(tmp_path, secret=None)
    assert (folder.root / "Msg/Multi/MSG0.db").read_bytes()[:16] == b"SQLite format 3\x00"
    m = msgs(read(PC, folder.root))
    assert len(m) == len(folder.messages) and m["2001"].sender_name == "Bobby in group"


def test_pc_missing_wrong_and_malformed_key(pc):
    with pytest.raises(InputError) as e:
        read(PC, pc.root)
    assert "--key" in str(e.value) and "MicroMsg.db" in str(e.value)
    with pytest.raises(InputError) as e:
        read(PC, pc.root, key="ab" * 32)
    assert "does not open MicroMsg.db" in e.value.message and e.value.location.endswith("MicroMsg.db")
    with pytest.raises(InputError) as e:
        read(PC, pc.root, key="1234")
    assert "64 hexadecimal" in e.value.message


def test_pc_truncated_database_is_refused_with_its_name(tmp_path):
    folder = F.build_pc_folder(tmp_path)
    db = folder.root / "Msg/Multi/MSG1.db"
    data = db.read_bytes()
    db.write_bytes(data[: len(data) // 2 + 100])
    with pytest.raises(InputError) as e:
        read(PC, folder.root, key=F.KEY_HEX)
    assert "MSG1.db" in str(e.value) and "damaged" in e.value.message
    db.write_bytes(data[:100])
    with pytest.raises(InputError) as e:
        read(PC, folder.root, key=F.KEY_HEX)
    assert "MSG1.db" in str(e.value)


def test_pc_locked_source_is_read_from_a_copy_and_never_modified(tmp_path):
    folder = F.build_pc_folder(tmp_path, secret=None)
    db = folder.root / "Msg/Multi/MSG0.db"
    before = {p: sha(p) for p in folder.root.rglob("*") if p.is_file()}
    holder = sqlite3.connect(db)
    holder.execute("BEGIN EXCLUSIVE")                    # WeChat keeps its databases locked while running
    fh = open(db, "rb")
    fcntl.flock(fh, fcntl.LOCK_EX)
    try:
        m = msgs(read(PC, folder.root))
    finally:
        fcntl.flock(fh, fcntl.LOCK_UN)
        fh.close()
        holder.rollback()
        holder.close()
    assert "1001" in m
    assert {p: sha(p) for p in folder.root.rglob("*") if p.is_file()} == before
    assert not any((tmp_path / "work").rglob("*.db"))      # private copies are gone


# Two identical reads and a prompt cancel, for every format: tests/test_conformance.py.


def test_pc_progress_totals(pc):
    ctx = JobContext()
    list(PC.read(pc.root, ImportOptions(options={"key": F.KEY_HEX}), ctx))
    assert ctx.snapshot().bytes_done == PC.total_bytes(pc.root) > 0


def test_pc_without_micromsg_warns_and_keeps_wxids(tmp_path):
    folder = F.build_pc_folder(tmp_path)
    (folder.root / "Msg/MicroMsg.db").unlink()
    recs = read(PC, folder.root, key=F.KEY_HEX)
    assert any(isinstance(r, ImportWarning) and "MicroMsg.db" in r.message for r in recs)
    assert msgs(recs)["1001"].sender_name == "wxid_alice"


def test_weixin4_v2_images_with_the_image_key(v4):
    pics = F.v4_pictures()
    for spelling in (F.IMAGE_KEY.decode(), F.IMAGE_KEY.hex()):
        recs = read(V4, v4, key=F.KEY_HEX, image_key=spelling)
        v2 = msgs(recs)["5004"].attachments[0]
        # the high-resolution cd_h.dat is preferred to cd.dat
        assert "dat_undecoded" not in v2.extra and v2.open().read() == pics["v2_h"] and v2.mime_hint == "image/gif"
        assert not [r for r in recs if isinstance(r, ImportWarning) and "image key" in r.message]
    recs = read(V4, v4, key=F.KEY_HEX, image_key="1111222233334444")           # a wrong key: kept, flagged
    v2 = msgs(recs)["5004"].attachments[0]
    assert v2.extra["dat_reason"] == "the image key does not decode it" and v2.open().read()[:6] == b"\x07\x08V2\x08\x07"
    assert any("1 image(s) do not decode with the image key" in r.message for r in recs if isinstance(r, ImportWarning))
    with pytest.raises(InputError) as e:
        read(V4, v4, key=F.KEY_HEX, image_key="short")
    assert "--image-key" in (e.value.hint or "") and "short" not in e.value.message


def test_weixin4_thumbnail_and_damaged_v1(tmp_path):
    root = F.build_v4_folder(tmp_path)
    img = next(root.rglob("ab" * 16 + ".dat"))
    pics = F.v4_pictures()
    img.unlink()                                                    # only the V1 thumbnail is left
    a = msgs(read(V4, root, key=F.KEY_HEX))["5003"].attachments[0]
    assert a.open().read() == pics["v1_t"] and a.extra["quality"] == "thumbnail"
    thumb = next(root.rglob("ab" * 16 + "_t.dat"))
    data = thumb.read_bytes()
    thumb.write_bytes(data[: len(data) - 7])                        # truncated: kept as is and flagged
    a = msgs(read(V4, root, key=F.KEY_HEX))["5003"].attachments[0]
    assert a.extra["dat_undecoded"] and a.extra["dat_reason"] == "truncated or damaged"
    assert a.open().read() == data[: len(data) - 7] and a.mime_hint == "application/octet-stream"


def test_pc_several_accounts_need_a_choice(tmp_path):
    folder = F.build_pc_folder(tmp_path, secret=None)
    shutil.copytree(folder.root, folder.root.parent / "wxid_other")
    with pytest.raises(InputError) as e:
        read(PC, folder.root.parent)
    assert "2 accounts" in e.value.message


# --- Weixin 4 ---------------------------------------------------------------------------------

def test_weixin4_messages_and_media(v4):
    recs = read(V4, v4, key=F.KEY_HEX)
    assert recs[0].account == F.ME
    m = msgs(recs)
    assert m["5001"].text == "v4 hello [微笑]" and m["5001"].sender_name == "Alice R"
    assert m["5002"].sender_key == F.ME
    pics = F.v4_pictures()
    img = m["5003"].attachments[0]                                     # V1: decoded without any key
    assert img.status == AttachmentStatus.STORED and img.open().read() == pics["v1"]
    assert img.mime_hint == "image/jpeg" and img.name == "ab" * 16 + ".jpg"
    v2 = m["5004"].attachments[0]                                      # V2 without the image key
    assert v2.extra["dat_undecoded"] and v2.extra["dat_reason"] == "needs the image key"
    assert v2.open().read()[:6] == b"\x07\x08V2\x08\x07"                 # kept, not garbled
    warn = [r.message for r in recs if isinstance(r, ImportWarning)]
    assert any(w.startswith("1 image(s) need the Weixin image key") and "--image-key" in w for w in warn)
    assert m["5005"].reply_to == "5001" and m["5005"].text == "v4 quoting"     # zstd content
    assert m["5006"].kind == MessageKind.FILE and m["5006"].attachments[0].open().read() == b"weixin4 file"
    assert m["5007"].attachments[0].open().read() == b"\x02#!SILK_V3v4voice"
    assert m["5008"].extra["amount"] == "￥5.00"
    assert m["5009-recalled"].kind == MessageKind.RECALLED
    assert m["6001"].text == "v4 group text" and m["6001"].sender_name == "Bobby v4"
    assert m["6002"].kind == MessageKind.LINK and m["6002"].sender_key == "wxid_alice"


def test_weixin4_key_errors(v4):
    with pytest.raises(InputError) as e:
        read(V4, v4)
    assert "--key" in str(e.value)
    with pytest.raises(InputError) as e:
        read(V4, v4, key="00" * 32)
    assert "contact.db" in str(e.value)


# --- Android ------------------------------------------------------------------------------------

def test_android_with_imei_and_uin_from_shared_prefs(android):
    recs = read(AND, android, imei=F.IMEI)
    assert recs[0].account == F.ME
    m = msgs(recs)
    assert m["7001"].text == "android hello [微笑]" and m["7001"].ts.timestamp() == F.T0 + 1
    assert m["7003"].attachments[0].open().read()[:3] == b"\xff\xd8\xff"
    assert m["7004"].extra["duration_ms"] == 2300 and m["7004"].attachments[0].open().read().startswith(b"\x02#!SILK")
    assert m["7005"].attachments[0].status == AttachmentStatus.STORED
    assert m["7006"].extra["payment"] == "red_packet" and m["7007"].extra["payment"] == "transfer"
    assert m["7008"].reply_to == "7001"
    assert m["7009"].sender_key == "wxid_bob" and m["7009"].text == "android group text"
    assert m["7010"].extra["event"] == "pat"
    assert m["7011"].attachments[0].status == AttachmentStatus.MISSING
    assert m["7011"].attachments[0].expected_path == "video/gonevideo.mp4"
    assert m["7012"].kind == MessageKind.FILE
    assert m["7013"].kind == MessageKind.LOCATION and m["7013"].sender_key == "wxid_alice"


def test_android_key_variants(tmp_path, android):
    db = next(android.rglob("EnMicroMsg.db"))
    assert msgs(read(AND, db, key=F.android_db_key(), uin=str(F.UIN)))
    assert msgs(read(AND, db.parent, imei=F.IMEI, uin=F.UIN))
    assert android_key(F.IMEI, F.UIN) == F.android_db_key()
    # the common fallback IMEI is tried when none is given
    fb = F.build_android_folder(tmp_path / "fb", imei="1234567890ABCDEF")
    assert msgs(read(AND, fb))
    with pytest.raises(InputError) as e:
        read(AND, android, imei="999999999999999")
    assert "EnMicroMsg.db" in str(e.value) and "--imei" in str(e.value)
    noprefs = F.build_android_folder(tmp_path / "np", prefs=False)
    with pytest.raises(InputError) as e:
        read(AND, noprefs)
    assert "--imei" in str(e.value) and "--uin" in str(e.value)
    with pytest.raises(InputError):
        read(AND, android, uin="abc")


def test_android_decrypted(tmp_path):
    app = F.build_android_folder(tmp_path, encrypted=False, prefs=False)
    assert len(msgs(read(AND, app))) == 13
