"""The vault on the directory store: sealed chunks on disk, exact range reads, tampering refused."""

from __future__ import annotations

import hashlib
import io
import os
from pathlib import Path

import pytest

from server.domain.materials.vault import Upload, Vault
from server.infra import envelope
from server.infra.config import Settings
from server.infra.envelope import TamperedError
from server.infra.ids import new_id
from server.infra.keyring import Keyring, UnknownKeyError
from server.infra.object_store import DirectoryStore
from server.models import Material

CHUNK = 4096


def _vault(root: Path) -> Vault:
    keyring = Keyring.from_settings(Settings(data_dir=root))
    return Vault(DirectoryStore(root / "materials"), keyring, chunk_size=CHUNK)


async def _store(vault: Vault, data: bytes, pieces: int = 777) -> Material:
    material_id = new_id()
    upload: Upload = vault.upload(material_id)
    for start in range(0, len(data), pieces):
        await upload.write(data[start : start + pieces])
    sealed = await upload.finish()
    return Material(
        id=material_id,
        size=sealed.size,
        sha256=sealed.sha256,
        storage_key=upload.storage_key,
        chunk_size=sealed.chunk_size,
        wrapped_key=sealed.wrapped_key,
        kek_id=sealed.kek_id,
    )


async def _read(vault: Vault, material: Material, start: int = 0, end: int | None = None) -> bytes:
    return b"".join([piece async for piece in vault.read(material, start, end)])


@pytest.mark.parametrize("size", [0, 1, CHUNK - 1, CHUNK, CHUNK + 1, 5 * CHUNK + 123])
async def test_round_trip_is_exact_and_stored_sealed(tmp_path: Path, size: int) -> None:
    vault = _vault(tmp_path)
    data = os.urandom(size)
    material = await _store(vault, data)
    assert material.sha256 == hashlib.sha256(data).hexdigest()
    assert await _read(vault, material) == data
    stored = (tmp_path / "materials" / material.storage_key).read_bytes()
    assert len(stored) == envelope.sealed_size(size, CHUNK)
    if size >= 16:
        assert data[:16] not in stored


async def test_range_reads_across_chunk_boundaries(tmp_path: Path) -> None:
    vault = _vault(tmp_path)
    data = os.urandom(4 * CHUNK + 100)
    material = await _store(vault, data)
    edges = [0, 1, CHUNK - 1, CHUNK, CHUNK + 1, 2 * CHUNK, 3 * CHUNK + 7, 4 * CHUNK, len(data) - 1, len(data)]
    for start in edges:
        for end in edges:
            if start <= end:
                assert await _read(vault, material, start, end) == data[start:end], (start, end)
    with pytest.raises(ValueError, match="outside"):
        await _read(vault, material, 0, len(data) + 1)


async def test_a_changed_byte_a_swapped_chunk_and_a_cut_file_fail(tmp_path: Path) -> None:
    vault = _vault(tmp_path)
    data = os.urandom(3 * CHUNK + 10)
    material = await _store(vault, data)
    path = tmp_path / "materials" / material.storage_key
    original = path.read_bytes()
    sealed = CHUNK + envelope.OVERHEAD

    changed = bytearray(original)
    changed[sealed + 100] ^= 1  # inside chunk 1
    path.write_bytes(bytes(changed))
    assert await _read(vault, material, 0, CHUNK) == data[:CHUNK]  # chunk 0 is untouched
    with pytest.raises(TamperedError, match="chunk 1"):
        await _read(vault, material, CHUNK, CHUNK + 1)

    swapped = original[sealed : 2 * sealed] + original[:sealed] + original[2 * sealed :]
    path.write_bytes(swapped)
    with pytest.raises(TamperedError, match="chunk 0"):
        await _read(vault, material)

    # Cut after chunk 2 and with the row's size shrunk to match: chunk 2 was not sealed as the last.
    path.write_bytes(original[: 3 * sealed])
    material.size = 3 * CHUNK
    with pytest.raises(TamperedError, match="chunk 2"):
        await _read(vault, material)


async def test_a_chunk_of_another_material_does_not_open(tmp_path: Path) -> None:
    vault = _vault(tmp_path)
    one = await _store(vault, b"a" * CHUNK)
    two = await _store(vault, b"b" * CHUNK)
    root = tmp_path / "materials"
    (root / one.storage_key).write_bytes((root / two.storage_key).read_bytes())
    with pytest.raises(TamperedError):
        await _read(vault, one)
    with pytest.raises(TamperedError, match="wrapped key"):
        envelope.unwrap(vault.keyring.key(one.kek_id), two.wrapped_key, one.id)


async def test_the_plaintext_file_seeks_and_reads_like_a_file(tmp_path: Path) -> None:
    vault = _vault(tmp_path)
    data = os.urandom(3 * CHUNK + 55)
    material = await _store(vault, data)
    expected = io.BytesIO(data)
    with vault.plaintext(material) as handle:
        for offset, whence, count in [(0, 0, 10), (CHUNK - 3, 0, 9), (-20, 2, 100), (5, 1, 3), (0, 0, -1)]:
            assert handle.seek(offset, whence) == expected.seek(offset, whence)
            assert handle.read(count) == expected.read(count)
            assert handle.tell() == expected.tell()
        assert handle.read(5) == b""


async def test_a_key_the_server_does_not_hold_is_named(tmp_path: Path) -> None:
    vault = _vault(tmp_path)
    material = await _store(vault, b"x" * 10)
    material.kek_id = "0" * 32
    with pytest.raises(UnknownKeyError, match="kek-" + "0" * 32):
        await _read(vault, material)


async def test_an_aborted_upload_leaves_nothing(tmp_path: Path) -> None:
    vault = _vault(tmp_path)
    upload = vault.upload(new_id())
    await upload.write(os.urandom(3 * CHUNK))
    assert list((tmp_path / "materials").rglob("*"))
    await upload.abort()
    assert [p for p in (tmp_path / "materials").rglob("*") if p.is_file()] == []
