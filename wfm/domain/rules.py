"""The working-time rules a roster must respect, with the defaults from the manuals.

These are the *parameters* of the rules. The rules themselves (each with a face that posts it to the
CP-SAT model and a face that checks a given roster) live with the solver.
"""

from __future__ import annotations

from pydantic import Field, model_validator

from wfm.domain._base import DomainModel, SortedSet
from wfm.domain.clock import format_clock, parse_clock
from wfm.domain.shifts import ShiftCode


class MeetingRule(DomainModel):
    """The weekly department meeting: everyone attends except ``min_on_duty`` who stay on the queues."""

    weekday: int = Field(default=2, ge=0, le=6)
    """0 = Monday; the manuals hold it on Wednesday afternoon."""
    start: int = Field(default=parse_clock("14:00"), ge=0, lt=24 * 60)
    end: int = Field(default=parse_clock("16:00"), gt=0, le=24 * 60)
    min_on_duty: int = Field(default=1, ge=1)

    @model_validator(mode="after")
    def _ordered(self) -> MeetingRule:
        if self.end <= self.start:
            raise ValueError(
                f"end: the meeting ends at {format_clock(self.end)}, not after its start "
                f"{format_clock(self.start)}"
            )
        return self


class RosterRules(DomainModel):
    """Rule parameters for a site; every default is the manuals' and every one can be changed."""

    rest_days_per_week: int = Field(default=2, ge=1, le=6)
    """Rest days in every 7-day week of the horizon (labour law: at least one)."""
    max_consecutive_working_days: int = Field(default=6, ge=1, le=12)
    min_rest_hours: float = Field(default=11.0, ge=0.0, le=48.0)
    """Minimum hours between the end of one shift and the start of the next (11 h forbids late -> early)."""
    min_closing_staff: int = Field(default=2, ge=0)
    """People on the shift that closes the centre, every open day; never fewer than two leave last."""
    meeting: MeetingRule | None = MeetingRule()
    """The weekly meeting, or ``None`` for a site that holds none."""
    forbidden_successions: SortedSet[tuple[ShiftCode, ShiftCode]] = frozenset()
    """Shift pairs (yesterday, today) never allowed, on top of what the minimum rest forbids."""
