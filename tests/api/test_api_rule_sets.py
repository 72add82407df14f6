"""Rule sets and soft weights: kept per team, validated, applied in one change, and really used when the
team's rosters are solved and judged."""

from __future__ import annotations

import json
from typing import Any

import pandas as pd
from sqlmodel import Session

from api.mapping import frame_bytes, soft_weights
from api.schemas import Weights
from api.tables import RequirementRow, Role, RosterVersion
from solver import SoftWeights
from tests.api.conftest import Api, add_user
from tests.api.test_api_rosters import wait
from wfm.sample_centre import load_sample_plan

START = load_sample_plan()[1].start
PEAK_WEIGHTS = Weights().model_dump() | {"short_minute": 40, "deep_short_minute": 90}


def _sample(api: Api, name: str = "North") -> int:
    response = api.client.post("/teams/sample", json={"name": name}, headers=api.as_(Role.SCHEDULER))
    assert response.status_code == 201, response.text
    return int(response.json()["id"])


def _create(api: Api, team: int, body: dict[str, Any], role: Role = Role.SCHEDULER) -> dict[str, Any]:
    response = api.client.post(f"/teams/{team}/rule-sets", json=body, headers=api.as_(role))
    assert response.status_code == 201, response.text
    return dict(response.json())


def _audit(api: Api, entity: str) -> list[tuple[str, str, str]]:
    entries = api.client.get("/audit", params={"entity": entity}, headers=api.as_(Role.MANAGER)).json()
    return [(e["action"], e["entity_id"], e["detail"].get("name", "")) for e in entries]


def test_the_wire_weights_default_to_the_solvers_own() -> None:
    assert soft_weights(Weights()) == SoftWeights()


def test_rule_sets_are_created_listed_read_renamed_and_deleted_each_change_audited(api: Api) -> None:
    team = _sample(api)
    headers = api.as_(Role.SCHEDULER)
    rules = api.client.get(f"/teams/{team}/rules", headers=headers).json()
    peak = _create(
        api,
        team,
        {
            "name": "Peak season",
            "description": "Double 11",
            "rules": rules | {"min_closing_staff": 4},
            "weights": PEAK_WEIGHTS,
        },
    )
    quiet = _create(api, team, {"name": "Quiet week"})
    assert peak["rules"]["min_closing_staff"] == 4 and peak["weights"] == PEAK_WEIGHTS
    assert quiet["rules"] == rules and quiet["weights"] == Weights().model_dump()
    assert quiet["description"] == "" and quiet["team_id"] == team

    listed = api.client.get(f"/teams/{team}/rule-sets", headers=headers).json()
    assert [s["name"] for s in listed] == ["Peak season", "Quiet week"]
    assert api.client.get(f"/rule-sets/{peak['id']}", headers=headers).json() == peak

    renamed = api.client.put(
        f"/rule-sets/{peak['id']}", json={"name": "Double 11", "description": "from 20 Oct"}, headers=headers
    )
    assert renamed.status_code == 200, renamed.text
    assert renamed.json()["name"] == "Double 11" and renamed.json()["description"] == "from 20 Oct"
    assert renamed.json()["rules"] == peak["rules"] and renamed.json()["weights"] == PEAK_WEIGHTS
    replaced = api.client.put(
        f"/rule-sets/{peak['id']}", json={"weights": Weights().model_dump()}, headers=headers
    ).json()
    assert replaced["weights"] == Weights().model_dump() and replaced["name"] == "Double 11"

    assert api.client.delete(f"/rule-sets/{quiet['id']}", headers=headers).status_code == 204
    assert api.client.get(f"/rule-sets/{quiet['id']}", headers=headers).status_code == 404
    assert api.client.delete(f"/rule-sets/{quiet['id']}", headers=headers).status_code == 404
    assert _audit(api, "rule_set") == [
        ("delete", str(quiet["id"]), "Quiet week"),
        ("update", str(peak["id"]), "Double 11"),
        ("update", str(peak["id"]), "Double 11"),
        ("create", str(quiet["id"]), "Quiet week"),
        ("create", str(peak["id"]), "Peak season"),
    ]


def test_a_duplicate_name_within_a_team_is_409_naming_it_and_another_team_may_use_it(api: Api) -> None:
    north, south = _sample(api, "North"), _sample(api, "South")
    first = _create(api, north, {"name": "Peak season"})
    again = api.client.post(
        f"/teams/{north}/rule-sets", json={"name": "Peak season"}, headers=api.as_(Role.SCHEDULER)
    )
    assert again.status_code == 409 and "Peak season" in again.json()["detail"]
    other = _create(api, north, {"name": "Quiet week"})
    rename = api.client.put(
        f"/rule-sets/{other['id']}", json={"name": "Peak season"}, headers=api.as_(Role.SCHEDULER)
    )
    assert rename.status_code == 409 and "Peak season" in rename.json()["detail"]
    same = api.client.put(
        f"/rule-sets/{first['id']}", json={"name": "Peak season"}, headers=api.as_(Role.SCHEDULER)
    )
    assert same.status_code == 200
    _create(api, south, {"name": "Peak season"})


def test_bad_rules_or_weights_are_422_naming_the_field_and_nothing_is_saved(api: Api) -> None:
    team = _sample(api)
    headers = api.as_(Role.SCHEDULER)
    rules = api.client.get(f"/teams/{team}/rules", headers=headers).json()
    for body, field in (
        ({"name": "Bad", "rules": rules | {"rest_days_per_week": 9}}, "rest_days_per_week"),
        ({"name": "Bad", "weights": Weights().model_dump() | {"shallow_share": 1.5}}, "shallow_share"),
        ({"name": "Bad", "weights": {"zigzag": -1}}, "zigzag"),
        ({"name": ""}, "name"),
    ):
        response = api.client.post(f"/teams/{team}/rule-sets", json=body, headers=headers)
        assert response.status_code == 422, body
        assert field in json.dumps(response.json()["problems"])
    saved = _create(api, team, {"name": "Good"})
    bad_update = api.client.put(
        f"/rule-sets/{saved['id']}", json={"rules": rules | {"rest_days_per_week": 9}}, headers=headers
    )
    assert bad_update.status_code == 422 and "rest_days_per_week" in json.dumps(bad_update.json())
    assert [s["name"] for s in api.client.get(f"/teams/{team}/rule-sets", headers=headers).json()] == ["Good"]


def test_weights_in_force_are_read_by_anyone_of_the_team_and_replaced_by_a_scheduler(api: Api) -> None:
    team = _sample(api)
    agent = add_user(api.client, "li.na", Role.AGENT, team_id=team, agent_code="A001")
    assert api.client.get(f"/teams/{team}/weights", headers=agent).json() == Weights().model_dump()
    assert api.client.put(f"/teams/{team}/weights", json=PEAK_WEIGHTS, headers=agent).status_code == 403
    before = api.client.get(f"/teams/{team}", headers=api.as_(Role.SCHEDULER)).json()["revision"]
    put = api.client.put(f"/teams/{team}/weights", json=PEAK_WEIGHTS, headers=api.as_(Role.SCHEDULER))
    assert put.status_code == 200 and put.json() == PEAK_WEIGHTS
    assert api.client.get(f"/teams/{team}/weights", headers=agent).json() == PEAK_WEIGHTS
    after = api.client.get(f"/teams/{team}", headers=api.as_(Role.SCHEDULER)).json()["revision"]
    assert after == before + 1
    refused = api.client.put(
        f"/teams/{team}/weights", json={"paid_minute": 100_001}, headers=api.as_(Role.SCHEDULER)
    )
    assert refused.status_code == 422 and "paid_minute" in json.dumps(refused.json())
    assert _audit(api, "weights") == [("update", str(team), "")]


def test_applying_a_set_puts_its_rules_and_weights_in_force_in_one_audited_change(api: Api) -> None:
    team = _sample(api)
    headers = api.as_(Role.SCHEDULER)
    rules = api.client.get(f"/teams/{team}/rules", headers=headers).json()
    before = api.client.get(f"/teams/{team}", headers=headers).json()["revision"]
    peak = _create(
        api, team, {"name": "Peak season", "rules": rules | {"min_closing_staff": 4}, "weights": PEAK_WEIGHTS}
    )
    applied = api.client.post(f"/rule-sets/{peak['id']}/apply", headers=headers)
    assert applied.status_code == 200, applied.text
    assert applied.json()["revision"] == before + 1
    assert api.client.get(f"/teams/{team}/rules", headers=headers).json()["min_closing_staff"] == 4
    assert api.client.get(f"/teams/{team}/weights", headers=headers).json() == PEAK_WEIGHTS
    assert _audit(api, "rule_set")[0] == ("apply", str(peak["id"]), "Peak season")


def test_a_set_the_teams_site_does_not_allow_is_409_on_apply_and_nothing_changes(api: Api) -> None:
    team = _sample(api)
    headers = api.as_(Role.SCHEDULER)
    rules = api.client.get(f"/teams/{team}/rules", headers=headers).json()
    # six rest days a week leave one working day, fewer than the full-time agents' contracts
    strict = _create(api, team, {"name": "Skeleton", "rules": rules | {"rest_days_per_week": 6}})
    response = api.client.post(f"/rule-sets/{strict['id']}/apply", headers=headers)
    assert response.status_code == 409 and "Skeleton" in response.json()["detail"]
    assert api.client.get(f"/teams/{team}/rules", headers=headers).json() == rules
    assert api.client.post("/rule-sets/999/apply", headers=headers).status_code == 404


def test_agents_read_their_own_teams_sets_only_and_change_none(api: Api) -> None:
    north, south = _sample(api, "North"), _sample(api, "South")
    north_set = _create(api, north, {"name": "Peak season"})
    south_set = _create(api, south, {"name": "Peak season"})
    agent = add_user(api.client, "li.na", Role.AGENT, team_id=north, agent_code="A001")
    assert api.client.get(f"/teams/{north}/rule-sets", headers=agent).status_code == 200
    assert api.client.get(f"/rule-sets/{north_set['id']}", headers=agent).status_code == 200
    assert api.client.get(f"/teams/{south}/rule-sets", headers=agent).status_code == 403
    assert api.client.get(f"/rule-sets/{south_set['id']}", headers=agent).status_code == 403
    assert api.client.get(f"/teams/{south}/weights", headers=agent).status_code == 403
    for method, url in (
        ("POST", f"/teams/{north}/rule-sets"),
        ("PUT", f"/rule-sets/{north_set['id']}"),
        ("DELETE", f"/rule-sets/{north_set['id']}"),
        ("POST", f"/rule-sets/{north_set['id']}/apply"),
    ):
        assert api.client.request(method, url, json={"name": "Mine"}, headers=agent).status_code == 403
    assert api.client.get(f"/teams/{north}/rule-sets").status_code == 401
    assert api.client.get(f"/rule-sets/{north_set['id']}").status_code == 401


def _draft(api: Api, team: int) -> int:
    """A draft roster of the planning week with nobody rostered yet (straight into the database)."""
    with Session(api.client.app.state.engine) as session:  # type: ignore[attr-defined]
        version = RosterVersion(team_id=team, number=1, start=START, days=7, cells=[])
        session.add(version)
        session.commit()
        assert version.id is not None
        return version.id


def test_a_hand_edit_is_judged_with_the_teams_weights(api: Api) -> None:
    team = _sample(api)
    headers = api.as_(Role.SCHEDULER)
    roster = _draft(api, team)
    edit = {"kind": "shift", "shift": "early", "queue": "hotline", "override_reason": "cover the hotline"}
    url = f"/rosters/{roster}/cells/A001/{START.isoformat()}"

    def requests_cost() -> int:
        response = api.client.put(url, json=edit, headers=headers)
        assert response.status_code == 200, response.text
        return int(response.json()["roster"]["solve"]["cost_by_rule"]["requests"])

    default = requests_cost()
    assert default > 0
    tripled = Weights().model_dump() | {"request_unit": 300}
    assert api.client.put(f"/teams/{team}/weights", json=tripled, headers=headers).status_code == 200
    assert requests_cost() == 3 * default


def _requirement(api: Api, team: int) -> int:
    """Two agents on the hotline 09:00-17:00 on the first day (straight into the database)."""
    starts = pd.date_range(pd.Timestamp(START) + pd.Timedelta(hours=9), periods=16, freq="30min")
    plan = pd.DataFrame({"queue": "hotline", "interval_start": starts, "agents": 2, "volume": 10.0})
    with Session(api.client.app.state.engine) as session:  # type: ignore[attr-defined]
        row = RequirementRow(team_id=team, start=START, days=7, data=frame_bytes(plan))
        session.add(row)
        session.commit()
        assert row.id is not None
        return row.id


def test_a_solve_uses_the_weights_applied_to_the_team(api: Api) -> None:
    team = _sample(api)
    headers = api.as_(Role.SCHEDULER)
    needed = _requirement(api, team)

    def cost_by_rule() -> dict[str, int]:
        solve = {"requirement_id": needed, "time_limit_s": 2}
        started = api.client.post(f"/teams/{team}/rosters/solve", json=solve, headers=headers)
        assert started.status_code == 202, started.text
        job = wait(api.client, started.json()["id"], headers)
        assert job["state"] == "succeeded", job
        return dict(job["result"]["cost_by_rule"])

    assert cost_by_rule()["paid_hours"] > 0
    unpaid = _create(
        api, team, {"name": "Hours free", "weights": Weights().model_dump() | {"paid_minute": 0}}
    )
    assert api.client.post(f"/rule-sets/{unpaid['id']}/apply", headers=headers).status_code == 200
    assert "paid_hours" not in cost_by_rule()
