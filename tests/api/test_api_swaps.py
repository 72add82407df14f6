"""Swaps over the API: filing, the partner's answer, the manager's decision, the rules judging each step,
re-checks when the roster changed underneath, inboxes, pins, and concurrent approvals."""

from __future__ import annotations

import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from datetime import date, timedelta
from typing import Any

import httpx
import pytest

from api.tables import Role
from tests.api.conftest import Api, add_user, running_api
from tests.api.test_api_rosters import START, published_week
from tests.api.test_api_served_flow import _free_port

TODAY = START - timedelta(days=1)


@pytest.fixture(scope="module")
def published(module_database_url: str) -> Iterator[tuple[Api, int, int]]:
    """A sample team's solved and published week, with 'today' the day before it: (api, team, roster)."""
    for api in running_api(module_database_url, today=TODAY):
        team, _needed, roster = published_week(api, "Swaps")
        assert api.client.put(
            f"/teams/{team}/swap-policy",
            json={"lead_days": 1, "auto_approve": False},
            headers=api.as_(Role.MANAGER),
        ).is_success
        yield api, team, roster


def _agent(api: Api, team: int, code: str) -> dict[str, str]:
    name = f"agent-{team}-{code}-{time.monotonic_ns()}"
    return add_user(api.client, name, Role.AGENT, team_id=team, agent_code=code)


def _head(api: Api, team: int) -> dict[str, Any]:
    versions = api.client.get(f"/teams/{team}/rosters", headers=api.as_(Role.SCHEDULER)).json()
    newest = max((v for v in versions if v["state"] == "published"), key=lambda v: v["number"])
    return dict(api.client.get(f"/rosters/{newest['id']}", headers=api.as_(Role.SCHEDULER)).json())


def _cells(roster: dict[str, Any]) -> dict[tuple[str, str], dict[str, Any]]:
    return {(c["agent_id"], c["day"]): c for c in roster["cells"]}


def _trades(cells: dict[tuple[str, str], dict[str, Any]], day: str) -> Iterator[tuple[str, str]]:
    """Pairs working ``day`` on one queue on an early and a late shift whose neighbouring days leave
    room for the other's shift (no late -> early): likely trades that move no cover."""
    the_day = date.fromisoformat(day)
    before, after = (the_day - timedelta(days=1)).isoformat(), (the_day + timedelta(days=1)).isoformat()

    def shift(agent: str, on: str) -> str | None:
        cell = cells.get((agent, on))
        return cell["shift"] if cell is not None and cell["kind"] == "shift" else None

    def fits(agent: str, taken: str) -> bool:
        return not (taken == "early" and shift(agent, before) == "late") and not (
            taken == "late" and shift(agent, after) == "early"
        )

    working = sorted((a, c) for (a, d), c in cells.items() if d == day and c["kind"] == "shift")
    for index, (a, cell_a) in enumerate(working):
        for b, cell_b in working[index + 1 :]:
            if (
                cell_a["queue"] == cell_b["queue"]
                and {cell_a["shift"], cell_b["shift"]} == {"early", "late"}
                and fits(a, cell_b["shift"])
                and fits(b, cell_a["shift"])
            ):
                yield a, b


def _passing_pair(
    api: Api, team: int, day: date, skip: frozenset[str] = frozenset()
) -> tuple[str, dict[str, Any]]:
    """Two agents working ``day`` whose trade passes every check: (requester, {"partner", "kind"})."""
    for a, b in _trades(_cells(_head(api, team)), day.isoformat()):
        if a in skip or b in skip:
            continue
        body = {"kind": "trade", "requester": a, "partner": b, "day": day.isoformat()}
        check = api.client.post(
            f"/teams/{team}/swaps/check", json=body, headers=api.as_(Role.SCHEDULER)
        ).json()
        if check["tier"] == "pass":
            return a, {"partner": b, "kind": "trade"}
    raise AssertionError(f"no passing trade on {day}")


def test_partner_suggestions_all_pass_when_checked(published: tuple[Api, int, int]) -> None:
    api, team, _ = published
    day = START + timedelta(days=2)
    agent, _best = _passing_pair(api, team, day)
    suggestions = api.client.get(
        f"/teams/{team}/swaps/partners",
        params={"day": day.isoformat(), "agent": agent},
        headers=api.as_(Role.MANAGER),
    ).json()
    assert suggestions
    for suggestion in suggestions:
        check = api.client.post(
            f"/teams/{team}/swaps/check",
            json={
                "kind": suggestion["kind"],
                "requester": agent,
                "partner": suggestion["partner"],
                "day": day.isoformat(),
            },
            headers=api.as_(Role.SCHEDULER),
        )
        assert check.status_code == 200 and check.json()["tier"] == "pass", check.text


def test_a_swap_from_request_to_approval_becomes_a_new_published_version(
    published: tuple[Api, int, int],
) -> None:
    api, team, _ = published
    day = START + timedelta(days=3)
    requester, partner = _passing_pair(api, team, day)
    mine, theirs = _agent(api, team, requester), _agent(api, team, partner["partner"])
    before = _head(api, team)
    body = {
        "kind": partner["kind"],
        "partner": partner["partner"],
        "day": day.isoformat(),
        "note": "family dinner",
    }
    filed = api.client.post(f"/teams/{team}/swaps", json=body, headers=mine)
    assert filed.status_code == 201, filed.text
    swap = filed.json()
    assert swap["state"] == "requested" and swap["tier"] == "pass"
    assert any(f"swap #{swap['id']}" in n["text"] for n in api.client.get("/me/inbox", headers=theirs).json())

    assert (
        api.client.post(f"/swaps/{swap['id']}/accept", json={}, headers=mine).status_code == 403
    )  # not the partner
    accepted = api.client.post(f"/swaps/{swap['id']}/accept", json={"comment": "ok"}, headers=theirs)
    assert accepted.status_code == 200 and accepted.json()["state"] == "accepted", accepted.text
    assert api.client.post(f"/swaps/{swap['id']}/approve", json={}, headers=theirs).status_code == 403

    approved = api.client.post(
        f"/swaps/{swap['id']}/approve", json={"comment": "fine"}, headers=api.as_(Role.MANAGER)
    )
    assert approved.status_code == 200 and approved.json()["state"] == "approved", approved.text
    after = _head(api, team)
    assert after["id"] == approved.json()["applied_roster_id"] and after["parent_id"] == before["id"]
    old, new = _cells(before), _cells(after)
    changed = {key for key in old if old[key] != new[key]}
    assert {agent for agent, _ in changed} == {requester, partner["partner"]}
    assert all(key[1] == day.isoformat() for key in changed)
    kpis = api.client.get(f"/rosters/{after['id']}?kpis=true", headers=api.as_(Role.SCHEDULER)).json()["kpis"]
    assert kpis is not None and kpis["summary"]
    pins = api.client.get(f"/teams/{team}/pins", headers=api.as_(Role.SCHEDULER)).json()
    assert {(p["agent_code"], p["day"]) for p in pins if p["source"] == f"swap #{swap['id']}"} == changed
    for headers in (mine, theirs, api.as_(Role.MANAGER)):
        assert any(
            "approved" in n["text"] and n["swap_id"] == swap["id"]
            for n in api.client.get("/me/inbox", headers=headers).json()
        )
    audit = api.client.get(f"/audit?team_id={team}&entity=swap", headers=api.as_(Role.MANAGER)).json()
    assert {e["action"] for e in audit if e["entity_id"] == str(swap["id"])} == {
        "create",
        "accept",
        "approve",
    }


def test_a_swap_breaking_a_rule_is_refused_naming_it(published: tuple[Api, int, int]) -> None:
    api, team, _ = published
    roster = _cells(_head(api, team))
    day = (START + timedelta(days=4)).isoformat()
    working = sorted(a for (a, d), c in roster.items() if d == day and c["kind"] == "shift")
    resting = sorted(a for (a, d), c in roster.items() if d == day and c["kind"] == "rest")
    give = {"kind": "give_away", "requester": working[0], "partner": working[1], "day": day}
    refused = api.client.post(f"/teams/{team}/swaps", json=give, headers=api.as_(Role.SCHEDULER))
    assert (
        refused.status_code == 409 and "to rest" in refused.text
    )  # a give-away's partner must rest that day
    too_soon = {"kind": "give_away", "requester": working[0], "partner": resting[0], "day": TODAY.isoformat()}
    check = api.client.post(
        f"/teams/{team}/swaps/check", json=too_soon, headers=api.as_(Role.SCHEDULER)
    ).json()
    assert check["tier"] == "error"
    broken = None
    for partner in resting:  # a give-away to someone who cannot take it: skills, rest, contract...
        body = {"kind": "give_away", "requester": working[0], "partner": partner, "day": day}
        check = api.client.post(
            f"/teams/{team}/swaps/check", json=body, headers=api.as_(Role.SCHEDULER)
        ).json()
        if check["tier"] == "error":
            broken = check
            break
    assert broken is not None and broken["reasons"] and broken["cells"]


def test_an_agent_files_only_for_themself(published: tuple[Api, int, int]) -> None:
    api, team, _ = published
    roster = _cells(_head(api, team))
    code = sorted({a for a, _ in roster})[0]
    agent = _agent(api, team, code)
    body = {"kind": "trade", "requester": "somebody-else", "partner": code, "day": START.isoformat()}
    assert api.client.post(f"/teams/{team}/swaps", json=body, headers=agent).status_code == 403


def test_an_approval_after_the_roster_changed_underneath_withdraws_a_swap_that_no_longer_holds(
    published: tuple[Api, int, int],
) -> None:
    api, team, _ = published
    day = START + timedelta(days=5)
    requester, _first = _passing_pair(api, team, day)
    suggestions = api.client.get(
        f"/teams/{team}/swaps/partners",
        params={"day": day.isoformat(), "agent": requester},
        headers=api.as_(Role.SCHEDULER),
    ).json()
    assert len(suggestions) >= 2, "two colleagues could take the shift"
    swaps = []
    for suggestion in suggestions[:2]:
        body = {
            "kind": suggestion["kind"],
            "requester": requester,
            "partner": suggestion["partner"],
            "day": day.isoformat(),
        }
        filed = api.client.post(f"/teams/{team}/swaps", json=body, headers=api.as_(Role.SCHEDULER))
        assert filed.status_code == 201, filed.text
        partner = _agent(api, team, suggestion["partner"])
        assert (
            api.client.post(f"/swaps/{filed.json()['id']}/accept", json={}, headers=partner).json()["state"]
            == "accepted"
        )
        swaps.append(filed.json()["id"])
    manager = api.as_(Role.MANAGER)
    assert (
        api.client.post(f"/swaps/{swaps[0]}/approve", json={}, headers=manager).json()["state"] == "approved"
    )
    second = api.client.post(f"/swaps/{swaps[1]}/approve", json={}, headers=manager).json()
    assert second["state"] == "withdrawn" and "roster changed" in second["comment"]
    assert api.client.post(f"/swaps/{swaps[1]}/approve", json={}, headers=manager).status_code == 409


def test_a_passing_swap_approves_on_its_own_where_the_team_allows_it(published: tuple[Api, int, int]) -> None:
    api, team, _ = published
    manager = api.as_(Role.MANAGER)
    assert api.client.put(
        f"/teams/{team}/swap-policy", json={"lead_days": 1, "auto_approve": True}, headers=manager
    ).is_success
    try:
        day = START + timedelta(days=6)
        requester, partner = _passing_pair(api, team, day)
        body = {
            "kind": partner["kind"],
            "requester": requester,
            "partner": partner["partner"],
            "day": day.isoformat(),
        }
        filed = api.client.post(f"/teams/{team}/swaps", json=body, headers=api.as_(Role.SCHEDULER)).json()
        accepted = api.client.post(
            f"/swaps/{filed['id']}/accept", json={}, headers=_agent(api, team, partner["partner"])
        )
        assert accepted.json()["state"] == "approved" and accepted.json()["applied_roster_id"] is not None
    finally:
        api.client.put(
            f"/teams/{team}/swap-policy", json={"lead_days": 1, "auto_approve": False}, headers=manager
        )


def test_a_trade_that_leaves_a_queue_short_is_a_warning_showing_cover_and_service_by_interval(
    published: tuple[Api, int, int],
) -> None:
    api, team, _ = published
    cells = _cells(_head(api, team))
    day = (START + timedelta(days=2)).isoformat()
    working = sorted((a, c) for (a, d), c in cells.items() if d == day and c["kind"] == "shift")
    warning = None
    for index, (a, cell_a) in enumerate(working):
        for b, cell_b in working[index + 1 :]:
            if cell_a["queue"] == cell_b["queue"] or cell_a["shift"] == cell_b["shift"]:
                continue
            body = {"kind": "trade", "requester": a, "partner": b, "day": day}
            check = api.client.post(
                f"/teams/{team}/swaps/check", json=body, headers=api.as_(Role.SCHEDULER)
            ).json()
            assert "tier" in check, check
            if check["tier"] == "warning":
                warning = check
                break
        if warning is not None:
            break
    assert warning is not None, "a trade across queues leaves some interval short"
    shorter = [c for c in warning["cover"] if c["shorter"]]
    assert shorter and all(c["after"] < c["before"] and c["after"] < c["required"] for c in shorter)
    assert len(warning["reasons"]) == len(shorter)
    projected = [c for c in shorter if c["service_before"] is not None]
    assert projected, "chat and phone intervals carry the projected service level"
    assert all(c["service_after"] <= c["service_before"] for c in projected)
    # one agent fewer never raises service; it may leave it equal (shrinkage rounds both to the same
    # agents available, or the interval was already at zero)
    assert all(0 <= c["service_after"] <= c["service_before"] <= 1 for c in projected)


# --- concurrent approvals on a running server ----------------------------------------------------------


@pytest.fixture
def served(published: tuple[Api, int, int]) -> Iterator[str]:
    """The same database served over real HTTP by a second app in uvicorn (its thread pool runs
    requests at once, as in production)."""
    import threading

    import uvicorn

    from api.app import create_app

    api = published[0]
    server = uvicorn.Server(
        uvicorn.Config(create_app(api.settings), host="127.0.0.1", port=_free_port(), log_level="warning")
    )
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 30
    while not server.started and time.monotonic() < deadline:
        time.sleep(0.05)
    assert server.started, "uvicorn did not start"
    yield f"http://127.0.0.1:{server.config.port}"
    server.should_exit = True
    thread.join(timeout=30)


@pytest.mark.slow_on_sqlite  # the issue asks it of PostgreSQL; SQLite's run is in -m slow
def test_fifty_concurrent_approvals_never_double_book_and_lose_nothing(
    published: tuple[Api, int, int], served: str
) -> None:
    api, team, _ = published
    base, boss = served, api.as_(Role.MANAGER)
    client = httpx.Client(base_url=base, headers=boss, timeout=120)
    first = _head(api, team)

    # fifty swaps filed against the same version, many sharing an agent-day with another
    swaps: list[int] = []
    cells = _cells(first)
    for offset in range(1, 7):
        day = (START + timedelta(days=offset)).isoformat()
        for a, b in _trades(cells, day):
            filed = client.post(
                f"/teams/{team}/swaps", json={"kind": "trade", "requester": a, "partner": b, "day": day}
            )
            if filed.status_code == 201:
                swaps.append(filed.json()["id"])
            if len(swaps) == 50:
                break
        if len(swaps) == 50:
            break
    assert len(swaps) == 50
    # the partners agree: their users are made straight in the database with one password hash and
    # their tokens signed with the server's key (Argon2 for fifty users would take most of the test)
    partners = {swap_id: client.get(f"/swaps/{swap_id}").json()["partner"] for swap_id in swaps}
    tokens = _partner_tokens(api, team, sorted(set(partners.values())))
    for swap_id in swaps:
        accepted = client.post(f"/swaps/{swap_id}/accept", json={}, headers=tokens[partners[swap_id]])
        assert accepted.json()["state"] == "accepted", accepted.text

    def approve(swap_id: int) -> dict[str, Any]:
        response = httpx.post(f"{base}/swaps/{swap_id}/approve", json={}, headers=boss, timeout=120)
        assert response.status_code == 200, response.text
        return dict(response.json())

    with ThreadPoolExecutor(max_workers=50) as pool:
        outcomes = list(pool.map(approve, swaps))
    approved = sorted((o for o in outcomes if o["state"] == "approved"), key=lambda o: o["applied_roster_id"])
    assert approved and {o["state"] for o in outcomes} <= {"approved", "withdrawn"}

    # the approved swaps form one chain of versions, each on top of the one before: no update lost
    parent = first["id"]
    expected = _cells(first)
    for outcome in approved:
        version = client.get(f"/rosters/{outcome['applied_roster_id']}").json()
        assert version["parent_id"] == parent and version["state"] == "published"
        for cell in outcome["verdict"]["cells"]:
            expected[(cell["agent_id"], cell["day"])] = cell
        parent = version["id"]
    final = client.get(f"/rosters/{parent}").json()
    keys = [(c["agent_id"], c["day"]) for c in final["cells"]]
    assert len(keys) == len(set(keys)), "an agent is double-booked"
    assert _cells(final) == expected
    assert _head(api, team)["id"] == parent
    # a swap was withdrawn only because approved ones changed its agents' days under it (its own
    # cells, or a neighbouring day that now breaks a rule), and it says why
    touched = {c["agent_id"] for o in approved for c in o["verdict"]["cells"]}
    for outcome in outcomes:
        if outcome["state"] == "withdrawn":
            assert {outcome["requester"], outcome["partner"]} & touched and outcome["comment"]


def _partner_tokens(api: Api, team: int, codes: list[str]) -> dict[str, dict[str, str]]:
    from sqlmodel import Session

    from api.auth import hash_password, issue_token
    from api.tables import User

    hashed = hash_password("partner-pw-1")
    tokens = {}
    with Session(api.client.app.state.engine) as session:  # type: ignore[attr-defined]
        for code in codes:
            user = User(
                username=f"partner-{team}-{code}-{time.monotonic_ns()}",
                role=Role.AGENT,
                team_id=team,
                agent_code=code,
                password_hash=hashed,
            )
            session.add(user)
            session.commit()
            session.refresh(user)
            token = issue_token(user, secret=api.settings.secret_key, minutes=60)
            tokens[code] = {"Authorization": f"Bearer {token}"}
    return tokens
