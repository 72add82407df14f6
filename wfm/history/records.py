"""Importing per-contact records (one row per call or chat) into interval counts."""

from __future__ import annotations

import logging
from pathlib import Path

import numpy as np
import pandas as pd

from wfm.domain.opening_hours import WEEKDAY_NAMES, OpeningHours
from wfm.errors import InputError, Problem
from wfm.history._grid import hours_from_slots, open_table, slot_index, tidy_frame, whole_day_grid
from wfm.history._table import (
    format_hint,
    mapped_columns,
    parse_numbers,
    parse_times,
    read_source,
    require_columns,
)
from wfm.history.mapping import ABANDONED, HANDLED, RecordsMapping
from wfm.history.series import (
    CLOSED,
    EXAMPLE_LINES,
    INTERVAL_CHOICES,
    MINUTES_PER_DAY,
    MISSING,
    OBSERVED,
    ContactHistory,
    HoursSource,
    ImportReport,
    RejectedRows,
    WaitFigures,
)

logger = logging.getLogger(__name__)


def import_contact_records(
    source: str | Path | pd.DataFrame,
    *,
    mapping: RecordsMapping | None = None,
    interval_minutes: int = 60,
    opening_hours: OpeningHours | None = None,
) -> ContactHistory:
    """Count per-contact records into intervals by arrival time.

    Every source row is either imported or rejected with a reason (see
    :attr:`ImportReport.rejected`); nothing is dropped silently.

    Parameters
    ----------
    source
        A CSV or Parquet file (by extension) or a DataFrame, one row per contact.
    mapping
        Which columns hold what; by default ``arrival``, ``queue`` and ``handling_s``.
    interval_minutes
        15, 30 or 60.
    opening_hours
        When given, intervals with no open minute are closed (contacts arriving there are still
        counted, as observed, and noted) and open intervals on a day without any record are gaps.
        When absent, a weekday time slot in which no contact ever arrived is closed.

    Returns
    -------
    ContactHistory
        ``contacts`` counts handled + abandoned contacts, ``abandoned`` the abandoned ones (unknown
        without an outcome column), ``aht_s`` the mean handling time of handled contacts with a
        handling time above 0 s.

    Raises
    ------
    InputError
        When mapped columns are missing, the interval is refused, or no row could be imported.
    """
    mapping = mapping if mapping is not None else RecordsMapping()
    if interval_minutes not in INTERVAL_CHOICES:
        raise InputError(
            "interval length refused",
            [
                Problem(
                    f"{interval_minutes} is not one of {', '.join(map(str, INTERVAL_CHOICES))} minutes",
                    field="interval_minutes",
                )
            ],
        )
    table = read_source(source, separator=mapping.separator, kind="contact records")
    require_columns(table, mapped_columns(mapping))
    lines = table.lines
    count = len(lines)
    reason = np.full(count, "", dtype=object)

    def reject(mask: np.ndarray, why: str | np.ndarray) -> None:
        fresh = mask & (reason == "")
        reason[fresh] = why if isinstance(why, str) else why[fresh]

    if mapping.outcome is not None:
        outcome_text = table.column(mapping.outcome).to_numpy(dtype=object)
        outcome = np.array([mapping.outcome_of(value) for value in outcome_text], dtype=object)
        excluded_reason = np.array(
            [mapping.excluded_values.get(value, "") for value in outcome_text], dtype=object
        )
        reject(outcome == "excluded", excluded_reason)
        reject(outcome_text == "", f"outcome missing ({mapping.outcome})")
        unknown = np.array([f"unknown outcome value '{value}'" for value in outcome_text], dtype=object)
        reject(pd.isna(outcome), unknown)
    else:
        outcome = np.full(count, HANDLED, dtype=object)

    times = parse_times(table, mapping)
    hint = format_hint(mapping)
    time_reason = np.array(
        [f"unreadable arrival time in column '{column}'{hint}" for column in times.bad_column],
        dtype=object,
    )
    reject(times.bad, time_reason)
    if mapping.queue is not None:
        queue = table.column(mapping.queue).to_numpy(dtype=object)
        reject(queue == "", f"queue missing ({mapping.queue})")
    else:
        assert mapping.fixed_queue is not None
        queue = np.full(count, mapping.fixed_queue, dtype=object)

    handled = outcome == HANDLED
    handling = pd.to_numeric(table.column(mapping.handling_s), errors="coerce").to_numpy(dtype=float)
    reject(handled & (handling < 0), f"negative handling time ({mapping.handling_s})")
    reject(
        handled & ~np.isfinite(handling),
        f"handling time missing or not a number ({mapping.handling_s})",
    )

    kept = reason == ""
    notes: list[str] = []
    wait = np.full(count, np.nan)
    if mapping.wait_s is not None:
        parsed_wait = parse_numbers(table.column(mapping.wait_s), what="seconds", whole=False)
        wait = parsed_wait.values
        bad_wait = int((kept & (parsed_wait.error != "")).sum())
        if bad_wait:
            notes.append(
                f"{bad_wait} imported rows had an unreadable or negative wait ({mapping.wait_s}); "
                "their wait is left out of the wait figures"
            )
    rejected = _rejections(reason, lines)
    if not kept.any():
        raise InputError(
            f"{table.name}: no row could be imported ({count} rows read)",
            [
                Problem(f"{r.reason}: {r.count} rows", row=r.example_lines[0] if r.example_lines else None)
                for r in rejected
            ],
        )

    contacts = pd.DataFrame(
        {
            "queue": queue[kept],
            "arrival": times.values.to_numpy(dtype="datetime64[ns]")[kept],
            "handled": handled[kept],
            "abandoned": (outcome == ABANDONED)[kept],
            "handling_s": handling[kept],
            "wait_s": wait[kept],
        }
    )
    zero_handling = int((contacts["handled"] & (contacts["handling_s"] == 0)).sum())
    if zero_handling:
        notes.append(
            f"{zero_handling} handled contacts had a handling time of 0 s; they are counted as "
            "contacts but left out of AHT"
        )
    frame, hours, hours_source, grid_notes = _count_into_grid(
        contacts, interval_minutes, opening_hours, has_outcome=mapping.outcome is not None
    )
    notes.extend(grid_notes)
    report = ImportReport(
        source=table.name,
        kind="records",
        rows_read=count,
        rows_imported=int(kept.sum()),
        rejected=rejected,
        opening_hours=hours,
        opening_hours_source=hours_source,
        handled_without_handling_time=zero_handling,
        waits=_wait_figures(contacts) if mapping.wait_s is not None else {},
        notes=tuple(notes),
    )
    logger.info("imported %d of %d contact records from %s", report.rows_imported, count, table.name)
    return ContactHistory(frame=frame, interval_minutes=interval_minutes, report=report)


def _rejections(reason: np.ndarray, lines: np.ndarray) -> tuple[RejectedRows, ...]:
    out: list[RejectedRows] = []
    rejected = reason != ""
    if not rejected.any():
        return ()
    frame = pd.DataFrame({"reason": reason[rejected], "line": lines[rejected]})
    for why, group in frame.groupby("reason", sort=False):
        out.append(
            RejectedRows(
                reason=str(why),
                count=len(group),
                example_lines=tuple(int(line) for line in group["line"].head(EXAMPLE_LINES)),
            )
        )
    return tuple(sorted(out, key=lambda r: (-r.count, r.reason)))


def _count_into_grid(
    contacts: pd.DataFrame,
    minutes: int,
    opening_hours: OpeningHours | None,
    *,
    has_outcome: bool,
) -> tuple[pd.DataFrame, dict[str, OpeningHours], HoursSource, list[str]]:
    notes: list[str] = []
    step = pd.Timedelta(minutes=minutes)
    contacts = contacts.assign(interval_start=contacts["arrival"].dt.floor(step))
    aht_rows = contacts["handled"] & (contacts["handling_s"] > 0)
    counted = (
        contacts.assign(
            aht_sum=np.where(aht_rows, contacts["handling_s"], 0.0), aht_n=aht_rows.astype(np.int64)
        )
        .groupby(["queue", "interval_start"], sort=True)
        .agg(
            contacts=("arrival", "size"),
            abandoned=("abandoned", "sum"),
            aht_sum=("aht_sum", "sum"),
            aht_n=("aht_n", "sum"),
        )
        .reset_index()
    )
    day = contacts["arrival"].dt.normalize()
    spans = {
        str(queue): (pd.Timestamp(group.min()), pd.Timestamp(group.max()))
        for queue, group in day.groupby(contacts["queue"])
    }
    work = whole_day_grid(spans, minutes).merge(counted, on=["queue", "interval_start"], how="left")
    starts = work["interval_start"]
    slots = slot_index(starts, minutes)
    per_week = 7 * MINUTES_PER_DAY // minutes
    n = work["contacts"].fillna(0).to_numpy(dtype=float)
    record_days = pd.DatetimeIndex(day.unique())
    work_day = starts.dt.normalize()
    day_has_records = work_day.isin(record_days).to_numpy()
    weekday = starts.dt.day_of_week.to_numpy()

    hours_source: HoursSource
    if opening_hours is not None:
        hours_source = "given"
        slot_open = open_table(opening_hours, minutes)
        is_open = slot_open[slots]
        open_weekday = np.array([bool(opening_hours.days[d]) for d in range(7)])
        gap_possible = is_open & open_weekday[weekday]
        outside = int(n[~is_open].sum())
        if outside:
            notes.append(
                f"{outside} contacts arrived outside the given opening hours; they are counted "
                "(those intervals are observed)"
            )
        hours_used = opening_hours
    else:
        hours_source = "inferred"
        seen = np.unique(slot_index(contacts["interval_start"], minutes))
        slot_open = np.zeros(per_week, dtype=bool)
        slot_open[seen] = True
        is_open = slot_open[slots]
        usually_open = _usually_open_weekdays(record_days)
        gap_possible = is_open & usually_open[weekday]
        has_slots = [bool(slot_open.reshape(7, -1)[d].any()) for d in range(7)]
        rare = [WEEKDAY_NAMES[d] for d in range(7) if has_slots[d] and not usually_open[d]]
        notes.append(
            "opening hours inferred from arrivals over all queues: a weekday time slot in which no "
            "contact ever arrived is closed; a day without any record on a weekday that usually "
            "has records is a gap (a holiday cannot be told from lost data)"
        )
        if rare:
            notes.append(
                f"records on only some {', '.join(rare)}s: those days without records are taken as closed"
            )
        hours_used = hours_from_slots(slot_open, minutes)

    observed = (n > 0) | (is_open & day_has_records)
    missing = ~observed & ~day_has_records & gap_possible
    status = np.where(observed, OBSERVED, np.where(missing, MISSING, CLOSED))
    aht_n = work["aht_n"].fillna(0).to_numpy(dtype=float)
    aht = np.divide(
        work["aht_sum"].fillna(0).to_numpy(dtype=float),
        aht_n,
        out=np.full(len(work), np.nan),
        where=observed & (aht_n > 0),
    )
    abandoned_count = work["abandoned"].fillna(0).to_numpy(dtype=float)
    frame = tidy_frame(
        queue=work["queue"].to_numpy(dtype=object),
        interval_start=starts.to_numpy(dtype="datetime64[ns]"),
        contacts=np.where(missing, np.nan, n),
        aht_s=aht,
        abandoned=np.where(missing | (not has_outcome), np.nan, abandoned_count),
        status=status,
    )
    gap_days = sorted({f"{d:%Y-%m-%d}" for d in work_day[missing]})
    if gap_days:
        notes.append(f"days without any record, reported as gaps: {', '.join(gap_days)}")
    return frame, dict.fromkeys(spans, hours_used), hours_source, notes


def _usually_open_weekdays(record_days: pd.DatetimeIndex) -> np.ndarray:
    """Bool per weekday: records on at least half of that weekday's dates in the span."""
    span = pd.date_range(record_days.min(), record_days.max(), freq="D")
    total = np.bincount(span.day_of_week, minlength=7)
    with_records = np.bincount(record_days.day_of_week, minlength=7)
    return np.asarray((with_records > 0) & (2 * with_records >= total), dtype=bool)


def _wait_figures(contacts: pd.DataFrame) -> dict[str, WaitFigures]:
    figures: dict[str, WaitFigures] = {}
    for queue, group in contacts.groupby("queue", sort=True):
        known = group["wait_s"].notna()
        handled = group.loc[known & group["handled"], "wait_s"]
        abandoned = group.loc[known & group["abandoned"], "wait_s"]
        figures[str(queue)] = WaitFigures(
            mean_wait_handled_s=float(handled.mean()) if len(handled) else None,
            mean_wait_abandoned_s=float(abandoned.mean()) if len(abandoned) else None,
            contacts_with_wait=int(known.sum()),
        )
    return figures
