"""Hostile WeChat databases (RELIABILITY.md rows 20, 22, 24): triggers, impostor views, corrupt pages."""

from __future__ import annotations

import hashlib
import sqlite3
import time

import pytest

from chatvault.errors import InputError
from chatvault.importers.base import ImportOptions
from chatvault.importers.wechat import WeChatPCImporter
from chatvault.importers.wechat.content import parse_message
from chatvault.jobs.context import JobContext
from chatvault.model import MessageRec
from tests import wechat_fixtures as F

PC = WeChatPCImporter()


@pytest.fixture(autouse=True)
def _private_tmp(tmp_path, monkeypatch):
    monkeypatch.setenv("CHATVAULT_TMPDIR", str(tmp_path / "work"))


def read(path):
    return list(PC.read(path, ImportOptions(), JobContext()))


def hashes(root):
    return {p: hashlib.sha256(p.read_bytes()).hexdigest() for p in root.rglob("*") if p.is_file()}


def test_triggers_never_fire_and_source_is_unchanged(tmp_path):
    folder = F.build_pc_folder(tmp_path / "src", secret=None)
    db = folder.root / "Msg/Multi/MSG0.db"
    evil = tmp_path / "pwned.db"
    conn = sqlite3.connect(db)
    conn.execute("CREATE TABLE log(x)")
    conn.execute("CREATE TRIGGER t1 AFTER INSERT ON MSG BEGIN INSERT INTO log VALUES (new.StrContent); END")
    conn.execute("CREATE TRIGGER t2 AFTER UPDATE ON MSG BEGIN DELETE FROM MSG; END")
    conn.execute(f"CREATE VIEW v AS SELECT * FROM MSG WHERE '{evil}' = ''")
    conn.commit()
    conn.close()
    before = hashes(folder.root)
    recs = read(folder.root)
    assert sum(isinstance(r, MessageRec) for r in recs) == len(folder.messages)
    assert hashes(folder.root) == before and not evil.exists()
    assert not list((tmp_path / "work").rglob("*"))[1:]     # only the empty work folder may remain


def test_a_view_impersonating_a_table_is_refused(tmp_path):
    folder = F.build_pc_folder(tmp_path / "src", secret=None)
    db = folder.root / "Msg/Multi/MSG1.db"
    conn = sqlite3.connect(db)
    conn.execute("ALTER TABLE MSG RENAME TO MSG_real")
    conn.execute("CREATE VIEW MSG AS SELECT * FROM MSG_real")
    conn.commit()
    conn.close()
    with pytest.raises(InputError) as e:
        read(folder.root)
    assert "MSG1.db" in str(e.value) and "no MSG table" in e.value.message


def test_a_corrupt_page_is_named(tmp_path):
    folder = F.build_pc_folder(tmp_path / "src", secret=None)
    db = folder.root / "Msg/Multi/MSG0.db"
    data = bytearray(db.read_bytes())
    page = 4096
    data[page * 2 + 8: page * 2 + 200] = b"\xff" * 192        # scribble over a b-tree page
    db.write_bytes(bytes(data))
    with pytest.raises(InputError) as e:
        read(folder.root)
    assert "MSG0.db" in str(e.value) and "damaged" in e.value.message


def test_not_a_database_at_all(tmp_path):
    folder = F.build_pc_folder(tmp_path / "src", secret=None)
    (folder.root / "Msg/Multi/MSG0.db").write_bytes(b"<html>" + bytes(5000))
    with pytest.raises(InputError) as e:
        list(PC.read(folder.root, ImportOptions(options={"key": F.KEY_HEX}), JobContext()))
    assert "MSG0.db" in str(e.value)


@pytest.mark.parametrize("payload", [F.BILLION_LAUGHS, F.XXE, F.EXTERNAL_DTD, F.QUADRATIC,
                                     "<msg>" * 100000, "<msg><appmsg><type>5</type>" + "x" * 5_000_000])
def test_xml_attacks_are_flagged_fast(payload):
    for base, sub in ((49, 5), (3, 0), (48, 0), (50, 0), (10000, 0), (10002, 0)):
        start = time.perf_counter()
        p = parse_message(base, sub, payload)
        assert p.unparsable or base in (10000, 50)     # plain-text types keep the text as it is
        assert time.perf_counter() - start < 1.0          # per message, on a busy 2-core machine


def test_truncation_corpus(tmp_path):
    """Every database cut at random offsets: a clean InputError naming the file, nothing else (row 22)."""
    import random

    rnd = random.Random(22)
    for secret in (F.KEY, None):
        folder = F.build_pc_folder(tmp_path / f"t{secret is None}", secret=secret)
        for name in ("Msg/Multi/MSG0.db", "Msg/MicroMsg.db", "Msg/Multi/MediaMSG0.db"):
            db = folder.root / name
            data = db.read_bytes()
            for cut in sorted(rnd.sample(range(1, len(data)), 4)):
                db.write_bytes(data[:cut])
                try:
                    recs = list(PC.read(folder.root, ImportOptions(options={"key": F.KEY_HEX}), JobContext()))
                except InputError as exc:
                    assert db.name in str(exc)
                else:   # a cut that leaves a valid database (e.g. trailing free pages) must read fully
                    assert sum(isinstance(r, MessageRec) for r in recs) == len(folder.messages)
            db.write_bytes(data)


def test_parse_message_never_raises():
    from hypothesis import given, settings
    from hypothesis import strategies as st

    xmlish = st.one_of(st.text(max_size=300), st.sampled_from([F.x_article(), F.x_bundle(), F.x_revoke(5), F.x_pat(),
                                                                F.x_image("aa"), F.x_call("x"), "<msg/>", "<"]))

    @settings(max_examples=400, deadline=None)
    @given(st.sampled_from([1, 3, 34, 42, 43, 47, 48, 49, 50, 62, 10000, 10002, 99999]),
           st.one_of(st.none(), st.integers(-1, 3000)), xmlish, st.integers(0, 200))
    def check(base, sub, content, cut):
        parse_message(base, sub, content[:len(content) - cut] if cut < len(content) else content)
        parse_message(base, sub, None, content)

    check()


def test_a_database_linked_from_outside_the_folder_is_refused(tmp_path):
    """The file-tree layer vets WeChat folders too: a MicroMsg.db that is a link to a file elsewhere (a
    planted file outside the account) is never opened, and the error says why."""
    folder = F.build_pc_folder(tmp_path / "in")
    outside = tmp_path / "elsewhere.db"
    micro = folder.root / "Msg" / "MicroMsg.db"
    micro.rename(outside)
    micro.symlink_to(outside)
    with pytest.raises(InputError, match="MicroMsg.db: symbolic link that points outside"):
        read(folder.root)


def test_a_message_folder_linked_from_elsewhere_is_named(tmp_path):
    """Msg/Multi as a link to a folder elsewhere: the error names the link, not just the database."""
    folder = F.build_pc_folder(tmp_path / "in")
    multi = folder.root / "Msg" / "Multi"
    multi.rename(tmp_path / "Multi-elsewhere")
    multi.symlink_to(tmp_path / "Multi-elsewhere", target_is_directory=True)
    with pytest.raises(InputError, match=r"MSG0.db: it lies in Multi \(symbolic link to a folder\)"):
        list(PC.read(folder.root, ImportOptions(options={"key": F.KEY_HEX}), JobContext()))
