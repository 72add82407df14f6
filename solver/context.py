"""The CP-SAT model's decision variables, built once and shared by every rule's model face.

Two layers of decisions:

- **the day**: for each agent and day, one Boolean per shift template the agent may work (all false:
  rest, or leave on a day of approved leave). Templates exist only where they are allowed (contract,
  part-time, availability), so those rules are tight domains rather than constraints;
- **the placement**: agents working the same template on the same day with the same skills are
  interchangeable for every rule but coverage, so the model does not say *which* of them takes which
  queue and break start, only *how many* do (a :class:`ShiftGroup`'s :class:`Placement` counts). The
  roster read back from a solution hands the placements to the group's members in order. An agent
  whose own queue matters that day (a pinned cell, or a cell of the previous roster kept for stability)
  gets a group of their own, so their queue is a decision of its own.

Counting instead of naming removes a large symmetry (which of ten identical agents takes the 11:00
break) and shrinks the model: on the sample week it has about half the variables of one Boolean per
agent, day, template, queue and break start.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta

from ortools.sat.python import cp_model

from solver.problem import ANY_QUEUE, RosterProblem
from wfm.domain import Agent, AgentId, CellKind, RosterCell, ShiftCode, ShiftTemplate

BREAK_STEP_MINUTES = 60


@dataclass(frozen=True)
class Placement:
    """One way to work a group's shift: on ``queue``, with the unpaid break from ``break_start``.

    ``count`` is how many of the group's working members take it (a variable, or the group's whole
    working count when it is the only placement).
    """

    queue: str
    break_start: int | None
    count: cp_model.LinearExprT


@dataclass(frozen=True)
class ShiftGroup:
    """Agents interchangeable for one shift on one day: same queues, no queue of their own to keep."""

    day: date
    shift: ShiftCode
    members: tuple[AgentId, ...]
    placements: tuple[Placement, ...]

    @property
    def queues(self) -> set[str]:
        return {p.queue for p in self.placements}


@dataclass
class ModelContext:
    """The model, its variables, and (when explaining infeasibility) the assumption literals."""

    problem: RosterProblem
    model: cp_model.CpModel
    shifts: dict[tuple[AgentId, date], dict[ShiftCode, cp_model.IntVar]]
    works: dict[tuple[AgentId, date], cp_model.LinearExprT]
    groups: list[ShiftGroup]
    explain: bool = False
    assumptions: dict[int, str] = field(default_factory=dict)
    _guards: dict[str, cp_model.IntVar] = field(default_factory=dict)
    _group_of: dict[tuple[AgentId, date, ShiftCode], ShiftGroup] = field(default_factory=dict)

    def __post_init__(self) -> None:
        for group in self.groups:
            for member in group.members:
                self._group_of[(member, group.day, group.shift)] = group

    def shift_on(self, agent_id: AgentId, day: date, shift: ShiftCode) -> cp_model.LinearExprT:
        """1 when the agent works ``shift`` that day (any queue, any break); 0 if they cannot."""
        return self.shifts.get((agent_id, day), {}).get(shift, 0)

    def day_shifts(self, agent_id: AgentId, day: date) -> Iterator[tuple[ShiftCode, cp_model.IntVar]]:
        """The agent's shift Booleans that day (none on a day they cannot work)."""
        yield from self.shifts.get((agent_id, day), {}).items()

    def on_queue(self, agent_id: AgentId, day: date, shift: ShiftCode, queue: str) -> cp_model.LinearExprT:
        """1 when the agent works ``shift`` on ``queue`` that day.

        Defined where the queue is the agent's own decision: a group of one (see
        :func:`individual_days`), or a group whose every placement is on the same queue.
        """
        group = self._group_of.get((agent_id, day, shift))
        if group is None or queue not in group.queues:
            return 0
        if group.queues == {queue}:
            return self.shift_on(agent_id, day, shift)
        if len(group.members) != 1:
            raise ValueError(
                f"{agent_id}'s queue on {day} is decided for their group; list the day in individual_days"
            )
        return sum((p.count for p in group.placements if p.queue == queue), 0)

    def decisions(self, agent_id: AgentId, day: date) -> list[cp_model.IntVar]:
        """The variables that decide this agent-day alone (its shift Booleans)."""
        return list(self.shifts.get((agent_id, day), {}).values())

    def guard(self, key: str, words: str) -> list[cp_model.IntVar]:
        """Enforcement literals for one rule instance: none normally; in explain mode, an assumption.

        ``words`` is how a scheduler would say the rule instance ("Thursday needs 2 closing staff").
        Rule instances sharing a ``key`` share the literal.
        """
        if not self.explain:
            return []
        literal = self._guards.get(key)
        if literal is None:
            literal = self.model.new_bool_var(f"assume[{key}]")
            self._guards[key] = literal
            self.assumptions[literal.index] = words
        return [literal]

    def add(self, constraint: cp_model.Constraint, key: str, words: str) -> cp_model.Constraint:
        """Post ``constraint`` as a hard rule instance (guarded in explain mode)."""
        literals = self.guard(key, words)
        if literals:
            constraint.only_enforce_if(literals)
        return constraint


def break_starts(template: ShiftTemplate, with_breaks: bool) -> list[int | None]:
    """Where the unpaid break may start, every hour inside its window (or nowhere).

    Hourly steps match hourly requirements and keep the model small (3 choices for a two-hour window);
    a site planning in 15 or 30-minute intervals would want ``BREAK_STEP_MINUTES`` to follow.
    """
    if template.unpaid_break_minutes == 0:
        return [None]
    window = template.break_window
    if window is None or not with_breaks:
        return [window.earliest_start if window else template.start + template.duration_minutes // 2]
    starts = list(range(window.earliest_start, window.latest_start + 1, BREAK_STEP_MINUTES))
    return starts or [window.earliest_start]  # type: ignore[return-value]


def allowed_shifts(problem: RosterProblem, agent: Agent) -> list[ShiftTemplate]:
    """Templates the agent may work: part-time templates for part-timers only (site problems), and
    none with a contract maximum of 0."""
    terms = problem.terms.get(agent.id)
    allowed = []
    for template in problem.shifts:
        if terms is not None and terms.max_shifts.get(template.code, 1) == 0:
            continue
        if problem.enforce_site_rules and template.part_time != agent.part_time:
            continue
        allowed.append(template)
    return allowed


def individual_days(problem: RosterProblem) -> frozenset[tuple[AgentId, date]]:
    """Agent-days whose queue is the agent's own decision: pinned shifts, and shifts of the previous
    roster when re-solving for stability (a change of queue costs there)."""
    days = {(c.agent_id, c.day) for c in problem.pinned if c.kind is CellKind.SHIFT}
    if problem.previous is not None and problem.weights.stability_change > 0:
        days |= {(c.agent_id, c.day) for c in problem.previous.cells if c.kind is CellKind.SHIFT}
    return frozenset(days)


def build_context(problem: RosterProblem, *, explain: bool = False) -> ModelContext:
    """Create the day decisions for every agent and day, and the placements of every shift group.

    In explain mode, days of leave and unavailability also get shift Booleans, so that the rule
    keeping the agent off can be an assumption the explanation may name.
    """
    model = cp_model.CpModel()
    with_breaks = problem.interval_cover is not None
    own = individual_days(problem)
    shifts: dict[tuple[AgentId, date], dict[ShiftCode, cp_model.IntVar]] = {}
    works: dict[tuple[AgentId, date], cp_model.LinearExprT] = {}
    members: dict[tuple[date, ShiftCode, tuple[str, ...] | AgentId], list[AgentId]] = defaultdict(list)
    for agent in problem.agents:
        queues = problem.skills(agent)
        templates = allowed_shifts(problem, agent) if queues else []
        for day in problem.days:
            key = (agent.id, day)
            blocked = problem.kept_off(agent.id, day)
            if (blocked and not explain) or not templates:
                works[key] = 0
                continue
            chosen = {t.code: model.new_bool_var(f"shift[{agent.id},{day},{t.code}]") for t in templates}
            shifts[key] = chosen
            model.add_at_most_one(chosen.values())
            works[key] = sum(chosen.values(), 0)
            for template in templates:
                members[(day, template.code, agent.id if key in own else queues)].append(agent.id)
    groups = []
    for (day, code, _), ids in members.items():
        template = problem.shift(code)
        working = sum((shifts[(a, day)][code] for a in ids), 0)
        queues = problem.skills(problem.agent(ids[0]))
        ways = [(q, b) for q in queues for b in break_starts(template, with_breaks)]
        placements: tuple[Placement, ...]
        if len(ways) == 1:
            placements = (Placement(ways[0][0], ways[0][1], working),)
        else:
            tag = f"{day},{code},{ids[0]}"
            placements = tuple(
                Placement(q, b, model.new_int_var(0, len(ids), f"placed[{tag},{q},{b}]")) for q, b in ways
            )
            model.add(sum((p.count for p in placements), 0) == working)
        groups.append(ShiftGroup(day, code, tuple(ids), placements))
    return ModelContext(
        problem=problem, model=model, shifts=shifts, works=works, groups=groups, explain=explain
    )


def roster_decisions(ctx: ModelContext, cells: Iterable[RosterCell]) -> list[tuple[int, int]]:
    """(variable index, value) of every decision for a roster: each agent-day's shift Booleans, and each
    shift group's placement counts (how many of its members' cells have that queue and break start).

    The inverse of reading a roster back from a solution. Raises ``ValueError`` for a cell the model
    cannot express (a template or queue the agent may not work, a break outside its window).
    """
    by_key = {
        (c.agent_id, c.day): c for c in cells if c.kind is CellKind.SHIFT and c.day in ctx.problem.horizon
    }
    values = []
    for key, shifts in ctx.shifts.items():
        cell = by_key.get(key)
        for code, var in shifts.items():
            values.append((var.index, int(cell is not None and cell.shift == code)))
    for key, cell in by_key.items():
        if str(cell.shift) not in ctx.shifts.get(key, {}):
            raise ValueError(f"{cell.agent_id} cannot work {cell.shift} on {cell.day} in this model")
    for group in ctx.groups:
        placed = [
            cell
            for member in group.members
            if (cell := by_key.get((member, group.day))) is not None and cell.shift == group.shift
        ]
        counts = {(p.queue, p.break_start): 0 for p in group.placements}
        single = len(group.placements) == 1
        for cell in placed:
            way = (
                (group.placements[0].queue, group.placements[0].break_start)
                if single and cell.queue == group.placements[0].queue
                else (str(cell.queue), cell.break_start)
            )
            if way not in counts:
                raise ValueError(f"{cell.agent_id} on {cell.day}: no placement {way} in this model")
            counts[way] += 1
        for placement in group.placements:
            if isinstance(placement.count, cp_model.IntVar):
                values.append((placement.count.index, counts[(placement.queue, placement.break_start)]))
    return values


def interval_minutes_covered(
    template: ShiftTemplate, break_start: int | None, day: date, start: datetime, length: int
) -> int:
    """Minutes of the interval ``[start, start + length)`` an agent on this shift is on the queue."""
    midnight = datetime.combine(day, time())
    shift_from = midnight + timedelta(minutes=template.start)
    shift_to = midnight + timedelta(minutes=template.end)
    end = start + timedelta(minutes=length)
    overlap = (min(end, shift_to) - max(start, shift_from)).total_seconds() / 60
    covered = max(0.0, overlap)
    if break_start is not None and template.unpaid_break_minutes:
        break_from = midnight + timedelta(minutes=break_start)
        break_to = break_from + timedelta(minutes=template.unpaid_break_minutes)
        covered -= max(0.0, (min(end, break_to) - max(start, break_from)).total_seconds() / 60)
    return round(covered)


def queue_label(queue: str) -> str:
    return "any queue" if queue == ANY_QUEUE else queue


def add_work_day_variables(ctx: ModelContext) -> None:
    """Give every open agent-day an explicit "works that day" Boolean, equal to its options' sum.

    The rules then post their day-based constraints (consecutive days, weekends, per-day cover) on
    these Booleans instead of on sums of options; CP-SAT's relaxation is much stronger for it
    (Instance2's bound went from 731 to the optimum 828 in 20 s). Not on a centre's week with
    hourly cover: there the LP-guided dive ended later and worse (sample week at 10 s, seeds 0-3:
    2.7-72.7% above the bound, against 1.1-2.2% without).
    """
    for key, expr in list(ctx.works.items()):
        if isinstance(expr, int):
            continue
        works = ctx.model.new_bool_var(f"works[{key[0]},{key[1]}]")
        ctx.model.add(works == expr)
        ctx.works[key] = works
