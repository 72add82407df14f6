"""Background jobs (forecasts, solves): persisted, cancellable, and never half-saved.

A job's work runs in two steps: a long computation outside any transaction, then a short ``save``
that writes its results in the same transaction that marks the job succeeded -- so a roster appears
exactly when its job says it is done, and a cancelled or failed job leaves nothing behind. Jobs are
rows, so a server that stops mid-job finds them on the next start and marks them interrupted.

The runner is behind :class:`JobRunner`, so a distributed engine can replace the in-process thread
pool without the routes changing.
"""

from __future__ import annotations

import logging
import math
import threading
import uuid
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any, Protocol

from sqlalchemy.engine import Engine
from sqlmodel import Session, col, select

from api.tables import Job, JobState, User
from wfm.errors import InputError

logger = logging.getLogger(__name__)

Save = Callable[[Session], dict[str, Any]]
"""Writes a finished job's results in the caller's transaction and returns the job's result summary."""


@dataclass
class JobControl:
    """What a running job can see and do: report progress, notice a cancellation."""

    job_id: str
    engine: Engine
    stop: threading.Event = field(default_factory=threading.Event)

    def progress(self, share: float) -> None:
        with Session(self.engine) as session:
            job = session.get(Job, self.job_id)
            if job is not None and job.state is JobState.RUNNING:
                job.progress = max(0.0, min(1.0, share))
                session.add(job)
                session.commit()

    @property
    def cancelled(self) -> bool:
        return self.stop.is_set()


Work = Callable[[JobControl], Save]


class JobRunner(Protocol):
    def submit(self, job_id: str, work: Work) -> None: ...

    def cancel(self, job_id: str) -> None: ...

    def shutdown(self) -> None: ...


def _finish(engine: Engine, job_id: str, **changes: Any) -> None:
    with Session(engine) as session:
        job = session.get(Job, job_id)
        if job is None or job.state is JobState.CANCELLED:
            return  # a cancelled job stays cancelled, whatever its work did after
        for key, value in changes.items():
            setattr(job, key, value)
        job.finished_at = datetime.now(UTC)
        session.add(job)
        session.commit()


def run_job(engine: Engine, control: JobControl, work: Work) -> None:
    """Run one job to its end state (the in-process runner's body; usable by any runner)."""
    job_id = control.job_id
    with Session(engine) as session:
        job = session.get(Job, job_id)
        if job is None or job.state is not JobState.QUEUED:
            return  # cancelled before it started
        job.state = JobState.RUNNING
        job.started_at = datetime.now(UTC)
        session.add(job)
        session.commit()
    try:
        save = work(control)
    except InputError as error:
        _finish(
            engine,
            job_id,
            state=JobState.FAILED,
            error={"detail": error.summary, "problems": [vars(p) for p in error.problems]},
        )
        return
    except Exception:
        logger.exception("job %s failed", job_id)
        _finish(
            engine,
            job_id,
            state=JobState.FAILED,
            error={"detail": "the job failed unexpectedly; see the server log"},
        )
        return
    try:
        _save(engine, job_id, save)
    except InputError as error:
        _finish(
            engine,
            job_id,
            state=JobState.FAILED,
            error={"detail": error.summary, "problems": [vars(p) for p in error.problems]},
        )
    except Exception:
        logger.exception("job %s: saving its result failed", job_id)
        _finish(
            engine,
            job_id,
            state=JobState.FAILED,
            error={"detail": "saving the result failed; see the server log"},
        )


def _save(engine: Engine, job_id: str, save: Save) -> None:
    """Write the results and mark the job succeeded in one transaction (unless it was cancelled)."""
    with Session(engine) as session:
        job = session.exec(select(Job).where(col(Job.id) == job_id).with_for_update()).one()
        if job.state is not JobState.RUNNING:
            return  # cancelled while running: its results are thrown away
        job.result = plain(save(session))
        job.state = JobState.SUCCEEDED
        job.progress = 1.0
        job.finished_at = datetime.now(UTC)
        session.add(job)
        session.commit()


def plain(value: Any) -> Any:
    """JSON-ready data: numpy numbers become Python numbers, NaN and infinity become None."""
    if isinstance(value, dict):
        return {str(key): plain(item) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [plain(item) for item in value]
    if hasattr(value, "item") and not isinstance(value, str | bytes):
        value = value.item()
    if isinstance(value, float) and not math.isfinite(value):
        return None
    if hasattr(value, "isoformat"):
        return value.isoformat()
    return value


class ThreadJobRunner:
    """Jobs on a thread pool inside the server process (the default)."""

    def __init__(self, engine: Engine, workers: int = 1) -> None:
        self._engine = engine
        self._pool = ThreadPoolExecutor(max_workers=workers, thread_name_prefix="wfm-job")
        self._controls: dict[str, JobControl] = {}
        self._lock = threading.Lock()

    def submit(self, job_id: str, work: Work) -> None:
        control = JobControl(job_id, self._engine)
        with self._lock:
            self._controls[job_id] = control
        self._pool.submit(self._run, control, work)

    def _run(self, control: JobControl, work: Work) -> None:
        try:
            run_job(self._engine, control, work)
        except Exception:
            logger.exception("job %s: the runner failed", control.job_id)
        finally:
            with self._lock:
                self._controls.pop(control.job_id, None)

    def cancel(self, job_id: str) -> None:
        with self._lock:
            control = self._controls.get(job_id)
        if control is not None:
            control.stop.set()

    def shutdown(self) -> None:
        with self._lock:
            for control in self._controls.values():
                control.stop.set()
        self._pool.shutdown(wait=True, cancel_futures=True)


def new_job(session: Session, *, kind: str, team_id: int, params: dict[str, Any], actor: User) -> Job:
    job = Job(id=str(uuid.uuid4()), kind=kind, team_id=team_id, params=params, created_by=actor.id)
    session.add(job)
    session.commit()
    session.refresh(job)
    return job


def cancel_job(session: Session, job: Job, runner: JobRunner) -> Job:
    """Cancel a queued or running job (a finished job stays as it is)."""
    if job.state in (JobState.QUEUED, JobState.RUNNING):
        job.state = JobState.CANCELLED
        job.finished_at = datetime.now(UTC)
        session.add(job)
        session.commit()
        runner.cancel(job.id)
        session.refresh(job)
    return job


def mark_interrupted(engine: Engine) -> int:
    """On start: jobs a stopped server left queued or running are marked interrupted (not lost)."""
    with Session(engine) as session:
        jobs = session.exec(select(Job).where(col(Job.state).in_([JobState.QUEUED, JobState.RUNNING]))).all()
        for job in jobs:
            job.state = JobState.INTERRUPTED
            job.error = {"detail": "the server stopped before this job finished; submit it again"}
            job.finished_at = datetime.now(UTC)
            session.add(job)
        session.commit()
        return len(jobs)
