"""Forecasts (background jobs) and staffing requirements computed from them."""

from __future__ import annotations

from typing import Any

import pandas as pd
from fastapi import APIRouter, HTTPException, status
from sqlmodel import Session, col, select

from api import schemas
from api.deps import PathId, RunnerDep, Scheduler, SessionDep, UserDep, team_for
from api.jobs import JobControl, Save, new_job, plain
from api.mapping import forecast_public, frame_bytes, frame_of, job_public, requirement_public
from api.routes.history import history_of, latest_history
from api.schemas import ERRORS
from api.store import actor_of, load_site, record
from api.tables import ForecastRow, HistoryUpload, RequirementRow, User
from wfm.errors import InputError, Problem
from wfm.pipeline import forecast_horizon, horizon_of, staffing_plan

router = APIRouter(tags=["forecasts and requirements"], responses=ERRORS)


def _records(frame: pd.DataFrame) -> list[dict[str, Any]]:
    out = frame.copy()
    for column in out.columns:
        if pd.api.types.is_datetime64_any_dtype(out[column]):
            out[column] = out[column].dt.strftime("%Y-%m-%dT%H:%M:%S")
    return [
        {str(k): (None if isinstance(v, float) and v != v else v) for k, v in row.items()}
        for row in out.to_dict("records")
    ]


@router.post(
    "/teams/{team_id}/forecasts", response_model=schemas.JobPublic, status_code=status.HTTP_202_ACCEPTED
)
def start_forecast(
    team_id: PathId, request: schemas.ForecastCreate, user: Scheduler, session: SessionDep, runner: RunnerDep
) -> schemas.JobPublic:
    """Forecast contacts per queue and interval for a horizon, as a background job (poll /jobs/{id})."""
    team_for(session, user, team_id)
    if request.history_id is None:
        upload = latest_history(session, team_id)
        if upload is None:
            raise InputError(
                "no history to forecast from", [Problem("upload contact history first", field="history_id")]
            )
    else:
        upload = session.get(HistoryUpload, request.history_id)
        if upload is None or upload.team_id != team_id:
            raise InputError(
                "forecast refused",
                [Problem(f"no history {request.history_id} in this team", field="history_id")],
            )
    horizon = horizon_of(request.start, request.days)
    from forecasting.models import MODELS

    if request.model not in MODELS:
        raise InputError(
            "forecast refused", [Problem(f"'{request.model}' is not one of {sorted(MODELS)}", field="model")]
        )
    if pd.Timestamp(horizon.start) <= pd.Timestamp(upload.first_interval.replace(tzinfo=None)):
        raise InputError(
            "forecast refused", [Problem("the horizon starts before the history does", field="start")]
        )
    history = history_of(upload)
    history_id = upload.id
    assert history_id is not None
    job = new_job(
        session,
        kind="forecast",
        team_id=team_id,
        params={**request.model_dump(mode="json"), "history_id": history_id},
        actor=user,
    )

    actor = actor_of(user)

    def work(control: JobControl) -> Save:
        control.progress(0.05)
        result = forecast_horizon(history, horizon, seed=request.seed, model=request.model)

        def save(db: Session) -> dict[str, Any]:
            row = ForecastRow(
                team_id=team_id,
                history_id=history_id,
                start=horizon.start,
                days=horizon.days,
                models=plain([choice.to_dict() for choice in result.choices]),
                data=frame_bytes(result.frame),
                created_by=actor.id,
            )
            db.add(row)
            db.flush()
            record(
                db,
                actor=actor,
                action="create",
                entity="forecast",
                entity_id=row.id,
                team_id=team_id,
                detail={"start": horizon.start.isoformat(), "days": horizon.days, "history_id": history_id},
            )
            return {"forecast_id": row.id}

        return save

    runner.submit(job.id, work)
    return job_public(job)


def _forecast(session: Session, user: User, forecast_id: PathId) -> ForecastRow:
    row = session.get(ForecastRow, forecast_id)
    if row is None:
        raise HTTPException(status.HTTP_404_NOT_FOUND, detail=f"no forecast {forecast_id}")
    team_for(session, user, row.team_id)
    return row


@router.get("/teams/{team_id}/forecasts", response_model=list[schemas.ForecastPublic])
def list_forecasts(team_id: PathId, user: Scheduler, session: SessionDep) -> list[schemas.ForecastPublic]:
    """The team's forecasts, newest first."""
    team_for(session, user, team_id)
    rows = session.exec(
        select(ForecastRow).where(ForecastRow.team_id == team_id).order_by(col(ForecastRow.id).desc())
    ).all()
    return [forecast_public(row) for row in rows]


@router.get("/forecasts/{forecast_id}", response_model=schemas.ForecastPublic)
def get_forecast(forecast_id: PathId, user: Scheduler, session: SessionDep) -> schemas.ForecastPublic:
    """One forecast: horizon and the model chosen per queue."""
    return forecast_public(_forecast(session, user, forecast_id))


@router.get("/forecasts/{forecast_id}/intervals", response_model=list[dict[str, Any]])
def forecast_intervals(forecast_id: PathId, user: Scheduler, session: SessionDep) -> list[dict[str, Any]]:
    """The forecast per queue and interval (yhat with its band)."""
    return _records(frame_of(_forecast(session, user, forecast_id).data))


def _agent_hours(plan: pd.DataFrame) -> float:
    """Agent-hours the plan asks for."""
    from wfm.staffing import requirement_from_plan

    minutes = requirement_from_plan(plan).interval_minutes
    return round(float(plan["agents"].sum()) * minutes / 60.0, 2)


@router.post(
    "/teams/{team_id}/requirements",
    response_model=schemas.RequirementPublic,
    status_code=status.HTTP_201_CREATED,
)
def create_requirement(
    team_id: PathId, request: schemas.RequirementCreate, user: Scheduler, session: SessionDep
) -> schemas.RequirementPublic:
    """Agents needed per queue and interval for a forecast, by the team's staffing policy."""
    team = team_for(session, user, team_id)
    forecast = session.get(ForecastRow, request.forecast_id)
    if forecast is None or forecast.team_id != team_id:
        raise InputError(
            "requirement refused",
            [Problem(f"no forecast {request.forecast_id} in this team", field="forecast_id")],
        )
    site = load_site(session, team)
    plan, _ = staffing_plan(frame_of(forecast.data), site)
    row = RequirementRow(
        team_id=team_id,
        forecast_id=forecast.id,
        start=forecast.start,
        days=forecast.days,
        data=frame_bytes(plan),
        created_by=user.id,
    )
    session.add(row)
    session.flush()
    record(
        session,
        actor=user,
        action="create",
        entity="requirement",
        entity_id=row.id,
        team_id=team_id,
        detail={"forecast_id": forecast.id},
    )
    session.commit()
    session.refresh(row)
    return requirement_public(row, _agent_hours(plan))


def requirement_row(session: Session, user: User, requirement_id: PathId) -> RequirementRow:
    row = session.get(RequirementRow, requirement_id)
    if row is None:
        raise HTTPException(status.HTTP_404_NOT_FOUND, detail=f"no requirement {requirement_id}")
    team_for(session, user, row.team_id)
    return row


@router.get("/requirements/{requirement_id}", response_model=schemas.RequirementPublic)
def get_requirement(
    requirement_id: PathId, user: Scheduler, session: SessionDep
) -> schemas.RequirementPublic:
    """One requirement."""
    row = requirement_row(session, user, requirement_id)
    return requirement_public(row, _agent_hours(frame_of(row.data)))


@router.get("/requirements/{requirement_id}/intervals", response_model=list[dict[str, Any]])
def requirement_intervals(requirement_id: PathId, user: UserDep, session: SessionDep) -> list[dict[str, Any]]:
    """Agents needed per queue and interval, with the volume and the service they give."""
    return _records(frame_of(requirement_row(session, user, requirement_id).data))
