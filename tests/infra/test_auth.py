import asyncio
import threading

import pytest

from server.infra import auth


def test_passwords_hash_with_argon2id_and_verify() -> None:
    hashed = auth.hash_password("s3cret pass")
    assert hashed.startswith("$argon2id$")
    assert auth.verify_password(hashed, "s3cret pass")
    assert not auth.verify_password(hashed, "S3cret pass")
    assert not auth.verify_password(None, "anything")
    assert not auth.verify_password("not a hash", "anything")


def test_tokens_are_random_and_stored_as_digests() -> None:
    token = auth.new_token()
    assert len(token) >= 43
    assert token != auth.new_token()
    assert auth.token_digest(token) != token
    assert len(auth.token_digest(token)) == 64


async def test_async_hashing_runs_on_the_hashing_threads(monkeypatch: pytest.MonkeyPatch) -> None:
    threads: list[str] = []
    real_verify, real_hash = auth.verify_password, auth.hash_password

    def verify(password_hash: str | None, password: str) -> bool:
        threads.append(threading.current_thread().name)
        return real_verify(password_hash, password)

    def hash_(password: str) -> str:
        threads.append(threading.current_thread().name)
        return real_hash(password)

    # spies that record where the real functions run
    monkeypatch.setattr(auth, "verify_password", verify)
    monkeypatch.setattr(auth, "hash_password", hash_)
    hashed = await auth.hash_password_async("口令 long enough")
    assert await auth.verify_password_async(hashed, "口令 long enough")
    assert not await auth.verify_password_async(hashed, "wrong")
    assert len(threads) == 3
    assert all(name.startswith("warroom-argon2") for name in threads)


async def test_the_loop_keeps_running_during_verifications() -> None:
    hashed = auth.hash_password("s3cret pass")
    ticks = 0
    done = asyncio.Event()

    async def tick() -> None:
        nonlocal ticks
        while not done.is_set():
            ticks += 1
            await asyncio.sleep(0)

    ticker = asyncio.create_task(tick())
    checks = [auth.verify_password_async(hashed, f"guess {n}") for n in range(10)]
    before = ticks
    results = await asyncio.gather(*checks)
    during = ticks - before
    done.set()
    await ticker
    assert results == [False] * 10
    # ten blocking checks (~45 ms each) on the loop would let the ticker run about ten times at most
    assert during > 30
