"""Shift templates: the building blocks of a roster (early 08:30-17:30, late 15:00-24:00, ...)."""

from __future__ import annotations

from typing import Any

from pydantic import Field, model_validator

from wfm.domain._base import DomainModel
from wfm.domain.clock import MINUTES_PER_DAY, format_clock, parse_clock

ShiftCode = str


class BreakWindow(DomainModel):
    """Where an unpaid meal break may start, in minutes after midnight of the shift's day."""

    earliest_start: int = Field(ge=0, le=2 * MINUTES_PER_DAY)
    latest_start: int = Field(ge=0, le=2 * MINUTES_PER_DAY)

    @model_validator(mode="after")
    def _ordered(self) -> BreakWindow:
        if self.latest_start < self.earliest_start:
            raise ValueError(
                f"latest_start: {format_clock(self.latest_start)} is before earliest_start "
                f"{format_clock(self.earliest_start)}"
            )
        return self


class ShiftTemplate(DomainModel):
    """A shift pattern, e.g. ``early`` 08:30-17:30 with a 60-minute unpaid break.

    ``start`` and ``end`` are minutes after midnight of the day the shift starts. ``end`` may be 1440
    (24:00) or later (past midnight, up to 24 hours long). Build one from clock text with
    :meth:`from_clock`.
    """

    code: ShiftCode = Field(pattern=r"^[A-Za-z][A-Za-z0-9_]{0,19}$")
    name: str = Field(min_length=1, max_length=60)
    start: int = Field(ge=0, lt=MINUTES_PER_DAY)
    end: int = Field(gt=0, le=2 * MINUTES_PER_DAY)
    unpaid_break_minutes: int = Field(default=0, ge=0, le=180)
    break_window: BreakWindow | None = None
    part_time: bool = False

    @model_validator(mode="after")
    def _consistent(self) -> ShiftTemplate:
        if self.end <= self.start:
            raise ValueError(
                f"end: {format_clock(self.end)} is not after start {format_clock(self.start)}; "
                "write a shift past midnight with from_clock('22:00', '06:00')"
            )
        if self.end - self.start > MINUTES_PER_DAY:
            raise ValueError("end: a shift cannot last more than 24 hours")
        if self.unpaid_break_minutes >= self.duration_minutes:
            raise ValueError(
                f"unpaid_break_minutes: {self.unpaid_break_minutes} min is not shorter than the "
                f"{self.duration_minutes}-minute shift"
            )
        window = self.break_window
        if window is not None:
            if self.unpaid_break_minutes == 0:
                raise ValueError("break_window: set only for a shift with an unpaid break")
            if window.earliest_start < self.start or (
                window.latest_start + self.unpaid_break_minutes > self.end
            ):
                raise ValueError(
                    f"break_window: the break must lie inside the shift "
                    f"{format_clock(self.start)}-{format_clock(self.end)}"
                )
        return self

    @classmethod
    def from_clock(
        cls, code: str, start: str, end: str, *, name: str | None = None, **fields: Any
    ) -> ShiftTemplate:
        """``from_clock("late", "15:00", "24:00")``; an end before the start is the next day."""
        start_minute = parse_clock(start, field="start")
        end_minute = parse_clock(end, field="end")
        if end_minute == start_minute:
            raise ValueError(
                f"end: {end} is the same time as the start; write a 24-hour shift as 00:00-24:00"
            )
        if end_minute < start_minute:
            end_minute += MINUTES_PER_DAY
        return cls(code=code, name=name or code, start=start_minute, end=end_minute, **fields)

    @property
    def duration_minutes(self) -> int:
        """From start to end, break included."""
        return self.end - self.start

    @property
    def paid_minutes(self) -> int:
        """Duration less the unpaid break."""
        return self.duration_minutes - self.unpaid_break_minutes

    @property
    def crosses_midnight(self) -> bool:
        return self.end > MINUTES_PER_DAY

    def __str__(self) -> str:
        return f"{self.code} {format_clock(self.start)}-{format_clock(self.end)}"
