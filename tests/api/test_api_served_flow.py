"""The whole flow over real HTTP against a running ``wfm serve``: sample team, history, forecast,
requirement, solve, publish, and an agent reading their schedule."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from tests.api.test_api_rosters import history_csv

WFM = [sys.executable, "-m", "wfm.cli"]


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@pytest.fixture
def server(tmp_path: Path) -> Iterator[str]:
    database = f"sqlite:///{tmp_path / 'served.db'}"
    env = {**os.environ, "WFM_SECRET_KEY": "served-test-" + "k" * 32, "WFM_ADMIN_PASSWORD": "boss-password-1"}
    made = subprocess.run(
        [*WFM, "admin", "create-manager", "boss", "--database-url", database],
        env=env,
        capture_output=True,
        text=True,
    )
    assert made.returncode == 0, made.stderr
    port = _free_port()
    process = subprocess.Popen(
        [*WFM, "serve", "--port", str(port), "--database-url", database],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
    )
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            if httpx.get(f"{base}/openapi.json", timeout=1).status_code == 200:
                break
        except httpx.TransportError:
            time.sleep(0.2)
    else:
        process.kill()
        pytest.fail(f"wfm serve did not start: {process.stderr.read() if process.stderr else ''}")
    yield base
    process.terminate()
    process.wait(timeout=30)


def _token(base: str, username: str, password: str) -> dict[str, str]:
    response = httpx.post(f"{base}/auth/token", data={"username": username, "password": password})
    assert response.status_code == 200, response.text
    return {"Authorization": f"Bearer {response.json()['access_token']}"}


def _wait(base: str, job_id: str, headers: dict[str, str]) -> dict[str, object]:
    for _ in range(600):
        job = httpx.get(f"{base}/jobs/{job_id}", headers=headers).json()
        if job["state"] not in ("queued", "running"):
            return dict(job)
        time.sleep(0.2)
    raise AssertionError("job did not finish")


def test_the_whole_flow_over_http(server: str) -> None:
    boss = _token(server, "boss", "boss-password-1")
    created = httpx.post(
        f"{server}/users",
        json={"username": "sam", "role": "scheduler", "password": "scheduler-pass"},
        headers=boss,
    )
    assert created.status_code == 201, created.text
    sam = _token(server, "sam", "scheduler-pass")
    team = httpx.post(f"{server}/teams/sample", json={"name": "Hangzhou"}, headers=sam).json()["id"]
    upload = httpx.post(
        f"{server}/teams/{team}/history",
        files={"file": ("history.csv", history_csv(), "text/csv")},
        headers=sam,
    )
    assert upload.status_code == 201, upload.text
    started = httpx.post(
        f"{server}/teams/{team}/forecasts",
        json={"start": "2025-11-24", "model": "seasonal_mean"},
        headers=sam,
    )
    assert started.status_code == 202
    forecast = _wait(server, started.json()["id"], sam)
    assert forecast["state"] == "succeeded", forecast
    forecast_id = forecast["result"]["forecast_id"]  # type: ignore[index]
    needed = httpx.post(f"{server}/teams/{team}/requirements", json={"forecast_id": forecast_id}, headers=sam)
    assert needed.status_code == 201 and needed.json()["agent_hours"] > 0
    solving = httpx.post(
        f"{server}/teams/{team}/rosters/solve",
        json={"requirement_id": needed.json()["id"], "time_limit_s": 3},
        headers=sam,
    )
    solved = _wait(server, solving.json()["id"], sam)
    assert solved["state"] == "succeeded", solved
    roster_id = solved["result"]["roster_id"]  # type: ignore[index]
    assert httpx.post(f"{server}/rosters/{roster_id}/publish", headers=sam).status_code == 200
    agent = httpx.post(
        f"{server}/users",
        json={
            "username": "lin",
            "role": "agent",
            "password": "agent-password",
            "team_id": team,
            "agent_code": "A001",
        },
        headers=boss,
    )
    assert agent.status_code == 201, agent.text
    lin = _token(server, "lin", "agent-password")
    schedule = httpx.get(f"{server}/me/schedule", headers=lin).json()
    assert schedule["id"] == roster_id and [c["agent_id"] for c in schedule["cells"]] == ["A001"] * 7
    assert httpx.post(f"{server}/teams/{team}/rosters/solve", json={}, headers=lin).status_code == 403
