"""The ORM models; importing this package registers every table on `Base.metadata`."""

from server.models.access import AccessView, CaseAccess, PolicyScope, VisibilityPolicy
from server.models.adjustments import AdjustmentRequest
from server.models.audit import AuditCheckpoint, AuditEvent
from server.models.base import Base
from server.models.cases import Case, CaseMember, CaseRole
from server.models.clusters import (
    Cluster,
    ClusterCorrection,
    ClusterMembership,
    ClusterRun,
    MembershipSource,
)
from server.models.comments import Comment
from server.models.documents import DocCheckpoint, DocText, DocUpdate
from server.models.download_tickets import DownloadTicket
from server.models.heatmaps import HeatmapEditDay, HeatmapState
from server.models.jobs import Job, JobStatus
from server.models.knowledge import (
    AssetAudience,
    KnowledgeAsset,
    KnowledgeAssetVersion,
    KnowledgeReuse,
    KnowledgeSubscription,
)
from server.models.material_access import AccessRequestStatus, MaterialAccessRequest, MaterialGrant
from server.models.materials import Material, SummaryStatus
from server.models.notifications import Notification, NotificationKind
from server.models.orders import ApprovalStatus, Order, OrderPainPoint
from server.models.outbox import OutboxKind, OutboxMessage
from server.models.painpoints import (
    PainPoint,
    PainPointEmbedding,
    PainPointStatus,
    RectificationTicket,
    TicketStatus,
)
from server.models.points import EARNING_ACTIONS, PointAction, PointBalance, PointEntry, PointRule, PointVoid
from server.models.proposals import ProposalStatus, RequirementProposal
from server.models.rewards import Redemption, RedemptionStatus, Reward, RewardKind
from server.models.snapshots import Snapshot, SnapshotKind
from server.models.sync_tickets import SyncTicket
from server.models.users import AuthToken, Team, User, UserRole
from server.models.webhooks import DeliveryStatus, Webhook, WebhookDelivery

__all__ = [
    "EARNING_ACTIONS",
    "AccessRequestStatus",
    "AccessView",
    "AdjustmentRequest",
    "ApprovalStatus",
    "AssetAudience",
    "AuditCheckpoint",
    "AuditEvent",
    "AuthToken",
    "Base",
    "Case",
    "CaseAccess",
    "CaseMember",
    "CaseRole",
    "Cluster",
    "ClusterCorrection",
    "ClusterMembership",
    "ClusterRun",
    "Comment",
    "DeliveryStatus",
    "DocCheckpoint",
    "DocText",
    "DocUpdate",
    "DownloadTicket",
    "HeatmapEditDay",
    "HeatmapState",
    "Job",
    "JobStatus",
    "KnowledgeAsset",
    "KnowledgeAssetVersion",
    "KnowledgeReuse",
    "KnowledgeSubscription",
    "Material",
    "MaterialAccessRequest",
    "MaterialGrant",
    "MembershipSource",
    "Notification",
    "NotificationKind",
    "Order",
    "OrderPainPoint",
    "OutboxKind",
    "OutboxMessage",
    "PainPoint",
    "PainPointEmbedding",
    "PainPointStatus",
    "PointAction",
    "PointBalance",
    "PointEntry",
    "PointRule",
    "PointVoid",
    "PolicyScope",
    "ProposalStatus",
    "RectificationTicket",
    "Redemption",
    "RedemptionStatus",
    "RequirementProposal",
    "Reward",
    "RewardKind",
    "Snapshot",
    "SnapshotKind",
    "SummaryStatus",
    "SyncTicket",
    "Team",
    "TicketStatus",
    "User",
    "UserRole",
    "VisibilityPolicy",
    "Webhook",
    "WebhookDelivery",
]
