"""Pictures a planner reads: forecast with its band against recent history, and backtest vs actual."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

import pandas as pd

if TYPE_CHECKING:
    from forecasting.api import ForecastResult
    from forecasting.backtest import BacktestResult
    from wfm.history import ContactHistory


def _figure(panels: int) -> tuple[Any, Any]:
    """A figure with one panel per row, drawn without pyplot: no backend is chosen or switched, so a
    notebook's inline plots keep working after a picture is written to a file."""
    from matplotlib.figure import Figure

    figure = Figure(figsize=(12, 2.8 * panels))
    return figure, figure.subplots(panels, 1, squeeze=False)


def plot_forecast(
    result: ForecastResult, history: ContactHistory, path: Path, *, weeks_shown: int = 2
) -> Path:
    """One panel per queue: the last ``weeks_shown`` weeks of history, then the forecast and its band."""
    queues = list(dict.fromkeys(result.frame["queue"]))
    figure, axes = _figure(len(queues))
    since = result.start - pd.Timedelta(weeks=weeks_shown)
    past = history.frame[
        (history.frame["interval_start"] >= since) & (history.frame["interval_start"] < result.start)
    ]
    for axis, queue in zip(axes[:, 0], queues, strict=True):
        seen = past[past["queue"] == queue]
        ahead = result.frame[result.frame["queue"] == queue]
        axis.plot(
            seen["interval_start"], seen["contacts"].astype(float), color="0.3", lw=0.8, label="history"
        )
        axis.plot(
            ahead["interval_start"],
            ahead["yhat"],
            color="tab:blue",
            lw=1.0,
            label=f"forecast ({ahead['model'].iloc[0]})",
        )
        axis.fill_between(
            ahead["interval_start"],
            ahead["yhat_lower"],
            ahead["yhat_upper"],
            color="tab:blue",
            alpha=0.2,
            label="80% band",
        )
        axis.set_title(queue, loc="left", fontsize=10)
        axis.set_ylabel("contacts")
        axis.legend(loc="upper left", fontsize=8)
    figure.tight_layout()
    return _save(figure, path)


def plot_backtest(result: BacktestResult, path: Path) -> Path:
    """One panel per queue: actual vs each queue's best model over every backtest origin."""
    frame = result.forecasts
    queues = list(dict.fromkeys(frame["queue"]))
    figure, axes = _figure(len(queues))
    for axis, queue in zip(axes[:, 0], queues, strict=True):
        best = result.best_model(queue)
        part = frame[(frame["queue"] == queue) & (frame["model"] == best)].sort_values("interval_start")
        axis.plot(part["interval_start"], part["actual"], color="0.3", lw=0.8, label="actual")
        axis.plot(
            part["interval_start"], part["yhat"], color="tab:orange", lw=0.9, label=f"{best} (best WAPE)"
        )
        axis.fill_between(
            part["interval_start"], part["yhat_lower"], part["yhat_upper"], color="tab:orange", alpha=0.2
        )
        axis.set_title(queue, loc="left", fontsize=10)
        axis.legend(loc="upper left", fontsize=8)
    figure.tight_layout()
    return _save(figure, path)


def _save(figure: Any, path: Path) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    temporary = path.with_name(f".{path.name}.partial.png")
    figure.savefig(temporary, dpi=110)
    temporary.replace(path)
    return path
