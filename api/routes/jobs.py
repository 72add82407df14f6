"""Background jobs: status, progress and result; cancel."""

from __future__ import annotations

from fastapi import APIRouter, HTTPException, status

from api import schemas
from api.deps import RunnerDep, Scheduler, SessionDep, team_for
from api.jobs import cancel_job
from api.mapping import job_public
from api.schemas import ERRORS
from api.tables import Job, User

router = APIRouter(tags=["jobs"], responses=ERRORS)


def _job(session: SessionDep, user: User, job_id: str) -> Job:
    job = session.get(Job, job_id)
    if job is None:
        raise HTTPException(status.HTTP_404_NOT_FOUND, detail=f"no job {job_id}")
    team_for(session, user, job.team_id)
    return job


@router.get("/jobs/{job_id}", response_model=schemas.JobPublic)
def get_job(job_id: str, user: Scheduler, session: SessionDep) -> schemas.JobPublic:
    """A job's state, progress and result (or error)."""
    return job_public(_job(session, user, job_id))


@router.delete("/jobs/{job_id}", response_model=schemas.JobPublic)
def delete_job(job_id: str, user: Scheduler, session: SessionDep, runner: RunnerDep) -> schemas.JobPublic:
    """Cancel a queued or running job: nothing it would have saved is saved."""
    return job_public(cancel_job(session, _job(session, user, job_id), runner))
