"""Every protected route answers 401 without a valid token and 403 to a role it does not serve.

The routes are read from the app itself, so a new route is covered the day it is added.
"""

from __future__ import annotations

import re
import time
from datetime import UTC, datetime, timedelta
from types import SimpleNamespace

import jwt
import pytest
from fastapi.routing import APIRoute
from fastapi.testclient import TestClient
from sqlmodel import Session, select

import api.auth as api_auth
from api.app import ROUTERS, create_app
from api.auth import ALGORITHM
from api.cache import SignedInUsers
from api.settings import Settings
from api.tables import Role, User
from tests.api.conftest import PASSWORD, Api, add_user

PUBLIC = {("POST", "/auth/token")}
SAMPLE_VALUES = {
    "team_id": "1",
    "roster_id": "1",
    "forecast_id": "1",
    "requirement_id": "1",
    "leave_id": "1",
    "day": "2025-11-24",
}


def _routes() -> list[tuple[str, str, APIRoute]]:
    found = []
    for route in (route for router in ROUTERS for route in router.routes):
        if not isinstance(route, APIRoute) or not route.include_in_schema:
            continue
        for method in sorted(route.methods):
            if (method, route.path) not in PUBLIC:
                found.append((method, route.path, route))
    return found


def _allowed_roles(route: APIRoute) -> frozenset[Role]:
    pending = list(route.dependant.dependencies)
    while pending:
        dependency = pending.pop()
        allowed = getattr(dependency.call, "allowed_roles", None)
        if allowed is not None:
            return frozenset(allowed)
        pending.extend(dependency.dependencies)
    return frozenset(Role)


def _url(path: str) -> str:
    return re.sub(r"\{(\w+)\}", lambda m: SAMPLE_VALUES.get(m.group(1), "x"), path)


ROUTES = _routes()
IDS = [f"{method} {path}" for method, path, _ in ROUTES]
LIMITED = [(m, p, r) for m, p, r in ROUTES if _allowed_roles(r) != frozenset(Role)]


def test_every_route_but_sign_in_is_protected() -> None:
    assert len(ROUTES) >= 30
    assert all(_allowed_roles(route) for _, _, route in ROUTES)


@pytest.fixture(scope="module")
def client(tmp_path_factory: pytest.TempPathFactory) -> TestClient:
    url = f"sqlite:///{tmp_path_factory.mktemp('auth') / 'wfm.db'}"
    with TestClient(create_app(Settings(database_url=url, secret_key="s" * 40))) as client:
        manager = add_user(client, "manager", Role.MANAGER)
        response = client.post("/teams/sample", json={"name": "North"}, headers=manager)
        assert response.status_code == 201
        team_id = response.json()["id"]
        client.headers.clear()
        client.__dict__["role_headers"] = {
            Role.MANAGER: manager,
            Role.SCHEDULER: add_user(client, "scheduler", Role.SCHEDULER),
            Role.AGENT: add_user(client, "agent", Role.AGENT, team_id=team_id, agent_code="A001"),
            Role.HR: add_user(client, "hr", Role.HR),
            Role.GENERAL_MANAGER: add_user(client, "gm", Role.GENERAL_MANAGER),
        }
        yield client


@pytest.mark.parametrize(("method", "path", "route"), ROUTES, ids=IDS)
def test_without_a_valid_token_is_401(client: TestClient, method: str, path: str, route: APIRoute) -> None:
    url = _url(path)
    assert client.request(method, url).status_code == 401
    assert client.request(method, url, headers={"Authorization": "Bearer not-a-token"}).status_code == 401
    expired = jwt.encode(
        {"sub": "1", "exp": datetime.now(UTC) - timedelta(minutes=1)}, "s" * 40, algorithm=ALGORITHM
    )
    assert client.request(method, url, headers={"Authorization": f"Bearer {expired}"}).status_code == 401
    forged = jwt.encode(
        {"sub": "1", "exp": datetime.now(UTC) + timedelta(hours=1)}, "other" * 10, algorithm=ALGORITHM
    )
    assert client.request(method, url, headers={"Authorization": f"Bearer {forged}"}).status_code == 401


@pytest.mark.parametrize(("method", "path", "route"), LIMITED, ids=[f"{m} {p}" for m, p, _ in LIMITED])
def test_a_role_the_route_does_not_serve_is_403(
    client: TestClient, method: str, path: str, route: APIRoute
) -> None:
    refused = [role for role in Role if role not in _allowed_roles(route)]
    assert refused
    for role in refused:
        response = client.request(method, _url(path), headers=client.__dict__["role_headers"][role])
        assert response.status_code == 403, (role, response.text)


def test_an_agent_sees_only_their_own_team(api: Api) -> None:
    north = api.client.post("/teams/sample", json={"name": "North"}, headers=api.as_(Role.SCHEDULER)).json()[
        "id"
    ]
    south = api.client.post("/teams/sample", json={"name": "South"}, headers=api.as_(Role.SCHEDULER)).json()[
        "id"
    ]
    agent = add_user(api.client, "li.na", Role.AGENT, team_id=north, agent_code="A001")
    assert api.client.get(f"/teams/{north}/agents", headers=agent).status_code == 200
    assert api.client.get(f"/teams/{south}/agents", headers=agent).status_code == 403
    assert [team["name"] for team in api.client.get("/teams", headers=agent).json()] == ["North"]


def test_sign_in_refuses_a_wrong_password_and_accepts_the_right_one(api: Api) -> None:
    wrong = api.client.post("/auth/token", data={"username": "manager", "password": "nope-nope"})
    assert wrong.status_code == 401
    right = api.client.post("/auth/token", data={"username": "manager", "password": PASSWORD})
    me = api.client.get("/me", headers={"Authorization": f"Bearer {right.json()['access_token']}"})
    assert me.json()["username"] == "manager" and me.json()["role"] == "manager"


def test_a_token_accepted_once_is_refused_after_it_expires(api: Api, monkeypatch: pytest.MonkeyPatch) -> None:
    headers = api.as_(Role.MANAGER)
    assert api.client.get("/me", headers=headers).status_code == 200  # verified, and remembered
    later = time.time() + (api.settings.token_minutes + 1) * 60
    monkeypatch.setattr(api_auth, "time", SimpleNamespace(time=lambda: later))
    assert api.client.get("/me", headers=headers).status_code == 401


def _deactivate(client: TestClient, username: str) -> None:
    with Session(client.app.state.engine) as session:  # type: ignore[attr-defined]
        user = session.exec(select(User).where(User.username == username)).one()
        user.active = False
        session.add(user)
        session.commit()


def test_a_deactivated_user_is_refused_at_once_when_users_are_not_remembered(database_url: str) -> None:
    settings = Settings(database_url=database_url, secret_key="k" * 40, user_cache_s=0)
    with TestClient(create_app(settings)) as client:
        headers = add_user(client, "boss", Role.MANAGER)
        assert client.get("/me", headers=headers).status_code == 200
        _deactivate(client, "boss")
        assert client.get("/me", headers=headers).status_code == 401


def test_a_remembered_user_is_read_again_from_the_database_once_the_memory_lapses(api: Api) -> None:
    now = [0.0]
    users = SignedInUsers(api.client.app.state.engine, seconds=5, clock=lambda: now[0])  # type: ignore[attr-defined]
    me = api.client.get("/me", headers=api.as_(Role.SCHEDULER)).json()
    assert users.get(me["id"]) is None
    loaded = users.load(me["id"])
    assert loaded is not None and loaded.active and users.get(me["id"]) is loaded
    _deactivate(api.client, "scheduler")
    now[0] = 4.9
    assert users.get(me["id"]) is loaded  # within the memory, the old answer
    now[0] = 5.1
    assert users.get(me["id"]) is None  # lapsed: the caller reads the database again
    reloaded = users.load(me["id"])
    assert reloaded is not None and not reloaded.active
    users.forget(me["id"])
    assert users.get(me["id"]) is None


def test_a_new_password_signs_out_every_earlier_token(api: Api) -> None:
    old = add_user(api.client, "wang.fang", Role.SCHEDULER)
    wrong = api.client.post(
        "/me/password", json={"current_password": "not-it-at-all", "new_password": "n" * 12}, headers=old
    )
    assert wrong.status_code == 403 and "current_password" in wrong.text
    changed = api.client.post(
        "/me/password", json={"current_password": PASSWORD, "new_password": "n" * 12}, headers=old
    )
    assert changed.status_code == 200
    assert api.client.get("/me", headers=old).status_code == 401
    new = {"Authorization": f"Bearer {changed.json()['access_token']}"}
    assert api.client.get("/me", headers=new).json()["username"] == "wang.fang"
    signed_in = api.client.post("/auth/token", data={"username": "wang.fang", "password": "n" * 12})
    assert signed_in.status_code == 200
    assert (
        api.client.post("/auth/token", data={"username": "wang.fang", "password": PASSWORD}).status_code
        == 401
    )


def test_a_manager_deactivates_a_user_who_is_signed_out_at_once(api: Api) -> None:
    headers = add_user(api.client, "li.na", Role.SCHEDULER)
    me = api.client.get("/me", headers=headers).json()  # remembered by the server from now on
    changed = api.client.patch(f"/users/{me['id']}", json={"active": False}, headers=api.as_(Role.MANAGER))
    assert changed.status_code == 200 and changed.json()["active"] is False
    assert api.client.get("/me", headers=headers).status_code == 401
    assert api.client.post("/auth/token", data={"username": "li.na", "password": PASSWORD}).status_code == 401
    audit = api.client.get("/audit?entity=user", headers=api.as_(Role.MANAGER)).json()
    assert any(e["entity_id"] == str(me["id"]) and e["detail"] == {"active": False} for e in audit)


def test_a_role_change_takes_effect_on_the_next_request(api: Api) -> None:
    headers = add_user(api.client, "zhao.lei", Role.SCHEDULER)
    me = api.client.get("/me", headers=headers).json()
    assert api.client.get("/users", headers=headers).status_code == 403
    promoted = api.client.patch(f"/users/{me['id']}", json={"role": "manager"}, headers=api.as_(Role.MANAGER))
    assert promoted.status_code == 200
    assert api.client.get("/users", headers=headers).status_code == 200


def test_the_last_active_manager_cannot_be_deactivated_or_demoted(api: Api) -> None:
    manager = api.client.get("/me", headers=api.as_(Role.MANAGER)).json()
    for change in ({"active": False}, {"role": "scheduler"}):
        refused = api.client.patch(f"/users/{manager['id']}", json=change, headers=api.as_(Role.MANAGER))
        assert refused.status_code == 409 and "last active manager" in refused.text
    assert api.client.get("/me", headers=api.as_(Role.MANAGER)).json()["active"] is True


def test_an_agent_user_must_stay_tied_to_an_agent_of_a_team(api: Api) -> None:
    headers = add_user(api.client, "sun.li", Role.SCHEDULER)
    me = api.client.get("/me", headers=headers).json()
    refused = api.client.patch(f"/users/{me['id']}", json={"role": "agent"}, headers=api.as_(Role.MANAGER))
    assert refused.status_code == 422 and "team_id and agent_code" in refused.text
    assert api.client.get(f"/users/{me['id']}", headers=api.as_(Role.MANAGER)).json()["role"] == "scheduler"
    missing = api.client.patch("/users/999999", json={"active": False}, headers=api.as_(Role.MANAGER))
    assert missing.status_code == 404
