"""Roster-rule parameters: the defaults must be the manuals' (DOMAIN.md), and a site can change each."""

from __future__ import annotations

from typing import Any

import pytest
from pydantic import ValidationError

from wfm.domain import MeetingRule, RosterRules, ShiftTemplate, parse_clock


def test_roster_rule_defaults_are_the_manuals() -> None:
    rules = RosterRules()
    assert rules.rest_days_per_week == 2
    assert rules.max_consecutive_working_days == 6
    assert rules.min_rest_hours == 11.0
    assert rules.min_closing_staff == 2
    assert rules.forbidden_successions == frozenset()
    assert rules.meeting == MeetingRule()


def test_meeting_defaults_to_wednesday_afternoon_with_one_on_duty() -> None:
    meeting = MeetingRule()
    assert meeting.weekday == 2  # Monday is 0
    assert parse_clock("12:00") <= meeting.start < meeting.end <= parse_clock("18:00")
    assert meeting.min_on_duty == 1


def test_default_minimum_rest_forbids_late_then_early() -> None:
    late = ShiftTemplate.from_clock("late", "15:00", "24:00")
    early = ShiftTemplate.from_clock("early", "08:30", "17:30")
    rest_hours = (early.start + 24 * 60 - late.end) / 60
    assert rest_hours == 8.5
    assert rest_hours < RosterRules().min_rest_hours


def test_a_site_can_change_every_default() -> None:
    rules = RosterRules.model_validate(
        {
            "rest_days_per_week": 1,
            "max_consecutive_working_days": 12,
            "min_rest_hours": 12.5,
            "min_closing_staff": 3,
            "meeting": {"weekday": 4, "start": 600, "end": 660, "min_on_duty": 2},
            "forbidden_successions": [["late", "early"]],
        }
    )
    assert rules.rest_days_per_week == 1
    assert rules.max_consecutive_working_days == 12
    assert rules.min_rest_hours == 12.5
    assert rules.min_closing_staff == 3
    assert rules.meeting == MeetingRule(weekday=4, start=600, end=660, min_on_duty=2)
    assert rules.forbidden_successions == frozenset({("late", "early")})


def test_a_site_without_a_meeting() -> None:
    assert RosterRules(meeting=None).meeting is None


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("rest_days_per_week", 0),  # labour law: at least one rest day a week
        ("rest_days_per_week", 7),
        ("max_consecutive_working_days", 0),
        ("max_consecutive_working_days", 13),
        ("min_rest_hours", -1.0),
        ("min_rest_hours", 48.5),
        ("min_closing_staff", -1),
    ],
)
def test_roster_rules_refusal_names_the_field(field: str, value: Any) -> None:
    with pytest.raises(ValidationError) as caught:
        RosterRules(**{field: value})
    assert caught.value.errors()[0]["loc"] == (field,)


@pytest.mark.parametrize(
    ("field", "value"),
    [("weekday", -1), ("weekday", 7), ("start", 1440), ("end", 1441), ("min_on_duty", 0)],
)
def test_meeting_refusal_names_the_field(field: str, value: int) -> None:
    with pytest.raises(ValidationError) as caught:
        MeetingRule(**{field: value})
    assert caught.value.errors()[0]["loc"] == (field,)


def test_meeting_ending_before_it_starts_refused() -> None:
    with pytest.raises(ValidationError) as caught:
        MeetingRule(start=parse_clock("16:00"), end=parse_clock("16:00"))
    assert "end: the meeting ends at 16:00, not after its start 16:00" in caught.value.errors()[0]["msg"]


def test_meeting_may_end_at_24_00() -> None:
    assert MeetingRule(start=parse_clock("23:00"), end=parse_clock("24:00")).end == 1440


def test_meeting_refusal_inside_rules_names_the_nested_field() -> None:
    with pytest.raises(ValidationError) as caught:
        RosterRules.model_validate({"meeting": {"weekday": 9}})
    assert caught.value.errors()[0]["loc"] == ("meeting", "weekday")
