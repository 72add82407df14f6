"""The contact-centre Prophet model and the forecast API on the sample centre (seeded, real Prophet)."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from forecasting import (
    FORECAST_COLUMNS,
    ForecastConfig,
    ForecastError,
    QueueSeries,
    default_calendar,
    fit_forecast,
    forecast_series,
)
from forecasting.backtest import backtest
from wfm.history import ContactHistory

WEEK = 168
YEARS = range(2023, 2027)


def _daily(frame: pd.DataFrame) -> pd.Series:
    return frame.groupby(frame["interval_start"].dt.normalize())["yhat"].sum()


def test_closed_hours_are_exactly_zero_and_nothing_is_negative(sample_history: ContactHistory) -> None:
    result = fit_forecast(
        sample_history, "2025-11-24", config=ForecastConfig(model="ensemble"), queues=["hotline", "email"]
    )
    frame = result.frame
    assert tuple(frame.columns) == FORECAST_COLUMNS
    assert len(frame) == 2 * WEEK
    night = frame["interval_start"].dt.hour < 8
    assert (frame.loc[night, ["yhat", "yhat_lower", "yhat_upper"]] == 0.0).all().all()
    assert (frame.loc[~night, "yhat"] > 0).all()
    assert (frame["yhat_lower"] <= frame["yhat"]).all() and (frame["yhat"] <= frame["yhat_upper"]).all()
    assert set(frame["model"]) == {"ensemble"}


def test_double_11_raises_the_forecast_and_its_event_is_why(sample_series: dict[str, QueueSeries]) -> None:
    series = sample_series["presales_chat"]
    start = pd.Timestamp("2025-11-10")
    with_events = ForecastConfig(model="prophet", calendar=default_calendar(YEARS))
    without = ForecastConfig(model="prophet", calendar=default_calendar(YEARS).without(["Double 11"]))
    daily = _daily(forecast_series("prophet", series, start, WEEK, with_events))
    daily_without = _daily(forecast_series("prophet", series, start, WEEK, without))
    eleventh, week_before = pd.Timestamp("2025-11-11"), pd.Timestamp("2025-11-13")
    assert daily[eleventh] > 2.5 * daily[week_before]
    assert daily[eleventh] > 2.0 * daily_without[eleventh]
    actual = series.between(eleventh, eleventh + pd.Timedelta(days=1))["contacts"].sum()
    assert daily[eleventh] == pytest.approx(actual, rel=0.25)


def test_spring_festival_lowers_the_forecast(sample_series: dict[str, QueueSeries]) -> None:
    series = sample_series["hotline"]
    start = pd.Timestamp("2025-01-27")
    config = ForecastConfig(model="prophet", calendar=default_calendar(YEARS))
    prophet = _daily(forecast_series("prophet", series, start, WEEK, config))
    seasonal = _daily(forecast_series("seasonal_median", series, start, WEEK, config))
    festival = pd.date_range("2025-01-29", "2025-02-02")
    assert prophet[festival].sum() < 0.6 * seasonal[festival].sum()


def test_same_seed_same_band_and_another_seed_another_band(sample_series: dict[str, QueueSeries]) -> None:
    series = sample_series["email"]
    start = pd.Timestamp("2025-09-01")
    first = forecast_series("prophet", series, start, WEEK, ForecastConfig(seed=7))
    again = forecast_series("prophet", series, start, WEEK, ForecastConfig(seed=7))
    other = forecast_series("prophet", series, start, WEEK, ForecastConfig(seed=8))
    pd.testing.assert_frame_equal(first, again)
    np.testing.assert_allclose(first["yhat"], other["yhat"])
    assert not np.allclose(first["yhat_upper"], other["yhat_upper"])


def test_default_model_is_chosen_by_backtest_and_says_so(sample_history: ContactHistory) -> None:
    result = fit_forecast(sample_history, "2025-09-01", queues=["aftersales_chat"])
    (choice,) = result.choices
    scores = choice.wape_by_model
    assert set(scores) == {"ensemble", "prophet", "seasonal_median"}
    best = min(scores, key=lambda name: scores[name])
    if scores[best] < 0.9 * scores["ensemble"]:
        assert choice.model == best
    else:
        assert choice.model == "ensemble" and "not more than 10% better" in choice.reason
    assert set(result.frame["model"]) == {choice.model}


@pytest.mark.parametrize(("margin", "expected"), [(0.0, "prophet"), (0.99, "ensemble")])
def test_the_selection_margin_keeps_the_ensemble_unless_beaten_clearly(
    sample_history: ContactHistory, margin: float, expected: str
) -> None:
    config = ForecastConfig(selection_margin=margin, candidates=("ensemble", "prophet"))
    (choice,) = fit_forecast(sample_history, "2025-11-17", config=config, queues=["presales_chat"]).choices
    assert choice.wape_by_model["prophet"] < choice.wape_by_model["ensemble"]
    assert choice.model == expected


def test_band_coverage_and_accuracy_on_ordinary_weeks(sample_history: ContactHistory) -> None:
    origins = [pd.Timestamp("2025-08-25"), pd.Timestamp("2025-09-08")]
    result = backtest(
        sample_history, models=["prophet", "seasonal_mean"], origins=origins, config=ForecastConfig()
    )
    for queue in result.queues:
        prophet, average = result.score("prophet", queue), result.score("seasonal_mean", queue)
        assert 0.6 <= prophet.coverage <= 0.97, prophet
        assert prophet.wape < 1.1 * average.wape, (prophet, average)


# --- bad histories and requests -------------------------------------------------------------------


def _short(history: ContactHistory, days: int) -> ContactHistory:
    frame = history.frame
    end = pd.Timestamp("2025-11-24")
    kept = frame[(frame["queue"] == "email") & (frame["interval_start"] >= end - pd.Timedelta(days=days))]
    return ContactHistory(kept.reset_index(drop=True), 60, history.report)


def test_too_little_history_is_refused(sample_history: ContactHistory) -> None:
    with pytest.raises(ForecastError) as caught:
        fit_forecast(_short(sample_history, 20), "2025-11-24")
    assert "20 days of history" in caught.value.render()
    assert caught.value.problems[0].field == "history"


def test_three_weeks_is_enough_and_falls_back_to_the_benchmarked_model(
    sample_history: ContactHistory,
) -> None:
    result = fit_forecast(_short(sample_history, 21), "2025-11-24")
    (choice,) = result.choices
    assert choice.model == "ensemble" and "too little history to compare" in choice.reason


@pytest.mark.parametrize(
    ("start", "horizon", "field"),
    [
        ("2025-11-24 08:30", pd.Timedelta(days=7), "start"),
        ("2025-11-24", pd.Timedelta(minutes=90), "horizon"),
        ("2025-11-24", pd.Timedelta(days=36), "horizon"),
    ],
)
def test_requests_it_cannot_serve_name_the_field(
    sample_history: ContactHistory, start: str, horizon: pd.Timedelta, field: str
) -> None:
    with pytest.raises(ForecastError) as caught:
        fit_forecast(sample_history, start, horizon, ForecastConfig(model="seasonal_median"))
    assert caught.value.problems[0].field == field


def test_horizon_longer_than_the_history_is_refused(sample_history: ContactHistory) -> None:
    with pytest.raises(ForecastError, match="no longer than the history"):
        fit_forecast(
            _short(sample_history, 25),
            "2025-11-24",
            pd.Timedelta(days=28),
            ForecastConfig(model="seasonal_median"),
        )


def test_gaps_are_stated_not_hidden(sample_history: ContactHistory) -> None:
    frame = _short(sample_history, 60).frame.copy()
    hole = (frame["interval_start"] >= "2025-11-18 08:00") & (frame["interval_start"] < "2025-11-18 12:00")
    frame.loc[hole, "contacts"] = pd.NA
    frame.loc[hole, "aht_s"] = np.nan
    frame.loc[hole, "abandoned"] = pd.NA
    frame.loc[hole, "status"] = "missing"
    history = ContactHistory(frame, 60, sample_history.report)
    result = fit_forecast(history, "2025-11-24", config=ForecastConfig(model="seasonal_median"))
    assert any("4 missing intervals" in note and "2025-11-18" in note for note in result.notes)
    assert result.frame["yhat"].notna().all()


def test_a_start_after_the_history_forecasts_the_gap_first(sample_history: ContactHistory) -> None:
    config = ForecastConfig(model="seasonal_median")
    later = fit_forecast(sample_history, "2025-11-26", pd.Timedelta(days=2), config)
    direct = fit_forecast(sample_history, "2025-11-24", pd.Timedelta(days=4), config)
    tail = direct.frame[direct.frame["interval_start"] >= "2025-11-26"].reset_index(drop=True)
    pd.testing.assert_frame_equal(later.frame, tail)
    assert any("before the forecast start" in note for note in later.notes)
