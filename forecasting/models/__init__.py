"""The forecasting models, by name, behind one function: :func:`forecast_series`.

Every model is a function ``(history, start, periods, config) -> frame`` that sees only the history
strictly before ``start`` and returns ``periods`` rows from ``start`` with the columns
``interval_start, yhat, yhat_lower, yhat_upper``. :func:`forecast_series` wraps each one with what
every forecast must honour: closed intervals are exactly zero, nothing is negative, the band holds
the point, and the model's name is stated.

Models:

``last_week``
    Same interval one week earlier (date-matched; a missing week looks one week further back).
``seasonal_mean``
    Mean of the same interval over the last 4 weeks: the planner's "4-week average".
``seasonal_median``
    Median of the same interval over the last ``config.seasonal_weeks`` weeks, robust to a holiday
    or a spike in the window.
``prophet_default``
    Prophet as it comes (default settings), fitted on the open intervals: the baseline to beat.
``prophet``
    The contact-centre Prophet: day-type daily profiles, holidays and promotions, transform.
``ensemble``
    Equal-weight mean of ``prophet`` and ``seasonal_median``.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
import pandas as pd

from forecasting.config import ForecastConfig
from forecasting.errors import ForecastError
from forecasting.series import QueueSeries, closed_in_horizon
from wfm.errors import Problem

Model = Callable[[QueueSeries, pd.Timestamp, int, ForecastConfig], pd.DataFrame]
MODEL_COLUMNS = ("interval_start", "yhat", "yhat_lower", "yhat_upper")

MODELS: dict[str, Model] = {}


def register(name: str) -> Callable[[Model], Model]:
    """Add a model to :data:`MODELS` under ``name``."""

    def add(model: Model) -> Model:
        MODELS[name] = model
        return model

    return add


def forecast_series(
    name: str, series: QueueSeries, start: pd.Timestamp, periods: int, config: ForecastConfig
) -> pd.DataFrame:
    """Forecast one queue with model ``name``: ``periods`` intervals from ``start``.

    Returns the columns ``interval_start, yhat, yhat_lower, yhat_upper, model``, with closed
    intervals at exactly zero, no negative value, and ``yhat_lower <= yhat <= yhat_upper``. The
    model's notes (e.g. a guard that fired) are in ``frame.attrs["notes"]``.
    """
    return forecast_models([name], series, start, periods, config)[name]


def forecast_models(
    names: list[str] | tuple[str, ...],
    series: QueueSeries,
    start: pd.Timestamp,
    periods: int,
    config: ForecastConfig,
) -> dict[str, pd.DataFrame]:
    """Forecast one queue with several models at once, fitting each underlying model only once.

    (The ensemble reuses the Prophet and seasonal-median forecasts made for the other names.)
    """
    from forecasting.models.ensemble import MEMBERS, combine

    unknown = [name for name in names if name not in MODELS]
    if unknown:
        raise ForecastError(
            f"unknown model {', '.join(unknown)}",
            [Problem(f"known models: {', '.join(sorted(MODELS))}", field="model")],
        )
    history = series.before(start)
    needed = [n for n in names if n != "ensemble"]
    if "ensemble" in names:
        needed += [m for m in MEMBERS if m not in needed]
    raw = {name: MODELS[name](history, start, periods, config) for name in needed}
    if "ensemble" in names:
        raw["ensemble"] = combine([raw[m] for m in MEMBERS])
    return {name: _finish(name, raw[name], history, start, periods) for name in names}


def _finish(
    name: str, frame: pd.DataFrame, history: QueueSeries, start: pd.Timestamp, periods: int
) -> pd.DataFrame:
    expected = pd.date_range(start, periods=periods, freq=history.step).as_unit("ns")
    if len(frame) != periods or not (pd.DatetimeIndex(frame["interval_start"]) == expected).all():
        raise AssertionError(f"model {name} returned the wrong intervals")
    closed = closed_in_horizon(history, expected)
    result = pd.DataFrame({"interval_start": expected})
    for column in ("yhat", "yhat_lower", "yhat_upper"):
        values = frame[column].to_numpy(dtype=float)
        unknown = np.isnan(values) & ~closed
        if unknown.any():
            first = expected[int(np.flatnonzero(unknown)[0])]
            raise ForecastError(
                f"queue {history.queue}: model {name} has no {column} for {int(unknown.sum())} open "
                f"intervals (first {first:%Y-%m-%d %H:%M}); the history around them is missing"
            )
        result[column] = np.where(closed, 0.0, np.maximum(values, 0.0))
    result["yhat_lower"] = np.minimum(result["yhat_lower"], result["yhat"])
    result["yhat_upper"] = np.maximum(result["yhat_upper"], result["yhat"])
    result["model"] = name
    result.attrs["notes"] = list(frame.attrs.get("notes", []))
    return result


def _load_models() -> None:
    from forecasting.models import baselines, ensemble, prophet  # noqa: F401


_load_models()
