"""Contact-history uploads: a CSV (or Parquet) file in, the tidy series stored, or every bad row named."""

from __future__ import annotations

import tempfile
from pathlib import Path
from typing import Annotated

import pandas as pd
from fastapi import APIRouter, File, HTTPException, Query, UploadFile, status
from sqlmodel import Session, col, select

from api import schemas
from api.deps import PathId, Scheduler, SessionDep, team_for
from api.mapping import frame_bytes, frame_of, history_public
from api.schemas import ERRORS
from api.store import load_site, record
from api.tables import HistoryUpload
from wfm.errors import InputError, Problem
from wfm.history import ContactHistory

router = APIRouter(tags=["history"], responses=ERRORS)

MAX_UPLOAD_BYTES = 200 * 1024 * 1024
TIDY = {"queue", "interval_start", "contacts", "aht_s", "abandoned", "status"}


def history_of(row: HistoryUpload) -> ContactHistory:
    """A stored upload as the tidy series the forecaster reads."""
    from wfm.history.series import ImportReport

    frame = frame_of(row.data)
    report = ImportReport(
        source=row.filename,
        kind="tidy",
        rows_read=len(frame),
        rows_imported=len(frame),
        notes=("stored upload",),
    )
    return ContactHistory(frame=frame, interval_minutes=row.interval_minutes, report=report)


def latest_history(session: Session, team_id: PathId) -> HistoryUpload | None:
    return session.exec(
        select(HistoryUpload).where(HistoryUpload.team_id == team_id).order_by(col(HistoryUpload.id).desc())
    ).first()


def _import(path: Path, mapping: str | None, interval_minutes: int, opening_hours: object) -> ContactHistory:
    from wfm.history import import_interval_counts, load_mapping, read_history

    if path.suffix == ".csv" and mapping is None:
        with path.open(encoding="utf-8-sig") as handle:
            header = {name.strip() for name in handle.readline().split(",")}
        if header >= TIDY:
            return read_history(path)
    chosen = load_mapping(mapping) if mapping is not None else None
    if chosen is not None and not hasattr(chosen, "contacts"):
        raise InputError(
            "mapping refused", [Problem("per-contact record mappings are not accepted here", field="mapping")]
        )
    return import_interval_counts(
        path,
        mapping=chosen,  # type: ignore[arg-type]
        interval_minutes=interval_minutes,
        opening_hours=opening_hours,  # type: ignore[arg-type]
    )


@router.post(
    "/teams/{team_id}/history", response_model=schemas.HistoryPublic, status_code=status.HTTP_201_CREATED
)
def upload_history(
    team_id: PathId,
    file: Annotated[
        UploadFile, File(description="CSV or Parquet: interval_start, queue, contacts[, aht_s, abandoned]")
    ],
    user: Scheduler,
    session: SessionDep,
    mapping: Annotated[
        str | None, Query(description="A column-mapping preset name (see `wfm data import`).")
    ] = None,
) -> schemas.HistoryPublic:
    """Upload contact history; a refused file gets every bad row named (422), and nothing is stored."""
    team = team_for(session, user, team_id)
    site = load_site(session, team)
    name = Path(file.filename or "history.csv").name
    suffix = Path(name).suffix.lower()
    if suffix not in (".csv", ".parquet"):
        raise InputError(
            "upload refused", [Problem(f"'{name}' is not a .csv or .parquet file", field="file")]
        )
    data = file.file.read(MAX_UPLOAD_BYTES + 1)
    if len(data) > MAX_UPLOAD_BYTES:
        raise HTTPException(status.HTTP_413_CONTENT_TOO_LARGE, detail="file: larger than 200 MB")
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / f"upload{suffix}"
        path.write_bytes(data)
        try:
            history = _import(path, mapping, site.interval_minutes, site.opening_hours)
        except InputError as error:
            summary = error.summary.replace(f"{path}: ", "").replace(str(path), name)
            raise InputError(f"{name}: {summary}", error.problems) from None
    frame = history.frame
    unknown = sorted(set(frame["queue"].astype(str)) - set(site.queue_codes))
    if unknown:
        raise InputError(
            f"{name}: queues the team does not have",
            [
                Problem(f"unknown queue '{code}' (the team has {list(site.queue_codes)})", column="queue")
                for code in unknown
            ],
        )
    starts = pd.to_datetime(frame["interval_start"])
    row = HistoryUpload(
        team_id=team_id,
        filename=name,
        rows=len(frame),
        first_interval=starts.min().to_pydatetime(),
        last_interval=starts.max().to_pydatetime(),
        interval_minutes=history.interval_minutes,
        queues=sorted(set(frame["queue"].astype(str))),
        data=frame_bytes(frame),
        created_by=user.id,
    )
    session.add(row)
    session.flush()
    record(
        session,
        actor=user,
        action="upload",
        entity="history",
        entity_id=row.id,
        team_id=team_id,
        detail={"filename": name, "rows": len(frame), "queues": row.queues},
    )
    session.commit()
    session.refresh(row)
    return history_public(row)


@router.get("/teams/{team_id}/history", response_model=list[schemas.HistoryPublic])
def list_history(team_id: PathId, user: Scheduler, session: SessionDep) -> list[schemas.HistoryPublic]:
    """The team's uploads, newest first."""
    team_for(session, user, team_id)
    rows = session.exec(
        select(HistoryUpload).where(HistoryUpload.team_id == team_id).order_by(col(HistoryUpload.id).desc())
    ).all()
    return [history_public(row) for row in rows]
