"""Teams and their reference data: created, read, changed and refused, with nothing half-saved."""

from __future__ import annotations

import json

from api.tables import Role
from tests.api.conftest import Api
from tests.conftest import sample_centre


def _sample(api: Api, name: str = "North") -> int:
    response = api.client.post("/teams/sample", json={"name": name}, headers=api.as_(Role.SCHEDULER))
    assert response.status_code == 201, response.text
    return int(response.json()["id"])


def test_a_team_from_the_sample_centre_holds_its_whole_site(api: Api) -> None:
    team = _sample(api)
    site = api.client.get(f"/teams/{team}/site", headers=api.as_(Role.SCHEDULER)).json()["site"]
    sample = json.loads(sample_centre().site.model_dump_json())
    assert site == {**sample, "name": "North"}
    leave = api.client.get(f"/teams/{team}/leave", headers=api.as_(Role.SCHEDULER)).json()
    assert len(leave) == len(sample_centre().leave_requests)


def test_a_team_from_a_site_document_and_a_duplicate_name_is_409(api: Api) -> None:
    site = json.loads(sample_centre().site.model_dump_json())
    site["name"] = "East"
    assert api.client.post("/teams", json=site, headers=api.as_(Role.SCHEDULER)).status_code == 201
    again = api.client.post("/teams", json=site, headers=api.as_(Role.SCHEDULER))
    assert again.status_code == 409 and "East" in again.json()["detail"]


def test_a_bad_site_is_422_naming_the_field(api: Api) -> None:
    site = json.loads(sample_centre().site.model_dump_json())
    site["interval_minutes"] = 45
    response = api.client.post("/teams", json=site, headers=api.as_(Role.SCHEDULER))
    assert response.status_code == 422
    assert "interval_minutes" in json.dumps(response.json())


def test_agents_are_added_changed_and_removed_and_each_change_is_audited(api: Api) -> None:
    team = _sample(api)
    headers = api.as_(Role.SCHEDULER)
    agent = api.client.get(f"/teams/{team}/agents/A001", headers=headers).json()
    new = {k: v for k, v in agent.items() if k != "team_id"} | {"id": "Z900", "name": "Zhao Lei"}
    assert api.client.post(f"/teams/{team}/agents", json=new, headers=headers).status_code == 201
    assert api.client.post(f"/teams/{team}/agents", json=new, headers=headers).status_code == 409
    changed = new | {"name": "Zhao Lei (senior)"}
    response = api.client.put(f"/teams/{team}/agents/Z900", json=changed, headers=headers)
    assert response.status_code == 200 and response.json()["name"] == "Zhao Lei (senior)"
    assert api.client.get(f"/teams/{team}/agents/Z900", headers=headers).json()["name"] == "Zhao Lei (senior)"
    assert api.client.delete(f"/teams/{team}/agents/Z900", headers=headers).status_code == 204
    assert api.client.get(f"/teams/{team}/agents/Z900", headers=headers).status_code == 404
    entries = api.client.get("/audit", params={"entity": "agent"}, headers=api.as_(Role.MANAGER)).json()
    assert [(e["action"], e["entity_id"], e["username"]) for e in entries] == [
        ("delete", "Z900", "scheduler"),
        ("update", "Z900", "scheduler"),
        ("create", "Z900", "scheduler"),
    ]


def test_an_agent_skilled_for_an_unknown_queue_is_refused_and_nothing_is_saved(api: Api) -> None:
    team = _sample(api)
    headers = api.as_(Role.SCHEDULER)
    before = api.client.get(f"/teams/{team}", headers=headers).json()
    agent = api.client.get(f"/teams/{team}/agents/A001", headers=headers).json()
    bad = {k: v for k, v in agent.items() if k != "team_id"} | {"id": "Z901", "skills": ["video_chat"]}
    response = api.client.post(f"/teams/{team}/agents", json=bad, headers=headers)
    assert response.status_code == 422
    assert "video_chat" in json.dumps(response.json()) and "skills" in json.dumps(response.json())
    after = api.client.get(f"/teams/{team}", headers=headers).json()
    assert after["agents"] == before["agents"] and after["revision"] == before["revision"]


def test_deleting_a_queue_agents_are_skilled_for_is_409(api: Api) -> None:
    team = _sample(api)
    response = api.client.delete(f"/teams/{team}/queues/hotline", headers=api.as_(Role.SCHEDULER))
    assert response.status_code == 409 and "hotline" in response.json()["detail"]
    assert api.client.get(f"/teams/{team}/queues/hotline", headers=api.as_(Role.SCHEDULER)).status_code == 200


def test_rules_are_replaced_as_a_whole_and_validated(api: Api) -> None:
    team = _sample(api)
    headers = api.as_(Role.SCHEDULER)
    rules = api.client.get(f"/teams/{team}/rules", headers=headers).json()
    response = api.client.put(f"/teams/{team}/rules", json=rules | {"min_closing_staff": 3}, headers=headers)
    assert response.status_code == 200 and response.json()["min_closing_staff"] == 3
    refused = api.client.put(f"/teams/{team}/rules", json=rules | {"rest_days_per_week": 0}, headers=headers)
    assert refused.status_code == 422 and "rest_days_per_week" in json.dumps(refused.json())
    assert api.client.get(f"/teams/{team}/rules", headers=headers).json()["min_closing_staff"] == 3


def test_a_missing_team_is_404(api: Api) -> None:
    assert api.client.get("/teams/999", headers=api.as_(Role.SCHEDULER)).status_code == 404
