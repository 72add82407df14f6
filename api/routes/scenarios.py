"""What-if scenarios (managers): overrides to a team's planning inputs, run in the background, compared
side by side, and a scenario's roster promoted to a new draft.

A scenario starts from a stored requirement (its volume is the forecast the overrides change) and,
to evaluate "what happens if we do nothing", a stored roster version. Scenarios never change a
stored roster: a run keeps its own roster, and only promoting it makes a draft (a new version, judged
by the team's rules like any hand edit). A run keeps a copy of its scenario, so what it measured
stays readable after the scenario is deleted or replaced.
"""

from __future__ import annotations

from typing import Annotated, Any, Literal

import pandas as pd
from fastapi import APIRouter, HTTPException, Query, Response, status
from fastapi.responses import HTMLResponse
from sqlmodel import Session, col, select

from api import schemas
from api.deps import Manager, PathId, RunnerDep, SessionDep, SettingsDep, team_for
from api.jobs import JobControl, Save, new_job
from api.judging import team_inputs
from api.mapping import cells_body, job_public, roster_of, roster_public
from api.routes.forecasts import requirement_row
from api.routes.rosters import _judged
from api.schemas import ERRORS
from api.store import actor_of, add_roster_version, load_site, record
from api.tables import RequirementRow, RosterVersion, ScenarioRow, ScenarioRunRow, Team, User
from wfm.domain import PlanningHorizon, Roster, RosterCell, Site
from wfm.errors import InputError, Problem
from wfm.scenarios import Baseline, Scenario, ScenarioMode, ScenarioResult, ScenarioSettings, check_scenario
from wfm.scenarios.overrides import parse_scenarios

router = APIRouter(tags=["scenarios"], responses=ERRORS)

MAX_COMPARED = 12
"""Runs one comparison report may hold (each adds a column, a line per chart and its intervals)."""


def _scenario(session: Session, user: User, scenario_id: int) -> ScenarioRow:
    row = session.get(ScenarioRow, scenario_id)
    if row is None:
        raise HTTPException(status.HTTP_404_NOT_FOUND, detail=f"no scenario {scenario_id}")
    team_for(session, user, row.team_id)
    return row


def _run(session: Session, user: User, run_id: int) -> ScenarioRunRow:
    row = session.get(ScenarioRunRow, run_id)
    if row is None:
        raise HTTPException(status.HTTP_404_NOT_FOUND, detail=f"no scenario run {run_id}")
    team_for(session, user, row.team_id)
    return row


def _named(session: Session, team_id: int, name: str) -> ScenarioRow | None:
    return session.exec(
        select(ScenarioRow).where(ScenarioRow.team_id == team_id, ScenarioRow.name == name)
    ).first()


def _parsed(definition: dict[str, Any], source: str = "scenario") -> Scenario:
    (scenario,) = parse_scenarios(definition, source=source)
    return scenario


def _scenario_of(session: Session, team_id: int, data: dict[str, Any]) -> tuple[Scenario, dict[str, Any]]:
    """The scenario a request describes, and its definition as stored (``based_on`` resolved: the
    stored scenario's overrides followed by these)."""
    if not isinstance(data, dict):
        raise InputError(
            "scenario refused", [Problem("expected an object of the scenario's fields", field="scenario")]
        )
    based_on = data.get("based_on")
    own = {k: v for k, v in data.items() if k != "based_on"}
    scenario = _parsed(own)
    if based_on is None:
        return scenario, scenario.model_dump(mode="json", exclude_defaults=True)
    earlier = _named(session, team_id, str(based_on))
    if earlier is None:
        raise InputError(
            "scenario refused",
            [Problem(f"the team has no scenario called '{based_on}'", field="scenario.based_on")],
        )
    combined = _parsed(earlier.definition).then(scenario)
    return combined, combined.model_dump(mode="json", exclude_defaults=True)


def _roster_version(session: Session, team_id: int, roster_id: int | None) -> RosterVersion | None:
    if roster_id is None:
        return None
    version = session.get(RosterVersion, roster_id)
    if version is None or version.team_id != team_id:
        raise InputError(
            "scenario refused", [Problem(f"no roster {roster_id} in this team", field="roster_id")]
        )
    return version


def _baseline(
    session: Session, team: Team, requirement: RequirementRow, version: RosterVersion | None
) -> Baseline:
    site, plan, _needed, leave, weights = team_inputs(session, team, requirement)
    assert plan is not None
    horizon = PlanningHorizon(start=requirement.start, days=requirement.days)
    roster = None
    if version is not None:
        if (version.start, version.days) != (requirement.start, requirement.days):
            raise InputError(
                "scenario refused",
                [
                    Problem(
                        f"roster {version.id} covers {version.start} for {version.days} days, "
                        f"the requirement {requirement.start} for {requirement.days} days",
                        field="roster_id",
                    )
                ],
            )
        roster = roster_of(version)
    return Baseline(
        site=site,
        horizon=horizon,
        forecast=plan,
        leave=tuple(leave),
        roster=roster,
        weights=weights,
        volume_column="volume",
    )


def _stored_baseline(session: Session, row: ScenarioRow) -> Baseline:
    team = session.get(Team, row.team_id)
    requirement = session.get(RequirementRow, row.requirement_id)
    assert team is not None and requirement is not None
    return _baseline(session, team, requirement, _roster_version(session, row.team_id, row.roster_id))


def _run_public(row: ScenarioRunRow) -> schemas.ScenarioRunPublic:
    assert row.id is not None
    return schemas.ScenarioRunPublic(
        id=row.id,
        scenario_id=row.scenario_id,
        team_id=row.team_id,
        mode=row.mode,
        label=str(row.result.get("label", "")),
        status=row.status,
        start=row.start,
        days=row.days,
        has_roster=row.cells is not None,
        summary=dict(row.result.get("summary", {})),
        created_at=row.created_at,
    )


def _scenario_public(session: Session, row: ScenarioRow) -> schemas.ScenarioPublic:
    assert row.id is not None
    scenario = _parsed(row.definition)
    runs = session.exec(
        select(ScenarioRunRow).where(ScenarioRunRow.scenario_id == row.id).order_by(col(ScenarioRunRow.id))
    ).all()
    return schemas.ScenarioPublic(
        id=row.id,
        team_id=row.team_id,
        name=row.name,
        description=scenario.description,
        overrides=scenario.describe(),
        definition=row.definition,
        requirement_id=row.requirement_id,
        roster_id=row.roster_id,
        created_at=row.created_at,
        runs=[_run_public(run) for run in runs],
    )


@router.post(
    "/teams/{team_id}/scenarios", response_model=schemas.ScenarioPublic, status_code=status.HTTP_201_CREATED
)
def create_scenario(
    team_id: PathId, scenario_in: schemas.ScenarioCreate, user: Manager, session: SessionDep
) -> schemas.ScenarioPublic:
    """Keep a scenario, checked against the baseline it names (an unknown queue, agent or template is
    refused naming the field)."""
    team = team_for(session, user, team_id)
    requirement = requirement_row(session, user, scenario_in.requirement_id)
    if requirement.team_id != team_id:
        raise InputError(
            "scenario refused",
            [Problem(f"no requirement {scenario_in.requirement_id} in this team", field="requirement_id")],
        )
    version = _roster_version(session, team_id, scenario_in.roster_id)
    scenario, definition = _scenario_of(session, team_id, scenario_in.scenario)
    if _named(session, team_id, scenario.name) is not None:
        raise HTTPException(
            status.HTTP_409_CONFLICT,
            detail=f"scenario.name: the team has a scenario called '{scenario.name}'",
        )
    check_scenario(_baseline(session, team, requirement, version), scenario)
    row = ScenarioRow(
        team_id=team_id,
        name=scenario.name,
        definition=definition,
        requirement_id=requirement.id or 0,
        roster_id=scenario_in.roster_id,
        created_by=user.id,
    )
    session.add(row)
    session.flush()
    record(
        session,
        actor=user,
        action="create",
        entity="scenario",
        entity_id=row.id,
        team_id=team_id,
        detail={"name": scenario.name, "overrides": scenario.describe()},
    )
    session.commit()
    session.refresh(row)
    return _scenario_public(session, row)


@router.get("/teams/{team_id}/scenarios", response_model=list[schemas.ScenarioPublic])
def list_scenarios(team_id: PathId, user: Manager, session: SessionDep) -> list[schemas.ScenarioPublic]:
    """The team's scenarios, newest first, each with its runs."""
    team_for(session, user, team_id)
    rows = session.exec(
        select(ScenarioRow).where(ScenarioRow.team_id == team_id).order_by(col(ScenarioRow.id).desc())
    ).all()
    return [_scenario_public(session, row) for row in rows]


@router.get("/scenarios/{scenario_id}", response_model=schemas.ScenarioPublic)
def get_scenario(scenario_id: PathId, user: Manager, session: SessionDep) -> schemas.ScenarioPublic:
    """One scenario, with what it changes in words and its runs."""
    return _scenario_public(session, _scenario(session, user, scenario_id))


@router.delete("/scenarios/{scenario_id}", status_code=status.HTTP_204_NO_CONTENT)
def delete_scenario(scenario_id: PathId, user: Manager, session: SessionDep) -> Response:
    """Delete a scenario and its runs (a draft promoted from a run stays: it is a roster of its own)."""
    row = _scenario(session, user, scenario_id)
    runs = session.exec(select(ScenarioRunRow).where(ScenarioRunRow.scenario_id == scenario_id)).all()
    for run in runs:
        session.delete(run)
    session.flush()
    session.delete(row)
    record(
        session,
        actor=user,
        action="delete",
        entity="scenario",
        entity_id=scenario_id,
        team_id=row.team_id,
        detail={"name": row.name, "runs": len(runs)},
    )
    session.commit()
    return Response(status_code=status.HTTP_204_NO_CONTENT)


@router.post(
    "/scenarios/{scenario_id}/run", response_model=schemas.JobPublic, status_code=status.HTTP_202_ACCEPTED
)
def run_scenario_job(
    scenario_id: PathId,
    request: schemas.ScenarioRunCreate,
    user: Manager,
    session: SessionDep,
    runner: RunnerDep,
    settings: SettingsDep,
) -> schemas.JobPublic:
    """Run a scenario as a background job (evaluate: the baseline roster against the changed demand;
    resolve: a new roster for the changed inputs). The job's result names the run it stored."""
    row = _scenario(session, user, scenario_id)
    if request.mode == "evaluate" and row.roster_id is None:
        raise InputError(
            "run refused",
            [
                Problem(
                    "evaluate needs a baseline roster: the scenario was made without roster_id", field="mode"
                )
            ],
        )
    baseline = _stored_baseline(session, row)
    scenario = _parsed(row.definition)
    definition, team_id, horizon = row.definition, row.team_id, baseline.horizon
    run_settings = ScenarioSettings(
        time_limit_s=request.time_limit_s or settings.solve_time_limit_s,
        solver_workers=settings.solver_workers,
        seed=request.seed,
    )
    job = new_job(
        session,
        kind="scenario",
        team_id=team_id,
        params={"scenario_id": scenario_id, **request.model_dump(mode="json")},
        actor=user,
    )
    actor = actor_of(user)

    def work(control: JobControl) -> Save:
        from wfm.scenarios import run_scenario

        control.progress(0.05)
        result = run_scenario(baseline, scenario, mode=request.mode, settings=run_settings)
        found = result.to_dict(include_intervals=True)
        cells = cells_body(result.roster) if result.roster is not None else None

        def save(db: Session) -> dict[str, Any]:
            if db.get(ScenarioRow, scenario_id) is None:
                raise InputError(
                    "run not kept", [Problem(f"scenario {scenario_id} was deleted", field="scenario_id")]
                )
            stored = ScenarioRunRow(
                scenario_id=scenario_id,
                team_id=team_id,
                mode=result.mode.value,
                status=result.status,
                definition=definition,
                settings={"time_limit_s": run_settings.time_limit_s, "seed": run_settings.seed},
                result=found,
                cells=cells,
                start=horizon.start,
                days=horizon.days,
                created_by=actor.id,
            )
            db.add(stored)
            db.flush()
            record(
                db,
                actor=actor,
                action="run",
                entity="scenario",
                entity_id=scenario_id,
                team_id=team_id,
                detail={"run_id": stored.id, "mode": result.mode.value, "status": result.status},
            )
            return {"run_id": stored.id, "label": result.label, "status": result.status, **found["summary"]}

        return save

    runner.submit(job.id, work)
    return job_public(job)


@router.get("/scenario-runs/{run_id}", response_model=schemas.ScenarioRunDetail)
def get_scenario_run(
    run_id: PathId,
    user: Manager,
    session: SessionDep,
    intervals: Annotated[bool, Query(description="Include the per-queue, per-interval figures.")] = True,
) -> schemas.ScenarioRunDetail:
    """One run: its KPIs, per queue and (unless left out) per interval, notes and rule violations."""
    row = _run(session, user, run_id)
    result = dict(row.result)
    if not intervals:
        result.pop("intervals", None)
    return schemas.ScenarioRunDetail(**_run_public(row).model_dump(), result=result)


def _result_of(row: ScenarioRunRow, site: Site) -> ScenarioResult:
    """A stored run as the comparison reads it (no roster or KPI object: the figures are stored)."""
    stored = row.result
    intervals = pd.DataFrame(stored.get("intervals", []))
    if len(intervals):
        intervals["interval_start"] = pd.to_datetime(intervals["interval_start"])
    for column in ("service_level", "asa_s", "occupancy", "volume", "available"):
        if column in intervals.columns:
            intervals[column] = pd.to_numeric(intervals[column], errors="coerce")
    return ScenarioResult(
        scenario=_parsed(row.definition),
        mode=ScenarioMode(row.mode),
        status=row.status,
        site=site,
        summary=dict(stored.get("summary", {})),
        queues=pd.DataFrame(stored.get("queues", [])),
        intervals=intervals,
        roster=None,
        kpis=None,
        violations=tuple(stored.get("violations", ())),
        cost_by_rule=dict(stored.get("cost_by_rule", {})),
        notes=tuple(stored.get("notes", ())),
    )


@router.get("/teams/{team_id}/scenario-runs/compare", response_model=None)
def compare_runs(
    team_id: PathId,
    user: Manager,
    session: SessionDep,
    runs: Annotated[list[int], Query(description="The runs to compare, in column order (?runs=1&runs=2).")],
    format: Annotated[Literal["html", "json"], Query()] = "html",
) -> Response | dict[str, Any]:
    """Runs side by side: a self-contained HTML report (tables and charts inline), or the table as JSON."""
    from wfm.scenarios.compare import comparison_html, comparison_table
    from wfm.scenarios.run import records

    team = team_for(session, user, team_id)
    if not 1 <= len(runs) <= MAX_COMPARED:
        raise InputError("comparison refused", [Problem(f"give 1 to {MAX_COMPARED} runs", field="runs")])
    rows = []
    for run_id in runs:
        row = session.get(ScenarioRunRow, run_id)
        if row is None or row.team_id != team_id:
            raise InputError(
                "comparison refused", [Problem(f"no scenario run {run_id} in this team", field="runs")]
            )
        rows.append(row)
    site = load_site(session, team)
    results = [_result_of(row, site) for row in rows]
    if format == "json":
        return {"runs": runs, "table": records(comparison_table(results, per_queue=True))}
    return HTMLResponse(comparison_html(results, title=f"Scenario comparison: team {team_id}"))


@router.post(
    "/scenario-runs/{run_id}/promote",
    response_model=schemas.RosterPublic,
    status_code=status.HTTP_201_CREATED,
)
def promote_run(run_id: PathId, user: Manager, session: SessionDep) -> schemas.RosterPublic:
    """Make a run's roster a new draft of the team's roster, judged by the team's rules as they are
    (its KPIs against the stored requirement; hard violations recorded, as for a hand edit). Refused
    when the roster names agents or shifts the team does not have (a scenario's temporary agents or
    new shift): add them to the team first."""
    row = _run(session, user, run_id)
    if row.cells is None:
        raise HTTPException(status.HTTP_409_CONFLICT, detail=f"run {run_id} has no roster ({row.status})")
    scenario = session.get(ScenarioRow, row.scenario_id)
    assert scenario is not None
    team = session.get(Team, row.team_id)
    requirement = session.get(RequirementRow, scenario.requirement_id)
    assert team is not None and requirement is not None
    horizon = PlanningHorizon(start=row.start, days=row.days)
    roster = Roster(horizon=horizon, cells=tuple(RosterCell.model_validate(c) for c in row.cells))
    site, plan, needed, leave, weights = team_inputs(session, team, requirement)
    agents, shifts = {a.id for a in site.agents}, {s.code for s in site.shift_templates}
    strangers = sorted({c.agent_id for c in roster.cells if c.agent_id not in agents})
    new_shifts = sorted({str(c.shift) for c in roster.cells if c.shift is not None and c.shift not in shifts})
    problems = [f"agent {a} is not in the team" for a in strangers[:10]]
    problems += [f"shift '{s}' is not one of the team's templates" for s in new_shifts]
    if problems:
        raise HTTPException(
            status.HTTP_409_CONFLICT,
            detail=f"run {run_id}'s roster does not fit the team as it is: " + "; ".join(problems),
        )
    missing = agents - {c.agent_id for c in roster.cells}
    if missing:
        rest = tuple(RosterCell.rest(agent, day) for agent in sorted(missing) for day in horizon.dates)
        roster = Roster(horizon=horizon, cells=roster.cells + rest)
    kpis, hard, costs = _judged(site, horizon, plan, needed, leave, weights, roster)
    version = add_roster_version(
        session=session,
        team_id=row.team_id,
        roster=roster,
        actor=user,
        requirement_id=scenario.requirement_id,
        parent_id=scenario.roster_id,
        solve=costs,
        kpis=kpis,
        violations=hard,
        note=f"from scenario '{scenario.name}' ({row.mode}, run {run_id})",
    )
    record(
        session,
        actor=user,
        action="promote",
        entity="scenario_run",
        entity_id=run_id,
        team_id=row.team_id,
        detail={"roster_id": version.id, "scenario": scenario.name},
    )
    session.commit()
    session.refresh(version)
    return roster_public(version)
