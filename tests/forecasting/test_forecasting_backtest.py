"""Rolling-origin backtest: origins, refusals, pooled scores, against hand-computed figures.

Histories are hourly from Monday 2024-01-01, six weeks (ending 2024-02-12 00:00), open 08:00-20:00
every day; week ``k`` is scaled by a factor chosen per test.
"""

from __future__ import annotations

import json
import math

import numpy as np
import pandas as pd
import pytest

from forecasting.backtest import FORECAST_COLUMNS, backtest
from forecasting.config import ForecastConfig
from forecasting.errors import ForecastError
from wfm.history import CLOSED, OBSERVED, ContactHistory, ImportReport

START = pd.Timestamp("2024-01-01")
CONFIG = ForecastConfig()
HOURS = np.arange(168) % 24
DAYS = np.arange(168) // 24
OPEN = (HOURS >= 8) & (HOURS < 20)
# A week's shape: weekday and hour both matter, closed at night.
WEEK_SHAPE = np.where(OPEN, (DAYS + 1) * (HOURS - 7), 0)


def tidy_history(week_factors: dict[str, list[int]]) -> ContactHistory:
    """One queue per entry; week ``k`` of a queue is ``WEEK_SHAPE * factors[k]`` (integers)."""
    frames = []
    for queue, factors in sorted(week_factors.items()):
        rows = 168 * len(factors)
        contacts = np.concatenate([WEEK_SHAPE * factor for factor in factors])
        is_open = np.tile(OPEN, len(factors))
        frames.append(
            pd.DataFrame(
                {
                    "queue": pd.Series([queue] * rows, dtype=str),
                    "interval_start": pd.date_range(START, periods=rows, freq="h").as_unit("ns"),
                    "contacts": pd.Series(contacts, dtype="Int64"),
                    "aht_s": np.full(rows, np.nan),
                    "abandoned": pd.Series([pd.NA] * rows, dtype="Int64"),
                    "status": pd.Series(np.where(is_open, OBSERVED, CLOSED), dtype=str),
                }
            )
        )
    frame = pd.concat(frames, ignore_index=True)
    report = ImportReport(source="test", kind="counts", rows_read=len(frame), rows_imported=len(frame))
    return ContactHistory(frame, 60, report)


def day(n: int) -> pd.Timestamp:
    return START + pd.Timedelta(days=n)


OPEN_PER_WEEK = int(OPEN.sum())  # 84
# 10% growth a week, kept in whole numbers: factor_k = 11^k * 10^(5 - k) = 100000 * 1.1^k.
GROWING = [11**k * 10 ** (5 - k) for k in range(6)]


def test_identical_weeks_give_no_error_and_full_coverage() -> None:
    result = backtest(tidy_history({"voice": [1] * 6}), models=["last_week"], origins=3, config=CONFIG)
    assert result.origins == (day(21), day(28), day(35))
    score = result.score("last_week", "voice")
    assert (score.wape, score.bias, score.coverage) == (0.0, 0.0, 1.0)
    assert score.n == 3 * OPEN_PER_WEEK
    assert score.origins == 3
    assert math.isnan(score.mase)  # the in-sample seasonal-naive error is zero
    assert result.per_origin["wape"].tolist() == [0.0, 0.0, 0.0]


def test_last_week_under_forecasts_a_ten_percent_weekly_growth_by_one_eleventh() -> None:
    # Each week is 1.1x the one before, so last week's value is actual / 1.1:
    # bias = (1 / 1.1 - 1) = -1/11 and WAPE = 1/11 at every origin.
    result = backtest(tidy_history({"voice": GROWING}), models=["last_week"], origins=3, config=CONFIG)
    assert result.per_origin["bias"].tolist() == pytest.approx([-1 / 11] * 3, abs=1e-12)
    assert result.per_origin["wape"].tolist() == pytest.approx([1 / 11] * 3, abs=1e-12)
    assert result.score("last_week", "voice").bias == pytest.approx(-1 / 11, abs=1e-12)


def test_the_four_week_mean_lags_growth_by_the_mean_of_four_discounts() -> None:
    result = backtest(
        tidy_history({"voice": GROWING}), models=["seasonal_mean"], origins=[day(35)], config=CONFIG
    )
    expected = (1.1**-1 + 1.1**-2 + 1.1**-3 + 1.1**-4) / 4 - 1
    assert result.score("seasonal_mean", "voice").bias == pytest.approx(expected, abs=1e-12)


def test_pooled_figures_weight_origins_by_volume() -> None:
    # Weeks 0-3 at 1x, week 4 at 2x, week 5 at 1x. With S = one 1x week's volume, last week errs by
    # S at the origin of week 4 (WAPE S / 2S) and by S at week 5 (WAPE S / S): pooled WAPE is
    # 2S / 3S = 2/3, not the mean of 1/2 and 1. Bias cancels: (S + 2S - 3S) / 3S = 0.
    # MASE: the in-sample seasonal-naive error is 0 before week 4 and S / (4 * 84) per interval
    # before week 5 (one of four week-on-week pairs moved), so MASE = 2S / (84 * S / 336) = 8.
    history = tidy_history({"voice": [1, 1, 1, 1, 2, 1]})
    result = backtest(history, models=["last_week"], origins=[day(35), day(28)], config=CONFIG)
    assert result.origins == (day(28), day(35))
    assert result.per_origin["wape"].tolist() == [0.5, 1.0]
    score = result.score("last_week", "voice")
    assert score.wape == pytest.approx(2 / 3, abs=1e-12)
    assert score.bias == 0.0
    assert score.mase == pytest.approx(8.0, abs=1e-12)
    assert score.actual_total == 3 * WEEK_SHAPE.sum()


def test_origins_with_less_than_three_weeks_of_history_are_refused_by_name() -> None:
    history = tidy_history({"voice": [1] * 6})
    with pytest.raises(
        ForecastError, match=r"refused: 2024-01-08 00:00, 2024-01-15 00:00 \(3 of 5"
    ) as caught:
        backtest(history, models=["last_week"], origins=5, config=CONFIG)
    assert "origin 2024-01-15 00:00: queue voice has 14 days of history before it" in str(caught.value)
    with pytest.raises(ForecastError, match="refused: 2024-01-21 00:00"):
        backtest(history, models=["last_week"], origins=[day(20), day(21)], config=CONFIG)


def test_an_origin_whose_horizon_passes_the_history_end_is_refused() -> None:
    with pytest.raises(ForecastError, match="horizon ends 2024-02-13 00:00, after the history's end"):
        backtest(tidy_history({"voice": [1] * 6}), models=["last_week"], origins=[day(36)], config=CONFIG)


def test_unknown_models_are_refused_before_anything_is_fitted() -> None:
    with pytest.raises(ForecastError, match="unknown naive_drift"):
        backtest(tidy_history({"voice": [1] * 6}), models=["last_week", "naive_drift"], config=CONFIG)


def test_several_queues_and_models_scored_with_forecasts_for_plots() -> None:
    history = tidy_history({"chat": [1] * 6, "voice": GROWING})
    calls: list[tuple[int, int, str]] = []
    result = backtest(
        history,
        models=["last_week", "seasonal_mean"],
        origins=3,
        config=CONFIG,
        progress=lambda done, total, label: calls.append((done, total, label)),
    )
    assert len(calls) == 12
    assert calls[-1] == (12, 12, "voice 2024-02-05 00:00 seasonal_mean")
    assert result.best_model("voice") == "last_week"  # the most recent week tracks growth best
    assert result.best_model("chat") == "last_week"  # a tie at 0: the first listed
    assert len(result.metrics) == 4
    assert set(result.seconds) == {"last_week", "seasonal_mean"}
    forecasts = result.forecasts
    assert tuple(forecasts.columns) == FORECAST_COLUMNS
    assert len(forecasts) == 2 * 3 * 2 * 168
    closed = forecasts["status"] == CLOSED
    assert forecasts.loc[closed, "actual"].isna().all()
    assert (forecasts.loc[closed, "yhat"] == 0.0).all()
    encoded = json.loads(json.dumps(result.to_dict(include_forecasts=True), allow_nan=False))
    assert encoded["best_model"] == {"chat": "last_week", "voice": "last_week"}
    assert len(encoded["forecasts"]) == len(forecasts)
    assert "voice (best: last_week)" in result.render()
