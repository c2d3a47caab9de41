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

# English plural forms where dropping or adding an "s" to "(s)" is not the word.
EN_NUMERUS: dict[str, tuple[str, str]] = {}


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
        if src in ZH_CN and msg.get("numerus") == "yes":      # Chinese has one plural form
            forms = tr.findall("numerusform") or [ET.SubElement(tr, "numerusform")]
            for form in forms:
                form.text = ZH_CN[src]
            tr.attrib.pop("type", None)
        elif src in ZH_CN:
            tr.text = ZH_CN[src]
            tr.attrib.pop("type", None)
        else:
            missing.append(src)
    tree.write(path, encoding="utf-8", xml_declaration=True)
    en = TS / "chatvault_en.ts"
    tree = ET.parse(en)
    for msg in tree.iter("message"):  # English is the source language: mark it finished
        tr = msg.find("translation")
        tr.attrib.pop("type", None)
        src = msg.find("source").text or ""
        if msg.get("numerus") == "yes":   # "%n message(s)": "1 message", "2 messages"
            for form in tr.findall("numerusform"):
                tr.remove(form)
            one, many = EN_NUMERUS.get(src, (src.replace("(s)", ""), src.replace("(s)", "s")))
            for text in (one, many):
                ET.SubElement(tr, "numerusform").text = text
    tree.write(en, encoding="utf-8", xml_declaration=True)
    for src in missing:
        print("untranslated:", src)
    return 1 if missing else 0


if __name__ == "__main__":
    sys.exit(main())
