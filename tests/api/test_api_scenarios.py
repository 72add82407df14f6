"""Scenarios over the API (managers): made against a stored baseline and refused naming the field at
fault, run in both modes as background jobs, compared side by side, and a run's roster promoted to a
draft, while the published roster never changes."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from api.tables import Role
from tests.api.conftest import Api, running_api
from tests.api.test_api_rosters import published_week, wait
from wfm.scenarios import KPIS


@pytest.fixture(scope="module")
def baseline(module_database_url: str) -> Iterator[tuple[Api, int, int, int]]:
    """A sample team's solved and published week: (api, team, requirement, published roster)."""
    for api in running_api(module_database_url):
        team, needed, roster = published_week(api, "What-ifs")
        yield api, team, needed, roster


def _make(api: Api, team: int, needed: int, roster: int | None, scenario: dict[str, Any]) -> dict[str, Any]:
    made = api.client.post(
        f"/teams/{team}/scenarios",
        json={"requirement_id": needed, "roster_id": roster, "scenario": scenario},
        headers=api.as_(Role.MANAGER),
    )
    assert made.status_code == 201, made.text
    return dict(made.json())


def _run(api: Api, scenario_id: int, mode: str, time_limit_s: float = 2) -> dict[str, Any]:
    headers = api.as_(Role.MANAGER)
    started = api.client.post(
        f"/scenarios/{scenario_id}/run", json={"mode": mode, "time_limit_s": time_limit_s}, headers=headers
    )
    assert started.status_code == 202, started.text
    job = wait(api.client, started.json()["id"], headers)
    assert job["state"] == "succeeded", job
    run = api.client.get(f"/scenario-runs/{job['result']['run_id']}", headers=headers)
    assert run.status_code == 200
    return dict(run.json())


def _roster_state(api: Api, team: int, roster: int) -> tuple[list[Any], list[tuple[int, str]]]:
    headers = api.as_(Role.SCHEDULER)
    cells = api.client.get(f"/rosters/{roster}", headers=headers).json()["cells"]
    versions = api.client.get(f"/teams/{team}/rosters", headers=headers).json()
    return cells, sorted((v["id"], v["state"]) for v in versions)


def _fields(response: Any) -> set[str]:
    return {str(p.get("field")) for p in response.json()["problems"]}


def test_evaluating_doubled_chat_measures_the_published_roster_and_changes_nothing(
    baseline: tuple[Api, int, int, int],
) -> None:
    api, team, needed, roster = baseline
    before = _roster_state(api, team, roster)
    as_is = _make(api, team, needed, roster, {"name": "As is"})
    doubled = _make(
        api,
        team,
        needed,
        roster,
        {"name": "Chat x2", "volume": [{"multiplier": 2, "queues": ["presales_chat", "aftersales_chat"]}]},
    )
    assert doubled["overrides"] and "presales_chat" in doubled["overrides"][0]
    plain = _run(api, as_is["id"], "evaluate")["result"]["summary"]
    peak = _run(api, doubled["id"], "evaluate")
    summary = peak["result"]["summary"]
    # the same roster (same paid hours), against twice the chat: more needed, more short, worse service
    assert summary["paid_hours"] == plain["paid_hours"]
    assert summary["required_agent_hours"] > plain["required_agent_hours"] * 1.2
    assert summary["short_agent_hours"] > plain["short_agent_hours"]
    assert summary["service_level"] < plain["service_level"]
    chat = {q["queue"]: q for q in peak["result"]["queues"]}
    assert chat["presales_chat"]["required_hours"] > 0
    assert chat["hotline"]["required_hours"] == pytest.approx(
        next(q for q in _run(api, as_is["id"], "evaluate")["result"]["queues"] if q["queue"] == "hotline")[
            "required_hours"
        ]
    )
    assert _roster_state(api, team, roster) == before  # no cell, no version changed


def test_a_scenario_that_does_not_fit_the_baseline_is_refused_naming_the_field(
    baseline: tuple[Api, int, int, int],
) -> None:
    api, team, needed, roster = baseline
    manager = api.as_(Role.MANAGER)

    def refused(scenario: dict[str, Any], **extra: Any) -> Any:
        body = {"requirement_id": needed, "roster_id": roster, "scenario": scenario, **extra}
        return api.client.post(f"/teams/{team}/scenarios", json=body, headers=manager)

    negative = refused({"name": "bad", "volume": [{"multiplier": -1}]})
    assert negative.status_code == 422 and "volume[0].multiplier" in _fields(negative)
    unknown = refused({"name": "bad", "volume": [{"multiplier": 2, "queues": ["fax"]}]})
    assert unknown.status_code == 422 and "fax" in unknown.text
    stranger = refused({"name": "bad", "team": {"remove": ["nobody"]}})
    assert stranger.status_code == 422 and "nobody" in stranger.text
    hours = refused({"name": "bad", "volume": [{"multiplier": 2, "hours": [20, 25]}]})
    assert hours.status_code == 422 and "volume[0].hours" in _fields(hours)
    no_roster = refused({"name": "bad"}, roster_id=999_999)
    assert no_roster.status_code == 422 and "roster_id" in _fields(no_roster)
    no_base = refused({"name": "bad", "based_on": "never made"})
    assert no_base.status_code == 422 and "scenario.based_on" in _fields(no_base)
    _make(api, team, needed, roster, {"name": "Once"})
    assert refused({"name": "Once"}).status_code == 409
    scheduler = api.client.post(
        f"/teams/{team}/scenarios",
        json={"requirement_id": needed, "scenario": {"name": "mine"}},
        headers=api.as_(Role.SCHEDULER),
    )
    assert scheduler.status_code == 403
    without_roster = _make(api, team, needed, None, {"name": "No roster"})
    evaluate = api.client.post(
        f"/scenarios/{without_roster['id']}/run", json={"mode": "evaluate"}, headers=manager
    )
    assert evaluate.status_code == 422 and "mode" in _fields(evaluate)
    names = [s["name"] for s in api.client.get(f"/teams/{team}/scenarios", headers=manager).json()]
    assert "bad" not in names  # nothing refused was kept


def test_a_scenario_based_on_another_carries_its_overrides(baseline: tuple[Api, int, int, int]) -> None:
    api, team, needed, roster = baseline
    _make(api, team, needed, roster, {"name": "Peak", "volume": [{"multiplier": 3, "queues": ["hotline"]}]})
    later = _make(
        api, team, needed, roster, {"name": "Peak, lean", "based_on": "Peak", "staffing": {"shrinkage": 0.1}}
    )
    assert len(later["overrides"]) == 2
    assert later["definition"]["volume"][0]["multiplier"] == 3


def test_a_re_solved_roster_promotes_to_a_draft_and_the_published_roster_stays(
    baseline: tuple[Api, int, int, int],
) -> None:
    api, team, needed, roster = baseline
    before = _roster_state(api, team, roster)
    scenario = _make(api, team, needed, roster, {"name": "Three closers", "rules": {"min_closing_staff": 3}})
    run = _run(api, scenario["id"], "resolve")
    assert run["has_roster"] and run["mode"] == "resolve"
    assert run["result"]["summary"]["hard_violations"] == 0
    assert _roster_state(api, team, roster) == before  # running changed nothing stored
    promoted = api.client.post(f"/scenario-runs/{run['id']}/promote", headers=api.as_(Role.MANAGER))
    assert promoted.status_code == 201, promoted.text
    draft = promoted.json()
    assert draft["state"] == "draft" and draft["parent_id"] == roster
    assert "Three closers" in draft["note"]
    cells, versions = _roster_state(api, team, roster)
    assert cells == before[0]  # the published version itself is untouched
    assert versions == sorted([*before[1], (draft["id"], "draft")])
    late = {
        c["agent_id"]
        for c in api.client.get(f"/rosters/{draft['id']}", headers=api.as_(Role.SCHEDULER)).json()["cells"]
        if c.get("shift") == "late"
    }
    assert late  # the draft holds the scenario's roster


def test_a_roster_with_temporary_agents_cannot_be_promoted_until_the_team_has_them(
    baseline: tuple[Api, int, int, int],
) -> None:
    api, team, needed, roster = baseline
    scenario = _make(
        api,
        team,
        needed,
        roster,
        {"name": "Temps", "team": {"add": [{"count": 2, "skills": ["presales_chat"], "id_prefix": "TMP"}]}},
    )
    run = _run(api, scenario["id"], "resolve")
    assert run["result"]["summary"]["temporary_agents"] == 2
    refused = api.client.post(f"/scenario-runs/{run['id']}/promote", headers=api.as_(Role.MANAGER))
    assert refused.status_code == 409 and "TMP" in refused.text


def test_the_comparison_holds_every_run_and_every_kpi(baseline: tuple[Api, int, int, int]) -> None:
    api, team, needed, roster = baseline
    manager = api.as_(Role.MANAGER)
    first = _make(api, team, needed, roster, {"name": "Compare A"})
    second = _make(api, team, needed, roster, {"name": "Compare B", "volume": [{"multiplier": 1.5}]})
    runs = [_run(api, first["id"], "evaluate"), _run(api, second["id"], "evaluate")]
    query = "&".join(f"runs={r['id']}" for r in runs)
    report = api.client.get(f"/teams/{team}/scenario-runs/compare?{query}", headers=manager)
    assert report.status_code == 200 and report.headers["content-type"].startswith("text/html")
    for run in runs:
        assert run["label"] in report.text
    for kpi in KPIS:
        assert kpi.label in report.text
    assert report.text.count("data:image/png;base64,") == 2  # both charts inline
    table = api.client.get(f"/teams/{team}/scenario-runs/compare?{query}&format=json", headers=manager).json()
    assert [row["scenario"] for row in table["table"]] == ["Compare A", "Compare B"]
    assert table["table"][1]["required_agent_hours"] > table["table"][0]["required_agent_hours"]
    other = api.client.get(f"/teams/{team}/scenario-runs/compare?runs=999999", headers=manager)
    assert other.status_code == 422 and "runs" in _fields(other)
    deleted = api.client.delete(f"/scenarios/{first['id']}", headers=manager)
    assert deleted.status_code == 204
    assert api.client.get(f"/scenario-runs/{runs[0]['id']}", headers=manager).status_code == 404
