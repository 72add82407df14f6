"""Shift templates and clock times: 24:00 ends, shifts past midnight, paid minutes, break windows."""

from __future__ import annotations

from typing import Any

import pytest
from pydantic import ValidationError

from wfm.domain import BreakWindow, ShiftTemplate, format_clock, parse_clock


@pytest.mark.parametrize(
    ("text", "minutes"),
    [("00:00", 0), ("08:30", 510), ("8:30", 510), (" 15:00 ", 900), ("23:59", 1439), ("24:00", 1440)],
)
def test_parse_clock_accepts_times_of_day_up_to_24_00(text: str, minutes: int) -> None:
    assert parse_clock(text) == minutes


@pytest.mark.parametrize("text", ["24:01", "25:00", "08:60", "8.30", "0830", "-1:00", ""])
def test_parse_clock_refusal_names_the_field(text: str) -> None:
    with pytest.raises(ValueError, match=r"^start: "):
        parse_clock(text, field="start")


@pytest.mark.parametrize(
    ("minutes", "text"), [(0, "00:00"), (510, "08:30"), (1440, "24:00"), (1560, "02:00+1")]
)
def test_format_clock(minutes: int, text: str) -> None:
    assert format_clock(minutes) == text


def test_late_shift_ends_at_24_00_the_same_day() -> None:
    late = ShiftTemplate.from_clock("late", "15:00", "24:00")
    assert (late.start, late.end) == (900, 1440)
    assert late.duration_minutes == 540
    assert not late.crosses_midnight
    assert late.name == "late"
    assert str(late) == "late 15:00-24:00"


@pytest.mark.parametrize(
    ("start", "end", "end_minute", "duration"),
    [("22:00", "06:00", 1800, 480), ("18:00", "00:00", 1440, 360), ("00:00", "24:00", 1440, 1440)],
)
def test_from_clock_reads_an_end_at_or_before_the_start_as_next_day(
    start: str, end: str, end_minute: int, duration: int
) -> None:
    shift = ShiftTemplate.from_clock("night", start, end)
    assert shift.end == end_minute
    assert shift.duration_minutes == duration
    assert shift.crosses_midnight is (end_minute > 1440)


def test_shift_past_midnight_reads_with_next_day_marker() -> None:
    assert str(ShiftTemplate.from_clock("night", "22:00", "06:00")) == "night 22:00-06:00+1"


def test_from_clock_refusal_names_start_or_end() -> None:
    with pytest.raises(ValueError, match=r"^end: '24:30'"):
        ShiftTemplate.from_clock("late", "15:00", "24:30")
    with pytest.raises(ValueError, match=r"^start: '7h'"):
        ShiftTemplate.from_clock("early", "7h", "16:00")


def test_paid_minutes_leave_out_the_unpaid_break() -> None:
    early = ShiftTemplate.from_clock("early", "08:30", "17:30", unpaid_break_minutes=60)
    assert early.duration_minutes == 540
    assert early.paid_minutes == 480


def test_end_not_after_start_refused_and_points_to_from_clock() -> None:
    with pytest.raises(ValidationError) as caught:
        ShiftTemplate(code="night", name="Night", start=1320, end=360)
    message = caught.value.errors()[0]["msg"]
    assert "end: 06:00 is not after start 22:00" in message
    assert "from_clock" in message


def test_shift_of_exactly_24_hours_accepted_and_longer_refused() -> None:
    assert ShiftTemplate(code="day", name="Day", start=600, end=2040).duration_minutes == 1440
    with pytest.raises(ValidationError, match="end: a shift cannot last more than 24 hours"):
        ShiftTemplate(code="day", name="Day", start=600, end=2041)


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("code", "1early"),
        ("code", "early-2"),
        ("code", "e" * 21),
        ("name", ""),
        ("start", -1),
        ("start", 1440),
        ("end", 0),
        ("end", 2881),
        ("unpaid_break_minutes", -1),
        ("unpaid_break_minutes", 181),
    ],
)
def test_shift_refusal_names_the_field(field: str, value: Any) -> None:
    fields: dict[str, Any] = {"code": "early", "name": "Early", "start": 510, "end": 1050}
    fields[field] = value
    with pytest.raises(ValidationError) as caught:
        ShiftTemplate(**fields)
    assert caught.value.errors()[0]["loc"] == (field,)


def test_unpaid_break_must_be_shorter_than_the_shift() -> None:
    with pytest.raises(ValidationError, match="unpaid_break_minutes: 120 min is not shorter"):
        ShiftTemplate.from_clock("short", "10:00", "12:00", unpaid_break_minutes=120)
    assert ShiftTemplate.from_clock("short", "10:00", "12:00", unpaid_break_minutes=119).paid_minutes == 1


def early_with_window(earliest: int, latest: int, break_minutes: int = 60) -> ShiftTemplate:
    return ShiftTemplate.from_clock(
        "early",
        "08:30",
        "17:30",
        unpaid_break_minutes=break_minutes,
        break_window=BreakWindow(earliest_start=earliest, latest_start=latest),
    )


@pytest.mark.parametrize(
    ("earliest", "latest"),
    [(690, 780), (510, 510), (990, 990)],  # 11:30-13:00; at the very start; ending exactly at 17:30
)
def test_break_window_inside_the_shift_accepted(earliest: int, latest: int) -> None:
    window = early_with_window(earliest, latest).break_window
    assert window == BreakWindow(earliest_start=earliest, latest_start=latest)


@pytest.mark.parametrize(
    ("earliest", "latest"),
    [(509, 700), (700, 991)],  # starts before 08:30; a break starting 16:31 would end after 17:30
)
def test_break_window_outside_the_shift_refused(earliest: int, latest: int) -> None:
    with pytest.raises(
        ValidationError, match=r"break_window: the break must lie inside the shift 08:30-17:30"
    ):
        early_with_window(earliest, latest)


def test_break_window_needs_an_unpaid_break() -> None:
    with pytest.raises(ValidationError, match="break_window: set only for a shift with an unpaid break"):
        early_with_window(690, 780, break_minutes=0)


def test_break_window_past_midnight_accepted_inside_a_night_shift() -> None:
    night = ShiftTemplate.from_clock(
        "night",
        "22:00",
        "06:00",
        unpaid_break_minutes=30,
        break_window=BreakWindow(earliest_start=1500, latest_start=1770),  # 01:00+1 to 05:30+1
    )
    assert night.paid_minutes == 450


def test_break_window_latest_before_earliest_refused() -> None:
    with pytest.raises(ValidationError) as caught:
        BreakWindow(earliest_start=780, latest_start=690)
    assert "latest_start: 11:30 is before earliest_start 13:00" in caught.value.errors()[0]["msg"]
    assert BreakWindow(earliest_start=690, latest_start=690).latest_start == 690


def test_from_clock_refuses_an_end_equal_to_the_start() -> None:
    with pytest.raises(ValueError, match="end: 09:00 is the same time as the start"):
        ShiftTemplate.from_clock("odd", "09:00", "09:00")
