"""The key that signs the audit checkpoints: Ed25519 through `cryptography`.

`WARROOM_AUDIT_SIGNING_KEY` names the private key file: PEM (PKCS#8, what `openssl genpkey -algorithm
ed25519` writes) or the raw 32-byte seed. Without it the embedded default uses
`WARROOM_DATA_DIR/audit-signing-key.pem`, created (mode 0600) the first time a server needs it.
Servers and workers of one deployment must share one key: each signs the checkpoints it makes.
"""

from __future__ import annotations

import base64
import hashlib
import logging
import os
import stat
from dataclasses import dataclass
from pathlib import Path

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey

from server.infra.config import ConfigError, Settings

log = logging.getLogger("warroom.audit")

KEY_SETTING = "WARROOM_AUDIT_SIGNING_KEY"
DEFAULT_KEY_FILE = "audit-signing-key.pem"
RAW_KEY_BYTES = 32


@dataclass(frozen=True)
class PublicKey:
    """The public half: what auditors keep to check checkpoints without the database."""

    key: Ed25519PublicKey

    @property
    def raw(self) -> bytes:
        return self.key.public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)

    @property
    def fingerprint(self) -> str:
        """SHA-256 of the raw 32-byte public key, in hex."""
        return hashlib.sha256(self.raw).hexdigest()

    @property
    def key_id(self) -> str:
        """The first 16 hex digits of the fingerprint, stored with each checkpoint."""
        return self.fingerprint[:16]

    def pem(self) -> str:
        """SubjectPublicKeyInfo PEM (`openssl pkey -pubin` reads it)."""
        return self.key.public_bytes(
            serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
        ).decode()

    def verifies(self, message: bytes, signature: str) -> bool:
        """True when `signature` (base64) is this key's signature of `message`."""
        try:
            self.key.verify(base64.b64decode(signature, validate=True), message)
        except (InvalidSignature, ValueError):
            return False
        return True

    @classmethod
    def parse(cls, data: bytes) -> PublicKey:
        """A public key from PEM (public, or a private key whose public half is meant) or 32 raw bytes."""
        if len(data) == RAW_KEY_BYTES:
            return cls(Ed25519PublicKey.from_public_bytes(data))
        try:
            loaded = serialization.load_pem_public_key(data)
        except ValueError:
            return _private_key(data, "the public key").public
        if not isinstance(loaded, Ed25519PublicKey):
            raise ConfigError("the public key is not an Ed25519 key")
        return cls(loaded)


@dataclass(frozen=True)
class SigningKey:
    private: Ed25519PrivateKey
    public: PublicKey

    def sign(self, message: bytes) -> str:
        """The signature of `message`, in base64."""
        return base64.b64encode(self.private.sign(message)).decode()

    @classmethod
    def generate(cls) -> SigningKey:
        private = Ed25519PrivateKey.generate()
        return cls(private, PublicKey(private.public_key()))

    def pem(self) -> bytes:
        return self.private.private_bytes(
            serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
        )


def _private_key(data: bytes, what: str) -> SigningKey:
    if len(data) == RAW_KEY_BYTES:
        private = Ed25519PrivateKey.from_private_bytes(data)
    else:
        try:
            loaded = serialization.load_pem_private_key(data, password=None)
        except (ValueError, TypeError) as error:
            raise ConfigError(f"{what} is neither a PEM Ed25519 key nor 32 raw bytes: {error}") from None
        if not isinstance(loaded, Ed25519PrivateKey):
            raise ConfigError(f"{what} is not an Ed25519 key")
        private = loaded
    return SigningKey(private, PublicKey(private.public_key()))


def read_signing_key(path: Path) -> SigningKey:
    """The private key in `path` (PEM or a raw 32-byte seed)."""
    try:
        data = path.read_bytes()
    except OSError as error:
        raise ConfigError(f"cannot read the audit signing key {path}: {error.strerror}") from None
    key = _private_key(data, f"the audit signing key {path}")
    if path.stat().st_mode & (stat.S_IRWXG | stat.S_IRWXO):
        log.warning("the audit signing key %s can be read by others than its owner (chmod 600 it)", path)
    return key


def key_file(settings: Settings) -> tuple[Path, bool]:
    """Where the signing key is, and whether the operator named it."""
    configured = settings.extra.get(KEY_SETTING)
    if configured:
        return Path(configured), True
    return settings.data_dir / DEFAULT_KEY_FILE, False


def load_signing_key(settings: Settings, *, create: bool) -> SigningKey | None:
    """The deployment's signing key; with none configured, the default file, created when `create`
    (else None while it does not exist). A configured file must exist: servers that each made their own
    key would sign checkpoints nobody can check against one public key."""
    path, configured = key_file(settings)
    if configured or path.exists():
        return read_signing_key(path)
    if not create:
        return None
    return _create_default(path)


def _create_default(path: Path) -> SigningKey:
    key = SigningKey.generate()
    path.parent.mkdir(parents=True, exist_ok=True)
    staged = path.with_name(f".{path.name}.{os.getpid()}")
    fd = os.open(staged, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(key.pem())
        try:
            # A link, not a rename: a process that created the key first keeps it.
            os.link(staged, path)
        except FileExistsError:
            return read_signing_key(path)
    finally:
        staged.unlink(missing_ok=True)
    log.warning(
        "created the audit signing key %s (mode 0600, key id %s); set %s to use another, and give "
        "auditors its public key (python -m server audit public-key)",
        path,
        key.public.key_id,
        KEY_SETTING,
    )
    return key


def deployment_key(settings: Settings) -> SigningKey:
    """The key a server or worker signs checkpoints with (the default created when none is configured)."""
    key = load_signing_key(settings, create=True)
    assert key is not None
    if not key_file(settings)[1] and not settings.database_url.startswith("sqlite"):
        log.warning(
            "the audit signing key is this host's default (%s): every server and worker of the deployment "
            "must sign with one key, so set %s on each",
            key_file(settings)[0],
            KEY_SETTING,
        )
    return key
