"""When a site (or a queue) takes contacts, per day of the week."""

from __future__ import annotations

from itertools import pairwise
from typing import Any

from pydantic import Field, field_validator, model_validator

from wfm.domain._base import DomainModel
from wfm.domain.clock import MINUTES_PER_DAY, format_clock, parse_clock

WEEKDAY_NAMES = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")
_FULL_NAMES = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")


def _weekday(value: Any) -> int:
    if isinstance(value, int):
        if 0 <= value <= 6:
            return value
        raise ValueError(f"weekday {value} is not between 0 (Monday) and 6 (Sunday)")
    text = str(value).strip().title()
    for index, (short, full) in enumerate(zip(WEEKDAY_NAMES, _FULL_NAMES, strict=True)):
        if text in (short, full):
            return index
    raise ValueError(f"'{value}' is not a day of the week (Mon..Sun)")


class OpeningPeriod(DomainModel):
    """One open period on a day: ``open_minute`` to ``close_minute`` (end exclusive, may be 1440)."""

    open_minute: int = Field(ge=0, lt=MINUTES_PER_DAY)
    close_minute: int = Field(gt=0, le=MINUTES_PER_DAY)

    @model_validator(mode="after")
    def _ordered(self) -> OpeningPeriod:
        if self.close_minute <= self.open_minute:
            raise ValueError(
                f"close_minute: closes at {format_clock(self.close_minute)}, not after it opens at "
                f"{format_clock(self.open_minute)}"
            )
        return self

    @classmethod
    def parse(cls, text: str) -> OpeningPeriod:
        """``"08:30-24:00"`` -> OpeningPeriod(510, 1440)."""
        if "-" not in text:
            raise ValueError(f"opening period '{text}' is not written as HH:MM-HH:MM")
        start, end = text.split("-", 1)
        return cls(
            open_minute=parse_clock(start, field="open"),
            close_minute=parse_clock(end, field="close"),
        )

    def __str__(self) -> str:
        return f"{format_clock(self.open_minute)}-{format_clock(self.close_minute)}"


class OpeningHours(DomainModel):
    """Open periods for each day of the week (0 = Monday). A day with no periods is closed."""

    days: tuple[tuple[OpeningPeriod, ...], ...] = Field(min_length=7, max_length=7)

    @field_validator("days")
    @classmethod
    def _no_overlap(
        cls, days: tuple[tuple[OpeningPeriod, ...], ...]
    ) -> tuple[tuple[OpeningPeriod, ...], ...]:
        for weekday, periods in enumerate(days):
            ordered = sorted(periods, key=lambda p: p.open_minute)
            for before, after in pairwise(ordered):
                if after.open_minute < before.close_minute:
                    raise ValueError(f"{WEEKDAY_NAMES[weekday]}: periods {before} and {after} overlap")
        return days

    @classmethod
    def every_day(cls, text: str, *, weekdays: tuple[int, ...] = tuple(range(7))) -> OpeningHours:
        """The same period (``"08:30-24:00"``) on each of ``weekdays``; other days closed."""
        period = OpeningPeriod.parse(text)
        return cls(days=tuple((period,) if day in weekdays else () for day in range(7)))

    @classmethod
    def parse(cls, text: str) -> OpeningHours:
        """Parse ``"08:30-24:00"`` (every day) or ``"Mon-Fri 07:00-21:10; Sat 09:00-13:00"``."""
        parts = [part.strip() for part in text.split(";") if part.strip()]
        if len(parts) == 1 and parts[0][:1].isdigit():
            return cls.every_day(parts[0])
        days: list[list[OpeningPeriod]] = [[] for _ in range(7)]
        for part in parts:
            if " " not in part:
                raise ValueError(f"opening hours '{part}' should read like 'Mon-Fri 08:30-24:00'")
            day_text, period_text = part.split(None, 1)
            if "-" in day_text:
                first, last = (_weekday(d) for d in day_text.split("-", 1))
                span = range(first, last + 1) if first <= last else [*range(first, 7), *range(last + 1)]
            else:
                span = [_weekday(d) for d in day_text.split(",")]
            for period_item in period_text.split(","):
                period = OpeningPeriod.parse(period_item.strip())
                for day in span:
                    days[day].append(period)
        return cls(days=tuple(tuple(sorted(d, key=lambda p: p.open_minute)) for d in days))

    def is_open(self, weekday: int, minute: int) -> bool:
        """Whether the site takes contacts at ``minute`` after midnight on ``weekday``."""
        return any(p.open_minute <= minute < p.close_minute for p in self.days[weekday])

    def open_minutes_in(self, weekday: int, start_minute: int, length: int) -> int:
        """How many minutes of the interval ``[start, start + length)`` on ``weekday`` are open."""
        end = start_minute + length
        return sum(
            max(0, min(end, p.close_minute) - max(start_minute, p.open_minute)) for p in self.days[weekday]
        )

    def __str__(self) -> str:
        return "; ".join(
            f"{WEEKDAY_NAMES[d]} " + (",".join(str(p) for p in periods) or "closed")
            for d, periods in enumerate(self.days)
        )
