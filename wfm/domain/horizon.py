"""The planning horizon: the days a roster covers."""

from __future__ import annotations

from datetime import date, datetime, timedelta

from pydantic import Field

from wfm.domain._base import DomainModel


class PlanningHorizon(DomainModel):
    """``days`` consecutive days from ``start`` (a week by default)."""

    start: date
    days: int = Field(default=7, ge=1, le=366)

    @property
    def end(self) -> date:
        """The last day in the horizon (inclusive)."""
        return self.start + timedelta(days=self.days - 1)

    @property
    def dates(self) -> tuple[date, ...]:
        return tuple(self.start + timedelta(days=offset) for offset in range(self.days))

    def __contains__(self, day: object) -> bool:
        if isinstance(day, datetime):
            day = day.date()
        return isinstance(day, date) and self.start <= day <= self.end

    def __str__(self) -> str:
        return f"{self.start.isoformat()} to {self.end.isoformat()} ({self.days} days)"
