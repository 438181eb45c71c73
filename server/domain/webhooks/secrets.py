"""A webhook's signing secret: made once, shown once, stored sealed, used to sign every delivery.

The secret must be readable again to sign (HMAC needs it), so it cannot be hashed like a password; it is
sealed with AES-256-GCM under the key-encryption key that also protects materials: the file named by
`WARROOM_KEK_FILE`, or `<WARROOM_DATA_DIR>/keys/kek` (made on first use) in the embedded default. A copy of
the database alone signs nothing. Servers and workers that share a database must share that key file.
Keys rotated away stay readable beside it as `kek-<id>` (the key ring's layout), so older secrets still open.
"""

from __future__ import annotations

import base64
import contextlib
import hashlib
import hmac
import os
import secrets
import time
from pathlib import Path
from typing import Final

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

from server.infra.config import ConfigError, Settings

PREFIX: Final = "whsec_"
KEY_BYTES: Final = 32
NONCE_BYTES: Final = 12
_CONTEXT: Final = b"warroom/webhook-secret/v1\x00"
# The key ring's fingerprint of a key (the same id materials record), so one key file serves both.
_FINGERPRINT_CONTEXT: Final = b"warroom/kek-fingerprint/v1\x00"
KEK_FILE_VARIABLE: Final = "WARROOM_KEK_FILE"


class SecretUnavailable(Exception):
    """The secret cannot be opened here: its key is not on this machine, or the stored bytes changed."""


def generate() -> str:
    """A new secret: 32 random bytes, URL-safe, recognisable by its prefix."""
    return PREFIX + secrets.token_urlsafe(32)


def signature(secret: str, body: bytes) -> str:
    """The `X-Warroom-Signature` value: `sha256=` and the hex HMAC-SHA256 of the raw body."""
    return "sha256=" + hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()


def seal(settings: Settings, webhook_id: str, secret: str) -> tuple[bytes, str]:
    """The secret sealed for `webhook_id` under the current key, and that key's id."""
    kek_id, key = _current(settings)
    nonce = os.urandom(NONCE_BYTES)
    return nonce + AESGCM(key).encrypt(nonce, secret.encode(), _CONTEXT + webhook_id.encode()), kek_id


def open_sealed(settings: Settings, webhook_id: str, sealed: bytes, kek_id: str) -> str:
    """The secret `seal` sealed for `webhook_id`; SecretUnavailable when it cannot be opened here."""
    key = _key(settings, kek_id)
    try:
        plain = AESGCM(key).decrypt(
            sealed[:NONCE_BYTES], sealed[NONCE_BYTES:], _CONTEXT + webhook_id.encode()
        )
    except InvalidTag:
        raise SecretUnavailable(f"the secret of webhook {webhook_id} does not open under its key") from None
    return plain.decode()


def _fingerprint(key: bytes) -> str:
    return hashlib.sha256(_FINGERPRINT_CONTEXT + key).hexdigest()[:32]


def _path(settings: Settings) -> Path:
    raw = (settings.extra.get(KEK_FILE_VARIABLE) or "").strip()
    return Path(raw) if raw else settings.data_dir / "keys" / "kek"


def _current(settings: Settings) -> tuple[str, bytes]:
    path = _path(settings)
    if not path.exists():
        if settings.extra.get(KEK_FILE_VARIABLE):
            raise ConfigError(f"{KEK_FILE_VARIABLE} names {path}, which does not exist")
        _create(path)
    key = _read(path)
    return _fingerprint(key), key


def _key(settings: Settings, kek_id: str) -> bytes:
    path = _path(settings)
    for candidate in (path, path.parent / f"kek-{kek_id}"):
        if candidate.is_file():
            key = _read(candidate)
            if _fingerprint(key) == kek_id:
                return key
    raise SecretUnavailable(
        f"no key-encryption key {kek_id} in {path.parent}: servers and workers that share a database must "
        f"share {KEK_FILE_VARIABLE}"
    )


def _read(path: Path) -> bytes:
    for _ in range(50):
        raw = path.read_bytes()
        if raw:
            break
        time.sleep(0.02)  # another process is writing the file it just created
    if len(raw) == KEY_BYTES:
        return raw
    text = raw.strip()
    with contextlib.suppress(ValueError):
        if len(text) == 2 * KEY_BYTES:
            return bytes.fromhex(text.decode("ascii"))
    with contextlib.suppress(ValueError):
        decoded = base64.b64decode(text, validate=True)
        if len(decoded) == KEY_BYTES:
            return decoded
    raise ConfigError(f"{path} is not a key file: it must hold 32 bytes (raw, 64 hex digits or base64)")


def _create(path: Path) -> None:
    path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    try:
        descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        return  # made by another process at the same moment
    with os.fdopen(descriptor, "wb") as handle:
        handle.write(secrets.token_bytes(KEY_BYTES))
        handle.flush()
        os.fsync(handle.fileno())
