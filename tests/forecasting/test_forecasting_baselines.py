"""Seasonal baselines: date-matched past weeks, skipped gaps, closed slots, and the empirical band.

Every history here is hourly and starts on Monday 2024-01-01, so week ``k``, day ``d`` (0 = Monday),
hour ``h`` is row ``168 * k + 24 * d + h``.
"""

from __future__ import annotations

import time

import numpy as np
import pandas as pd
import pytest

from forecasting.config import ForecastConfig
from forecasting.errors import ForecastError
from forecasting.models import MODELS, forecast_series
from forecasting.series import QueueSeries, split_queues
from wfm.history import CLOSED, MISSING, OBSERVED, ContactHistory, ImportReport

BASELINES = ("last_week", "seasonal_mean", "seasonal_median")
START = pd.Timestamp("2024-01-01")
WEEK = pd.Timedelta(weeks=1)
CONFIG = ForecastConfig()


def tidy_history(contacts: np.ndarray, closed: np.ndarray | None = None) -> ContactHistory:
    """An hourly one-queue tidy history from ``START``: NaN is a gap, ``closed`` marks known zeros."""
    contacts = np.asarray(contacts, dtype=float)
    closed = np.zeros(len(contacts), dtype=bool) if closed is None else closed
    status = np.where(closed, CLOSED, np.where(np.isnan(contacts), MISSING, OBSERVED))
    counts = pd.Series(np.where(closed, 0.0, contacts)).astype("Int64")
    frame = pd.DataFrame(
        {
            "queue": pd.Series(["voice"] * len(contacts), dtype=str),
            "interval_start": pd.date_range(START, periods=len(contacts), freq="h").as_unit("ns"),
            "contacts": counts,
            "aht_s": np.full(len(contacts), np.nan),
            "abandoned": pd.Series([pd.NA] * len(contacts), dtype="Int64"),
            "status": pd.Series(status, dtype=str),
        }
    )
    report = ImportReport(source="test", kind="counts", rows_read=len(frame), rows_imported=len(frame))
    return ContactHistory(frame, 60, report)


def queue_series(contacts: np.ndarray, closed: np.ndarray | None = None) -> QueueSeries:
    return split_queues(tidy_history(contacts, closed))["voice"]


def row(week: int, day: int, hour: int) -> int:
    return 168 * week + 24 * day + hour


def at(week: int, day: int, hour: int) -> pd.Timestamp:
    return START + pd.Timedelta(hours=row(week, day, hour))


def yhat_at(forecast: pd.DataFrame, time: pd.Timestamp) -> float:
    points = forecast.set_index("interval_start")["yhat"]
    return float(points[time])


def distinct_weeks(weeks: int) -> np.ndarray:
    """Every interval a different count, so a wrong match shows."""
    return 1000.0 + np.arange(168 * weeks)


def test_last_week_is_the_value_seven_days_earlier() -> None:
    contacts = distinct_weeks(4)
    series = queue_series(contacts)
    forecast = forecast_series("last_week", series, series.end, 168, CONFIG)
    assert series.end == at(4, 0, 0)
    assert forecast["yhat"].tolist() == contacts[row(3, 0, 0) :].tolist()


def test_last_week_after_a_missing_day_takes_the_week_before() -> None:
    contacts = distinct_weeks(4)
    contacts[row(3, 3, 0) : row(3, 4, 0)] = np.nan  # Thursday of the last week is a gap
    series = queue_series(contacts)
    forecast = forecast_series("last_week", series, series.end, 168, CONFIG)
    thursday = forecast[forecast["interval_start"].dt.day_of_week == 3]
    assert thursday["yhat"].tolist() == contacts[row(2, 3, 0) : row(2, 4, 0)].tolist()
    # Friday is still matched to last Friday by date, not shifted by the gap.
    assert yhat_at(forecast, at(4, 4, 10)) == contacts[row(3, 4, 10)]


def test_beyond_a_week_the_most_recent_weeks_in_the_history_are_used() -> None:
    contacts = distinct_weeks(4)
    series = queue_series(contacts)
    two_weeks = forecast_series("last_week", series, series.end, 336, CONFIG)
    assert two_weeks["yhat"].tolist() == 2 * contacts[row(3, 0, 0) :].tolist()
    # Forecasting from Thursday of the week after the history: Thursday to Sunday come from the last
    # week of the history (7 days back), Monday to Wednesday from 14 days back.
    gap_start = at(4, 3, 0)
    later = forecast_series("last_week", series, gap_start, 168, CONFIG)
    assert yhat_at(later, at(4, 3, 9)) == contacts[row(3, 3, 9)]
    assert yhat_at(later, at(5, 0, 9)) == contacts[row(3, 0, 9)]
    assert yhat_at(later, at(5, 2, 23)) == contacts[row(3, 2, 23)]


def test_the_eight_week_lookback_counts_from_the_most_recent_week_in_the_history() -> None:
    # Wednesday 10:00 is missing in weeks 3-9 and known (777) in week 2. For week 10 that is 8 weeks
    # back; for week 11 too, as its first week inside the history is week 9 (14 days back).
    contacts = np.full(168 * 10, 5.0)
    contacts[row(2, 2, 10)] = 777.0
    for week in range(3, 10):
        contacts[row(week, 2, 10)] = np.nan
    series = queue_series(contacts)
    forecast = forecast_series("last_week", series, series.end, 336, CONFIG)
    assert yhat_at(forecast, at(10, 2, 10)) == 777.0
    assert yhat_at(forecast, at(11, 2, 10)) == 777.0


def with_slot(values_by_week: list[float], day: int = 2, hour: int = 10) -> np.ndarray:
    """Constant 5 contacts, except Wednesday 10:00, which has the given value in each week."""
    contacts = np.full(168 * len(values_by_week), 5.0)
    for week, value in enumerate(values_by_week):
        contacts[row(week, day, hour)] = value
    return contacts


def test_seasonal_mean_is_the_mean_of_the_last_four_weeks() -> None:
    series = queue_series(with_slot([1000, 60, 30, 20, 10]))
    forecast = forecast_series("seasonal_mean", series, series.end, 168, CONFIG)
    assert yhat_at(forecast, at(5, 2, 10)) == (60 + 30 + 20 + 10) / 4
    assert yhat_at(forecast, at(5, 2, 11)) == 5.0


def test_seasonal_mean_skips_a_missing_week_and_looks_one_further_back() -> None:
    contacts = with_slot([1000, 60, 30, 20, 10])
    contacts[row(3, 2, 0) : row(3, 3, 0)] = np.nan  # Wednesday of week 3 (value 20) is a gap
    series = queue_series(contacts)
    forecast = forecast_series("seasonal_mean", series, series.end, 168, CONFIG)
    assert yhat_at(forecast, at(5, 2, 10)) == (10 + 30 + 60 + 1000) / 4


def test_seasonal_median_resists_an_outlier_week_the_mean_does_not() -> None:
    series = queue_series(with_slot([10, 12, 100, 11, 13]))
    config = ForecastConfig(seasonal_weeks=5)
    median = forecast_series("seasonal_median", series, series.end, 168, config)
    mean = forecast_series("seasonal_mean", series, series.end, 168, config)
    assert yhat_at(median, at(5, 2, 10)) == 12.0
    assert yhat_at(mean, at(5, 2, 10)) == (12 + 100 + 11 + 13) / 4


def test_seasonal_median_uses_the_configured_number_of_weeks() -> None:
    series = queue_series(with_slot([10, 12, 100, 11, 13]))
    median = forecast_series("seasonal_median", series, series.end, 168, ForecastConfig(seasonal_weeks=2))
    assert yhat_at(median, at(5, 2, 10)) == (11 + 13) / 2


@pytest.mark.parametrize("name", BASELINES)
def test_a_slot_closed_in_past_weeks_forecasts_zero(name: str) -> None:
    hours = np.arange(168 * 4) % 24
    closed = hours < 8
    series = queue_series(np.full(168 * 4, 30.0), closed)
    raw = MODELS[name](series, series.end, 168, CONFIG)
    night = pd.DatetimeIndex(raw["interval_start"]).hour < 8
    assert (raw["yhat"][night] == 0.0).all()
    assert (raw["yhat"][~night] == 30.0).all()


@pytest.mark.parametrize("name", BASELINES)
def test_a_slot_missing_in_every_past_week_is_refused(name: str) -> None:
    contacts = np.full(168 * 5, 30.0)
    wednesdays = (np.arange(len(contacts)) // 24) % 7 == 2
    contacts[wednesdays] = np.nan
    series = queue_series(contacts)
    assert np.isnan(MODELS[name](series, series.end, 168, CONFIG)["yhat"]).sum() == 24
    with pytest.raises(ForecastError, match=rf"model {name} has no yhat for 24 open intervals.*2024-02-07"):
        forecast_series(name, series, series.end, 168, CONFIG)


@pytest.mark.parametrize("name", BASELINES)
def test_band_holds_the_point_on_a_noisy_series(name: str) -> None:
    rng = np.random.default_rng(7)
    hours = np.arange(168 * 10) % 24
    series = queue_series(rng.poisson(40 + 30 * np.sin(hours / 24 * np.pi)).astype(float))
    raw = MODELS[name](series, series.end, 168, CONFIG)
    assert (raw["yhat_lower"] < raw["yhat"]).all()
    assert (raw["yhat"] < raw["yhat_upper"]).all()


def alternating_weeks(per_hour: dict[int, float], weeks: int = 10) -> tuple[np.ndarray, np.ndarray]:
    """Only the given hours open; their counts double in odd weeks (even weeks 1x, odd weeks 2x)."""
    hours = np.arange(168 * weeks) % 24
    week = np.arange(168 * weeks) // 168
    contacts = np.zeros(168 * weeks)
    for hour, value in per_hour.items():
        contacts[hours == hour] = value * np.where(week % 2 == 1, 2.0, 1.0)[hours == hour]
    return contacts, ~np.isin(hours, list(per_hour))


def test_band_is_the_quantiles_of_backcast_ratios() -> None:
    # Over the last 8 weeks last week's value was off by x0.5 (4 weeks) and x2 (4 weeks): the 10%
    # and 90% quantiles of actual/backcast are 0.5 and 2, so the band is [yhat / 2, 2 * yhat].
    contacts, closed = alternating_weeks({9: 10.0})
    series = queue_series(contacts, closed)
    raw = MODELS["last_week"](series, series.end, 168, CONFIG).set_index("interval_start")
    nine = raw.loc[at(10, 0, 9)]
    assert (nine["yhat"], nine["yhat_lower"], nine["yhat_upper"]) == (20.0, 10.0, 40.0)


def test_band_per_hour_when_the_hour_has_twenty_ratios_else_pooled() -> None:
    # Hour 10 is steady: with 56 ratios (8 weeks x 7 days) of its own its band has no width.
    contacts, closed = alternating_weeks({9: 10.0})
    every_day = np.arange(len(contacts)) % 24 == 10
    contacts[every_day], closed[every_day] = 7.0, False
    series = queue_series(contacts, closed)
    raw = MODELS["last_week"](series, series.end, 168, CONFIG).set_index("interval_start")
    ten = raw.loc[at(10, 6, 10)]
    assert (ten["yhat"], ten["yhat_lower"], ten["yhat_upper"]) == (7.0, 7.0, 7.0)
    # Open on Sundays only it has 8 ratios (< 20) and takes the pooled quantiles:
    # 28 x 0.5, 8 x 1.0, 28 x 2.0 -> 10% = 0.5, 90% = 2.0.
    contacts, closed = alternating_weeks({9: 10.0})
    sundays = every_day & ((np.arange(len(contacts)) // 24) % 7 == 6)
    contacts[sundays], closed[sundays] = 7.0, False
    series = queue_series(contacts, closed)
    raw = MODELS["last_week"](series, series.end, 168, CONFIG).set_index("interval_start")
    ten = raw.loc[at(10, 6, 10)]
    assert (ten["yhat"], ten["yhat_lower"], ten["yhat_upper"]) == (7.0, 3.5, 14.0)


def test_band_width_follows_interval_width() -> None:
    rng = np.random.default_rng(3)
    series = queue_series(rng.poisson(50, 168 * 10).astype(float))
    narrow = MODELS["seasonal_mean"](series, series.end, 168, ForecastConfig(interval_width=0.5))
    wide = MODELS["seasonal_mean"](series, series.end, 168, ForecastConfig(interval_width=0.95))
    assert (narrow["yhat"] == wide["yhat"]).all()
    assert (wide["yhat_upper"] - wide["yhat_lower"] > narrow["yhat_upper"] - narrow["yhat_lower"]).all()


@pytest.mark.parametrize("name", BASELINES)
def test_a_year_of_hourly_history_forecasts_well_under_half_a_second(name: str) -> None:
    rng = np.random.default_rng(1)
    series = queue_series(rng.poisson(60, 168 * 52).astype(float))
    started = time.perf_counter()
    forecast_series(name, series, series.end, 168, CONFIG)
    assert time.perf_counter() - started < 0.5
