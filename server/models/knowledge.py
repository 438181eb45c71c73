"""Knowledge assets: a case's redacted, read-only copy published for a team or the whole organization,
its versions, who subscribes to it and which cases started from it."""

from __future__ import annotations

import enum
from datetime import datetime
from typing import Any

from sqlalchemy import JSON, Enum, ForeignKey, Index, Integer, LargeBinary, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from server.models.base import Base, new_id, utcnow


class AssetAudience(enum.StrEnum):
    TEAM = "team"  # the publishing team only
    ORGANIZATION = "organization"  # every team of the deployment


class KnowledgeAsset(Base):
    """One asset per source case; its fields are those of its newest version (what search reads)."""

    __tablename__ = "knowledge_assets"
    __table_args__ = (
        Index("ix_knowledge_assets_team_id_id", "team_id", "id"),
        # What a meaning search asks before each ranking (server.domain.knowledge.vector_cache), answered
        # from the index alone rather than by reading every asset's text.
        Index("ix_knowledge_assets_embedding_model", "embedding_model", "version", "updated_at"),
    )

    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=new_id)
    team_id: Mapped[str] = mapped_column(ForeignKey("teams.id"))
    case_id: Mapped[str] = mapped_column(ForeignKey("cases.id", ondelete="CASCADE"), unique=True)
    audience: Mapped[AssetAudience] = mapped_column(
        Enum(AssetAudience, native_enum=False, length=16, values_callable=lambda k: [m.value for m in k])
    )
    title: Mapped[str] = mapped_column(String(300))
    summary: Mapped[str] = mapped_column(Text)
    tags: Mapped[list[str]] = mapped_column(JSON, default=list)
    # "|tag one|tag two|", lower-cased: what a tag filter reads (the same on SQLite and PostgreSQL)
    tag_keys: Mapped[str] = mapped_column(Text, default="|")
    version: Mapped[int] = mapped_column(Integer)
    # title, summary, tags and text of the newest version in one lower-cased string: what a word search reads
    search_text: Mapped[str] = mapped_column(Text, deferred=True)
    # the newest version's vector under `embedding_model` (little-endian float32), None until encoded
    embedding_model: Mapped[str | None] = mapped_column(String(200))
    embedding: Mapped[bytes | None] = mapped_column(LargeBinary, deferred=True)
    created_by: Mapped[str] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)


class KnowledgeAssetVersion(Base):
    """One published version: never edited; the redacted text and Yjs state as published."""

    __tablename__ = "knowledge_asset_versions"
    __table_args__ = (Index("uq_knowledge_asset_versions_asset_version", "asset_id", "version", unique=True),)

    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=new_id)
    asset_id: Mapped[str] = mapped_column(ForeignKey("knowledge_assets.id", ondelete="CASCADE"))
    version: Mapped[int] = mapped_column(Integer)
    snapshot_id: Mapped[str] = mapped_column(ForeignKey("snapshots.id"))
    title: Mapped[str] = mapped_column(String(300))
    summary: Mapped[str] = mapped_column(Text)
    tags: Mapped[list[str]] = mapped_column(JSON, default=list)
    change_note: Mapped[str] = mapped_column(Text, default="")
    text: Mapped[str] = mapped_column(Text, deferred=True)
    # [{kind, start, end}] of the masks in `text`
    masked_spans: Mapped[list[dict[str, Any]]] = mapped_column(JSON, default=list, deferred=True)
    state: Mapped[bytes] = mapped_column(LargeBinary, deferred=True)
    published_by: Mapped[str] = mapped_column(ForeignKey("users.id"))
    published_at: Mapped[datetime] = mapped_column(default=utcnow)


class KnowledgeSubscription(Base):
    __tablename__ = "knowledge_subscriptions"
    __table_args__ = (Index("ix_knowledge_subscriptions_user_id", "user_id"),)

    asset_id: Mapped[str] = mapped_column(
        ForeignKey("knowledge_assets.id", ondelete="CASCADE"), primary_key=True
    )
    user_id: Mapped[str] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), primary_key=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class KnowledgeReuse(Base):
    """A case started from an asset version (one per case)."""

    __tablename__ = "knowledge_reuses"
    __table_args__ = (Index("ix_knowledge_reuses_asset_id", "asset_id"),)

    case_id: Mapped[str] = mapped_column(ForeignKey("cases.id", ondelete="CASCADE"), primary_key=True)
    asset_id: Mapped[str] = mapped_column(ForeignKey("knowledge_assets.id", ondelete="CASCADE"))
    version_id: Mapped[str] = mapped_column(ForeignKey("knowledge_asset_versions.id", ondelete="CASCADE"))
    user_id: Mapped[str] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
