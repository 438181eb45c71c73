"""Key-encryption keys (KEKs): the current one in `WARROOM_KEK_FILE`, older ones beside it.

The current key wraps every new data key. A rotation (`python -m server keys rotate`) first copies the
current key to `kek-<id>` in the same directory, then puts a new key in the current file; a data key
wrapped under any key still in that directory can be unwrapped. A server looks at the current file
before each wrap (a `stat`), so a rotation reaches running servers without a restart; a key id it has not
seen sends it to the directory again. Several servers must share the directory (or copies of every file).

A key file holds 32 bytes: raw, or as 64 hex digits, or base64 (what a secret manager can hold).
"""

from __future__ import annotations

import base64
import binascii
import contextlib
import logging
import os
import re
import secrets
from dataclasses import dataclass
from pathlib import Path
from typing import Final

from server.infra.config import ConfigError, Settings
from server.infra.envelope import KEY_BYTES, fingerprint

log = logging.getLogger("warroom.keys")

KEK_FILE_VARIABLE: Final = "WARROOM_KEK_FILE"
ARCHIVE_PREFIX: Final = "kek-"
_ARCHIVED: Final = re.compile(r"^kek-([0-9a-f]{32})$")


class UnknownKeyError(LookupError):
    """No key with this id is in the key directory (a server lacks a copy of a rotated key)."""


@dataclass(frozen=True)
class Kek:
    id: str
    key: bytes


def default_path(settings: Settings) -> Path:
    """Where the embedded default keeps its key: `<WARROOM_DATA_DIR>/keys/kek`."""
    return settings.data_dir / "keys" / "kek"


def configured_path(settings: Settings) -> Path | None:
    """The key file the operator named, or None for the embedded default."""
    raw = (settings.extra.get(KEK_FILE_VARIABLE) or "").strip()
    return Path(raw) if raw else None


def parse_key(raw: bytes, where: Path) -> bytes:
    """The 32 bytes a key file holds (raw, hex or base64)."""
    if len(raw) == KEY_BYTES:
        return raw
    text = raw.strip()
    with contextlib.suppress(ValueError):
        if len(text) == 2 * KEY_BYTES:
            return bytes.fromhex(text.decode("ascii"))
    with contextlib.suppress(binascii.Error, ValueError):
        decoded = base64.b64decode(text, validate=True)
        if len(decoded) == KEY_BYTES:
            return decoded
    raise ConfigError(f"{where} is not a key file: it must hold 32 bytes (raw, 64 hex digits or base64)")


def read_key(path: Path) -> Kek:
    """The key in `path`, named by its fingerprint."""
    key = parse_key(path.read_bytes(), path)
    if path.stat().st_mode & 0o077:
        log.warning(
            "the key file is readable by others than its owner; chmod 600 it", extra={"path": str(path)}
        )
    return Kek(fingerprint(key), key)


def write_key(path: Path, key: bytes) -> None:
    """Write `key` to a new file that only its owner can read (never over an existing one)."""
    path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(descriptor, "wb") as handle:
        handle.write(key)
        handle.flush()
        os.fsync(handle.fileno())


def new_key() -> Kek:
    """A new random key, in memory only."""
    key = secrets.token_bytes(KEY_BYTES)
    return Kek(fingerprint(key), key)


def create_key(path: Path) -> Kek:
    """A new random key in a new file at `path`."""
    key = secrets.token_bytes(KEY_BYTES)
    write_key(path, key)
    return Kek(fingerprint(key), key)


_SHARED: dict[Path, Keyring] = {}


def shared(settings: Settings) -> Keyring:
    """This process's key ring for `settings`' key file, built on first use (see `Keyring.from_settings`).

    A key ring notices rotations by itself (`current` stats its file, `key` reads the directory for an id
    it has not seen), so one per key file serves every caller; it is built again when its file is gone.
    """
    path = (configured_path(settings) or default_path(settings)).absolute()
    keyring = _SHARED.get(path)
    if keyring is None or not path.is_file():
        keyring = _SHARED[path] = Keyring.from_settings(settings)
    return keyring


class Keyring:
    """The current key and every older key in its directory."""

    def __init__(self, current_path: Path) -> None:
        self.current_path = current_path
        self._current: Kek | None = None
        self._seen: tuple[int, int, int] | None = None
        self._keys: dict[str, bytes] = {}

    @classmethod
    def from_settings(cls, settings: Settings) -> Keyring:
        """The configured key file; without one, the embedded default's, created (0600) on first start."""
        path = configured_path(settings)
        if path is not None:
            if not path.is_file():
                raise ConfigError(
                    f"{KEK_FILE_VARIABLE} names {path}, which is not a file: create the key with "
                    f"`python -m server keys create --file {path}`"
                )
        else:
            path = default_path(settings)
            if not path.exists():
                kek = create_key(path)
                log.info(
                    "created a key-encryption key for materials (no WARROOM_KEK_FILE is set)",
                    extra={"path": str(path), "kek_id": kek.id},
                )
                log.warning(
                    "servers that share a database must share this key: copy it to each and point "
                    "WARROOM_KEK_FILE at it (and keep a copy elsewhere: without it the materials are lost)",
                    extra={"path": str(path)},
                )
        keyring = cls(path)
        keyring.current()
        return keyring

    @property
    def directory(self) -> Path:
        return self.current_path.parent

    def current(self) -> Kek:
        """The key new data keys are wrapped under, read again whenever its file changed."""
        stat = self.current_path.stat()
        seen = (stat.st_ino, stat.st_mtime_ns, stat.st_size)
        if self._current is None or seen != self._seen:
            self._current = read_key(self.current_path)
            self._seen = seen
            self._keys[self._current.id] = self._current.key
        return self._current

    def key(self, kek_id: str) -> bytes:
        """The key named `kek_id`: the current one or one in the directory."""
        found = self._keys.get(kek_id)
        if found is None:
            self.current()
            self._keys.update({kek.id: kek.key for kek in self.archived().values()})
            found = self._keys.get(kek_id)
        if found is None:
            raise UnknownKeyError(
                f"no key-encryption key {kek_id} in {self.directory}: copy {ARCHIVE_PREFIX}{kek_id} there "
                "from the server that rotated the keys"
            )
        return found

    def archived(self) -> dict[str, Kek]:
        """The older keys in the directory, by id (a file whose name and content disagree is refused)."""
        found: dict[str, Kek] = {}
        for path in sorted(self.directory.glob(f"{ARCHIVE_PREFIX}*")):
            match = _ARCHIVED.match(path.name)
            if match is None or not path.is_file():
                continue
            kek = read_key(path)
            if kek.id != match.group(1):
                raise ConfigError(f"{path} holds key {kek.id}, not the key its name says")
            found[kek.id] = kek
        return found

    def archive_path(self, kek_id: str) -> Path:
        return self.directory / f"{ARCHIVE_PREFIX}{kek_id}"

    def install(self, new: Kek) -> Kek:
        """Make `new` the current key, keeping the old one in the directory; returns the old one."""
        old = self.current()
        archived = self.archive_path(old.id)
        if not archived.exists():
            write_key(archived, old.key)
        # A new file renamed over the current one: a reader sees the old key or the new one, never half.
        staging = self.directory / f".kek-{secrets.token_hex(8)}.new"
        write_key(staging, new.key)
        os.replace(staging, self.current_path)
        self._keys[new.id] = new.key
        self.current()
        return old

    def remove(self, kek_id: str) -> bool:
        """Delete an older key's file (never the current key); False when there was none."""
        if kek_id == self.current().id:
            raise ValueError("the current key cannot be removed")
        path = self.archive_path(kek_id)
        self._keys.pop(kek_id, None)
        try:
            path.unlink()
        except FileNotFoundError:
            return False
        return True
