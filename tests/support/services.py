"""The real PostgreSQL and Redis of this machine: reachable, or the test run fails with how to start them."""

from __future__ import annotations

import os
import socket

import pytest

PG_HOST = os.environ.get("WARROOM_TEST_PG_HOST", "127.0.0.1")
PG_PORT = int(os.environ.get("WARROOM_TEST_PG_PORT", "5432"))
PG_USER = os.environ.get("WARROOM_TEST_PG_USER", "postgres")
REDIS_URL = os.environ.get("WARROOM_TEST_REDIS_URL", "redis://127.0.0.1:6379/0")

_HOW = {
    "PostgreSQL": "pg_ctlcluster --skip-systemctl-redirect $(ls /etc/postgresql) main start",
    "Redis": 'redis-server --daemonize yes --bind 127.0.0.1 -::1 --port 6379 --save "" --appendonly no',
}


def _reachable(host: str, port: int) -> bool:
    try:
        with socket.create_connection((host, port), timeout=2):
            return True
    except OSError:
        return False


def require(service: str, host: str, port: int) -> None:
    """Fail (never skip) when a service the test needs is down: a silent skip would hide a broken run."""
    if not _reachable(host, port):
        pytest.fail(
            f"{service} is not reachable at {host}:{port}; start it with: {_HOW[service]}", pytrace=False
        )


def require_postgres() -> None:
    require("PostgreSQL", PG_HOST, PG_PORT)


def require_redis() -> None:
    require("Redis", "127.0.0.1", 6379)


def pg_url(database: str, driver: str = "asyncpg") -> str:
    return f"postgresql+{driver}://{PG_USER}@{PG_HOST}:{PG_PORT}/{database}"
