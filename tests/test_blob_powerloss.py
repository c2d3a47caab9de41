"""RELIABILITY.md row 6 for the blob writer: record `put`'s writes, fsyncs and renames, enumerate
every state a power cut could leave (synced operations + any subset/prefix of unsynced ones), and
check each: the vault opens, a blob file that exists decrypts whole, `check --repair` leaves nothing."""

from __future__ import annotations

import io
import os
import shutil

from chatvault.check import run_checks
from chatvault.media import blobstore
from chatvault.media.blobstore import BlobStore


class _RecordingOs:
    """Delegates to `os`, recording the operations whose durability matters."""

    def __init__(self, trace: list) -> None:
        self._trace = trace
        self._names: dict[int, str] = {}

    def __getattr__(self, name: str):
        return getattr(os, name)

    def open(self, path, flags, mode=0o777):
        fd = os.open(path, flags, mode)
        self._names[fd] = str(path)
        return fd

    def write(self, fd, data):
        n = os.write(fd, data)
        self._trace.append(("write", self._names.get(fd), bytes(data[:n])))
        return n

    def fsync(self, fd):
        os.fsync(fd)
        self._trace.append(("fsync", self._names.get(fd)))

    def replace(self, src, dst):
        os.replace(src, dst)
        self._trace.append(("rename", str(src), str(dst)))


def _trace_put(vault, monkeypatch, data: bytes, batch: bool) -> tuple[list, str]:
    trace: list = []
    monkeypatch.setattr(blobstore, "os", _RecordingOs(trace))
    real_fsync_dir = blobstore.fsync_dir
    real_sync = blobstore.sync_filesystem

    def fsync_dir(path) -> None:
        real_fsync_dir(path)
        trace.append(("fsync_dir", str(path)))

    def sync_filesystem(folder, files, dirs) -> None:
        real_sync(folder, files, dirs)
        trace.append(("syncfs",))

    monkeypatch.setattr(blobstore, "fsync_dir", fsync_dir)
    monkeypatch.setattr(blobstore, "sync_filesystem", sync_filesystem)
    store = BlobStore(vault)
    if batch:
        with store.batch() as b:
            stored = store.put(io.BytesIO(data), batch=b)
    else:
        stored = store.put_bytes(data)
    monkeypatch.undo()
    return trace, stored.id


def _states(trace: list):
    """Yield (temp bytes or None, target present) for every crash point and unsynced choice."""
    tmp_name = next(t[1] for t in trace if t[0] == "write")
    for cut in range(len(trace) + 1):
        done = trace[:cut]
        writes = [t[2] for t in done if t[0] == "write"]
        data_synced = any(t[0] in ("fsync", "syncfs") and (t[0] == "syncfs" or t[1] == tmp_name) for t in done)
        renamed = [i for i, t in enumerate(done) if t[0] == "rename"]
        rename_synced = bool(renamed) and any(t[0] in ("fsync_dir", "syncfs") for t in done[renamed[0] + 1:])
        full = b"".join(writes)
        prefixes = [full] if data_synced else [b"".join(writes[:k]) for k in range(len(writes) + 1)] + [None]
        for content in prefixes:
            if not renamed:
                yield content, False
            elif rename_synced:
                yield None, True
            else:  # the rename may or may not have reached the disk; data was synced before it
                yield None, True
                yield full, False


def _check_states(vault, vault_path, tmp_path, trace, blob_id, data) -> int:
    from chatvault.vault.vault import open_vault
    from tests.conftest import PASSPHRASE

    media = vault_path / "media"
    target_rel = os.path.relpath(BlobStore(vault).path_for(blob_id), media)
    pristine = tmp_path / "pristine-media"
    shutil.copytree(media, pristine)
    blob_bytes = (media / target_rel).read_bytes()
    vault.lock()
    n = 0
    unique = {(None if t is None else len(t), present): (t, present) for t, present in _states(trace)}
    for temp, present in unique.values():
        shutil.rmtree(media)
        shutil.copytree(pristine, media)
        os.unlink(media / target_rel)
        if temp is not None:
            (media / ".partial").mkdir(exist_ok=True)
            (media / ".partial" / "crash.tmp").write_bytes(temp)
        if present:
            (media / target_rel).write_bytes(blob_bytes)
        v = open_vault(vault_path, PASSPHRASE)
        try:
            store = BlobStore(v)
            if present:
                assert store.read_all(blob_id) == data
            assert run_checks(v, repair=True).ok
            report = run_checks(v, read_data=True)
            assert report.ok and report.checked["blob_orphans"] == 0
            assert list(store.iter_partials()) == [] and list(store.iter_ids()) == []
        finally:
            v.lock()
        n += 1
    return n


def test_every_power_loss_state_of_a_put_recovers(vault, vault_path, tmp_path, monkeypatch) -> None:
    data = os.urandom(2 * 1024 * 1024 + 5)  # several 1 MiB write batches
    trace, blob_id = _trace_put(vault, monkeypatch, data, batch=False)
    kinds = [t[0] for t in trace]
    assert kinds.index("fsync") < kinds.index("rename") < len(kinds) - 1 - kinds[::-1].index("fsync_dir")
    assert _check_states(vault, vault_path, tmp_path, trace, blob_id, data) >= 5


def test_every_power_loss_state_of_a_batch_recovers(vault, vault_path, tmp_path, monkeypatch) -> None:
    data = os.urandom(2 * 1024 * 1024)
    trace, blob_id = _trace_put(vault, monkeypatch, data, batch=True)
    kinds = [t[0] for t in trace]
    assert kinds.count("syncfs") == 2 and kinds.index("syncfs") < kinds.index("rename")
    assert _check_states(vault, vault_path, tmp_path, trace, blob_id, data) >= 4
