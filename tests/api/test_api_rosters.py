"""History -> forecast -> requirement -> solve -> publish -> edit, through the API, with the rules judging."""

from __future__ import annotations

import functools
import io
import time
from typing import Any

import pandas as pd
import pytest
from fastapi.testclient import TestClient
from sqlmodel import Session

from api.store import next_roster_number
from api.tables import Role, RosterVersion
from tests.api.conftest import Api, add_user
from tests.conftest import sample_centre
from wfm.sample_centre import load_sample_plan

START = load_sample_plan()[1].start


@functools.cache
def history_csv(weeks: int = 10) -> bytes:
    """The last ``weeks`` weeks of the sample centre's history, as a tidy CSV."""
    frame = sample_centre().history.frame
    first_day = frame["interval_start"].max().normalize() - pd.Timedelta(weeks=weeks) + pd.Timedelta(days=1)
    recent = frame[frame["interval_start"] >= first_day]
    buffer = io.StringIO()
    recent.to_csv(buffer, index=False)
    return buffer.getvalue().encode()


def wait(client: TestClient, job_id: str, headers: dict[str, str], timeout_s: float = 120) -> dict[str, Any]:
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        job = client.get(f"/jobs/{job_id}", headers=headers).json()
        if job["state"] not in ("queued", "running"):
            return dict(job)
        time.sleep(0.2)
    raise AssertionError(f"job {job_id} still running after {timeout_s} s")


def requirement(api: Api, team: int) -> int:
    headers = api.as_(Role.SCHEDULER)
    upload = api.client.post(
        f"/teams/{team}/history", files={"file": ("h.csv", history_csv(), "text/csv")}, headers=headers
    )
    assert upload.status_code == 201, upload.text
    started = api.client.post(
        f"/teams/{team}/forecasts",
        json={"start": START.isoformat(), "model": "seasonal_mean"},
        headers=headers,
    )
    assert started.status_code == 202
    job = wait(api.client, started.json()["id"], headers)
    assert job["state"] == "succeeded", job
    made = api.client.post(
        f"/teams/{team}/requirements", json={"forecast_id": job["result"]["forecast_id"]}, headers=headers
    )
    assert made.status_code == 201, made.text
    return int(made.json()["id"])


def published_week(api: Api, name: str) -> tuple[int, int, int]:
    """A new sample team with its week solved (3 s) and published: (team, requirement, roster)."""
    headers = api.as_(Role.SCHEDULER)
    team = int(api.client.post("/teams/sample", json={"name": name}, headers=headers).json()["id"])
    needed = requirement(api, team)
    started = api.client.post(
        f"/teams/{team}/rosters/solve", json={"requirement_id": needed, "time_limit_s": 3}, headers=headers
    )
    job = wait(api.client, started.json()["id"], headers)
    assert job["state"] == "succeeded", job
    roster = int(job["result"]["roster_id"])
    assert api.client.post(f"/rosters/{roster}/publish", headers=headers).status_code == 200
    return team, needed, roster


@pytest.fixture(scope="module")
def prepared(module_api: Api) -> tuple[Api, int, int]:
    """A sample team with one solved draft roster, once per database: (api, team id, roster id)."""
    api = module_api
    headers = api.as_(Role.SCHEDULER)
    team = api.client.post("/teams/sample", json={"name": "North"}, headers=headers).json()["id"]
    needed = requirement(api, team)
    started = api.client.post(
        f"/teams/{team}/rosters/solve", json={"requirement_id": needed, "time_limit_s": 4}, headers=headers
    )
    assert started.status_code == 202
    job = wait(api.client, started.json()["id"], headers)
    assert job["state"] == "succeeded", job
    return api, team, int(job["result"]["roster_id"])


@pytest.fixture
def solved(prepared: tuple[Api, int, int]) -> tuple[Api, int, int]:
    """A fresh draft copy of the solved roster for each test (so tests may publish and edit it)."""
    api, team, roster = prepared
    with Session(api.client.app.state.engine) as session:  # type: ignore[attr-defined]
        original = session.get(RosterVersion, roster)
        assert original is not None
        copy = RosterVersion(
            **original.model_dump(exclude={"id", "number", "state", "published_at", "created_at"}),
            number=next_roster_number(session, team),
        )
        session.add(copy)
        session.commit()
        assert copy.id is not None
        return api, team, copy.id


def test_a_solved_roster_is_a_draft_with_every_cell_and_no_broken_rule(solved: tuple[Api, int, int]) -> None:
    api, _team, roster = solved
    detail = api.client.get(f"/rosters/{roster}", headers=api.as_(Role.SCHEDULER)).json()
    assert detail["state"] == "draft" and detail["violations"] == []
    assert len(detail["cells"]) == 82 * 7
    assert detail["solve"]["status"] in ("optimal", "feasible")
    kpis = api.client.get(f"/rosters/{roster}/kpis", headers=api.as_(Role.SCHEDULER)).json()
    assert kpis["summary"]["agents"] == 82 and 0 < kpis["summary"]["service_level"] <= 1
    grid = api.client.get(f"/rosters/{roster}/grid", headers=api.as_(Role.SCHEDULER)).json()
    assert len(grid["rows"]) == 82 and all(len(row["cells"]) == 7 for row in grid["rows"])


def test_an_agent_sees_only_published_rosters_and_their_own_schedule(solved: tuple[Api, int, int]) -> None:
    api, team, roster = solved
    agent = add_user(api.client, f"lin.yang.{roster}", Role.AGENT, team_id=team, agent_code="A001")
    assert api.client.get(f"/rosters/{roster}", headers=agent).status_code == 403
    assert roster not in [r["id"] for r in api.client.get(f"/teams/{team}/rosters", headers=agent).json()]
    assert api.client.get("/me/schedule", headers=agent).json().get("id") != roster
    assert api.client.post(f"/rosters/{roster}/publish", headers=agent).status_code == 403
    assert api.client.post(f"/rosters/{roster}/publish", headers=api.as_(Role.SCHEDULER)).status_code == 200
    mine = api.client.get("/me/schedule", headers=agent).json()
    assert mine["id"] == roster
    assert {cell["agent_id"] for cell in mine["cells"]} == {"A001"} and len(mine["cells"]) == 7
    assert api.client.get(f"/rosters/{roster}/grid", headers=agent).status_code == 200


def test_a_published_roster_never_changes_an_edit_makes_a_new_version(solved: tuple[Api, int, int]) -> None:
    api, _team, roster = solved
    headers = api.as_(Role.SCHEDULER)
    api.client.post(f"/rosters/{roster}/publish", headers=headers)
    assert api.client.post(f"/rosters/{roster}/publish", headers=headers).status_code == 409
    before = api.client.get(f"/rosters/{roster}", headers=headers).json()
    cell = next(c for c in before["cells"] if c["kind"] == "shift")
    other = next(
        c
        for c in before["cells"]
        if c["kind"] == "shift" and c["day"] == cell["day"] and c["shift"] != cell["shift"]
    )
    edit = {
        "kind": "shift",
        "shift": other["shift"],
        "queue": cell["queue"],
        "override_reason": "covering a gap",
    }
    response = api.client.put(
        f"/rosters/{roster}/cells/{cell['agent_id']}/{cell['day']}", json=edit, headers=headers
    )
    assert response.status_code == 200, response.text
    new = response.json()["roster"]
    assert new["id"] != roster and new["parent_id"] == roster and new["state"] == "draft"
    assert api.client.get(f"/rosters/{roster}", headers=headers).json()["cells"] == before["cells"]


def test_an_edit_breaking_a_hard_rule_is_refused_unless_a_reason_is_given(
    solved: tuple[Api, int, int],
) -> None:
    api, _team, roster = solved
    headers = api.as_(Role.SCHEDULER)
    cells = api.client.get(f"/rosters/{roster}", headers=headers).json()["cells"]
    works = next(c for c in cells if c["kind"] == "shift" and not c["agent_id"].startswith("P"))
    url = f"/rosters/{roster}/cells/{works['agent_id']}/{works['day']}"
    refused = api.client.put(url, json={"kind": "rest"}, headers=headers)
    assert refused.status_code == 409
    assert any(v.startswith("[contract]") for v in refused.json()["violations"])
    assert api.client.get(f"/rosters/{roster}", headers=headers).json()["cells"] == cells
    applied = api.client.put(
        url, json={"kind": "rest", "override_reason": "agent sent home ill"}, headers=headers
    )
    assert applied.status_code == 200 and applied.json()["violations"]
    entry = api.client.get("/audit", params={"entity": "roster_cell"}, headers=api.as_(Role.MANAGER)).json()[
        0
    ]
    assert entry["reason"] == "agent sent home ill" and entry["detail"]["before"]["kind"] == "shift"
    assert api.client.post(f"/rosters/{roster}/publish", headers=headers).status_code == 409


def test_an_edit_naming_an_unknown_shift_is_422(solved: tuple[Api, int, int]) -> None:
    api, _team, roster = solved
    url = f"/rosters/{roster}/cells/A001/{START.isoformat()}"
    response = api.client.put(
        url, json={"kind": "shift", "shift": "night", "queue": "hotline"}, headers=api.as_(Role.SCHEDULER)
    )
    assert response.status_code == 422 and "night" in response.text


def test_a_draft_is_read_afresh_after_an_edit_and_a_published_read_is_stable(
    solved: tuple[Api, int, int],
) -> None:
    api, _team, roster = solved
    headers = api.as_(Role.SCHEDULER)
    first = api.client.get(f"/rosters/{roster}?kpis=true", headers=headers).json()
    cell = next(c for c in first["cells"] if c["kind"] == "shift")
    url = f"/rosters/{roster}/cells/{cell['agent_id']}/{cell['day']}"
    assert (
        api.client.put(url, json={"kind": "rest", "override_reason": "test"}, headers=headers).status_code
        == 200
    )
    edited = api.client.get(f"/rosters/{roster}?kpis=true", headers=headers).json()
    mine = next(c for c in edited["cells"] if c["agent_id"] == cell["agent_id"] and c["day"] == cell["day"])
    assert mine["kind"] == "rest" and edited["kpis"] != first["kpis"]
    api.client.put(
        url,
        json={
            "kind": "shift",
            "shift": cell["shift"],
            "queue": cell["queue"],
            "break_start": cell["break_start"],
        },
        headers=headers,
    )
    assert api.client.post(f"/rosters/{roster}/publish", headers=headers).status_code == 200
    once = api.client.get(f"/rosters/{roster}?kpis=true", headers=headers)
    twice = api.client.get(f"/rosters/{roster}?kpis=true", headers=headers)
    assert once.json()["state"] == "published" and once.content == twice.content
    assert once.json()["kpis"] == first["kpis"] and "kpis" in once.json()
    assert api.client.get(f"/rosters/{roster}", headers=headers).json()["kpis"] is None


def test_a_published_roster_served_from_memory_still_refuses_another_teams_agent(
    solved: tuple[Api, int, int],
) -> None:
    api, team, roster = solved
    headers = api.as_(Role.SCHEDULER)
    assert api.client.post(f"/rosters/{roster}/publish", headers=headers).status_code == 200
    own = add_user(api.client, f"own-{roster}", Role.AGENT, team_id=team, agent_code="A001")
    first = api.client.get(f"/rosters/{roster}?kpis=true", headers=own)  # built, then kept in memory
    assert first.status_code == 200 and first.headers["content-encoding"] == "gzip"
    other_team = api.client.post("/teams/sample", json={"name": f"Other {roster}"}, headers=headers).json()
    stranger = add_user(
        api.client, f"stranger-{roster}", Role.AGENT, team_id=other_team["id"], agent_code="A001"
    )
    assert api.client.get("/me", headers=stranger).status_code == 200  # now a remembered user
    assert api.client.get(f"/rosters/{roster}?kpis=true", headers=stranger).status_code == 403
    plain = api.client.get(f"/rosters/{roster}?kpis=true", headers={**own, "Accept-Encoding": "identity"})
    assert "content-encoding" not in plain.headers and plain.json() == first.json()
    assert int(plain.headers["content-length"]) == len(plain.content)
    forged = {"Authorization": own["Authorization"][:-2] + "xx"}
    assert api.client.get(f"/rosters/{roster}?kpis=true", headers=forged).status_code == 401
    spelled_otherwise = api.client.get(f"/rosters/{roster}?kpis=1", headers=own)  # left to the route
    assert spelled_otherwise.status_code == 200 and spelled_otherwise.json() == first.json()
    assert api.client.get(f"/rosters/{roster}", headers=own).json()["kpis"] is None
