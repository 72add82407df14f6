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
from typing import TYPE_CHECKING

from ortools.sat.python import cp_model

from solver.context import ModelContext, allowed_shifts
from solver.problem import AgentTerms, RosterProblem, WeekLimits, week_starts
from solver.rules.contract import weekends
from solver.solve import (
    LP_BOUNDS,
    RosterResult,
    SolveSettings,
    _extract,
    lp_dives,
    parameters_for,
    rules_model,
    stoppable,
)
from wfm.domain import Agent, CellKind, PlanningHorizon, Roster, RosterCell

if TYPE_CHECKING:
    from solver.search import NeighbourhoodPlan

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


def capacity(
    problem: RosterProblem, agent: Agent, days: Sequence[date], weekends_left: int | None = None
) -> tuple[int, int]:
    """(days, paid minutes): at most what ``agent`` can work among ``days`` (in order) under the whole
    problem's rules: open days (not on leave, unavailable, or pinned to rest or leave by the
    scheduler), at most 7 - rest days in a calendar week the rest-day rule judges,
    each week's contract limits, the longest shift the agent may work each day.

    With ``weekends_left`` (the worked weekends the agent has left), the days of at most that many
    weekends count: those that add the most (a weekend adds nothing to a week the rest days already
    fill), picked apart for days and for minutes, so both stay upper bounds whichever weekends the
    agent works."""
    if not days:
        return 0, 0
    rest = problem.rules.rest_days_per_week if problem.enforce_site_rules else 0
    terms = problem.terms.get(agent.id) or AgentTerms()
    longest = _longest_paid(problem, agent)
    pinned_off = {c.day for c in problem.pinned if c.agent_id == agent.id and c.kind is not CellKind.SHIFT}

    def week_capacity(monday: date, here: list[date]) -> tuple[int, int]:
        count = len(here)
        week = [monday + timedelta(days=i) for i in range(7)]
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
        return count, minutes

    total_days = total_minutes = 0
    gains: list[tuple[int, int]] = []  # what each week's weekend adds, in days and in minutes
    for monday in week_starts(PlanningHorizon(start=days[0], days=(days[-1] - days[0]).days + 1)):
        week = (monday + timedelta(days=i) for i in range(7))
        here = [d for d in week if d in days and not problem.kept_off(agent.id, d) and d not in pinned_off]
        with_weekend = week_capacity(monday, here)
        if weekends_left is None or all(d.weekday() < 5 for d in here):
            total_days, total_minutes = total_days + with_weekend[0], total_minutes + with_weekend[1]
            continue
        without = week_capacity(monday, [d for d in here if d.weekday() < 5])
        total_days, total_minutes = total_days + without[0], total_minutes + without[1]
        gains.append((with_weekend[0] - without[0], with_weekend[1] - without[1]))
    if gains and weekends_left:
        total_days += sum(sorted((g[0] for g in gains), reverse=True)[:weekends_left])
        total_minutes += sum(sorted((g[1] for g in gains), reverse=True)[:weekends_left])
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
    outside = [d for d in problem.days if d not in window]
    other_days, other_minutes = capacity(problem, agent, outside, terms.max_weekends)
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
    problem: RosterProblem,
    agent: Agent,
    window: Sequence[date],
    done: list[RosterCell],
    weeks_of: Sequence[date] | None = None,
    share: bool = True,
) -> AgentTerms:
    """What is left of the agent's horizon totals for ``window`` once ``done`` (the days before it) are
    worked, leaving room for the days after it. The weekly limits are those of the calendar weeks of
    ``weeks_of`` (``window`` if not given: a rolling week planned with its lookahead days keeps its own
    weeks' limits, not those of the week the lookahead reaches into).

    An agent without weekly limits in the window is also held (unless ``share`` is false) to the
    window's share of what is left of their minutes and days, so that no window takes what the later
    ones need or leaves the minimum to the last one: days within the share rounded down and up,
    minutes within half the agent's longest shift of it either way. Minutes come in whole shifts, and
    a band narrower than a shift can hold none: Curtois Instance12's agent A (18 to 15.75 shifts of
    8 h over four weeks) was held to 33.9-38.8 h in its first week, between four shifts and five, and
    that week was infeasible.
    """
    terms = problem.terms.get(agent.id)
    if terms is None:
        return AgentTerms()
    shifts = [c for c in done if c.kind is CellKind.SHIFT and c.shift is not None]
    used_minutes = sum(problem.shift(str(c.shift)).paid_minutes for c in shifts)
    worked_weekends = sum(1 for pair in weekends(problem.days) if any(c.day in pair for c in shifts))
    weekends_left = None if terms.max_weekends is None else max(0, terms.max_weekends - worked_weekends)
    later = [d for d in problem.days if d > window[-1]]
    later_days, later_minutes = capacity(problem, agent, later, weekends_left)
    here_days, here_minutes = capacity(problem, agent, window, weekends_left)
    weekly = _weeks_in(terms, window if weeks_of is None else weeks_of)
    spread = share and not weekly

    def at_least(total: int | None, used: int, here: int, later: int, slack: float = 0) -> int | None:
        if total is None:
            return None
        left = max(0, total - used)
        share = math.floor(left * here / (here + later) - slack) if spread and here + later else 0
        return max(left - later, share, 0)

    def at_most(total: int | None, used: int, here: int, later: int, slack: float = 0) -> int | None:
        if total is None:
            return None
        left = max(0, total - used)
        return min(left, math.ceil(left * here / (here + later) + slack)) if spread and here + later else left

    half_shift = _longest_paid(problem, agent) / 2

    return replace(
        terms,
        min_minutes=at_least(terms.min_minutes, used_minutes, here_minutes, later_minutes, half_shift),
        max_minutes=at_most(terms.max_minutes, used_minutes, here_minutes, later_minutes, half_shift),
        min_days=at_least(terms.min_days, len(shifts), here_days, later_days),
        max_days=at_most(terms.max_days, len(shifts), here_days, later_days),
        max_shifts={
            code: max(0, limit - sum(1 for c in shifts if c.shift == code))
            for code, limit in terms.max_shifts.items()
        },
        max_weekends=weekends_left,
        weeks=weekly,
    )


def rolling_window(
    problem: RosterProblem,
    window: Sequence[date],
    done: Sequence[RosterCell],
    lookahead: Sequence[date] = (),
    share: bool = True,
) -> RosterProblem:
    """The problem of planning ``window`` once ``done`` (every cell of the horizon before it) is fixed.

    ``lookahead`` (the days just after the window) is planned with it, provisionally: the next window
    plans those days again. It lets the window end only in ways the next days can carry on (see
    :func:`lookahead_days`). The weekly limits are those of the window's own weeks. Fairness over the
    horizon is left out (it is judged on the whole roster). ``share`` false leaves out each agent's
    share of their totals (see :func:`_left_after`): the window is held only to what the days after
    it cannot make up.
    """
    before = [c for c in done if c.day < window[0]]
    by_agent: dict[str, list[RosterCell]] = {}
    for cell in before:
        by_agent.setdefault(cell.agent_id, []).append(cell)
    days = [*window, *lookahead]
    return replace(
        problem,
        **_in_window(problem, days),  # type: ignore[arg-type]
        history=tuple(problem.history) + tuple(before),
        terms={
            a.id: _left_after(problem, a, days, by_agent.get(a.id, []), window, share) for a in problem.agents
        },
        weights=replace(problem.weights, fairness_late=0, fairness_weekend=0),
    )


def lookahead_days(problem: RosterProblem, window: Sequence[date]) -> list[date]:
    """The days after ``window`` a rolling window plans with it: one fewer than the longest minimum run
    (working days or days off) of any agent's terms, within the horizon.

    A run at the end of a window is exempt from its minimum there (it may go on in the next window),
    so without them a week may end a working run on its Sunday that the next week cannot carry on: on
    Curtois Instance12, an agent needing two working days in a row ended a week working its Sunday
    alone with the Monday a listed day off, and the next week was infeasible; where the next days
    leave the next week no choice at all, the joined roster broke the minimum.
    """
    longest = max(
        (max(t.min_consecutive_days or 0, t.min_consecutive_days_off or 0) for t in problem.terms.values()),
        default=0,
    )
    return [d for d in problem.days if d > window[-1]][: max(0, longest - 1)]


SPLIT_AGENT_DAYS = 1500
"""Horizons of two or more weeks with at least this many agent-days are solved week by week."""

BOUND_SHARE = 0.2
"""Share of the time limit kept for the weeks' bounds after the weeks are planned (a 300-agent
week's bound settles in about 2 s on two workers; 60 s over 4 weeks keeps 3 s each). The weeks'
solves get the rest; any time they leave polishes the whole roster."""

WINDOW_GAP = 0.003
"""A week's solve stops once its roster is this close to its own bound."""

WINDOW_STRETCH = 2.0
"""A week whose search finds no roster in its slice of the time (a slow or busy machine) may take up to
this many slices in all, to find a roster keeping the hard rules and mend it (:func:`_solve_week`)."""

DIVE_STRETCH = 1.5
"""A week's dive that has no roster at the end of its slice goes on until its first one, up to this many
slices (the weeks after it share what is left)."""

LAST_WEEK_BORROW = 0.5
"""Share of the bounds' time (:data:`BOUND_SHARE`) the last week may borrow to find its roster. Its slice
is what the weeks before it left, and a 300-agent week's first roster comes after 9-12 s. In one run a
week's dive found no roster in time (most likely the last one's, which could not pass the start of the
bounds' time) and the week's fallback roster left the horizon 63.75% above its bound. A week that has
its roster by the end of its slice borrows nothing; a bound given less time is weaker, never wrong."""

WINDOW_FLOOR = 2.0
"""Time kept for each week still to come, in multiples of building the first week's model: enough to
build one and find a roster keeping its hard rules (which takes less) on the same machine."""


NEIGHBOURHOOD_AGENT_DAYS = 250
"""Agent-days a neighbourhood of the mending and polishing searches starts with (see
:attr:`solver.search.NeighbourhoodPlan.start_agent_days`)."""


def _plan() -> NeighbourhoodPlan:
    from solver.search import NeighbourhoodPlan

    return NeighbourhoodPlan(start_agent_days=NEIGHBOURHOOD_AGENT_DAYS)


def should_split(problem: RosterProblem) -> bool:
    """Whether :func:`solve_by_weeks` suits the problem better than one whole-horizon model."""
    return (
        problem.interval_cover is not None
        and len(week_windows(problem)) > 1
        and len(problem.agents) * problem.horizon.days >= SPLIT_AGENT_DAYS
    )


def _model(problem: RosterProblem) -> ModelContext:
    ctx, cost = rules_model(problem)
    ctx.model.minimize(cost)
    return ctx


def _window_solver(settings: SolveSettings, time_limit_s: float, workers: int) -> cp_model.CpSolver:
    solver = parameters_for(
        replace(settings, time_limit_s=max(0.1, time_limit_s), workers=workers, lp_dives=False)
    )
    solver.parameters.log_search_progress = False
    return solver


def _relaxed_bound(
    problem: RosterProblem, window: Sequence[date], settings: SolveSettings, time_s: float
) -> float | None:
    """A proven lower bound of the week's :func:`relaxed_window`, searched for ``time_s`` by two LP
    searches (:data:`solver.solve.LP_BOUNDS`); ``-inf`` if the relaxation is infeasible (then so is the
    whole problem), ``None`` if none was proven in time. On a 300-agent week the bound settles within
    about 2 s."""
    started = time.perf_counter()
    model = _model(relaxed_window(problem, window)).model
    solver = _window_solver(settings, time_s - (time.perf_counter() - started), settings.workers)
    lp_dives(solver, settings.workers, LP_BOUNDS)
    # No symmetry detection or probing: they halve the time to the settled bound on a 300-agent week
    # (988,460 after 1.7 s of solving against 2.7 s), and a week's bound gets about 2 s.
    solver.parameters.symmetry_level = 0
    solver.parameters.cp_model_probing_level = 0
    with stoppable(solver, settings):
        code = solver.solve(model)
    logger.info(
        "bound of the week of %s: %.0f (%s)", window[0], solver.best_objective_bound, solver.status_name(code)
    )
    if code == cp_model.INFEASIBLE:
        return -math.inf
    bound = solver.best_objective_bound
    return bound if code != cp_model.MODEL_INVALID and math.isfinite(bound) else None


_FOUND = (cp_model.OPTIMAL, cp_model.FEASIBLE)


class _SliceEnd(cp_model.CpSolverSolutionCallback):
    """Ends a week's dive at the end of its slice if it has a roster by then, else at its first roster."""

    def __init__(self, solver: cp_model.CpSolver, slice_end: float) -> None:
        super().__init__()
        self.found = threading.Event()
        self._solver, self._slice_end = solver, slice_end

    def on_solution_callback(self) -> None:
        self.found.set()
        if time.perf_counter() >= self._slice_end:
            self.stop_search()

    def at_slice_end(self) -> None:
        if self.found.is_set():
            self._solver.stop_search()


def _dive(
    model: cp_model.CpModel, solver: cp_model.CpSolver, settings: SolveSettings, slice_end: float
) -> cp_model.CpSolverStatus:
    """Solve the week's ``model`` with ``solver`` (its time limit the latest end), stopping at
    ``slice_end`` if it has a roster by then, else at its first roster: a dive a little late on a busy
    moment still gives its near-optimal week, where stopping it would leave only a roster keeping the
    hard rules (on a 300-agent week, several times the cost)."""
    ends = _SliceEnd(solver, slice_end)
    timer = threading.Timer(max(0.0, slice_end - time.perf_counter()), ends.at_slice_end)
    timer.daemon = True
    timer.start()
    try:
        with stoppable(solver, settings):
            return solver.solve(model, ends)
    finally:
        timer.cancel()


def _solve_week(
    ctx: ModelContext,
    settings: SolveSettings,
    slice_end: float,
    dive_end: float | None,
    week_end: float,
    last_end: float,
    setup_s: float,
) -> tuple[Roster | None, bool, str]:
    """A rolling week's roster (``None`` if it has none in time or none at all), whether the week's own
    search found it, and how it was found.

    The week is optimised by LP dives on every worker (:func:`solver.solve.lp_dives`) until
    ``slice_end``, or past it until its first roster but not past ``dive_end`` (``None``: no dive):
    a 300-agent week's first roster comes after about 9-10 s on two workers, within about 1% of the
    week's bound. No roster by then (a slow or busy machine): any roster keeping the hard rules is
    searched for until ``last_end`` (without the objective that takes a fraction of the time), then
    mended by neighbourhood search over the week (:func:`solver.search.improve`) until ``week_end``:
    the first such roster costs several times the optimised week, the search takes most of the
    difference back in a few seconds. It is not mended if less than ``setup_s`` (about what building
    the week's model and setting up the search take) is left. The ends are ``time.perf_counter()``
    values.
    """
    from solver.search import improve, incumbent_of, roster_of

    bound = -math.inf
    if dive_end is not None:
        solver = _window_solver(settings, dive_end - time.perf_counter(), settings.workers)
        lp_dives(solver, settings.workers)
        solver.parameters.relative_gap_limit = max(settings.relative_gap, WINDOW_GAP)
        code = _dive(ctx.model, solver, settings, slice_end)
        if code in _FOUND:
            return _extract(ctx, solver), True, f"{solver.status_name(code)} {solver.objective_value:.0f}"
        if code != cp_model.UNKNOWN:  # infeasible (the weeks before it may be to blame) or invalid
            return None, False, solver.status_name(code)
        if math.isfinite(solver.best_objective_bound):
            bound = solver.best_objective_bound
    anyone = ctx.model.clone()  # same variables, so its solution reads through ``ctx``
    anyone.clear_objective()  # type: ignore[no-untyped-call]
    first = _window_solver(settings, last_end - time.perf_counter(), settings.workers)
    first.parameters.stop_after_first_solution = True
    code = first.solve(anyone)
    if code not in _FOUND:
        return None, False, f"no roster keeping the hard rules in time ({first.status_name(code)})"
    roster = _extract(ctx, first)
    if week_end - time.perf_counter() < setup_s:
        return roster, False, "a roster keeping the hard rules"
    incumbent = incumbent_of(ctx, roster, max(0.1, min(10.0, last_end - time.perf_counter())))
    if incumbent is None:
        return roster, False, "a roster keeping the hard rules"
    start = incumbent.objective
    incumbent = improve(ctx, incumbent, bound, week_end, settings, _plan())
    how = f"a roster keeping the hard rules, mended {start} -> {incumbent.objective}"
    return roster_of(ctx, incumbent), False, how


def solve_by_weeks(problem: RosterProblem, settings: SolveSettings) -> RosterResult:
    """Solve a long horizon week by week, prove a bound from the weeks' relaxations, then polish.

    1. Each calendar week is solved in turn as a :func:`rolling_window` (the weeks before it fixed) by
       LP dives on every worker, which find a near-optimal week (:func:`_solve_week`). A week whose
       dive finds no roster in its slice of the time (a slow or busy machine) gets a roster keeping
       the hard rules instead, mended by neighbourhood search over the week, in up to
       :data:`WINDOW_STRETCH` slices in all; the weeks after it go straight to that (the machine
       would not finish their dives either). Each week keeps time for the weeks after it
       (:data:`WINDOW_FLOOR`).
    2. Each week's :func:`relaxed_window` is solved for its lower bound (:func:`_relaxed_bound`), in
       the time kept for it (:data:`BOUND_SHARE`): their sum bounds the whole problem.
    3. The weeks joined are the starting roster of a neighbourhood search over the whole horizon with
       every rule (fairness across the horizon and the weeks' edges included), if time is left for it.

    Falls back to one whole-horizon solve (:func:`solver.solve.solve_whole`) with all the time left if a
    week has no roster even so or is infeasible (also when planned again without the agents' shares of
    their totals, which are estimates), or a week's relaxation is infeasible (then the whole problem
    is, and that solve says why); the result's ``solve_seconds`` counts from the start of this call.

    Setting ``settings.stop`` ends the search early and still returns a whole roster: the week being
    searched keeps what it found (or, with nothing yet, gets the quickest roster keeping the hard
    rules), the weeks after it get that quickest roster unmended, and with the weeks not all done no
    bound is proven and nothing is polished. Stopped later, the weeks' bounds not yet started are
    skipped (then there is no bound) and so is the polish.
    """
    from solver.search import improve, incumbent_of, roster_of
    from solver.solve import judge, solve_whole

    started = time.perf_counter()
    deadline = started + settings.time_limit_s - min(1.0, 0.02 * settings.time_limit_s)  # judging time
    windows = week_windows(problem)
    kept = BOUND_SHARE * settings.time_limit_s  # for the bounds, after the weeks

    def whole(reason: str) -> RosterResult:
        left_s = deadline - time.perf_counter()
        logger.info("%s; solving the whole horizon in the %.1f s left", reason, left_s)
        result = solve_whole(problem, replace(settings, time_limit_s=max(0.1, left_s)))
        return replace(result, solve_seconds=time.perf_counter() - started)

    done: list[RosterCell] = []
    dive = True  # until a week's dive finds no roster in its slice: then the machine is too slow for them
    build_s = 0.0
    for index, window in enumerate(windows):
        building = time.perf_counter()
        lookahead = lookahead_days(problem, window)
        ctx = _model(rolling_window(problem, window, done, lookahead))
        now = time.perf_counter()
        if index == 0:
            build_s = now - building  # the machine's pace
        stopped = settings.stopped  # then the quickest roster keeping the hard rules, unmended
        dive = dive and not stopped
        left = len(windows) - index
        time_s = (deadline - kept - now) / left
        reserve = kept if left > 1 else kept * (1 - LAST_WEEK_BORROW)
        last_end = deadline - reserve - (left - 1) * WINDOW_FLOOR * build_s  # the rest: the later weeks'
        week_end = (
            now if stopped else min(now + (WINDOW_STRETCH if dive else 1.0) * time_s, last_end - build_s)
        )
        slice_end = min(now + time_s, week_end)
        dive_end = min(now + DIVE_STRETCH * time_s, week_end) if dive else None
        week, dive, how = _solve_week(ctx, settings, slice_end, dive_end, week_end, last_end, build_s)
        unshared = None
        if week is None and "INFEASIBLE" in how:  # the status, from the dive or the quickest search
            # The agents' shares are estimates (capacity() knows no run lengths): plan the week again
            # held only to what the later weeks cannot make up, if any agent had a share.
            unshared = rolling_window(problem, window, done, lookahead, share=False)
        if unshared is not None and unshared.terms != ctx.problem.terms:
            logger.info("week of %s: infeasible with the agents' shares; planned without them", window[0])
            ctx = _model(unshared)
            week, dive, how = _solve_week(ctx, settings, slice_end, dive_end, week_end, last_end, build_s)
        if week is None:
            return whole(f"week of {window[0]}: {how}")
        done += [c for c in week.cells if c.day <= window[-1]]  # the lookahead's days come again
        logger.info("week of %s: %s (%.1f s)", window[0], how, time.perf_counter() - now)
    roster = Roster(horizon=problem.horizon, cells=tuple(done))
    if settings.stopped:
        return judge(problem, roster, None, False, time.perf_counter() - started)
    bounds: list[float | None] = []
    for index, window in enumerate(windows):
        if settings.stopped:
            bounds.append(None)
            break
        share = (deadline - time.perf_counter()) / (len(windows) - index)
        bounds.append(_relaxed_bound(problem, window, settings, max(0.1, min(share, kept / len(windows)))))
        if bounds[-1] == -math.inf:
            return whole(f"the relaxation of the week of {window[0]} is infeasible")
    bound = None if None in bounds else sum(b for b in bounds if b is not None)
    left_s = deadline - time.perf_counter()
    # time for building the whole horizon's model, and some search
    if left_s > 2 * len(windows) * build_s and not settings.stopped:
        ctx = _model(problem)
        incumbent = incumbent_of(ctx, roster, min(10.0, deadline - time.perf_counter()))
        if incumbent is not None:
            incumbent = improve(
                ctx, incumbent, bound if bound is not None else -math.inf, deadline, settings, _plan()
            )
            roster = roster_of(ctx, incumbent)
    return judge(problem, roster, bound, False, time.perf_counter() - started)
