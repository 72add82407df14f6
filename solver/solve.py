"""Solve a :class:`~solver.problem.RosterProblem` with CP-SAT, and judge any roster by the same rules."""

from __future__ import annotations

import logging
import math
import threading
import time
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from datetime import date
from enum import StrEnum

from ortools.sat.python import cp_model, cp_model_helper

from solver.context import ModelContext, add_work_day_variables, build_context
from solver.problem import RosterProblem
from solver.rules import REGISTRY, PenaltyTerm, Violation
from wfm.domain import CellKind, Roster, RosterCell

logger = logging.getLogger(__name__)


class RosterStatus(StrEnum):
    OPTIMAL = "optimal"
    FEASIBLE = "feasible"
    INFEASIBLE = "infeasible"
    NO_SOLUTION = "no solution within the time limit"
    INVALID_INPUT = "invalid input"


@dataclass(frozen=True)
class SolveSettings:
    """How long and how hard to search; every field reaches ``solver.parameters``."""

    time_limit_s: float = 10.0
    workers: int = 2
    seed: int = 0
    relative_gap: float = 0.0
    log_search: bool = False
    subsolvers: tuple[str, ...] = ()
    """CP-SAT full subsolvers to run, first first (``("max_lp",)``); empty keeps CP-SAT's own list."""
    linearization_level: int | None = None
    """0-2: how much of the model CP-SAT puts in its LP relaxation; ``None`` keeps its default."""
    lp_dives: bool | None = None
    """Search by LP-guided dives (:func:`lp_dives`) when no ``subsolvers`` are named. ``None``: for a
    centre's roster (coverage per queue and interval), not otherwise; ``False`` keeps CP-SAT's own
    list (the benchmark's baseline)."""
    stop: threading.Event | None = field(default=None, compare=False, repr=False)
    """Set it (from any thread) to end the search early: the best roster so far is kept."""

    @property
    def stopped(self) -> bool:
        """Whether ``stop`` has been set."""
        return self.stop is not None and self.stop.is_set()

    def __post_init__(self) -> None:
        if self.time_limit_s <= 0:
            raise ValueError("time_limit_s: must be above 0")
        if self.workers < 1:
            raise ValueError("workers: must be 1 or more")


@contextmanager
def watching(watch: Callable[[threading.Event], None], name: str) -> Iterator[None]:
    """While inside, ``watch(done)`` runs in a thread of its own; on leaving, ``done`` is set and the
    thread joined."""
    done = threading.Event()
    watcher = threading.Thread(target=watch, args=(done,), name=name, daemon=True)
    watcher.start()
    try:
        yield
    finally:
        done.set()
        watcher.join()


@contextmanager
def stoppable(solver: cp_model.CpSolver, settings: SolveSettings) -> Iterator[None]:
    """While inside, setting ``settings.stop`` stops ``solver``'s search (checked every 0.1 s)."""
    if settings.stop is None:
        yield
        return
    stop = settings.stop

    def watch(done: threading.Event) -> None:
        while not done.is_set():
            if stop.wait(0.1):
                solver.stop_search()
                done.wait(0.1)

    with watching(watch, "wfm-solve-stop"):
        yield


def parameters_for(settings: SolveSettings) -> cp_model.CpSolver:
    """A CP-SAT solver whose parameters carry the settings (not attributes that would be ignored)."""
    solver = cp_model.CpSolver()
    solver.parameters.max_time_in_seconds = settings.time_limit_s
    solver.parameters.num_workers = settings.workers
    solver.parameters.random_seed = settings.seed
    solver.parameters.relative_gap_limit = settings.relative_gap
    solver.parameters.log_search_progress = settings.log_search
    if settings.subsolvers:
        solver.parameters.subsolvers.extend(settings.subsolvers)
    if settings.linearization_level is not None:
        solver.parameters.linearization_level = settings.linearization_level
    if settings.lp_dives and not settings.subsolvers:
        lp_dives(solver, settings.workers)
    return solver


@dataclass(frozen=True)
class RosterResult:
    """What the solver found, and why the roster is what it is.

    ``objective`` is recomputed from the roster by the rules' check faces (``cost_by_rule``), so it is
    the roster's true cost even when the search stopped early; ``lower_bound`` is CP-SAT's proven bound
    and ``gap`` the relative distance between them.
    """

    status: RosterStatus
    roster: Roster | None
    objective: int | None
    lower_bound: float | None
    gap: float | None
    solve_seconds: float
    cost_by_rule: dict[str, int] = field(default_factory=dict)
    soft_violations: tuple[Violation, ...] = ()
    hard_violations: tuple[Violation, ...] = ()
    explanation: tuple[str, ...] = ()
    message: str = ""

    @property
    def solved(self) -> bool:
        return self.status in (RosterStatus.OPTIMAL, RosterStatus.FEASIBLE)


def post_rules(ctx: ModelContext) -> list[PenaltyTerm]:
    """Every applicable rule's model face, in registry order; the soft terms they return."""
    terms: list[PenaltyTerm] = []
    for unit in REGISTRY:
        if unit.applies(ctx.problem):
            terms += unit.add_to(ctx)
    return terms


def rules_model(
    problem: RosterProblem, *, work_days: bool = False
) -> tuple[ModelContext, cp_model.LinearExpr]:
    """A new model of ``problem`` with every applicable rule's model face posted, and its cost: the sum
    of the soft rules' weighted terms, for the caller to minimise (at once, or after a phase without
    it). ``work_days`` gives each agent-day an explicit works-that-day Boolean first
    (:func:`~solver.context.add_work_day_variables`)."""
    ctx = build_context(problem)
    if work_days:
        add_work_day_variables(ctx)
    terms = post_rules(ctx)
    return ctx, cp_model.LinearExpr.weighted_sum([t.expr for t in terms], [t.weight for t in terms])


def check_roster(problem: RosterProblem, cells: Sequence[RosterCell]) -> list[Violation]:
    """Every rule's check face on a given roster: hard violations and soft costs, in registry order."""
    found: list[Violation] = []
    for unit in REGISTRY:
        if unit.applies(problem):
            found += unit.check(problem, cells)
    return found


def _extract(ctx: ModelContext, solver: cp_model.CpSolver | _Values) -> Roster:
    """The roster of a solution: each agent-day's shift, and each group's placements handed to the
    group's working members in order."""
    problem = ctx.problem
    pinned_leave = {
        (c.agent_id, c.day): c.leave_type for c in problem.pinned if c.kind is CellKind.LEAVE and c.leave_type
    }
    placed: dict[tuple[str, date], RosterCell] = {}
    for group in ctx.groups:
        working = [a for a in group.members if solver.value(ctx.shifts[(a, group.day)][group.shift])]
        slots = [
            (placement.queue, placement.break_start)
            for placement in group.placements
            for _ in range(int(solver.value(placement.count)))
        ]
        for agent_id, (queue, break_start) in zip(working, slots, strict=True):
            placed[(agent_id, group.day)] = RosterCell.working(
                agent_id, group.day, group.shift, queue, break_start
            )
    cells = []
    for agent in problem.agents:
        for day in problem.days:
            key = (agent.id, day)
            if key in problem.leave or key in pinned_leave:
                cells.append(RosterCell.leave(agent.id, day, problem.leave.get(key) or pinned_leave[key]))
            else:
                cells.append(placed.get(key) or RosterCell.rest(agent.id, day))
    return Roster(horizon=problem.horizon, cells=tuple(cells))


class _Values:
    """A solution kept from phase one, answering ``value(var)`` like a solver does."""

    def __init__(self, values: dict[int, int]) -> None:
        self._values = values

    def value(self, expr: cp_model.LinearExprT) -> int:
        if isinstance(expr, int):
            return expr
        if isinstance(expr, cp_model.IntVar):
            return self._values.get(expr.index, 0)
        flat = cp_model_helper.FlatIntExpr(expr)  # type: ignore[arg-type]
        return int(flat.offset) + sum(
            self._values.get(var.index, 0) * coefficient
            for var, coefficient in zip(flat.vars, flat.coeffs, strict=True)
        )


def _feasible_first(ctx: ModelContext, settings: SolveSettings) -> _Values | None:
    """Phase one: any roster meeting the hard rules, kept in case the optimisation finds none.

    Without an objective CP-SAT finds one in a fraction of a second on the sample week (up to a
    quarter of the time limit is allowed). It is *not* given to the optimiser as a hint: a hinted
    search follows the hint first, and the LP-guided dive that finds the good rosters came later and
    worse (sample week at 10 s: 2.4% above the bound with the hint, 1.3% without).
    """
    first = parameters_for(replace(settings, lp_dives=False))  # any roster, fast: no dive needed
    first.parameters.max_time_in_seconds = max(0.1, settings.time_limit_s / 4)
    first.parameters.stop_after_first_solution = True
    with stoppable(first, settings):
        code = first.solve(ctx.model)
    if code not in (cp_model.OPTIMAL, cp_model.FEASIBLE):
        return None
    return _Values(dict(enumerate(first.response_proto.solution)))


LP_DIVES = ("max_lp", "pseudo_costs")
"""The full subsolvers a centre's week is searched with when the settings name none (see :func:`lp_dives`)."""

LP_BOUNDS = ("default_lp", "max_lp")
"""Two LP searches for a lower bound alone: on a 300-agent week their bound settles sooner and higher
than :data:`LP_DIVES`' (988,085 + 974,831 + 957,882 + 974,625 against 988,085 + 973,358 + 957,577 +
969,384 for four weeks in 3 s each)."""


LP_DIVE_AGENT_DAYS = 2500
"""Up to this many agent-days a centre's roster is searched by LP dives when the settings leave it open.
Beyond, a dive does not end in useful time: 300 agents over 4 weeks (8,400) in 60 s stayed 85.6% above
its bound with dives, 66.7% with CP-SAT's own list (such a horizon is solved week by week anyway)."""


LP_DIVE_MIN_S = 10.0
"""Below this time limit a centre's roster is searched with CP-SAT's own list: the dives end after
4.5-8.6 s on the sample week, and a dive that has not ended has no roster to show (a 3 s solve kept
its first roster, 70% above the bound), where CP-SAT's neighbourhoods improve it from the start."""


def search_choice(problem: RosterProblem, settings: SolveSettings) -> SolveSettings:
    """``settings`` with ``lp_dives`` decided where they leave it open (``None``): dives for a centre's
    roster (coverage per queue and interval) of at most :data:`LP_DIVE_AGENT_DAYS`, given at least
    :data:`LP_DIVE_MIN_S`; CP-SAT's own list otherwise."""
    if settings.lp_dives is not None:
        return settings
    size = len(problem.agents) * problem.horizon.days
    dives = (
        problem.interval_cover is not None
        and size <= LP_DIVE_AGENT_DAYS
        and settings.time_limit_s >= LP_DIVE_MIN_S
    )
    return replace(settings, lp_dives=dives)


def lp_dives(solver: cp_model.CpSolver, workers: int, subsolvers: tuple[str, ...] = LP_DIVES) -> None:
    """Search a centre's roster (coverage per queue and interval) by LP-guided dives.

    The good rosters of a week come from one thing: a search guided by the LP relaxation diving to a
    complete roster. With two workers CP-SAT's own list runs one such search beside a thread of
    neighbourhoods, and the dive often does not end within 10 s: on the sample week at 10 s, 3 of 4
    runs stayed 30-39% above the bound. Two LP searches side by side, with the whole relaxation in the
    LP from the start (``add_lp_constraints_lazily=False``), end their dive in time in every run:
    ``max_lp`` (linearization 2) beside ``pseudo_costs`` (LP-guided, branching on pseudo-costs) gave
    rosters of 874,920-877,460 in 10 s on seeds 0-7, 0.99-1.26% above their own bound (mean 1.16%);
    ``default_lp`` beside ``max_lp`` gave 876,020-884,300, 1.03-1.72% (mean 1.33%), same session.
    With one worker, ``max_lp`` alone: 0.9-2.0%. Since coverage counts shortage in whole steps (a
    tighter relaxation, :class:`solver.rules.soft.Coverage`) the pair ends 0.24-0.49% above its bound
    on seeds 0-4, CP-SAT's own list 0.27-3.38% (2026-12-05). ``subsolvers`` names another pair
    (:data:`LP_BOUNDS`).
    """
    if workers >= 2:
        solver.parameters.subsolvers.extend(subsolvers)
        solver.parameters.num_full_subsolvers = len(subsolvers)
        solver.parameters.add_lp_constraints_lazily = False
    else:
        solver.parameters.subsolvers.append("max_lp")


def solve(problem: RosterProblem, settings: SolveSettings | None = None) -> RosterResult:
    """Build the model from every rule, solve it, and report the roster with its costs by rule.

    A long horizon with a large team is solved week by week (:func:`solver.windows.solve_by_weeks`),
    anything else as one model of the whole horizon (:func:`solve_whole`).
    """
    from solver.windows import should_split, solve_by_weeks

    settings = settings or SolveSettings()
    if should_split(problem):
        return solve_by_weeks(problem, settings)
    return solve_whole(problem, settings)


def solve_whole(problem: RosterProblem, settings: SolveSettings) -> RosterResult:
    """One model of the whole horizon: every rule, a feasible roster first, then the optimisation."""
    started = time.perf_counter()
    ctx, cost = rules_model(problem)
    phase_one = _feasible_first(ctx, settings)
    ctx.model.minimize(cost)
    solver = parameters_for(search_choice(problem, settings))
    solver.parameters.max_time_in_seconds = max(0.1, settings.time_limit_s - (time.perf_counter() - started))
    with stoppable(solver, settings):
        code = solver.solve(ctx.model)
    elapsed = time.perf_counter() - started
    if code == cp_model.MODEL_INVALID:
        return RosterResult(
            RosterStatus.INVALID_INPUT, None, None, None, None, elapsed, message=ctx.model.validate()
        )
    if code == cp_model.INFEASIBLE:
        from solver.explain import explain_infeasibility

        reasons = explain_infeasibility(problem, settings)
        return RosterResult(
            RosterStatus.INFEASIBLE,
            None,
            None,
            None,
            None,
            time.perf_counter() - started,
            explanation=tuple(reasons),
            message="the hard rules cannot all hold",
        )
    found: cp_model.CpSolver | _Values = solver
    if code not in (cp_model.OPTIMAL, cp_model.FEASIBLE) and phase_one is not None:
        found, code = phase_one, cp_model.FEASIBLE  # phase two found nothing better: keep phase one's roster
    if code not in (cp_model.OPTIMAL, cp_model.FEASIBLE):
        return RosterResult(
            RosterStatus.NO_SOLUTION,
            None,
            None,
            solver.best_objective_bound,
            None,
            elapsed,
            message=f"no roster found in {settings.time_limit_s:g} s",
        )
    bound = solver.best_objective_bound
    return judge(
        problem,
        _extract(ctx, found),
        bound if math.isfinite(bound) else None,
        code == cp_model.OPTIMAL,
        elapsed,
    )


def judge(
    problem: RosterProblem, roster: Roster, bound: float | None, proven: bool, elapsed: float
) -> RosterResult:
    """A solved roster's result: every rule's check face prices it, so the objective is its true cost.

    ``bound`` is CP-SAT's proven lower bound (``None`` if it has none); ``proven`` says the search
    proved optimality. Hard violations here mean the model and the rules disagree: they are logged
    as an error and reported in the result.
    """
    hard, soft = split_violations(check_roster(problem, roster.cells))
    cost_by_rule: dict[str, int] = {}
    for violation in soft:
        cost_by_rule[violation.rule] = cost_by_rule.get(violation.rule, 0) + violation.cost
    objective = sum(cost_by_rule.values())
    gap = None if bound is None else (0.0 if objective == 0 else max(0.0, (objective - bound) / objective))
    optimal = proven or (bound is not None and objective <= bound)
    status = RosterStatus.OPTIMAL if optimal else RosterStatus.FEASIBLE
    if hard:
        logger.error("solver and rules disagree: %s", "; ".join(str(v) for v in hard))
    return RosterResult(status, roster, objective, bound, gap, elapsed, cost_by_rule, soft, hard)


def split_violations(violations: Sequence[Violation]) -> tuple[tuple[Violation, ...], tuple[Violation, ...]]:
    """(hard, soft): broken hard rules, and what the soft rules charge."""
    hard = tuple(v for v in violations if v.cost == 0 and _is_hard(v.rule))
    soft = tuple(v for v in violations if not _is_hard(v.rule))
    return hard, soft


def _is_hard(rule_name: str) -> bool:
    return any(unit.name == rule_name and unit.hard for unit in REGISTRY)


def worked_cells(roster: Roster) -> list[RosterCell]:
    return [c for c in roster.cells if c.kind is CellKind.SHIFT]
