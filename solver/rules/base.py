"""What every roster rule is: one unit with two faces.

- ``add_to(ctx)`` posts the rule to the CP-SAT model (hard constraints through ``ctx.add`` so they can
  be named in an infeasibility explanation) and returns its penalty terms when soft;
- ``check(problem, cells)`` finds every place a given roster breaks it, in words a manager reads, with
  the cost each place adds (soft rules), computed exactly as the model face counts it.

``cells`` may contain anything a roster file could (even two cells for one agent and day), so a check
never assumes the roster is well formed.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from enum import StrEnum
from typing import ClassVar

from ortools.sat.python import cp_model

from solver.context import ModelContext
from solver.problem import RosterProblem
from wfm.domain import AgentId, CellKind, RosterCell


@dataclass(frozen=True)
class Violation:
    """One place a roster breaks a rule. ``cost`` is what a soft rule charges for it (0 for hard)."""

    rule: str
    message: str
    agent_id: AgentId | None = None
    day: date | None = None
    cost: int = 0

    def __str__(self) -> str:
        return f"[{self.rule}] {self.message}" + (f" (cost {self.cost})" if self.cost else "")


@dataclass(frozen=True)
class PenaltyTerm:
    """A soft rule's contribution to the objective: ``weight x expr``."""

    rule: str
    expr: cp_model.LinearExprT
    weight: int


class Scope(StrEnum):
    """What a rule's check looks at, so a change to a few cells can be judged on those alone.

    - ``agent``: one agent's own cells (and history); a change to some agents' cells changes only
      their violations and costs.
    - ``day``: every agent's cells on one day (closing staff, meeting, coverage); a change on some days
      changes only those days' violations and costs (``check_on_days``).
    - ``team``: the whole roster at once (fairness compares agents with each other).
    """

    AGENT = "agent"
    DAY = "day"
    TEAM = "team"


class Rule:
    """Base class: a named rule, hard or soft, with its two faces."""

    name: ClassVar[str]
    hard: ClassVar[bool]
    description: ClassVar[str]
    scope: ClassVar[Scope] = Scope.AGENT

    def applies(self, problem: RosterProblem) -> bool:
        """Whether the rule has anything to say for this problem (e.g. no meeting configured)."""
        return True

    def add_to(self, ctx: ModelContext) -> list[PenaltyTerm]:
        raise NotImplementedError

    def check(self, problem: RosterProblem, cells: Sequence[RosterCell]) -> list[Violation]:
        raise NotImplementedError

    def check_on_days(
        self, problem: RosterProblem, cells: Sequence[RosterCell], days: frozenset[date]
    ) -> list[Violation]:
        """The check face's violations on ``days`` only (for ``day``-scoped rules). This default
        filters the whole check; a rule whose check is costly answers for the days alone."""
        return [v for v in self.check(problem, cells) if v.day in days]


class CellIndex:
    """Cells by agent and day, history included, for the check faces."""

    def __init__(self, problem: RosterProblem, cells: Sequence[RosterCell]) -> None:
        self.by_key: dict[tuple[AgentId, date], list[RosterCell]] = defaultdict(list)
        for cell in problem.history:
            self.by_key[(cell.agent_id, cell.day)].append(cell)
        for cell in cells:
            self.by_key[(cell.agent_id, cell.day)].append(cell)

    def get(self, agent_id: AgentId, day: date) -> RosterCell | None:
        found = self.by_key.get((agent_id, day))
        return found[0] if found else None

    def known(self, agent_id: AgentId, day: date) -> bool:
        return (agent_id, day) in self.by_key

    def works(self, agent_id: AgentId, day: date) -> bool:
        cell = self.get(agent_id, day)
        return cell is not None and cell.kind is CellKind.SHIFT


def day_name(day: date) -> str:
    """``Thu 27 Nov``: how a scheduler names a day."""
    return day.strftime("%a %d %b").replace(" 0", " ")
