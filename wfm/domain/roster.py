"""A roster: for each agent and day of the horizon, a shift on a queue, a rest day, or leave."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from datetime import date
from enum import StrEnum

import pandas as pd
from pydantic import Field, model_validator

from wfm.domain._base import DomainModel
from wfm.domain.agents import AgentId
from wfm.domain.horizon import PlanningHorizon
from wfm.domain.leave import LeaveType
from wfm.domain.queues import QueueId
from wfm.domain.shifts import ShiftCode


class CellKind(StrEnum):
    SHIFT = "shift"
    REST = "rest"
    LEAVE = "leave"


class RosterCell(DomainModel):
    """What one agent does on one day."""

    agent_id: AgentId
    day: date
    kind: CellKind
    shift: ShiftCode | None = None
    queue: QueueId | None = None
    leave_type: LeaveType | None = None
    break_start: int | None = Field(default=None, ge=0, le=2880)
    """Where the unpaid break starts, minutes after midnight of the day (shifts with a break only)."""

    @model_validator(mode="after")
    def _consistent(self) -> RosterCell:
        if self.kind is CellKind.SHIFT:
            if self.shift is None or self.queue is None:
                raise ValueError("shift: a working day needs both a shift and a queue")
            if self.leave_type is not None:
                raise ValueError("leave_type: a working day carries no leave type")
        else:
            if self.break_start is not None:
                raise ValueError(f"break_start: a {self.kind.value} day has no break")
            if self.shift is not None or self.queue is not None:
                raise ValueError(f"shift: a {self.kind.value} day carries no shift or queue")
            if self.kind is CellKind.LEAVE and self.leave_type is None:
                raise ValueError("leave_type: a leave day needs its leave type")
            if self.kind is CellKind.REST and self.leave_type is not None:
                raise ValueError("leave_type: a rest day carries no leave type")
        return self

    @classmethod
    def working(
        cls, agent_id: AgentId, day: date, shift: ShiftCode, queue: QueueId, break_start: int | None = None
    ) -> RosterCell:
        return cls(
            agent_id=agent_id, day=day, kind=CellKind.SHIFT, shift=shift, queue=queue, break_start=break_start
        )

    @classmethod
    def rest(cls, agent_id: AgentId, day: date) -> RosterCell:
        return cls(agent_id=agent_id, day=day, kind=CellKind.REST)

    @classmethod
    def leave(cls, agent_id: AgentId, day: date, leave_type: LeaveType) -> RosterCell:
        return cls(agent_id=agent_id, day=day, kind=CellKind.LEAVE, leave_type=leave_type)

    def __str__(self) -> str:
        if self.kind is CellKind.SHIFT:
            return f"{self.shift}@{self.queue}"
        if self.kind is CellKind.LEAVE:
            return f"leave:{self.leave_type}"
        return "rest"


class Roster(DomainModel):
    """Cells for agents over a horizon: at most one cell per agent and day, all inside the horizon.

    A roster need not be complete (a draft may leave cells open); :meth:`missing_cells` lists them.
    Rules such as rest days or closing staff are not checked here: the roster rules' check face does
    that, so a roster breaking a rule can still be loaded, shown and mended.
    """

    horizon: PlanningHorizon
    cells: tuple[RosterCell, ...] = Field(default=())

    @model_validator(mode="after")
    def _one_cell_per_agent_day(self) -> Roster:
        seen: set[tuple[str, date]] = set()
        for index, cell in enumerate(self.cells):
            if cell.day not in self.horizon:
                raise ValueError(
                    f"cells[{index}].day: {cell.day.isoformat()} is outside the horizon {self.horizon}"
                )
            key = (cell.agent_id, cell.day)
            if key in seen:
                raise ValueError(
                    f"cells[{index}]: agent {cell.agent_id} has two entries on {cell.day.isoformat()}"
                )
            seen.add(key)
        return self

    def __iter__(self) -> Iterator[RosterCell]:  # type: ignore[override]
        return iter(self.cells)

    def cell(self, agent_id: AgentId, day: date) -> RosterCell | None:
        for candidate in self.cells:
            if candidate.agent_id == agent_id and candidate.day == day:
                return candidate
        return None

    @property
    def agent_ids(self) -> tuple[AgentId, ...]:
        return tuple(sorted({cell.agent_id for cell in self.cells}))

    def missing_cells(self, agent_ids: Iterable[AgentId]) -> list[tuple[AgentId, date]]:
        """(agent, day) pairs of the given agents that have no cell yet."""
        present = {(cell.agent_id, cell.day) for cell in self.cells}
        return [
            (agent_id, day)
            for agent_id in agent_ids
            for day in self.horizon.dates
            if (agent_id, day) not in present
        ]

    def to_frame(self) -> pd.DataFrame:
        """One row per cell: agent_id, day, kind, shift, queue, leave_type, break_start."""
        return pd.DataFrame(
            [cell.model_dump(mode="python") for cell in self.cells],
            columns=["agent_id", "day", "kind", "shift", "queue", "leave_type", "break_start"],
        )

    def grid(self) -> pd.DataFrame:
        """Agents as rows, every day of the horizon as a column, cells written as ``early@hotline``."""
        days = pd.Index(self.horizon.dates, name="day")
        frame = pd.DataFrame({"agent_id": c.agent_id, "day": c.day, "cell": str(c)} for c in self.cells)
        if frame.empty:
            return pd.DataFrame(index=pd.Index([], name="agent_id"), columns=days)
        return frame.pivot(index="agent_id", columns="day", values="cell").reindex(columns=days)
