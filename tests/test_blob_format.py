"""CVB1 blob format: round trips, random access, and every tamper vector of RELIABILITY.md rows 10-11."""

from __future__ import annotations

import io
import os

import pytest
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

from chatvault.check import run_checks
from chatvault.media.blobformat import HEADER_LEN, TAG, BlobCorrupt, BlobMissing, stored_size_for
from chatvault.media.blobformat import chunk_nonce as _nonce
from chatvault.media.blobstore import BlobStore
from tests.test_media_support import add_chat, stored_attachment

LOG2 = 12
CH = 1 << LOG2


@pytest.fixture
def store(vault):
    return BlobStore(vault)


@pytest.mark.parametrize("n", [0, 1, 4095, 4096, 4097, 3 * 4096, 3 * 4096 + 7, 70_000])
def test_round_trip_and_sizes(store, n) -> None:
    data = os.urandom(n)
    b = store.put(io.BytesIO(data), log2_chunk=LOG2)
    assert b.created and b.size == n
    path = store.path_for(b.id)
    assert path.parent.parent.name == b.id[:2] and path.parent.name == b.id[2:4]
    assert os.path.getsize(path) == b.stored_size == stored_size_for(n, LOG2)
    assert store.read_all(b.id) == data
    assert store.verify(b.id) == n
    assert b.id == store.id_of(data)
    assert list(store.iter_partials()) == []


def test_default_chunk_is_64k_and_aes(store) -> None:
    b = store.put_bytes(b"x" * 70_000)
    head = store.path_for(b.id).read_bytes()[:8]
    assert head == b"CVB1\x01\x01\x10\x00"


def test_random_access_reads_any_offset(store) -> None:
    data = os.urandom(5 * CH + 123)
    b = store.put(io.BytesIO(data), log2_chunk=LOG2)
    with store.open(b.id) as r:
        assert r.seekable() and r.size == len(data)
        for off in (0, 1, CH - 1, CH, 2 * CH + 17, len(data) - 5, len(data)):
            r.seek(off)
            assert r.read(CH + 50) == data[off:off + CH + 50]
        r.seek(-10, io.SEEK_END)
        assert r.read() == data[-10:]
        buffered = io.BufferedReader(r)
        buffered.seek(3 * CH - 2)
        assert buffered.read(4) == data[3 * CH - 2:3 * CH + 2]


def test_chacha_blobs_read_too(store) -> None:
    data = os.urandom(10_000)
    b = store.put(io.BytesIO(data), aead=2, log2_chunk=LOG2)
    assert store.read_all(b.id) == data


def test_dedup_and_ids_are_keyed(store, vault_path, tmp_path) -> None:
    data = b"same photo" * 1000
    a = store.put_bytes(data)
    b = store.put_bytes(data)
    assert a.id == b.id and a.created and not b.created
    assert len(list(store.iter_ids())) == 1
    import hashlib

    assert a.id not in (hashlib.blake2b(data, digest_size=32).hexdigest(), hashlib.sha256(data).hexdigest())
    # Another vault (another key) gives another id for the same bytes.
    from chatvault.vault.vault import create_vault

    other, _ = create_vault(tmp_path / "other", "pw")
    try:
        assert BlobStore(other).id_of(data) != a.id
    finally:
        other.lock()


def test_dedup_heals_a_damaged_copy(store) -> None:
    data = os.urandom(9000)
    b = store.put_bytes(data)
    path = store.path_for(b.id)
    raw = bytearray(path.read_bytes())
    raw[-1] ^= 1
    path.write_bytes(bytes(raw))
    with pytest.raises(BlobCorrupt):
        store.read_all(b.id)
    again = store.put_bytes(data)
    assert again.created and store.read_all(b.id) == data


def test_missing_blob_is_typed(store) -> None:
    with pytest.raises(BlobMissing):
        store.open("ab" * 32)


def test_streams_with_short_reads(store) -> None:
    class Trickle(io.RawIOBase):
        def __init__(self, data: bytes) -> None:
            self.data, self.pos = data, 0

        def readable(self) -> bool:
            return True

        def readinto(self, buf) -> int:
            n = min(len(buf), 1000, len(self.data) - self.pos)
            buf[:n] = self.data[self.pos:self.pos + n]
            self.pos += n
            return n

    data = os.urandom(200_000)
    b = store.put(Trickle(data))
    assert store.read_all(b.id) == data


# --- tamper vectors (RELIABILITY.md row 10) ------------------------------------------------------

def _chunks(raw: bytes) -> list[bytes]:
    body = raw[HEADER_LEN:]
    return [body[i:i + CH + TAG] for i in range(0, len(body), CH + TAG)]


def _seal(store: BlobStore, header: bytes, blob_id: str, plains: list[bytes], finals: list[bool]) -> bytes:
    """Build a file with the real key but chosen chunk flags (what a buggy or hostile writer could do)."""
    aead = AESGCM(store._blob_key(header[8:40]))
    out = [header]
    for i, (p, fin) in enumerate(zip(plains, finals, strict=True)):
        aad = header + bytes.fromhex(blob_id) if fin else header
        out.append(aead.encrypt(_nonce(i, fin), p, aad))
    return b"".join(out)


def _vectors(store: BlobStore, raw: bytes, blob_id: str, plain: bytes) -> dict[str, bytes]:
    v: dict[str, bytes] = {}

    def flip(at: int) -> bytes:
        b = bytearray(raw)
        b[at] ^= 0x01
        return bytes(b)

    v["magic"] = flip(0)
    v["version"] = flip(4)
    v["aead"] = flip(5)
    v["aead_to_chacha"] = raw[:5] + b"\x02" + raw[6:]
    v["chunk_size"] = flip(6)
    v["chunk_size_in_range"] = raw[:6] + bytes([LOG2 + 1]) + raw[7:]
    v["flags"] = flip(7)
    v["salt"] = flip(20)
    chunks = _chunks(raw)
    for i, c in enumerate(chunks):
        start = HEADER_LEN + i * (CH + TAG)
        if len(c) > TAG:
            v[f"chunk{i}_ciphertext"] = flip(start)
        v[f"chunk{i}_tag"] = flip(start + len(c) - 1)
    v["truncate_mid_chunk"] = raw[:HEADER_LEN + len(chunks[0]) // 2]
    v["truncate_in_tag"] = raw[:-5]
    v["append_1_byte"] = raw + b"\x00"
    v["append_final_copy"] = raw + chunks[-1]
    v["empty_file"] = b""
    v["header_only"] = raw[:HEADER_LEN]
    header = raw[:HEADER_LEN]
    if len(chunks) >= 3:
        v["truncate_at_chunk_boundary"] = header + b"".join(chunks[:2])
        v["drop_middle_chunk"] = header + chunks[0] + chunks[2]
        v["swap_chunks"] = header + chunks[1] + chunks[0] + chunks[2]
        v["duplicate_chunk"] = header + chunks[0] + chunks[0] + chunks[1] + chunks[2]
        parts = [plain[:CH], plain[CH:2 * CH], plain[2 * CH:]]
        v["final_flag_on_middle"] = _seal(store, header, blob_id, parts, [False, True, True])
        v["no_final_flag"] = _seal(store, header, blob_id, parts, [False, False, False])
    full = plain[:CH].ljust(CH, b"\x00")
    v["empty_final_after_full"] = _seal(store, header, blob_id, [full, b""], [False, True])
    return v


@pytest.mark.parametrize("size", [3 * CH - 100, 1000], ids=["3-chunk", "1-chunk"])
def test_every_tamper_vector_is_caught_and_named(vault, store, size) -> None:
    plain = os.urandom(size)
    conn = vault.connect()
    cid, pid = add_chat(conn)
    good = store.put(io.BytesIO(os.urandom(5000)), log2_chunk=LOG2)
    from chatvault.media.attach import MediaInfo, record_blob

    record_blob(conn, good, MediaInfo())
    blob_id = store.put(io.BytesIO(plain), log2_chunk=LOG2).id
    record_blob(conn, store.put(io.BytesIO(plain), log2_chunk=LOG2), MediaInfo())
    from tests.test_media_support import add_attachment, add_message

    mid = add_message(conn, cid, pid, "m1")
    add_attachment(conn, mid, blob_id=blob_id, status="stored", name="x.bin", size=size)
    conn.close()
    path = store.path_for(blob_id)
    raw = path.read_bytes()
    vectors = _vectors(store, raw, blob_id, plain)
    assert len(vectors) >= (22 if size > CH else 15)
    for name, data in vectors.items():
        path.write_bytes(data)
        with pytest.raises(BlobCorrupt) as e:
            with store.open(blob_id) as r:
                r.read()
        assert e.value.blob_id == blob_id and blob_id in str(e.value), name
        with pytest.raises(BlobCorrupt):
            store.read_all(blob_id)
        out = io.BytesIO()
        with pytest.raises(BlobCorrupt):
            store.copy_to(blob_id, out)
        assert out.getvalue() == b"", f"{name}: plaintext of a failing blob was released"
        report = run_checks(vault, read_data=True)
        bad = [p for p in report.problems if p.area == "media" and p.severity == "error"]
        assert [p.detail["blob_id"] for p in bad] == [blob_id], name
        assert bad[0].detail["message_ids"] == [mid], name
    path.write_bytes(raw)
    assert store.read_all(blob_id) == plain
    assert run_checks(vault, read_data=True).ok


def test_blob_swap_fails_at_final_chunk(vault, store) -> None:
    """RELIABILITY.md row 11: blob A's file renamed to blob B's name."""
    conn = vault.connect()
    cid, pid = add_chat(conn)
    a, mida, _ = stored_attachment(conn, store, os.urandom(3000), cid, pid, "a")
    b, midb, _ = stored_attachment(conn, store, os.urandom(3000), cid, pid, "b")
    conn.close()
    os.replace(store.path_for(a), store.path_for(b))
    with pytest.raises(BlobCorrupt) as e:
        store.open(b)
    assert e.value.blob_id == b and "final chunk" in e.value.reason
    report = run_checks(vault, read_data=False)
    errors = [p for p in report.problems if p.severity == "error"]
    named = sorted(p.detail["blob_id"] for p in errors)
    assert named == sorted([a, b])  # A is now missing, B fails authentication
    b_problem = next(p for p in errors if p.detail["blob_id"] == b)
    assert b_problem.detail["message_ids"] == [midb] and "final chunk" in b_problem.message


def test_batch_defers_durability_and_dedups(store) -> None:
    a, b = os.urandom(100_000), os.urandom(5_000)
    with store.batch() as batch:
        x = store.put(io.BytesIO(a), batch=batch)
        y = store.put(io.BytesIO(a), batch=batch)   # same content in the same batch
        z = store.put(io.BytesIO(b), batch=batch)
        assert x.created and not y.created and x.id == y.id
        assert not store.exists(x.id) and len(list(store.iter_partials())) == 2
        with batch.open(x.id) as r:  # readable (verified) before it is renamed into place
            r.seek(50_000)
            assert r.read(10) == a[50_000:50_010]
        from chatvault.media.attach import store_and_describe

        jpeg_stored, info = store_and_describe(store, io.BytesIO(_jpeg()), batch=batch)
        assert info.mime == "image/jpeg" and not store.exists(jpeg_stored.id)
    assert store.read_all(x.id) == a and store.read_all(z.id) == b and store.exists(jpeg_stored.id)
    assert list(store.iter_partials()) == []
    with pytest.raises(RuntimeError):
        with store.batch() as batch:
            w = store.put(io.BytesIO(b"never"), batch=batch)
            raise RuntimeError("caller failed before the barrier")
    assert not store.exists(w.id) and list(store.iter_partials()) == []


def _jpeg() -> bytes:
    from tests.test_media_support import make_jpeg

    return make_jpeg(20, 20, seed=8)


def test_put_io_errors_are_typed_and_leave_nothing(store, monkeypatch) -> None:
    from chatvault import faults
    from chatvault.errors import DiskFull, StorageError

    for point, action, err in (("blob.write", "enospc", DiskFull), ("blob.before_rename", "oserror", StorageError)):
        monkeypatch.setenv("CHATVAULT_FAULT", f"{point}:1:{action}")
        faults.reset()
        with pytest.raises(err):
            store.put_bytes(os.urandom(3000))
        assert list(store.iter_partials()) == [] and list(store.iter_ids()) == []
    monkeypatch.delenv("CHATVAULT_FAULT")
    faults.reset()


def test_a_store_is_unusable_once_the_vault_is_locked(vault, store) -> None:
    from chatvault.errors import VaultLocked

    b = store.put_bytes(b"kept")
    vault.lock()
    with pytest.raises(VaultLocked):
        store.open(b.id)
    with pytest.raises(VaultLocked):
        store.put_bytes(b"more")
    assert list(store.iter_partials()) == []
