"""Agents, their contracts, and what they would like."""

from __future__ import annotations

from datetime import date
from typing import Annotated

from pydantic import Field, StringConstraints, model_validator

from wfm.domain._base import DomainModel, SortedSet
from wfm.domain.queues import QueueId
from wfm.domain.shifts import ShiftCode

AgentId = Annotated[str, StringConstraints(pattern=r"^[A-Za-z0-9][A-Za-z0-9_.-]{0,31}$")]
"""An agent's id: letters, digits, ``_ . -``, up to 32 characters (e.g. ``A017``)."""


class Contract(DomainModel):
    """What an agent is employed for: working days and paid hours per week.

    ``hours_per_week`` is the contracted paid hours; ``max_hours_per_week`` allows some flexibility
    (defaults to the contracted hours). Labour law's standard is 40 h over 5 days.
    """

    days_per_week: int = Field(default=5, ge=1, le=7)
    hours_per_week: float = Field(default=40.0, gt=0.0, le=84.0)
    min_hours_per_week: float | None = Field(default=None, ge=0.0)
    max_hours_per_week: float | None = Field(default=None, gt=0.0, le=84.0)
    part_time: bool = False

    @model_validator(mode="after")
    def _consistent(self) -> Contract:
        if self.hours_per_week > self.days_per_week * 24:
            raise ValueError(
                f"hours_per_week: {self.hours_per_week} h cannot fit in {self.days_per_week} days"
            )
        low = self.min_hours_per_week
        high = self.max_hours_per_week
        if low is not None and low > self.hours_per_week:
            raise ValueError(f"min_hours_per_week: {low} h is above the contracted {self.hours_per_week} h")
        if high is not None and high < self.hours_per_week:
            raise ValueError(f"max_hours_per_week: {high} h is below the contracted {self.hours_per_week} h")
        return self


class Preferences(DomainModel):
    """An agent's wishes, honoured where the roster can (soft, weighted by the solver)."""

    preferred_shifts: SortedSet[ShiftCode] = frozenset()
    unwanted_shifts: SortedSet[ShiftCode] = frozenset()
    preferred_days_off: SortedSet[int] = frozenset()
    """Days of the week (0 = Monday) the agent would like to rest."""

    @model_validator(mode="after")
    def _consistent(self) -> Preferences:
        both = self.preferred_shifts & self.unwanted_shifts
        if both:
            raise ValueError(f"unwanted_shifts: {sorted(both)} also listed as preferred")
        bad_days = [d for d in self.preferred_days_off if not 0 <= d <= 6]
        if bad_days:
            raise ValueError(f"preferred_days_off: {bad_days} are not days 0 (Mon) to 6 (Sun)")
        return self


class Agent(DomainModel):
    """A customer-service agent: who they are, which queues they may serve, their contract."""

    id: AgentId
    name: str = Field(min_length=1, max_length=80)
    group: str = Field(min_length=1, max_length=40)
    skills: SortedSet[QueueId] = Field(min_length=1)
    contract: Contract = Contract()
    new_hire: bool = False
    hired_on: date | None = None
    preferences: Preferences = Preferences()

    @property
    def part_time(self) -> bool:
        return self.contract.part_time
