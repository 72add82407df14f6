"""Explicit conversions between the three layers: tables (``api.tables``), the domain (``wfm.domain``)
and the wire (``api.schemas``)."""

from __future__ import annotations

import io
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

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
    RuleSet,
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

if TYPE_CHECKING:
    from solver import SoftWeights


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


def weights_of(data: dict[str, Any]) -> schemas.Weights:
    """Stored weights (a team's or a rule set's JSON column), validated."""
    return schemas.Weights.model_validate(data)


def soft_weights(weights: schemas.Weights) -> SoftWeights:
    """The solver's weights, field by field."""
    from solver import SoftWeights

    return SoftWeights(
        short_minute=weights.short_minute,
        deep_short_minute=weights.deep_short_minute,
        shallow_share=weights.shallow_share,
        surplus_minute=weights.surplus_minute,
        paid_minute=weights.paid_minute,
        fairness_late=weights.fairness_late,
        fairness_weekend=weights.fairness_weekend,
        request_unit=weights.request_unit,
        stability_change=weights.stability_change,
        zigzag=weights.zigzag,
    )


def team_weights(team: Team) -> SoftWeights:
    """The soft weights every roster of the team is solved and judged with."""
    return soft_weights(weights_of(team.weights))


def rule_set_public(rule_set: RuleSet) -> schemas.RuleSetPublic:
    assert rule_set.id is not None
    return schemas.RuleSetPublic(
        id=rule_set.id,
        team_id=rule_set.team_id,
        name=rule_set.name,
        description=rule_set.description,
        rules=RosterRules.model_validate(rule_set.rules),
        weights=weights_of(rule_set.weights),
        created_at=rule_set.created_at,
        updated_at=rule_set.updated_at,
    )


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
    """The leave as it stands, with the step awaited and the paperwork missing (the manuals' policy)."""
    from wfm.domain.leave import missing_paperwork, next_step

    assert row.id is not None
    request = leave_of(row)
    return schemas.LeavePublic(
        id=row.id,
        team_id=row.team_id,
        awaiting=next_step(request),
        missing_paperwork=[p.message for p in missing_paperwork(request)]
        if next_step(request) is not None
        else [],
        **request.model_dump(),
    )


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
