from __future__ import annotations

from pathlib import Path

import pytest

from server.infra.config import Settings
from tests.support.webhooks import webhook_settings


@pytest.fixture
def settings(tmp_path: Path, database_url: str) -> Settings:
    return webhook_settings(tmp_path, database_url)
