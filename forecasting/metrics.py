"""Forecast accuracy measures over intervals.

Every measure takes numpy arrays, pandas Series or plain sequences of equal length, skips the
intervals whose actual is NaN (missing), and returns a plain ``float``: a fraction, not a
percentage (``wape([10, 20], [12, 15]) == 7 / 30``), or NaN when it is undefined (nothing left to
score, or a zero denominator). Which intervals to score is the caller's choice; the backtest passes
only open, observed intervals.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd

Values = np.ndarray | pd.Series | Sequence[float]


def wape(actual: Values, forecast: Values) -> float:
    """Weighted absolute percentage error: ``sum |actual - forecast| / sum actual``."""
    a, f = _scored(actual, forecast)
    return _ratio(float(np.abs(a - f).sum()), float(a.sum()))


def mape(actual: Values, forecast: Values, min_actual: float = 10) -> float:
    """Mean of ``|actual - forecast| / actual`` over the intervals with ``actual >= min_actual``.

    Small counts are left out because one contact more or less would swamp the mean.
    """
    a, f = _scored(actual, forecast)
    large = a >= min_actual
    if not large.any():
        return float("nan")
    return float(np.mean(np.abs(a[large] - f[large]) / a[large]))


def mase(actual: Values, forecast: Values, insample: Values, season: int) -> float:
    """Mean absolute error scaled by the in-sample seasonal-naive error.

    ``mean |actual - forecast| / mean |insample[t] - insample[t - season]|``, where ``season`` is the
    number of intervals in one season (a week of intervals for call-centre data); see
    :func:`seasonal_naive_scale`.
    """
    a, f = _scored(actual, forecast)
    if len(a) == 0:
        return float("nan")
    return _ratio(float(np.abs(a - f).mean()), seasonal_naive_scale(insample, season))


def seasonal_naive_scale(insample: Values, season: int) -> float:
    """Mean ``|insample[t] - insample[t - season]|`` over the pairs where neither value is NaN."""
    if season < 1:
        raise ValueError(f"season: {season} must be 1 or more")
    values = _array(insample, "insample")
    differences = np.abs(values[season:] - values[:-season])
    differences = differences[~np.isnan(differences)]
    return float(differences.mean()) if len(differences) else float("nan")


def bias(actual: Values, forecast: Values) -> float:
    """Relative bias: ``(sum forecast - sum actual) / sum actual``; negative means under-forecast."""
    a, f = _scored(actual, forecast)
    return _ratio(float(f.sum() - a.sum()), float(a.sum()))


def coverage(actual: Values, lower: Values, upper: Values) -> float:
    """Share of intervals whose actual lies in ``[lower, upper]`` (ends included)."""
    a, low, high = _scored(actual, lower, upper)
    if len(a) == 0:
        return float("nan")
    return float(np.mean((a >= low) & (a <= high)))


def _scored(actual: Values, *others: Values) -> tuple[np.ndarray, ...]:
    """``actual`` and the ``others``, all without the intervals whose actual is NaN."""
    a = _array(actual, "actual")
    arrays = [_array(values, "forecast") for values in others]
    for values in arrays:
        if len(values) != len(a):
            raise ValueError(f"{len(a)} actual values but {len(values)} forecast values")
    keep = ~np.isnan(a)
    return (a[keep], *(values[keep] for values in arrays))


def _array(values: Values, name: str) -> np.ndarray:
    if isinstance(values, pd.Series):
        array = values.to_numpy(dtype=float, na_value=np.nan)
    else:
        array = np.asarray(values, dtype=float)
    if array.ndim != 1:
        raise ValueError(f"{name}: expected one value per interval, got an array of shape {array.shape}")
    return array


def _ratio(numerator: float, denominator: float) -> float:
    return numerator / denominator if denominator != 0 and not np.isnan(denominator) else float("nan")
