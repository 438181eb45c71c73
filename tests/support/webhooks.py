"""Settings for webhook tests: receivers listen on 127.0.0.1, and retries come within fractions of a second."""

from __future__ import annotations

from pathlib import Path

from server.infra.config import Settings


def webhook_settings(tmp_path: Path, database_url: str, **extra: str) -> Settings:
    """Settings as the `settings` fixture makes them, plus WARROOM_WEBHOOK_* knobs (`extra` overrides)."""
    return Settings.from_env(
        {
            "WARROOM_DATA_DIR": str(tmp_path),
            "WARROOM_DATABASE_URL": database_url,
            "WARROOM_JOBS": "inprocess",
            "WARROOM_WEBHOOK_ALLOW_PRIVATE": "1",
            "WARROOM_WEBHOOK_BACKOFF_SECONDS": "0.1",
            **extra,
        }
    )
