"""History uploads: accepted into the tidy series, or refused with every bad row named and nothing stored."""

from __future__ import annotations

import json

from api.tables import Role
from tests.api.conftest import Api
from tests.api.test_api_rosters import history_csv


def _team(api: Api) -> int:
    return int(api.client.post("/teams/sample", json={}, headers=api.as_(Role.SCHEDULER)).json()["id"])


def test_an_upload_is_stored_with_its_span_and_queues(api: Api) -> None:
    team = _team(api)
    response = api.client.post(
        f"/teams/{team}/history",
        files={"file": ("recent.csv", history_csv(weeks=2), "text/csv")},
        headers=api.as_(Role.SCHEDULER),
    )
    assert response.status_code == 201, response.text
    upload = response.json()
    assert upload["rows"] == 4 * 24 * 14 and upload["interval_minutes"] == 60
    assert upload["queues"] == ["aftersales_chat", "email", "hotline", "presales_chat"]
    assert upload["first_interval"] == "2025-11-10T00:00:00"
    listed = api.client.get(f"/teams/{team}/history", headers=api.as_(Role.SCHEDULER)).json()
    assert [u["id"] for u in listed] == [upload["id"]]


def test_bad_rows_are_named_by_line_and_column_and_nothing_is_stored(api: Api) -> None:
    team = _team(api)
    text = (
        "interval_start,queue,contacts\n"
        "2025-11-24 08:00,hotline,12\n"
        "2025-11-24 09:00,hotline,-3\n"
        "not a time,hotline,4\n"
    )
    response = api.client.post(
        f"/teams/{team}/history",
        files={"file": ("bad.csv", text.encode(), "text/csv")},
        headers=api.as_(Role.SCHEDULER),
    )
    assert response.status_code == 422
    problems = response.json()["problems"]
    assert {(p.get("row"), p.get("column")) for p in problems} >= {(3, "contacts"), (4, "interval_start")}
    assert api.client.get(f"/teams/{team}/history", headers=api.as_(Role.SCHEDULER)).json() == []


def test_a_queue_the_team_does_not_have_is_refused(api: Api) -> None:
    team = _team(api)
    rows = "\n".join(f"2025-11-24 {h:02d}:00,video,{h}" for h in range(24))
    response = api.client.post(
        f"/teams/{team}/history",
        files={"file": ("video.csv", f"interval_start,queue,contacts\n{rows}\n".encode(), "text/csv")},
        headers=api.as_(Role.SCHEDULER),
    )
    assert response.status_code == 422 and "video" in json.dumps(response.json())


def test_a_file_that_is_not_csv_or_parquet_is_refused_naming_the_field(api: Api) -> None:
    team = _team(api)
    response = api.client.post(
        f"/teams/{team}/history",
        files={"file": ("h.xlsx", b"PK..", "application/octet-stream")},
        headers=api.as_(Role.SCHEDULER),
    )
    assert response.status_code == 422 and response.json()["problems"][0]["field"] == "file"
