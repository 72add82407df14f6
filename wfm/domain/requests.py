"""Agents' requests for particular days: a shift they would like, or a day (or shift) off."""

from __future__ import annotations

from datetime import date

from pydantic import Field

from wfm.domain._base import DomainModel
from wfm.domain.agents import AgentId
from wfm.domain.shifts import ShiftCode


class ShiftRequest(DomainModel):
    """A wish for one day, honoured where the roster can (soft, with its ``weight``).

    ``wanted=True`` asks to work ``shift`` that day (any shift when ``shift`` is ``None``);
    ``wanted=False`` asks not to work ``shift`` (the day off when ``shift`` is ``None``).
    """

    agent_id: AgentId
    day: date
    shift: ShiftCode | None = None
    wanted: bool = True
    weight: int = Field(default=1, ge=1, le=1000)
