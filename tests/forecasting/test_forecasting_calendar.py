"""Event calendar: holiday stretches, China's promotions, site files and their errors."""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path

import pandas as pd
import pytest
from pydantic import ValidationError

from forecasting.calendar import Event, EventCalendar, default_calendar, holiday_stretches, site_calendar
from wfm.errors import InputError

PROMOTION_NAMES = {
    "618 pre-sale",
    "618",
    "618 after-sales",
    "Double 11 pre-sale",
    "Double 11 sale wave",
    "Double 11",
    "Double 11 after-sales",
    "Double 12",
    "Double 12 after-sales",
    "New-Year goods festival",
    "Pre-holiday delivery stop",
}


@pytest.fixture(scope="module")
def china() -> EventCalendar:
    return default_calendar(range(2024, 2026), country="CN")


def _named(calendar: EventCalendar, name: str, year: int) -> list[Event]:
    return [event for event in calendar.events if event.name == name and event.first_day.year == year]


# --- default calendar -------------------------------------------------------------------------


def test_national_day_2024_is_one_stretch_including_the_weekend(china: EventCalendar) -> None:
    inside = china.between(date(2024, 10, 1), date(2024, 10, 7))
    holidays = [event for event in inside.events if event.kind == "holiday"]
    assert [(e.name, e.first_day, e.last_day) for e in holidays] == [
        ("National Day", date(2024, 10, 1), date(2024, 10, 7))
    ]
    assert holidays[0].daily_shape
    assert len(holidays[0].days()) == 7


def test_spring_festival_2025_runs_from_new_years_eve_to_the_last_day_off(china: EventCalendar) -> None:
    (stretch,) = _named(china, "Chinese New Year (Spring Festival)", 2025)
    assert (stretch.first_day, stretch.last_day) == (date(2025, 1, 28), date(2025, 2, 4))
    assert stretch.kind == "holiday"
    assert stretch.daily_shape


def test_names_are_identical_across_years(china: EventCalendar) -> None:
    names_by_year = {
        year: {event.name for event in china.events if event.first_day.year == year} for year in (2024, 2025)
    }
    # In 2025 Mid-Autumn (Oct 6) falls inside the National Day week, which keeps its name.
    assert names_by_year[2024] - names_by_year[2025] == {"Mid-Autumn Festival"}
    assert names_by_year[2025] <= names_by_year[2024]
    assert names_by_year[2025] >= PROMOTION_NAMES
    assert {"National Day", "Labor Day", "Chinese New Year (Spring Festival)"} <= names_by_year[2025]
    assert not any("(observed)" in name or name.startswith("Day off") for name in china.names())


def test_only_the_years_asked_for(china: EventCalendar) -> None:
    assert {event.first_day.year for event in china.events} == {2024, 2025}


def test_double_11_sale_waves_cover_20_to_22_only(china: EventCalendar) -> None:
    waves = _named(china, "Double 11 sale wave", 2025)
    assert [(wave.first_day, wave.hours) for wave in waves] == [
        (date(2025, 10, 31), (20, 22)),
        (date(2025, 11, 10), (20, 22)),
    ]
    first_wave = waves[0]
    assert first_wave.covers(pd.Timestamp("2025-10-31 20:30"))
    assert first_wave.covers(pd.Timestamp("2025-10-31 21:00"))
    assert not first_wave.covers(pd.Timestamp("2025-10-31 19:00"))
    assert not first_wave.covers(pd.Timestamp("2025-10-31 22:00"))
    assert not first_wave.covers(pd.Timestamp("2025-11-01 20:30"))


def test_after_sales_waves_have_a_daily_shape(china: EventCalendar) -> None:
    (after_sales,) = _named(china, "Double 11 after-sales", 2025)
    assert (after_sales.first_day, after_sales.last_day) == (date(2025, 11, 12), date(2025, 11, 28))
    assert after_sales.daily_shape
    (sale_day,) = _named(china, "Double 11", 2025)
    assert not sale_day.daily_shape


def test_goods_festival_and_delivery_stop_come_before_spring_festival(china: EventCalendar) -> None:
    (stretch,) = _named(china, "Chinese New Year (Spring Festival)", 2025)
    (festival,) = _named(china, "New-Year goods festival", 2025)
    (delivery_stop,) = _named(china, "Pre-holiday delivery stop", 2025)
    assert len(festival.days()) == 10
    assert festival.first_day == date(2025, 1, 29) - timedelta(days=25)
    assert festival.last_day < stretch.first_day
    assert (delivery_stop.first_day, delivery_stop.last_day) == (date(2025, 1, 19), date(2025, 1, 27))
    assert delivery_stop.daily_shape


def test_us_calendar_has_public_holidays_and_no_promotions() -> None:
    calendar = default_calendar((2025,), country="US")
    assert {event.kind for event in calendar.events} == {"holiday"}
    assert {"Independence Day", "Labor Day", "Thanksgiving Day"} <= set(calendar.names())
    assert all(len(event.days()) == 1 for event in calendar.events)
    assert not PROMOTION_NAMES & set(calendar.names())


def test_unknown_country_names_the_field() -> None:
    with pytest.raises(InputError) as refused:
        default_calendar((2025,), country="XX")
    assert refused.value.problems[0].field == "country"


def test_stretch_is_named_after_its_most_frequent_holiday() -> None:
    public = {
        date(2023, 9, 29): "Mid-Autumn Festival",
        date(2023, 10, 1): "National Day",
        date(2023, 10, 2): "National Day",
        date(2023, 10, 4): "National Day (observed)",
        date(2023, 10, 6): "Day off (substituted from 10/08/2023)",
        date(2023, 12, 25): "Christmas Day",
    }
    national_day, christmas = holiday_stretches(public)
    assert (national_day.name, national_day.first_day, national_day.last_day) == (
        "National Day",
        date(2023, 9, 29),
        date(2023, 10, 6),
    )
    assert (christmas.name, christmas.daily_shape) == ("Christmas Day", False)


def test_lone_day_off_joins_the_nearest_stretch() -> None:
    public = {
        date(2024, 5, 1): "Labor Day",
        date(2024, 5, 6): "Day off (substituted from 05/11/2024)",
        date(2024, 6, 10): "Dragon Boat Festival",
    }
    labor_day, dragon_boat = holiday_stretches(public)
    assert (labor_day.name, labor_day.first_day, labor_day.last_day) == (
        "Labor Day",
        date(2024, 5, 1),
        date(2024, 5, 6),
    )
    assert dragon_boat.first_day == dragon_boat.last_day == date(2024, 6, 10)


# --- Event ------------------------------------------------------------------------------------


def _event(**fields: object) -> Event:
    values: dict[str, object] = {
        "name": "Shop anniversary",
        "kind": "site",
        "first_day": date(2025, 3, 8),
        "last_day": date(2025, 3, 8),
    }
    values.update(fields)
    return Event.model_validate(values)


def test_event_queues_and_days() -> None:
    event = _event(last_day=date(2025, 3, 10), queues=["presales_chat"])
    assert event.days() == (date(2025, 3, 8), date(2025, 3, 9), date(2025, 3, 10))
    assert event.applies_to("presales_chat")
    assert not event.applies_to("hotline")
    assert _event().applies_to("hotline")
    assert event.covers(pd.Timestamp("2025-03-10 23:00"))
    assert not event.covers(pd.Timestamp("2025-03-11 00:00"))


@pytest.mark.parametrize(
    ("fields", "field"),
    [
        ({"last_day": date(2025, 3, 7)}, "last_day"),
        ({"hours": (22, 20)}, "hours"),
        ({"hours": (20, 25)}, "hours"),
        ({"name": "  "}, "name"),
        ({"queues": []}, "queues"),
        ({"kind": "sale"}, "kind"),
    ],
)
def test_event_refusals_name_the_field(fields: dict[str, object], field: str) -> None:
    with pytest.raises(ValidationError) as refused:
        _event(**fields)
    assert field in str(refused.value)


# --- EventCalendar ----------------------------------------------------------------------------


def test_merged_with_replaces_same_name_and_first_day_only() -> None:
    ours = EventCalendar(
        events=(
            _event(
                name="Double 12", kind="promotion", first_day=date(2025, 12, 12), last_day=date(2025, 12, 12)
            ),
            _event(
                name="Double 12", kind="promotion", first_day=date(2024, 12, 12), last_day=date(2024, 12, 12)
            ),
            _event(
                name="Double 11", kind="promotion", first_day=date(2025, 11, 11), last_day=date(2025, 11, 11)
            ),
        )
    )
    theirs = EventCalendar(
        events=(
            _event(name="Double 12", first_day=date(2025, 12, 12), last_day=date(2025, 12, 14)),
            _event(name="Double 11", first_day=date(2025, 11, 10), last_day=date(2025, 11, 10)),
        )
    )
    merged = ours.merged_with(theirs)
    assert [(e.name, e.first_day, e.last_day, e.kind) for e in merged.events] == [
        ("Double 12", date(2024, 12, 12), date(2024, 12, 12), "promotion"),
        ("Double 11", date(2025, 11, 10), date(2025, 11, 10), "site"),
        ("Double 11", date(2025, 11, 11), date(2025, 11, 11), "promotion"),
        ("Double 12", date(2025, 12, 12), date(2025, 12, 14), "site"),
    ]


def test_for_queue_between_names_and_without() -> None:
    calendar = EventCalendar(
        events=(
            _event(name="A", queues=["presales_chat"]),
            _event(name="B", first_day=date(2025, 4, 1), last_day=date(2025, 4, 3)),
            _event(name="A", first_day=date(2026, 3, 8), last_day=date(2026, 3, 8)),
        )
    )
    assert calendar.names() == ("A", "B")
    assert [e.name for e in calendar.for_queue("hotline").events] == ["B", "A"]
    assert [e.name for e in calendar.between(date(2025, 4, 3), date(2025, 12, 31)).events] == ["B"]
    assert calendar.between(date(2025, 4, 4), date(2025, 12, 31)).events == ()
    assert calendar.without(["A"]).names() == ("B",)
    assert calendar.without("B").names() == ("A",)


def test_two_events_with_the_same_name_and_first_day_are_refused() -> None:
    with pytest.raises(ValidationError) as refused:
        EventCalendar(events=(_event(), _event(last_day=date(2025, 3, 9))))
    assert "events[1].first_day" in str(refused.value)


SITE_TOML = """\
country = "CN"
remove = ["Double 12"]

[[events]]
name = "Shop anniversary sale"
kind = "site"
first_day = 2025-03-08
last_day = "2025-03-09"
hours = [20, 22]
queues = ["presales_chat"]
"""


def test_site_file_round_trips_through_toml_and_json(tmp_path: Path) -> None:
    source = tmp_path / "site.toml"
    source.write_text(SITE_TOML, encoding="utf-8")
    site = EventCalendar.load(source)
    assert site.country == "CN"
    assert site.remove == ("Double 12",)
    (event,) = site.events
    assert event.queues == frozenset({"presales_chat"})
    assert (event.hours, event.last_day, event.daily_shape) == ((20, 22), date(2025, 3, 9), False)

    for name in ("copy.toml", "copy.json"):
        site.save(tmp_path / name)
        assert EventCalendar.load(tmp_path / name) == site


def test_toml_strings_are_escaped_on_save(tmp_path: Path) -> None:
    calendar = EventCalendar(events=(_event(name='Sale "big" \\ day\t1'),))
    calendar.save(tmp_path / "odd.toml")
    assert EventCalendar.load(tmp_path / "odd.toml") == calendar


def test_site_calendar_removes_and_adds(tmp_path: Path) -> None:
    source = tmp_path / "site.toml"
    source.write_text(SITE_TOML, encoding="utf-8")
    calendar = site_calendar(source, range(2025, 2026))
    assert "Double 12" not in calendar.names()
    assert "Double 12 after-sales" in calendar.names()
    assert "Shop anniversary sale" in calendar.names()
    assert [e.name for e in calendar.for_queue("hotline").events].count("Shop anniversary sale") == 0


@pytest.mark.parametrize(
    ("event_lines", "field"),
    [
        ("first_day = 2025-03-08\nlast_day = 2025-03-07", "events[1].last_day"),
        ("first_day = 2025-03-08\nlast_day = 2025-03-08\nhours = [22, 20]", "events[1].hours"),
        ("first_day = 2025-03-08\nlast_day = 2025-03-08\ncolour = 'red'", "events[1].colour"),
    ],
)
def test_bad_site_file_names_event_index_and_field(tmp_path: Path, event_lines: str, field: str) -> None:
    source = tmp_path / "site.toml"
    source.write_text(f'{SITE_TOML}\n[[events]]\nname = "Bad"\n{event_lines}\n', encoding="utf-8")
    with pytest.raises(InputError) as refused:
        EventCalendar.load(source)
    assert [problem.field for problem in refused.value.problems] == [field]
    assert str(source) in str(refused.value)


def test_bad_json_file_names_event_index_and_field(tmp_path: Path) -> None:
    source = tmp_path / "site.json"
    source.write_text(
        '{"events": [{"name": "A", "first_day": "2025-03-08", "last_day": "2025-03-01"}]}', encoding="utf-8"
    )
    with pytest.raises(InputError) as refused:
        EventCalendar.load(source)
    assert refused.value.problems[0].field == "events[0].last_day"


def test_unknown_top_level_key_and_country_are_named(tmp_path: Path) -> None:
    source = tmp_path / "site.toml"
    source.write_text('country = "XX"\nremoved = ["Double 12"]\n', encoding="utf-8")
    with pytest.raises(InputError) as refused:
        EventCalendar.load(source)
    assert sorted(problem.field or "" for problem in refused.value.problems) == ["country", "removed"]


def test_malformed_toml_gives_the_line(tmp_path: Path) -> None:
    source = tmp_path / "site.toml"
    source.write_text('remove = ["Double 12"]\n[[events]\nname = "A"\n', encoding="utf-8")
    with pytest.raises(InputError) as refused:
        EventCalendar.load(source)
    assert refused.value.problems[0].row == 2


def test_missing_file_and_wrong_extension_are_input_errors(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="no such file"):
        EventCalendar.load(tmp_path / "absent.toml")
    with pytest.raises(InputError, match=r"\.toml or \.json"):
        EventCalendar.load(tmp_path / "site.yaml")
