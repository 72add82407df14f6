"""What a scheduler wants to know about a contact history before forecasting from it."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

import numpy as np
import pandas as pd

from wfm.domain.opening_hours import WEEKDAY_NAMES, OpeningHours
from wfm.history._grid import hours_from_slots, slot_index
from wfm.history.series import (
    CLOSED,
    MINUTES_PER_DAY,
    MISSING,
    OBSERVED,
    ContactHistory,
    ImportReport,
    WaitFigures,
)


@dataclass(frozen=True)
class Gap:
    """Consecutive missing intervals: ``start`` to ``end`` (end exclusive)."""

    start: datetime
    end: datetime
    intervals: int

    def to_dict(self) -> dict[str, Any]:
        return {"start": self.start.isoformat(), "end": self.end.isoformat(), "intervals": self.intervals}

    def days(self) -> tuple[date, ...]:
        """The calendar days the gap touches."""
        last = (self.end - timedelta(microseconds=1)).date()
        count = (last - self.start.date()).days + 1
        return tuple(self.start.date() + timedelta(days=offset) for offset in range(count))

    def __str__(self) -> str:
        if len(self.days()) == 1:
            end = f"{self.end:%H:%M}" if self.end.date() == self.start.date() else "24:00"
            return f"{self.start:%Y-%m-%d %H:%M}-{end}"
        return f"{self.start:%Y-%m-%d %H:%M} to {self.end:%Y-%m-%d %H:%M}"


@dataclass(frozen=True)
class HourVolume:
    """Volume in one hour of the day.

    ``share`` is the hour's part of all observed contacts; ``mean_per_day`` the mean count on the
    ``days`` on which the hour was open and fully observed (``None`` when there were none).
    """

    hour: int
    share: float | None
    mean_per_day: float | None
    days: int

    def to_dict(self) -> dict[str, Any]:
        return {
            "hour": self.hour,
            "share": self.share,
            "mean_per_day": self.mean_per_day,
            "days": self.days,
        }


@dataclass(frozen=True)
class WeekdayVolume:
    """Mean contacts per fully observed day (no gap, at least one observed interval)."""

    weekday: str
    mean_per_day: float | None
    days: int

    def to_dict(self) -> dict[str, Any]:
        return {"weekday": self.weekday, "mean_per_day": self.mean_per_day, "days": self.days}


@dataclass(frozen=True)
class QueueSummary:
    """The figures for one queue. Totals count observed intervals only (gaps are unknown).

    ``handled``, ``abandoned`` and ``abandonment_rate`` are ``None`` unless every observed
    interval says how many contacts were abandoned. ``aht_s`` is the mean handling time weighted by
    handled contacts over the intervals that have one.
    """

    queue: str
    first_day: date
    last_day: date
    interval_minutes: int
    total_contacts: int
    handled: int | None
    abandoned: int | None
    abandonment_rate: float | None
    aht_s: float | None
    observed_intervals: int
    closed_intervals: int
    missing_intervals: int
    gaps: tuple[Gap, ...]
    missing_days: tuple[date, ...]
    open_hours: OpeningHours
    open_hours_source: str
    by_hour: tuple[HourVolume, ...]
    by_weekday: tuple[WeekdayVolume, ...]
    waits: WaitFigures | None

    def to_dict(self) -> dict[str, Any]:
        return {
            "queue": self.queue,
            "first_day": self.first_day.isoformat(),
            "last_day": self.last_day.isoformat(),
            "interval_minutes": self.interval_minutes,
            "total_contacts": self.total_contacts,
            "handled": self.handled,
            "abandoned": self.abandoned,
            "abandonment_rate": self.abandonment_rate,
            "aht_s": self.aht_s,
            "observed_intervals": self.observed_intervals,
            "closed_intervals": self.closed_intervals,
            "missing_intervals": self.missing_intervals,
            "gaps": [gap.to_dict() for gap in self.gaps],
            "missing_days": [day.isoformat() for day in self.missing_days],
            "open_hours": {
                WEEKDAY_NAMES[d]: [str(period) for period in periods]
                for d, periods in enumerate(self.open_hours.days)
            },
            "open_hours_source": self.open_hours_source,
            "by_hour": [hour.to_dict() for hour in self.by_hour],
            "by_weekday": [weekday.to_dict() for weekday in self.by_weekday],
            "waits": self.waits.to_dict() if self.waits is not None else None,
        }


@dataclass(frozen=True)
class HistorySummary:
    """A summary of a :class:`ContactHistory`, per queue, with its import report."""

    interval_minutes: int
    queues: tuple[QueueSummary, ...]
    report: ImportReport

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready form (dates as ISO strings, unknown figures as ``None``)."""
        return {
            "interval_minutes": self.interval_minutes,
            "queues": [queue.to_dict() for queue in self.queues],
            "report": self.report.to_dict(),
        }

    def render(self) -> str:
        """Plain text for a scheduler."""
        out: list[str] = []
        report = self.report
        out.append(f"Contact history: {len(self.queues)} queue(s), {self.interval_minutes}-minute intervals")
        out.append(f"Source: {report.source} ({report.kind})")
        out.append(
            f"  rows read {report.rows_read:,}, imported {report.rows_imported:,}, "
            f"rejected {report.rows_rejected:,}"
        )
        for rejection in report.rejected:
            examples = ", ".join(str(line) for line in rejection.example_lines)
            out.append(f"    {rejection.count:>7,}  {rejection.reason}  (e.g. lines {examples})")
        if report.source_interval_minutes is not None:
            out.append(f"  source intervals: {report.source_interval_minutes} minutes")
        for note in report.notes:
            out.append(f"  note: {note}")
        for queue in self.queues:
            out.append("")
            out.extend(_render_queue(queue))
        return "\n".join(out) + "\n"


def summarize(history: ContactHistory) -> HistorySummary:
    """Summarise each queue of ``history`` (see :class:`QueueSummary`)."""
    frame = history.frame
    queues = tuple(
        _summarize_queue(str(name), part.reset_index(drop=True), history)
        for name, part in frame.groupby("queue", sort=True)
    )
    return HistorySummary(interval_minutes=history.interval_minutes, queues=queues, report=history.report)


def _summarize_queue(name: str, part: pd.DataFrame, history: ContactHistory) -> QueueSummary:
    minutes = history.interval_minutes
    status = part["status"].to_numpy(dtype=object)
    observed = status == OBSERVED
    missing = status == MISSING
    closed = status == CLOSED
    contacts = part["contacts"].fillna(0).to_numpy(dtype=np.int64)
    contacts = np.where(observed, contacts, 0)
    abandoned_known = part["abandoned"].notna().to_numpy()
    abandoned_values = part["abandoned"].fillna(0).to_numpy(dtype=np.int64)
    total = int(contacts.sum())
    abandoned: int | None = None
    handled: int | None = None
    rate: float | None = None
    if observed.any() and abandoned_known[observed].all():
        abandoned = int(abandoned_values[observed].sum())
        handled = total - abandoned
        rate = abandoned / total if total else None
    handled_weight = np.where(abandoned_known, contacts - abandoned_values, contacts)
    aht = part["aht_s"].to_numpy(dtype=float)
    weighs = observed & ~np.isnan(aht) & (handled_weight > 0)
    weight = float(handled_weight[weighs].sum())
    aht_mean = float((aht[weighs] * handled_weight[weighs]).sum() / weight) if weight else None

    starts = part["interval_start"]
    day = starts.dt.normalize()
    gaps = _gaps(starts, missing, minutes)
    per_day = (
        pd.DataFrame({"day": day, "missing": missing, "observed": observed, "contacts": contacts})
        .groupby("day", sort=True)[["missing", "observed", "contacts"]]
        .sum()
    )
    per_day["open"] = pd.Series(~closed).groupby(day.to_numpy()).sum().to_numpy()
    whole_missing = (per_day["missing"] > 0) & (per_day["missing"] == per_day["open"])
    missing_days = tuple(stamp.date() for stamp in pd.DatetimeIndex(per_day.index[whole_missing]))
    complete_days = per_day[(per_day["missing"] == 0) & (per_day["observed"] > 0)]
    by_weekday = []
    for weekday in range(7):
        chosen = complete_days[pd.DatetimeIndex(complete_days.index).day_of_week == weekday]
        by_weekday.append(
            WeekdayVolume(
                weekday=WEEKDAY_NAMES[weekday],
                mean_per_day=float(chosen["contacts"].mean()) if len(chosen) else None,
                days=len(chosen),
            )
        )
    by_hour = _by_hour(starts, observed, missing, contacts, total)

    report = history.report
    if name in report.opening_hours:
        open_hours = report.opening_hours[name]
        source = f"{report.opening_hours_source} at import"
    else:
        is_open = np.zeros(7 * MINUTES_PER_DAY // minutes, dtype=bool)
        is_open[np.unique(slot_index(starts, minutes)[~closed])] = True
        open_hours = hours_from_slots(is_open, minutes)
        source = "not closed in the series"
    return QueueSummary(
        queue=name,
        first_day=pd.Timestamp(day.iloc[0]).date(),
        last_day=pd.Timestamp(day.iloc[-1]).date(),
        interval_minutes=minutes,
        total_contacts=total,
        handled=handled,
        abandoned=abandoned,
        abandonment_rate=rate,
        aht_s=aht_mean,
        observed_intervals=int(observed.sum()),
        closed_intervals=int(closed.sum()),
        missing_intervals=int(missing.sum()),
        gaps=gaps,
        missing_days=missing_days,
        open_hours=open_hours,
        open_hours_source=source,
        by_hour=by_hour,
        by_weekday=tuple(by_weekday),
        waits=report.waits.get(name),
    )


def _gaps(starts: pd.Series, missing: np.ndarray, minutes: int) -> tuple[Gap, ...]:
    if not missing.any():
        return ()
    position = np.flatnonzero(missing)
    breaks = np.flatnonzero(np.diff(position) != 1)
    firsts = np.r_[position[0], position[breaks + 1]]
    lasts = np.r_[position[breaks], position[-1]]
    step = pd.Timedelta(minutes=minutes)
    return tuple(
        Gap(
            start=pd.Timestamp(starts.iloc[first]).to_pydatetime(),
            end=(pd.Timestamp(starts.iloc[last]) + step).to_pydatetime(),
            intervals=int(last - first + 1),
        )
        for first, last in zip(firsts, lasts, strict=True)
    )


def _by_hour(
    starts: pd.Series, observed: np.ndarray, missing: np.ndarray, contacts: np.ndarray, total: int
) -> tuple[HourVolume, ...]:
    cells = (
        pd.DataFrame(
            {
                "day": starts.dt.normalize(),
                "hour": starts.dt.hour,
                "observed": observed,
                "missing": missing,
                "contacts": contacts,
            }
        )
        .groupby(["day", "hour"], sort=True)[["observed", "missing", "contacts"]]
        .sum()
        .reset_index()
    )
    complete = cells[(cells["missing"] == 0) & (cells["observed"] > 0)]
    out = []
    for hour in range(24):
        in_hour = cells[cells["hour"] == hour]
        mine = complete[complete["hour"] == hour]
        out.append(
            HourVolume(
                hour=hour,
                share=float(in_hour["contacts"].sum()) / total if total else None,
                mean_per_day=float(mine["contacts"].mean()) if len(mine) else None,
                days=len(mine),
            )
        )
    return tuple(out)


def _render_queue(queue: QueueSummary) -> list[str]:
    days = (queue.last_day - queue.first_day).days + 1
    out = [
        f"Queue {queue.queue}: {queue.first_day} to {queue.last_day} ({days} days), "
        f"{queue.interval_minutes}-minute intervals"
    ]
    figures = [f"contacts {queue.total_contacts:,}"]
    if queue.handled is not None:
        figures.append(f"handled {queue.handled:,}")
    if queue.abandoned is not None:
        rate = f" ({queue.abandonment_rate:.1%})" if queue.abandonment_rate is not None else ""
        figures.append(f"abandoned {queue.abandoned:,}{rate}")
    else:
        figures.append("abandoned not known")
    figures.append(f"AHT {queue.aht_s:.0f} s" if queue.aht_s is not None else "AHT not known")
    out.append("  " + " | ".join(figures))
    out.append(
        f"  intervals: {queue.observed_intervals:,} observed, {queue.closed_intervals:,} closed, "
        f"{queue.missing_intervals:,} missing"
    )
    if queue.missing_days:
        out.append(
            f"  missing days ({len(queue.missing_days)}): "
            + ", ".join(f"{d:%a} {d.isoformat()}" for d in queue.missing_days)
        )
    whole = set(queue.missing_days)
    partial = [gap for gap in queue.gaps if not set(gap.days()) <= whole]
    if partial:
        out.append(f"  other gaps ({len(partial)}): " + "; ".join(str(gap) for gap in partial[:30]))
        if len(partial) > 30:
            out.append(f"    ... and {len(partial) - 30} more")
    if not queue.gaps:
        out.append("  gaps: none")
    out.append(f"  open hours ({queue.open_hours_source}):")
    for weekday, periods in enumerate(queue.open_hours.days):
        text = ", ".join(str(period) for period in periods) or "closed"
        out.append(f"    {WEEKDAY_NAMES[weekday]}  {text}")
    if queue.waits is not None:
        waits = queue.waits
        parts = []
        if waits.mean_wait_handled_s is not None:
            parts.append(f"handled contacts waited {waits.mean_wait_handled_s:.0f} s on average")
        if waits.mean_wait_abandoned_s is not None:
            parts.append(f"abandoned contacts hung up after {waits.mean_wait_abandoned_s:.0f} s")
        if parts:
            out.append("  waiting: " + "; ".join(parts))
    out.append("  by hour of day   share   mean per open day")
    for hour in queue.by_hour:
        if hour.days == 0 and not hour.share:
            continue
        share = f"{hour.share:6.1%}" if hour.share is not None else "     -"
        mean = f"{hour.mean_per_day:10.1f}" if hour.mean_per_day is not None else "         -"
        out.append(f"    {hour.hour:02d}:00-{hour.hour + 1:02d}:00  {share}  {mean}")
    out.append("  by day of week   mean per observed day   days")
    for volume in queue.by_weekday:
        mean = f"{volume.mean_per_day:10.1f}" if volume.mean_per_day is not None else "         -"
        out.append(f"    {volume.weekday}             {mean}          {volume.days:3d}")
    return out
