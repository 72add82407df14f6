"""Seasonal baselines: last week, the 4-week mean and the robust seasonal median.

Every baseline forecasts interval ``t`` from the same interval in past weeks, ``t - 7 days * j``,
matched by calendar date, never by row position: a history with missing days (holidays, export
gaps) would otherwise pick the wrong weekday after every gap.

Which past weeks
    ``j`` starts at the smallest value whose time is inside the history (``t - 7 days * j`` before
    the history end): 1 for the first week after the end, 2 for the second, and so on, so a
    forecast further out repeats the most recent weeks the history has.

Which values
    A missing interval is skipped and the method looks one week further back; a closed interval is
    a known zero and counts as 0 (so a slot closed in every past week forecasts 0). Each method
    takes the ``window`` most recent values that are not missing among ``lookback`` weeks:

    =================== ======================== ==================================
    model               window                   lookback
    =================== ======================== ==================================
    ``last_week``       1                        8 weeks
    ``seasonal_mean``   4                        8 weeks (2 x window)
    ``seasonal_median`` ``config.seasonal_weeks`` 2 x window
    =================== ======================== ==================================

    With no value at all in the lookback the point is NaN, which
    :func:`forecasting.models.forecast_series` refuses with a message naming the interval.

Prediction band (empirical)
    The method is backcast one week ahead over the last 8 weeks of the history: each interval of
    those weeks gets what the method would have forecast for it from the weeks before it. For the
    open (observed) intervals whose backcast is above zero, the ratio ``actual / backcast`` is a
    sample of the method's relative error. With ``w = config.interval_width`` the band is::

        yhat_lower = yhat * quantile(ratios, (1 - w) / 2)
        yhat_upper = yhat * quantile(ratios, (1 + w) / 2)

    with the ratios of the target's hour of day when that hour has at least 20 of them, else the
    ratios of all hours pooled. A history too short to give any ratio gets a zero-width band
    (lower = upper = yhat).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

import numpy as np
import pandas as pd

from forecasting.config import ForecastConfig
from forecasting.models import register
from forecasting.series import QueueSeries
from wfm.history.series import CLOSED, OBSERVED

Statistic = Literal["mean", "median"]

WEEK_NS = pd.Timedelta(weeks=1).value
LAST_WEEK_LOOKBACK = 8
SEASONAL_MEAN_WEEKS = 4
BAND_WEEKS = 8
MIN_RATIOS_PER_HOUR = 20


@dataclass(frozen=True)
class SeasonalMethod:
    """A seasonal baseline: the ``statistic`` of the ``window`` most recent available same-slot
    values among the last ``lookback`` weeks."""

    window: int
    lookback: int
    statistic: Statistic

    def __post_init__(self) -> None:
        if self.window < 1 or self.lookback < self.window:
            raise ValueError(
                f"window {self.window} and lookback {self.lookback}: need 1 <= window <= lookback"
            )


@register("last_week")
def last_week(
    history: QueueSeries, start: pd.Timestamp, periods: int, config: ForecastConfig
) -> pd.DataFrame:
    """The same interval in the most recent week that is not missing (up to 8 weeks back)."""
    method = SeasonalMethod(window=1, lookback=LAST_WEEK_LOOKBACK, statistic="mean")
    return seasonal_forecast(history, start, periods, method, interval_width=config.interval_width)


@register("seasonal_mean")
def seasonal_mean(
    history: QueueSeries, start: pd.Timestamp, periods: int, config: ForecastConfig
) -> pd.DataFrame:
    """Mean of the same interval over the 4 most recent weeks that have it."""
    method = SeasonalMethod(window=SEASONAL_MEAN_WEEKS, lookback=2 * SEASONAL_MEAN_WEEKS, statistic="mean")
    return seasonal_forecast(history, start, periods, method, interval_width=config.interval_width)


@register("seasonal_median")
def seasonal_median(
    history: QueueSeries, start: pd.Timestamp, periods: int, config: ForecastConfig
) -> pd.DataFrame:
    """Median of the same interval over the ``config.seasonal_weeks`` most recent weeks that have it."""
    weeks = config.seasonal_weeks
    method = SeasonalMethod(window=weeks, lookback=2 * weeks, statistic="median")
    return seasonal_forecast(history, start, periods, method, interval_width=config.interval_width)


def seasonal_forecast(
    history: QueueSeries,
    start: pd.Timestamp,
    periods: int,
    method: SeasonalMethod,
    *,
    interval_width: float,
) -> pd.DataFrame:
    """Forecast ``periods`` intervals from ``start`` with ``method`` and its empirical band.

    ``history`` must end at or before ``start``. Returns ``interval_start, yhat, yhat_lower,
    yhat_upper``; NaN where the lookback has no value.
    """
    times = pd.date_range(start, periods=periods, freq=history.step)
    result = pd.DataFrame({"interval_start": times})
    if history.frame.empty:
        for column in ("yhat", "yhat_lower", "yhat_upper"):
            result[column] = np.nan
        return result
    lookup = _History.of(history)
    target_ns = _as_ns(times)
    # The first week back that lies inside the history, per target.
    first_lag = np.maximum(1, (target_ns - lookup.end_ns) // WEEK_NS + 1)
    yhat = _statistic(lookup.past_weeks(target_ns, first_lag, method.lookback), method)
    low_factor, high_factor = _band_factors(lookup, method, interval_width)
    hours = np.asarray(times.hour, dtype=np.int64)
    result["yhat"] = yhat
    result["yhat_lower"] = yhat * low_factor[hours]
    result["yhat_upper"] = yhat * high_factor[hours]
    return result


@dataclass(frozen=True)
class _History:
    """A history as sorted nanosecond times and known values (closed 0, missing NaN)."""

    starts_ns: np.ndarray
    known: np.ndarray
    observed: np.ndarray
    end_ns: int

    @classmethod
    def of(cls, history: QueueSeries) -> _History:
        frame = history.frame
        status = frame["status"].to_numpy(dtype=object)
        contacts = frame["contacts"].to_numpy(dtype=float)
        observed = status == OBSERVED
        known = np.where(status == CLOSED, 0.0, np.where(observed, contacts, np.nan))
        return cls(_as_ns(frame["interval_start"]), known, observed, pd.Timestamp(history.end).value)

    def past_weeks(self, target_ns: np.ndarray, first_lag: np.ndarray, lookback: int) -> np.ndarray:
        """Values at ``target - 7 days * j`` for ``j = first_lag .. first_lag + lookback - 1``.

        One row per target, one column per week back, most recent first; NaN where the interval
        is missing or outside the history.
        """
        lags = first_lag[:, None] + np.arange(lookback, dtype=np.int64)[None, :]
        wanted = target_ns[:, None] - lags * WEEK_NS
        position = np.searchsorted(self.starts_ns, wanted)
        inside = np.minimum(position, len(self.starts_ns) - 1)
        hit = (position < len(self.starts_ns)) & (self.starts_ns[inside] == wanted)
        return np.where(hit, self.known[inside], np.nan)


def _statistic(past: np.ndarray, method: SeasonalMethod) -> np.ndarray:
    """Per row, the method's statistic over the ``window`` first (most recent) non-NaN values."""
    available = ~np.isnan(past)
    used = available & (np.cumsum(available, axis=1) <= method.window)
    count = used.sum(axis=1)
    result = np.full(len(past), np.nan)
    rows = count > 0
    if method.statistic == "mean":
        result[rows] = np.where(used, past, 0.0)[rows].sum(axis=1) / count[rows]
    else:
        result[rows] = np.nanmedian(np.where(used, past, np.nan)[rows], axis=1)
    return result


def _band_factors(lookup: _History, method: SeasonalMethod, width: float) -> tuple[np.ndarray, np.ndarray]:
    """Lower and upper band factors per hour of day (24 each) from one-week-ahead backcasts."""
    recent = (lookup.starts_ns >= lookup.end_ns - BAND_WEEKS * WEEK_NS) & lookup.observed
    times_ns = lookup.starts_ns[recent]
    actual = lookup.known[recent]
    backcast = _statistic(
        lookup.past_weeks(times_ns, np.ones(len(times_ns), dtype=np.int64), method.lookback), method
    )
    usable = backcast > 0  # False for NaN too
    ratios = actual[usable] / backcast[usable]
    hours = np.asarray(pd.DatetimeIndex(times_ns[usable]).hour, dtype=np.int64)
    quantiles = ((1.0 - width) / 2.0, (1.0 + width) / 2.0)
    low = np.ones(24)
    high = np.ones(24)
    if len(ratios) == 0:
        return low, high
    low[:], high[:] = np.quantile(ratios, quantiles)
    per_hour = np.bincount(hours, minlength=24)
    for hour in np.flatnonzero(per_hour >= MIN_RATIOS_PER_HOUR):
        low[hour], high[hour] = np.quantile(ratios[hours == hour], quantiles)
    return low, high


def _as_ns(times: pd.DatetimeIndex | pd.Series) -> np.ndarray:
    return np.asarray(pd.DatetimeIndex(times).as_unit("ns").asi8, dtype=np.int64)
