"""Explicit conversions between the three layers: tables (``api.tables``), the domain (``wfm.domain``)
and the wire (``api.schemas``)."""

from __future__ import annotations

import io
from collections.abc import Sequence
from typing import Any

import pandas as pd

from api import schemas
from api.tables import (
    AgentRow,
    AuditEntry,
    ForecastRow,
    HistoryUpload,
    Job,
    LeaveRow,
    QueueRow,
    RequirementRow,
    RosterVersion,
    ShiftTemplateRow,
    Team,
    User,
)
from wfm.domain import (
    Agent,
    LeaveRequest,
    PlanningHorizon,
    Queue,
    Roster,
    RosterCell,
    RosterRules,
    ShiftTemplate,
    Site,
)
from wfm.domain.opening_hours import OpeningHours
from wfm.domain.staffing_policy import StaffingPolicy


def body(model: Any) -> dict[str, Any]:
    """A domain object as JSON-ready data for a JSON column."""
    return dict(model.model_dump(mode="json"))


def site_of(
    team: Team, queues: Sequence[QueueRow], templates: Sequence[ShiftTemplateRow], agents: Sequence[AgentRow]
) -> Site:
    """The domain site a team's rows describe (validated as a whole)."""
    return Site(
        name=team.name,
        timezone=team.timezone,
        interval_minutes=team.interval_minutes,
        opening_hours=OpeningHours.model_validate(team.opening_hours),
        rules=RosterRules.model_validate(team.rules),
        staffing=StaffingPolicy.model_validate(team.staffing),
        queues=tuple(Queue.model_validate(row.body) for row in queues),
        shift_templates=tuple(ShiftTemplate.model_validate(row.body) for row in templates),
        agents=tuple(Agent.model_validate(row.body) for row in agents),
    )


def team_settings(site: Site) -> dict[str, Any]:
    """The team row's columns for a site."""
    return {
        "name": site.name,
        "timezone": site.timezone,
        "interval_minutes": site.interval_minutes,
        "opening_hours": body(site.opening_hours),
        "rules": body(site.rules),
        "staffing": body(site.staffing),
    }


def user_public(user: User) -> schemas.UserPublic:
    assert user.id is not None
    return schemas.UserPublic(
        id=user.id,
        username=user.username,
        full_name=user.full_name,
        role=user.role,
        team_id=user.team_id,
        agent_code=user.agent_code,
        active=user.active,
    )


def team_public(team: Team, site: Site) -> schemas.TeamPublic:
    assert team.id is not None
    return schemas.TeamPublic(
        id=team.id,
        name=team.name,
        timezone=team.timezone,
        interval_minutes=team.interval_minutes,
        revision=team.revision,
        queues=len(site.queues),
        shift_templates=len(site.shift_templates),
        agents=len(site.agents),
        created_at=team.created_at,
        updated_at=team.updated_at,
    )


def agent_public(team_id: int, agent: Agent) -> schemas.AgentPublic:
    return schemas.AgentPublic(team_id=team_id, **agent.model_dump())


def queue_public(team_id: int, queue: Queue) -> schemas.QueuePublic:
    return schemas.QueuePublic(team_id=team_id, **queue.model_dump())


def template_public(team_id: int, template: ShiftTemplate) -> schemas.ShiftTemplatePublic:
    return schemas.ShiftTemplatePublic(team_id=team_id, **template.model_dump())


def leave_of(row: LeaveRow) -> LeaveRequest:
    return LeaveRequest.model_validate(row.body)


def leave_public(row: LeaveRow) -> schemas.LeavePublic:
    assert row.id is not None
    return schemas.LeavePublic(id=row.id, team_id=row.team_id, **leave_of(row).model_dump())


def frame_bytes(frame: pd.DataFrame) -> bytes:
    buffer = io.BytesIO()
    frame.to_parquet(buffer, index=False)
    return buffer.getvalue()


def frame_of(data: bytes) -> pd.DataFrame:
    return pd.read_parquet(io.BytesIO(data))


def history_public(row: HistoryUpload) -> schemas.HistoryPublic:
    assert row.id is not None
    return schemas.HistoryPublic(
        id=row.id,
        team_id=row.team_id,
        filename=row.filename,
        rows=row.rows,
        first_interval=row.first_interval,
        last_interval=row.last_interval,
        interval_minutes=row.interval_minutes,
        queues=list(row.queues),
        created_at=row.created_at,
    )


def forecast_public(row: ForecastRow) -> schemas.ForecastPublic:
    assert row.id is not None
    return schemas.ForecastPublic(
        id=row.id,
        team_id=row.team_id,
        history_id=row.history_id,
        start=row.start,
        days=row.days,
        models=list(row.models),
        created_at=row.created_at,
    )


def requirement_public(row: RequirementRow, agent_hours: float) -> schemas.RequirementPublic:
    assert row.id is not None
    return schemas.RequirementPublic(
        id=row.id,
        team_id=row.team_id,
        forecast_id=row.forecast_id,
        start=row.start,
        days=row.days,
        agent_hours=agent_hours,
        created_at=row.created_at,
    )


def roster_of(version: RosterVersion) -> Roster:
    return Roster(
        horizon=PlanningHorizon(start=version.start, days=version.days),
        cells=tuple(RosterCell.model_validate(cell) for cell in version.cells),
    )


def cells_body(roster: Roster) -> list[dict[str, Any]]:
    return [body(cell) for cell in roster.cells]


def roster_public(version: RosterVersion) -> schemas.RosterPublic:
    assert version.id is not None
    return schemas.RosterPublic(
        id=version.id,
        team_id=version.team_id,
        number=version.number,
        state=version.state,
        start=version.start,
        days=version.days,
        requirement_id=version.requirement_id,
        parent_id=version.parent_id,
        note=version.note,
        solve=version.solve,
        violations=list(version.violations),
        created_at=version.created_at,
        published_at=version.published_at,
    )


def roster_detail(
    version: RosterVersion, cells: Sequence[dict[str, Any]] | None = None
) -> schemas.RosterDetail:
    public = roster_public(version)
    chosen = version.cells if cells is None else cells
    return schemas.RosterDetail(**public.model_dump(), cells=[schemas.Cell.model_validate(c) for c in chosen])


def job_public(job: Job) -> schemas.JobPublic:
    return schemas.JobPublic(
        id=job.id,
        kind=job.kind,
        team_id=job.team_id,
        state=job.state,
        progress=job.progress,
        params=job.params,
        result=job.result,
        error=job.error,
        created_at=job.created_at,
        started_at=job.started_at,
        finished_at=job.finished_at,
    )


def audit_public(entry: AuditEntry) -> schemas.AuditPublic:
    assert entry.id is not None
    return schemas.AuditPublic(
        id=entry.id,
        at=entry.at,
        user_id=entry.user_id,
        username=entry.username,
        action=entry.action,
        entity=entry.entity,
        entity_id=entry.entity_id,
        team_id=entry.team_id,
        detail=entry.detail,
        reason=entry.reason,
    )
