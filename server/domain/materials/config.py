"""The material knobs an operator sets with WARROOM_* variables (read from `Settings.extra`)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Final

from server.infra.config import Settings, int_setting
from server.infra.envelope import DEFAULT_CHUNK_SIZE

DEFAULT_MAX_BYTES: Final = 2 * 1024**3
MAX_CHUNK_SIZE: Final = 16 * 1024 * 1024
# Subtitles of a two-hour film are ~100-200 KB: room enough, without letting a "transcript" be a file.
MAX_TRANSCRIPT_BYTES: Final = 2 * 1024 * 1024
MAX_NOTE_CHARS: Final = 2000
MAX_NAME_CHARS: Final = 255


@dataclass(frozen=True)
class MaterialConfig:
    """How large an upload may be and how it is cut into sealed chunks."""

    max_bytes: int = DEFAULT_MAX_BYTES
    chunk_size: int = DEFAULT_CHUNK_SIZE

    @classmethod
    def from_settings(cls, settings: Settings) -> MaterialConfig:
        """Read WARROOM_MATERIAL_MAX_BYTES and WARROOM_MATERIAL_CHUNK_BYTES."""
        env = settings.extra
        chunk_size = int_setting(env, "WARROOM_MATERIAL_CHUNK_BYTES", DEFAULT_CHUNK_SIZE, minimum=4096)
        return cls(
            max_bytes=int_setting(env, "WARROOM_MATERIAL_MAX_BYTES", DEFAULT_MAX_BYTES, minimum=1),
            chunk_size=min(chunk_size, MAX_CHUNK_SIZE),
        )
