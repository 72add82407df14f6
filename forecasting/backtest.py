"""Rolling-origin backtest: how each model would have done, per queue, had it been used in the past.

At each origin every model is refitted on the history strictly before the origin (via
:func:`forecasting.models.forecast_series`) and forecasts the ``horizon`` after it; the forecast is
scored against the actuals of that horizon, only over open intervals with a count (status
``observed``): closed and missing intervals are never scored.

Origins
    By default the last ``origins`` origins, ``step`` apart, the last one at midnight of the day
    ``horizon`` before the history's end (rounded down to the day), so every horizon ends at or
    before the end of the history. With several queues the history's end is the earliest end among
    them, so every queue is scored over the same weeks. Explicit origins may be given instead; each
    must lie on the interval grid and have its whole horizon inside the history. An origin with
    less than 21 days of observed history before it (for any queue) is refused, with the origin
    named, before anything is fitted.

Pooling
    Each model's figures per queue pool every scored interval of every origin: WAPE is the sum of
    absolute errors over the sum of actuals across all origins (not a mean of weekly WAPEs); MAPE,
    bias and coverage likewise over all scored intervals. MASE divides the pooled absolute error by
    what the in-sample seasonal-naive forecast (same interval one week earlier, on the observed
    history before each origin) errs on average, weighted by the intervals scored at each origin.
    The per-origin WAPE and bias are kept too, to show how stable a model is week to week.
"""

from __future__ import annotations

import logging
import math
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from forecasting import metrics
from forecasting.config import ForecastConfig
from forecasting.errors import ForecastError
from forecasting.models import MODELS, forecast_series
from forecasting.series import MIN_HISTORY_DAYS, QueueSeries, split_queues
from wfm.errors import Problem
from wfm.history import OBSERVED, ContactHistory

logger = logging.getLogger(__name__)

WEEK = pd.Timedelta(days=7)
FORECAST_COLUMNS = (
    "queue",
    "origin",
    "interval_start",
    "actual",
    "yhat",
    "yhat_lower",
    "yhat_upper",
    "model",
    "status",
)
PER_ORIGIN_COLUMNS = ("model", "queue", "origin", "wape", "bias", "n")
METRIC_COLUMNS = (
    "model",
    "queue",
    "wape",
    "mape",
    "mase",
    "bias",
    "coverage",
    "n",
    "actual_total",
    "origins",
    "seconds",
)

Progress = Callable[[int, int, str], None]
"""Called after each forecast with (forecasts done, forecasts in total, "queue origin model")."""


@dataclass(frozen=True)
class ModelScore:
    """One model's accuracy on one queue, pooled over every origin of the backtest.

    ``wape``, ``mape``, ``bias`` and ``coverage`` are fractions (0.06 is 6%); ``mase`` is relative to
    the in-sample seasonal-naive error. Any of them is NaN when undefined (e.g. no actual >= 10 for
    MAPE). ``n`` is how many intervals were scored, ``actual_total`` their summed actual contacts
    (the WAPE weight), ``origins`` over how many origins, and ``seconds`` the time spent fitting and
    forecasting this queue over all origins.
    """

    model: str
    queue: str
    wape: float
    mape: float
    mase: float
    bias: float
    coverage: float
    n: int
    actual_total: float
    origins: int
    seconds: float

    def to_dict(self) -> dict[str, Any]:
        return {
            "model": self.model,
            "queue": self.queue,
            "wape": _number(self.wape),
            "mape": _number(self.mape),
            "mase": _number(self.mase),
            "bias": _number(self.bias),
            "coverage": _number(self.coverage),
            "n": self.n,
            "actual_total": self.actual_total,
            "origins": self.origins,
            "seconds": _number(self.seconds),
        }


@dataclass(frozen=True, eq=False)
class BacktestResult:
    """The outcome of :func:`backtest`.

    Attributes
    ----------
    models, queues, origins, horizon
        What was backtested.
    scores
        One :class:`ModelScore` per model per queue, pooled over all origins.
    per_origin
        Columns ``model, queue, origin, wape, bias, n``: one row per model, queue and origin (``n``
        intervals scored).
    forecasts
        Columns ``queue, origin, interval_start, actual, yhat, yhat_lower, yhat_upper, model,
        status``: every forecast interval with its actual (NaN unless the interval was observed,
        i.e. exactly the actuals that were scored), for plots.
    seconds
        Per model, the total time spent fitting and forecasting, over all queues and origins.
    notes
        The models' notes (e.g. a guard that fired), each once, with the origin it came from.
    """

    models: tuple[str, ...]
    queues: tuple[str, ...]
    origins: tuple[pd.Timestamp, ...]
    horizon: pd.Timedelta
    scores: tuple[ModelScore, ...]
    per_origin: pd.DataFrame
    forecasts: pd.DataFrame
    seconds: dict[str, float]
    notes: tuple[str, ...] = field(default=())

    @property
    def metrics(self) -> pd.DataFrame:
        """The scores as a frame, one row per model and queue (columns as :class:`ModelScore`)."""
        rows = [[getattr(score, column) for column in METRIC_COLUMNS] for score in self.scores]
        return pd.DataFrame(rows, columns=list(METRIC_COLUMNS))

    def render(self) -> str:
        """A plain-text table per queue for the command line; the best model is starred."""
        lines = [
            f"Backtest: {len(self.origins)} origins from {self.origins[0]:%Y-%m-%d %H:%M} to "
            f"{self.origins[-1]:%Y-%m-%d %H:%M}, horizon {_duration(self.horizon)}, "
            "scored on observed intervals",
        ]
        header = (
            f"  {'model':<18} {'WAPE':>7} {'MAPE':>7} {'MASE':>6} {'bias':>7} {'coverage':>8} "
            f"{'intervals':>9} {'seconds':>8}"
        )
        for queue in self.queues:
            best = self._best(queue)
            lines += ["", f"queue {queue}" + (f" (best: {best})" if best else " (nothing scored)"), header]
            for score in self.scores:
                if score.queue != queue:
                    continue
                mark = "*" if score.model == best else " "
                lines.append(
                    f"{mark} {score.model:<18} {_percent(score.wape):>7} {_percent(score.mape):>7} "
                    f"{_plain(score.mase):>6} {_percent(score.bias):>7} {_percent(score.coverage):>8} "
                    f"{score.n:>9} {score.seconds:>8.2f}"
                )
        if self.notes:
            lines += ["", "notes:", *(f"  {note}" for note in self.notes)]
        return "\n".join(lines)

    def score(self, model: str, queue: str) -> ModelScore:
        """The pooled score of ``model`` on ``queue``."""
        for score in self.scores:
            if score.model == model and score.queue == queue:
                return score
        raise KeyError(f"no score for model '{model}' on queue '{queue}'")

    def best_model(self, queue: str) -> str:
        """The model with the lowest pooled WAPE on ``queue`` (the first listed on a tie)."""
        best = self._best(queue)
        if best is None:
            raise ForecastError(
                f"queue {queue}: no model could be scored",
                [
                    Problem(
                        "no observed actual with a count above zero in any backtest horizon", field="history"
                    )
                ],
            )
        return best

    def _best(self, queue: str) -> str | None:
        if queue not in self.queues:
            raise KeyError(f"unknown queue '{queue}'; backtested: {', '.join(self.queues)}")
        scored = [s for s in self.scores if s.queue == queue and not math.isnan(s.wape)]
        return min(scored, key=lambda s: s.wape).model if scored else None

    def to_dict(self, *, include_forecasts: bool = False) -> dict[str, Any]:
        """JSON-ready form (NaN as ``None``, times as ISO strings); the forecast rows only if asked,
        as they run to thousands per queue."""
        result: dict[str, Any] = {
            "models": list(self.models),
            "queues": list(self.queues),
            "origins": [origin.isoformat() for origin in self.origins],
            "horizon_hours": self.horizon / pd.Timedelta(hours=1),
            "scores": [score.to_dict() for score in self.scores],
            "best_model": {queue: self._best(queue) for queue in self.queues},
            "default_model": {
                "name": "default",
                "rule": "per queue, the candidate with the lowest WAPE over the weekly origins just "
                "before the forecast start (ForecastConfig.candidates, selection_origins)",
                "scored_here": "default" in self.models,
            },
            "per_origin": _records(self.per_origin),
            "seconds": {model: _number(seconds) for model, seconds in self.seconds.items()},
            "notes": list(self.notes),
        }
        if include_forecasts:
            result["forecasts"] = _records(self.forecasts)
        return result


def backtest(
    history: ContactHistory,
    *,
    models: Sequence[str],
    horizon: pd.Timedelta = WEEK,
    origins: int | Sequence[pd.Timestamp] = 12,
    config: ForecastConfig | None = None,
    step: pd.Timedelta = WEEK,
    progress: Progress | None = None,
) -> BacktestResult:
    """Rolling-origin backtest of ``models`` on every queue of ``history``.

    Parameters
    ----------
    history
        The tidy contact history; every queue is backtested.
    models
        Model names from :data:`forecasting.models.MODELS`.
    horizon
        How far each origin forecasts; a whole number of intervals.
    origins
        How many origins (the last ones, ``step`` apart, see the module notes), or the origins
        themselves (sorted, duplicates dropped).
    config
        Forecast settings passed to every model; the defaults when ``None``.
    step
        Spacing of the default origins.
    progress
        Called after each forecast with (done, total, label).

    Raises
    ------
    ForecastError
        Unknown model, a horizon or step that does not fit the interval grid, or origins the
        history cannot support (too early, off the grid, or horizon past the history's end); every
        refused origin is named.
    """
    config = config or ForecastConfig()
    queues = split_queues(history)
    interval = pd.Timedelta(minutes=history.interval_minutes)
    _check_request(queues, models, horizon, step, interval)
    end = min(series.end for series in queues.values())
    chosen = _origins(origins, end, horizon, step)
    _check_origins(queues, chosen, horizon, end, interval)
    periods = int(horizon // interval)

    seconds = dict.fromkeys(models, 0.0)
    scores: list[ModelScore] = []
    per_origin: list[dict[str, Any]] = []
    forecasts: list[pd.DataFrame] = []
    notes: dict[str, None] = {}
    total = len(queues) * len(chosen) * len(models)
    done = 0
    for queue, series in queues.items():
        pooled = {model: _Pool() for model in models}
        for origin in chosen:
            times = pd.date_range(origin, periods=periods, freq=interval)
            contacts, status = series.value_at(times)
            actual = np.where(status == OBSERVED, contacts, np.nan)
            scale = _insample_scale(series, origin)
            for model in models:
                started = time.perf_counter()
                frame = _forecast(model, series, origin, periods, config)
                elapsed = time.perf_counter() - started
                seconds[model] += elapsed
                pool = pooled[model]
                pool.add(actual, frame, scale, elapsed)
                per_origin.append(
                    {
                        "model": model,
                        "queue": queue,
                        "origin": origin,
                        "wape": metrics.wape(actual, frame["yhat"]),
                        "bias": metrics.bias(actual, frame["yhat"]),
                        "n": int((~np.isnan(actual)).sum()),
                    }
                )
                forecasts.append(_forecast_rows(queue, origin, frame, actual, status))
                for note in frame.attrs.get("notes", []):
                    notes[f"{origin:%Y-%m-%d %H:%M}: {note}"] = None
                done += 1
                if progress is not None:
                    progress(done, total, f"{queue} {origin:%Y-%m-%d %H:%M} {model}")
        scores += [pooled[model].score(model, queue, len(chosen)) for model in models]
    logger.info(
        "backtest of %s over %d origins and %d queues took %s",
        ", ".join(models),
        len(chosen),
        len(queues),
        ", ".join(f"{model} {seconds[model]:.1f}s" for model in models),
    )
    return BacktestResult(
        models=tuple(models),
        queues=tuple(queues),
        origins=tuple(chosen),
        horizon=horizon,
        scores=tuple(scores),
        per_origin=pd.DataFrame(per_origin, columns=list(PER_ORIGIN_COLUMNS)),
        forecasts=(
            pd.concat(forecasts, ignore_index=True)
            if forecasts
            else pd.DataFrame(columns=list(FORECAST_COLUMNS))
        ),
        seconds=seconds,
        notes=tuple(notes),
    )


@dataclass
class _Pool:
    """Scored intervals of one model on one queue, gathered over the origins."""

    actual: list[np.ndarray] = field(default_factory=list)
    yhat: list[np.ndarray] = field(default_factory=list)
    lower: list[np.ndarray] = field(default_factory=list)
    upper: list[np.ndarray] = field(default_factory=list)
    naive_error: float = 0.0
    seconds: float = 0.0

    def add(self, actual: np.ndarray, frame: pd.DataFrame, scale: float, seconds: float) -> None:
        self.actual.append(actual)
        self.yhat.append(frame["yhat"].to_numpy(dtype=float))
        self.lower.append(frame["yhat_lower"].to_numpy(dtype=float))
        self.upper.append(frame["yhat_upper"].to_numpy(dtype=float))
        self.naive_error += scale * int((~np.isnan(actual)).sum())
        self.seconds += seconds

    def score(self, model: str, queue: str, origins: int) -> ModelScore:
        actual = np.concatenate(self.actual)
        yhat = np.concatenate(self.yhat)
        scored = ~np.isnan(actual)
        absolute_error = float(np.abs(actual[scored] - yhat[scored]).sum())
        return ModelScore(
            model=model,
            queue=queue,
            wape=metrics.wape(actual, yhat),
            mape=metrics.mape(actual, yhat),
            mase=absolute_error / self.naive_error if self.naive_error > 0 else float("nan"),
            bias=metrics.bias(actual, yhat),
            coverage=metrics.coverage(actual, np.concatenate(self.lower), np.concatenate(self.upper)),
            n=int(scored.sum()),
            actual_total=float(actual[scored].sum()),
            origins=origins,
            seconds=self.seconds,
        )


def _forecast(
    model: str, series: QueueSeries, origin: pd.Timestamp, periods: int, config: ForecastConfig
) -> pd.DataFrame:
    try:
        return forecast_series(model, series, origin, periods, config)
    except ForecastError as error:
        raise ForecastError(
            f"backtest origin {origin:%Y-%m-%d %H:%M}: {error.summary}", error.problems
        ) from error


def _insample_scale(series: QueueSeries, origin: pd.Timestamp) -> float:
    """Mean absolute error of "same interval a week earlier" on the observed history before ``origin``."""
    before = series.before(origin).frame
    observed = np.where(before["status"] == OBSERVED, before["contacts"].to_numpy(dtype=float), np.nan)
    return metrics.seasonal_naive_scale(observed, series.periods_per_week)


def _forecast_rows(
    queue: str, origin: pd.Timestamp, frame: pd.DataFrame, actual: np.ndarray, status: np.ndarray
) -> pd.DataFrame:
    return pd.DataFrame(
        {
            "queue": queue,
            "origin": origin,
            "interval_start": frame["interval_start"].to_numpy(),
            "actual": actual,
            "yhat": frame["yhat"].to_numpy(dtype=float),
            "yhat_lower": frame["yhat_lower"].to_numpy(dtype=float),
            "yhat_upper": frame["yhat_upper"].to_numpy(dtype=float),
            "model": frame["model"].to_numpy(),
            "status": status.astype(str),
        }
    )


def _check_request(
    queues: dict[str, QueueSeries],
    models: Sequence[str],
    horizon: pd.Timedelta,
    step: pd.Timedelta,
    interval: pd.Timedelta,
) -> None:
    problems: list[Problem] = []
    if not queues:
        problems.append(Problem("the history has no queue", field="history"))
    if isinstance(models, str) or not models:
        problems.append(Problem("give at least one model name (a list of names)", field="models"))
    else:
        unknown = [model for model in models if model not in MODELS]
        if unknown:
            problems.append(
                Problem(f"unknown {', '.join(unknown)}; known: {', '.join(sorted(MODELS))}", field="models")
            )
        if len(set(models)) != len(models):
            problems.append(Problem("a model is listed twice", field="models"))
    if horizon <= pd.Timedelta(0) or horizon % interval != pd.Timedelta(0):
        problems.append(
            Problem(f"{horizon} is not a positive whole number of {interval} intervals", field="horizon")
        )
    if step <= pd.Timedelta(0):
        problems.append(Problem(f"{step} must be positive", field="step"))
    if problems:
        raise ForecastError("backtest request refused", problems)


def _origins(
    origins: int | Sequence[pd.Timestamp], end: pd.Timestamp, horizon: pd.Timedelta, step: pd.Timedelta
) -> list[pd.Timestamp]:
    if isinstance(origins, int):
        if origins < 1:
            raise ForecastError("backtest request refused", [Problem("must be 1 or more", field="origins")])
        last = (end - horizon).normalize()
        return [last - step * back for back in range(origins - 1, -1, -1)]
    chosen = sorted({pd.Timestamp(origin) for origin in origins})
    if not chosen:
        raise ForecastError("backtest request refused", [Problem("no origin given", field="origins")])
    return chosen


def _check_origins(
    queues: dict[str, QueueSeries],
    origins: list[pd.Timestamp],
    horizon: pd.Timedelta,
    end: pd.Timestamp,
    interval: pd.Timedelta,
) -> None:
    """Refuse, all at once, every origin the history cannot support."""
    first_days = {queue: _first_observed_day(series) for queue, series in queues.items()}
    problems: list[Problem] = []
    refused: list[pd.Timestamp] = []
    for origin in origins:
        reasons = []
        if (origin - origin.normalize()) % interval != pd.Timedelta(0):
            reasons.append(f"is not on the {interval} interval grid")
        if origin + horizon > end:
            reasons.append(
                f"its horizon ends {origin + horizon:%Y-%m-%d %H:%M}, after the history's end "
                f"{end:%Y-%m-%d %H:%M}"
            )
        for queue, first in first_days.items():
            days = (origin - first).days if first is not None else 0
            if days < MIN_HISTORY_DAYS:
                reasons.append(
                    f"queue {queue} has {max(days, 0)} days of history before it, at least "
                    f"{MIN_HISTORY_DAYS} are needed"
                )
        if reasons:
            refused.append(origin)
            problems += [
                Problem(f"origin {origin:%Y-%m-%d %H:%M}: {reason}", field="origins") for reason in reasons
            ]
    if refused:
        usable = len(origins) - len(refused)
        raise ForecastError(
            f"backtest origin{'s' if len(refused) > 1 else ''} refused: "
            + ", ".join(f"{origin:%Y-%m-%d %H:%M}" for origin in refused)
            + f" ({usable} of {len(origins)} origins usable; ask for fewer or later origins)",
            problems,
        )


def _first_observed_day(series: QueueSeries) -> pd.Timestamp | None:
    observed = series.observed()
    return pd.Timestamp(observed["interval_start"].iloc[0]).normalize() if not observed.empty else None


def _number(value: float) -> float | None:
    return None if math.isnan(value) else float(value)


def _records(frame: pd.DataFrame) -> list[dict[str, Any]]:
    records = []
    for row in frame.to_dict(orient="records"):
        records.append({str(key): _json_value(value) for key, value in row.items()})
    return records


def _json_value(value: Any) -> Any:
    if isinstance(value, pd.Timestamp):
        return value.isoformat()
    if isinstance(value, float | np.floating):
        return _number(float(value))
    if isinstance(value, np.integer):
        return int(value)
    return value


def _percent(value: float) -> str:
    return "-" if math.isnan(value) else f"{value:.1%}"


def _plain(value: float) -> str:
    return "-" if math.isnan(value) else f"{value:.2f}"


def _duration(span: pd.Timedelta) -> str:
    hours = span / pd.Timedelta(hours=1)
    return f"{hours / 24:g} days" if hours % 24 == 0 else f"{hours:g} hours"
