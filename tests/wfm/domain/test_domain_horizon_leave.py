"""The planning horizon and leave requests."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest
from pydantic import ValidationError

from wfm.domain import LeaveRequest, LeaveStatus, LeaveType, PlanningHorizon

MONDAY = date(2024, 6, 17)


def test_horizon_defaults_to_one_week() -> None:
    week = PlanningHorizon(start=MONDAY)
    assert week.days == 7
    assert week.end == date(2024, 6, 23)
    assert week.dates == tuple(date(2024, 6, day) for day in range(17, 24))
    assert str(week) == "2024-06-17 to 2024-06-23 (7 days)"


def test_horizon_across_a_month_end() -> None:
    horizon = PlanningHorizon(start=date(2024, 10, 28), days=14)
    assert horizon.end == date(2024, 11, 10)
    assert date(2024, 11, 1) in horizon
    assert len(horizon.dates) == 14


@pytest.mark.parametrize(
    ("day", "inside"),
    [
        (date(2024, 6, 16), False),
        (date(2024, 6, 17), True),
        (date(2024, 6, 23), True),
        (date(2024, 6, 24), False),
        ("2024-06-18", False),
    ],
)
def test_horizon_contains_its_first_and_last_day_only(day: object, inside: bool) -> None:
    assert (day in PlanningHorizon(start=MONDAY)) is inside


@pytest.mark.parametrize(("days", "ok"), [(0, False), (1, True), (366, True), (367, False)])
def test_horizon_length_boundaries(days: int, ok: bool) -> None:
    if ok:
        assert len(PlanningHorizon(start=MONDAY, days=days).dates) == days
        return
    with pytest.raises(ValidationError) as caught:
        PlanningHorizon(start=MONDAY, days=days)
    assert caught.value.errors()[0]["loc"] == ("days",)


def leave_fields(**overrides: Any) -> dict[str, Any]:
    fields: dict[str, Any] = {
        "agent_id": "a01",
        "leave_type": "personal",
        "first_day": "2024-06-18",
        "last_day": "2024-06-20",
    }
    fields.update(overrides)
    return fields


def test_leave_from_file_shaped_data_is_requested_until_decided() -> None:
    leave = LeaveRequest.model_validate(leave_fields())
    assert leave.leave_type is LeaveType.PERSONAL
    assert leave.status is LeaveStatus.REQUESTED
    assert leave.days == 3
    assert leave.dates == (date(2024, 6, 18), date(2024, 6, 19), date(2024, 6, 20))
    assert leave.medical_certificate is False


def test_one_day_leave_accepted() -> None:
    leave = LeaveRequest(**leave_fields(leave_type="sick", last_day="2024-06-18"))
    assert (leave.days, leave.dates) == (1, (date(2024, 6, 18),))


def test_leave_ending_before_it_starts_refused() -> None:
    with pytest.raises(ValidationError) as caught:
        LeaveRequest(**leave_fields(last_day="2024-06-17"))
    assert "last_day: 2024-06-17 is before first_day 2024-06-18" in caught.value.errors()[0]["msg"]


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("leave_type", "holiday"),
        ("status", "pending"),
        ("first_day", "18/06/2024"),
        ("note", "x" * 501),
    ],
)
def test_leave_refusal_names_the_field(field: str, value: Any) -> None:
    with pytest.raises(ValidationError) as caught:
        LeaveRequest(**leave_fields(**{field: value}))
    assert caught.value.errors()[0]["loc"] == (field,)


def test_leave_note_of_500_characters_accepted() -> None:
    assert len(LeaveRequest(**leave_fields(note="x" * 500)).note) == 500
