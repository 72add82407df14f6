"""Leave over the API: each of the manuals' rules (DOMAIN.md rule 8), who may do what, the inbox and
the audit log; approved leave in a solve; a re-solve that restores cover with few changes."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from typing import Any

import pytest
from sqlmodel import Session, col, select

from api.tables import Notice, Pin, Role, User
from tests.api.conftest import Api, add_user, running_api
from tests.api.test_api_rosters import START, requirement, wait

TODAY = START - timedelta(days=3)
"""The day the app takes as today: three days before the sample roster's week."""


def day(offset: int) -> str:
    return (TODAY + timedelta(days=offset)).isoformat()


@dataclass
class Centre:
    """The app with a sample team and a user of every role: agents A001 and A002, HR, a general manager."""

    api: Api
    team: int
    headers: dict[str, dict[str, str]]

    def post(self, who: str, url: str, body: dict[str, Any]) -> Any:
        return self.api.client.post(url, json=body, headers=self.headers[who])

    def get(self, who: str, url: str) -> Any:
        return self.api.client.get(url, headers=self.headers[who])

    def file(self, who: str, **body: Any) -> Any:
        return self.post(who, f"/teams/{self.team}/leave", body)

    def decide(self, who: str, leave_id: int, **body: Any) -> Any:
        return self.post(who, f"/leave/{leave_id}/decisions", body)

    def inbox(self, username: str) -> list[str]:
        with Session(self.api.client.app.state.engine) as session:  # type: ignore[attr-defined]
            user = session.exec(select(User).where(User.username == username)).one()
            notices = session.exec(select(Notice).where(Notice.user_id == user.id).order_by(col(Notice.id)))
            return [notice.text for notice in notices]


def centre_on(api: Api) -> Centre:
    team = api.client.post("/teams/sample", json={"name": "North"}, headers=api.as_(Role.SCHEDULER)).json()[
        "id"
    ]
    headers = {
        "manager": api.as_(Role.MANAGER),
        "scheduler": api.as_(Role.SCHEDULER),
        "a001": add_user(api.client, "a001", Role.AGENT, team_id=team, agent_code="A001"),
        "a002": add_user(api.client, "a002", Role.AGENT, team_id=team, agent_code="A002"),
        "hr": add_user(api.client, "hr", Role.HR),
        "gm": add_user(api.client, "gm", Role.GENERAL_MANAGER),
    }
    return Centre(api, team, headers)


@pytest.fixture
def centre(database_url: str) -> Iterator[Centre]:
    for api in running_api(database_url, today=TODAY):
        yield centre_on(api)


def fields(response: Any) -> set[str]:
    return {problem.get("field") for problem in response.json()["problems"]}


# --- filing -------------------------------------------------------------------------------------


def test_personal_leave_asked_for_the_same_day_is_refused_naming_first_day(centre: Centre) -> None:
    refused = centre.file("a001", leave_type="personal", first_day=day(0), last_day=day(0))
    assert refused.status_code == 422 and fields(refused) == {"first_day"}
    assert "at least 1 day ahead" in refused.text
    assert centre.get("a001", "/me/leave").json() == []


def test_personal_leave_one_day_ahead_is_filed_and_awaits_the_department_manager(centre: Centre) -> None:
    filed = centre.file("a001", leave_type="personal", first_day=day(1), last_day=day(1), note="moving")
    assert filed.status_code == 201, filed.text
    leave = filed.json()
    assert leave["agent_id"] == "A001" and leave["status"] == "requested"
    assert leave["filed_by"] == "A001" and leave["filed_on"] == day(0)
    assert leave["awaiting"] == "department_manager"
    assert [item["id"] for item in centre.get("a001", "/me/leave").json()] == [leave["id"]]
    assert centre.inbox("manager") == [
        "A001's personal leave " + day(1) + " awaits your decision (the department manager)"
    ]
    assert centre.inbox("hr") == []
    awaiting = centre.get("manager", "/leave/awaiting").json()  # the sample's own requests too
    assert leave["id"] in [item["id"] for item in awaiting]
    assert {item["awaiting"] for item in awaiting} == {"department_manager"}
    assert centre.get("hr", "/leave/awaiting").json() == []
    audit = centre.get("manager", "/audit?entity=leave").json()
    assert [(e["action"], e["entity_id"]) for e in audit] == [("file", str(leave["id"]))]


def test_personal_leave_filed_by_someone_else_is_refused(centre: Centre) -> None:
    refused = centre.file(
        "scheduler", agent_id="A001", leave_type="personal", first_day=day(2), last_day=day(2)
    )
    assert refused.status_code == 422 and fields(refused) == {"filed_by"}
    by_phone = centre.file("a001", leave_type="personal", first_day=day(2), last_day=day(2), by_phone=True)
    assert by_phone.status_code == 422 and fields(by_phone) == {"by_phone"}


def test_an_agent_files_only_for_themself_and_never_decides(centre: Centre) -> None:
    other = centre.file("a001", agent_id="A002", leave_type="annual", first_day=day(5), last_day=day(5))
    assert other.status_code == 403
    own = centre.file("a001", agent_id="A001", leave_type="annual", first_day=day(5), last_day=day(5)).json()
    assert centre.decide("a001", own["id"], approve=True).status_code == 403
    assert centre.decide("a002", own["id"], approve=True).status_code == 403
    assert centre.get("a002", f"/leave/{own['id']}").status_code == 403
    assert centre.get("a001", f"/leave/{own['id']}").json()["id"] == own["id"]
    assert centre.get("hr", f"/leave/{own['id']}").status_code == 200
    assert centre.get("a001", "/leave/999999").status_code == 404
    assert centre.decide("manager", 999999, approve=True).status_code == 404


def test_a_scheduler_names_an_agent_of_the_team(centre: Centre) -> None:
    unnamed = centre.file("scheduler", leave_type="sick", first_day=day(0), last_day=day(0), by_phone=True)
    assert unnamed.status_code == 422 and fields(unnamed) == {"agent_id"}
    unknown = centre.file(
        "scheduler", agent_id="Z999", leave_type="sick", first_day=day(0), last_day=day(0), by_phone=True
    )
    assert unknown.status_code == 422 and fields(unknown) == {"agent_id"}
    backwards = centre.file("a001", leave_type="annual", first_day=day(5), last_day=day(4))
    assert backwards.status_code == 422 and fields(backwards) == {"last_day"}


def test_leave_overlapping_leave_still_standing_is_409(centre: Centre) -> None:
    assert centre.file("a001", leave_type="annual", first_day=day(5), last_day=day(6)).status_code == 201
    clash = centre.file("a001", leave_type="personal", first_day=day(6), last_day=day(6))
    assert clash.status_code == 409 and "already covers" in clash.text


# --- the approval chain -------------------------------------------------------------------------


def test_three_days_of_leave_go_through_manager_hr_and_general_manager_in_order(centre: Centre) -> None:
    leave = centre.file("a001", leave_type="annual", first_day=day(7), last_day=day(9)).json()
    number = leave["id"]
    assert leave["awaiting"] == "department_manager"

    early = centre.decide("hr", number, step="hr", approve=True)
    assert early.status_code == 422 and fields(early) == {"step"}
    assert "the department manager must decide before HR" in early.text
    wrong_role = centre.decide("hr", number, step="department_manager", approve=True)
    assert wrong_role.status_code == 403

    first = centre.decide("manager", number, approve=True)
    assert first.status_code == 200, first.text
    assert first.json()["status"] == "requested" and first.json()["awaiting"] == "hr"

    skipping = centre.decide("gm", number, approve=True)
    assert skipping.status_code == 422 and fields(skipping) == {"step"}
    assert "HR must decide before the general manager" in skipping.text

    assert centre.decide("hr", number, approve=True).json()["awaiting"] == "general_manager"
    done = centre.decide("gm", number, approve=True, comment="enjoy")
    assert done.status_code == 200 and done.json()["status"] == "approved" and done.json()["awaiting"] is None
    assert [(d["step"], d["by"]) for d in done.json()["decisions"]] == [
        ("department_manager", "manager"),
        ("hr", "hr"),
        ("general_manager", "gm"),
    ]
    again = centre.decide("gm", number, approve=True)
    assert again.status_code == 422 and fields(again) == {"status"}

    told = centre.inbox("a001")
    assert len(told) == 3 and "approved by the general manager (gm) (enjoy)" in told[-1]
    assert any("awaits your decision (HR)" in text for text in centre.inbox("hr"))
    assert any("awaits your decision (the general manager)" in text for text in centre.inbox("gm"))
    assert any("approved by the general manager" in text for text in centre.inbox("manager"))
    assert any("re-solve" in text for text in centre.inbox("scheduler"))
    audit = centre.get("manager", "/audit?entity=leave").json()
    assert sorted(e["action"] for e in audit) == ["approve", "approve", "approve", "file"]


def test_a_denial_ends_the_chain_and_says_why(centre: Centre) -> None:
    number = centre.file("a001", leave_type="annual", first_day=day(7), last_day=day(10)).json()["id"]
    silent = centre.decide("manager", number, approve=False)
    assert silent.status_code == 422 and fields(silent) == {"comment"}
    denied = centre.decide("manager", number, approve=False, comment="peak week: 11.11 returns")
    assert denied.status_code == 200 and denied.json()["status"] == "denied"
    assert denied.json()["awaiting"] is None
    after = centre.decide("hr", number, approve=True)
    assert after.status_code == 422 and fields(after) == {"status"}
    assert "denied by the department manager (manager) (peak week: 11.11 returns)" in centre.inbox("a001")[-1]
    assert centre.inbox("hr") == []
    # the days are free again
    assert centre.file("a001", leave_type="annual", first_day=day(7), last_day=day(7)).status_code == 201


def test_sick_leave_of_two_days_is_approved_only_once_the_certificate_is_in(centre: Centre) -> None:
    reported = centre.file(
        "scheduler", agent_id="A002", leave_type="sick", first_day=day(0), last_day=day(1), by_phone=True
    )
    assert reported.status_code == 201, reported.text
    leave = reported.json()
    assert leave["filed_by"] == "scheduler" and leave["by_phone"] is True
    assert leave["missing_paperwork"] == [
        "sick leave of 2 days needs a medical certificate before it can be approved"
    ]
    assert "filed for you by scheduler" in centre.inbox("a002")[0]

    refused = centre.decide("manager", leave["id"], approve=True)
    assert refused.status_code == 422 and fields(refused) == {"medical_certificate"}

    assert (
        centre.post("hr", f"/leave/{leave['id']}/paperwork", {"medical_certificate": True}).status_code == 403
    )
    assert (
        centre.post("a001", f"/leave/{leave['id']}/paperwork", {"medical_certificate": True}).status_code
        == 403
    )
    nothing = centre.post("a002", f"/leave/{leave['id']}/paperwork", {})
    assert nothing.status_code == 422
    handed = centre.post("a002", f"/leave/{leave['id']}/paperwork", {"medical_certificate": True})
    assert handed.status_code == 200 and handed.json()["missing_paperwork"] == []
    assert "medical certificate handed in" in centre.inbox("manager")[-1]

    approved = centre.decide("manager", leave["id"], approve=True)
    assert approved.status_code == 200 and approved.json()["status"] == "approved"
    actions = [e["action"] for e in centre.get("manager", "/audit?entity=leave").json()]
    assert sorted(actions) == ["approve", "file", "paperwork"]


def test_one_day_of_sick_leave_needs_no_certificate_and_annual_leave_is_not_phoned_in(centre: Centre) -> None:
    sick = centre.file(
        "scheduler", agent_id="A001", leave_type="sick", first_day=day(0), last_day=day(0), by_phone=True
    )
    assert sick.status_code == 201 and sick.json()["missing_paperwork"] == []
    assert centre.decide("manager", sick.json()["id"], approve=True).json()["status"] == "approved"
    phoned = centre.file(
        "scheduler", agent_id="A002", leave_type="annual", first_day=day(3), last_day=day(3), by_phone=True
    )
    assert phoned.status_code == 422 and fields(phoned) == {"by_phone"}


# --- rosters: approved leave in a solve, a re-solve restoring cover --------------------------------

LEAVE_AGENT, RESOLVE_AGENT, PINNED_AGENT = "A001", "A002", "A003"
FROM_DAY = START + timedelta(days=2)
PINNED_DAY = START + timedelta(days=4)


@dataclass
class Rostered:
    centre: Centre
    solved: dict[str, Any]
    """The first solve's roster, after approving leave for LEAVE_AGENT."""
    resolved: dict[str, Any]
    """The re-solve's draft after approving leave for RESOLVE_AGENT."""
    job: dict[str, Any]
    strict: dict[str, Any]
    """The same re-solve at a stability weight no cover gain outweighs."""


def _cells(roster: dict[str, Any]) -> dict[tuple[str, str], dict[str, Any]]:
    return {(c["agent_id"], c["day"]): c for c in roster["cells"]}


def _what(cell: dict[str, Any]) -> tuple[Any, ...]:
    return (cell["kind"], cell.get("shift"), cell.get("queue"), cell.get("leave_type"))


@pytest.fixture(scope="module")
def rostered(module_database_url: str) -> Iterator[Rostered]:
    """Per database: leave approved, a solve, published; more leave approved, a re-solve."""
    for api in running_api(module_database_url, today=TODAY):
        centre = centre_on(api)
        needed = requirement(api, centre.team)
        first_leave = centre.file(
            "a001",
            leave_type="annual",
            first_day=START.isoformat(),
            last_day=(START + timedelta(days=1)).isoformat(),
        ).json()
        assert centre.decide("manager", first_leave["id"], approve=True).json()["status"] == "approved"

        with Session(api.client.app.state.engine) as session:  # type: ignore[attr-defined]
            # an approved swap's cell, and one a manager released
            session.add(
                Pin(
                    team_id=centre.team,
                    agent_code=PINNED_AGENT,
                    day=PINNED_DAY,
                    cell={"kind": "rest"},
                    source="swap 1",
                )
            )
            session.add(
                Pin(
                    team_id=centre.team,
                    agent_code=PINNED_AGENT,
                    day=PINNED_DAY + timedelta(days=1),
                    cell={"kind": "rest"},
                    source="swap 2",
                    released_at=datetime.now(UTC),
                )
            )
            session.commit()
        headers = api.as_(Role.SCHEDULER)
        started = api.client.post(
            f"/teams/{centre.team}/rosters/solve",
            json={"requirement_id": needed, "time_limit_s": 4},
            headers=headers,
        )
        job = wait(api.client, started.json()["id"], headers)
        assert job["state"] == "succeeded", job
        solved = api.client.get(f"/rosters/{job['result']['roster_id']}", headers=headers).json()
        assert api.client.post(f"/rosters/{solved['id']}/publish", headers=headers).status_code == 200

        last = FROM_DAY + timedelta(days=1)
        sick = centre.file(
            "scheduler",
            agent_id=RESOLVE_AGENT,
            leave_type="sick",
            first_day=FROM_DAY.isoformat(),
            last_day=last.isoformat(),
            medical_certificate=True,
            by_phone=True,
        ).json()
        assert centre.decide("manager", sick["id"], approve=True).json()["status"] == "approved"
        started = api.client.post(
            f"/rosters/{solved['id']}/resolve",
            json={"from_day": FROM_DAY.isoformat(), "time_limit_s": 4},
            headers=headers,
        )
        assert started.status_code == 202, started.text
        job = wait(api.client, started.json()["id"], headers)
        assert job["state"] == "succeeded", job
        resolved = api.client.get(f"/rosters/{job['result']['roster_id']}", headers=headers).json()
        started = api.client.post(
            f"/rosters/{solved['id']}/resolve",
            json={"from_day": FROM_DAY.isoformat(), "time_limit_s": 3, "stability_weight": 200_000},
            headers=headers,
        )
        strict_job = wait(api.client, started.json()["id"], headers)
        assert strict_job["state"] == "succeeded", strict_job
        strict = api.client.get(f"/rosters/{strict_job['result']['roster_id']}", headers=headers).json()
        yield Rostered(centre, solved, resolved, job, strict)


def test_approved_leave_puts_the_agent_on_leave_in_a_new_solve(rostered: Rostered) -> None:
    cells = _cells(rostered.solved)
    for offset in (0, 1):
        cell = cells[(LEAVE_AGENT, (START + timedelta(days=offset)).isoformat())]
        assert cell["kind"] == "leave" and cell["leave_type"] == "annual"


def test_solves_and_re_solves_keep_active_pins(rostered: Rostered) -> None:
    for roster in (rostered.solved, rostered.resolved, rostered.strict):
        assert _cells(roster)[(PINNED_AGENT, PINNED_DAY.isoformat())]["kind"] == "rest"
    assert rostered.solved["solve"]["pinned"] == 1  # the released pin is not


def test_a_re_solve_is_a_draft_child_of_the_published_roster(rostered: Rostered) -> None:
    resolved, solved = rostered.resolved, rostered.solved
    assert resolved["state"] == "draft" and resolved["parent_id"] == solved["id"]
    assert resolved["violations"] == []
    assert rostered.job["kind"] == "resolve" and rostered.job["params"]["from_day"] == FROM_DAY.isoformat()


def _changed(before: dict[Any, dict[str, Any]], after: dict[Any, dict[str, Any]]) -> set[tuple[str, str]]:
    return {key for key in before if _what(before[key]) != _what(after[key])}


def test_a_re_solve_keeps_the_past_puts_the_agent_on_leave_and_changes_little(rostered: Rostered) -> None:
    before, after = _cells(rostered.solved), _cells(rostered.resolved)
    assert before.keys() == after.keys()
    for (agent, when), cell in before.items():
        if date.fromisoformat(when) < FROM_DAY:
            assert _what(after[(agent, when)]) == _what(cell), (agent, when)
    for offset in (0, 1):
        cell = after[(RESOLVE_AGENT, (FROM_DAY + timedelta(days=offset)).isoformat())]
        assert cell["kind"] == "leave" and cell["leave_type"] == "sick"
    changed = _changed(before, after)
    others = {agent for agent, _ in changed} - {RESOLVE_AGENT}
    # 82 agents x 5 re-solvable days. The published roster had 4 s (gap to the bound ~60%): at the
    # default stability weight (5,000, about one agent-shift of shortage) moving an agent there often
    # buys back more cover than it costs, so the re-solve mends some of it too. Measured over runs:
    # 15-33 other agents, 21-68 cells. Most of the team stays as it was; the strict test below pins
    # the stability itself.
    assert len(others) <= 41, sorted(changed)
    assert rostered.job["result"]["changed_cells"] == len(changed)


def test_a_re_solve_with_a_high_stability_weight_changes_only_the_agent_on_leave(rostered: Rostered) -> None:
    before, after = _cells(rostered.solved), _cells(rostered.strict)
    changed = _changed(before, after)
    for offset in (0, 1):
        assert (RESOLVE_AGENT, (FROM_DAY + timedelta(days=offset)).isoformat()) in changed
    others = {agent for agent, _ in changed} - {RESOLVE_AGENT}
    assert len(others) <= 2, sorted(changed)
    assert all(date.fromisoformat(when) >= FROM_DAY for _, when in changed)


def test_the_changes_list_exactly_the_cells_that_differ(rostered: Rostered) -> None:
    api = rostered.centre.api
    before, after = _cells(rostered.solved), _cells(rostered.resolved)
    listed = api.client.get(f"/rosters/{rostered.resolved['id']}/changes", headers=api.as_(Role.SCHEDULER))
    assert listed.status_code == 200
    body = listed.json()
    expected = sorted(key for key in before if _what(before[key]) != _what(after[key]))
    assert [(c["agent_id"], c["day"]) for c in body["changes"]] == expected
    for change in body["changes"]:
        key = (change["agent_id"], change["day"])
        assert _what(change["before"]) == _what(before[key]) and _what(change["after"]) == _what(after[key])
    assert body["agents"] == len({agent for agent, _ in expected})
    fresh = api.client.get(f"/rosters/{rostered.solved['id']}/changes", headers=api.as_(Role.SCHEDULER))
    assert fresh.status_code == 409


def test_a_re_solve_refuses_a_draft_and_a_day_outside_the_horizon(rostered: Rostered) -> None:
    api = rostered.centre.api
    headers = api.as_(Role.SCHEDULER)
    draft = api.client.post(f"/rosters/{rostered.resolved['id']}/resolve", json={}, headers=headers)
    assert draft.status_code == 409
    late = api.client.post(
        f"/rosters/{rostered.solved['id']}/resolve", json={"from_day": "2030-01-01"}, headers=headers
    )
    assert late.status_code == 422 and fields(late) == {"from_day"}
    agent = api.client.post(
        f"/rosters/{rostered.solved['id']}/resolve", json={}, headers=rostered.centre.headers["a001"]
    )
    assert agent.status_code == 403
