"""Issue #16, item 2: the date order comes from the file, never from the machine's locale; when the
file cannot tell, the import asks; a later answer re-dates the stored messages instead of adding them
again (vaults imported before this change included)."""

from __future__ import annotations

import json
from datetime import datetime, timedelta
from pathlib import Path

import pytest

from chatvault.importers.base import ImportOptions
from chatvault.importers.whatsapp.dateorder import DateOrderNeeded
from chatvault.ingest.engine import run_import
from chatvault.ingest.keys import Keyer, fingerprint, swap_day_month, wall_ms
from chatvault.ingest.reorder import Reorder
from chatvault.model import MessageRec


def ambiguous_chat(path: Path, n: int = 200) -> Path:
    """n messages over the first days of several months: every date reads both ways, and both
    readings keep time moving forward (so nothing in the file tells the order)."""
    lines = []
    t = datetime(2023, 1, 1, 8, 0)
    for i in range(n):
        day = t + timedelta(days=(i // 20) * 32)          # 1/1, 2/2, 3/3 ... plus the hours below
        day = day.replace(day=min(12, 1 + i % 3 + (i // 20) % 2), month=1 + (i // 20) % 12)
        when = day.replace(hour=8 + i % 12, minute=i % 60)
        lines.append(f"{when:%d/%m/%y}, {when:%H:%M} - {'Alice' if i % 2 else 'Bob'}: message {i} ok")
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def _count(vault) -> int:
    conn = vault.connect(readonly=True)
    try:
        return conn.execute("SELECT count(*) FROM messages").fetchone()[0]
    finally:
        conn.close()


def _dates(vault) -> list[int]:
    conn = vault.connect(readonly=True)
    try:
        return [r[0] for r in conn.execute("SELECT ts FROM messages ORDER BY id")]
    finally:
        conn.close()


def test_locale_does_not_decide_and_the_import_asks(vault, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = ambiguous_chat(tmp_path / "WhatsApp Chat with Ann.txt")
    for loc in ("en_US.UTF-8", "de_DE.UTF-8"):
        monkeypatch.setenv("LC_ALL", loc)
        with pytest.raises(DateOrderNeeded) as err:
            run_import(vault, path, options=ImportOptions(options={"tz": "UTC"}))
        assert "--date-order DMY" in err.value.hint and "--date-order MDY" in err.value.hint
    assert _count(vault) == 0                        # nothing stored on a guess


def test_a_later_answer_redates_instead_of_duplicating(vault, tmp_path: Path) -> None:
    path = ambiguous_chat(tmp_path / "WhatsApp Chat with Ann.txt")
    first = run_import(vault, path, options=ImportOptions(options={"tz": "UTC", "date_order": "MDY"}))
    assert first.outcome == "ok" and first.added == 200
    mdy = _dates(vault)
    second = run_import(vault, path, options=ImportOptions(options={"tz": "UTC", "date_order": "DMY"}))
    assert second.added == 0 and second.already_present == 200 and second.redated > 150
    assert _count(vault) == 200
    dmy = _dates(vault)
    assert dmy != mdy
    first_msg = datetime.utcfromtimestamp(dmy[0] / 1000)
    assert (first_msg.day, first_msg.month) == (1, 1)
    assert datetime.utcfromtimestamp(dmy[-1] / 1000).month == 10          # "…/10/23" read day-first
    back = run_import(vault, path, options=ImportOptions(options={"tz": "UTC", "date_order": "MDY"}))
    assert back.added == 0 and _count(vault) == 200 and _dates(vault) == mdy
    assert back.missing_at_source == 0


def test_vault_from_before_the_change_is_redated_not_duplicated(vault, tmp_path: Path) -> None:
    """Today's code guessed MDY under an en_US locale and stored keys from those dates, with
    `date_order` in the chat's extra. A vault in that state (keys from the unchanged `Keyer`, the old
    parser version) gets no duplicate when the same chat is imported with the other order."""
    path = ambiguous_chat(tmp_path / "WhatsApp Chat with Ann.txt")
    run_import(vault, path, options=ImportOptions(options={"tz": "UTC", "date_order": "MDY"}))
    conn = vault.connect()
    try:
        extra = json.loads(conn.execute("SELECT extra FROM conversations").fetchone()[0])
        extra.pop("date_order_from", None)
        extra.pop("encoding", None)          # what the old importer stored: export_member, date_order
        conn.execute("UPDATE conversations SET extra = ?", (json.dumps(extra),))
        conn.execute("UPDATE import_runs SET parser_version = 1")
        conn.commit()
    finally:
        conn.close()
    again = run_import(vault, path, options=ImportOptions(options={"tz": "UTC", "date_order": "DMY"}))
    assert again.added == 0 and _count(vault) == 200 and again.redated > 150


def test_reorder_keys_match_the_keyer() -> None:
    from chatvault.importers.whatsapp.importer import system_zone

    zone = system_zone("UTC")
    keyer, other = Keyer(), Keyer()
    re = Reorder("c")
    for day, month, text in ((3, 4, "ok"), (3, 4, "ok"), (25, 4, "ok"), (4, 4, "same")):
        ts = datetime(2023, month, day, 10, 0, tzinfo=zone)
        rec = MessageRec("c", ts, text=text, sender_key="A", tz_known=False)
        key = keyer.key(rec, 0)
        swapped = swap_day_month(wall_ms(ts))
        want = None
        if swapped is not None:
            srec = MessageRec("c", ts.replace(month=day, day=month), text=text, sender_key="A", tz_known=False)
            want = other.key(srec, 0)
        else:
            other.key(rec, 0)
        assert re.other_key(key, "A", "text", text, "") == want
    assert fingerprint("c", 5, "b", 0) != fingerprint("c", 5, "b", 1)


def test_duplicates_from_two_guesses_are_marked_by_the_answer(vault, tmp_path: Path) -> None:
    """A vault where today's code stored the chat twice (read DMY under one locale, MDY under
    another): answering the order marks the wrong copies missing at the source."""
    path = tmp_path / "WhatsApp Chat with Ann.txt"
    path.write_text("\n".join(f"{'01/02/23' if i < 100 else '03/04/23'}, {8 + i // 60}:{i % 60:02d} - "
                              f"{'Alice' if i % 2 else 'Bob'}: m{i}" for i in range(200)) + "\n", encoding="utf-8")
    run_import(vault, path, options=ImportOptions(options={"tz": "UTC", "date_order": "DMY"}))
    conn = vault.connect()
    try:                        # what the old importer left: the order of the locale it last ran under
        conn.execute("UPDATE conversations SET extra = json_set(extra, '$.date_order', 'MDY')")
        conn.commit()
    finally:
        conn.close()
    polluted = run_import(vault, path, options=ImportOptions(options={"tz": "UTC", "date_order": "MDY"}))
    assert polluted.added == 200 and _count(vault) == 400          # the bug as it was
    fixed = run_import(vault, path, options=ImportOptions(options={"tz": "UTC", "date_order": "DMY"}))
    assert fixed.added == 0 and fixed.missing_at_source == 200
    assert any("other way round" in w for w in fixed.warnings)
    conn = vault.connect(readonly=True)
    try:
        present = conn.execute("SELECT ts FROM messages WHERE status = 'present' ORDER BY ts").fetchall()
    finally:
        conn.close()
    assert len(present) == 200
    assert datetime.utcfromtimestamp(present[0][0] / 1000).month == 2      # 1 February: day first


def test_cli_refuses_with_the_choices_then_takes_the_answer(cli, vault, tmp_path: Path) -> None:
    from tests.test_ingest_cli import env_for

    vault.lock()
    path = tmp_path / "WhatsApp Chat with Ann.txt"
    path.write_text("03/04/23, 10:00 - Ann: x\n03/04/23, 10:01 - Bob: y\n", encoding="utf-8")
    env = env_for(vault.path)
    r = cli("import", str(path), "--json", env=env | {"LC_ALL": "en_US.UTF-8"})
    assert r.returncode == 1
    out = json.loads(r.stdout)
    assert out["error"] == "date_order_needed" and "--date-order DMY" in out["hint"] and "--date-order MDY" in out["hint"]
    r = cli("import", str(path), "--json", "--date-order", "MDY", env=env)
    assert r.returncode == 0, r.stderr
    assert json.loads(r.stdout)["added"] == 2
    r = cli("import", str(path), "--json", "--date-order", "DMY", env=env)
    out = json.loads(r.stdout)
    assert out["added"] == 0 and out["redated"] == 2


def test_a_given_order_the_file_contradicts_is_reported(tmp_path: Path) -> None:
    from chatvault.importers.whatsapp import WhatsAppImporter
    from chatvault.jobs.context import JobContext
    from chatvault.model import ImportWarning

    path = tmp_path / "c.txt"
    path.write_text("25/03/23, 10:00 - Ann: x\n03/04/23, 10:01 - Bob: y\n", encoding="utf-8")
    recs = list(WhatsAppImporter().read(path, ImportOptions(options={"tz": "UTC", "date_order": "MDY"}), JobContext()))
    warns = [r.message for r in recs if isinstance(r, ImportWarning)]
    assert any("25/03/23" in w and "month first" in w for w in warns)
    assert [m.ts.month for m in recs if isinstance(m, MessageRec)] == [3, 3]      # 25 March; "03/04" as given


def _newer_export(path: Path, n_old: int = 200, n_new: int = 20) -> Path:
    """The same chat exported again later: the old lines plus `n_new` more, still ambiguous."""
    ambiguous_chat(path, n_old)
    lines = path.read_text(encoding="utf-8").splitlines()
    for i in range(n_new):
        lines.append(f"11/12/23, {10 + i % 10}:{i:02d} - Alice: newer message {i}")
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def test_a_newer_export_of_an_answered_chat_is_read_as_before(vault, tmp_path: Path) -> None:
    """The user answered once; a newer export of the same chat (CLI, app or watch folder) is read with
    that answer instead of asking again, and adds only what is new."""
    first = run_import(vault, ambiguous_chat(tmp_path / "WhatsApp Chat with Ann.txt"),
                       options=ImportOptions(options={"tz": "UTC", "date_order": "MDY"}))
    assert first.added == 200
    mdy = _dates(vault)
    (tmp_path / "later").mkdir()
    newer = _newer_export(tmp_path / "later" / "WhatsApp Chat with Ann.txt")
    second = run_import(vault, newer, options=ImportOptions(options={"tz": "UTC"}))
    assert second.outcome == "ok" and second.added == 20 and second.already_present == 200
    assert any("as this chat was at its earlier import" in w for w in second.warnings)
    assert _dates(vault)[:200] == mdy                                   # nothing re-dated
    other = ambiguous_chat(tmp_path / "WhatsApp Chat with Bob.txt")     # another chat: still asks
    with pytest.raises(DateOrderNeeded):
        run_import(vault, other, options=ImportOptions(options={"tz": "UTC"}))


def test_watch_folder_imports_a_newer_export_of_an_answered_chat(vault, tmp_path: Path) -> None:
    import time

    from chatvault.watch.folders import add_folder
    from chatvault.watch.service import WatchService

    run_import(vault, ambiguous_chat(tmp_path / "WhatsApp Chat with Ann.txt"),
               options=ImportOptions(options={"tz": "UTC", "date_order": "DMY"}))
    folder = tmp_path / "downloads"
    folder.mkdir()
    conn = vault.connect()
    add_folder(conn, folder, "auto-import")
    conn.close()
    service = WatchService(vault, debounce=0.3, tick=0.05)
    service.start()
    try:
        _newer_export(tmp_path / "staging.txt")
        (tmp_path / "staging.txt").rename(folder / "WhatsApp Chat with Ann.txt")
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline and not _watch_events(vault):
            time.sleep(0.1)
        assert service.wait_idle()
    finally:
        service.stop()
    assert [e for e, _d in _watch_events(vault)] == ["imported"], _watch_events(vault)
    assert _count(vault) == 220
    first = datetime.utcfromtimestamp(min(_dates(vault)) / 1000)
    assert (first.day, first.month) == (1, 1)


def _watch_events(vault) -> list[tuple[str, str]]:
    conn = vault.connect(readonly=True)
    try:
        return [tuple(r) for r in conn.execute("SELECT event, detail FROM capture_log ORDER BY id")]
    finally:
        conn.close()
