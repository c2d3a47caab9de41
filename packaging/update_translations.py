"""Refresh the .ts catalogues from the GUI sources and merge the Simplified Chinese strings.

    .venv/bin/python packaging/update_translations.py

Runs `pyside6-lupdate` over chatvault/gui, then fills every zh_CN message from `zh_CN_strings.py`
and reports any source text without a translation (the test suite fails on those too).
"""

from __future__ import annotations

import subprocess
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
TS = ROOT / "resources" / "translations"
sys.path.insert(0, str(Path(__file__).resolve().parent))

from zh_CN_strings import ZH_CN  # noqa: E402


def main() -> int:
    sources = sorted(str(p.relative_to(ROOT)) for p in (ROOT / "chatvault" / "gui").rglob("*.py"))
    lupdate = Path(sys.executable).with_name("pyside6-lupdate")
    subprocess.run([str(lupdate), *sources, "-no-obsolete", "-locations", "none",
                    "-ts", str(TS / "chatvault_zh_CN.ts"), str(TS / "chatvault_en.ts")], cwd=ROOT, check=True)
    path = TS / "chatvault_zh_CN.ts"
    tree = ET.parse(path)
    missing = []
    for msg in tree.iter("message"):
        src = msg.find("source").text or ""
        tr = msg.find("translation")
        if src in ZH_CN:
            tr.text = ZH_CN[src]
            tr.attrib.pop("type", None)
        else:
            missing.append(src)
    tree.write(path, encoding="utf-8", xml_declaration=True)
    en = TS / "chatvault_en.ts"
    tree = ET.parse(en)
    for msg in tree.iter("message"):  # English is the source language: mark it finished
        msg.find("translation").attrib.pop("type", None)
    tree.write(en, encoding="utf-8", xml_declaration=True)
    for src in missing:
        print("untranslated:", src)
    return 1 if missing else 0


if __name__ == "__main__":
    sys.exit(main())
