"""Search in two phases: CP-SAT on the whole model, then a large-neighbourhood loop over the roster.

The first phase solves the full model (every rule's model face) for a share of the time, or until its
first roster after a shorter share (``NeighbourhoodPlan.handover_share``), and keeps its proven lower
bound; with no roster at the end of its share, it goes on to its first. Where the plan asks for it and
every rule but the shift cover looks at one agent alone (the benchmark's rules), column generation
(:mod:`solver.columns`) takes the first phase's place: its dive's roster starts the second phase, and
its Lagrangian bound, far tighter than CP-SAT's there, is the result's. The second phase
(:func:`improve`) repeatedly frees part of the roster -- some agents over every day, every agent over a
window of days, some agents over a window, agents who can do the same work, the agents behind a costly
part of the roster, some agents around two weekends, or the agents working half a weekend over every
day, or every agent over two windows of days, one around a costly spot, or the shift of every day worked
(the days kept) with a few agents wholly free -- fixes everything else to the best roster so far, and
re-solves a small model holding only the constraints the freed part touches (:class:`SubModels`), one
neighbourhood per worker at a time. A kind of neighbourhood solved to optimality grows; one that runs
out of time shrinks. The roster is judged at the end by the rules' check faces, exactly as
:func:`solver.solve.solve` judges its own.

Used for the Curtois benchmark (:mod:`solver.benchmarks.curtois_problem`) and to polish a long horizon
solved week by week (:mod:`solver.windows`).
"""

from __future__ import annotations

import logging
import math
import random
import threading
import time
from collections.abc import Iterator, Mapping, Sequence
from concurrent.futures import FIRST_COMPLETED, Future, ThreadPoolExecutor, wait
from contextlib import contextmanager
from dataclasses import dataclass, replace
from datetime import date
from typing import Any

from ortools.sat.python import cp_model

from solver.columns import decomposes, generate_columns, integral_bound
from solver.context import ModelContext, allowed_shifts, roster_decisions
from solver.problem import RosterProblem
from solver.rules.contract import weekends
from solver.solve import (
    RosterResult,
    SolveSettings,
    _extract,
    _Values,
    judge,
    parameters_for,
    rules_model,
    stoppable,
    watching,
)
from wfm.domain import AgentId, Roster

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class NeighbourhoodPlan:
    """How the time is split and how large the re-solved part of the roster starts and may grow.

    ``first_phase_share`` of the time limit goes to the whole model (under ``first_phase``'s
    subsolvers and linearization); each neighbourhood gets at most ``step_s`` seconds. ``size`` is
    the share of agent-days freed at the start, kept within ``[min_size, max_size]``.
    """

    first_phase_share: float = 0.3
    step_s: float = 2.0
    size: float = 0.25
    min_size: float = 0.05
    max_size: float = 0.8
    grow: float = 1.15
    shrink: float = 0.85
    handover_share: float | None = None
    """If set, the first phase hands over to the neighbourhoods at its first roster found after this
    share of the time limit, rather than running its whole ``first_phase_share``."""
    kinds: tuple[str, ...] | None = None
    """The kinds of neighbourhood drawn from (:data:`DEFAULT_KINDS` if not set), each equally likely; a
    kind named twice is drawn twice as often."""
    start_agent_days: int | None = None
    """If set, a neighbourhood starts at no more than this many agent-days, however large the roster:
    on a 300-agent week a quarter is 525 agent-days, whose sub-model rarely improves within a step."""
    columns_share: float | None = None
    """If set, and the problem splits into one problem per agent joined only by its shift cover
    (:func:`solver.columns.decomposes`), column generation (:mod:`solver.columns`) runs until this
    share of the time: its roster starts the neighbourhoods and its LP bound is the result's lower
    bound."""
    columns_first: bool = True
    """Column generation in place of the whole model's phase (``True``), or after it (``False``): the
    whole model for ``first_phase_share`` of the time, and column generation only if that phase proved
    nothing; the better of the two rosters starts the neighbourhoods, under the higher bound. A small
    instance is often proven optimal by the whole model within seconds (Curtois Instance1), where the
    LP over schedules is looser."""
    spot_weight_power: float = 1.0
    """A costly spot is drawn with probability proportional to its cost to this power. Below 1, cheap
    spots get more of the draws: where a few shortfalls are forced and cost far more than everything
    else (Curtois Instance9: 4 shortfalls, 400 of a 442 roster's cost, the rest missed requests), cost
    alone spends nine draws in ten on spots no neighbourhood can mend."""

    def __post_init__(self) -> None:
        if not 0 < self.first_phase_share <= 1:
            raise ValueError("first_phase_share: must be in (0, 1]")
        if self.handover_share is not None and not 0 <= self.handover_share <= self.first_phase_share:
            raise ValueError("handover_share: must be in [0, first_phase_share]")
        if self.kinds is not None and (not self.kinds or not set(self.kinds) <= set(KINDS)):
            raise ValueError(f"kinds: name at least one, each one of {', '.join(KINDS)}")
        if self.step_s <= 0:
            raise ValueError("step_s: must be above 0")
        if self.columns_share is not None and not 0 < self.columns_share < 1:
            raise ValueError("columns_share: must be in (0, 1)")
        late = None if self.columns_first else self.columns_share
        if late is not None and late <= self.first_phase_share:
            raise ValueError("columns_share: must end after the whole model's first_phase_share")
        if not 0 < self.spot_weight_power <= 1:
            raise ValueError("spot_weight_power: must be in (0, 1]")
        if not 0 < self.min_size <= self.size <= self.max_size <= 1:
            raise ValueError("size: need 0 < min_size <= size <= max_size <= 1")


@dataclass
class _Incumbent:
    values: list[int]
    objective: int


def _fixed_outside(
    ctx: ModelContext, free: set[tuple[AgentId, date]], values: list[int]
) -> list[tuple[int, int]]:
    """(variable index, value) for every decision outside the freed agent-days: their shifts, and the
    placements of every shift group none of whose members is freed."""
    fixed = [
        (var.index, values[var.index])
        for key, shifts in ctx.shifts.items()
        if key not in free
        for var in shifts.values()
    ]
    for group in ctx.groups:
        if any((member, group.day) in free for member in group.members):
            continue
        for placement in group.placements:
            if isinstance(placement.count, cp_model.IntVar):
                fixed.append((placement.count.index, values[placement.count.index]))
    return fixed


KINDS = ("agents", "window", "agents_window", "related", "hot", "weekends", "halves", "pair", "types")
"""Neighbourhoods: some agents over every day; every agent over a window of days; some agents over a
window; agents who can work the same shifts and queues as a chosen one, over a window; agents who could
mend a costly part of the roster (a short interval, a missed request), over a window around it; some
agents from Friday to Monday around two weekends (to move weekend work between agents under a maximum of
worked weekends: Curtois Instance12 at 60 s went from 4947 to 4743 and from 5027 to 4547 on two seeds);
the agents who work only one day of a weekend, with others, over every day; every agent over two windows
of days, one around a costly part of the roster and one elsewhere; every agent over every day they work,
keeping those days but free to change the shift, with a few agents wholly free.

A weekend worked by halves spends one of the agent's worked weekends on one day of cover: where every
shortfall is at weekends and every agent works their maximum of weekends (Instance12), only whole
weekends add cover, and that needs the agent's whole horizon free (the days around the weekend move with
it). Curtois Instance12 at 60 s, seeds 0-9: 4209-4623 (mean 4401) with it, 4205-4914 (mean 4517)
without, same evening.

Two windows mend a shortfall where every agent works close to their maximum of days (Curtois Instance8:
17 or 18 of 28): a shift added where cover is short must be given up where there is a surplus, often
days away, and one window cannot hold both ends of that exchange. A window of two weeks over every agent,
solved to optimality, found nothing there, while two windows of a week did."""


DEFAULT_KINDS = tuple(kind for kind in KINDS if kind not in ("pair", "types"))
"""The kinds a plan draws from unless it names its own: every kind but ``pair``, which frees every agent
over its windows, more agent-days than a large centre's neighbourhood can re-solve in a step (300 agents
over two windows of two days is 1,200 agent-days, where the polishing of :mod:`solver.windows` starts at
250), and ``types``, which frees every day worked in the horizon (several thousand agent-days there)."""


def _similar(ctx: ModelContext, seed: AgentId) -> list[AgentId]:
    """Agents by how much of ``seed``'s work they could take (shared shifts and queues), most first."""
    problem = ctx.problem

    def able(agent_id: AgentId) -> set[tuple[str, str]]:
        agent = problem.agent(agent_id)
        return {(t.code, q) for t in allowed_shifts(problem, agent) for q in problem.skills(agent)}

    mine = able(seed)
    others = [a.id for a in problem.agents if a.id != seed]
    return sorted(others, key=lambda a: -len(mine & able(a)))


def working_days(ctx: ModelContext, values: Sequence[int]) -> set[tuple[AgentId, date]]:
    """The agent-days with a shift in ``values``."""
    return {key for key, shifts in ctx.shifts.items() if any(values[var.index] for var in shifts.values())}


def half_weekends(ctx: ModelContext, values: Sequence[int]) -> dict[date, list[AgentId]]:
    """Saturday -> the agents who work exactly one day of that weekend in ``values`` (weekends with
    none are left out)."""
    working = working_days(ctx, values)
    found: dict[date, list[AgentId]] = {}
    for weekend in weekends(ctx.problem.days):  # the contract rule's weekends
        if len(weekend) < 2:
            continue  # a lone end of the horizon cannot be worked by halves
        for agent in ctx.problem.agents:
            if len({(agent.id, day) in working for day in weekend}) == 2:
                found.setdefault(weekend[0], []).append(agent.id)
    return found


def _neighbourhood(
    ctx: ModelContext,
    kind: str,
    size: float,
    rng: random.Random,
    hot: list[tuple[AgentId, date]] | None = None,
    halves: dict[date, list[AgentId]] | None = None,
) -> set[tuple[AgentId, date]]:
    """The agent-days a neighbourhood of ``kind`` frees: about ``size`` of all of them. ``hot`` are the
    agent-days behind a costly part of the roster (for ``"hot"`` and ``"pair"``), ``halves`` the agents
    working half of each weekend (for ``"halves"``, from :func:`half_weekends`)."""
    if kind == "types":
        raise ValueError("types: its neighbourhood also says which days keep a shift (_shift_changes)")
    agents = [agent.id for agent in ctx.problem.agents]
    days = list(ctx.problem.days)

    def window(share: float, around: date | None = None) -> list[date]:
        width = min(len(days), max(2, round(share * len(days))))
        if around is None:
            first = rng.randrange(0, len(days) - width + 1)
        else:
            middle = days.index(around) - width // 2
            first = min(max(0, middle + rng.randint(-1, 1)), len(days) - width)
        return days[first : first + width]

    if kind == "hot" and hot:
        share = size**0.5
        able = sorted({a for a, _ in hot})
        count = min(len(agents), max(2, round(share * len(agents))))
        chosen = rng.sample(able, min(len(able), count))
        if len(chosen) < count:
            chosen += rng.sample([a for a in agents if a not in chosen], count - len(chosen))
        return {(a, d) for a in chosen for d in window(share, rng.choice(hot)[1])}

    if kind == "pair":  # every agent, half the days around a costly spot, half anywhere
        freed = {*window(size / 2, rng.choice(hot)[1] if hot else None), *window(size / 2)}
        return {(a, d) for a in agents for d in freed}
    if kind == "halves":
        if halves:
            count = min(len(agents), max(2, round(size * len(agents))))
            halved = halves[rng.choice(sorted(halves))]
            chosen = rng.sample(halved, min(len(halved), count))
            others = [a for a in agents if a not in chosen]
            chosen += rng.sample(others, min(len(others), count - len(chosen)))
            return {(a, d) for a in chosen for d in days}
        kind = "agents"  # every weekend worked whole or not at all
    if kind == "weekends":
        saturdays = [i for i, d in enumerate(days) if d.weekday() == 5]
        picked = rng.sample(saturdays, min(2, len(saturdays)))
        around = sorted({days[j] for i in picked for j in range(i - 1, i + 3) if 0 <= j < len(days)})
        if around:
            wanted = size * len(agents) * len(days) / len(around)
            chosen = rng.sample(agents, min(len(agents), max(2, round(wanted))))
            return {(a, d) for a in chosen for d in around}
        kind = "agents"  # a horizon with no weekend
    if kind == "agents":
        chosen = rng.sample(agents, min(len(agents), max(2, round(size * len(agents)))))
        return {(a, d) for a in chosen for d in days}
    if kind == "window":
        return {(a, d) for a in agents for d in window(size)}
    share = size**0.5
    count = min(len(agents), max(2, round(share * len(agents))))
    if kind == "related":
        seed = rng.choice(agents)
        pool = _similar(ctx, seed)[: max(count, 2 * count)]
        chosen = [seed, *rng.sample(pool, min(len(pool), count - 1))]
    else:
        chosen = rng.sample(agents, count)
    return {(a, d) for a in chosen for d in window(share)}


def _shift_changes(
    ctx: ModelContext, size: float, rng: random.Random, working: set[tuple[AgentId, date]]
) -> tuple[set[tuple[AgentId, date]], set[tuple[AgentId, date]]]:
    """A ``types`` neighbourhood: (the agent-days it frees, those of them that must keep a shift).

    Every agent-day worked in the incumbent is freed but keeps a shift (which one is free), and about
    half of ``size`` of the agents are freed over every day, working or not."""
    agents = [agent.id for agent in ctx.problem.agents]
    chosen = set(rng.sample(agents, min(len(agents), round(size * len(agents) / 2))))
    keep = {key for key in working if key[0] not in chosen}
    return keep | {(a, d) for a in chosen for d in ctx.problem.days}, keep


def _constraint_variables(constraint: Any) -> set[int]:
    """The variable indices a constraint reads (literals and linear expressions alike)."""
    found: set[int] = {ref if ref >= 0 else -ref - 1 for ref in constraint.enforcement_literal}
    if constraint.has_linear():
        found.update(constraint.linear.vars)
    elif constraint.has_lin_max():
        found.update(constraint.lin_max.target.vars)
        for expr in constraint.lin_max.exprs:
            found.update(expr.vars)
    else:
        for kind in ("at_most_one", "exactly_one", "bool_or", "bool_and"):
            if getattr(constraint, f"has_{kind}")():
                found.update(ref if ref >= 0 else -ref - 1 for ref in getattr(constraint, kind).literals)
                break
        else:
            raise ValueError(f"constraint kind not handled by the neighbourhood search: {constraint}")
    return found


class SubModels:
    """Small models of one neighbourhood: the freed decisions, the constraints they touch, nothing else.

    A neighbourhood frees some decision variables; every other decision keeps the incumbent's value.
    An auxiliary variable (a works-that-day Boolean, a count, a shortage, a spread, a weekend flag) is
    freed when a constraint joins it to a freed variable, directly or through other auxiliaries (a
    weekend flag hangs on works-that-day Booleans, not on the shifts themselves), except that a variable
    *defined* by an equality over decisions (``works == sum(shifts)``) is freed only through that
    definition: with its decisions fixed, its value is the incumbent's. Every constraint reading a freed
    variable is kept, with its other variables fixed to the incumbent; the rest are left out, since they
    read only fixed values the incumbent already satisfies. So a few agents' worth of constraints reach
    CP-SAT instead of the whole model, and its presolve takes milliseconds rather than a large share of
    each step.
    """

    def __init__(self, ctx: ModelContext) -> None:
        proto = ctx.model.proto
        self.source = ctx.model
        self.variables = [_constraint_variables(c) for c in proto.constraints]
        self.reading: dict[int, list[int]] = {}
        for index, variables in enumerate(self.variables):
            for var in variables:
                self.reading.setdefault(var, []).append(index)
        self.decisions = {var.index for shifts in ctx.shifts.values() for var in shifts.values()} | {
            p.count.index
            for group in ctx.groups
            for p in group.placements
            if isinstance(p.count, cp_model.IntVar)
        }
        self.defined = self._definitions(proto)
        self.objective = set(proto.objective.vars)
        self.coefficients = list(zip(proto.objective.vars, proto.objective.coeffs, strict=True))
        self.upper = [variable.domain[len(variable.domain) - 1] for variable in proto.variables]
        self.owners: dict[int, list[tuple[AgentId, date]]] = {}
        for key, shifts in ctx.shifts.items():
            for shift_var in shifts.values():
                self.owners[shift_var.index] = [key]
        for group in ctx.groups:
            for placement in group.placements:
                if isinstance(placement.count, cp_model.IntVar):
                    self.owners[placement.count.index] = [(m, group.day) for m in group.members]
        self.empty = cp_model.CpModel()
        for variable in proto.variables:
            self.empty.proto.variables.add().copy_from(variable)
        self.empty.proto.objective.copy_from(proto.objective)

    def _definitions(self, proto: Any) -> dict[int, int]:
        """Auxiliary variable -> the constraint defining it: an unconditional equality whose every other
        variable is a decision or itself defined (``works == sum(shifts)``, ``count == sum(works)``)."""
        defined: dict[int, int] = {}
        changed = True
        while changed:
            changed = False
            for index, constraint in enumerate(proto.constraints):
                if constraint.enforcement_literal or not constraint.has_linear():
                    continue
                domain = constraint.linear.domain
                if len(domain) != 2 or domain[0] != domain[1]:
                    continue
                open_ = [
                    var
                    for var in constraint.linear.vars
                    if var not in self.decisions and defined.get(var, index) == index
                ]
                if len(open_) == 1 and open_[0] not in defined:
                    defined[open_[0]] = index
                    changed = True
        return defined

    def model(
        self, free: set[int], values: list[int], one_of: Sequence[Sequence[int]] = ()
    ) -> tuple[cp_model.CpModel, set[int]]:
        """The neighbourhood's model (``free`` decision variables, the rest fixed to ``values``) and the
        variables it may change; only those are to be read from its solution (see :meth:`merge`).
        Each of ``one_of`` (freed Booleans: an agent-day's shifts) must have exactly one set."""
        loose = set(free)
        seen: set[int] = set()  # constraints reading a freed variable: the ones kept
        reached = list(free)
        while reached:
            var = reached.pop()
            for index in self.reading.get(var, ()):
                if index in seen:
                    continue
                seen.add(index)
                for other in self.variables[index]:
                    if other in loose or other in self.decisions:
                        continue
                    if self.defined.get(other, index) != index:
                        continue  # its own definition decides whether it moves
                    loose.add(other)
                    reached.append(other)
        kept = sorted(seen)
        sub = self.empty.clone()
        constraints = self.source.proto.constraints
        for index in kept:
            sub.proto.constraints.add().copy_from(constraints[index])
        pinned = {var for index in kept for var in self.variables[index]} | self.objective
        variables = sub.proto.variables
        for var in pinned - loose:
            domain = variables[var].domain
            domain.clear()
            domain.extend([values[var], values[var]])
        for literals in one_of:
            sub.proto.constraints.add().exactly_one.literals.extend(literals)
        sub.proto.solution_hint.vars.extend(range(len(values)))
        sub.proto.solution_hint.values.extend(values)
        return sub, loose

    def hot_spot(
        self, values: list[int], rng: random.Random, power: float = 1.0
    ) -> list[tuple[AgentId, date]]:
        """Agent-days behind one costly part of the incumbent, picked with probability by its cost to
        ``power``: the decisions read by a constraint on a penalty variable that costs something (a
        short interval, a missed request), or the decision itself when the objective reads it
        directly."""
        costs = []
        for var, coefficient in self.coefficients:
            value = values[var]
            cost = coefficient * value if coefficient > 0 else -coefficient * (self.upper[var] - value)
            if cost > 0:
                costs.append((var, cost))
        if not costs:
            return []
        (var,) = rng.choices([v for v, _ in costs], weights=[c**power for _, c in costs])
        found = list(self.owners.get(var, []))
        for index in self.reading.get(var, ()):
            for other in self.variables[index]:
                found += self.owners.get(other, [])
        return found

    @staticmethod
    def merge(values: list[int], solution: Sequence[int], loose: set[int]) -> list[int]:
        """The incumbent with the neighbourhood's solution in place of the variables it could change
        (the sub-model leaves out constraints on the others, so its values for them mean nothing)."""
        merged = list(values)
        for var in loose:
            merged[var] = solution[var]
        return merged


def _sub_model(base: cp_model.CpModel, fixed: list[tuple[int, int]], hint: list[int]) -> cp_model.CpModel:
    """A copy of ``base`` with the given variables fixed and the whole incumbent as hint."""
    model = base.clone()
    variables = model.proto.variables
    for index, value in fixed:
        domain = variables[index].domain
        domain.clear()
        domain.extend([value, value])
    if hint:
        model.proto.solution_hint.vars.extend(list(range(len(hint))))
        model.proto.solution_hint.values.extend(hint)
    return model


def incumbent_of(ctx: ModelContext, roster: Roster, time_limit_s: float = 10.0) -> _Incumbent | None:
    """A roster as a solution of ``ctx``'s model: every variable's value (the decisions from the
    roster, the rest completed by CP-SAT) and its objective; ``None`` if the model refuses it."""
    try:
        decisions = roster_decisions(ctx, roster.cells)
    except ValueError:
        return None
    return _completed(ctx, decisions, time_limit_s)


def incumbent_of_schedules(
    ctx: ModelContext, schedules: Mapping[AgentId, Sequence[str | None]], time_limit_s: float = 10.0
) -> _Incumbent | None:
    """Each agent's shift (or rest) per day as a solution of ``ctx``'s model, the rest of it (queues,
    breaks, counts) completed by CP-SAT; ``None`` if the model refuses it."""
    days = {day: index for index, day in enumerate(ctx.problem.days)}
    decisions = [
        (var.index, int(schedules[agent_id][days[day]] == code))
        for (agent_id, day), shifts in ctx.shifts.items()
        for code, var in shifts.items()
    ]
    return _completed(ctx, decisions, time_limit_s)


def _completed(ctx: ModelContext, decisions: list[tuple[int, int]], time_limit_s: float) -> _Incumbent | None:
    """The solution of ``ctx``'s model with ``decisions`` (variable index, value) fixed and the rest
    completed by CP-SAT, and its objective; ``None`` if the model refuses them."""
    solver = cp_model.CpSolver()
    solver.parameters.num_workers = 1
    solver.parameters.max_time_in_seconds = time_limit_s
    code = solver.solve(_sub_model(ctx.model, decisions, []))
    if code not in (cp_model.OPTIMAL, cp_model.FEASIBLE):
        return None
    return _Incumbent(list(solver.response_proto.solution), round(solver.objective_value))


def roster_of(ctx: ModelContext, incumbent: _Incumbent) -> Roster:
    """The roster an incumbent's variable values describe."""
    return _extract(ctx, _Values(dict(enumerate(incumbent.values))))


def _result(
    ctx: ModelContext,
    incumbent: _Incumbent,
    bound: float | None,
    proven: bool,
    elapsed: float,
) -> RosterResult:
    """Judge the incumbent by the rules' check faces, as ``solve`` does."""
    fixed = _sub_model(ctx.model, list(enumerate(incumbent.values)), [])
    solver = cp_model.CpSolver()
    solver.parameters.num_workers = 1
    solver.parameters.max_time_in_seconds = 10.0
    if solver.solve(fixed) not in (cp_model.OPTIMAL, cp_model.FEASIBLE):
        raise RuntimeError("the incumbent roster no longer satisfies its own model")
    return judge(ctx.problem, _extract(ctx, solver), bound, proven, elapsed)


class _HandOver(cp_model.CpSolverSolutionCallback):
    """Stops the first phase at its first roster found after ``at`` (``time.perf_counter()``), and
    remembers whether it has found one (see :func:`_ends_at`)."""

    def __init__(self, at: float) -> None:
        super().__init__()
        self.at = at
        self.found = False

    def on_solution_callback(self) -> None:
        self.found = True
        if time.perf_counter() >= self.at:
            self.stop_search()


@contextmanager
def _ends_at(solver: cp_model.CpSolver, handover: _HandOver, end: float) -> Iterator[None]:
    """While inside, stops ``solver`` at ``end`` (``time.perf_counter()``) if it has a roster by then;
    if not, ``handover`` stops it at its first (``handover.at`` is no later than ``end``)."""

    def watch(done: threading.Event) -> None:
        if not done.wait(max(0.0, end - time.perf_counter())) and handover.found:
            solver.stop_search()

    with watching(watch, "wfm-first-phase-end"):
        yield


def solve_in_phases(
    problem: RosterProblem,
    settings: SolveSettings | None = None,
    plan: NeighbourhoodPlan | None = None,
) -> RosterResult:
    """Whole-model search, then neighbourhood search, within ``settings.time_limit_s`` in all.

    ``settings`` (subsolvers, linearization, workers, seed) shape the first phase; neighbourhoods are
    solved with CP-SAT's default subsolvers on the same number of workers. A first phase with no roster
    at the end of its share goes on to its first one rather than giving up: on Curtois Instance12
    doubled, CP-SAT's first roster sometimes comes at 7.5 s of a 6 s share, and the whole-model solve
    this fell back to before ended 74-102% above twice the best known where the neighbourhoods reach
    13-22% (2026-12-04). Only if the phase ends with no roster at all (infeasible, or none in the whole
    time) does one whole-model solve take the time left, to say why. Setting ``settings.stop`` ends
    either phase early, keeping the best roster found.
    """
    settings = settings or SolveSettings()
    plan = plan or NeighbourhoodPlan()
    started = time.perf_counter()
    deadline = started + settings.time_limit_s
    ctx, cost = rules_model(problem, work_days=True)
    ctx.model.minimize(cost)
    columns_until = None
    if plan.columns_share is not None and decomposes(problem):
        columns_until = started + settings.time_limit_s * plan.columns_share
    if columns_until is not None and plan.columns_first:
        found = _first_by_columns(ctx, settings, columns_until)
        if found is not None:
            incumbent, bound = found
            least = -math.inf if bound is None else bound
            proven = incumbent.objective <= least
            return _polished(ctx, incumbent, least, proven, deadline, settings, plan, started)
    first = SolveSettings(  # all the time: the phase ends at its share if it has a roster by then
        time_limit_s=max(0.1, deadline - time.perf_counter()),
        workers=settings.workers,
        seed=settings.seed,
        relative_gap=settings.relative_gap,
        log_search=settings.log_search,
        subsolvers=settings.subsolvers,
        linearization_level=settings.linearization_level,
    )
    solver = parameters_for(first)
    end = started + settings.time_limit_s * plan.first_phase_share
    share = plan.handover_share
    handover = _HandOver(end if share is None else started + settings.time_limit_s * share)
    with _ends_at(solver, handover, end), stoppable(solver, settings):
        code = solver.solve(ctx.model, handover)
    if code not in (cp_model.OPTIMAL, cp_model.FEASIBLE):
        from solver.solve import solve

        logger.info("first phase found no roster (%s); falling back to one whole-model solve", code)
        remaining = max(0.1, deadline - time.perf_counter())
        return solve(problem, replace(settings, time_limit_s=remaining))
    bound = solver.best_objective_bound
    incumbent = _Incumbent(list(solver.response_proto.solution), round(solver.objective_value))
    proven = code == cp_model.OPTIMAL
    if not proven and columns_until is not None:  # column generation after the whole model
        found = _first_by_columns(ctx, settings, columns_until)
        if found is not None:
            by_columns, column_bound = found
            if by_columns.objective < incumbent.objective:
                incumbent = by_columns
            bound = bound if column_bound is None else max(bound, column_bound)
            proven = incumbent.objective <= bound
    return _polished(ctx, incumbent, bound, proven, deadline, settings, plan, started)


def _polished(
    ctx: ModelContext,
    incumbent: _Incumbent,
    bound: float,
    proven: bool,
    deadline: float,
    settings: SolveSettings,
    plan: NeighbourhoodPlan,
    started: float,
) -> RosterResult:
    """The first phase's roster improved by the neighbourhoods (unless ``proven`` optimal already) and
    judged; a ``bound`` of ``-inf`` is reported as none."""
    if not proven:
        incumbent = improve(ctx, incumbent, bound, deadline, settings, plan)
    reported = None if bound == -math.inf else bound
    return _result(ctx, incumbent, reported, proven, time.perf_counter() - started)


def _first_by_columns(
    ctx: ModelContext, settings: SolveSettings, until: float
) -> tuple[_Incumbent, float | None] | None:
    """The first phase by column generation (:func:`solver.columns.generate_columns`) until ``until``:
    its roster and its bound rounded up to a whole cost; ``None`` if it found no roster (an agent who
    cannot keep their own rules is left to the whole model, which says why)."""
    try:
        outcome = generate_columns(
            ctx.problem,
            dive_at=until,
            deadline=until,
            workers=settings.workers,
            seed=settings.seed,
            stop=settings.stop,
        )
    except ValueError as error:
        logger.info("column generation gave up (%s); the whole model takes over", error)
        return None
    if outcome is None:
        return None
    incumbent = incumbent_of_schedules(ctx, outcome.schedules)
    if incumbent is None:
        logger.error("column generation's roster breaks the whole model; the whole model takes over")
        return None
    logger.info(
        "columns: LP %.2f (%s), bound %s, %d rounds, %d columns, %d agents fixed, roster %d",
        outcome.lp,
        "solved" if outcome.converged else "not solved",
        outcome.bound,
        outcome.rounds,
        outcome.columns,
        outcome.fixed,
        incumbent.objective,
    )
    return incumbent, integral_bound(outcome.bound)


def improve(
    ctx: ModelContext,
    incumbent: _Incumbent,
    bound: float,
    deadline: float,
    settings: SolveSettings,
    plan: NeighbourhoodPlan,
) -> _Incumbent:
    """The neighbourhood loop: free part of the roster, fix the rest to the incumbent, re-solve, keep
    what is no worse; until ``deadline`` (``time.perf_counter()``) or the incumbent meets ``bound``.

    One neighbourhood per worker is in flight at any time (one CP-SAT worker each: the neighbourhoods
    are small); as soon as one finishes, the next starts from the incumbent of that moment, so no worker
    waits for a slower neighbourhood. A finished neighbourhood is merged into the incumbent it started
    from (a whole, consistent roster) and kept if it is no worse than the incumbent now. Each kind of
    neighbourhood keeps its own size: it grows after a neighbourhood solved to optimality within the
    step time and shrinks after one that was not. Setting ``settings.stop`` ends the loop within about
    0.1 s: no neighbourhood starts after it, and the running ones are stopped.
    """
    rng = random.Random(settings.seed)
    start, least = plan.size, plan.min_size
    if plan.start_agent_days is not None:
        total = max(1, len(ctx.problem.agents) * len(ctx.problem.days))
        start = min(plan.size, plan.start_agent_days / total)
        least = min(plan.min_size, start)
    kinds = plan.kinds or DEFAULT_KINDS
    sizes = dict.fromkeys(kinds, start)
    models = SubModels(ctx)
    steps = improved = 0
    running: dict[Future[Any], tuple[str, set[int], cp_model.CpSolver, _Incumbent]] = {}
    with ThreadPoolExecutor(max_workers=settings.workers) as pool:
        while True:
            remaining = deadline - time.perf_counter()
            stopped = settings.stopped
            if stopped:
                for _, _, running_solver, _ in running.values():
                    running_solver.stop_search()
            while (
                not stopped
                and len(running) < settings.workers
                and remaining >= 0.1
                and incumbent.objective > bound + 1e-6
            ):
                kind = rng.choice(kinds)
                hot = (
                    models.hot_spot(incumbent.values, rng, plan.spot_weight_power)
                    if kind in ("hot", "pair")
                    else None
                )
                halves = half_weekends(ctx, incumbent.values) if kind == "halves" else None
                keep: set[tuple[AgentId, date]] = set()
                if kind == "types":
                    free, keep = _shift_changes(ctx, sizes[kind], rng, working_days(ctx, incumbent.values))
                else:
                    free = _neighbourhood(ctx, kind, sizes[kind], rng, hot, halves)
                fixed = {index for index, _ in _fixed_outside(ctx, free, incumbent.values)}
                one_of = [[var.index for var in ctx.shifts[key].values()] for key in keep]
                sub, loose = models.model(models.decisions - fixed, incumbent.values, one_of)
                solver = cp_model.CpSolver()
                solver.parameters.max_time_in_seconds = max(0.05, min(plan.step_s, remaining))
                solver.parameters.num_workers = 1
                solver.parameters.random_seed = rng.randrange(1 << 30)
                solver.parameters.cp_model_probing_level = 0
                solver.parameters.symmetry_level = 0
                solver.parameters.linearization_level = 2  # ~10x faster to a proven optimum here
                running[pool.submit(solver.solve, sub)] = (kind, loose, solver, incumbent)
            if not running:
                break
            done, _ = wait(
                running, timeout=None if settings.stop is None else 0.1, return_when=FIRST_COMPLETED
            )
            for future in done:
                kind, loose, solver, base = running.pop(future)
                code = future.result()
                steps += 1
                if code == cp_model.OPTIMAL:
                    sizes[kind] = min(plan.max_size, sizes[kind] * plan.grow)
                else:
                    sizes[kind] = max(least, sizes[kind] * plan.shrink)
                if code not in (cp_model.OPTIMAL, cp_model.FEASIBLE):
                    continue
                value = round(solver.objective_value)
                if value > incumbent.objective:
                    continue
                if value < incumbent.objective:
                    improved += 1
                    logger.info("neighbourhoods: %d -> %d (%s)", incumbent.objective, value, kind)
                solution = list(solver.response_proto.solution)
                incumbent = _Incumbent(SubModels.merge(base.values, solution, loose), value)
    logger.info("%d neighbourhoods, %d improving; sizes %s", steps, improved, sizes)
    return incumbent
