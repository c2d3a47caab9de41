"""The eDiscovery production from the app, walked as a user does: File → Export…, "eDiscovery
production", who produces it, custodians, zip or folder; then "Verify a production…" on it — it
passes, and after one byte of the load file changes it names that file."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from PySide6.QtCore import QSettings, Qt
from PySide6.QtWidgets import QFileDialog

from chatvault.export.production import verify_export
from chatvault.export.production.loadfile import read as read_loadfile


@pytest.fixture(autouse=True)
def _settings(tmp_path: Path):
    QSettings.setPath(QSettings.Format.IniFormat, QSettings.Scope.UserScope, str(tmp_path / "settings"))


@pytest.fixture
def window(qtbot, vault):
    from chatvault.devtools import demo
    from chatvault.gui.main_window import MainWindow

    conn = vault.connect()
    demo.populate(conn)
    for run, name in ((1, "王伟"), (2, "Karl Keller")):       # the WeChat and the WhatsApp import's custodians
        cid = conn.execute("INSERT INTO custodians(name, created_at) VALUES (?, 0)", (name,)).lastrowid
        conn.execute("UPDATE import_runs SET custodian_id = ? WHERE id = ?", (cid, run))
    conn.close()
    win = MainWindow(vault)
    qtbot.addWidget(win)
    win.show()
    yield win
    win.close()


def _produce(qtbot, dlg, dest: Path) -> Path:
    qtbot.mouseClick(dlg.start_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: dlg.report is not None or bool(dlg.error.text()), timeout=30_000)
    assert dlg.report is not None, dlg.error.text()
    return Path(dlg.report.out)


def test_produce_and_verify_from_the_export_dialog(qtbot, window, tmp_path, monkeypatch) -> None:
    window.exporter.act_export.trigger()                                 # File → Export…
    dlg = window.exporter.dialog
    qtbot.waitUntil(lambda: 0 in dlg.counts, timeout=10_000)
    opts = dlg.production
    assert opts.isHidden()                                               # only for a production
    dlg.format.setCurrentIndex(dlg.format.findData("production"))
    assert opts.isVisible() and dlg.media.isHidden() and opts.review.isChecked() and not opts.zip.isChecked()
    dest = tmp_path / "exports"
    dest.mkdir()
    dlg.folder.setText(str(dest))
    qtbot.keyClicks(opts.operator, "Jane Reviewer")
    opts.custodians.setText("Karl Keller, 王伟")                         # as an input method commits it
    opts.review.setChecked(False)                                        # RSMF, load file, natives only
    out = _produce(qtbot, dlg, dest)
    assert out.parent == dest and out.name.endswith(" production") and "Exported" in dlg.status.text()
    custody = json.loads((out / "custody.json").read_text(encoding="utf-8"))
    assert custody["produced_by"]["operator"] == "Jane Reviewer"
    assert custody["selection"]["custodians"]["requested"] == ["Karl Keller", "王伟"]
    assert custody["counts"]["messages"] == dlg.counts[0].messages                 # both archives: everything
    assert set(custody["counts"]["per_custodian"]) == {"Karl Keller", "王伟"}
    assert {r["CUSTODIAN"] for r in read_loadfile(out / "DATA" / "loadfile.dat")} == {"Karl Keller", "王伟"}
    assert not (out / "REVIEW").exists() and verify_export(out).ok

    chosen = {"path": out / "manifest.json"}
    monkeypatch.setattr(QFileDialog, "getOpenFileName", staticmethod(lambda *a, **k: (str(chosen["path"]), "")))
    qtbot.mouseClick(opts.verify_button, Qt.MouseButton.LeftButton)     # Verify a production…
    qtbot.waitUntil(lambda: opts.verified is not None, timeout=10_000)
    assert opts.verified.ok and opts.result.text().startswith("Verified: all")
    data = bytearray((out / "DATA" / "loadfile.dat").read_bytes())
    data[len(data) // 2] ^= 1
    (out / "DATA" / "loadfile.dat").write_bytes(bytes(data))
    qtbot.mouseClick(opts.verify_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: opts.verified is not None, timeout=10_000)
    assert "does NOT match" in opts.result.text() and "Changed: DATA/loadfile.dat" in opts.result.text()

    opts.zip.setChecked(True)                                            # the same as one zip
    archive = _produce(qtbot, dlg, dest)
    assert archive.suffix == ".zip" and archive.with_name(archive.name + ".sha256").is_file()
    assert dlg.folder_of_export() == dest
    chosen["path"] = archive
    qtbot.mouseClick(opts.verify_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: opts.verified is not None, timeout=10_000)
    assert opts.verified.ok
