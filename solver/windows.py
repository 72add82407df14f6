"""A long horizon cut into windows (calendar weeks): smaller problems the solver handles much faster.

Two ways to cut a :class:`~solver.problem.RosterProblem` down to a window of days:

- :func:`relaxed_window` keeps every rule instance lying wholly inside the window and drops the
  ones reaching outside it (consecutive days, rest between shifts and day-to-day changes across its
  edges; fairness over the whole horizon); each agent's horizon totals (minutes, days) become the
  bounds they imply for the window alone. It is a *relaxation*: any roster of the whole horizon,
  cut to the window, is a roster of it costing no more. So the sum over disjoint windows of proven
  lower bounds of their relaxations is a proven lower bound of the whole problem.
- :func:`rolling_window` plans the window *after* the days before it are decided: those days become
  history (so consecutive days and rest between shifts hold across the edge), and each agent's
  totals are what is left of them. Rosters of successive rolling windows join into a roster of the
  whole horizon that breaks no hard rule the windows could see; fairness over the horizon is left to
  a search over the whole roster afterwards.
"""

from __future__ import annotations

import logging
import math
import threading
import time
from collections.abc import Sequence
from dataclasses import replace
from datetime import date, timedelta

from ortools.sat.python import cp_model

from solver.context import ModelContext, allowed_shifts, build_context
from solver.problem import AgentTerms, RosterProblem, WeekLimits, week_starts
from solver.rules.contract import weekends
from solver.solve import RosterResult, SolveSettings, _extract, parameters_for, post_rules
from wfm.domain import Agent, CellKind, PlanningHorizon, Roster, RosterCell

logger = logging.getLogger(__name__)


def week_windows(problem: RosterProblem) -> list[tuple[date, ...]]:
    """The horizon's days grouped by calendar week (Monday to Sunday), in order."""
    windows = []
    for monday in week_starts(problem.horizon):
        days = tuple(d for d in (monday + timedelta(days=i) for i in range(7)) if d in problem.horizon)
        if days:
            windows.append(days)
    return windows


def _longest_paid(problem: RosterProblem, agent: Agent) -> int:
    return max((t.paid_minutes for t in allowed_shifts(problem, agent)), default=0)


def capacity(problem: RosterProblem, agent: Agent, days: Sequence[date]) -> tuple[int, int]:
    """(days, paid minutes): at most what ``agent`` can work among ``days`` (in order) under the whole
    problem's rules: open days, at most 7 - rest days in a calendar week the rest-day rule judges,
    each week's contract limits, the longest shift the agent may work each day."""
    if not days:
        return 0, 0
    rest = problem.rules.rest_days_per_week if problem.enforce_site_rules else 0
    terms = problem.terms.get(agent.id) or AgentTerms()
    longest = _longest_paid(problem, agent)
    total_days = total_minutes = 0
    for monday in week_starts(PlanningHorizon(start=days[0], days=(days[-1] - days[0]).days + 1)):
        week = [monday + timedelta(days=i) for i in range(7)]
        here = [
            d
            for d in week
            if d in days and (agent.id, d) not in problem.leave and (agent.id, d) not in problem.unavailable
        ]
        count = len(here)
        judged = all(d in problem.horizon or problem.history_cell(agent.id, d) is not None for d in week)
        if rest and judged:
            before = sum(
                1
                for d in week
                if d not in problem.horizon
                and (cell := problem.history_cell(agent.id, d)) is not None
                and cell.kind is CellKind.SHIFT
            )
            count = min(count, max(0, 7 - rest - before))
        limits = terms.weeks.get(monday)
        if limits is not None and limits.max_days is not None:
            count = min(count, limits.max_days)
        minutes = count * longest
        if limits is not None and limits.max_minutes is not None:
            minutes = min(minutes, limits.max_minutes)
        total_days += count
        total_minutes += minutes
    return total_days, total_minutes


def _weeks_in(terms: AgentTerms, window: Sequence[date]) -> dict[date, WeekLimits]:
    """The weekly limits of the calendar weeks the window touches."""
    return {
        monday: limits
        for monday, limits in terms.weeks.items()
        if monday <= window[-1] and monday + timedelta(days=6) >= window[0]
    }


def _implied_terms(problem: RosterProblem, agent: Agent, window: Sequence[date]) -> AgentTerms:
    """The agent's horizon totals as bounds on the window alone: at most the total, at least what the
    rest of the horizon cannot make up; the weekly limits of the window's weeks as they are."""
    terms = problem.terms.get(agent.id)
    if terms is None:
        return AgentTerms()
    other_days, other_minutes = capacity(problem, agent, [d for d in problem.days if d not in window])
    return replace(
        terms,
        min_minutes=None if terms.min_minutes is None else max(0, terms.min_minutes - other_minutes) or None,
        min_days=None if terms.min_days is None else max(0, terms.min_days - other_days) or None,
        weeks=_weeks_in(terms, window),
    )


def _in_window(problem: RosterProblem, window: Sequence[date]) -> dict[str, object]:
    inside = set(window)
    return {
        "horizon": PlanningHorizon(start=window[0], days=len(window)),
        "leave": {key: kind for key, kind in problem.leave.items() if key[1] in inside},
        "unavailable": frozenset(key for key in problem.unavailable if key[1] in inside),
        "requests": tuple(r for r in problem.requests if r.day in inside),
        "shift_cover": tuple(c for c in problem.shift_cover if c.day in inside),
        "pinned": tuple(c for c in problem.pinned if c.day in inside),
        "previous": None
        if problem.previous is None
        else Roster(
            horizon=PlanningHorizon(start=window[0], days=len(window)),
            cells=tuple(c for c in problem.previous.cells if c.day in inside),
        ),
    }


def relaxed_window(problem: RosterProblem, window: Sequence[date]) -> RosterProblem:
    """The relaxation of ``problem`` on the consecutive days ``window`` (see the module doc)."""
    first_window = window[0] == problem.horizon.start
    return replace(
        problem,
        **_in_window(problem, window),  # type: ignore[arg-type]
        history=problem.history if first_window else (),
        terms={a.id: _implied_terms(problem, a, window) for a in problem.agents},
        weights=replace(problem.weights, fairness_late=0, fairness_weekend=0),
    )


def _left_after(
    problem: RosterProblem, agent: Agent, window: Sequence[date], done: list[RosterCell]
) -> AgentTerms:
    """What is left of the agent's horizon totals for ``window`` once ``done`` (the days before it) are
    worked, leaving room for the days after it.

    An agent without weekly limits in the window is also held to the window's share of what is left
    of their minutes and days (at least its share rounded down, at most rounded up), so that no
    window takes what the later ones need or leaves the minimum to the last one.
    """
    terms = problem.terms.get(agent.id)
    if terms is None:
        return AgentTerms()
    shifts = [c for c in done if c.kind is CellKind.SHIFT and c.shift is not None]
    used_minutes = sum(problem.shift(str(c.shift)).paid_minutes for c in shifts)
    later_days, later_minutes = capacity(problem, agent, [d for d in problem.days if d > window[-1]])
    here_days, here_minutes = capacity(problem, agent, window)
    weekly = _weeks_in(terms, window)
    spread = not weekly

    def at_least(total: int | None, used: int, here: int, later: int) -> int | None:
        if total is None:
            return None
        left = max(0, total - used)
        share = math.floor(left * here / (here + later)) if spread and here + later else 0
        return max(left - later, share)

    def at_most(total: int | None, used: int, here: int, later: int) -> int | None:
        if total is None:
            return None
        left = max(0, total - used)
        return math.ceil(left * here / (here + later)) if spread and here + later else left

    worked_weekends = sum(1 for pair in weekends(problem.days) if any(c.day in pair for c in shifts))
    return replace(
        terms,
        min_minutes=at_least(terms.min_minutes, used_minutes, here_minutes, later_minutes),
        max_minutes=at_most(terms.max_minutes, used_minutes, here_minutes, later_minutes),
        min_days=at_least(terms.min_days, len(shifts), here_days, later_days),
        max_days=at_most(terms.max_days, len(shifts), here_days, later_days),
        max_shifts={
            code: max(0, limit - sum(1 for c in shifts if c.shift == code))
            for code, limit in terms.max_shifts.items()
        },
        max_weekends=None if terms.max_weekends is None else max(0, terms.max_weekends - worked_weekends),
        weeks=weekly,
    )


def rolling_window(
    problem: RosterProblem, window: Sequence[date], done: Sequence[RosterCell]
) -> RosterProblem:
    """The problem of planning ``window`` once ``done`` (every cell of the horizon before it) is fixed.

    Fairness over the horizon is left out (it is judged on the whole roster).
    """
    before = [c for c in done if c.day < window[0]]
    by_agent: dict[str, list[RosterCell]] = {}
    for cell in before:
        by_agent.setdefault(cell.agent_id, []).append(cell)
    return replace(
        problem,
        **_in_window(problem, window),  # type: ignore[arg-type]
        history=tuple(problem.history) + tuple(before),
        terms={a.id: _left_after(problem, a, window, by_agent.get(a.id, [])) for a in problem.agents},
        weights=replace(problem.weights, fairness_late=0, fairness_weekend=0),
    )


SPLIT_AGENT_DAYS = 1500
"""Horizons of two or more weeks with at least this many agent-days are solved week by week."""

WINDOW_SHARE = 0.75
"""Share of the time limit for the week-by-week solves; the rest polishes the whole roster."""

WINDOW_GAP = 0.003
"""A week's solve stops once its roster is this close to its own bound."""


def should_split(problem: RosterProblem) -> bool:
    """Whether :func:`solve_by_weeks` suits the problem better than one whole-horizon model."""
    return (
        problem.interval_cover is not None
        and len(week_windows(problem)) > 1
        and len(problem.agents) * problem.horizon.days >= SPLIT_AGENT_DAYS
    )


def _model(problem: RosterProblem) -> ModelContext:
    ctx = build_context(problem)
    terms = post_rules(ctx)
    ctx.model.minimize(sum((term.weight * term.expr for term in terms), 0))
    return ctx


def _window_solver(settings: SolveSettings, time_limit_s: float, workers: int) -> cp_model.CpSolver:
    solver = parameters_for(replace(settings, time_limit_s=max(0.1, time_limit_s), workers=workers))
    solver.parameters.log_search_progress = False
    return solver


class _Bounds:
    """Proven lower bounds of the weeks' relaxations, computed beside the rolling solves."""

    def __init__(self, problem: RosterProblem, windows: list[tuple[date, ...]], budget_s: float) -> None:
        self.problem, self.windows, self.budget_s = problem, windows, budget_s
        self.values: list[float] = []
        self.infeasible = False

    def run(self, settings: SolveSettings) -> None:
        for window in self.windows:
            solver = _window_solver(settings, self.budget_s, 1)
            code = solver.solve(_model(relaxed_window(self.problem, window)).model)
            if code == cp_model.INFEASIBLE:
                self.infeasible = True
                return
            if not math.isfinite(solver.best_objective_bound):
                return
            self.values.append(solver.best_objective_bound)

    @property
    def total(self) -> float | None:
        return sum(self.values) if len(self.values) == len(self.windows) else None


def solve_by_weeks(problem: RosterProblem, settings: SolveSettings) -> RosterResult:
    """Solve a long horizon week by week, prove a bound from the weeks' relaxations, then polish.

    1. Each calendar week is solved in turn as a :func:`rolling_window` (the weeks before it fixed),
       with CP-SAT's LP-heavy ``max_lp`` subsolver, whose dive finds a near-optimal week quickly; at the
       same time, on another worker, each week's :func:`relaxed_window` is solved for its lower bound.
       Their sum bounds the whole problem.
    2. The weeks joined are the starting roster of a neighbourhood search over the whole horizon with
       every rule (fairness across the horizon and the weeks' edges included).

    Falls back to one whole-horizon solve (:func:`solver.solve.solve_whole`) if a week cannot be
    solved or a week's relaxation is infeasible (then the whole problem is, and that solve says why).
    """
    from solver.search import NeighbourhoodPlan, improve, incumbent_of, roster_of
    from solver.solve import judge, solve_whole

    started = time.perf_counter()
    deadline = started + settings.time_limit_s - min(1.0, 0.02 * settings.time_limit_s)  # judging time
    windows = week_windows(problem)
    budget = settings.time_limit_s * WINDOW_SHARE / len(windows)
    bounds = _Bounds(problem, windows, budget)
    parallel = settings.workers >= 2
    thread = threading.Thread(target=bounds.run, args=(settings,), daemon=True) if parallel else None
    if thread is not None:
        thread.start()
    done: list[RosterCell] = []
    for index, window in enumerate(windows):
        ctx = _model(rolling_window(problem, window, done))
        left = len(windows) - index
        time_s = min(budget, (deadline - time.perf_counter()) * WINDOW_SHARE / left)
        solver = _window_solver(settings, time_s, max(1, settings.workers - 1))
        solver.parameters.subsolvers.append("max_lp")
        solver.parameters.relative_gap_limit = max(settings.relative_gap, WINDOW_GAP)
        code = solver.solve(ctx.model)
        if code not in (cp_model.OPTIMAL, cp_model.FEASIBLE):
            logger.info(
                "week of %s: %s; solving the whole horizon instead", window[0], solver.status_name(code)
            )
            if thread is not None:
                thread.join()
            return solve_whole(
                problem, replace(settings, time_limit_s=max(0.1, deadline - time.perf_counter()))
            )
        done += [c for c in _extract(ctx, solver).cells]
        logger.info("week of %s: %s %.0f", window[0], solver.status_name(code), solver.objective_value)
    if thread is not None:
        thread.join()
    else:
        bounds.budget_s = max(0.1, (deadline - time.perf_counter()) / (2 * len(windows)))
        bounds.run(settings)
    if bounds.infeasible:
        return solve_whole(problem, replace(settings, time_limit_s=max(0.1, deadline - time.perf_counter())))
    roster = Roster(horizon=problem.horizon, cells=tuple(done))
    bound = bounds.total
    ctx = _model(problem)
    incumbent = incumbent_of(ctx, roster)
    if incumbent is not None:
        incumbent = improve(
            ctx, incumbent, bound if bound is not None else -math.inf, deadline, settings, NeighbourhoodPlan()
        )
        roster = roster_of(ctx, incumbent)
    return judge(problem, roster, bound, False, time.perf_counter() - started)
