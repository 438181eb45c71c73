"""The pain-point knobs an operator sets with WARROOM_* variables (read from `Settings.extra`)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import time

from server.clustering.models import view_for
from server.clustering.views import View
from server.domain.painpoints.quality import DEFAULT_MAX_CHARS
from server.infra.config import ConfigError, Settings

# Most inputs one submitPainPoints call takes: 500 short texts encode in ~1-2 s on two cores.
MAX_BATCH = 500
DEFAULT_RECLUSTER_AT = time(2, 0)


@dataclass(frozen=True)
class PainPointConfig:
    """Embedding model, gate and clustering thresholds, and the nightly re-cluster time (UTC)."""

    # None: the bundled bilingual default (server.clustering.models); otherwise a bundled model's name,
    # a sentence-transformers name or a local directory
    model: str | None = None
    # None: the cosines calibrated for the model (server.clustering.models.CALIBRATED)
    duplicate_threshold: float | None = None
    placement_min_similarity: float | None = None
    max_chars: int = DEFAULT_MAX_CHARS
    recluster_at: time | None = DEFAULT_RECLUSTER_AT

    @classmethod
    def from_settings(cls, settings: Settings) -> PainPointConfig:
        """Read WARROOM_EMBEDDING_MODEL, WARROOM_DUPLICATE_THRESHOLD, WARROOM_PLACEMENT_THRESHOLD,
        WARROOM_PAINPOINT_MAX_CHARS and WARROOM_RECLUSTER_AT."""
        env = settings.extra
        return cls(
            model=(env.get("WARROOM_EMBEDDING_MODEL") or "").strip() or None,
            duplicate_threshold=_cosine(env, "WARROOM_DUPLICATE_THRESHOLD"),
            placement_min_similarity=_cosine(env, "WARROOM_PLACEMENT_THRESHOLD"),
            max_chars=_positive_int(env, "WARROOM_PAINPOINT_MAX_CHARS", DEFAULT_MAX_CHARS),
            recluster_at=_time_of_day(env.get("WARROOM_RECLUSTER_AT")),
        )

    def view(self, model: str, dimension: int) -> View:
        """How vectors of `model` are compared: its calibrated cosines, or the ones set here."""
        return view_for(
            model, dimension, duplicate=self.duplicate_threshold, placement=self.placement_min_similarity
        )


def _cosine(env: Mapping[str, str], name: str) -> float | None:
    raw = env.get(name)
    if raw is None or not raw.strip():
        return None
    try:
        value = float(raw)
    except ValueError:
        raise ConfigError(f"{name} must be a number between 0 and 1, got {raw!r}") from None
    if not 0.0 < value <= 1.0:
        raise ConfigError(f"{name} must be a number between 0 and 1, got {raw!r}")
    return value


def _positive_int(env: Mapping[str, str], name: str, default: int) -> int:
    raw = env.get(name)
    if raw is None or not raw.strip():
        return default
    try:
        value = int(raw)
    except ValueError:
        raise ConfigError(f"{name} must be an integer, got {raw!r}") from None
    if value < 1:
        raise ConfigError(f"{name} must be at least 1, got {value}")
    return value


def _time_of_day(raw: str | None) -> time | None:
    """`HH:MM` in UTC; `off` (or `none`) turns the nightly re-cluster off."""
    if raw is None or not raw.strip():
        return DEFAULT_RECLUSTER_AT
    value = raw.strip().lower()
    if value in ("off", "none", "never"):
        return None
    try:
        hours, minutes = value.split(":")
        return time(int(hours), int(minutes))
    except ValueError:
        raise ConfigError(f"WARROOM_RECLUSTER_AT must be HH:MM (UTC) or off, got {raw!r}") from None
