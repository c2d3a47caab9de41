"""RELIABILITY row 15: changing the passphrase costs the same on a small and a large vault.

`chatvault passwd` runs in its own process with the real Argon2id cost (256 MiB, t=3, p=4) on a ~1 MB
vault and on a ~260 MB one (256 MiB of media blobs + 10,000 messages; the 2 GB variant of the row is
`bench/passwd_bench.py`, too slow for `make test`). Wall times agree within 20 % (the KDF runs
dominate), only `vault.json` and its copy `vault.json.bak` change, and afterwards the new passphrase and the recovery key open the
vault while the old passphrases do not.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from chatvault.errors import WrongPassphrase
from chatvault.vault import kdf
from chatvault.vault.header import BACKUP_NAME, HEADER_NAME, Header
from chatvault.vault.vault import open_vault
from tests.passwd_fixtures import MIB, build_vault, changed_files, folder_bytes, timed_passwd, tree_hashes

OLD = "old passphrase for row 15"


@pytest.mark.slow
def test_passwd_time_and_bytes_do_not_depend_on_vault_size(cli, tmp_path: Path) -> None:
    small, large = tmp_path / "small", tmp_path / "large"
    rks = {small: build_vault(small, OLD, media_bytes=200_000, messages=300),
           large: build_vault(large, OLD, media_bytes=256 * MIB, messages=10_000)}
    assert folder_bytes(small) < 2 * MIB and folder_bytes(large) > 256 * MIB
    before = {v: tree_hashes(v) for v in (small, large)}

    # Alternate small/large; compare the fastest run of each (min-of-N is robust to other processes
    # taking the CPU for a moment on a shared 2-core machine). A second and third round only run
    # when the first disagree.
    times: dict[Path, list[float]] = {small: [], large: []}
    current = OLD
    history = [OLD]
    for rnd in range(3):
        new = f"new passphrase round {rnd}"
        for v in (small, large):
            times[v].append(timed_passwd(v, current, new, tmp_path / "state"))
        current = new
        history.append(new)
        t_small, t_large = min(times[small]), min(times[large])
        if abs(t_large - t_small) < 0.2 * t_small:
            break
    load = os.getloadavg()[0]
    print(f"passwd: small {times[small]} s, large {times[large]} s, load {load:.1f}")
    assert abs(t_large - t_small) < 0.2 * t_small, (times, load)

    for v in (small, large):
        hk = Header.load(v).kdf
        assert (hk.m_kib, hk.t, hk.p) == (kdf.DEFAULT_M_KIB, kdf.DEFAULT_T, kdf.DEFAULT_P)   # the shipped cost
        after = tree_hashes(v)
        assert changed_files(before[v], after) == {HEADER_NAME, BACKUP_NAME}, v   # media, vault.db, everything else equal
        # the new passphrase opens it through the CLI, the recovery key through the core API
        r = cli("info", "--json", env={"CHATVAULT_VAULT": str(v), "CHATVAULT_PASSPHRASE": current,
                                       "XDG_STATE_HOME": str(tmp_path / "state")})
        assert r.returncode == 0, r.stderr
        open_vault(v, recovery_key=rks[v]).lock()
        with pytest.raises(WrongPassphrase):
            open_vault(v, history[-2])                  # the passphrase it had just before
        assert tree_hashes(v) == after
    with pytest.raises(WrongPassphrase):
        open_vault(large, OLD)                          # and the original one
