"""The CP-SAT model's decision variables, built once and shared by every rule's model face.

For each agent and day the solver chooses one *option* (a shift template, a queue from the agent's
skills, and where the template has an unpaid break, the break's start inside its window) or nothing
(rest, or leave when the day is approved leave). Options exist only where they are allowed (skills,
contract, availability), so most rules are tight domains rather than constraints.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta

from ortools.sat.python import cp_model

from solver.problem import ANY_QUEUE, RosterProblem
from wfm.domain import Agent, AgentId, ShiftCode, ShiftTemplate

BREAK_STEP_MINUTES = 60


@dataclass(frozen=True)
class Option:
    """One way to work a day: a shift on a queue, with its break (minutes after midnight) if any."""

    shift: ShiftCode
    queue: str
    break_start: int | None


@dataclass
class ModelContext:
    """The model, its variables, and (when explaining infeasibility) the assumption literals."""

    problem: RosterProblem
    model: cp_model.CpModel
    options: dict[tuple[AgentId, date], list[tuple[Option, cp_model.IntVar]]]
    works: dict[tuple[AgentId, date], cp_model.LinearExprT]
    explain: bool = False
    assumptions: dict[int, str] = field(default_factory=dict)
    _guards: dict[str, cp_model.IntVar] = field(default_factory=dict)

    def shift_on(self, agent_id: AgentId, day: date, shift: ShiftCode) -> cp_model.LinearExprT:
        """1 when the agent works ``shift`` that day (any queue, any break)."""
        return sum((var for option, var in self.options.get((agent_id, day), []) if option.shift == shift), 0)

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


def build_context(problem: RosterProblem, *, explain: bool = False) -> ModelContext:
    """Create the option variables for every agent and day.

    In explain mode, days of leave and unavailability also get options, so that the rule keeping
    the agent off can be an assumption the explanation may name.
    """
    model = cp_model.CpModel()
    with_breaks = problem.interval_cover is not None
    options: dict[tuple[AgentId, date], list[tuple[Option, cp_model.IntVar]]] = defaultdict(list)
    works: dict[tuple[AgentId, date], cp_model.LinearExprT] = {}
    for agent in problem.agents:
        templates = allowed_shifts(problem, agent)
        queues = problem.skills(agent)
        for day in problem.days:
            key = (agent.id, day)
            blocked = key in problem.leave or key in problem.unavailable
            if blocked and not explain:
                works[key] = 0
                continue
            for template in templates:
                for queue in queues:
                    for start in break_starts(template, with_breaks):
                        name = f"x[{agent.id},{day},{template.code},{queue},{start}]"
                        options[key].append((Option(template.code, queue, start), model.new_bool_var(name)))
            variables = [var for _, var in options[key]]
            if variables:
                model.add_at_most_one(variables)
            works[key] = sum(variables, 0)
    return ModelContext(problem=problem, model=model, options=dict(options), works=works, explain=explain)


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
