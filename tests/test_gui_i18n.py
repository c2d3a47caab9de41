"""Every user-visible string is translatable and translated: the zh_CN catalogue is complete and in
step with the sources, and it compiles with the lrelease that PySide6-Essentials ships."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from pathlib import Path

from chatvault.gui import i18n

GUI = Path(i18n.__file__).parent
TR_CALL = re.compile(r"""(?:self\.tr\(|QCoreApplication\.translate\(\s*"[^"]+"\s*,)\s*((?:"(?:[^"\\]|\\.)*"\s*)+)""")


def _catalogue(lang: str) -> dict[str, str | None]:
    tree = ET.parse(i18n.TS_DIR / f"chatvault_{lang}.ts")
    out = {}
    for msg in tree.iter("message"):
        tr = msg.find("translation")
        text = tr.findtext("numerusform") if msg.get("numerus") == "yes" else tr.text   # "%n message(s)"
        out[msg.find("source").text or ""] = None if tr.get("type") == "unfinished" else text
    return out


def test_zh_cn_is_complete_and_in_step_with_the_sources() -> None:
    zh = _catalogue("zh_CN")
    assert zh and all(v for v in zh.values()), [k for k, v in zh.items() if not v]
    in_code = set()
    for path in GUI.rglob("*.py"):
        for m in TR_CALL.finditer(path.read_text(encoding="utf-8")):
            in_code.add(eval("(" + m.group(1) + ")"))  # noqa: S307 - string literals from our own source
    missing = sorted(s for s in in_code if s not in zh)
    assert not missing, f"run packaging/update_translations.py: {missing}"
    # Placeholders survive translation.
    for src, dst in zh.items():
        assert sorted(re.findall(r"%\d", src)) == sorted(re.findall(r"%\d", dst)), src
        assert ("&" in src) == ("&" in dst), src


def test_catalogue_compiles_and_language_names(tmp_path: Path, qapp) -> None:
    qm = tmp_path / "zh.qm"
    assert i18n.compile_ts(i18n.TS_DIR / "chatvault_zh_CN.ts", qm) and qm.stat().st_size > 1000
    assert i18n.LANGUAGES["zh_CN"] == "简体中文"
    assert i18n.normalize("zh_CN") == "zh_CN" and i18n.normalize("zh_SG") == "zh_CN"
    assert i18n.normalize("zh_TW") == "en" and i18n.normalize("zh_HK") == "en"  # not shipped yet: no fake 繁體
    assert i18n.normalize("de_DE") == "en"
