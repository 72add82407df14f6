"""The tidy contact-history series: :class:`ContactHistory`, its :class:`ImportReport`, and the checks
that hold every series to the contract described in :mod:`wfm.history`.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Literal

import numpy as np
import pandas as pd

from wfm.domain.opening_hours import OpeningHours
from wfm.errors import InputError, Problem

OBSERVED = "observed"
CLOSED = "closed"
MISSING = "missing"
STATUSES = (OBSERVED, CLOSED, MISSING)

FRAME_COLUMNS = ("queue", "interval_start", "contacts", "aht_s", "abandoned", "status")
INTERVAL_CHOICES = (15, 30, 60)
SOURCE_INTERVAL_CHOICES = (5, 15, 30, 60)

MINUTES_PER_DAY = 24 * 60
EXAMPLE_LINES = 5

ImportKind = Literal["counts", "records", "tidy"]
HoursSource = Literal["given", "inferred", "none"]


@dataclass(frozen=True)
class RejectedRows:
    """Source rows left out for one reason, with up to five example line numbers."""

    reason: str
    count: int
    example_lines: tuple[int, ...] = ()

    def to_dict(self) -> dict[str, Any]:
        return {"reason": self.reason, "count": self.count, "example_lines": list(self.example_lines)}


@dataclass(frozen=True)
class WaitFigures:
    """Waiting-time figures for one queue, from per-contact records that carry a wait column.

    ``mean_wait_handled_s`` is the mean wait of contacts that reached an agent;
    ``mean_wait_abandoned_s`` the mean time abandoned contacts waited before hanging up (a lower
    bound on their patience). ``None`` when no contact of that kind had a readable wait.
    """

    mean_wait_handled_s: float | None
    mean_wait_abandoned_s: float | None
    contacts_with_wait: int

    def to_dict(self) -> dict[str, Any]:
        return {
            "mean_wait_handled_s": self.mean_wait_handled_s,
            "mean_wait_abandoned_s": self.mean_wait_abandoned_s,
            "contacts_with_wait": self.contacts_with_wait,
        }


@dataclass(frozen=True)
class ImportReport:
    """What an import read, kept and left out, and how it decided closed hours.

    ``rows_read == rows_imported + rows_rejected`` always holds. ``opening_hours`` maps each queue
    to the hours used to tell closed intervals from gaps: as given by the caller
    (``opening_hours_source == "given"``) or inferred from the data (``"inferred"``), at the
    source's own resolution.
    """

    source: str
    kind: ImportKind
    rows_read: int
    rows_imported: int
    rejected: tuple[RejectedRows, ...] = ()
    source_interval_minutes: int | None = None
    opening_hours: dict[str, OpeningHours] = field(default_factory=dict)
    opening_hours_source: HoursSource = "none"
    handled_without_handling_time: int = 0
    waits: dict[str, WaitFigures] = field(default_factory=dict)
    notes: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        if self.rows_read != self.rows_imported + self.rows_rejected:
            raise ValueError(
                f"import report does not balance: {self.rows_read} rows read, "
                f"{self.rows_imported} imported, {self.rows_rejected} rejected"
            )

    @property
    def rows_rejected(self) -> int:
        """How many source rows were left out, over all reasons."""
        return sum(rejection.count for rejection in self.rejected)

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready form."""
        return {
            "source": self.source,
            "kind": self.kind,
            "rows_read": self.rows_read,
            "rows_imported": self.rows_imported,
            "rows_rejected": self.rows_rejected,
            "rejected": [rejection.to_dict() for rejection in self.rejected],
            "source_interval_minutes": self.source_interval_minutes,
            "opening_hours": {queue: str(hours) for queue, hours in self.opening_hours.items()},
            "opening_hours_source": self.opening_hours_source,
            "handled_without_handling_time": self.handled_without_handling_time,
            "waits": {queue: figures.to_dict() for queue, figures in self.waits.items()},
            "notes": list(self.notes),
        }


@dataclass(frozen=True, eq=False)
class ContactHistory:
    """A tidy contact-history series (see :mod:`wfm.history` for the contract).

    Construction checks the frame against the contract and raises :class:`~wfm.errors.InputError`
    if it does not hold, so every ``ContactHistory`` a later stage receives is well formed. Two
    histories are compared by identity; compare their frames to compare contents.
    """

    frame: pd.DataFrame
    interval_minutes: int
    report: ImportReport

    def __post_init__(self) -> None:
        problems = contract_problems(self.frame, self.interval_minutes)
        if problems:
            raise InputError("the contact history does not meet the tidy-series contract", problems)

    @property
    def queues(self) -> tuple[str, ...]:
        """The queues in the series, in frame order."""
        return tuple(str(queue) for queue in pd.unique(self.frame["queue"]))


def _line(lines: np.ndarray | None, position: int) -> int:
    return int(lines[position]) if lines is not None else position + 2


def contract_problems(
    frame: pd.DataFrame, interval_minutes: int, lines: np.ndarray | None = None
) -> list[Problem]:
    """Every way ``frame`` breaks the tidy-series contract (empty when it holds).

    ``lines`` gives the source line of each frame row for the messages; by default a row's line is
    its position + 2 (as if the frame were written as CSV under a header line).
    """
    problems: list[Problem] = []
    if interval_minutes not in INTERVAL_CHOICES:
        problems.append(
            Problem(
                f"interval length {interval_minutes} minutes is not one of "
                f"{', '.join(str(m) for m in INTERVAL_CHOICES)}",
                field="interval_minutes",
            )
        )
    missing = [name for name in FRAME_COLUMNS if name not in frame.columns]
    if missing:
        for name in missing:
            problems.append(
                Problem(
                    f"expected column '{name}' not found; columns found: "
                    f"{', '.join(map(str, frame.columns)) or '(none)'}",
                    row=1,
                    column=name,
                )
            )
        return problems
    dtype_problems = _dtype_problems(frame)
    if dtype_problems:
        return problems + dtype_problems
    if problems:
        return problems
    problems.extend(_value_problems(frame, lines))
    problems.extend(_grid_problems(frame, interval_minutes, lines))
    return problems


def _dtype_problems(frame: pd.DataFrame) -> list[Problem]:
    expected = {
        "queue": (pd.api.types.is_string_dtype(frame["queue"]), "text"),
        "interval_start": (frame["interval_start"].dtype == np.dtype("datetime64[ns]"), "datetime64[ns]"),
        "contacts": (frame["contacts"].dtype == pd.Int64Dtype(), "Int64"),
        "aht_s": (frame["aht_s"].dtype == np.dtype("float64"), "float64"),
        "abandoned": (frame["abandoned"].dtype == pd.Int64Dtype(), "Int64"),
        "status": (pd.api.types.is_string_dtype(frame["status"]), "text"),
    }
    return [
        Problem(f"has type {frame[name].dtype}, expected {wanted}", column=name)
        for name, (ok, wanted) in expected.items()
        if not ok
    ]


def _value_problems(frame: pd.DataFrame, lines: np.ndarray | None) -> list[Problem]:
    problems: list[Problem] = []
    status = frame["status"].to_numpy(dtype=object)
    contacts = frame["contacts"]
    abandoned = frame["abandoned"]
    aht = frame["aht_s"].to_numpy(dtype=float)
    contacts_known = contacts.notna().to_numpy()
    abandoned_known = abandoned.notna().to_numpy()
    contacts_value = contacts.fillna(0).to_numpy(dtype=np.int64)
    abandoned_value = abandoned.fillna(0).to_numpy(dtype=np.int64)
    aht_known = ~np.isnan(aht)
    queue_known = frame["queue"].notna().to_numpy() & (frame["queue"].astype(str).str.len() > 0).to_numpy()
    start_known = frame["interval_start"].notna().to_numpy()

    checks: list[tuple[np.ndarray, str, str]] = [
        (~queue_known, "queue", "queue name is empty"),
        (~start_known, "interval_start", "interval start is empty"),
        (~np.isin(status, STATUSES), "status", f"status is not one of {', '.join(STATUSES)}"),
        ((status == OBSERVED) & ~contacts_known, "contacts", "an observed interval needs a count"),
        (
            (status == CLOSED) & (~contacts_known | (contacts_value != 0)),
            "contacts",
            "a closed interval has 0 contacts",
        ),
        ((status == MISSING) & contacts_known, "contacts", "contacts present for a missing interval"),
        (
            (status == MISSING) & abandoned_known,
            "abandoned",
            "abandoned count present for a missing interval",
        ),
        ((status == MISSING) & aht_known, "aht_s", "AHT present for a missing interval"),
        (contacts_known & (contacts_value < 0), "contacts", "contacts cannot be negative"),
        (abandoned_known & (abandoned_value < 0), "abandoned", "abandoned cannot be negative"),
        (
            abandoned_known & contacts_known & (abandoned_value > contacts_value),
            "abandoned",
            "more abandoned than contacts",
        ),
        (aht_known & (aht < 0), "aht_s", "AHT cannot be negative"),
        (
            aht_known & contacts_known & (contacts_value - abandoned_value <= 0),
            "aht_s",
            "AHT given for an interval with no handled contact",
        ),
    ]
    for mask, column, message in checks:
        for position in np.flatnonzero(mask):
            value = frame[column].iloc[position]
            shown = "" if value is pd.NA or value is None else f" (found {value})"
            problems.append(Problem(message + shown, row=_line(lines, int(position)), column=column))
    return problems


def _grid_problems(frame: pd.DataFrame, interval_minutes: int, lines: np.ndarray | None) -> list[Problem]:
    """Sorted by (queue, interval_start), no duplicates, complete whole-day grid per queue."""
    problems: list[Problem] = []
    if frame.empty:
        return problems
    step = pd.Timedelta(minutes=interval_minutes)
    queue = frame["queue"].astype(str).to_numpy()
    starts = frame["interval_start"]
    if starts.isna().any():
        return problems
    ns = starts.to_numpy().astype(np.int64)
    step_ns = step.value
    day_ns = pd.Timedelta(days=1).value
    # Queue blocks must be contiguous and each queue must appear once, in order.
    block_start = np.flatnonzero(np.r_[True, queue[1:] != queue[:-1]])
    block_queues = queue[block_start]
    if len(set(block_queues)) != len(block_queues) or list(block_queues) != sorted(block_queues):
        first_bad = next(
            i
            for i in range(len(block_queues))
            if block_queues[i] in block_queues[:i] or (i > 0 and block_queues[i] < block_queues[i - 1])
        )
        position = int(block_start[first_bad])
        problems.append(
            Problem(
                f"rows are not sorted by queue: queue '{block_queues[first_bad]}' starts again "
                "or out of order here",
                row=_line(lines, position),
                column="queue",
            )
        )
        return problems
    block_end = np.r_[block_start[1:], len(queue)]
    for first, end in zip(block_start, block_end, strict=True):
        name = queue[first]
        block = ns[first:end]
        if (block[0] - _day_floor(block[0], day_ns)) != 0:
            problems.append(
                Problem(
                    f"queue '{name}' starts at {pd.Timestamp(block[0])}, not at midnight of its "
                    "first day (the grid covers whole days)",
                    row=_line(lines, int(first)),
                    column="interval_start",
                )
            )
        if _day_floor(block[-1], day_ns) + day_ns - step_ns != block[-1]:
            problems.append(
                Problem(
                    f"queue '{name}' ends at {pd.Timestamp(block[-1])}, not at the last interval "
                    "of its last day (the grid covers whole days)",
                    row=_line(lines, int(end - 1)),
                    column="interval_start",
                )
            )
        gaps = np.diff(block)
        for offset in np.flatnonzero(gaps != step_ns)[:20]:
            position = int(first + offset + 1)
            gap = gaps[offset]
            if gap == 0:
                message = (
                    f"duplicate interval {pd.Timestamp(block[offset + 1])} for queue '{name}' "
                    f"(also on line {_line(lines, position - 1)})"
                )
            elif gap < 0:
                message = f"rows for queue '{name}' are not in time order"
            else:
                message = (
                    f"grid broken for queue '{name}': {pd.Timestamp(block[offset + 1])} follows "
                    f"{pd.Timestamp(block[offset])} (intervals are {interval_minutes} minutes; "
                    "every interval must have a row, with status 'missing' for a gap)"
                )
            problems.append(Problem(message, row=_line(lines, position), column="interval_start"))
    return problems


def _day_floor(value: int, day_ns: int) -> int:
    return int(value - value % day_ns)


def empty_frame() -> pd.DataFrame:
    """A frame with the contract's columns and types and no rows."""
    return pd.DataFrame(
        {
            "queue": pd.Series([], dtype=str),
            "interval_start": pd.Series([], dtype="datetime64[ns]"),
            "contacts": pd.Series([], dtype="Int64"),
            "aht_s": pd.Series([], dtype="float64"),
            "abandoned": pd.Series([], dtype="Int64"),
            "status": pd.Series([], dtype=str),
        }
    )
