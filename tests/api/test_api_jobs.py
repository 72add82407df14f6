"""Jobs survive a server restart as 'interrupted', a cancelled job saves nothing, a failed one says why."""

from __future__ import annotations

import threading
import time
from typing import Any

from fastapi.testclient import TestClient
from sqlmodel import Session, select

from api.app import create_app
from api.jobs import JobControl, Save, ThreadJobRunner, new_job, run_job
from api.tables import Job, JobState, Role, RosterVersion, User
from tests.api.conftest import Api, add_user
from tests.api.test_api_rosters import history_csv, requirement, wait
from wfm.errors import InputError, Problem


def _user(api: Api) -> User:
    with Session(api.client.app.state.engine) as session:  # type: ignore[attr-defined]
        user = session.get(User, 1)
        assert user is not None
        session.expunge(user)
        return user


def test_a_restart_marks_a_running_job_interrupted_instead_of_losing_it(api: Api) -> None:
    team = api.client.post("/teams/sample", json={}, headers=api.as_(Role.SCHEDULER)).json()["id"]
    engine = api.client.app.state.engine  # type: ignore[attr-defined]
    with Session(engine) as session:
        job = new_job(session, kind="solve", team_id=team, params={}, actor=_user(api))
        job.state = JobState.RUNNING
        session.add(job)
        session.commit()
        job_id = job.id
    with TestClient(create_app(api.settings)) as restarted:
        headers = add_user(restarted, "second.scheduler", Role.SCHEDULER)
        seen = restarted.get(f"/jobs/{job_id}", headers=headers).json()
    assert seen["state"] == "interrupted" and "submit it again" in seen["error"]["detail"]


def test_a_job_cancelled_while_running_saves_nothing(api: Api) -> None:
    team = api.client.post("/teams/sample", json={}, headers=api.as_(Role.SCHEDULER)).json()["id"]
    engine = api.client.app.state.engine  # type: ignore[attr-defined]
    started, release = threading.Event(), threading.Event()

    def work(control: JobControl) -> Save:
        started.set()
        release.wait(10)

        def save(session: Session) -> dict[str, Any]:
            session.add(RosterVersion(team_id=team, number=99, start="2025-11-24", days=7, cells=[]))
            return {"saved": True}

        return save

    with Session(engine) as session:
        job_id = new_job(session, kind="solve", team_id=team, params={}, actor=_user(api)).id
    runner = ThreadJobRunner(engine)
    runner.submit(job_id, work)
    assert started.wait(10)
    response = api.client.delete(f"/jobs/{job_id}", headers=api.as_(Role.SCHEDULER))
    assert response.json()["state"] == "cancelled"
    release.set()
    runner.shutdown()
    with Session(engine) as session:
        job = session.get(Job, job_id)
        assert job is not None and job.state is JobState.CANCELLED and job.result is None
        assert session.get(RosterVersion, 1) is None


def test_a_failing_job_reports_the_problem_in_words(api: Api) -> None:
    team = api.client.post("/teams/sample", json={}, headers=api.as_(Role.SCHEDULER)).json()["id"]
    engine = api.client.app.state.engine  # type: ignore[attr-defined]

    def work(control: JobControl) -> Save:
        raise InputError(
            "no roster: the hard rules cannot all hold", [Problem("Thu 27 Nov needs 2 closing staff")]
        )

    with Session(engine) as session:
        job_id = new_job(session, kind="solve", team_id=team, params={}, actor=_user(api)).id
    run_job(engine, JobControl(job_id, engine), work)
    job = api.client.get(f"/jobs/{job_id}", headers=api.as_(Role.SCHEDULER)).json()
    assert job["state"] == "failed"
    assert job["error"]["problems"][0]["message"] == "Thu 27 Nov needs 2 closing staff"


def test_an_unknown_forecast_model_is_422_and_starts_no_job(api: Api) -> None:
    headers = api.as_(Role.SCHEDULER)
    team = api.client.post("/teams/sample", json={}, headers=headers).json()["id"]
    api.client.post(
        f"/teams/{team}/history", files={"file": ("h.csv", history_csv(), "text/csv")}, headers=headers
    )
    response = api.client.post(
        f"/teams/{team}/forecasts", json={"start": "2025-11-24", "model": "crystal_ball"}, headers=headers
    )
    assert response.status_code == 422 and "model" in response.text
    with Session(api.client.app.state.engine) as session:  # type: ignore[attr-defined]
        assert session.exec(select(Job)).all() == []


def test_a_solve_job_reports_progress_and_its_roster(api: Api) -> None:
    headers = api.as_(Role.SCHEDULER)
    team = api.client.post("/teams/sample", json={}, headers=headers).json()["id"]
    needed = requirement(api, team)
    started = api.client.post(
        f"/teams/{team}/rosters/solve", json={"requirement_id": needed, "time_limit_s": 2}, headers=headers
    )
    job = wait(api.client, started.json()["id"], headers)
    assert job["state"] == "succeeded" and job["progress"] == 1.0
    roster = api.client.get(f"/rosters/{job['result']['roster_id']}", headers=headers).json()
    assert roster["solve"]["objective"] == job["result"]["objective"]


def test_cancelling_a_running_solve_stops_the_search_and_saves_no_roster(api: Api) -> None:
    headers = api.as_(Role.SCHEDULER)
    team = api.client.post("/teams/sample", json={}, headers=headers).json()["id"]
    needed = requirement(api, team)
    long = api.client.post(
        f"/teams/{team}/rosters/solve", json={"requirement_id": needed, "time_limit_s": 120}, headers=headers
    ).json()["id"]
    while api.client.get(f"/jobs/{long}", headers=headers).json()["state"] == "queued":
        time.sleep(0.1)
    time.sleep(2)
    assert api.client.delete(f"/jobs/{long}", headers=headers).json()["state"] == "cancelled"
    started = time.monotonic()
    short = api.client.post(
        f"/teams/{team}/rosters/solve", json={"requirement_id": needed, "time_limit_s": 4}, headers=headers
    ).json()["id"]
    finished = wait(api.client, short, headers, timeout_s=60)
    assert finished["state"] == "succeeded", finished["error"]
    assert time.monotonic() - started < 40  # the one job worker was freed long before the 120 s limit
    job = api.client.get(f"/jobs/{long}", headers=headers).json()
    assert job["state"] == "cancelled" and job["result"] is None
    assert len(api.client.get(f"/teams/{team}/rosters", headers=headers).json()) == 1
