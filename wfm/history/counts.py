"""Importing interval counts: one row per queue per interval (contacts, optional AHT and abandoned)."""

from __future__ import annotations

import logging
from collections import Counter
from pathlib import Path

import numpy as np
import pandas as pd

from wfm.domain.opening_hours import WEEKDAY_NAMES, OpeningHours
from wfm.errors import InputError, Problem
from wfm.history._grid import (
    NS_PER_MINUTE,
    aggregate,
    hours_from_slots,
    open_table,
    slot_index,
    whole_day_grid,
)
from wfm.history._table import (
    SourceTable,
    format_hint,
    mapped_columns,
    number_problems,
    parse_numbers,
    parse_times,
    read_source,
    require_columns,
    time_problem,
)
from wfm.history.mapping import CountsMapping
from wfm.history.series import (
    CLOSED,
    INTERVAL_CHOICES,
    MINUTES_PER_DAY,
    MISSING,
    OBSERVED,
    SOURCE_INTERVAL_CHOICES,
    ContactHistory,
    HoursSource,
    ImportReport,
)

logger = logging.getLogger(__name__)

_MAX_LISTED = 200


def import_interval_counts(
    source: str | Path | pd.DataFrame,
    *,
    mapping: CountsMapping | None = None,
    interval_minutes: int | None = None,
    opening_hours: OpeningHours | None = None,
) -> ContactHistory:
    """Import interval counts from a CSV or Parquet file (by extension) or a DataFrame.

    Parameters
    ----------
    source
        The file, or a DataFrame with the mapped columns.
    mapping
        Which columns hold what; by default ``interval_start``, ``queue`` and ``contacts``.
    interval_minutes
        The interval of the result: 15, 30 or 60, a multiple of the source's interval. By default
        the source's own interval (15 when the source is at 5 minutes).
    opening_hours
        When given, intervals with no open minute are closed and open intervals without data are
        gaps; a nonzero count in a closed interval is an error. When absent, opening hours are
        inferred per queue: a weekday time slot that never has a nonzero count is closed.

    Returns
    -------
    ContactHistory
        The tidy series (see :mod:`wfm.history`).

    Raises
    ------
    InputError
        Listing every problem found, each with its line and column.
    """
    mapping = mapping if mapping is not None else CountsMapping()
    if interval_minutes is not None and interval_minutes not in INTERVAL_CHOICES:
        raise InputError(
            "interval length refused",
            [
                Problem(
                    f"{interval_minutes} is not one of {', '.join(map(str, INTERVAL_CHOICES))} minutes",
                    field="interval_minutes",
                )
            ],
        )
    table = read_source(source, separator=mapping.separator, kind="interval counts")
    require_columns(table, mapped_columns(mapping))
    if table.text.empty:
        raise InputError(f"{table.name}: no data rows")
    rows = _parse_rows(table, mapping)
    time_column = mapping.timestamp or mapping.time or "timestamp"
    source_minutes = _source_interval(rows, mapping, time_column)
    _check_alignment(rows, source_minutes, time_column, table.name)
    target = _target_interval(interval_minutes, source_minutes)
    notes: list[str] = []
    if interval_minutes is None and target != source_minutes:
        notes.append(f"source at {source_minutes}-minute intervals, combined to {target} minutes")
    work, hours, hours_source = _classify(rows, source_minutes, opening_hours, mapping, table.name)
    blank_counts = int(np.isnan(rows["contacts"].to_numpy()).sum())
    if blank_counts:
        notes.append(f"{blank_counts} rows had an empty count and are kept as gaps (missing)")
    if hours_source == "inferred":
        notes.append(
            "opening hours inferred per queue: a weekday time slot that never had a contact (only "
            "zero counts or no row) is taken as closed, an open slot without a count as a gap"
        )
    frame = aggregate(
        work,
        target,
        has_abandoned=mapping.abandoned is not None,
        has_aht=mapping.aht_s is not None,
    )
    report = ImportReport(
        source=table.name,
        kind="counts",
        rows_read=len(table.text),
        rows_imported=len(table.text),
        source_interval_minutes=source_minutes,
        opening_hours=hours,
        opening_hours_source=hours_source,
        notes=tuple(notes),
    )
    logger.info("imported %d interval rows from %s", len(table.text), table.name)
    return ContactHistory(frame=frame, interval_minutes=target, report=report)


def _parse_rows(table: SourceTable, mapping: CountsMapping) -> pd.DataFrame:
    """Parse every row; raise one InputError with every bad value and duplicate interval."""
    problems: list[Problem] = []
    lines = table.lines
    times = parse_times(table, mapping)
    hint = format_hint(mapping)
    problems.extend(time_problem(times, int(p), lines, hint) for p in np.flatnonzero(times.bad))
    if mapping.queue is not None:
        queue = table.column(mapping.queue).to_numpy(dtype=object)
        for position in np.flatnonzero(queue == ""):
            problems.append(Problem("queue name is empty", row=int(lines[position]), column=mapping.queue))
    else:
        assert mapping.fixed_queue is not None
        queue = np.full(len(lines), mapping.fixed_queue, dtype=object)
    contacts = parse_numbers(table.column(mapping.contacts), what="contacts", whole=True)
    problems.extend(number_problems(contacts, lines, mapping.contacts))
    nothing = np.full(len(lines), np.nan)
    aht = nothing
    if mapping.aht_s is not None:
        parsed_aht = parse_numbers(table.column(mapping.aht_s), what="seconds", whole=False)
        problems.extend(number_problems(parsed_aht, lines, mapping.aht_s))
        aht = parsed_aht.values
    abandoned = nothing
    if mapping.abandoned is not None:
        parsed_abandoned = parse_numbers(
            table.column(mapping.abandoned), what="abandoned contacts", whole=True
        )
        problems.extend(number_problems(parsed_abandoned, lines, mapping.abandoned))
        abandoned = parsed_abandoned.values
        too_many = abandoned > contacts.values
        for position in np.flatnonzero(too_many):
            problems.append(
                Problem(
                    f"{abandoned[position]:.0f} abandoned is more than the "
                    f"{contacts.values[position]:.0f} contacts on this line",
                    row=int(lines[position]),
                    column=mapping.abandoned,
                )
            )
    rows = pd.DataFrame(
        {
            "line": lines,
            "queue": queue,
            "interval_start": times.values.to_numpy(dtype="datetime64[ns]"),
            "contacts": contacts.values,
            "aht_s": aht,
            "abandoned": abandoned,
        }
    )
    readable = rows[~times.bad & (queue != "")]
    duplicated = readable[readable.duplicated(["queue", "interval_start"], keep=False)]
    time_column = mapping.timestamp or mapping.time or "timestamp"
    for (name, start), group in duplicated.groupby(["queue", "interval_start"], sort=False):
        found = [int(line) for line in group["line"]]
        for line in found[1:]:
            problems.append(
                Problem(
                    f"duplicate interval {pd.Timestamp(start):%Y-%m-%d %H:%M} for queue '{name}': "
                    f"lines {_join_lines(found)}",
                    row=line,
                    column=time_column,
                )
            )
    if problems:
        problems.sort(key=lambda p: (p.row or 0, p.column or ""))
        raise InputError(f"{table.name}: {len(problems)} problem(s) in the interval counts", problems)
    return rows


def _join_lines(lines: list[int]) -> str:
    return ", ".join(str(line) for line in lines[:-1]) + f" and {lines[-1]}"


def _source_interval(rows: pd.DataFrame, mapping: CountsMapping, time_column: str) -> int:
    """The source's interval length: stated in the mapping, or the days' common step.

    Each queue-day's step is the most common gap between its consecutive timestamps. A day is
    consistent when that step (or the greatest common divisor of its gaps, for a day with intervals
    left out) equals the source's step; any other day means mixed interval lengths.
    """
    ordered = rows.sort_values(["queue", "interval_start"], kind="stable")
    day = ordered["interval_start"].dt.normalize().to_numpy()
    queue = ordered["queue"].to_numpy()
    gap = ordered["interval_start"].diff().dt.total_seconds().to_numpy() / 60.0
    new_day = np.r_[True, (queue[1:] != queue[:-1]) | (day[1:] != day[:-1])]
    gap[new_day] = np.nan
    steps = pd.DataFrame({"queue": queue, "day": day, "gap": gap, "line": ordered["line"].to_numpy()})
    per_day: list[tuple[str, pd.Timestamp, int, int, int]] = []  # queue, day, mode, gcd, first line
    for (name, when), group in steps.groupby(["queue", "day"], sort=True):
        known = group["gap"].dropna().to_numpy()
        if len(known) == 0:
            continue
        gaps = np.rint(known).astype(np.int64)
        values, counts = np.unique(gaps, return_counts=True)
        mode = int(values[np.flatnonzero(counts == counts.max())[0]])
        divisor = int(np.gcd.reduce(gaps))
        first_line = int(group["line"].iloc[0])
        per_day.append((str(name), pd.Timestamp(str(when)), mode, divisor, first_line))

    stated = mapping.source_interval_minutes
    if stated is None:
        if not per_day:
            raise InputError(
                "cannot tell the interval length: no queue has two intervals on the same day",
                [Problem("state source_interval_minutes in the mapping", field="source_interval_minutes")],
            )
        tally = Counter(mode for _, _, mode, _, _ in per_day)
        most = max(tally.values())
        step = min(mode for mode, days in tally.items() if days == most)
    else:
        step = stated
    odd = [entry for entry in per_day if entry[2] != step and entry[3] != step]
    if odd:
        counted = Counter(entry[2] for entry in per_day)
        spread = ", ".join(f"{counted[m]} day(s) at {m} minutes" for m in sorted(counted))
        source_of_step = "the mapping states" if stated is not None else "most days are at"
        problems = [
            Problem(
                f"queue '{queue}' on {when:%Y-%m-%d} is at {mode}-minute steps but {source_of_step} "
                f"{step}-minute intervals",
                row=line,
                column=time_column,
            )
            for queue, when, mode, _, line in odd[:_MAX_LISTED]
        ]
        raise InputError(f"mixed interval lengths: {spread}", problems)
    if step not in SOURCE_INTERVAL_CHOICES:
        example = next(entry for entry in per_day if entry[2] == step)
        raise InputError(
            f"unknown interval length: timestamps are {step} minutes apart",
            [
                Problem(
                    f"intervals of {step} minutes (queue '{example[0]}' on {example[1]:%Y-%m-%d}); "
                    f"expected {', '.join(map(str, SOURCE_INTERVAL_CHOICES))} minutes",
                    row=example[4],
                    column=time_column,
                )
            ],
        )
    return step


def _check_alignment(rows: pd.DataFrame, step: int, time_column: str, name: str) -> None:
    starts = rows["interval_start"]
    ns_of_day = (starts - starts.dt.normalize()).to_numpy().astype(np.int64)
    off = ns_of_day % (step * NS_PER_MINUTE) != 0
    if off.any():
        problems = [
            Problem(
                f"{starts.iloc[p]:%Y-%m-%d %H:%M:%S} is not on the {step}-minute grid "
                f"(intervals start at :00{''.join(f', :{m:02d}' for m in range(step, 60, step))})",
                row=int(rows["line"].iloc[p]),
                column=time_column,
            )
            for p in np.flatnonzero(off)
        ]
        raise InputError(f"{name}: {len(problems)} timestamp(s) not aligned to the interval", problems)


def _target_interval(requested: int | None, source_minutes: int) -> int:
    if requested is None:
        return source_minutes if source_minutes in INTERVAL_CHOICES else min(INTERVAL_CHOICES)
    if requested < source_minutes:
        raise InputError(
            "interval length refused",
            [
                Problem(
                    f"{requested}-minute intervals are finer than the source's {source_minutes}-minute "
                    "intervals; intervals can be combined, not split",
                    field="interval_minutes",
                )
            ],
        )
    if requested % source_minutes:
        raise InputError(
            "interval length refused",
            [
                Problem(
                    f"{requested} minutes is not a multiple of the source's {source_minutes}-minute "
                    "intervals",
                    field="interval_minutes",
                )
            ],
        )
    return requested


def _classify(
    rows: pd.DataFrame,
    step: int,
    opening_hours: OpeningHours | None,
    mapping: CountsMapping,
    name: str,
) -> tuple[pd.DataFrame, dict[str, OpeningHours], HoursSource]:
    """Lay the rows on the whole-day grid and mark each source interval observed, closed or missing."""
    day = rows["interval_start"].dt.normalize()
    spans = {
        str(queue): (pd.Timestamp(group.min()), pd.Timestamp(group.max()))
        for queue, group in day.groupby(rows["queue"])
    }
    grid = whole_day_grid(spans, step)
    work = grid.merge(
        rows[["queue", "interval_start", "line", "contacts", "aht_s", "abandoned"]],
        on=["queue", "interval_start"],
        how="left",
    )
    slots = slot_index(work["interval_start"], step)
    per_week = 7 * MINUTES_PER_DAY // step
    has_row = work["line"].notna().to_numpy()
    contacts = work["contacts"].to_numpy(dtype=float)
    queue = work["queue"].to_numpy(dtype=object)
    hours: dict[str, OpeningHours]
    if opening_hours is not None:
        hours_source: HoursSource = "given"
        is_open = open_table(opening_hours, step)[slots]
        hours = dict.fromkeys(spans, opening_hours)
        outside = has_row & ~is_open & (np.nan_to_num(contacts) > 0)
        if outside.any():
            problems = [
                Problem(
                    f"{contacts[p]:.0f} contacts reported at {_when(work['interval_start'].iloc[p])}, "
                    f"outside the opening hours ({opening_hours})",
                    row=int(work["line"].iloc[p]),
                    column=mapping.contacts,
                )
                for p in np.flatnonzero(outside)
            ]
            raise InputError(f"{name}: contacts reported while closed", problems)
    else:
        hours_source = "inferred"
        codes, names = pd.factorize(pd.Series(queue))
        key = codes.astype(np.int64) * per_week + slots
        # A slot is open if it ever had a contact, or a row whose count is unknown (blank).
        open_keys = np.unique(key[has_row & ~(np.nan_to_num(contacts, nan=1.0) == 0)])
        is_open = np.isin(key, open_keys)
        hours = {}
        for code, queue_name in enumerate(names):
            table = np.zeros(per_week, dtype=bool)
            mine = open_keys[(open_keys // per_week) == code] % per_week
            table[mine] = True
            hours[str(queue_name)] = hours_from_slots(table, step)
    observed = is_open & has_row & ~np.isnan(contacts)
    status = np.where(~is_open, CLOSED, np.where(observed, OBSERVED, MISSING))
    has_abandoned = mapping.abandoned is not None
    work["status"] = status
    work["contacts"] = np.where(observed, contacts, np.where(~is_open, 0.0, np.nan))
    work["aht_s"] = np.where(observed, work["aht_s"].to_numpy(dtype=float), np.nan)
    work["abandoned"] = np.where(
        observed,
        work["abandoned"].to_numpy(dtype=float),
        np.where(~is_open & has_abandoned, 0.0, np.nan),
    )
    return work, hours, hours_source


def _when(start: pd.Timestamp) -> str:
    return f"{WEEKDAY_NAMES[start.weekday()]} {start:%Y-%m-%d %H:%M}"
