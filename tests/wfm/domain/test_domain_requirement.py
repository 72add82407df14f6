"""The staffing requirement frame: every bad row is refused naming its line and column."""

from __future__ import annotations

from typing import Any

import pandas as pd
import pytest

from wfm.domain import Requirement
from wfm.errors import InputError, Problem


def frame(rows: list[tuple[Any, Any, Any]]) -> pd.DataFrame:
    return pd.DataFrame(rows, columns=["queue", "interval_start", "agents"])


GOOD_ROWS = [
    ("presales_chat", "2024-06-18 09:00", 4),
    ("hotline", "2024-06-18 09:00", 3),
    ("hotline", "2024-06-18 08:00", 2.0),
]


def where(error: InputError) -> list[tuple[int | None, str | None]]:
    return [(problem.row, problem.column) for problem in error.problems]


def test_valid_frame_is_cleaned_sorted_and_typed() -> None:
    requirement = Requirement(frame(GOOD_ROWS), interval_minutes=60)
    clean = requirement.to_frame()
    assert list(clean.columns) == ["queue", "interval_start", "agents"]
    assert clean["queue"].tolist() == ["hotline", "hotline", "presales_chat"]
    assert clean["interval_start"].tolist() == [
        pd.Timestamp("2024-06-18 08:00"),
        pd.Timestamp("2024-06-18 09:00"),
        pd.Timestamp("2024-06-18 09:00"),
    ]
    assert clean["agents"].tolist() == [2, 3, 4]
    assert clean["agents"].dtype == "int64"
    assert requirement.queues == ("hotline", "presales_chat")


def test_to_frame_is_a_copy() -> None:
    requirement = Requirement(frame(GOOD_ROWS), interval_minutes=60)
    copy = requirement.to_frame()
    copy.loc[0, "agents"] = 99
    assert requirement.to_frame()["agents"].tolist() == [2, 3, 4]


def test_zero_agents_and_an_empty_frame_accepted() -> None:
    assert Requirement(frame([("hotline", "2024-06-18 03:00", 0)]), 60).to_frame()["agents"].tolist() == [0]
    assert Requirement(frame([]), 30).queues == ()


@pytest.mark.parametrize("minutes", [15, 30, 60])
def test_allowed_interval_lengths(minutes: int) -> None:
    assert Requirement(frame(GOOD_ROWS), interval_minutes=minutes).interval_minutes == minutes


@pytest.mark.parametrize("minutes", [0, 20, 45, 120])
def test_other_interval_lengths_refused_naming_the_field(minutes: int) -> None:
    with pytest.raises(InputError) as caught:
        Requirement(frame(GOOD_ROWS), interval_minutes=minutes)
    assert [problem.field for problem in caught.value.problems] == ["interval_minutes"]


def test_missing_columns_are_each_named() -> None:
    with pytest.raises(InputError) as caught:
        Requirement(pd.DataFrame({"queue": ["hotline"], "start": ["2024-06-18 09:00"]}), 60)
    assert where(caught.value) == [(None, "interval_start"), (None, "agents")]
    assert "found ['queue', 'start']" in caught.value.problems[0].message


@pytest.mark.parametrize(
    ("bad_row", "column", "message"),
    [
        (("hotline", "2024-06-18 10:00", -1), "agents", "'-1' is not a whole number of agents"),
        (("hotline", "2024-06-18 10:00", 1.5), "agents", "'1.5' is not a whole number"),
        (("hotline", "2024-06-18 10:00", "two"), "agents", "'two' is not a whole number"),
        (("hotline", "2024-06-18 10:00", None), "agents", "is not a whole number"),
        (("hotline", "2024-06-18 10:00", float("inf")), "agents", "'inf' is not a whole number"),
        (("hotline", "tomorrow 10am", 3), "interval_start", "not a date-time"),
        (("hotline", None, 3), "interval_start", "not a date-time"),
        (("hotline", "2024-06-18 10:15", 3), "interval_start", "not aligned to 30-minute intervals"),
        ((None, "2024-06-18 10:00", 3), "queue", "no queue code"),
        (("  ", "2024-06-18 10:00", 3), "queue", "no queue code"),
    ],
)
def test_bad_value_refused_naming_line_and_column(
    bad_row: tuple[Any, Any, Any], column: str, message: str
) -> None:
    rows = [("hotline", "2024-06-18 09:30", 3), bad_row]
    with pytest.raises(InputError) as caught:
        Requirement(frame(rows), interval_minutes=30)
    assert where(caught.value) == [(3, column)]  # the header is line 1
    assert message in caught.value.problems[0].message
    assert f"line 3, column '{column}'" in str(caught.value)


def test_interval_aligned_to_half_hours_accepted() -> None:
    rows = [("hotline", "2024-06-18 09:30", 3), ("hotline", "2024-06-18 10:00", 3)]
    assert len(Requirement(frame(rows), interval_minutes=30).to_frame()) == 2


def test_stray_seconds_are_not_aligned() -> None:
    rows = [("hotline", "2024-06-18 09:30:00", 3), ("hotline", "2024-06-18 10:00:30", 3)]
    with pytest.raises(InputError) as caught:
        Requirement(frame(rows), interval_minutes=30)
    assert where(caught.value) == [(3, "interval_start")]
    assert "not aligned to 30-minute intervals" in caught.value.problems[0].message


def test_iso_date_times_written_differently_on_different_rows_accepted() -> None:
    rows = [("hotline", "2024-06-18 09:00", 3), ("hotline", "2024-06-18T10:00:00", 3)]
    assert len(Requirement(frame(rows), interval_minutes=60).to_frame()) == 2


def test_datetime_column_accepted_as_is() -> None:
    data = frame([("hotline", pd.Timestamp("2024-06-18 09:00"), 3)])
    assert Requirement(data, 60).to_frame()["interval_start"].tolist() == [pd.Timestamp("2024-06-18 09:00")]


def test_duplicate_interval_refused_on_every_line_it_appears() -> None:
    rows = [
        ("hotline", "2024-06-18 09:00", 3),
        ("presales_chat", "2024-06-18 09:00", 3),
        ("hotline", "2024-06-18 09:00", 4),
    ]
    with pytest.raises(InputError) as caught:
        Requirement(frame(rows), interval_minutes=60)
    assert where(caught.value) == [(2, "interval_start"), (4, "interval_start")]
    assert all("more than once" in problem.message for problem in caught.value.problems)


def test_every_bad_row_is_reported_not_just_the_first() -> None:
    rows = [
        ("hotline", "2024-06-18 09:00", -2),
        ("hotline", "2024-06-18 10:00", 3),
        ("hotline", "2024-06-18 11:20", 0.5),
    ]
    with pytest.raises(InputError) as caught:
        Requirement(frame(rows), interval_minutes=60)
    assert where(caught.value) == [(2, "agents"), (4, "interval_start"), (4, "agents")]
    assert caught.value.summary == "requirement refused"
    assert all(isinstance(problem, Problem) for problem in caught.value.problems)
