"""JSON export: every line validates against docs/export-json.schema.json, counts round-trip, the
end record's hash proves the file whole, media land with their SHA-256, cancel leaves nothing."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import jsonschema
import pytest

from chatvault.export.jsonfmt import FILE_NAME, export_json
from chatvault.export.selection import Selection, plan
from chatvault.jobs import JobContext
from chatvault.search.api import SearchFilters
from tests.export_data import PHOTO, fill

SCHEMA = json.loads((Path(__file__).parent.parent / "docs" / "export-json.schema.json").read_text())


def _lines(path: Path) -> list[dict]:
    validator = jsonschema.Draft202012Validator(SCHEMA)
    out = []
    with open(path, encoding="utf-8") as f:
        for n, line in enumerate(f, 1):
            rec = json.loads(line)
            errors = list(validator.iter_errors(rec))
            assert not errors, (n, rec.get("type"), [e.message for e in errors[:3]])
            out.append(rec)
    return out


def test_the_whole_vault_validates_and_round_trips(vault, tmp_path):
    conn = vault.connect()
    counts = fill(vault, conn)
    report = export_json(vault, Selection(), tmp_path / "out", JobContext(), media=True)
    path = tmp_path / "out" / FILE_NAME
    recs = _lines(path)
    head, end = recs[0], recs[-1]
    assert head["type"] == "header" and head["vault_id"] == vault.vault_id and head["schema_version"] == "1.0"
    assert head["counts"] == {"conversations": 2, "messages": counts["messages"]}
    msgs = [r for r in recs if r["type"] == "message"]
    assert len(msgs) == counts["messages"] == report.messages == end["counts"]["messages"]
    assert [r["type"] for r in recs].count("conversation") == 2 == end["counts"]["conversations"]
    assert any(r["type"] == "import_run" and r["path"] == "/exports/MSG0.db" for r in recs)
    # the end record hashes every byte before it; the report states the whole file's hash
    data = path.read_bytes()
    body = data[: data.rstrip(b"\n").rfind(b"\n") + 1]
    assert end["sha256"] == hashlib.sha256(body).hexdigest()
    assert report.sha256 == hashlib.sha256(data).hexdigest()
    by_id = {m["id"]: m for m in msgs}
    assert by_id[1]["text"] == "你好 👋 今天吃什么？" and by_id[1]["states"] == ["edited"] and by_id[1]["edited_time"]
    assert by_id[3]["states"] == ["deleted_at_source"] and by_id[3]["provenance"]["missing_run_id"] == 1
    assert by_id[4]["recalled"]["by_me"] is True and "recalled" in by_id[4]["states"]
    assert by_id[2]["reply_to_id"] == 1 and by_id[1]["time"] == "2023-11-15T06:14:20+08:00"
    assert by_id[7]["described"] == "[Transfer] ¥88.00 · 晚饭 · received"
    photo = next(m for m in msgs if m["kind"] == "image")["attachments"][0]
    assert photo["export"]["state"] == "written"
    assert (tmp_path / "out" / photo["export"]["path"]).read_bytes() == PHOTO
    assert photo["export"]["sha256"] == hashlib.sha256(PHOTO).hexdigest()
    missing = next(m for m in msgs if m["kind"] == "file")["attachments"][0]
    assert missing["export"]["state"] == "missing" and missing["export"]["path"] is None
    assert report.warnings == ["1 attachment missing in the vault"]


def test_a_selection_exports_what_plan_counts_and_chinese_wording(vault, tmp_path):
    conn = vault.connect()
    fill(vault, conn)
    sel = Selection("", SearchFilters(conversations=[1], kinds=["payment", "call"]))
    report = export_json(vault, sel, tmp_path / "o", JobContext(), lang="zh_CN")
    recs = _lines(tmp_path / "o" / FILE_NAME)
    msgs = [r for r in recs if r["type"] == "message"]
    assert report.messages == len(msgs) == sum(c.messages for c in plan(conn, sel)) == 3
    assert {m["described"] for m in msgs} == {"[转账] ¥88.00 · 晚饭 · 已收款", "[红包] 恭喜发财", "[呼出的语音通话] 1:05"}
    assert all(a["export"] is None for m in msgs for a in m["attachments"])
    assert not (tmp_path / "o" / "media").exists()


def test_cancel_leaves_no_file_and_an_existing_export_is_not_overwritten(vault, tmp_path):
    conn = vault.connect()
    fill(vault, conn)
    class CancelAfterFirstBatch(JobContext):
        def advance(self, items: int = 0, bytes_: int = 0) -> None:
            super().advance(items, bytes_)
            if self.snapshot().items_done >= 42:          # in the WeChat chat, after its photo
                self.cancel()

    job = CancelAfterFirstBatch()
    report = export_json(vault, Selection(), tmp_path / "c", job, media=True, batch=3)
    assert report.cancelled and 0 < job.snapshot().items_done < 45      # stopped mid-way, after the photo was written
    assert not (tmp_path / "c").exists()                           # ... and nothing of it is left
    export_json(vault, Selection(), tmp_path / "d", JobContext())
    from chatvault.errors import UsageError
    with pytest.raises(UsageError, match="already exists"):
        export_json(vault, Selection(), tmp_path / "d", JobContext())
    assert export_json(vault, Selection(), tmp_path / "d", JobContext(), overwrite=True).messages == 45
