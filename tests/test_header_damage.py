"""RELIABILITY rows 13 and 16 for the header itself: a damaged or edited vault.json is named as such
(never "wrong passphrase"), before any key derivation; a verified copy vault.json.bak repairs it after
the unlock; edits to the db/media fields are noticed; nothing is changed by a refusal."""

from __future__ import annotations

import base64
import json
import time
from collections.abc import Callable
from pathlib import Path

import pytest

from chatvault.errors import VaultFormatError, WrongPassphrase
from chatvault.vault import kdf
from chatvault.vault.header import BACKUP_NAME, HEADER_NAME, Header, HeaderDamaged
from chatvault.vault.vault import create_vault, open_vault
from tests.conftest import PASSPHRASE
from tests.header_fixtures import edit_header
from tests.legacy_vault import make_legacy_vault
from tests.test_wrong_passphrase import tree_hashes


def _flip_b64(value: str) -> str:
    raw = bytearray(base64.b64decode(value))
    raw[len(raw) // 2] ^= 0x01
    return base64.b64encode(bytes(raw)).decode()


def _set(*path_and_value) -> Callable[[dict], None]:
    *path, value = path_and_value

    def mutate(d: dict) -> None:
        for p in path[:-1]:
            d = d[p]
        d[path[-1]] = value(d[path[-1]]) if callable(value) else value
    return mutate


def _drop(*path: str) -> Callable[[dict], None]:
    def mutate(d: dict) -> None:
        for p in path[:-1]:
            d = d[p]
        del d[path[-1]]
    return mutate


# Field edits that damage would make: each is refused as "header damaged" before any derivation.
FIELD_DAMAGE: dict[str, Callable[[dict], None]] = {
    "passphrase ct": _set("slots", "passphrase", "ct", _flip_b64),
    "passphrase nonce": _set("slots", "passphrase", "nonce", _flip_b64),
    "recovery ct": _set("slots", "recovery", "ct", _flip_b64),
    "kdf salt": _set("kdf", "salt", _flip_b64),
    "kdf t": _set("kdf", "t", lambda t: t + 1),
    "kdf m_kib": _set("kdf", "m_kib", lambda m: m * 2),
    "vault_id": _set("vault_id", lambda v: ("0" if v[0] != "0" else "1") + v[1:]),
    "created": _set("created", "2001-01-01T00:00:00Z"),
    "db file": _set("db", "file", "other.db"),
    "db cipher": _set("db", "cipher", "none"),
    "media dir": _set("media", "dir", "/tmp/elsewhere"),
    "media key": _set("media", "key", "hkdf-sha256:chatvault/db/v1"),
    "mac": _set("mac", lambda m: m[:-1] + ("0" if m[-1] != "0" else "1")),
    "checksum": _set("checksum", lambda c: c[:-1] + ("0" if c[-1] != "0" else "1")),
    "version": _set("version", 1),
    "passphrase_norm": _set("passphrase_norm", "none"),
    "no db field": _drop("db"),
    "no mac": _drop("mac"),
    "no checksum": _drop("checksum"),
    "no salt": _drop("kdf", "salt"),
    "no recovery slot": _drop("slots", "recovery"),
    "no passphrase slot": _drop("slots", "passphrase"),
    "format": _set("format", "chatvault-vaulu"),
    "slots as a list": _set("slots", []),
    "kdf t as text": _set("kdf", "t", "three"),
    "unknown cipher": _set("slots", "passphrase", "alg", "rot13"),
}


def _byte_damage(raw: bytes) -> dict[str, bytes]:
    out = {"empty": b"", "NUL bytes": b"\0" * len(raw), "not UTF-8": raw.replace(b"{", b"\xff", 1),
           "cut at 1 byte": raw[:1], "deep nesting": b"[" * 100_000, "too large": b" " * 70_000 + raw}
    for frac in (0.1, 0.3, 0.5, 0.7, 0.9, 0.99):
        out[f"cut at {frac:.0%}"] = raw[: int(len(raw) * frac)]
    for frac in (0.05, 0.25, 0.45, 0.65, 0.85):
        flipped = bytearray(raw)
        flipped[int(len(raw) * frac)] ^= 0x04
        out[f"bit flip at {frac:.0%}"] = bytes(flipped)
    return out


@pytest.fixture
def made(tmp_path: Path):
    v, rk = create_vault(tmp_path / "v", PASSPHRASE)
    v.lock()
    return v.path, rk


@pytest.fixture
def kdf_runs(monkeypatch):
    runs = []
    real = kdf.argon2id
    monkeypatch.setattr(kdf, "argon2id", lambda *a, **k: (runs.append(1), real(*a, **k))[1])
    return runs


def _corpus(folder: Path) -> dict[str, bytes]:
    """Every damaged vault.json of the corpus, as bytes."""
    good = (folder / HEADER_NAME).read_bytes()
    out = _byte_damage(good)
    for name, mutate in FIELD_DAMAGE.items():
        edit_header(folder, mutate, fix_checksum=False)
        out[name] = (folder / HEADER_NAME).read_bytes()
        (folder / HEADER_NAME).write_bytes(good)
    return out


def test_damaged_header_without_copy_is_named_not_wrong_passphrase(made, kdf_runs) -> None:
    folder, _rk = made
    good = (folder / HEADER_NAME).read_bytes()
    corpus = _corpus(folder)
    (folder / BACKUP_NAME).unlink()
    assert len(corpus) >= 40
    for name, data in corpus.items():
        (folder / HEADER_NAME).write_bytes(data)
        before = tree_hashes(folder)
        kdf_runs.clear()
        start = time.monotonic()
        with pytest.raises(VaultFormatError) as err:
            open_vault(folder, PASSPHRASE)
        assert time.monotonic() - start < 1.0, name
        e = err.value
        assert e.code == "header_damaged", (name, e.code, e.message)
        assert "vault.json" in e.message and "damaged" in e.message, (name, e.message)
        assert "vault.json.bak is missing" in (e.hint or "") and "Restore vault.json" in (e.hint or ""), name
        assert kdf_runs == [], name                           # refused before any key derivation
        assert tree_hashes(folder) == before, name            # a refusal writes nothing
    (folder / HEADER_NAME).write_bytes(good)
    open_vault(folder, PASSPHRASE).lock()


def test_damaged_header_is_repaired_from_the_verified_copy(made) -> None:
    folder, rk = made
    good = (folder / HEADER_NAME).read_bytes()
    corpus = _corpus(folder)
    for name, data in corpus.items():
        (folder / HEADER_NAME).write_bytes(data)
        with pytest.raises(WrongPassphrase, match=r"vault\.json is damaged.*copy vault\.json\.bak was read"):
            open_vault(folder, PASSPHRASE + " but wrong")
        assert (folder / HEADER_NAME).read_bytes() == data, name   # a wrong passphrase repairs nothing
        v = open_vault(folder, PASSPHRASE)
        v.lock()
        assert any("repaired from the verified copy" in n for n in v.notices), (name, v.notices)
        assert (folder / HEADER_NAME).read_bytes() == good, name
    (folder / HEADER_NAME).unlink()                            # gone altogether: the copy still opens it
    open_vault(folder, recovery_key=rk).lock()
    assert (folder / HEADER_NAME).read_bytes() == good


def test_crafted_edit_with_a_fixed_checksum_is_caught_by_the_mac(made, kdf_runs) -> None:
    """Someone edits fields and recomputes the checksum: db/media values are refused as they are read;
    other edits (that do not stop the unwrap) fail the MAC checked right after it."""
    folder, _rk = made
    good = (folder / HEADER_NAME).read_bytes()
    (folder / BACKUP_NAME).unlink()
    edit_header(folder, _set("db", "file", "other.db"))
    with pytest.raises(HeaderDamaged, match="db.file says 'other.db'"):
        open_vault(folder, PASSPHRASE)
    assert kdf_runs == []
    (folder / HEADER_NAME).write_bytes(good)
    edit_header(folder, _set("created", "2001-01-01T00:00:00Z"))
    before = tree_hashes(folder)
    with pytest.raises(HeaderDamaged, match="was altered") as err:
        open_vault(folder, PASSPHRASE)
    assert err.value.code == "header_damaged" and tree_hashes(folder) == before


def test_cli_says_header_damaged_with_the_next_step(cli, made) -> None:
    folder, _rk = made
    data = bytearray((folder / HEADER_NAME).read_bytes())
    data[len(data) // 3] ^= 0x02
    (folder / HEADER_NAME).write_bytes(bytes(data))
    (folder / BACKUP_NAME).write_bytes(bytes(data))
    r = cli("info", "--json", env={"CHATVAULT_VAULT": str(folder), "CHATVAULT_PASSPHRASE": PASSPHRASE})
    assert r.returncode == 1 and json.loads(r.stdout)["error"] == "header_damaged"
    assert "vault.json is damaged" in r.stderr and "Wrong passphrase" not in r.stderr and "Traceback" not in r.stderr
    assert "chatvault restore" in r.stderr


def test_cli_reports_the_repair(cli, made) -> None:
    folder, _rk = made
    (folder / HEADER_NAME).write_bytes(b'{"format": "chatvault-vault", "vers')
    r = cli("info", "--json", env={"CHATVAULT_VAULT": str(folder), "CHATVAULT_PASSPHRASE": PASSPHRASE})
    assert r.returncode == 0, r.stderr
    assert "repaired from the verified copy vault.json.bak" in r.stderr
    assert Header.load(folder).damage is None


def test_old_headers_without_the_new_fields_still_open_and_are_upgraded(tmp_path: Path) -> None:
    folder = tmp_path / "old"
    make_legacy_vault(folder, PASSPHRASE)
    old = json.loads((folder / HEADER_NAME).read_text())
    assert old["version"] == 1 and "checksum" not in old and not (folder / BACKUP_NAME).exists()
    open_vault(folder, PASSPHRASE).lock()
    new = json.loads((folder / HEADER_NAME).read_text())
    assert new["version"] == 2 and new["checksum"].startswith("sha256:") and new["mac"].startswith("hmac-sha256:")
    assert new["passphrase_norm"] == "precis-opaque+trim/v1" and new["slots"]["recovery"]["key_format"] == 1
    assert (folder / BACKUP_NAME).read_bytes() == (folder / HEADER_NAME).read_bytes()
    # a version-1 header whose db field was edited is refused too (the values are fixed)
    make_legacy_vault(tmp_path / "old2", PASSPHRASE)
    edit_header(tmp_path / "old2", _set("media", "dir", "../elsewhere"))
    with pytest.raises(HeaderDamaged, match="media.dir"):
        open_vault(tmp_path / "old2", PASSPHRASE)
