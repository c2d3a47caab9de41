"""QQ message manager exports (issue #23 item 6): the text and MHT forms, contacts and groups,
senders with their QQ number or mail, pictures from the web archive, a newer export adding only
what is new."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

from chatvault.importers import registry
from chatvault.importers.base import ImportOptions
from chatvault.ingest.engine import run_import
from chatvault.jobs.context import JobContext
from chatvault.model import AttachmentStatus, ConversationRec, MessageKind, MessageRec
from tests import qq_fixtures as qf

SHANGHAI = ZoneInfo("Asia/Shanghai")


def _read(path) -> list:
    return list(registry.get("qq").read(path, ImportOptions(options={"tz": "Asia/Shanghai"}), JobContext()))


def test_text_export_with_contacts_and_groups(tmp_path):
    path = qf.write_txt(tmp_path / "全部消息记录.txt")
    assert registry.detect(path)[0][0].name == "qq"
    recs = _read(path)
    convs = [r for r in recs if isinstance(r, ConversationRec)]
    assert [(c.title, c.kind) for c in convs] == [("张三", "direct"), ("老同学群", "group")]
    msgs = [r for r in recs if isinstance(r, MessageRec)]
    assert [m.text for m in msgs] == ["你好", "hi there\nsecond line 第二行", "[图片]", "新年快乐 🎉"]
    assert msgs[0].ts == datetime(2012, 5, 6, 20, 50, 51, tzinfo=SHANGHAI) and not msgs[0].tz_known
    assert (msgs[1].sender_name, msgs[1].sender_key) == ("我的昵称", "123456")
    assert msgs[2].kind == MessageKind.IMAGE and msgs[3].sender_key == "lisi@example.com"


def test_mht_export_with_its_pictures(tmp_path):
    path = qf.write_mht(tmp_path / "张三.mht")
    assert registry.detect(path)[0][0].name == "qq"
    msgs = [r for r in _read(path) if isinstance(r, MessageRec)]
    assert msgs[0].text == "你好 & 欢迎" and msgs[0].sender_name == "张三"
    assert msgs[0].ts == datetime(2012, 5, 6, 20, 50, 51, tzinfo=SHANGHAI)
    pic = msgs[1]
    assert pic.kind == MessageKind.IMAGE and pic.attachments[0].status == AttachmentStatus.STORED
    assert pic.attachments[0].open().read(4) == b"\x89PNG"


def test_a_newer_export_adds_only_new(vault, tmp_path):
    opts = ImportOptions(options={"tz": "Asia/Shanghai"})
    assert run_import(vault, qf.write_txt(tmp_path / "a.txt"), options=opts).added == 4
    newer = qf.write_txt(tmp_path / "b.txt", extra=["2012-05-07 08:00:00 张三", "早", ""])
    r = run_import(vault, newer, options=opts)
    assert r.added == 1 and r.unparsed == 0
