"""The staffing requirement: agents needed per queue per interval."""

from __future__ import annotations

import math
from dataclasses import dataclass, field

import pandas as pd

from wfm.errors import InputError, Problem

REQUIREMENT_COLUMNS = ("queue", "interval_start", "agents")
ALLOWED_INTERVALS = (15, 30, 60)


@dataclass(frozen=True)
class Requirement:
    """Agents needed on each queue in each interval (a validated, read-only frame).

    Columns: ``queue`` (str), ``interval_start`` (naive local datetime, aligned to
    ``interval_minutes``), ``agents`` (non-negative integer). One row per queue and interval.
    """

    frame: pd.DataFrame = field(repr=False)
    interval_minutes: int

    def __post_init__(self) -> None:
        if self.interval_minutes not in ALLOWED_INTERVALS:
            raise InputError(
                "requirement refused",
                [
                    Problem(
                        f"{self.interval_minutes} is not one of {ALLOWED_INTERVALS}",
                        field="interval_minutes",
                    )
                ],
            )
        frame = self.frame
        missing = [c for c in REQUIREMENT_COLUMNS if c not in frame.columns]
        if missing:
            raise InputError(
                "requirement refused",
                [Problem(f"missing column; found {list(frame.columns)}", column=c) for c in missing],
            )
        problems: list[Problem] = []
        raw_starts = frame["interval_start"]
        starts = (
            raw_starts
            if pd.api.types.is_datetime64_any_dtype(raw_starts)
            else pd.to_datetime(raw_starts, errors="coerce", format="ISO8601")
        )
        agents = pd.to_numeric(frame["agents"], errors="coerce")
        for position in range(len(frame)):
            row = position + 2
            queue = frame["queue"].iloc[position]
            if pd.isna(queue) or not str(queue).strip():
                problems.append(Problem("no queue code", row=row, column="queue"))
            if pd.isna(starts.iloc[position]):
                problems.append(Problem("not a date-time", row=row, column="interval_start"))
            elif (starts.iloc[position] - starts.iloc[position].normalize()).total_seconds() % (
                self.interval_minutes * 60
            ):
                problems.append(
                    Problem(
                        f"not aligned to {self.interval_minutes}-minute intervals",
                        row=row,
                        column="interval_start",
                    )
                )
            value = agents.iloc[position]
            if pd.isna(value) or value < 0 or not math.isfinite(value) or value != int(value):
                problems.append(
                    Problem(
                        f"'{frame['agents'].iloc[position]}' is not a whole number of agents (0 or more)",
                        row=row,
                        column="agents",
                    )
                )
        duplicated = pd.DataFrame({"queue": frame["queue"], "start": starts}).duplicated(keep=False)
        for position in [int(i) for i in duplicated.to_numpy().nonzero()[0]]:
            problems.append(
                Problem(
                    "this queue and interval appear more than once",
                    row=position + 2,
                    column="interval_start",
                )
            )
        if problems:
            raise InputError("requirement refused", problems)
        clean = pd.DataFrame(
            {
                "queue": frame["queue"].astype(str).to_numpy(),
                "interval_start": starts.to_numpy(),
                "agents": agents.astype("int64").to_numpy(),
            }
        ).sort_values(["queue", "interval_start"], ignore_index=True)
        object.__setattr__(self, "frame", clean)

    @property
    def queues(self) -> tuple[str, ...]:
        return tuple(sorted(self.frame["queue"].unique()))

    def to_frame(self) -> pd.DataFrame:
        """A copy of the requirement, safe to change."""
        return self.frame.copy()
