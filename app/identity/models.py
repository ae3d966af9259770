import uuid
from datetime import datetime

from sqlalchemy import CheckConstraint, ForeignKey, Index, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from app.core.db import Base, Timestamped, utcnow, uuid_pk
from app.core.types import UTCDateTime, region_code_type

_ROLES = "('admin','district_officer','street_officer','community_worker','grid_worker','social_worker','department_officer','auditor')"


class User(Timestamped, Base):
    """A person who signs in: staff of the bureau, streets, communities, agencies, departments."""

    __tablename__ = "users"
    __table_args__ = (
        CheckConstraint(f"role IN {_ROLES}", name="role"),
        # The staff directory's order and its name-prefix search (`identity.directory`).
        Index("ix_users_display_name_id", "display_name", "id"),
    )

    id: Mapped[uuid.UUID] = uuid_pk()
    username: Mapped[str] = mapped_column(String(64), unique=True)
    display_name: Mapped[str] = mapped_column(String(100))
    phone: Mapped[str | None] = mapped_column(String(20))
    role: Mapped[str] = mapped_column(String(32), index=True)
    scope_region_code: Mapped[str | None] = mapped_column(
        region_code_type(), ForeignKey("regions.code", ondelete="RESTRICT"), index=True
    )
    organization_id: Mapped[uuid.UUID | None] = mapped_column(
        ForeignKey("organizations.id", ondelete="RESTRICT"), index=True
    )
    active: Mapped[bool] = mapped_column(default=True)
    confidentiality_signed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    password_hash: Mapped[str] = mapped_column(String(255))
    password_changed_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    tokens_valid_after: Mapped[datetime | None] = mapped_column(UTCDateTime)
    """Set on a role, scope, organization or password change: older access tokens stop."""
    version: Mapped[int] = mapped_column(Integer, default=1)


class ApiClient(Timestamped, Base):
    """A partner system (Red Cross, charity federation) using client credentials."""

    __tablename__ = "api_clients"

    id: Mapped[uuid.UUID] = uuid_pk()
    client_id: Mapped[str] = mapped_column(String(64), unique=True)
    name: Mapped[str] = mapped_column(String(100))
    organization_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("organizations.id", ondelete="RESTRICT"), index=True
    )
    secret_hash: Mapped[str] = mapped_column(String(64))
    active: Mapped[bool] = mapped_column(default=True)
    version: Mapped[int] = mapped_column(Integer, default=1, server_default="1")


class RefreshToken(Base):
    """An opaque refresh token, stored hashed; rotated on every use within one family."""

    __tablename__ = "refresh_tokens"
    __table_args__ = (Index("ix_refresh_tokens_user_id_revoked_at", "user_id", "revoked_at"),)

    id: Mapped[uuid.UUID] = uuid_pk()
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    family_id: Mapped[uuid.UUID] = mapped_column(index=True)
    user_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    issued_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime)
    used_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime)


class LoginThrottle(Base):
    """Failed sign-ins counted per account or per address (`subject`), and the lock they lead to."""

    __tablename__ = "login_throttles"

    subject: Mapped[str] = mapped_column(String(120), primary_key=True)
    failures: Mapped[int] = mapped_column(Integer, default=0)
    last_failure_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    locked_until: Mapped[datetime | None] = mapped_column(UTCDateTime, index=True)
