"""Opening hours: parsing the scheduler's text, is_open at boundaries, open minutes in an interval."""

from __future__ import annotations

import pytest
from pydantic import ValidationError

from wfm.domain import OpeningHours, OpeningPeriod, parse_clock

MON, TUE, WED, THU, FRI, SAT, SUN = range(7)


def test_period_parse_accepts_a_24_00_close() -> None:
    period = OpeningPeriod.parse("08:30-24:00")
    assert (period.open_minute, period.close_minute) == (510, 1440)
    assert str(period) == "08:30-24:00"


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("08:30", "not written as HH:MM-HH:MM"),
        ("08:30-24:30", "close: '24:30'"),
        ("8h-17:00", "open: '8h'"),
        ("17:00-08:30", "close_minute: closes at 08:30, not after it opens at 17:00"),
        ("09:00-09:00", "close_minute: closes at 09:00"),
    ],
)
def test_period_parse_refusal_says_what_is_wrong(text: str, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        OpeningPeriod.parse(text)


def test_every_day_text_opens_all_seven_days() -> None:
    hours = OpeningHours.parse("08:30-24:00")
    assert hours.days == ((OpeningPeriod(open_minute=510, close_minute=1440),),) * 7


def test_weekday_ranges_and_single_days() -> None:
    hours = OpeningHours.parse("Mon-Fri 07:00-21:10; Sat 09:00-13:00")
    assert [len(periods) for periods in hours.days] == [1, 1, 1, 1, 1, 1, 0]
    assert str(hours.days[FRI][0]) == "07:00-21:10"
    assert str(hours.days[SAT][0]) == "09:00-13:00"
    assert str(hours).endswith("Sat 09:00-13:00; Sun closed")


def test_weekday_range_may_wrap_past_sunday() -> None:
    hours = OpeningHours.parse("Sat-Mon 10:00-18:00")
    assert [bool(periods) for periods in hours.days] == [True, False, False, False, False, True, True]


def test_day_lists_full_names_and_split_periods() -> None:
    hours = OpeningHours.parse("Monday,Wed 13:00-18:00,08:30-12:00")
    assert [str(p) for p in hours.days[MON]] == ["08:30-12:00", "13:00-18:00"]  # sorted by opening
    assert hours.days[WED] == hours.days[MON]
    assert hours.days[TUE] == ()


def test_adjacent_periods_accepted_overlapping_refused_naming_the_day() -> None:
    assert len(OpeningHours.parse("Tue 08:00-12:00,12:00-18:00").days[TUE]) == 2
    with pytest.raises(ValidationError) as caught:
        OpeningHours.parse("Mon-Fri 08:30-17:30; Thu 17:00-20:00")
    error = caught.value.errors()[0]
    assert error["loc"] == ("days",)
    assert "Thu: periods 08:30-17:30 and 17:00-20:00 overlap" in error["msg"]


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("Mon08:00-17:00; Tue 08:00-17:00", "should read like 'Mon-Fri 08:30-24:00'"),
        ("Xyz 08:00-17:00", "'Xyz' is not a day of the week"),
        ("Mon-Funday 08:00-17:00", "'Funday' is not a day of the week"),
    ],
)
def test_unreadable_text_refused(text: str, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        OpeningHours.parse(text)


@pytest.mark.parametrize("count", [6, 8])
def test_opening_hours_need_exactly_seven_days(count: int) -> None:
    with pytest.raises(ValidationError) as caught:
        OpeningHours(days=((),) * count)
    assert caught.value.errors()[0]["loc"] == ("days",)


def test_every_day_on_chosen_weekdays_only() -> None:
    hours = OpeningHours.every_day("08:30-17:30", weekdays=(MON, TUE, WED, THU, FRI))
    assert hours.is_open(FRI, 600)
    assert not hours.is_open(SAT, 600)


@pytest.mark.parametrize(
    ("weekday", "clock", "is_open"),
    [
        (MON, "08:29", False),
        (MON, "08:30", True),  # opening minute is open
        (MON, "23:59", True),
        (MON, "24:00", False),  # close is exclusive
        (SAT, "09:00", True),
        (SAT, "13:00", False),
        (SUN, "12:00", False),  # closed all day
    ],
)
def test_is_open_boundaries(weekday: int, clock: str, is_open: bool) -> None:
    hours = OpeningHours.parse("Mon-Fri 08:30-24:00; Sat 09:00-13:00")
    assert hours.is_open(weekday, parse_clock(clock)) is is_open


@pytest.mark.parametrize(
    ("weekday", "start", "length", "open_minutes"),
    [
        (MON, "08:00", 60, 30),  # opens half-way through the interval
        (MON, "09:00", 60, 60),
        (MON, "11:30", 120, 60),  # 11:30-12:00 and 13:00-13:30, lunch closed
        (MON, "17:30", 30, 30),
        (MON, "18:00", 60, 0),
        (MON, "06:00", 15, 0),
        (SUN, "09:00", 60, 0),
    ],
)
def test_open_minutes_in_an_interval(weekday: int, start: str, length: int, open_minutes: int) -> None:
    hours = OpeningHours.parse("Mon-Sat 08:30-12:00,13:00-18:00")
    assert hours.open_minutes_in(weekday, parse_clock(start), length) == open_minutes


def test_open_minutes_up_to_a_24_00_close() -> None:
    hours = OpeningHours.parse("08:30-24:00")
    assert hours.open_minutes_in(WED, parse_clock("23:30"), 60) == 30
    assert sum(hours.open_minutes_in(WED, hour * 60, 60) for hour in range(24)) == 15 * 60 + 30


@pytest.mark.parametrize("word", ["Monkey", "Thursdays", "Sa"])
def test_words_that_merely_start_like_a_day_are_refused(word: str) -> None:
    with pytest.raises(ValueError, match=word):
        OpeningHours.parse(f"{word} 08:00-12:00")


def test_full_day_names_are_accepted() -> None:
    hours = OpeningHours.parse("Monday-Friday 08:00-12:00")
    assert hours.is_open(4, 8 * 60) and not hours.is_open(5, 8 * 60)
