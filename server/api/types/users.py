"""People."""

from __future__ import annotations

import strawberry

from server import models
from server.api.types.common import PageInfo

UserRole = strawberry.enum(models.UserRole, name="UserRole", description="What a person may do across cases.")


@strawberry.type
class User:
    id: strawberry.ID
    email: str
    name: str
    role: UserRole  # type: ignore[valid-type]

    @classmethod
    def of(cls, user: models.User) -> User:
        return cls(id=strawberry.ID(user.id), email=user.email, name=user.name, role=user.role)


@strawberry.type
class UserConnection:
    nodes: list[User]
    page_info: PageInfo


@strawberry.type
class DemoLogin:
    email: str
    password: str
    name: str
    role: UserRole  # type: ignore[valid-type]
