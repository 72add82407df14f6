"""The sample centre: reproducible, bundled as generated, and shaped as its parameters promise."""

from __future__ import annotations

from dataclasses import replace
from datetime import date, timedelta

import numpy as np
import pandas as pd
import pytest

from wfm.domain import CellKind, LeaveType, Site
from wfm.sample_centre import SampleParameters, generate, load_sample_centre
from wfm.sample_centre.generate import HISTORY_COLUMNS, SampleCentre, expected_volume

PARAMS = SampleParameters()


@pytest.fixture(scope="module")
def centre() -> SampleCentre:
    return generate(PARAMS)


@pytest.fixture(scope="module")
def daily(centre: SampleCentre) -> pd.DataFrame:
    """Contacts per day, one column per queue."""
    history = centre.history.frame
    days = history["interval_start"].dt.normalize()
    return history.groupby(["queue", days])["contacts"].sum().unstack(0).astype(float)


def _holiday_days(params: SampleParameters) -> set[pd.Timestamp]:
    days: set[pd.Timestamp] = set()
    for _name, first, last, _factor in params.holidays:
        days.update(pd.date_range(first, last, freq="D"))
    return days


def _promotion_multiplier(params: SampleParameters, name: str, queue: str) -> float:
    event = next(e for e in params.promotions if e.name == name)
    return dict(event.multipliers)[queue]


# --- reproducibility --------------------------------------------------------------------------------


def test_same_seed_gives_the_same_centre(centre: SampleCentre) -> None:
    again = generate(PARAMS)
    pd.testing.assert_frame_equal(centre.history.frame, again.history.frame)
    assert centre.site == again.site
    assert centre.leave_requests == again.leave_requests


def test_another_seed_gives_other_counts_but_the_same_expected_shape(centre: SampleCentre) -> None:
    other = generate(replace(PARAMS, seed=PARAMS.seed + 99))
    assert not centre.history.frame["contacts"].equals(other.history.frame["contacts"])
    mine, theirs = centre.history.frame["contacts"].sum(), other.history.frame["contacts"].sum()
    assert abs(mine - theirs) / mine < 0.01


def test_bundled_files_are_exactly_what_the_generator_makes(centre: SampleCentre) -> None:
    bundled = load_sample_centre()
    pd.testing.assert_frame_equal(
        bundled.history.frame, centre.history.frame, check_dtype=False, check_exact=False, rtol=0, atol=0.05
    )
    assert bundled.site == centre.site
    assert bundled.horizon == centre.horizon
    assert bundled.leave_requests == centre.leave_requests


def test_dates_come_from_the_parameters_not_the_clock() -> None:
    later = generate(replace(PARAMS, planning_week_start=date(2026, 3, 2), history_weeks=3))
    assert later.horizon.start == date(2026, 3, 2)
    assert later.history.frame["interval_start"].max() == pd.Timestamp("2026-03-01 23:00")
    assert later.history.frame["interval_start"].min() == pd.Timestamp("2026-02-09 00:00")


# --- the history's form ---------------------------------------------------------------------------


def test_history_is_two_years_of_hours_ending_right_before_the_planning_week(centre: SampleCentre) -> None:
    history = centre.history.frame
    assert tuple(history.columns) == HISTORY_COLUMNS
    start = pd.Timestamp(PARAMS.planning_week_start)
    assert history["interval_start"].max() == start - pd.Timedelta(hours=1)
    assert history["interval_start"].min() == start - pd.Timedelta(weeks=104)
    queues = sorted(centre.site.queue_codes)
    assert sorted(history["queue"].unique()) == queues
    assert len(history) == 104 * 7 * 24 * len(queues)
    assert not history.duplicated(["queue", "interval_start"]).any()


def test_hours_outside_0830_to_2400_are_closed_with_zero_contacts(centre: SampleCentre) -> None:
    history = centre.history.frame
    hour = history["interval_start"].dt.hour
    closed = history[hour < 8]
    assert (closed["status"] == "closed").all() and (closed["contacts"] == 0).all()
    open_rows = history[hour >= 8]
    assert (open_rows["status"] == "observed").all()
    assert open_rows["contacts"].notna().all()
    # The 08:00 hour is open for its second half only: clearly below the 09:00 hour.
    by_hour = history[history["queue"] == "hotline"].groupby(hour)["contacts"].mean()
    assert by_hour[8] < 0.7 * by_hour[9]


def test_aht_and_abandonment_are_plausible(centre: SampleCentre) -> None:
    history = centre.history.frame
    for queue in centre.site.queues:
        rows = history[(history["queue"] == queue.code) & (history["contacts"] > 0)]
        weighted = (rows["aht_s"] * rows["contacts"]).sum() / rows["contacts"].sum()
        assert weighted == pytest.approx(queue.aht_s, rel=0.03), queue.code
        assert (rows["abandoned"] <= rows["contacts"]).all()
    email = history[history["queue"] == "email"]
    assert (email["abandoned"] == 0).all()
    hotline = history[(history["queue"] == "hotline") & (history["status"] == "observed")]
    rate = hotline["abandoned"].sum() / hotline["contacts"].sum()
    assert 0.04 < rate < 0.08


# --- the shape it promises ------------------------------------------------------------------------


@pytest.mark.parametrize("year", [2024, 2025])
def test_double_11_pre_sales_chat_peak_ratio(daily: pd.DataFrame, year: int) -> None:
    promised = _promotion_multiplier(PARAMS, "Double 11", "presales_chat")
    eleventh = pd.Timestamp(year, 11, 11)
    presale = pd.Timestamp(year, 10, 20)
    holidays = _holiday_days(PARAMS)
    normal = [
        day
        for day in (
            presale - pd.Timedelta(weeks=k, days=(presale.day_of_week - eleventh.day_of_week) % 7)
            for k in range(0, 8)
        )
        if day not in holidays and day < presale
    ][:4]
    assert len(normal) == 4 and all(d.day_of_week == eleventh.day_of_week for d in normal)
    ratio = daily.loc[eleventh, "presales_chat"] / daily.loc[normal, "presales_chat"].mean()
    assert ratio == pytest.approx(promised, rel=0.12)


def test_double_11_after_sales_peak_lags_the_sale_by_days(daily: pd.DataFrame) -> None:
    for year in (2024, 2025):
        window = daily.loc[f"{year}-11-09" : f"{year}-11-30"]
        assert window["presales_chat"].idxmax() == pd.Timestamp(year, 11, 11)
        after_peak = window["aftersales_chat"].idxmax()
        assert pd.Timestamp(year, 11, 14) <= after_peak <= pd.Timestamp(year, 11, 21)


def test_double_11_pre_sale_window_and_20h_waves(centre: SampleCentre, daily: pd.DataFrame) -> None:
    presale = daily.loc["2025-10-21":"2025-11-09", "presales_chat"].mean()
    september = daily.loc["2025-09-01":"2025-09-28", "presales_chat"].mean()
    assert presale / september == pytest.approx(1.4, rel=0.1)
    history = centre.history.frame
    chat = history[history["queue"] == "presales_chat"].set_index("interval_start")["contacts"]
    wave = chat[pd.Timestamp("2025-10-31 20:00")]
    usual = chat[[pd.Timestamp(f"2025-10-{d} 20:00") for d in (24, 17)]].mean()
    assert wave > 3 * usual


@pytest.mark.parametrize(
    ("name", "first", "last", "most"),
    [
        ("Spring Festival 2025", "2025-01-28", "2025-02-04", 0.45),
        ("National Day 2025", "2025-10-01", "2025-10-08", 0.85),
        ("Spring Festival 2024", "2024-02-10", "2024-02-17", 0.45),
    ],
)
def test_public_holidays_dip(daily: pd.DataFrame, name: str, first: str, last: str, most: float) -> None:
    during = daily.loc[first:last, "hotline"].mean()
    start = pd.Timestamp(first)
    before = daily.loc[start - pd.Timedelta(days=35) : start - pd.Timedelta(days=22), "hotline"].mean()
    assert during / before < most, name


def test_weekday_and_weekend_differ_by_channel(daily: pd.DataFrame) -> None:
    normal = daily.loc["2025-08-01":"2025-09-28"]
    weekend = normal.index.day_of_week >= 5
    assert normal.loc[weekend, "hotline"].mean() < 0.85 * normal.loc[~weekend, "hotline"].mean()
    assert normal.loc[weekend, "presales_chat"].mean() > 1.05 * normal.loc[~weekend, "presales_chat"].mean()


def test_intraday_shape_has_a_morning_and_a_bigger_evening_peak(centre: SampleCentre) -> None:
    history = centre.history.frame
    chat = history[history["queue"] == "presales_chat"]
    by_hour = chat.groupby(chat["interval_start"].dt.hour)["contacts"].sum()
    assert by_hour[10] > by_hour[9] and by_hour[11] > by_hour[12]
    assert by_hour[21] > by_hour[10] and by_hour[22] > by_hour[16]
    evening_share = by_hour[[20, 21, 22]].sum() / by_hour.sum()
    assert 0.2 < evening_share < 0.3


def test_volume_grows_by_the_stated_annual_rate(daily: pd.DataFrame) -> None:
    this_year = daily.loc["2025-08-04":"2025-09-28"].sum()
    last_year = daily.loc["2024-08-05":"2024-09-29"].sum()
    growth = (this_year / last_year).mean()
    assert growth == pytest.approx(1 + PARAMS.annual_growth, abs=0.04)


def test_counts_are_over_dispersed_against_their_expected_volume(centre: SampleCentre) -> None:
    history = centre.history.frame
    days = pd.date_range(history["interval_start"].min(), periods=104 * 7, freq="D")
    for queue in ("presales_chat", "hotline"):
        expected = expected_volume(PARAMS, queue, days).ravel()
        counts = history[history["queue"] == queue]["contacts"].to_numpy(dtype=float)
        open_hours = expected > 20
        pearson = np.mean((counts[open_hours] - expected[open_hours]) ** 2 / expected[open_hours])
        assert pearson > 1.3, f"{queue}: dispersion {pearson:.2f} is no more than Poisson"
        assert counts[open_hours].sum() / expected[open_hours].sum() == pytest.approx(1.0, abs=0.02)


# --- the team and the planning week ---------------------------------------------------------------


def test_team_has_about_80_agents_in_groups_of_8_to_10(centre: SampleCentre) -> None:
    agents = centre.site.agents
    assert 75 <= len(agents) <= 85
    groups = pd.Series([a.group for a in agents]).value_counts()
    assert groups.between(8, 10).all()
    assert sum(len(a.skills) >= 2 for a in agents) >= 20
    part_timers = [a for a in agents if a.part_time]
    assert 4 <= len(part_timers) <= 12
    assert all(a.contract.hours_per_week < 40 for a in part_timers)
    new_hires = [a for a in agents if a.new_hire]
    assert 4 <= len(new_hires) <= 12
    assert all(len(a.skills) == 1 and a.hired_on is not None for a in new_hires)
    assert sum(a.preferences != type(a.preferences)() for a in agents) >= 8
    for queue in centre.site.queue_codes:
        assert sum(queue in a.skills for a in agents) >= 10, queue


def test_leave_requests_fall_in_the_planning_week(centre: SampleCentre) -> None:
    leave = centre.leave_requests
    assert {item.leave_type for item in leave} == set(LeaveType)
    ids = {a.id for a in centre.site.agents}
    for item in leave:
        assert item.agent_id in ids
        assert item.first_day in centre.horizon and item.last_day in centre.horizon
    assert any(item.days >= 3 for item in leave)


def test_site_follows_the_manuals(centre: SampleCentre) -> None:
    site: Site = centre.site
    assert site.timezone == "Asia/Shanghai"
    assert str(site.opening_hours).startswith("Mon 08:30-24:00")
    early, late = site.shift("early"), site.shift("late")
    assert (early.start, early.end) == (510, 1050)
    assert (late.start, late.end) == (900, 1440)
    assert site.rules.min_closing_staff == 2
    assert centre.horizon.start.weekday() == 0 and centre.horizon.days == 7
    assert centre.horizon.start - timedelta(days=1) == centre.history.frame["interval_start"].max().date()
    assert CellKind.SHIFT.value == "shift"
