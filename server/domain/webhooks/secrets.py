"""A webhook's signing secret: made once, shown once, stored sealed, used to sign every delivery.

The secret must be readable again to sign (HMAC needs it), so it cannot be hashed like a password; it is
sealed with AES-256-GCM under the key-encryption key that also protects materials: the file named by
`WARROOM_KEK_FILE`, or `<WARROOM_DATA_DIR>/keys/kek` (made on first use) in the embedded default. A copy of
the database alone signs nothing. Servers and workers that share a database must share that key file.
The key ring is the materials' (`server/infra/keyring.py`), built once per process (`keyring.shared`);
`keys rotate` seals every secret again under the new key before it deletes an old one.
"""

from __future__ import annotations

import hashlib
import hmac
import os
import secrets
from typing import Final

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from sqlalchemy import func, select

from server.infra import keyring as keyrings
from server.infra.config import Settings
from server.infra.db import Database
from server.infra.keyring import Keyring, UnknownKeyError
from server.models.webhooks import Webhook

PREFIX: Final = "whsec_"
NONCE_BYTES: Final = 12
_CONTEXT: Final = b"warroom/webhook-secret/v1\x00"


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
    return seal_with(keyrings.shared(settings), webhook_id, secret)


def seal_with(keyring: Keyring, webhook_id: str, secret: str) -> tuple[bytes, str]:
    kek = keyring.current()
    nonce = os.urandom(NONCE_BYTES)
    return nonce + AESGCM(kek.key).encrypt(nonce, secret.encode(), _CONTEXT + webhook_id.encode()), kek.id


def open_sealed(settings: Settings, webhook_id: str, sealed: bytes, kek_id: str) -> str:
    """The secret `seal` sealed for `webhook_id`; SecretUnavailable when it cannot be opened here."""
    return open_with(keyrings.shared(settings), webhook_id, sealed, kek_id)


def open_with(keyring: Keyring, webhook_id: str, sealed: bytes, kek_id: str) -> str:
    try:
        key = keyring.key(kek_id)
        plain = AESGCM(key).decrypt(
            sealed[:NONCE_BYTES], sealed[NONCE_BYTES:], _CONTEXT + webhook_id.encode()
        )
    except UnknownKeyError as error:
        raise SecretUnavailable(str(error)) from None
    except InvalidTag:
        raise SecretUnavailable(f"the secret of webhook {webhook_id} does not open under its key") from None
    return plain.decode()


async def reseal_all(db: Database, keyring: Keyring) -> int:
    """Key rotation: every secret not under the current key sealed again under it; returns how many."""
    target = keyring.current().id
    async with db.transaction() as session:
        hooks = (await session.execute(select(Webhook).where(Webhook.kek_id != target))).scalars().all()
        for hook in hooks:
            secret = open_with(keyring, hook.id, hook.secret_sealed, hook.kek_id)
            hook.secret_sealed, hook.kek_id = seal_with(keyring, hook.id, secret)
    return len(hooks)


async def usage(db: Database) -> dict[str, int]:
    """How many webhook secrets each key id seals."""
    async with db.sessions() as session:
        rows = await session.execute(select(Webhook.kek_id, func.count()).group_by(Webhook.kek_id))
        return {str(kek_id): int(count) for kek_id, count in rows.all()}
