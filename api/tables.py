"""Storage: the SQLModel tables. Never the wire format (see ``api.schemas``), never the domain
(``wfm.domain``); ``api.mapping`` converts between them explicitly.

Reference data a site is made of (queues, shift templates, agents) is one row per item with its
validated domain body as JSON, so the whole site is rebuilt and re-checked by the domain model on
every change. Large tables of numbers (history, forecasts, requirements) are stored as Parquet bytes.
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from enum import StrEnum
from typing import Any

from pydantic import NaiveDatetime
from sqlalchemy import JSON, Column, LargeBinary, UniqueConstraint
from sqlmodel import Field, SQLModel


def now() -> datetime:
    return datetime.now(UTC)


class Role(StrEnum):
    AGENT = "agent"
    SCHEDULER = "scheduler"
    MANAGER = "manager"
    """The department manager: approves swaps and leave (the first step of leave's chain)."""
    HR = "hr"
    """Decides the HR step of leave of three days or more; nothing else."""
    GENERAL_MANAGER = "general_manager"
    """Decides the last step of leave of three days or more; nothing else."""


class User(SQLModel, table=True):
    __tablename__ = "users"

    id: int | None = Field(default=None, primary_key=True)
    username: str = Field(max_length=80, unique=True, index=True)
    full_name: str = Field(default="", max_length=120)
    role: Role
    team_id: int | None = Field(default=None, foreign_key="teams.id", index=True)
    agent_code: str | None = Field(default=None, max_length=40)
    password_hash: str = Field(max_length=255)
    active: bool = True
    created_at: datetime = Field(default_factory=now)


class Team(SQLModel, table=True):
    """A site and its team: the settings of ``wfm.domain.Site`` other than its lists."""

    __tablename__ = "teams"

    id: int | None = Field(default=None, primary_key=True)
    name: str = Field(max_length=80, unique=True, index=True)
    timezone: str = Field(max_length=64)
    interval_minutes: int
    opening_hours: dict[str, Any] = Field(sa_column=Column(JSON, nullable=False))
    rules: dict[str, Any] = Field(sa_column=Column(JSON, nullable=False))
    staffing: dict[str, Any] = Field(sa_column=Column(JSON, nullable=False))
    weights: dict[str, Any] = Field(sa_column=Column(JSON, nullable=False))
    """The soft rules' weights in force (``solver.SoftWeights``): what a roster of the team optimises."""
    revision: int = 1
    swap_lead_days: int = 1
    """Swaps are agreed at least this many days ahead of the first day they change."""
    auto_approve_swaps: bool = False
    """Whether a swap that passes every check (tier ``pass``) is applied once the partner accepts."""
    created_at: datetime = Field(default_factory=now)
    updated_at: datetime = Field(default_factory=now)


class RuleSet(SQLModel, table=True):
    """A named set of rules and soft weights a team keeps ready, made the team's own by applying it."""

    __tablename__ = "rule_sets"
    __table_args__ = (UniqueConstraint("team_id", "name"),)

    id: int | None = Field(default=None, primary_key=True)
    team_id: int = Field(foreign_key="teams.id", index=True)
    name: str = Field(max_length=80)
    description: str = Field(default="", max_length=1000)
    rules: dict[str, Any] = Field(sa_column=Column(JSON, nullable=False))
    weights: dict[str, Any] = Field(sa_column=Column(JSON, nullable=False))
    created_at: datetime = Field(default_factory=now)
    updated_at: datetime = Field(default_factory=now)


class QueueRow(SQLModel, table=True):
    __tablename__ = "queues"
    __table_args__ = (UniqueConstraint("team_id", "code"),)

    id: int | None = Field(default=None, primary_key=True)
    team_id: int = Field(foreign_key="teams.id", index=True)
    code: str = Field(max_length=40)
    body: dict[str, Any] = Field(sa_column=Column(JSON, nullable=False))


class ShiftTemplateRow(SQLModel, table=True):
    __tablename__ = "shift_templates"
    __table_args__ = (UniqueConstraint("team_id", "code"),)

    id: int | None = Field(default=None, primary_key=True)
    team_id: int = Field(foreign_key="teams.id", index=True)
    code: str = Field(max_length=40)
    body: dict[str, Any] = Field(sa_column=Column(JSON, nullable=False))


class AgentRow(SQLModel, table=True):
    __tablename__ = "agents"
    __table_args__ = (UniqueConstraint("team_id", "code"),)

    id: int | None = Field(default=None, primary_key=True)
    team_id: int = Field(foreign_key="teams.id", index=True)
    code: str = Field(max_length=40)
    name: str = Field(max_length=120)
    body: dict[str, Any] = Field(sa_column=Column(JSON, nullable=False))


class LeaveRow(SQLModel, table=True):
    """Leave of one agent over consecutive days: its ``body`` is the ``wfm.domain.LeaveRequest`` as it
    stands (filing, each step's decision, paperwork handed in)."""

    __tablename__ = "leave"

    id: int | None = Field(default=None, primary_key=True)
    team_id: int = Field(foreign_key="teams.id", index=True)
    agent_code: str = Field(max_length=40)
    body: dict[str, Any] = Field(sa_column=Column(JSON, nullable=False))
    created_at: datetime = Field(default_factory=now)


class HistoryUpload(SQLModel, table=True):
    """One accepted contact-history upload: the tidy series as Parquet."""

    __tablename__ = "history_uploads"

    id: int | None = Field(default=None, primary_key=True)
    team_id: int = Field(foreign_key="teams.id", index=True)
    filename: str = Field(max_length=255)
    rows: int
    first_interval: NaiveDatetime  # the site's wall-clock time, as in the history itself
    last_interval: NaiveDatetime
    interval_minutes: int
    queues: list[str] = Field(sa_column=Column(JSON, nullable=False))
    data: bytes = Field(sa_column=Column(LargeBinary, nullable=False))
    created_by: int | None = Field(default=None, foreign_key="users.id")
    created_at: datetime = Field(default_factory=now)


class ForecastRow(SQLModel, table=True):
    __tablename__ = "forecasts"

    id: int | None = Field(default=None, primary_key=True)
    team_id: int = Field(foreign_key="teams.id", index=True)
    history_id: int = Field(foreign_key="history_uploads.id")
    start: date
    days: int
    models: list[dict[str, Any]] = Field(sa_column=Column(JSON, nullable=False))
    data: bytes = Field(sa_column=Column(LargeBinary, nullable=False))
    created_by: int | None = Field(default=None, foreign_key="users.id")
    created_at: datetime = Field(default_factory=now)


class RequirementRow(SQLModel, table=True):
    """A staffing plan: agents needed per queue and interval, with the volume they answer."""

    __tablename__ = "requirements"

    id: int | None = Field(default=None, primary_key=True)
    team_id: int = Field(foreign_key="teams.id", index=True)
    forecast_id: int | None = Field(default=None, foreign_key="forecasts.id")
    start: date
    days: int
    data: bytes = Field(sa_column=Column(LargeBinary, nullable=False))
    created_by: int | None = Field(default=None, foreign_key="users.id")
    created_at: datetime = Field(default_factory=now)


class RosterState(StrEnum):
    DRAFT = "draft"
    PUBLISHED = "published"


class RosterVersion(SQLModel, table=True):
    """One version of a team's roster for a horizon. A published version is never changed again."""

    __tablename__ = "roster_versions"
    __table_args__ = (UniqueConstraint("team_id", "number"),)

    id: int | None = Field(default=None, primary_key=True)
    team_id: int = Field(foreign_key="teams.id", index=True)
    number: int
    state: RosterState = RosterState.DRAFT
    start: date
    days: int
    requirement_id: int | None = Field(default=None, foreign_key="requirements.id")
    parent_id: int | None = Field(default=None, foreign_key="roster_versions.id")
    cells: list[dict[str, Any]] = Field(sa_column=Column(JSON, nullable=False))
    solve: dict[str, Any] | None = Field(default=None, sa_column=Column(JSON, nullable=True))
    kpis: dict[str, Any] | None = Field(default=None, sa_column=Column(JSON, nullable=True))
    violations: list[str] = Field(default_factory=list, sa_column=Column(JSON, nullable=False))
    note: str = Field(default="", max_length=500)
    created_by: int | None = Field(default=None, foreign_key="users.id")
    created_at: datetime = Field(default_factory=now)
    published_at: datetime | None = None


class JobState(StrEnum):
    QUEUED = "queued"
    RUNNING = "running"
    SUCCEEDED = "succeeded"
    FAILED = "failed"
    CANCELLED = "cancelled"
    INTERRUPTED = "interrupted"


class Job(SQLModel, table=True):
    __tablename__ = "jobs"

    id: str = Field(primary_key=True, max_length=36)
    kind: str = Field(max_length=40)
    team_id: int = Field(foreign_key="teams.id", index=True)
    state: JobState = JobState.QUEUED
    progress: float = 0.0
    params: dict[str, Any] = Field(sa_column=Column(JSON, nullable=False))
    result: dict[str, Any] | None = Field(default=None, sa_column=Column(JSON, nullable=True))
    error: dict[str, Any] | None = Field(default=None, sa_column=Column(JSON, nullable=True))
    created_by: int | None = Field(default=None, foreign_key="users.id")
    created_at: datetime = Field(default_factory=now)
    started_at: datetime | None = None
    finished_at: datetime | None = None


class AuditEntry(SQLModel, table=True):
    """Who changed what, when, and why."""

    __tablename__ = "audit_log"

    id: int | None = Field(default=None, primary_key=True)
    at: datetime = Field(default_factory=now, index=True)
    user_id: int | None = Field(default=None, foreign_key="users.id")
    username: str = Field(max_length=80)
    action: str = Field(max_length=40)
    entity: str = Field(max_length=40)
    entity_id: str = Field(max_length=64)
    team_id: int | None = Field(default=None, index=True)
    detail: dict[str, Any] = Field(sa_column=Column(JSON, nullable=False))
    reason: str = Field(default="", max_length=1000)


class SwapState(StrEnum):
    REQUESTED = "requested"
    """Filed by the requester; waiting for the partner."""
    ACCEPTED = "accepted"
    """The partner agreed; waiting for the manager."""
    DECLINED = "declined"
    APPROVED = "approved"
    """Applied: a new published roster version holds it."""
    DENIED = "denied"
    WITHDRAWN = "withdrawn"
    """No longer possible (the roster changed under it and it no longer passes), or taken back."""


class SwapRequest(SQLModel, table=True):
    """A swap between two agents of a team, from filing to the manager's decision."""

    __tablename__ = "swap_requests"

    id: int | None = Field(default=None, primary_key=True)
    team_id: int = Field(foreign_key="teams.id", index=True)
    roster_id: int = Field(foreign_key="roster_versions.id")
    """The published version the swap was filed against (and last checked on)."""
    kind: str = Field(max_length=20)
    requester: str = Field(max_length=40)
    partner: str = Field(max_length=40)
    day: date
    other_day: date | None = None
    agreed: list[dict[str, Any]] = Field(sa_column=Column(JSON, nullable=False))
    """The cells the two agents agreed to exchange, as they were when it was filed."""
    state: SwapState = SwapState.REQUESTED
    tier: str = Field(max_length=10)
    verdict: dict[str, Any] = Field(sa_column=Column(JSON, nullable=False))
    """The last check: tier, reasons, and each interval whose cover changes."""
    note: str = Field(default="", max_length=500)
    comment: str = Field(default="", max_length=1000)
    """The partner's or the manager's words with their decision."""
    filed_by: int | None = Field(default=None, foreign_key="users.id")
    decided_by: int | None = Field(default=None, foreign_key="users.id")
    applied_roster_id: int | None = Field(default=None, foreign_key="roster_versions.id")
    created_at: datetime = Field(default_factory=now)
    updated_at: datetime = Field(default_factory=now)


class Pin(SQLModel, table=True):
    """A cell a later re-solve must keep (an approved swap's), until a manager releases it."""

    __tablename__ = "pins"

    id: int | None = Field(default=None, primary_key=True)
    team_id: int = Field(foreign_key="teams.id", index=True)
    agent_code: str = Field(max_length=40)
    day: date
    cell: dict[str, Any] = Field(sa_column=Column(JSON, nullable=False))
    source: str = Field(max_length=120)
    created_at: datetime = Field(default_factory=now)
    released_at: datetime | None = None
    released_by: int | None = Field(default=None, foreign_key="users.id")


class Notice(SQLModel, table=True):
    """One message in one user's inbox."""

    __tablename__ = "notices"

    id: int | None = Field(default=None, primary_key=True)
    user_id: int = Field(foreign_key="users.id", index=True)
    text: str = Field(max_length=2000)
    swap_id: int | None = Field(default=None, foreign_key="swap_requests.id")
    leave_id: int | None = Field(default=None, foreign_key="leave.id")
    created_at: datetime = Field(default_factory=now)
    read_at: datetime | None = None


class ScenarioRow(SQLModel, table=True):
    """A manager's what-if: overrides to a team's planning inputs, on a baseline requirement (and, for
    evaluating it, a baseline roster). Never changed after it is made; runs keep a copy of it."""

    __tablename__ = "scenarios"
    __table_args__ = (UniqueConstraint("team_id", "name"),)

    id: int | None = Field(default=None, primary_key=True)
    team_id: int = Field(foreign_key="teams.id", index=True)
    name: str = Field(max_length=80)
    definition: dict[str, Any] = Field(sa_column=Column(JSON, nullable=False))
    requirement_id: int = Field(foreign_key="requirements.id")
    roster_id: int | None = Field(default=None, foreign_key="roster_versions.id")
    created_by: int | None = Field(default=None, foreign_key="users.id")
    created_at: datetime = Field(default_factory=now)


class ScenarioRunRow(SQLModel, table=True):
    """One run of a scenario in one mode: its KPIs, and the roster it gave (promotable to a draft)."""

    __tablename__ = "scenario_runs"

    id: int | None = Field(default=None, primary_key=True)
    scenario_id: int = Field(foreign_key="scenarios.id", index=True)
    team_id: int = Field(foreign_key="teams.id", index=True)
    mode: str = Field(max_length=20)
    status: str = Field(max_length=60)
    definition: dict[str, Any] = Field(sa_column=Column(JSON, nullable=False))
    settings: dict[str, Any] = Field(sa_column=Column(JSON, nullable=False))
    result: dict[str, Any] = Field(sa_column=Column(JSON, nullable=False))
    cells: list[dict[str, Any]] | None = Field(default=None, sa_column=Column(JSON, nullable=True))
    start: date
    days: int
    created_by: int | None = Field(default=None, foreign_key="users.id")
    created_at: datetime = Field(default_factory=now)
