"""Key-encryption keys as an operator handles them: the embedded default's key file, `keys create`,
`keys rotate` while a server runs (data keys re-wrapped, payloads untouched, every material readable)."""

from __future__ import annotations

import asyncio
import os
import stat
import subprocess
import sys
from pathlib import Path

import pytest

from server.domain.materials.vault import Vault
from server.infra.keyring import Keyring, new_key
from tests.support import materials as m
from tests.support.live import Live, live_server
from tests.support.servers import ROOT, ServerProcess


async def _cli(*args: str, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    def run() -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [sys.executable, "-m", "server", *args],
            cwd=ROOT, env={**os.environ, **env}, capture_output=True, text=True, timeout=120,
        )  # fmt: skip

    return await asyncio.to_thread(run)


async def _upload(live: Live, case_id: str, token: str, seed: int) -> str:
    response = await m.upload(
        live.gql.client, case_id, token, m.form(generated_size=2 * m.MIB + 17, seed=seed)
    )
    assert response.status_code == 201, response.text
    assert response.json()["sha256"] == m.sha256_generated(2 * m.MIB + 17, seed)
    material_id: str = response.json()["id"]
    return material_id


async def _sha256_read_back(vault: Vault, live: Live, material_id: str) -> str:
    material = await m.material(live.db, material_id)
    return m.sha256(b"".join([piece async for piece in vault.read(material)]))


async def test_rotation_rewraps_keys_only_and_every_material_reads_back(
    sqlite_url: str, tmp_path: Path
) -> None:
    env = {"WARROOM_DATA_DIR": str(tmp_path), "WARROOM_DATABASE_URL": sqlite_url}
    async with live_server(sqlite_url, tmp_path) as live:
        key_file = tmp_path / "keys" / "kek"
        assert stat.S_IMODE(key_file.stat().st_mode) == 0o600
        assert "created a key-encryption key" in live.server.logs()
        old_id = Keyring(key_file).current().id

        case = await live.case()
        token = case.owner.token
        before = [await _upload(live, case.id, token, seed) for seed in (1, 2, 3)]
        objects = {path: path.read_bytes() for path in m.material_objects(tmp_path)}

        rotated = await _cli("keys", "rotate", "--grace", "0", "--batch", "2", env=env)
        assert rotated.returncode == 0, rotated.stderr
        new_id = Keyring(key_file).current().id
        assert new_id != old_id
        assert "Re-wrapped 3 data keys in 2 batches" in rotated.stdout
        assert f"Removed key {old_id}" in rotated.stdout
        assert not (tmp_path / "keys" / f"kek-{old_id}").exists()
        # Payloads untouched: only the wrapped keys changed.
        assert {path: path.read_bytes() for path in m.material_objects(tmp_path)} == objects

        # The running server wraps new uploads under the new key without a restart.
        after = await _upload(live, case.id, token, 4)
        for material_id in [*before, after]:
            assert (await m.material(live.db, material_id)).kek_id == new_id

        vault = Vault.from_settings(m.vault_settings(tmp_path))
        for material_id, seed in zip([*before, after], (1, 2, 3, 4), strict=True):
            assert await _sha256_read_back(vault, live, material_id) == m.sha256_generated(
                2 * m.MIB + 17, seed
            )

        # A rotation cut short (new key installed, nothing re-wrapped): the old key stays and still reads;
        # `--resume` finishes the work and only then removes it.
        interrupted = Keyring(key_file).install(new_key())
        assert interrupted.id == new_id
        listing = await _cli("keys", "list", env=env)
        assert f"{new_id}\told\t4 materials" in listing.stdout, listing.stdout
        vault = Vault.from_settings(m.vault_settings(tmp_path))
        assert await _sha256_read_back(vault, live, after) == m.sha256_generated(2 * m.MIB + 17, 4)
        resumed = await _cli("keys", "rotate", "--resume", env=env)
        assert resumed.returncode == 0, resumed.stderr
        assert "Re-wrapped 4 data keys" in resumed.stdout
        assert f"Removed key {new_id}" in resumed.stdout
        assert await _sha256_read_back(vault, live, before[0]) == m.sha256_generated(2 * m.MIB + 17, 1)


async def test_a_key_missing_from_the_directory_is_kept_and_named(sqlite_url: str, tmp_path: Path) -> None:
    env = {"WARROOM_DATA_DIR": str(tmp_path), "WARROOM_DATABASE_URL": sqlite_url}
    async with live_server(sqlite_url, tmp_path) as live:
        case = await live.case()
        material_id = await _upload(live, case.id, case.owner.token, 1)
    key_file = tmp_path / "keys" / "kek"
    lost = Keyring(key_file).current().id
    key_file.unlink()  # the key is gone: a new one takes its place
    created = await _cli("keys", "create", env=env)
    assert created.returncode == 0, created.stderr
    again = await _cli("keys", "create", env=env)
    assert again.returncode == 1
    assert "never overwritten" in again.stderr
    rotated = await _cli("keys", "rotate", "--resume", env=env)
    assert rotated.returncode == 1
    assert f"1 materials name key {lost}" in rotated.stderr
    async with live_server(sqlite_url, tmp_path) as live:
        assert (await m.material(live.db, material_id)).kek_id == lost


async def test_a_configured_key_file_that_is_missing_stops_the_server(
    sqlite_url: str, tmp_path: Path
) -> None:
    missing = tmp_path / "secrets" / "kek.bin"
    with pytest.raises(RuntimeError, match="keys create --file"):
        await ServerProcess.start(sqlite_url, tmp_path, env={"WARROOM_KEK_FILE": str(missing)})
    created = await _cli("keys", "create", "--file", str(missing), env={"WARROOM_DATA_DIR": str(tmp_path)})
    assert created.returncode == 0, created.stderr
    assert stat.S_IMODE(missing.stat().st_mode) == 0o600
    assert len(missing.read_bytes()) == 32
    async with live_server(sqlite_url, tmp_path, {"WARROOM_KEK_FILE": str(missing)}) as live:
        case = await live.case()
        material_id = await _upload(live, case.id, case.owner.token, 5)
        assert (await m.material(live.db, material_id)).kek_id == Keyring(missing).current().id
    assert not (tmp_path / "keys").exists()  # no default key was made beside the configured one
