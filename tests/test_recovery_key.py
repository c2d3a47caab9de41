"""RELIABILITY rows 14 and 32 for the recovery key: every single-character typo and every swap of
two neighbouring characters is caught by the check characters before any key derivation, with the
group named; format-1 keys of older vaults are still accepted."""

from __future__ import annotations

import random
from pathlib import Path

import pytest

from chatvault.errors import RecoveryKeyTypo, WrongPassphrase, WrongRecoveryKey
from chatvault.vault import keys, recovery
from chatvault.vault.vault import create_vault, open_vault, recover_vault
from tests.conftest import PASSPHRASE
from tests.legacy_vault import make_legacy_vault

FORGIVEN = {"I": "1", "L": "1", "O": "0"}   # read as these digits: typing them is not a typo


def _variants(key: str):
    """(variant, group indexes it touches, what) for every substitution and neighbour swap."""
    flat = key.replace("-", "")
    for i, c in enumerate(flat):
        for sub in recovery.ALPHABET:
            if sub != c:
                yield flat[:i] + sub + flat[i + 1:], {i // 5}, f"{c}->{sub} at {i}"
    for i in range(len(flat) - 1):
        if flat[i] != flat[i + 1]:
            yield flat[:i] + flat[i + 1] + flat[i] + flat[i + 2:], {i // 5, (i + 1) // 5}, f"swap at {i}"


def _keys(n: int) -> list[str]:
    return [recovery.new_recovery_key()[0] for _ in range(n)]


def test_every_typo_and_neighbour_swap_is_caught_and_named() -> None:
    caught = total = 0
    for key in _keys(8):
        assert recovery.decode(key) and recovery.decode(key, 2) == recovery.decode(key.lower(), 2)
        for variant, groups, what in _variants(key):
            total += 1
            with pytest.raises(RecoveryKeyTypo) as err:
                recovery.decode(variant, 2)
            with pytest.raises(RecoveryKeyTypo):
                recovery.decode(variant)                       # format unknown: still caught
            named = {int(w) - 1 for w in err.value.message.split(" of the")[0].split() if w.isdigit()}
            assert named and named <= groups, (what, err.value.message)
            caught += 1
    assert caught == total and total >= 8 * 40 * 31 + 8 * 30    # swaps of two equal characters change nothing
    print(f"recovery key: {caught}/{total} single typos and neighbour swaps caught")


def test_the_old_check_misses_swaps_the_new_one_catches() -> None:
    """The figure behind the issue: format-1 check characters let about 8 % of swaps through."""
    rnd = random.Random(15)
    missed = swaps = 0
    for _ in range(200):
        key = recovery.encode(rnd.randbytes(recovery.RAW_BYTES), fmt=1)
        for variant, _groups, what in _variants(key):
            if what.startswith("swap"):
                swaps += 1
                try:
                    recovery.decode(variant, 1)
                    missed += 1
                except RecoveryKeyTypo:
                    pass
    assert 0.04 < missed / swaps < 0.12, missed / swaps
    print(f"format-1 check: {missed}/{swaps} neighbour swaps missed ({100 * missed / swaps:.1f} %)")


def test_typo_is_reported_before_any_key_derivation(tmp_path: Path, monkeypatch) -> None:
    v, key = create_vault(tmp_path / "v", PASSPHRASE)
    v.lock()
    derived = []
    real = keys.derive
    monkeypatch.setattr(keys, "derive", lambda *a, **k: (derived.append(1), real(*a, **k))[1])
    flat = key.replace("-", "")
    swap = flat[:12] + flat[13] + flat[12] + flat[14:] if flat[12] != flat[13] else flat[:12] + "Z" + flat[13:]
    with pytest.raises(RecoveryKeyTypo, match="Group 3") as err:
        open_vault(v.path, recovery_key=swap)
    assert derived == [] and err.value.exit_code == 3 and "group 3" in (err.value.hint or "").lower()
    other = recovery.new_recovery_key()[0]
    with pytest.raises(WrongRecoveryKey):
        open_vault(v.path, recovery_key=other)                 # well-formed, another vault's: exit 3
    assert derived                                             # that one did reach the derivation


def test_forgiving_input_forms() -> None:
    text, raw = recovery.new_recovery_key()
    spaced = " ".join(text.split("-")).lower()
    fullwidth = "".join(chr(ord(c) + 0xFEE0) if "!" <= c <= "~" else c for c in text)   # IME full-width mode
    for form in (text, spaced, "\ufeff" + text + "\r\n", fullwidth, text.replace("1", "l").replace("0", "O")):
        assert recovery.decode(form) == raw, form


def test_group_of_the_wrong_length_is_named() -> None:
    text, _ = recovery.new_recovery_key()
    groups = text.split("-")
    groups[5] = groups[5][:4]
    with pytest.raises(RecoveryKeyTypo, match="Group 6 has 4 characters"):
        recovery.decode("-".join(groups))


def test_new_keys_never_pass_for_format1_after_one_slip() -> None:
    """A new key is drawn so that at least 3 groups fail the format-1 check: one slip touches at
    most 2 groups, so it can never make the key read as a whole format-1 key."""
    for key in _keys(200):
        vals = key.split("-")
        fails = sum(recovery._check_v1(g, [recovery._VALUE[c] for c in grp[:4]]) != recovery._VALUE[grp[4]]
                    for g, grp in enumerate(vals))
        assert fails >= 3


def test_format1_vault_key_and_format2_key_of_another_vault(tmp_path: Path) -> None:
    old_key = make_legacy_vault(tmp_path / "old", "legacy passphrase of an old vault")
    recover_vault(tmp_path / "old", old_key, "new passphrase after the recovery").lock()
    with pytest.raises(WrongPassphrase):
        open_vault(tmp_path / "old", "legacy passphrase of an old vault")
    new_key = recovery.new_recovery_key()[0]
    with pytest.raises(WrongRecoveryKey, match="another vault"):
        open_vault(tmp_path / "old", recovery_key=new_key)
    typo = old_key[:3] + ("Z" if old_key[3] != "Z" else "Y") + old_key[4:]
    with pytest.raises(RecoveryKeyTypo, match="Group 1"):
        open_vault(tmp_path / "old", recovery_key=typo)


def test_format2_check_catches_every_case_exhaustively_per_group() -> None:
    """The check is linear over GF(2), so whether a slip is caught depends only on the characters it
    touches: trying every value pair at every position of every group covers every key."""

    def valid(g: int, chars: list[int]) -> bool:
        return recovery._check_v2(g, chars[:4]) == chars[4]

    base = [7, 19, 0, 31]
    for g in range(recovery.GROUPS):
        for i in range(5):                                     # every substitution, check character included
            for x in range(32):
                data = list(base)
                if i < 4:
                    data[i] = x
                chars = data + [recovery._check_v2(g, data)]
                for y in range(32):
                    if y != chars[i]:
                        assert not valid(g, chars[:i] + [y] + chars[i + 1:]), (g, i, x, y)
        for i in range(4):                                     # every neighbour swap, with the check too
            for x in range(32):
                for y in range(32):
                    chars = list(base)
                    if i < 3:
                        chars[i], chars[i + 1] = x, y
                        chars.append(recovery._check_v2(g, chars))
                        swapped = chars[:i] + [y, x] + chars[i + 2:]
                    else:
                        chars[3] = x
                        chars.append(recovery._check_v2(g, chars))
                        swapped = chars[:3] + [chars[4], chars[3]]
                    if swapped != chars:
                        assert not valid(g, swapped), (g, i, x, y)
    # a whole group moved to another place fails too (the group number is in the sum)
    for g in range(recovery.GROUPS):
        chars = base + [recovery._check_v2(g, base)]
        assert all(not valid(h, chars) for h in range(recovery.GROUPS) if h != g)


def test_row14_typo_wrong_key_and_recovery_keep_the_messages(cli, tmp_path: Path) -> None:
    """Typo -> "check group n" before any derivation; a whole wrong key -> exit 3; the right key sets
    a new passphrase, the old one fails, and the messages are exactly the same."""
    import hashlib
    import json

    from tests.backup_fixtures import fill

    v, key = create_vault(tmp_path / "v", PASSPHRASE)
    fill(v, messages=200, blobs=1)

    def message_hash(vault) -> str:
        conn = vault.connect(readonly=True)
        try:
            rows = conn.execute("SELECT source_key, ts, text FROM messages ORDER BY source_key").fetchall()
        finally:
            conn.close()
        return hashlib.sha256(repr([tuple(r) for r in rows]).encode()).hexdigest()

    before = message_hash(v)
    v.lock()
    env = {"CHATVAULT_VAULT": str(v.path), "CHATVAULT_NEW_PASSPHRASE": "the passphrase set by recovery"}
    flat = key.replace("-", "")
    swapped = next(flat[:i] + flat[i + 1] + flat[i] + flat[i + 2:] for i in range(20, 39) if flat[i] != flat[i + 1])
    r = cli("recover", "--json", env=env | {"CHATVAULT_RECOVERY_KEY": swapped})
    assert r.returncode == 3 and json.loads(r.stdout)["error"] == "recovery_key_typo" and "Group" in r.stderr
    r = cli("recover", "--json", env=env | {"CHATVAULT_RECOVERY_KEY": recovery.new_recovery_key()[0]})
    assert r.returncode == 3 and json.loads(r.stdout)["error"] == "wrong_recovery_key"
    r = cli("recover", "--json", env=env | {"CHATVAULT_RECOVERY_KEY": key})
    assert r.returncode == 0, r.stderr
    with pytest.raises(WrongPassphrase):
        open_vault(v.path, PASSPHRASE)
    again = open_vault(v.path, "the passphrase set by recovery")
    assert message_hash(again) == before
    again.lock()
