"""Accuracy measures against hand computations; missing actuals are skipped everywhere."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest

from forecasting.metrics import bias, coverage, mape, mase, seasonal_naive_scale, wape

NAN = float("nan")


def test_wape_is_absolute_error_over_actual_volume() -> None:
    assert wape([10, 20], [12, 15]) == 7 / 30


def test_wape_skips_missing_actuals_from_arrays_and_nullable_series() -> None:
    assert wape(np.array([10, NAN, 20]), np.array([12, 99, 15])) == 7 / 30
    actual = pd.Series([10, None, 20], dtype="Int64")
    assert wape(actual, pd.Series([12.0, 99.0, 15.0])) == 7 / 30


def test_wape_of_no_volume_is_undefined() -> None:
    assert math.isnan(wape([0, 0], [1, 2]))
    assert math.isnan(wape([NAN], [1]))


def test_mape_leaves_out_small_actuals() -> None:
    # 5 < 10 is left out: mean(|10 - 12| / 10, |20 - 15| / 20) = (0.2 + 0.25) / 2.
    assert mape([5, 10, 20, NAN], [50, 12, 15, 3]) == pytest.approx(0.225, abs=1e-15)
    assert mape([5, 10, 20], [50, 12, 15], min_actual=1) == pytest.approx((9 + 0.2 + 0.25) / 3, abs=1e-15)
    assert math.isnan(mape([5, 9], [1, 1]))


def test_mase_scales_by_the_in_sample_seasonal_naive_error() -> None:
    # Season 2: in-sample pairs (1, 3) and (2, 5) differ by 2 and 3 -> scale 2.5; MAE (1 + 3) / 2 = 2.
    assert seasonal_naive_scale([1, 2, 3, 5], 2) == 2.5
    assert mase([4, 6], [5, 3], [1, 2, 3, 5], season=2) == 2 / 2.5


def test_mase_skips_pairs_with_a_missing_value() -> None:
    # Pairs (1, 3) -> 2, (NaN, 5) skipped, (3, 4) -> 1: scale 1.5. Actual NaN skipped: MAE 2.
    assert seasonal_naive_scale([1, NAN, 3, 5, 4], 2) == 1.5
    assert mase([4, NAN, 6], [5, 0, 3], [1, NAN, 3, 5, 4], season=2) == 2 / 1.5


def test_mase_is_undefined_on_a_flat_in_sample_series() -> None:
    assert math.isnan(mase([4], [5], [3, 3, 3, 3], season=2))


def test_bias_is_relative_over_forecast_volume() -> None:
    assert bias([10, 20], [12, 15]) == pytest.approx(-0.1, abs=1e-15)
    assert bias([10, NAN, 20], [14, 50, 19]) == pytest.approx(0.1, abs=1e-15)


def test_coverage_counts_actuals_inside_the_band_ends_included() -> None:
    actual = [10, 20, 30, NAN]
    lower = [9, 21, 30, 0]
    upper = [11, 25, 35, 1]
    assert coverage(actual, lower, upper) == 2 / 3


def test_arrays_of_different_lengths_are_refused() -> None:
    with pytest.raises(ValueError, match="3 actual values but 2 forecast values"):
        wape([1, 2, 3], [1, 2])
