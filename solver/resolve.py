"""Re-solving a roster: start from the previous one, free only what can no longer hold.

A whole-model search with a stability cost wanders far from the previous roster within a short time
limit: on the sample week (82 agents) at 4 s, covering two days of one agent's new leave that way
changed about 270 of 574 cells, at a stability weight of 2,000 or 10,000 alike. Here the previous
roster is the starting point instead (the same case: 2 to 11 cells changed at 5,000). Freed are every
agent on the days where some previous cell can no longer be kept (new leave, a lost skill) and the
agents with new leave on every day (leave counts toward their week's limits); the rest is fixed to
the previous roster, and that small model is solved with the full objective, its search starting from
the previous roster (a hint). When it has no roster, the freed days widen by a day each side, then to
the whole horizon. The neighbourhood loop (:func:`solver.search.improve`) spends the time left, each
step keeping a roster no worse than the last.
"""

from __future__ import annotations

import logging
import time
from datetime import date, timedelta

from ortools.sat.python import cp_model

from solver.context import ModelContext, roster_decisions
from solver.problem import RosterProblem
from solver.search import (
    NeighbourhoodPlan,
    _fixed_outside,
    _Incumbent,
    _result,
    _sub_model,
    improve,
)
from solver.solve import RosterResult, SolveSettings, rules_model, solve
from wfm.domain import AgentId, CellKind, RosterCell

logger = logging.getLogger(__name__)

START_SHARE = 0.5
"""Of the time limit, at most this share goes to the first roster (the freed days solved at once)."""


def _kept_cells(ctx: ModelContext) -> tuple[list[RosterCell], set[date], set[AgentId]]:
    """The previous roster's cells the model can still express; the days of those it cannot; and the
    agents with new leave (their week's limits change with it, so all their days may have to)."""
    problem = ctx.problem
    assert problem.previous is not None
    before = {(c.agent_id, c.day): c for c in problem.previous.cells}
    kept, broken = [], set()
    for key, cell in before.items():
        if cell.day not in problem.horizon or cell.kind is not CellKind.SHIFT:
            continue
        if str(cell.shift) in ctx.shifts.get(key, {}) and cell.queue in problem.queues:
            kept.append(cell)
        else:
            broken.add(cell.day)
    on_leave = {
        agent
        for (agent, day) in problem.leave
        if getattr(before.get((agent, day)), "kind", None) is not CellKind.LEAVE
    }
    return kept, broken, on_leave


def _start(
    ctx: ModelContext,
    cells: list[RosterCell],
    days: set[date],
    agents: set[AgentId],
    time_limit_s: float,
    workers: int,
) -> _Incumbent | None:
    """The best roster (within ``time_limit_s``) that keeps ``cells`` outside ``days`` and ``agents``;
    the search starts from ``cells`` everywhere (a hint), so it looks near the previous roster first."""
    try:
        decisions = dict(roster_decisions(ctx, cells))
    except ValueError:
        return None
    values = [0] * len(ctx.model.proto.variables)
    for index, value in decisions.items():
        values[index] = value
    free: set[tuple[AgentId, date]] = {key for key in ctx.shifts if key[1] in days or key[0] in agents}
    model = _sub_model(ctx.model, _fixed_outside(ctx, free, values), [])
    model.proto.solution_hint.vars.extend(list(decisions))
    model.proto.solution_hint.values.extend(list(decisions.values()))
    solver = cp_model.CpSolver()
    solver.parameters.max_time_in_seconds = max(0.1, time_limit_s)
    solver.parameters.num_workers = workers
    code = solver.solve(model)
    if code not in (cp_model.OPTIMAL, cp_model.FEASIBLE):
        return None
    return _Incumbent(list(solver.response_proto.solution), round(solver.objective_value))


def resolve(
    problem: RosterProblem, settings: SolveSettings | None = None, plan: NeighbourhoodPlan | None = None
) -> RosterResult:
    """A roster for ``problem`` that keeps as much of ``problem.previous`` as the rules and the
    stability weight allow (:func:`solver.solve.solve` when there is no previous roster, or no
    roster near it)."""
    settings = settings or SolveSettings()
    if problem.previous is None:
        return solve(problem, settings)
    plan = plan or NeighbourhoodPlan()
    started = time.perf_counter()
    deadline = started + settings.time_limit_s
    ctx, cost = rules_model(problem, work_days=True)
    ctx.model.minimize(cost)
    cells, broken, on_leave = _kept_cells(ctx)
    widened = {day + timedelta(days=shift) for day in broken for shift in (-1, 0, 1)}
    incumbent = None
    for days in (broken, widened, set(problem.horizon.dates)):
        remaining = deadline - time.perf_counter()
        if remaining < 0.1:
            break
        limit = min(remaining, settings.time_limit_s * START_SHARE)
        incumbent = _start(ctx, cells, days, on_leave, limit, settings.workers)
        if incumbent is not None:
            break
        logger.info("no roster keeps the previous one outside %d day(s); freeing more", len(days))
    if incumbent is None:
        return solve(problem, settings)
    incumbent = improve(ctx, incumbent, 0.0, deadline, settings, plan)
    return _result(ctx, incumbent, None, False, time.perf_counter() - started)
