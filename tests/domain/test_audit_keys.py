"""The audit signing key: the embedded default made once (0600, said in the log), a configured file in PEM
or raw bytes, and clear refusals; the checkpoint settings."""

from __future__ import annotations

import json
import logging
import stat
import subprocess
from datetime import UTC, datetime
from pathlib import Path

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from server.domain import audit
from server.domain.audit.signing import DEFAULT_KEY_FILE, KEY_SETTING, key_file, read_signing_key
from server.infra.config import ConfigError, Settings


def _settings(tmp_path: Path, **extra: str) -> Settings:
    return Settings.from_env({"WARROOM_DATA_DIR": str(tmp_path / "data"), **extra})


def test_the_default_key_is_made_once_readable_by_its_owner_only(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    settings = _settings(tmp_path)
    assert audit.load_signing_key(settings, create=False) is None
    with caplog.at_level(logging.WARNING, logger="warroom.audit"):
        made = audit.deployment_key(settings)
    path = tmp_path / "data" / DEFAULT_KEY_FILE
    assert key_file(settings) == (path, False)
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert f"created the audit signing key {path} (mode 0600, key id {made.public.key_id})" in caplog.text
    caplog.clear()
    again = audit.deployment_key(settings)
    assert again.public.fingerprint == made.public.fingerprint
    assert "created" not in caplog.text
    assert [p.name for p in path.parent.iterdir()] == [DEFAULT_KEY_FILE]  # no staged copy left behind


def test_postgres_with_the_default_key_warns_that_servers_must_share_one(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    settings = _settings(tmp_path, WARROOM_DATABASE_URL="postgresql+asyncpg://db/warroom")
    with caplog.at_level(logging.WARNING, logger="warroom.audit"):
        audit.deployment_key(settings)
    assert f"must sign with one key, so set {KEY_SETTING}" in caplog.text


def test_a_configured_key_in_pem_or_raw_bytes(tmp_path: Path) -> None:
    subprocess.run(
        ["openssl", "genpkey", "-algorithm", "ed25519", "-out", str(tmp_path / "k.pem")],
        check=True,
        timeout=30,
    )
    (tmp_path / "k.pem").chmod(0o600)
    from_pem = audit.load_signing_key(
        _settings(tmp_path, **{KEY_SETTING: str(tmp_path / "k.pem")}), create=True
    )
    assert from_pem is not None
    public = subprocess.run(
        ["openssl", "pkey", "-in", str(tmp_path / "k.pem"), "-pubout"],
        capture_output=True,
        check=True,
        timeout=30,
    ).stdout
    assert audit.PublicKey.parse(public).fingerprint == from_pem.public.fingerprint
    assert not (tmp_path / "data").exists()  # nothing made when a key is configured

    seed = Ed25519PrivateKey.generate()
    raw = seed.private_bytes_raw()
    (tmp_path / "k.raw").write_bytes(raw)
    (tmp_path / "k.raw").chmod(0o600)
    from_raw = read_signing_key(tmp_path / "k.raw")
    message = "检查点 checkpoint".encode()
    assert from_raw.public.verifies(message, from_raw.sign(message))
    assert not from_pem.public.verifies(message, from_raw.sign(message))
    assert not from_raw.public.verifies(message, "not base64!")


def test_refusals_name_the_problem(tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    missing = _settings(tmp_path, **{KEY_SETTING: str(tmp_path / "nope.pem")})
    with pytest.raises(ConfigError, match="cannot read the audit signing key"):
        audit.load_signing_key(missing, create=True)
    assert not (tmp_path / "nope.pem").exists()
    subprocess.run(
        [
            "openssl",
            "genpkey",
            "-algorithm",
            "EC",
            "-pkeyopt",
            "ec_paramgen_curve:P-256",
            "-out",
            str(tmp_path / "ec.pem"),
        ],
        check=True,
        timeout=30,
    )
    with pytest.raises(ConfigError, match="is not an Ed25519 key"):
        read_signing_key(tmp_path / "ec.pem")
    (tmp_path / "junk.pem").write_text("密钥 not a key")
    with pytest.raises(ConfigError, match="neither a PEM Ed25519 key nor 32 raw bytes"):
        read_signing_key(tmp_path / "junk.pem")
    open_key = tmp_path / "open.pem"
    open_key.write_bytes(audit.SigningKey.generate().pem())
    open_key.chmod(0o644)
    with caplog.at_level(logging.WARNING, logger="warroom.audit"):
        read_signing_key(open_key)
    assert "can be read by others than its owner" in caplog.text


def test_checkpoint_settings() -> None:
    assert audit.Policy.from_settings(Settings.from_env({})) == audit.Policy(every=1000, minutes=10.0)
    tuned = Settings.from_env(
        {"WARROOM_AUDIT_CHECKPOINT_EVENTS": "50", "WARROOM_AUDIT_CHECKPOINT_MINUTES": "0.5"}
    )
    assert audit.Policy.from_settings(tuned) == audit.Policy(every=50, minutes=0.5)
    for bad in ({"WARROOM_AUDIT_CHECKPOINT_EVENTS": "0"}, {"WARROOM_AUDIT_CHECKPOINT_MINUTES": "0"}):
        with pytest.raises(ConfigError):
            audit.Policy.from_settings(Settings.from_env(bad))


def test_an_exported_checkpoint_reads_back_and_a_stranger_file_is_refused() -> None:
    key = audit.SigningKey.generate()
    made = audit.Checkpoint.sign(key, position=7, hash="a" * 64, at=datetime.now(UTC), previous=5, every=5)
    read = audit.read_exported(json.dumps(made.export(key.public)), "cp.json")
    assert read.checkpoint == made
    assert read.key is not None
    assert read.key.verifies(made.message(), made.signature)
    with pytest.raises(ConfigError, match=r"cp\.json is not an exported audit checkpoint"):
        audit.read_exported('{"log": "something else"}', "cp.json")
