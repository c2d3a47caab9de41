"""The acceptance walk of issue #18 on Qt's real xcb platform (Xvfb): start, create a vault, import a
WeChat folder with its key through the dialog, play a voice note, open a PDF, lock, wrong passphrase,
unlock — a PNG per step in English and Chinese, and no English on a Chinese screen.

A step whose widget this build does not have yet must say which objectName it looked for, and that
name must really be absent from the GUI's source: as soon as it exists, the step has to run."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtGui import QImage

from chatvault.gui.devtools import walk

GUI = Path(walk.__file__).parents[1]


def _in_source(name: str) -> bool:
    return any(f'"{name}"' in p.read_text(encoding="utf-8") for p in GUI.rglob("*.py") if p.name != "walk.py")


def test_new_user_walk_on_xcb_in_english_and_chinese(tmp_path: Path) -> None:
    results = walk.run_walk(tmp_path, ["en", "zh_CN"])
    assert [(r["lang"], r["step"]) for r in results] == [(lang, s) for lang in ("en", "zh_CN") for s in walk.STEPS]
    ran = set()
    for r in results:
        where = f"{r['lang']} {r['step']}"
        assert r["error"] is None, f"{where}: {r['error']}"
        assert not r["english"], f"{where}: English on a Chinese screen: {r['english']}"
        if r["png"]:
            ran.add(r["step"])
            image = QImage(str(tmp_path / r["png"]))
            assert image.width() > 300 and image.height() > 150, where
        elif r["missing"]:
            assert not _in_source(r["missing"]), f"{where}: {r['missing']} exists now, so the step must run"
            assert r["brought_by"], where
        else:
            assert r["blocked_by"] in walk.STEPS, where
    assert {"start", "create", "first-window", "lock"} <= ran
    start = next(r for r in results if r["step"] == "start")
    assert start["note"] == "xcb"                           # the real platform, not offscreen
    if {"voice", "pdf"} <= ran:
        assert "report.pdf" in next(r for r in results if r["step"] == "pdf")["note"]
