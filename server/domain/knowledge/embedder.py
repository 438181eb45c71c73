"""The model assets are encoded with: the pain points' (WARROOM_EMBEDDING_MODEL), so one model serves both."""

from __future__ import annotations

from server.clustering import Embedder, shared_embedder
from server.domain.painpoints.config import PainPointConfig
from server.infra.config import Settings


def embedder_of(settings: Settings) -> Embedder:
    """The process-wide embedder of the configured pain-point model (loaded on first use, offline)."""
    return shared_embedder(PainPointConfig.from_settings(settings).model)
