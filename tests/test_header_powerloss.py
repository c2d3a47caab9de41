"""RELIABILITY rows 4 and 6 for the header writer: record every write, fsync, rename and directory
fsync of a passphrase change (vault.json, then its copy vault.json.bak), enumerate every state a power
cut could leave (what was made durable, plus any choice of what was not), and check each: exactly one
of the old and new passphrase opens the vault, and the new one once the change was acknowledged."""

from __future__ import annotations

import itertools
import os
import shutil
from pathlib import Path

from chatvault import fsutil
from chatvault.errors import WrongPassphrase
from chatvault.vault.header import BACKUP_NAME, HEADER_NAME
from chatvault.vault.vault import create_vault, open_vault
from tests.conftest import PASSPHRASE

NEW = "the new passphrase after the change"


class _RecordingOs:
    def __init__(self, trace: list) -> None:
        self._trace = trace
        self._names: dict[int, str] = {}

    def __getattr__(self, name: str):
        return getattr(os, name)

    def open(self, path, flags, mode=0o777):
        fd = os.open(path, flags, mode)
        self._names[fd] = Path(path).name
        return fd

    def write(self, fd, data):
        n = os.write(fd, data)
        self._trace.append(("write", self._names[fd], bytes(data[:n])))
        return n

    def fsync(self, fd):
        os.fsync(fd)
        if fd in self._names:
            self._trace.append(("fsync", self._names[fd]))

    def replace(self, src, dst):
        os.replace(src, dst)
        self._trace.append(("rename", Path(src).name, Path(dst).name))


def _trace_passwd(folder: Path, monkeypatch) -> list:
    trace: list = []
    v = open_vault(folder, PASSPHRASE)
    monkeypatch.setattr(fsutil, "os", _RecordingOs(trace))
    real = fsutil.fsync_dir
    monkeypatch.setattr(fsutil, "fsync_dir", lambda p: (real(p), trace.append(("fsync_dir",)))[0])
    v.change_passphrase(NEW)
    monkeypatch.undo()
    v.lock()
    return trace


def _states(trace: list, before: dict[str, bytes]):
    """(files, acknowledged) for every cut of the trace and every fate of what was not yet durable."""
    for cut in range(len(trace) + 1):
        done = trace[:cut]
        written: dict[str, bytes] = {}
        synced: set[str] = set()
        renames: list[tuple[int, str, str]] = []
        for i, op in enumerate(done):
            if op[0] == "write":
                written[op[1]] = written.get(op[1], b"") + op[2]
            elif op[0] == "fsync":
                synced.add(op[1])
            elif op[0] == "rename":
                renames.append((i, op[1], op[2]))
        last_dir_sync = max((i for i, op in enumerate(done) if op[0] == "fsync_dir"), default=-1)
        durable = [r for r in renames if r[0] < last_dir_sync]
        pending = [r for r in renames if r[0] > last_dir_sync]
        for keep in itertools.product((False, True), repeat=len(pending)):
            files = dict(before)
            applied = durable + [r for r, k in zip(pending, keep, strict=True) if k]
            renamed_away = {src for _, src, _ in applied}
            for _, src, dst in applied:
                files[dst] = written[src]
            temps = [(name, data) for name, data in written.items() if name not in renamed_away]
            # an unsynced temp may hold any prefix of what was written (here: none, half, all)
            options = [[data] if name in synced else [b"", data[: len(data) // 2], data] for name, data in temps]
            for contents in itertools.product(*options):
                state = dict(files)
                state.update({name: c for (name, _), c in zip(temps, contents, strict=True)})
                yield state, cut == len(trace)


def test_every_power_cut_during_passwd_leaves_exactly_one_passphrase(tmp_path: Path, monkeypatch) -> None:
    folder = tmp_path / "v"
    create_vault(folder, PASSPHRASE)[0].lock()
    pristine = tmp_path / "pristine"
    shutil.copytree(folder, pristine)
    before = {n: (folder / n).read_bytes() for n in (HEADER_NAME, BACKUP_NAME)}
    trace = _trace_passwd(folder, monkeypatch)
    kinds = [op[0] for op in trace]
    assert kinds.count("rename") == 2 and kinds.count("fsync_dir") == 2     # vault.json, then its copy
    n = 0
    for files, acknowledged in _states(trace, before):
        shutil.rmtree(folder)
        shutil.copytree(pristine, folder)
        for name, data in files.items():
            (folder / name).write_bytes(data)
        opens = []
        for pw in (PASSPHRASE, NEW):
            try:
                open_vault(folder, pw).lock()
                opens.append(pw)
            except WrongPassphrase:
                pass
        assert len(opens) == 1, (n, sorted(files), opens)
        if acknowledged:
            assert opens == [NEW]
        # whatever was left, the copy is in step with vault.json after that unlock
        assert (folder / BACKUP_NAME).read_bytes() == (folder / HEADER_NAME).read_bytes()
        n += 1
    assert n >= len(trace)
    print(f"header power-loss states checked: {n}")
