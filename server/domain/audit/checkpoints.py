"""Signed checkpoints of the chain's head: what they sign, when the sequencer makes one, how they are
exported for people outside the database (an auditor, a customer, a notary service) and read back."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from server.domain.audit.signing import PublicKey, SigningKey
from server.infra.config import ConfigError, Settings, float_setting, int_setting
from server.models import AuditCheckpoint

LOG_NAME = "warroom-audit"
FORMAT = 1

DEFAULT_EVERY = 1000
DEFAULT_MINUTES = 10.0


@dataclass(frozen=True)
class Policy:
    """A checkpoint at least every `every` linked events and, while events come, every `minutes`."""

    every: int = DEFAULT_EVERY
    minutes: float = DEFAULT_MINUTES

    @property
    def interval(self) -> timedelta:
        return timedelta(minutes=self.minutes)

    @classmethod
    def from_settings(cls, settings: Settings) -> Policy:
        env = settings.extra
        minutes = float_setting(env, "WARROOM_AUDIT_CHECKPOINT_MINUTES", DEFAULT_MINUTES)
        if minutes <= 0:
            raise ConfigError(f"WARROOM_AUDIT_CHECKPOINT_MINUTES must be more than 0, got {minutes}")
        return cls(
            every=int_setting(env, "WARROOM_AUDIT_CHECKPOINT_EVENTS", DEFAULT_EVERY, minimum=1),
            minutes=minutes,
        )


def signed_text(*, position: int, hash: str, at: datetime, previous: int, every: int, key_id: str) -> bytes:
    """The exact bytes a checkpoint's signature covers: compact JSON with sorted keys."""
    body = {
        "log": LOG_NAME,
        "format": FORMAT,
        "position": position,
        "hash": hash,
        "at": at.isoformat(),
        "previous": previous,
        "every": every,
        "keyId": key_id,
    }
    return json.dumps(body, sort_keys=True, separators=(",", ":")).encode()


@dataclass(frozen=True)
class Checkpoint:
    """The chain held `hash` at `position` at time `at`; `previous` is the checkpoint before (0: none)."""

    position: int
    hash: str
    at: datetime
    previous: int
    every: int
    key_id: str
    signature: str

    def message(self) -> bytes:
        return signed_text(
            position=self.position,
            hash=self.hash,
            at=self.at,
            previous=self.previous,
            every=self.every,
            key_id=self.key_id,
        )

    @classmethod
    def sign(
        cls, key: SigningKey, *, position: int, hash: str, at: datetime, previous: int, every: int
    ) -> Checkpoint:
        at = at.replace(microsecond=0)
        text = signed_text(
            position=position, hash=hash, at=at, previous=previous, every=every, key_id=key.public.key_id
        )
        return cls(position, hash, at, previous, every, key.public.key_id, key.sign(text))

    @classmethod
    def of(cls, row: AuditCheckpoint) -> Checkpoint:
        return cls(row.position, row.hash, row.at, row.previous, row.every, row.key_id, row.signature)

    def row(self) -> AuditCheckpoint:
        return AuditCheckpoint(
            position=self.position,
            hash=self.hash,
            at=self.at,
            previous=self.previous,
            every=self.every,
            key_id=self.key_id,
            signature=self.signature,
        )

    def export(self, key: PublicKey) -> dict[str, Any]:
        """The JSON document `audit checkpoint --export` writes; `signed` is the exact signed text, so
        anyone can check `signature` with their own tools (docs/data-trust.md shows openssl)."""
        return {
            "log": LOG_NAME,
            "format": FORMAT,
            "position": self.position,
            "hash": self.hash,
            "at": self.at.isoformat(),
            "previous": self.previous,
            "every": self.every,
            "keyId": self.key_id,
            "signed": self.message().decode(),
            "signature": self.signature,
            "publicKey": key.pem(),
            "fingerprint": key.fingerprint,
        }


@dataclass(frozen=True)
class Exported:
    """A checkpoint read from an exported file, with the public key the file names."""

    checkpoint: Checkpoint
    key: PublicKey | None
    source: str


def read_exported(text: str, source: str) -> Exported:
    """Parse an exported checkpoint; ConfigError (naming `source`) when it is not one."""
    try:
        doc = json.loads(text)
        if doc.get("log") != LOG_NAME:
            raise ValueError(f"not a {LOG_NAME} checkpoint")
        checkpoint = Checkpoint(
            position=int(doc["position"]),
            hash=str(doc["hash"]),
            at=datetime.fromisoformat(doc["at"]),
            previous=int(doc["previous"]),
            every=int(doc["every"]),
            key_id=str(doc["keyId"]),
            signature=str(doc["signature"]),
        )
        public = doc.get("publicKey")
        key = PublicKey.parse(public.encode()) if isinstance(public, str) else None
    except (ValueError, KeyError, TypeError, AttributeError) as error:
        raise ConfigError(f"{source} is not an exported audit checkpoint: {error}") from None
    return Exported(checkpoint, key, source)
