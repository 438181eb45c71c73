"""The ORM models; importing this package registers every table on `Base.metadata`."""

from server.models.audit import AuditEvent
from server.models.base import Base
from server.models.cases import Case, CaseMember, CaseRole
from server.models.documents import DocCheckpoint, DocUpdate
from server.models.heatmaps import HeatmapEditDay, HeatmapState
from server.models.jobs import Job, JobStatus
from server.models.users import AuthToken, Team, User, UserRole

__all__ = [
    "AuditEvent",
    "AuthToken",
    "Base",
    "Case",
    "CaseMember",
    "CaseRole",
    "DocCheckpoint",
    "DocUpdate",
    "HeatmapEditDay",
    "HeatmapState",
    "Job",
    "JobStatus",
    "Team",
    "User",
    "UserRole",
]
