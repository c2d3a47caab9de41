"""`verify_export`: one byte changed in any produced file, a file missing or one added, and the
production fails verify naming it; a zip production is checked the same way, through its zip."""

from __future__ import annotations

import json
import shutil
import subprocess
import zipfile
from pathlib import Path

import pytest

from chatvault.errors import InputError
from chatvault.export.production import produce, verify_export
from chatvault.export.production.manifest import hash_file
from chatvault.export.selection import Selection
from chatvault.jobs import JobContext
from tests.production_data import populate


@pytest.fixture
def production(vault, tmp_path) -> Path:
    populate(vault)
    out = tmp_path / "prod"
    report = produce(vault, Selection(), out, JobContext(), include_html=False, include_pdf=False)
    assert report.sha256 and verify_export(out).ok
    return out


def flip(path: Path, at: int | None = None) -> None:
    data = bytearray(path.read_bytes())
    i = len(data) // 2 if at is None else at
    data[i] ^= 0x01
    path.write_bytes(bytes(data))


def test_a_byte_flipped_in_any_kind_of_file_is_named(production, tmp_path):
    kinds = {e["path"]: e["kind"] for e in json.loads((production / "manifest.json").read_text())["files"]}
    one_of_each: dict[str, str] = {}
    for rel, kind in sorted(kinds.items()):
        one_of_each.setdefault(kind, rel)
    assert {"rsmf", "native", "text", "loadfile", "custody", "note"} <= set(one_of_each)
    for kind, rel in sorted(one_of_each.items()):
        copy = tmp_path / f"flip-{kind}"
        shutil.copytree(production, copy)
        flip(copy / rel)
        result = verify_export(copy)
        assert not result.ok and result.changed == [rel], (kind, result.to_json())
        assert f"changed: {rel}" in result.lines()


def test_the_manifest_and_its_checksum_file_check_each_other(production, tmp_path):
    for name in ("manifest.json", "manifest.sha256"):
        copy = tmp_path / f"flip-{name}"
        shutil.copytree(production, copy)
        flip(copy / name, at=10)              # inside the first hash of either file
        result = verify_export(copy)
        assert not result.ok and name in result.changed, (name, result.to_json())
    # sha256sum(1) agrees with our checksum file, without ChatVault
    done = subprocess.run(["sha256sum", "--quiet", "-c", "manifest.sha256"], cwd=production, capture_output=True)
    assert done.returncode == 0, done.stdout


def test_missing_and_added_files_are_named(production):
    rsmf = sorted((production / "NATIVES").glob("*.rsmf"))[0]
    rsmf.unlink()
    (production / "NATIVES" / "extra.txt").write_text("slipped in")
    (production / "NATIVES" / ".DS_Store").write_bytes(b"\0\0\0\1Bud1")     # Finder showed the folder
    result = verify_export(production)
    assert result.missing == [f"NATIVES/{rsmf.name}"] and result.added == ["NATIVES/extra.txt"]
    assert result.ignored == ["NATIVES/.DS_Store"]
    assert not result.ok and result.changed == []


def test_verify_refuses_what_is_not_a_production(tmp_path):
    with pytest.raises(InputError, match="neither a production folder nor a production zip"):
        verify_export(tmp_path / "nowhere")
    (tmp_path / "empty").mkdir()
    result = verify_export(tmp_path / "empty")
    assert not result.ok and result.missing == ["manifest.json", "manifest.sha256"]


def test_zip_production_has_the_same_files_and_its_own_sha256(vault, tmp_path, production):
    report = produce(vault, Selection(), tmp_path / "prod2", JobContext(), zip=True, include_html=False,
                     include_pdf=False)
    archive = tmp_path / "prod2.zip"
    assert report.out == archive and archive.is_file() and not (tmp_path / "prod2").exists()
    assert not list(tmp_path.glob(".prod2*"))                      # the staging folder is gone
    side = (tmp_path / "prod2.zip.sha256").read_text().split()
    assert side == [report.sha256, "prod2.zip"]
    with zipfile.ZipFile(archive) as zf:
        names = {n.split("/", 1)[1] for n in zf.namelist()}
        assert {n.split("/", 1)[0] for n in zf.namelist()} == {"prod2"}
    folder = {p.relative_to(production).as_posix() for p in production.rglob("*") if p.is_file()}
    assert names == folder
    assert verify_export(archive).ok
    flip(archive, at=200)                                           # inside the first member
    result = verify_export(archive)
    assert not result.ok and "prod2.zip" in result.changed


def test_a_zip_rebuilt_with_a_changed_member_names_the_member(vault, tmp_path):
    populate(vault)
    produce(vault, Selection(), tmp_path / "p", JobContext(), zip=True, include_html=False, include_pdf=False)
    archive, forged = tmp_path / "p.zip", tmp_path / "forged.zip"
    with zipfile.ZipFile(archive) as src, zipfile.ZipFile(forged, "w") as dst:
        for info in src.infolist():
            data = src.read(info)
            if info.filename == "p/DATA/loadfile.dat":
                data = data.replace(b"Karl Keller", b"Karl Kellex", 1)
            dst.writestr(info, data)
    shutil.move(forged, archive)
    (tmp_path / "p.zip.sha256").write_text(f"{hash_file(archive)[0]}  p.zip\n")
    result = verify_export(archive)
    assert result.changed == ["DATA/loadfile.dat"]


def test_a_tampered_manifest_cannot_make_verify_read_outside_the_production(production, tmp_path):
    secret = tmp_path / "secret.txt"
    secret.write_text("not part of the production")
    doc = json.loads((production / "manifest.json").read_text(encoding="utf-8"))
    doc["files"].append({"path": "../secret.txt", "kind": "note", "size": 26, "sha256": "0" * 64, "md5": ""})
    (production / "manifest.json").write_text(json.dumps(doc), encoding="utf-8")
    result = verify_export(production)
    assert not result.ok and "manifest.json" in result.changed
    assert any("outside the production" in p and "../secret.txt" in p for p in result.problems)


def test_the_user_produces_and_verifies_on_the_command_line(vault, tmp_path):
    """`chatvault export production` then `chatvault export verify`, as a user runs them."""
    from tests.conftest import PASSPHRASE, run_cli
    populate(vault)
    vault.lock()
    env = {"CHATVAULT_VAULT": str(vault.path), "CHATVAULT_PASSPHRASE": PASSPHRASE}
    out = tmp_path / "matter-42"
    r = run_cli("export", "production", str(out), "--after", "2019-05-01", "--json", env=env)
    assert r.returncode == 0, r.stderr
    report = json.loads(r.stdout)
    assert report["format"] == "production" and report["messages"] == 12 and report["sha256"]
    r = run_cli("export", "verify", str(out), "--json", env=env)
    assert r.returncode == 0 and json.loads(r.stdout)["ok"] is True, r.stdout
    flip(out / "DATA" / "loadfile.dat")
    r = run_cli("export", "verify", str(out), env=env)
    assert r.returncode == 1 and "changed: DATA/loadfile.dat" in r.stdout
