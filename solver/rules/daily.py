"""Rules about single days: one shift a day, leave and availability, skills, pinned cells."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

from solver.context import ModelContext, allowed_shifts, queue_label
from solver.problem import ANY_QUEUE, RosterProblem
from solver.rules.base import CellIndex, PenaltyTerm, Rule, Violation, day_name
from wfm.domain import CellKind, RosterCell


def _name(problem: RosterProblem, agent_id: str) -> str:
    try:
        return problem.agent(agent_id).name
    except KeyError:
        return agent_id


class OneShiftPerDay(Rule):
    name = "one_shift_per_day"
    hard = True
    description = "An agent works at most one shift a day and is in one place at a time."

    def add_to(self, ctx: ModelContext) -> list[PenaltyTerm]:
        return []  # each agent-day has at most one option chosen (AddAtMostOne in build_context)

    def check(self, problem: RosterProblem, cells: Sequence[RosterCell]) -> list[Violation]:
        seen: dict[tuple[str, date], int] = {}
        for cell in cells:
            seen[(cell.agent_id, cell.day)] = seen.get((cell.agent_id, cell.day), 0) + 1
        return [
            Violation(
                self.name, f"{_name(problem, agent)} has {count} entries on {day_name(day)}", agent, day
            )
            for (agent, day), count in seen.items()
            if count > 1
        ]


class LeaveAndAvailability(Rule):
    name = "leave_and_availability"
    hard = True
    description = "Nobody works on approved leave or on a day they are not available."

    def add_to(self, ctx: ModelContext) -> list[PenaltyTerm]:
        problem = ctx.problem
        for (agent_id, day), kind in problem.leave.items():
            works = ctx.works.get((agent_id, day), 0)
            if not isinstance(works, int):
                ctx.add(
                    ctx.model.add(works == 0),
                    f"leave:{agent_id}:{day}",
                    f"{_name(problem, agent_id)} is on {kind.value} leave on {day_name(day)}",
                )
        for agent_id, day in problem.unavailable:
            works = ctx.works.get((agent_id, day), 0)
            if not isinstance(works, int):
                ctx.add(
                    ctx.model.add(works == 0),
                    f"off:{agent_id}:{day}",
                    f"{_name(problem, agent_id)} is not available on {day_name(day)}",
                )
        return []

    def check(self, problem: RosterProblem, cells: Sequence[RosterCell]) -> list[Violation]:
        index = CellIndex(problem, cells)
        found = []
        for (agent_id, day), kind in sorted(problem.leave.items()):
            cell = index.get(agent_id, day)
            if cell is None or cell.kind is not CellKind.LEAVE:
                what = (
                    "not shown as leave" if cell is None or cell.kind is CellKind.REST else f"rostered {cell}"
                )
                found.append(
                    Violation(
                        self.name,
                        f"{_name(problem, agent_id)} is on approved {kind.value} leave on "
                        f"{day_name(day)} but is {what}",
                        agent_id,
                        day,
                    )
                )
        for agent_id, day in sorted(problem.unavailable):
            if index.works(agent_id, day):
                found.append(
                    Violation(
                        self.name,
                        f"{_name(problem, agent_id)} is not available on {day_name(day)} "
                        f"but is rostered {index.get(agent_id, day)}",
                        agent_id,
                        day,
                    )
                )
        return found


class Skills(Rule):
    name = "skills"
    hard = True
    description = "Agents work only queues they are skilled for and shift templates their contract allows."

    def add_to(self, ctx: ModelContext) -> list[PenaltyTerm]:
        return []  # options exist only for skilled queues and allowed templates (build_context)

    def check(self, problem: RosterProblem, cells: Sequence[RosterCell]) -> list[Violation]:
        found = []
        for cell in cells:
            if cell.kind is not CellKind.SHIFT or cell.day not in problem.horizon:
                continue
            try:
                agent = problem.agent(cell.agent_id)
            except KeyError:
                found.append(
                    Violation(self.name, f"{cell.agent_id} is not in the team", cell.agent_id, cell.day)
                )
                continue
            if problem.queues != (ANY_QUEUE,) and cell.queue not in agent.skills:
                found.append(
                    Violation(
                        self.name,
                        f"{agent.name} is not skilled for {queue_label(str(cell.queue))} "
                        f"({day_name(cell.day)})",
                        agent.id,
                        cell.day,
                    )
                )
            if cell.shift not in {t.code for t in allowed_shifts(problem, agent)}:
                found.append(
                    Violation(
                        self.name,
                        f"{agent.name} may not work the {cell.shift} shift ({day_name(cell.day)})",
                        agent.id,
                        cell.day,
                    )
                )
        return found


class Pinned(Rule):
    name = "pinned"
    hard = True
    description = "Cells a scheduler fixed stay as they are; the solver fills the rest."

    def applies(self, problem: RosterProblem) -> bool:
        return bool(problem.pinned)

    def add_to(self, ctx: ModelContext) -> list[PenaltyTerm]:
        for cell in ctx.problem.pinned:
            key = (cell.agent_id, cell.day)
            words = f"{_name(ctx.problem, cell.agent_id)} is fixed to {cell} on {day_name(cell.day)}"
            if cell.kind is CellKind.SHIFT:
                chosen = ctx.on_queue(cell.agent_id, cell.day, str(cell.shift), str(cell.queue))
                if isinstance(chosen, int):
                    chosen = ctx.model.new_constant(chosen)
                ctx.add(ctx.model.add(chosen == 1), f"pin:{cell.agent_id}:{cell.day}", words)
            else:
                works = ctx.works.get(key, 0)
                if not isinstance(works, int):
                    ctx.add(ctx.model.add(works == 0), f"pin:{cell.agent_id}:{cell.day}", words)
        return []

    def check(self, problem: RosterProblem, cells: Sequence[RosterCell]) -> list[Violation]:
        index = CellIndex(problem, cells)
        found = []
        for pin in problem.pinned:
            cell = index.get(pin.agent_id, pin.day)
            actual = cell if cell is not None else RosterCell.rest(pin.agent_id, pin.day)
            if pin.kind is CellKind.SHIFT:
                same = (
                    actual.kind is CellKind.SHIFT and actual.shift == pin.shift and actual.queue == pin.queue
                )
            else:  # a day pinned off stays off; approved leave or a pinned leave type may name it leave
                same = actual.kind is not CellKind.SHIFT
            if not same:
                found.append(
                    Violation(
                        self.name,
                        f"{_name(problem, pin.agent_id)} was fixed to {pin} on "
                        f"{day_name(pin.day)} but has {actual}",
                        pin.agent_id,
                        pin.day,
                    )
                )
        return found
