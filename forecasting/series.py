"""One queue's history as the forecasters see it, and reading histories from files.

A :class:`QueueSeries` is the part of a tidy contact-history series (:mod:`wfm.history`) for one queue,
strictly before the forecast start: a regular grid of ``interval_start`` with ``contacts`` (float, NaN
where the interval is missing) and ``status`` (observed / closed / missing). Models never see the
future, and never fit closed or missing intervals.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from forecasting.errors import ForecastError
from wfm.errors import Problem
from wfm.history import ContactHistory, read_history
from wfm.history.series import CLOSED, MISSING, OBSERVED

MIN_HISTORY_DAYS = 21


@dataclass(frozen=True)
class QueueSeries:
    """History of one queue: ``frame`` has columns ``interval_start``, ``contacts``, ``status``."""

    queue: str
    frame: pd.DataFrame
    interval_minutes: int

    @property
    def step(self) -> pd.Timedelta:
        return pd.Timedelta(minutes=self.interval_minutes)

    @property
    def end(self) -> pd.Timestamp:
        """The start of the interval after the last one in the history."""
        return pd.Timestamp(self.frame["interval_start"].iloc[-1]) + self.step

    @property
    def periods_per_week(self) -> int:
        return 7 * 24 * 60 // self.interval_minutes

    def before(self, start: pd.Timestamp) -> QueueSeries:
        """The history strictly before ``start``."""
        part = self.frame[self.frame["interval_start"] < start]
        return QueueSeries(self.queue, part.reset_index(drop=True), self.interval_minutes)

    def between(self, start: pd.Timestamp, end: pd.Timestamp) -> pd.DataFrame:
        """Rows with ``start <= interval_start < end``."""
        starts = self.frame["interval_start"]
        return self.frame[(starts >= start) & (starts < end)].reset_index(drop=True)

    def observed(self) -> pd.DataFrame:
        """Only the intervals with a count from an open interval (what a model may fit)."""
        return self.frame[self.frame["status"] == OBSERVED].reset_index(drop=True)

    def value_at(self, times: pd.DatetimeIndex | np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """(contacts, status) at each time; times outside the history give NaN and ``"missing"``."""
        indexed = self.frame.set_index("interval_start")
        wanted = pd.DatetimeIndex(times)
        contacts = indexed["contacts"].reindex(wanted).to_numpy(dtype=float)
        status = indexed["status"].reindex(wanted).fillna(MISSING).to_numpy(dtype=object)
        return contacts, status


def split_queues(history: ContactHistory) -> dict[str, QueueSeries]:
    """One :class:`QueueSeries` per queue of a tidy history."""
    result = {}
    for queue, part in history.frame.groupby("queue", sort=True):
        frame = pd.DataFrame(
            {
                "interval_start": part["interval_start"].to_numpy(),
                "contacts": part["contacts"].astype("Float64").to_numpy(dtype=float, na_value=np.nan),
                "status": part["status"].astype(str).to_numpy(),
            }
        )
        result[str(queue)] = QueueSeries(str(queue), frame, history.interval_minutes)
    return result


def check_history(series: QueueSeries, start: pd.Timestamp) -> list[str]:
    """Refuse a history too short to forecast from; return notes about gaps it has.

    At least three weeks of observed data before ``start`` are needed (the seasonal baselines need
    past weeks, and Prophet needs to see each weekday more than once).
    """
    history = series.before(start)
    observed = history.frame[history.frame["status"] == OBSERVED]
    if observed.empty:
        raise ForecastError(
            f"queue {series.queue}: no observed contacts before {start:%Y-%m-%d %H:%M}",
            [
                Problem(
                    "the history has no open interval with a count before the forecast start", field="history"
                )
            ],
        )
    first = pd.Timestamp(observed["interval_start"].iloc[0]).normalize()
    days = (start - first).days
    if days < MIN_HISTORY_DAYS:
        raise ForecastError(
            f"queue {series.queue}: too little history",
            [
                Problem(
                    f"{days} days of history before {start:%Y-%m-%d}, at least {MIN_HISTORY_DAYS} are "
                    "needed (three weeks, so every weekday is seen more than once)",
                    field="history",
                )
            ],
        )
    notes = []
    recent = history.between(start - pd.Timedelta(weeks=4), start)
    missing = recent[recent["status"] == MISSING]
    if not missing.empty:
        days_hit = sorted({t.date() for t in pd.DatetimeIndex(missing["interval_start"])})
        shown = ", ".join(str(d) for d in days_hit[:6]) + (" ..." if len(days_hit) > 6 else "")
        notes.append(
            f"queue {series.queue}: {len(missing)} missing intervals in the last 4 weeks ({shown}); "
            "the seasonal baselines skip them and look further back, Prophet fits around them"
        )
    if series.end < start:
        notes.append(
            f"queue {series.queue}: the history ends {series.end:%Y-%m-%d %H:%M}, before the forecast "
            f"start {start:%Y-%m-%d %H:%M}; the gap is forecast too but not shown"
        )
    return notes


def load_history_file(path: Path, *, queue: str = "volume") -> ContactHistory:
    """Read a history for forecasting: a tidy series, or a plain two-column CSV ``timestamp,volume``.

    The two-column form is one queue (named ``queue``) of interval counts; it goes through the
    interval-counts importer, so it gets the same checks (gaps, duplicates, mixed intervals...).
    """
    if not path.exists():
        raise ForecastError(f"{path}: no such file")
    if path.suffix.lower() in (".csv", ".txt"):
        with path.open(encoding="utf-8-sig") as handle:
            header = [name.strip().lower() for name in handle.readline().split(",")]
        if header == ["timestamp", "volume"]:
            from wfm.history import CountsMapping, import_interval_counts

            mapping = CountsMapping(timestamp="timestamp", contacts="volume", fixed_queue=queue)
            return import_interval_counts(path, mapping=mapping)
    return read_history(path)


def closed_in_horizon(series: QueueSeries, times: pd.DatetimeIndex, *, weeks: int = 4) -> np.ndarray:
    """Which future intervals are closed: those whose weekly slot was closed in each of the last weeks.

    A slot counts as closed when, over the last ``weeks`` weeks of history, it was never observed and
    was closed at least once (missing weeks do not reopen or close it). Closed intervals are forecast
    as exactly zero.
    """
    end = series.end
    recent = series.between(end - pd.Timedelta(weeks=weeks), end)
    slot_minutes = series.interval_minutes
    per_day = 24 * 60 // slot_minutes

    def slot(starts: pd.DatetimeIndex) -> np.ndarray:
        of_day = (starts.hour * 60 + starts.minute) // slot_minutes
        return np.asarray(starts.day_of_week * per_day + of_day, dtype=np.int64)

    recent_starts = pd.DatetimeIndex(recent["interval_start"])
    recent_slots = slot(recent_starts)
    status = recent["status"].to_numpy(dtype=object)
    seen_open = np.zeros(7 * per_day, dtype=bool)
    seen_closed = np.zeros(7 * per_day, dtype=bool)
    seen_open[recent_slots[status == OBSERVED]] = True
    seen_closed[recent_slots[status == CLOSED]] = True
    closed_slot = seen_closed & ~seen_open
    return np.asarray(closed_slot[slot(times)], dtype=bool)
