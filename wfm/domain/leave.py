"""Leave: days an agent is away, asked for ahead (personal, annual) or reported (sick)."""

from __future__ import annotations

from datetime import date, timedelta
from enum import StrEnum

from pydantic import Field, model_validator

from wfm.domain._base import DomainModel
from wfm.domain.agents import AgentId


class LeaveType(StrEnum):
    PERSONAL = "personal"
    SICK = "sick"
    ANNUAL = "annual"


class LeaveStatus(StrEnum):
    REQUESTED = "requested"
    APPROVED = "approved"
    DENIED = "denied"


class LeaveRequest(DomainModel):
    """Leave from ``first_day`` to ``last_day`` inclusive."""

    agent_id: AgentId
    leave_type: LeaveType
    first_day: date
    last_day: date
    status: LeaveStatus = LeaveStatus.REQUESTED
    medical_certificate: bool = False
    note: str = Field(default="", max_length=500)

    @model_validator(mode="after")
    def _ordered(self) -> LeaveRequest:
        if self.last_day < self.first_day:
            raise ValueError(
                f"last_day: {self.last_day.isoformat()} is before first_day {self.first_day.isoformat()}"
            )
        return self

    @property
    def days(self) -> int:
        return (self.last_day - self.first_day).days + 1

    @property
    def dates(self) -> tuple[date, ...]:
        return tuple(self.first_day + timedelta(days=i) for i in range(self.days))
