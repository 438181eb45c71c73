"""The per-process key ring: built once per key file, still following rotations made elsewhere."""

from __future__ import annotations

import shutil
from pathlib import Path

from server.domain.webhooks import secrets
from server.infra import keyring as keyrings
from server.infra.config import Settings
from server.infra.keyring import Keyring, new_key


def test_one_key_ring_per_key_file_for_every_seal_and_open(tmp_path: Path) -> None:
    settings = Settings(data_dir=tmp_path / "a")
    ring = keyrings.shared(settings)
    assert keyrings.shared(Settings(data_dir=tmp_path / "a")) is ring
    assert keyrings.shared(Settings(data_dir=tmp_path / "b")) is not ring
    named = Settings(extra={"WARROOM_KEK_FILE": str(ring.current_path)})
    assert keyrings.shared(named) is ring

    sealed, kek_id = secrets.seal(settings, "hook-1", "whsec_密钥 secret")
    assert kek_id == ring.current().id
    assert secrets.open_sealed(settings, "hook-1", sealed, kek_id) == "whsec_密钥 secret"


def test_the_shared_key_ring_follows_a_rotation_made_by_another_key_ring(tmp_path: Path) -> None:
    settings = Settings(data_dir=tmp_path)
    before, before_id = secrets.seal(settings, "hook-1", "whsec_old")
    Keyring.from_settings(settings).install(new_key())  # `keys rotate` in another process
    after, after_id = secrets.seal(settings, "hook-1", "whsec_new")
    assert after_id != before_id
    assert secrets.open_sealed(settings, "hook-1", before, before_id) == "whsec_old"
    assert secrets.open_sealed(settings, "hook-1", after, after_id) == "whsec_new"


def test_a_key_file_that_disappeared_is_made_again(tmp_path: Path) -> None:
    settings = Settings(data_dir=tmp_path)
    first = keyrings.shared(settings).current().id
    shutil.rmtree(tmp_path / "keys")
    assert keyrings.shared(settings).current().id != first
    assert (tmp_path / "keys" / "kek").is_file()
