"""Password hashing and bearer-token primitives."""

from __future__ import annotations

import asyncio
import contextlib
import functools
import hashlib
import os
import secrets
import sys
import threading
from concurrent.futures import ThreadPoolExecutor

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

# Argon2id at OWASP's recommended minimum (19 MiB, 2 passes, 1 lane): ~45 ms on a 2-core VM, where
# argon2-cffi's defaults (64 MiB, 3 passes) take ~300 ms per login. Hashes record their parameters,
# so raising them later keeps old hashes verifiable.
_hasher = PasswordHasher(time_cost=2, memory_cost=19456, parallelism=1)


@functools.cache
def _dummy_hash() -> str:
    # Verifying against this keeps a login for an unknown email as slow as one with a wrong password.
    return _hasher.hash("no such user")


def hash_password(password: str) -> str:
    """An argon2id hash of `password`."""
    return _hasher.hash(password)


def verify_password(password_hash: str | None, password: str) -> bool:
    """True when `password` matches; constant work whether or not the user exists."""
    try:
        return _hasher.verify(password_hash or _dummy_hash(), password) and password_hash is not None
    except (VerificationError, InvalidHashError):
        return False


# argon2-cffi releases the GIL while hashing, so the event loop keeps serving sync frames meanwhile. Two
# threads bound the CPU a burst of sign-ins can take (the throttle in front of them bounds the queue).
HASH_THREADS = 2
# On Linux they also run at a lower priority: when the cores are busy, the event loop's thread gets
# the CPU first and a sign-in waits a little longer instead of every live document.
HASH_NICE = 10


def _lower_priority() -> None:
    if sys.platform == "linux":  # there the id names this thread; elsewhere it would name the process
        with contextlib.suppress(OSError):
            os.setpriority(os.PRIO_PROCESS, threading.get_native_id(), HASH_NICE)


_pool = ThreadPoolExecutor(
    max_workers=HASH_THREADS, thread_name_prefix="warroom-argon2", initializer=_lower_priority
)


async def hash_password_async(password: str) -> str:
    """`hash_password` on the hashing threads: the event loop keeps running meanwhile."""
    return await asyncio.get_running_loop().run_in_executor(_pool, hash_password, password)


async def verify_password_async(password_hash: str | None, password: str) -> bool:
    """`verify_password` on the hashing threads: the event loop keeps running meanwhile."""
    return await asyncio.get_running_loop().run_in_executor(_pool, verify_password, password_hash, password)


def new_token() -> str:
    """A fresh bearer token (256 random bits, URL-safe)."""
    return secrets.token_urlsafe(32)


def token_digest(token: str) -> str:
    """What the database stores for a token: its SHA-256, hex."""
    return hashlib.sha256(token.encode()).hexdigest()
