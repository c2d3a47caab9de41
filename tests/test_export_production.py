"""eDiscovery production: RSMF 2.0 that validates against the public schema, a Concordance load file,
natives equal to what was imported, counts equal to the selection, and states never hidden."""

from __future__ import annotations

import email
import hashlib
import io
import json
import re
import zipfile
from email import policy
from pathlib import Path

import jsonschema
import pytest

from chatvault.errors import InputError
from chatvault.export.production import produce
from chatvault.export.production import rsmf as rsmf_mod
from chatvault.export.production.loadfile import read as read_loadfile
from chatvault.export.selection import Selection, plan
from chatvault.jobs import JobContext
from chatvault.search.api import SearchFilters
from tests.production_data import DAY, T0, populate

SCHEMA = json.loads((Path(__file__).parent / "rsmf" / "rsmf_schema_2_0_0.json").read_text(encoding="utf-8"))
RFC3339 = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?(Z|[+-]\d\d:\d\d)$")
# jsonschema checks "date-time" only with an optional package; the schema's ISO 8601 timestamps are
# checked here as RFC 3339 (date, time and offset), which review platforms parse without guessing.
FORMATS = jsonschema.FormatChecker()
FORMATS.checks("date-time")(lambda v: not isinstance(v, str) or bool(RFC3339.match(v)))
VALIDATOR = jsonschema.Draft7Validator(SCHEMA, format_checker=FORMATS)


def run(vault, tmp_path: Path, sel: Selection | None = None, name: str = "out", **kw):
    kw.setdefault("include_html", False)
    kw.setdefault("include_pdf", False)
    out = tmp_path / name
    return produce(vault, sel or Selection(), out, JobContext(), **kw), out


def open_rsmf(path: Path) -> tuple[email.message.EmailMessage, dict, zipfile.ZipFile]:
    """Parse the .rsmf as an e-mail, find rsmf.zip, open it, load and validate the manifest."""
    msg = email.message_from_bytes(path.read_bytes(), policy=policy.default)
    parts = [p for p in msg.iter_attachments() if p.get_filename() == "rsmf.zip"]
    assert len(parts) == 1 and parts[0]["Content-Transfer-Encoding"] == "base64"
    zf = zipfile.ZipFile(io.BytesIO(parts[0].get_content()))
    manifest = json.loads(zf.read("rsmf_manifest.json"))
    errors = sorted(VALIDATOR.iter_errors(manifest), key=str)
    assert not errors, f"{path.name}: {errors[0]}"
    return msg, manifest, zf


def test_the_validator_catches_what_the_schema_forbids():
    good = {"version": "2.0.0", "participants": [{"id": "P1"}], "conversations": [
        {"id": "C1", "platform": "whatsapp", "participants": ["P1"]}],
        "events": [{"type": "message", "timestamp": "2019-05-01T10:00:00+02:00"}]}
    assert not list(VALIDATOR.iter_errors(good))
    for bad in ({**good, "version": "2"}, {**good, "events": [{"type": "reply"}]},
                {**good, "events": [{"type": "message", "timestamp": "yesterday"}]},
                {**good, "events": [{"type": "message", "deleted": "yes"}]}):
        assert list(VALIDATOR.iter_errors(bad))


def test_every_rsmf_file_is_a_valid_eml_with_a_schema_valid_manifest(vault, tmp_path):
    populate(vault)
    _report, out = run(vault, tmp_path)
    files = sorted((out / "NATIVES").glob("*.rsmf"))
    assert len(files) == 4                     # chat 1 spans three UTC days, chat 2 one
    for path in files:
        msg, man, zf = open_rsmf(path)
        assert msg["X-RSMF-Version"] == "2.0.0" and msg["X-RSMF-Generator"].startswith("ChatVault")
        assert int(msg["X-RSMF-EventCount"]) == len(man["events"])
        stamps = sorted(_to_utc(e["timestamp"]) for e in man["events"])
        assert (msg["X-RSMF-BeginDate"], msg["X-RSMF-EndDate"]) == (stamps[0], stamps[-1])
        assert msg.get_body(("plain",)).get_content().startswith("Conversation: ")
        people = {p["id"] for p in man["participants"]}
        ids = {e["id"] for e in man["events"]}
        conv = man["conversations"][0]
        assert set(conv["participants"]) <= people and conv.get("custodian", next(iter(people))) in people
        for e in man["events"]:
            assert e["conversation"] == conv["id"]
            assert e.get("participant", next(iter(people))) in people
            assert e.get("parent", e["id"]) in ids   # a parent is always an event of the same file
            for a in e.get("attachments", ()):
                assert a["id"] in zf.namelist()     # referenced by name, inside rsmf.zip
            for r in e.get("reactions", ()):
                assert set(r.get("participants", ())) <= people


def _to_utc(ts: str) -> str:
    from datetime import UTC, datetime
    return datetime.fromisoformat(ts.replace("Z", "+00:00")).astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def _events(out: Path) -> dict[str, dict]:
    found = {}
    for path in sorted((out / "NATIVES").glob("*.rsmf")):
        _msg, man, _zf = open_rsmf(path)
        found.update({e["id"]: e for e in man["events"]})
    return found


def _custom(e: dict) -> dict[str, str]:
    return {c["name"]: c["value"] for c in e.get("custom", ())}


def test_deleted_recalled_and_edited_messages_show_their_state(vault, tmp_path):
    populate(vault)
    _report, out = run(vault, tmp_path)
    ev = _events(out)
    assert ev["m4"]["deleted"] is True and _custom(ev["m4"])["State"] == "deleted at source"
    assert "import run 1" in _custom(ev["m4"])["Deleted at source"]
    assert ev["m4"]["body"] == "Delete this after reading"          # the text is kept, marked
    assert ev["m6"]["deleted"] is True and _custom(ev["m6"])["State"] == "recalled"
    assert ev["m3"]["edits"][0]["new"] == "Thanks — I will sign tomorrow" and "edited" in _custom(ev["m3"])["State"]
    assert ev["m3"]["parent"] == "m1"                               # a reply within the same file
    assert "vault message 5" in _custom(ev["m7"])["In reply to"]    # a reply to another day's file
    assert "IMG_0002.jpg (missing in the vault)" in _custom(ev["m7"])["Attachment not in the vault"]
    assert ev["m1"]["reactions"][0]["value"] == "👍" and ev["m1"]["reactions"][0]["count"] == 2
    assert ev["m8"]["type"] == "join" and ev["m11"]["type"] == "leave"
    assert "88.88" in ev["m10"]["body"]
    assert ev["m3"]["direction"] == "outgoing" and ev["m1"]["direction"] == "incoming"
    rows = {r["DOCID"]: r for r in read_loadfile(out / "DATA" / "loadfile.dat")}
    first = rows["CV0000001"]
    assert (first["DELETED_AT_SOURCE"], first["EDITED"]) == ("1", "1") and "deleted at source" in first["STATE"]
    assert any(r["RECALLED"] == "1" for r in rows.values() if r["DOCTYPE"] == "RSMF")
    text = (out / "TEXT" / "CV0000001.txt").read_text(encoding="utf-8")
    assert "[deleted at source] Delete this after reading" in text and "[edited] Thanks" in text


def test_counts_in_the_manifest_equal_the_selection(vault, tmp_path):
    populate(vault)
    conn = vault.connect()
    for i, (sel, name) in enumerate([
            (Selection(), "all"), (Selection("contract"), "query"),
            (Selection(filters=SearchFilters(kinds=["text", "image"])), "kinds"),
            (Selection(filters=SearchFilters(after=T0 + DAY // 2, before=T0 + 3 * DAY)), "dates"),
            (Selection(filters=SearchFilters(sender="Anna")), "participant"),
            (Selection.chat(2), "chat")]):
        want = plan(conn, sel)
        report, out = run(vault, tmp_path, sel, name=f"{i}-{name}")
        counts = json.loads((out / "manifest.json").read_text(encoding="utf-8"))["counts"]
        assert counts["messages"] == sum(c.messages for c in want) == report.messages, name
        assert {c["conversation_id"]: c["messages"] for c in counts["per_conversation"]} == \
            {c.conversation_id: c.messages for c in want}, name
        assert len(_events(out)) == counts["messages"], name
        custody = json.loads((out / "custody.json").read_text(encoding="utf-8"))
        assert custody["counts"] == counts and custody["selection"]["query"] == sel.query


def test_load_file_is_concordance_with_hashes_and_natives_equal_the_originals(vault, tmp_path):
    data = populate(vault)
    _report, out = run(vault, tmp_path)
    raw = (out / "DATA" / "loadfile.dat").read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf\xc3\xbeDOCID\xc3\xbe\x14") and raw.endswith(b"\r\n")
    assert b"\n" not in raw.replace(b"\r\n", b"")
    rows = read_loadfile(out / "DATA" / "loadfile.dat")
    rsmf_rows = [r for r in rows if r["DOCTYPE"] == "RSMF"]
    natives = [r for r in rows if r["DOCTYPE"] == "NATIVE"]
    assert len(rsmf_rows) == 4 and len(natives) == 2
    for r in rows:
        path = out / r["NATIVEPATH"].replace("\\", "/")
        body = path.read_bytes()
        assert hashlib.md5(body).hexdigest() == r["MD5"] and hashlib.sha256(body).hexdigest() == r["SHA256"]
        assert int(r["FILESIZE"]) == len(body)
        assert r["CUSTODIAN"] == ("Karl Keller" if r["PLATFORM"] == "whatsapp" else "我")   # each archive's owner
    by_name = {r["FILENAME"]: r for r in natives}
    assert (out / by_name["contract v2.pdf"]["NATIVEPATH"].replace("\\", "/")).read_bytes() == data["contract"]
    assert (out / by_name["IMG_0001.png"]["NATIVEPATH"].replace("\\", "/")).read_bytes() == data["photo"]
    parent = by_name["contract v2.pdf"]["PARENT_DOCID"]
    assert rows[0]["DOCID"] == parent == "CV0000001" and rows[0]["ENDATTACH"] == by_name["contract v2.pdf"]["DOCID"]
    group = next(r for r in rsmf_rows if r["PLATFORM"] == "wechat")
    assert group["PARTICIPANTS"].count(";") >= 2 and "李雷" in group["PARTICIPANTS"]
    text = (out / group["TEXTPATH"].replace("\\", "/")).read_text(encoding="utf-8")
    assert "þ and \x14 inside" in text                          # the exact text stays in TEXT and RSMF
    assert "Opticon" in (out / "DATA" / "README.txt").read_text(encoding="utf-8")


def test_a_busy_day_is_cut_into_parts_of_one_event_collection(vault, tmp_path, monkeypatch):
    populate(vault)
    monkeypatch.setattr(rsmf_mod, "MAX_EVENTS", 2)
    _report, out = run(vault, tmp_path, Selection.chat(2))
    files = sorted((out / "NATIVES").glob("*.rsmf"))
    mans = [open_rsmf(p)[1] for p in files]
    assert [len(m["events"]) for m in mans] == [2, 2, 1]
    assert len({m["eventcollectionid"] for m in mans}) == 1
    assert "(part 2)" in email.message_from_bytes(files[1].read_bytes(), policy=policy.default)["Subject"]


def _assign_custodians(vault) -> None:
    """Custodians as compliance (#20, migration m011) keeps them: a `custodians` table owning import
    runs. Made here by hand when this build's schema has not got them yet."""
    conn = vault.connect()
    conn.execute("CREATE TABLE IF NOT EXISTS custodians (id INTEGER PRIMARY KEY, name TEXT NOT NULL UNIQUE "
                 "COLLATE NOCASE, note TEXT, created_at INTEGER NOT NULL)")
    if not any(r[1] == "custodian_id" for r in conn.execute("PRAGMA table_info(import_runs)")):
        conn.execute("ALTER TABLE import_runs ADD COLUMN custodian_id INTEGER REFERENCES custodians(id)")
    for run, name in ((1, "Karl Keller"), (2, "Wang Wei")):
        cid = conn.execute("INSERT INTO custodians(name, created_at) VALUES (?, 0)", (name,)).lastrowid
        conn.execute("UPDATE import_runs SET custodian_id = ? WHERE id = ?", (cid, run))
    conn.close()


def test_custodians_filter_when_the_vault_maps_them(vault, tmp_path):
    """With #20's custodians (and its search filter in this build) a production keeps only the
    named custodians' archives; an unknown name is refused. A build without the filter records the
    names and says it could not filter by them."""
    from chatvault.export.production.custodians import filters_know_custodians
    populate(vault)
    _assign_custodians(vault)
    report, out = run(vault, tmp_path, custodians=["wang wei"])
    counts = json.loads((out / "manifest.json").read_text(encoding="utf-8"))["counts"]
    rows = read_loadfile(out / "DATA" / "loadfile.dat")
    if filters_know_custodians():
        assert counts["per_custodian"] == {"Wang Wei": 5} and report.messages == counts["messages"] == 5
        assert {r["CUSTODIAN"] for r in rows} == {"Wang Wei"}
        assert not any("Not filtered" in w for w in report.warnings)
        with pytest.raises(InputError, match="No custodian named Nobody"):
            run(vault, tmp_path, custodians=["Nobody"], name="none")
        _report, out = run(vault, tmp_path, name="everyone")
        per = json.loads((out / "manifest.json").read_text(encoding="utf-8"))["counts"]["per_custodian"]
        assert per == {"Karl Keller": 7, "Wang Wei": 5}
        from dataclasses import replace
        by_filter = Selection(filters=replace(SearchFilters(), custodians=["Wang Wei"]))   # search's --custodian
        report, out = run(vault, tmp_path, by_filter, name="filter")
        assert report.messages == 5 and json.loads((out / "manifest.json").read_text(encoding="utf-8"))[
            "counts"]["per_custodian"] == {"Wang Wei": 5}
        sel = Selection("contract OR 合同")                   # keywords and custodians together
        report, _out = run(vault, tmp_path, sel, custodians=["Karl Keller", "Wang Wei"], name="query")
        assert report.messages == sum(c.messages for c in plan(vault.connect(), sel)) == 3
    else:
        assert report.messages == 12 and {r["CUSTODIAN"] for r in rows} == {"wang wei"}
        assert any("cannot filter by custodian" in w for w in report.warnings)


def test_the_custody_record_names_operator_vault_and_archive_owners(vault, tmp_path):
    populate(vault)
    _report, out = run(vault, tmp_path, operator="Jane Reviewer, Esq.")
    custody = json.loads((out / "custody.json").read_text(encoding="utf-8"))
    assert custody["produced_by"]["operator"] == "Jane Reviewer, Esq." and custody["vault"]["messages"] == 12
    assert custody["vault"]["id"] == vault.vault_id and len(custody["vault"]["import_runs"]) == 2
    assert custody["tool"]["name"] == "ChatVault" and custody["counts"]["per_conversation"][0]["messages"] == 7
    assert {c["custodian"] for c in custody["counts"]["per_conversation"]} == {"Karl Keller", "我"}
    assert "Jane Reviewer, Esq." in (out / "custody.txt").read_text(encoding="utf-8")


def test_custodian_names_a_vault_cannot_map_are_recorded_and_said(vault, tmp_path):
    """Before compliance (#20) a vault has no custodians: the names are recorded, not used to filter,
    and the production says so. A vault with custodians refuses a name it does not know."""
    from chatvault.export.production.custodians import vault_has_custodians
    populate(vault)
    if vault_has_custodians(vault.connect()):
        with pytest.raises(InputError, match="No custodian named Karl Keller"):
            run(vault, tmp_path, custodians=["Karl Keller"])
        return
    report, out = run(vault, tmp_path, custodians=["Karl Keller"])
    custody = json.loads((out / "custody.json").read_text(encoding="utf-8"))
    assert custody["selection"]["custodians"] == {"requested": ["Karl Keller"], "vault_has_custodians": False,
                                                  "filtered_by_custodian": False}
    assert any("no custodians assigned" in w for w in report.warnings + custody["warnings"])
    assert {r["CUSTODIAN"] for r in read_loadfile(out / "DATA" / "loadfile.dat")} == {"Karl Keller"}


def test_a_production_needs_an_empty_folder_and_a_cancel_leaves_nothing(vault, tmp_path):
    populate(vault)
    (tmp_path / "busy").mkdir()
    (tmp_path / "busy" / "old.txt").write_text("x")
    with pytest.raises(InputError, match="not an empty folder"):
        produce(vault, Selection(), tmp_path / "busy", JobContext())
    job = JobContext()
    job.cancel()
    report = produce(vault, Selection(), tmp_path / "cancelled", job, include_html=False, include_pdf=False)
    assert report.cancelled and not (tmp_path / "cancelled").exists()


def test_review_copies_are_made_hashed_and_checked(vault, tmp_path):
    """HTML and PDF review copies through the exporters' entry points (the format registry): each
    one present is in the manifest and a changed byte in it fails verify; one this build lacks is
    said in the warnings and the custody record, never skipped silently."""
    from chatvault.export.formats import FORMATS
    from chatvault.export.production import verify_export
    populate(vault)
    report, out = run(vault, tmp_path, include_html=True, include_pdf=True)
    files = json.loads((out / "manifest.json").read_text(encoding="utf-8"))["files"]
    custody = json.loads((out / "custody.json").read_text(encoding="utf-8"))
    for kind, folder in (("html", "REVIEW/HTML"), ("pdf", "REVIEW/PDF")):
        mine = [f["path"] for f in files if f["kind"] == kind]
        if FORMATS[kind].available():
            assert mine and all(p.startswith(folder + "/") for p in mine), kind
            if kind == "pdf":
                pdfs = sorted(p for p in mine if p.endswith(".pdf"))
                assert pdfs == ["REVIEW/PDF/review.pdf"] and all((out / p).read_bytes().startswith(b"%PDF") for p in pdfs)
            target = out / sorted(mine)[0]
            original = target.read_bytes()
            data = bytearray(original)
            data[len(data) // 2] ^= 1
            target.write_bytes(bytes(data))
            assert verify_export(out).changed == [sorted(mine)[0]]
            target.write_bytes(original)
        else:
            assert not mine and not (out / folder).exists()
            assert any(f"no {kind.upper()} exporter" in w for w in report.warnings + custody["warnings"])
    assert verify_export(out).ok


class _CancelAfter(JobContext):
    """The user presses Cancel once the production has written its first messages."""

    def advance(self, items: int = 0, bytes_: int = 0) -> None:
        super().advance(items, bytes_)
        self.cancel()


def test_a_cancel_midway_removes_the_half_written_production(vault, tmp_path):
    populate(vault)
    for zip_ in (False, True):
        out = tmp_path / f"half-{zip_}"
        report = produce(vault, Selection(), out, _CancelAfter(), zip=zip_, include_html=False, include_pdf=False)
        assert report.cancelled and report.files == []
        assert not out.exists() and not list(tmp_path.glob(f"*half-{zip_}*"))
    mine = tmp_path / "made-by-the-user"
    mine.mkdir()
    report = produce(vault, Selection(), mine, _CancelAfter(), include_html=False, include_pdf=False)
    assert report.cancelled and mine.is_dir() and not any(mine.iterdir())   # emptied, not taken away


def test_the_production_reads_one_snapshot_while_the_vault_is_written(vault, tmp_path):
    """An import landing while the production runs is not half in it: counts still equal plan()."""
    populate(vault)
    writer = vault.connect()

    class _ImportMeanwhile(JobContext):
        def advance(self, items: int = 0, bytes_: int = 0) -> None:
            super().advance(items, bytes_)
            writer.execute("INSERT INTO messages(conversation_id, source_key, ts, sender_id, kind, text) "
                           "VALUES (2, ?, ?, 5, 'text', 'late')", (f"late-{self.snapshot().items_done}", T0 + 2000))

    report = produce(vault, Selection(), tmp_path / "snap", _ImportMeanwhile(), include_html=False,
                     include_pdf=False)
    custody = json.loads((tmp_path / "snap" / "custody.json").read_text(encoding="utf-8"))
    assert report.messages == 12 == custody["vault"]["messages"] == custody["counts"]["messages"]


def test_big_attachments_cut_the_day_and_the_biggest_stay_separate_natives(vault, tmp_path, monkeypatch):
    """RSMF files stay small enough for review platforms (and for memory): a day is cut when its
    attachments pass the budget, and an attachment over the embed limit is a native of the family,
    named by its event, not a member of rsmf.zip."""
    populate(vault)
    monkeypatch.setattr(rsmf_mod, "ZIP_BUDGET", 1000)     # the 1,044-byte PDF opens a new part
    _report, out = run(vault, tmp_path, Selection.chat(1), name="cut")
    first_day = [open_rsmf(p)[1] for p in sorted((out / "NATIVES").glob("*.rsmf"))][:2]
    assert [[e["id"] for e in m["events"]] for m in first_day] == [["m1"], ["m2", "m3", "m4"]]
    monkeypatch.setattr(rsmf_mod, "EMBED_MAX", 1000)      # now the PDF is "too large" to embed
    _report, out = run(vault, tmp_path, Selection.chat(1), name="apart")
    ev = _events(out)
    note = _custom(ev["m2"])["Attachment produced as a separate native (too large to embed)"]
    assert note.startswith("contract v2.pdf: CV0000002 (NATIVES/CV0000002.pdf")
    assert "attachments" not in ev["m2"] and ev["m5"]["attachments"][0]["display"] == "IMG_0001.png"
    rows = read_loadfile(out / "DATA" / "loadfile.dat")
    assert next(r for r in rows if r["FILENAME"] == "contract v2.pdf")["PARENT_DOCID"] == "CV0000001"


def test_days_are_the_days_the_people_lived_or_the_zone_asked_for(vault, tmp_path):
    """23:30 and 00:30 in Shanghai are two days there (two files), one day in UTC (one file)."""
    populate(vault)
    conn = vault.connect()
    late = 1_556_724_600_000                           # 2019-05-01T15:30Z = 23:30 in UTC+08:00
    for i, ts in enumerate((late, late + 3_600_000)):
        conn.execute("INSERT INTO messages(conversation_id, source_key, ts, tz_offset, sender_id, kind, text) "
                     "VALUES (2, ?, ?, 480, 5, 'text', 'late night')", (f"late-{i}", ts))
    sel = Selection(filters=SearchFilters(conversations=[2], after=late))
    _report, out = run(vault, tmp_path, sel, name="local")
    mails = [email.message_from_bytes(p.read_bytes(), policy=policy.default)
             for p in sorted((out / "NATIVES").glob("*.rsmf"))]
    assert [m["Subject"] for m in mails] == ["项目群 🚀 - 2019-05-01", "项目群 🚀 - 2019-05-02"]
    assert "Day: 2019-05-02 (UTC+08:00)" in mails[1].get_body(("plain",)).get_content()
    _report, out = run(vault, tmp_path, sel, name="utc", tz="UTC")
    assert len(list((out / "NATIVES").glob("*.rsmf"))) == 1
    with pytest.raises(InputError, match="Unknown time zone"):
        run(vault, tmp_path, sel, name="bad", tz="Mars/Olympus")
    assert not (tmp_path / "bad").exists()


def test_the_custody_record_names_the_latest_backup_snapshot(vault, dest, tmp_path):
    """Which vault *state* was produced: the snapshot of the last backup before the production."""
    from chatvault.backup import engine
    populate(vault)
    snap = engine.run_backup(vault, dest).snapshot_id
    _report, out = run(vault, tmp_path)
    custody = json.loads((out / "custody.json").read_text(encoding="utf-8"))
    assert snap and custody["vault"]["latest_backup"]["snapshot_id"] == snap
    assert custody["vault"]["latest_backup"]["destination"] == "usb"
    assert snap in (out / "custody.txt").read_text(encoding="utf-8")
