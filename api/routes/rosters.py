"""Rosters: solved as background jobs, kept as versions (draft -> published), viewed, edited by hand.

A published version is never changed: editing it makes a new draft. Every edit is judged by the
same rules' check faces the solver used; an edit that breaks a hard rule is refused (409) unless a
scheduler gives a written reason, which is recorded with the edit in the audit log.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace
from datetime import UTC, date, datetime
from typing import TYPE_CHECKING, Any

from fastapi import APIRouter, HTTPException, Request, Response, status
from pydantic import ValidationError
from sqlmodel import Session, col, select
from starlette.concurrency import run_in_threadpool

from api import schemas
from api.cache import Answer, PublishedAnswers
from api.deps import (
    PathId,
    PublishedDep,
    RunnerDep,
    Scheduler,
    SessionDep,
    SettingsDep,
    UserDep,
    team_for,
    today_at,
)
from api.errors import RuleConflict
from api.fast_reads import may_read
from api.jobs import JobControl, Save, new_job, plain
from api.judging import team_inputs
from api.mapping import (
    body,
    cells_body,
    job_public,
    roster_detail,
    roster_of,
    roster_public,
)
from api.routes.forecasts import requirement_row
from api.schemas import ERRORS
from api.store import actor_of, add_roster_version, load_site, record, team_pins
from api.tables import RequirementRow, Role, RosterState, RosterVersion, Team, User
from wfm.domain import CellKind, LeaveRequest, LeaveStatus, PlanningHorizon, Roster, RosterCell, Site
from wfm.domain.parsing import problems_from
from wfm.errors import InputError, Problem

if TYPE_CHECKING:
    from solver import SoftWeights

router = APIRouter(tags=["rosters"], responses=ERRORS)

KPI_PARTS = ("summary", "queues", "agents", "fairness", "coverage", "service")


def _inputs(
    session: Session, team_id: PathId, requirement: RequirementRow | None, horizon: PlanningHorizon
) -> tuple[Site, Any, Any, list[Any], SoftWeights]:
    team = session.get(Team, team_id)
    assert team is not None
    return team_inputs(session, team, requirement)


def _judged(
    site: Site,
    horizon: PlanningHorizon,
    plan: Any,
    needed: Any,
    leave: list[Any],
    weights: SoftWeights,
    roster: Roster,
) -> tuple[dict[str, Any], list[str], dict[str, Any]]:
    """KPIs, hard violations and costs of any roster, by the rules' check faces."""
    from solver.solve import check_roster, split_violations
    from wfm.pipeline import roster_kpis_of, roster_problem

    problem = roster_problem(site, horizon, needed, leave=leave, weights=weights)
    hard, soft = split_violations(check_roster(problem, roster.cells))
    kpis = plain(roster_kpis_of(problem, roster, site=site, volume=plan).to_dict())
    cost_by_rule: dict[str, int] = {}
    for violation in soft:
        cost_by_rule[violation.rule] = cost_by_rule.get(violation.rule, 0) + violation.cost
    costs = {"objective": sum(cost_by_rule.values()), "cost_by_rule": cost_by_rule}
    return kpis, [str(v) for v in hard], costs


def _pinned(
    session: Session, team_id: int, horizon: PlanningHorizon, site: Site, leave: Sequence[LeaveRequest]
) -> list[RosterCell]:
    """The team's active pins in the horizon (approved swaps'), but not on an agent-day of approved
    leave (the agent is away) nor of an agent who has left the team."""
    agents = {a.id for a in site.agents}
    away = _leave_days(leave)
    pins = team_pins(session, team_id, horizon)
    return [c for c in pins if c.agent_id in agents and (c.agent_id, c.day) not in away]


def _leave_days(leave: Sequence[LeaveRequest]) -> set[tuple[str, date]]:
    approved = (item for item in leave if item.status is LeaveStatus.APPROVED)
    return {(item.agent_id, day) for item in approved for day in item.dates}


def _submit_solve(
    *,
    session: Session,
    runner: RunnerDep,
    settings: SettingsDep,
    user: User,
    kind: str,
    team_id: int,
    params: dict[str, Any],
    horizon: PlanningHorizon,
    requirement_id: int | None,
    inputs: tuple[Site, Any, Any, list[Any], SoftWeights],
    pinned: Sequence[RosterCell] = (),
    previous: RosterVersion | None = None,
    time_limit_s: float | None,
    seed: int,
    note: str,
) -> schemas.JobPublic:
    """Solve as a background job; the roster becomes a new draft version (a child of ``previous``,
    which the solve keeps as much of as the stability weight asks)."""
    site, plan, needed, leave, weights = inputs
    if not site.agents:
        raise InputError("solve refused", [Problem("the team has no agents", field="team_id")])
    time_limit = time_limit_s or settings.solve_time_limit_s
    before = roster_of(previous) if previous is not None else None
    before_cells = list(previous.cells) if previous is not None else []
    parent_id = previous.id if previous is not None else None  # read now: committing the job expires it
    job = new_job(session, kind=kind, team_id=team_id, params=params, actor=user)
    actor = actor_of(user)

    def work(control: JobControl) -> Save:
        from wfm.pipeline import roster_problem, solve_roster

        problem = roster_problem(
            site, horizon, needed, leave=leave, pinned=pinned, previous=before, weights=weights
        )
        control.progress(0.1)
        run = solve_roster(
            problem,
            site=site,
            volume=plan,
            time_limit_s=time_limit,
            workers=settings.solver_workers,
            seed=seed,
            stop=control.stop,
            from_previous=before is not None,
        )
        result = run.result
        if result.roster is None:
            raise InputError(
                f"no roster: {result.message or result.status.value}",
                [Problem(reason, field="rules") for reason in result.explanation],
            )
        roster = result.roster
        summary = {
            "status": result.status.value,
            "objective": result.objective,
            "lower_bound": result.lower_bound,
            "gap": result.gap,
            "solve_seconds": round(result.solve_seconds, 3),
            "cost_by_rule": dict(result.cost_by_rule),
            "time_limit_s": time_limit,
            "pinned": len(pinned),
        }
        if parent_id is not None:
            changes = cell_changes(before_cells, cells_body(roster))
            summary["changed_cells"] = len(changes)
            summary["changed_agents"] = len({c.agent_id for c in changes})
        kpis = plain(run.kpis.to_dict()) if run.kpis is not None else None
        hard = [str(v) for v in result.hard_violations]

        def save(db: Session) -> dict[str, Any]:
            version = add_roster_version(
                session=db,
                team_id=team_id,
                roster=roster,
                actor=actor,
                requirement_id=requirement_id,
                parent_id=parent_id,
                solve=summary,
                kpis=kpis,
                violations=hard,
                note=f"{note} ({result.status.value})",
            )
            return {"roster_id": version.id, "number": version.number, **summary}

        return save

    runner.submit(job.id, work)
    return job_public(job)


@router.post(
    "/teams/{team_id}/rosters/solve", response_model=schemas.JobPublic, status_code=status.HTTP_202_ACCEPTED
)
def start_solve(
    team_id: PathId,
    request: schemas.SolveCreate,
    user: Scheduler,
    session: SessionDep,
    runner: RunnerDep,
    settings: SettingsDep,
) -> schemas.JobPublic:
    """Solve a roster for a requirement's horizon as a background job; it becomes a new draft version.

    Active pins in the horizon (an approved swap's cells) are kept, unless a manager released them.
    """
    team_for(session, user, team_id)
    requirement = session.get(RequirementRow, request.requirement_id)
    if requirement is None or requirement.team_id != team_id:
        raise InputError(
            "solve refused",
            [Problem(f"no requirement {request.requirement_id} in this team", field="requirement_id")],
        )
    horizon = PlanningHorizon(start=requirement.start, days=requirement.days)
    inputs = _inputs(session, team_id, requirement, horizon)
    return _submit_solve(
        session=session,
        runner=runner,
        settings=settings,
        user=user,
        kind="solve",
        team_id=team_id,
        params=request.model_dump(mode="json"),
        horizon=horizon,
        requirement_id=requirement.id,
        inputs=inputs,
        pinned=_pinned(session, team_id, horizon, inputs[0], inputs[3]),
        time_limit_s=request.time_limit_s,
        seed=request.seed,
        note="solved",
    )


RESOLVE_STABILITY = 5000
"""The least a re-solve charges for changing a cell of the published roster: about what one agent short
for a whole shift costs (480 minutes at 10), so a cell changes when it buys back about a shift of
cover. (Sample week, two days of one agent's new sick leave, 4 s: at 5,000 one colleague covers and
nothing else moves; at 2,000 some 20 agents move to mend other cover; at 10,000 the gap stays.)"""


@router.post(
    "/rosters/{roster_id}/resolve", response_model=schemas.JobPublic, status_code=status.HTTP_202_ACCEPTED
)
def start_resolve(
    roster_id: PathId,
    request: schemas.ResolveCreate,
    user: Scheduler,
    session: SessionDep,
    runner: RunnerDep,
    settings: SettingsDep,
) -> schemas.JobPublic:
    """Re-solve a published roster from ``from_day`` on with the team's current leave, changing as few
    cells as possible; every cell before ``from_day`` and every active pin is kept. The result is a new
    draft whose parent is the published version: see ``GET /rosters/{id}/changes`` before publishing."""
    version = _version(session, user, roster_id)
    if version.state is not RosterState.PUBLISHED:
        raise HTTPException(
            status.HTTP_409_CONFLICT,
            detail=f"roster {roster_id} is a draft: re-solve the published version it would replace",
        )
    team = team_for(session, user, version.team_id)
    horizon = PlanningHorizon(start=version.start, days=version.days)
    today = today_at(settings, team)
    from_day = request.from_day or max(today, horizon.start)
    if from_day not in horizon or from_day < today:
        raise InputError(
            "re-solve refused",
            [
                Problem(
                    f"{from_day.isoformat()} must lie in the roster's horizon {horizon} and not before today "
                    f"({today.isoformat()}): the past is not re-solved",
                    field="from_day",
                )
            ],
        )
    requirement = requirement_row(session, user, version.requirement_id) if version.requirement_id else None
    site, plan, needed, leave, weights = _inputs(session, version.team_id, requirement, horizon)
    stability = (
        request.stability_weight
        if request.stability_weight is not None
        else max(weights.stability_change, RESOLVE_STABILITY)
    )
    weights = replace(weights, stability_change=stability)
    away = _leave_days(leave)
    kept: dict[tuple[str, date], RosterCell] = {}
    for cell in roster_of(version).cells:
        if cell.day < from_day:
            key = (cell.agent_id, cell.day)
            # leave approved since for a past day: the day is kept off, and shown as leave
            kept[key] = RosterCell.rest(*key) if key in away and cell.kind is CellKind.SHIFT else cell
    for cell in _pinned(session, version.team_id, horizon, site, leave):
        kept.setdefault((cell.agent_id, cell.day), cell)
    agents = {a.id for a in site.agents}
    pinned = [cell for key, cell in kept.items() if key[0] in agents]
    return _submit_solve(
        session=session,
        runner=runner,
        settings=settings,
        user=user,
        kind="resolve",
        team_id=version.team_id,
        params={**request.model_dump(mode="json"), "roster_id": roster_id, "from_day": from_day.isoformat()},
        horizon=horizon,
        requirement_id=version.requirement_id,
        inputs=(site, plan, needed, leave, weights),
        pinned=pinned,
        previous=version,
        time_limit_s=request.time_limit_s,
        seed=request.seed,
        note=f"re-solve of published version {version.number} from {from_day.isoformat()}",
    )


def _day_of(cell: dict[str, Any]) -> tuple[Any, ...]:
    """What an agent does that day (a break moved within the same shift is not a change of it)."""
    return (cell["kind"], cell.get("shift"), cell.get("queue"), cell.get("leave_type"))


def cell_changes(
    before: Sequence[dict[str, Any]], after: Sequence[dict[str, Any]]
) -> list[schemas.CellChange]:
    """The agent-days whose cell differs between two versions' cells, by agent then day."""
    old = {(c["agent_id"], c["day"]): c for c in before}
    new = {(c["agent_id"], c["day"]): c for c in after}
    changes = []
    for key in sorted(old.keys() | new.keys()):
        was, now = old.get(key), new.get(key)
        if was is None or now is None or _day_of(was) != _day_of(now):
            changes.append(
                schemas.CellChange(
                    agent_id=key[0],
                    day=key[1],
                    before=schemas.Cell.model_validate(was) if was is not None else None,
                    after=schemas.Cell.model_validate(now) if now is not None else None,
                )
            )
    return changes


@router.get("/rosters/{roster_id}/changes", response_model=schemas.RosterChanges)
def roster_changes(roster_id: PathId, user: UserDep, session: SessionDep) -> schemas.RosterChanges:
    """The cells a version changes from the version it was made from (a re-solve's or an edit's)."""
    version = _version(session, user, roster_id)
    if version.parent_id is None:
        raise HTTPException(
            status.HTTP_409_CONFLICT, detail=f"roster {roster_id} was solved afresh: it has no parent version"
        )
    parent = session.get(RosterVersion, version.parent_id)
    assert parent is not None and version.id is not None
    changes = cell_changes(parent.cells, version.cells)
    return schemas.RosterChanges(
        roster_id=version.id,
        parent_id=version.parent_id,
        agents=len({c.agent_id for c in changes}),
        changes=changes,
    )


def _version(session: Session, user: User, roster_id: PathId) -> RosterVersion:
    version = session.get(RosterVersion, roster_id)
    if version is None:
        raise HTTPException(status.HTTP_404_NOT_FOUND, detail=f"no roster {roster_id}")
    team_for(session, user, version.team_id)
    if user.role is Role.AGENT and version.state is not RosterState.PUBLISHED:
        raise HTTPException(status.HTTP_403_FORBIDDEN, detail="an agent sees published rosters only")
    return version


@router.get("/teams/{team_id}/rosters", response_model=list[schemas.RosterPublic])
def list_rosters(team_id: PathId, user: UserDep, session: SessionDep) -> list[schemas.RosterPublic]:
    """The team's roster versions, newest first (an agent sees the published ones)."""
    team_for(session, user, team_id)
    query = select(RosterVersion).where(RosterVersion.team_id == team_id)
    if user.role is Role.AGENT:
        query = query.where(RosterVersion.state == RosterState.PUBLISHED)
    return [roster_public(v) for v in session.exec(query.order_by(col(RosterVersion.number).desc())).all()]


@router.get("/rosters/{roster_id}", response_model=schemas.RosterDetail)
async def get_roster(
    roster_id: PathId,
    user: UserDep,
    session: SessionDep,
    published: PublishedDep,
    request: Request,
    kpis: bool = False,
) -> Response:
    """A roster version with every cell (and its KPIs with ``?kpis=true``).

    A published version's answer is served from memory after its first read, without the database
    or the thread pool (and, once its reader is known, by ``api.fast_reads`` in front of the router):
    it is the page every agent of the team opens.
    """
    key = (roster_id, kpis)
    answer = published.get(key)
    if answer is None:
        answer = await run_in_threadpool(_roster_answer, session, user, roster_id, kpis, published)
    elif not may_read(user, answer.team_id):
        raise HTTPException(status.HTTP_403_FORBIDDEN, detail="an agent sees only their own team")
    if "gzip" in request.headers.get("accept-encoding", ""):
        return Response(
            content=answer.gzipped,
            media_type="application/json",
            headers={"Content-Encoding": "gzip", "Vary": "Accept-Encoding"},
        )
    return Response(content=answer.body, media_type="application/json", headers={"Vary": "Accept-Encoding"})


def _roster_answer(
    session: Session, user: User, roster_id: int, kpis: bool, published: PublishedAnswers
) -> Answer:
    version = _version(session, user, roster_id)
    detail = roster_detail(version)
    if kpis:
        detail = detail.model_copy(update={"kpis": version.kpis})
    answer = Answer(team_id=version.team_id, body=detail.model_dump_json().encode())
    if version.state is RosterState.PUBLISHED:
        published.put((roster_id, kpis), answer)
    return answer


def _cell_text(cell: dict[str, Any] | None) -> str:
    if cell is None:
        return ""
    if cell["kind"] == "shift":
        return f"{cell['shift']}@{cell['queue']}"
    if cell["kind"] == "leave":
        return f"leave:{cell.get('leave_type') or ''}".rstrip(":")
    return "rest"


@router.get("/rosters/{roster_id}/grid", response_model=schemas.RosterGrid)
def roster_grid(roster_id: PathId, user: UserDep, session: SessionDep) -> schemas.RosterGrid:
    """Agents as rows and days as columns."""
    version = _version(session, user, roster_id)
    horizon = PlanningHorizon(start=version.start, days=version.days)
    site = load_site(session, team_for(session, user, version.team_id))
    by_key = {(c["agent_id"], c["day"]): c for c in version.cells}
    names = {a.id: a.name for a in site.agents}
    agents = sorted({c["agent_id"] for c in version.cells} | set(names))
    rows = [
        schemas.GridRow(
            agent_id=a,
            name=names.get(a, a),
            cells=[_cell_text(by_key.get((a, d.isoformat()))) for d in horizon.dates],
        )
        for a in agents
    ]
    assert version.id is not None
    return schemas.RosterGrid(roster_id=version.id, days=list(horizon.dates), rows=rows)


@router.get("/rosters/{roster_id}/agents/{agent_id}", response_model=schemas.RosterDetail)
def roster_by_agent(
    roster_id: PathId, agent_id: str, user: UserDep, session: SessionDep
) -> schemas.RosterDetail:
    """One agent's days in a roster version."""
    version = _version(session, user, roster_id)
    cells = [c for c in version.cells if c["agent_id"] == agent_id]
    if not cells:
        raise HTTPException(
            status.HTTP_404_NOT_FOUND, detail=f"agent '{agent_id}' has no days in roster {roster_id}"
        )
    return roster_detail(version, cells)


@router.get("/rosters/{roster_id}/days/{day}", response_model=schemas.RosterDetail)
def roster_by_day(roster_id: PathId, day: date, user: UserDep, session: SessionDep) -> schemas.RosterDetail:
    """Every agent on one day of a roster version."""
    version = _version(session, user, roster_id)
    if day not in PlanningHorizon(start=version.start, days=version.days):
        raise HTTPException(
            status.HTTP_404_NOT_FOUND, detail=f"{day.isoformat()} is outside roster {roster_id}"
        )
    return roster_detail(version, [c for c in version.cells if c["day"] == day.isoformat()])


@router.get("/rosters/{roster_id}/kpis", response_model=dict[str, Any])
def roster_kpis(roster_id: PathId, user: UserDep, session: SessionDep) -> dict[str, Any]:
    """Coverage against requirement, projected service level, paid hours and fairness."""
    version = _version(session, user, roster_id)
    return version.kpis or {}


@router.post("/rosters/{roster_id}/publish", response_model=schemas.RosterPublic)
def publish(roster_id: PathId, user: Scheduler, session: SessionDep) -> schemas.RosterPublic:
    """Publish a draft: agents see it, and it is never changed again."""
    version = session.exec(
        select(RosterVersion).where(RosterVersion.id == roster_id).with_for_update()
    ).first()
    if version is None:
        raise HTTPException(status.HTTP_404_NOT_FOUND, detail=f"no roster {roster_id}")
    team_for(session, user, version.team_id)
    if version.state is RosterState.PUBLISHED:
        raise HTTPException(status.HTTP_409_CONFLICT, detail=f"roster {roster_id} is already published")
    if version.violations:
        raise HTTPException(
            status.HTTP_409_CONFLICT,
            detail=f"roster {roster_id} breaks {len(version.violations)} hard rule(s); mend it first: "
            f"{version.violations[0]}",
        )
    version.state = RosterState.PUBLISHED
    version.published_at = datetime.now(UTC)
    session.add(version)
    record(
        session,
        actor=user,
        action="publish",
        entity="roster",
        entity_id=roster_id,
        team_id=version.team_id,
        detail={"number": version.number},
    )
    session.commit()
    session.refresh(version)
    return roster_public(version)


def _edited(cells: Sequence[dict[str, Any]], new: RosterCell) -> list[dict[str, Any]]:
    kept = [c for c in cells if not (c["agent_id"] == new.agent_id and c["day"] == new.day.isoformat())]
    return [*kept, body(new)]


@router.put("/rosters/{roster_id}/cells/{agent_id}/{day}", response_model=schemas.EditOutcome)
def edit_cell(
    roster_id: PathId, agent_id: str, day: date, edit: schemas.CellEdit, user: Scheduler, session: SessionDep
) -> schemas.EditOutcome:
    """Change one agent's day. Broken hard rules refuse the edit (409) unless an override reason is given."""
    version = _version(session, user, roster_id)
    horizon = PlanningHorizon(start=version.start, days=version.days)
    if day not in horizon:
        raise InputError(
            "edit refused",
            [Problem(f"{day.isoformat()} is outside the roster's horizon {horizon}", field="day")],
        )
    try:
        cell = RosterCell(agent_id=agent_id, day=day, **edit.model_dump(exclude={"override_reason"}))
    except ValidationError as error:
        raise InputError("edit refused", problems_from(error)) from None
    requirement = requirement_row(session, user, version.requirement_id) if version.requirement_id else None
    site, plan, needed, leave, weights = _inputs(session, version.team_id, requirement, horizon)
    cells = _edited(version.cells, cell)
    roster = Roster(horizon=horizon, cells=tuple(RosterCell.model_validate(c) for c in cells))
    site.check_roster_references(roster)
    kpis, hard, costs = _judged(site, horizon, plan, needed, leave, weights, roster)
    new_breaks = [v for v in hard if v not in set(version.violations)]
    if new_breaks and edit.override_reason is None:
        raise RuleConflict("the edit breaks hard rules; give override_reason to apply it anyway", new_breaks)
    before = next(
        (c for c in version.cells if c["agent_id"] == agent_id and c["day"] == day.isoformat()), None
    )
    detail = {
        "agent_id": agent_id,
        "day": day.isoformat(),
        "before": before,
        "after": body(cell),
        "violations": new_breaks,
    }
    if version.state is RosterState.PUBLISHED:
        target = add_roster_version(
            session=session,
            team_id=version.team_id,
            roster=roster,
            actor=user,
            requirement_id=version.requirement_id,
            parent_id=version.id,
            solve={**(version.solve or {}), **costs},
            kpis=kpis,
            violations=hard,
            note=f"edit of published version {version.number}",
            reason=edit.override_reason or "",
        )
    else:
        target = version
        target.cells = cells
        target.kpis = kpis
        target.violations = hard
        target.solve = {**(version.solve or {}), **costs}
        session.add(target)
    session.flush()
    record(
        session,
        actor=user,
        action="edit",
        entity="roster_cell",
        entity_id=target.id,
        team_id=version.team_id,
        detail=detail,
        reason=edit.override_reason or "",
    )
    session.commit()
    session.refresh(target)
    return schemas.EditOutcome(roster=roster_public(target), applied=True, violations=hard)
