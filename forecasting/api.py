"""The forecasting entry point: :func:`fit_forecast`.

The forecast frame (the column contract later stages rely on)
--------------------------------------------------------------
One row per queue per interval of the horizon, sorted by queue and ``interval_start``:

============== ============== ===============================================================
column         type           meaning
============== ============== ===============================================================
queue          str            the queue
interval_start datetime64[ns] start of the interval, local site time (as in the history)
yhat           float          expected contacts in the interval (>= 0; exactly 0 when closed)
yhat_lower     float          lower edge of the prediction band (``config.interval_width``)
yhat_upper     float          upper edge of the band; ``yhat_lower <= yhat <= yhat_upper``
model          str            the model that made this queue's forecast
============== ============== ===============================================================
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from forecasting.config import ForecastConfig
from forecasting.errors import ForecastError
from forecasting.metrics import wape
from forecasting.models import MODELS, forecast_models, register
from forecasting.series import MIN_HISTORY_DAYS, QueueSeries, check_history, split_queues
from wfm.errors import Problem
from wfm.history import ContactHistory
from wfm.history.series import OBSERVED

logger = logging.getLogger(__name__)

FORECAST_COLUMNS = ("queue", "interval_start", "yhat", "yhat_lower", "yhat_upper", "model")
MAX_HORIZON = pd.Timedelta(days=35)
WEEK = pd.Timedelta(days=7)
FALLBACK_MODEL = "ensemble"


@dataclass(frozen=True)
class ModelChoice:
    """Which model forecast a queue, and why: the selection backtest's WAPE per candidate."""

    queue: str
    model: str
    reason: str
    wape_by_model: dict[str, float] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        return {
            "queue": self.queue,
            "model": self.model,
            "reason": self.reason,
            "wape_by_model": self.wape_by_model,
        }


@dataclass(frozen=True)
class ForecastResult:
    """A forecast: the frame (see the module docstring), the model chosen per queue, and notes."""

    frame: pd.DataFrame
    interval_minutes: int
    start: pd.Timestamp
    horizon: pd.Timedelta
    choices: tuple[ModelChoice, ...]
    notes: tuple[str, ...] = ()

    def to_dict(self) -> dict[str, Any]:
        return {
            "start": self.start.isoformat(),
            "horizon_hours": self.horizon / pd.Timedelta(hours=1),
            "interval_minutes": self.interval_minutes,
            "choices": [choice.to_dict() for choice in self.choices],
            "notes": list(self.notes),
        }


def fit_forecast(
    history: ContactHistory,
    start: pd.Timestamp | str,
    horizon: pd.Timedelta = WEEK,
    config: ForecastConfig | None = None,
    *,
    queues: list[str] | None = None,
) -> ForecastResult:
    """Forecast contacts per queue per interval for ``horizon`` from ``start``.

    Only history strictly before ``start`` is used. With ``config.model == "default"`` each queue
    gets the candidate model with the lowest WAPE in a rolling-origin backtest over the
    ``config.selection_origins`` weeks before the start.

    Raises
    ------
    ForecastError
        Too little history (< 3 weeks), a start off the interval grid, a horizon that is not a whole
        number of intervals or longer than the history supports, an unknown model or queue, or
        history missing where a forecast needs it.
    """
    config = config or ForecastConfig()
    start = pd.Timestamp(start)
    step = pd.Timedelta(minutes=history.interval_minutes)
    _check_request(start, horizon, step, config)
    series_by_queue = split_queues(history)
    wanted = queues or list(series_by_queue)
    unknown = [q for q in wanted if q not in series_by_queue]
    if unknown:
        raise ForecastError(
            "unknown queue",
            [
                Problem(f"{q} is not in the history ({', '.join(series_by_queue)})", field="queue")
                for q in unknown
            ],
        )
    frames = []
    choices = []
    notes: list[str] = []
    for queue in wanted:
        series = series_by_queue[queue]
        notes += check_history(series, start)
        origin = min(start, series.end)
        periods = int((start + horizon - origin) / step)
        _check_horizon(series, origin, start + horizon)
        choice = _choose(series, origin, config)
        choices.append(choice)
        forecast = forecast_models([choice.model], series, origin, periods, config)[choice.model]
        notes += forecast.attrs.get("notes", [])
        forecast = forecast[forecast["interval_start"] >= start]
        forecast.insert(0, "queue", queue)
        frames.append(forecast)
    frame = pd.concat(frames, ignore_index=True).loc[:, list(FORECAST_COLUMNS)]
    return ForecastResult(
        frame=frame,
        interval_minutes=history.interval_minutes,
        start=start,
        horizon=horizon,
        choices=tuple(choices),
        notes=tuple(dict.fromkeys(notes)),
    )


def _check_request(
    start: pd.Timestamp, horizon: pd.Timedelta, step: pd.Timedelta, config: ForecastConfig
) -> None:
    problems = []
    if start.tzinfo is not None:
        problems.append(Problem("give the start as local site time, without a time zone", field="start"))
    elif (start - start.normalize()) % step:
        problems.append(
            Problem(f"{start} is not on the {step.seconds // 60}-minute interval grid", field="start")
        )
    if horizon <= pd.Timedelta(0) or horizon % step:
        problems.append(
            Problem(
                f"{horizon} is not a positive whole number of {step.seconds // 60}-minute intervals",
                field="horizon",
            )
        )
    if config.model != "default" and config.model not in MODELS:
        problems.append(
            Problem(f"'{config.model}' is not a model ({', '.join(sorted(MODELS))}, default)", field="model")
        )
    for name in config.candidates:
        if name not in MODELS:
            problems.append(Problem(f"'{name}' is not a model", field="candidates"))
    if problems:
        raise ForecastError("forecast request refused", problems)


def _check_horizon(series: QueueSeries, origin: pd.Timestamp, end: pd.Timestamp) -> None:
    """The horizon (from the end of the usable history) may not exceed 35 days nor the history's length."""
    observed = series.observed()
    first = pd.Timestamp(observed["interval_start"].iloc[0]).normalize()
    length = origin - first
    ahead = end - origin
    limit = min(MAX_HORIZON, length)
    if ahead > limit:
        raise ForecastError(
            f"queue {series.queue}: horizon too long",
            [
                Problem(
                    f"forecasting {ahead.days} days past the history's end is beyond what this forecaster "
                    f"supports: at most {MAX_HORIZON.days} days, and no longer than the history "
                    f"({length.days} days)",
                    field="horizon",
                )
            ],
        )


def _choose(series: QueueSeries, origin: pd.Timestamp, config: ForecastConfig) -> ModelChoice:
    """The model for this queue: as configured, or the best candidate in a short backtest."""
    if config.model != "default":
        return ModelChoice(series.queue, config.model, "chosen in the settings")
    return select_model(series, origin, config)


@register("default")
def default_model(
    history: QueueSeries, start: pd.Timestamp, periods: int, config: ForecastConfig
) -> pd.DataFrame:
    """The product's default: the candidate chosen per queue by :func:`select_model`."""
    choice = select_model(history, start, config)
    frame = forecast_models([choice.model], history, start, periods, config)[choice.model]
    frame.attrs["notes"] = [
        *frame.attrs.get("notes", []),
        f"queue {history.queue}: default is {choice.model}",
    ]
    frame.attrs["choice"] = choice
    return frame


def select_model(series: QueueSeries, origin: pd.Timestamp, config: ForecastConfig) -> ModelChoice:
    """The candidate with the lowest WAPE over the ``selection_origins`` weeks before ``origin``."""
    first = pd.Timestamp(series.observed()["interval_start"].iloc[0]).normalize()
    origins = [
        origin - WEEK * back
        for back in range(config.selection_origins, 0, -1)
        if origin - WEEK * back - first >= pd.Timedelta(days=MIN_HISTORY_DAYS)
    ]
    if not origins:
        return ModelChoice(
            series.queue,
            FALLBACK_MODEL,
            f"too little history to compare models before {origin:%Y-%m-%d}; {FALLBACK_MODEL}, the "
            "model the benchmark found best (benchmarks/RESULTS.md)",
        )
    periods = int(WEEK / series.step)
    errors: dict[str, list[float]] = {name: [] for name in config.candidates}
    actuals: list[float] = []
    for week_start in origins:
        forecasts = forecast_models(config.candidates, series, week_start, periods, config)
        window = series.between(week_start, week_start + WEEK)
        scored = (window["status"] == OBSERVED).to_numpy()
        actual = window["contacts"].to_numpy(dtype=float)
        actuals += list(actual[scored])
        for name, forecast in forecasts.items():
            predicted = (
                forecast.set_index("interval_start")["yhat"].reindex(window["interval_start"]).to_numpy()
            )
            errors[name] += list(predicted[scored])
    actual_all = np.asarray(actuals)
    scores = {name: float(wape(actual_all, np.asarray(values))) for name, values in errors.items()}
    best = min(config.candidates, key=lambda name: scores[name])
    incumbent = config.candidates[0]
    if best != incumbent and scores[best] > scores[incumbent] * (1 - config.selection_margin):
        return ModelChoice(
            series.queue,
            incumbent,
            f"{best} was not more than {config.selection_margin:.0%} better than {incumbent} over "
            f"{len(origins)} weekly origin(s) before {origin:%Y-%m-%d}",
            scores,
        )
    return ModelChoice(
        series.queue,
        best,
        f"lowest WAPE over {len(origins)} weekly origin(s) before {origin:%Y-%m-%d}",
        scores,
    )
