"""Agents, their contracts and their preferences."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest
from pydantic import ValidationError

from wfm.domain import Agent, Contract, Preferences


def test_contract_defaults_to_the_labour_law_standard_week() -> None:
    contract = Contract()
    assert (contract.days_per_week, contract.hours_per_week) == (5, 40.0)
    assert (contract.min_hours_per_week, contract.max_hours_per_week, contract.part_time) == (
        None,
        None,
        False,
    )


@pytest.mark.parametrize(
    "fields",
    [
        {"days_per_week": 1, "hours_per_week": 24.0},
        {"days_per_week": 7, "hours_per_week": 84.0},
        {"hours_per_week": 40.0, "min_hours_per_week": 40.0, "max_hours_per_week": 40.0},
        {"hours_per_week": 20.0, "min_hours_per_week": 0.0, "max_hours_per_week": 84.0, "part_time": True},
    ],
)
def test_contract_boundaries_accepted(fields: dict[str, Any]) -> None:
    contract = Contract(**fields)
    assert contract.model_dump(include=set(fields)) == fields


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"days_per_week": 1, "hours_per_week": 24.5}, "hours_per_week: 24.5 h cannot fit in 1 days"),
        ({"hours_per_week": 40.0, "min_hours_per_week": 40.5}, "min_hours_per_week: 40.5 h is above"),
        ({"hours_per_week": 40.0, "max_hours_per_week": 39.5}, "max_hours_per_week: 39.5 h is below"),
    ],
)
def test_contract_inconsistent_hours_refused_naming_the_field(fields: dict[str, Any], message: str) -> None:
    with pytest.raises(ValidationError) as caught:
        Contract(**fields)
    assert message in caught.value.errors()[0]["msg"]


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("days_per_week", 0),
        ("days_per_week", 8),
        ("hours_per_week", 0.0),
        ("hours_per_week", 84.5),
        ("min_hours_per_week", -1.0),
        ("max_hours_per_week", 0.0),
    ],
)
def test_contract_out_of_range_refused_by_field(field: str, value: Any) -> None:
    with pytest.raises(ValidationError) as caught:
        Contract(**{field: value})
    assert caught.value.errors()[0]["loc"] == (field,)


def test_preferences_default_to_no_wishes() -> None:
    assert Preferences() == Preferences(
        preferred_shifts=frozenset(), unwanted_shifts=frozenset(), preferred_days_off=frozenset()
    )


def test_shift_both_preferred_and_unwanted_refused() -> None:
    with pytest.raises(ValidationError) as caught:
        Preferences(preferred_shifts={"early", "late"}, unwanted_shifts={"late"})
    assert "unwanted_shifts: ['late'] also listed as preferred" in caught.value.errors()[0]["msg"]


@pytest.mark.parametrize(("days", "ok"), [({0, 6}, True), ({7}, False), ({-1, 2}, False)])
def test_preferred_days_off_are_monday_0_to_sunday_6(days: set[int], ok: bool) -> None:
    if ok:
        assert Preferences(preferred_days_off=days).preferred_days_off == frozenset(days)
        return
    with pytest.raises(ValidationError, match=r"preferred_days_off: .* are not days 0 \(Mon\) to 6 \(Sun\)"):
        Preferences(preferred_days_off=days)


def agent_fields(**overrides: Any) -> dict[str, Any]:
    fields: dict[str, Any] = {"id": "a01", "name": "Li Na", "group": "presales-1", "skills": ["hotline"]}
    fields.update(overrides)
    return fields


def test_agent_from_file_shaped_data() -> None:
    agent = Agent.model_validate(
        agent_fields(
            skills=["hotline", "presales_chat", "hotline"],
            contract={"days_per_week": 3, "hours_per_week": 24.0, "part_time": True},
            hired_on="2024-06-01",
            preferences={"unwanted_shifts": ["late"], "preferred_days_off": [5, 6]},
        )
    )
    assert agent.skills == frozenset({"hotline", "presales_chat"})
    assert agent.part_time is True
    assert agent.hired_on == date(2024, 6, 1)
    assert agent.preferences.unwanted_shifts == frozenset({"late"})
    assert agent.new_hire is False


def test_agent_part_time_follows_the_contract() -> None:
    assert Agent(**agent_fields()).part_time is False
    assert Agent(**agent_fields(contract=Contract(hours_per_week=20.0, part_time=True))).part_time is True


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("id", ""),
        ("id", "li na"),
        ("id", "-a01"),
        ("id", "a" * 33),
        ("name", ""),
        ("group", ""),
        ("group", "g" * 41),
        ("skills", []),
        ("hired_on", "June 1st"),
    ],
)
def test_agent_refusal_names_the_field(field: str, value: Any) -> None:
    with pytest.raises(ValidationError) as caught:
        Agent(**agent_fields(**{field: value}))
    assert caught.value.errors()[0]["loc"] == (field,)


@pytest.mark.parametrize("agent_id", ["a01", "A", "li.na_01-b", "a" * 32])
def test_agent_ids_accepted(agent_id: str) -> None:
    assert Agent(**agent_fields(id=agent_id)).id == agent_id


def test_agent_contract_refusal_names_the_nested_field() -> None:
    with pytest.raises(ValidationError) as caught:
        Agent(**agent_fields(contract={"days_per_week": 9}))
    assert caught.value.errors()[0]["loc"] == ("contract", "days_per_week")
