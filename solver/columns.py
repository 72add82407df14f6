"""Column generation: a lower bound and a first roster where agents share only the shift cover.

Where every rule but the shift cover looks at one agent's own cells (:func:`decomposes`: the Curtois
benchmark's rules), the roster splits into one small problem per agent, joined only by the cover rows.
A *column* is one agent's whole schedule (a shift or rest for each day) that keeps every one of that
agent's hard rules. Over columns, the LP is far tighter than CP-SAT's relaxation of the compact model:
on Curtois Instance8 it gives 1297 against 1257 (best known 1300), on Instances 10, 11 and 12 exactly
the best known.

- **Master**: GLOP over the columns found so far, one row per agent (exactly one schedule) and one per
  cover row (agents on that shift that day, with a shortfall and a surplus at the row's weights).
- **Pricing**: each agent's own model, built from the rules' model faces on the one-agent problem
  (:func:`solver.problem.for_agents`, no cover), minimises the schedule's cost less the cover rows'
  duals: the schedule that would lower the LP most. Solved by CP-SAT, one agent per worker.
- **Bound**: at every round where every agent was priced, the LP plus each agent's least reduced cost
  proven by pricing (the Lagrangian bound): a lower bound on every roster's cost, equal to the LP
  once no column prices out.
- **Dive**: once the LP is solved (or at the dive's start time), the agents whose weight sits most on
  one column are fixed to it, a few pricing rounds repair the LP, and again, until every agent is
  fixed or time is up. The roster is each agent's fixed column, or their heaviest.

The rules stay written once: pricing posts the same model faces as the whole model, and the roster
handed back is judged by the check faces like any other.
"""

from __future__ import annotations

import logging
import math
import threading
import time
from collections.abc import Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field, replace
from datetime import date

from ortools.linear_solver import pywraplp
from ortools.sat.python import cp_model

from solver.problem import RosterProblem, for_agents
from solver.rules import REGISTRY
from solver.rules.base import Scope
from solver.rules.soft import ShiftCoverRule
from solver.solve import rules_model
from wfm.domain import Agent, AgentId, ShiftCode

logger = logging.getLogger(__name__)

Schedule = tuple[ShiftCode | None, ...]
"""One agent's shift (or ``None`` for rest) on each day of the horizon."""

SCALE = 10_000
"""Pricing objectives are integers: costs and duals times this. The duals' rounding is allowed for in
the bound (at most half a unit per day)."""

FIX_SHARE = 0.15
"""Each dive step fixes at least this share of the agents not yet fixed (those nearest to one column
first), and every agent with at least :data:`FIX_WEIGHT` of their LP weight on one column."""
FIX_WEIGHT = 0.9
DIVE_ROUNDS = 5
"""Pricing rounds after each dive step: enough to repair the LP, not to solve it again."""
PRICING_STEP_S = 0.5
"""The most one agent's pricing may take in one round."""


def decomposes(problem: RosterProblem) -> bool:
    """Whether the problem splits into one problem per agent joined only by its shift cover: it has shift
    cover rows, and every other rule that applies looks at one agent's own cells (``Scope.AGENT``)."""
    if not problem.shift_cover:
        return False
    return all(
        rule.scope is Scope.AGENT or isinstance(rule, ShiftCoverRule)
        for rule in REGISTRY
        if rule.applies(problem)
    )


@dataclass(frozen=True)
class ColumnsOutcome:
    """What column generation found: one schedule per agent, and a lower bound on any roster's cost."""

    schedules: dict[AgentId, Schedule]
    bound: float | None
    """A proven lower bound on the cost of every roster (``None`` if no round priced every agent)."""
    lp: float
    """The root LP's value when generation stopped (equal to the bound once it converged)."""
    converged: bool
    """Whether no column priced out at the end of the root: the LP over every schedule is solved."""
    rounds: int
    columns: int
    fixed: int
    """How many agents the dive fixed to a column (the rest took their heaviest column)."""


class _Pricing:
    """One agent's own model (every rule but the cover), re-solved with the cover's duals as prices."""

    def __init__(self, problem: RosterProblem, agent: Agent) -> None:
        sub = replace(for_agents(problem, frozenset({agent.id})), shift_cover=())
        ctx, cost = rules_model(sub, work_days=True)
        ctx.model.minimize(cost)
        self.agent = agent.id
        self.model = ctx.model
        objective = ctx.model.proto.objective
        self.costs: dict[int, int] = {
            int(v): int(c) for v, c in zip(objective.vars, objective.coeffs, strict=True)
        }
        self.offset = float(objective.offset)
        self.days = problem.days
        self.shifts = {
            (day, code): var.index for (_, day), shifts in ctx.shifts.items() for code, var in shifts.items()
        }
        self.by_day = {
            day: [(code, v) for (d, code), v in self.shifts.items() if d == day] for day in self.days
        }

    def cost(self, values: Sequence[int]) -> int:
        """The schedule's own cost (every soft rule but the cover) in a solution of this model."""
        return round(sum(c * values[v] for v, c in self.costs.items()) + self.offset)

    def price(
        self, duals: Mapping[tuple[date, ShiftCode], float], limit_s: float, seed: int
    ) -> tuple[list[tuple[Schedule, int]], float | None]:
        """The schedules CP-SAT found on its way to the least ``cost - duals``, each with its own cost, and
        a proven lower bound on ``cost - duals`` over every schedule (``None`` if the agent has none, or
        none was proven in time). Raises ``ValueError`` if the agent cannot keep their own rules."""
        model = self.model.clone()
        prices: dict[int, int] = {v: SCALE * c for v, c in self.costs.items()}
        for key, v in self.shifts.items():
            dual = duals.get(key, 0.0)
            if dual:
                prices[v] = prices.get(v, 0) - round(SCALE * dual)
        objective = model.proto.objective
        objective.vars.clear()
        objective.coeffs.clear()
        for v, c in prices.items():
            if c:
                objective.vars.append(v)
                objective.coeffs.append(c)
        objective.offset = SCALE * self.offset
        solver = cp_model.CpSolver()
        solver.parameters.num_workers = 1
        solver.parameters.random_seed = seed
        solver.parameters.max_time_in_seconds = max(0.01, limit_s)
        found: list[tuple[Schedule, int]] = []
        pricing = self

        class _Collect(cp_model.CpSolverSolutionCallback):
            def on_solution_callback(self) -> None:
                values = self.response_proto.solution
                schedule = tuple(
                    next((code for code, v in pricing.by_day[day] if values[v]), None) for day in pricing.days
                )
                found.append((schedule, pricing.cost(values)))

        code = solver.solve(model, _Collect())
        if code == cp_model.INFEASIBLE:
            raise ValueError(f"{self.agent} has no schedule that keeps their own rules")
        if code not in (cp_model.OPTIMAL, cp_model.FEASIBLE):
            return found, None
        # Each shift's dual was rounded by at most half a unit of SCALE.
        return found, (solver.best_objective_bound - 0.5 * len(self.days)) / SCALE


class _Master:
    """The LP over the columns found: one schedule per agent, shortfall and surplus per cover row."""

    def __init__(self, problem: RosterProblem) -> None:
        self.solver = pywraplp.Solver.CreateSolver("GLOP")
        self.days = problem.days
        self.one = {agent.id: self.solver.Constraint(1, 1) for agent in problem.agents}
        self.objective = self.solver.Objective()
        self.objective.SetMinimization()
        self.rows: dict[tuple[date, ShiftCode], list[pywraplp.Constraint]] = {}
        infinity = self.solver.infinity()
        for cover in problem.shift_cover:
            row = self.solver.Constraint(cover.required, cover.required)
            under = self.solver.NumVar(0, infinity, "")
            over = self.solver.NumVar(0, infinity, "")
            row.SetCoefficient(under, 1)
            row.SetCoefficient(over, -1)
            self.objective.SetCoefficient(under, cover.under_weight)
            self.objective.SetCoefficient(over, cover.over_weight)
            self.rows.setdefault((cover.day, cover.shift), []).append(row)
        self.columns: dict[AgentId, dict[Schedule, tuple[int, pywraplp.Variable]]] = {
            agent.id: {} for agent in problem.agents
        }

    def add(self, agent_id: AgentId, schedule: Schedule, cost: int) -> bool:
        """Add a column (``False`` if the agent has it already)."""
        if schedule in self.columns[agent_id]:
            return False
        weight = self.solver.NumVar(0, self.solver.infinity(), "")
        self.one[agent_id].SetCoefficient(weight, 1)
        self.objective.SetCoefficient(weight, cost)
        for day, code in zip(self.days, schedule, strict=True):
            for row in self.rows.get((day, code), ()) if code is not None else ():
                row.SetCoefficient(weight, 1)
        self.columns[agent_id][schedule] = (cost, weight)
        return True

    def fix(self, agent_id: AgentId, schedule: Schedule) -> None:
        """Hold the agent to one of their columns from now on."""
        for other, (_, weight) in self.columns[agent_id].items():
            if other != schedule:
                weight.SetUb(0)

    def solve(self) -> float | None:
        """The LP's value, or ``None`` if GLOP did not solve it."""
        if self.solver.Solve() != pywraplp.Solver.OPTIMAL:
            return None
        return float(self.objective.Value())

    def duals(self) -> tuple[dict[tuple[date, ShiftCode], float], dict[AgentId, float]]:
        """The cover rows' duals by day and shift (summed where a shift has two rows), and each agent's."""
        cover = {key: sum(row.dual_value() for row in rows) for key, rows in self.rows.items()}
        return cover, {agent_id: row.dual_value() for agent_id, row in self.one.items()}

    def heaviest(self) -> dict[AgentId, tuple[float, Schedule]]:
        """Each agent's column with the most LP weight, and that weight."""
        found: dict[AgentId, tuple[float, Schedule]] = {}
        for agent_id, columns in self.columns.items():
            for schedule, (_, weight) in columns.items():
                value = weight.solution_value()
                if agent_id not in found or value > found[agent_id][0]:
                    found[agent_id] = (value, schedule)
        return found


@dataclass
class _State:
    """What the rounds share: how many so far, the best bound, and the LP's latest duals."""

    rounds: int = 0
    bound: float | None = None
    cover_duals: dict[tuple[date, ShiftCode], float] = field(default_factory=dict)
    agent_duals: dict[AgentId, float] = field(default_factory=dict)


def generate_columns(
    problem: RosterProblem,
    *,
    dive_at: float,
    deadline: float,
    workers: int = 2,
    seed: int = 0,
    stop: threading.Event | None = None,
) -> ColumnsOutcome | None:
    """Solve the LP over schedules until it converges or ``dive_at``, then dive until ``deadline`` (both
    ``time.perf_counter()`` times); ``None`` if some agent had no column in time. Raises ``ValueError``
    if the problem does not decompose or an agent cannot keep their own rules."""
    if not decomposes(problem):
        raise ValueError("column generation needs every rule but the shift cover to look at one agent")
    pricings = {agent.id: _Pricing(problem, agent) for agent in problem.agents}
    master = _Master(problem)
    fixed: dict[AgentId, Schedule] = {}
    state = _State()

    def halted() -> bool:
        return stop is not None and stop.is_set()

    with ThreadPoolExecutor(max_workers=max(1, workers)) as pool:

        def round_(duals: dict[tuple[date, ShiftCode], float], until: float) -> tuple[int, float | None]:
            """Price every agent not fixed; (columns added, the sum of their least reduced costs or
            ``None`` if some agent's was not proven)."""
            free = [a for a in pricings if a not in fixed]
            limit = max(0.01, min(PRICING_STEP_S, until - time.perf_counter()))
            state.rounds += 1
            results = list(
                pool.map(lambda a: (a, pricings[a].price(duals, limit, seed + state.rounds)), free)
            )
            added = 0
            least: float | None = 0.0
            for agent_id, (found, bound) in results:
                for schedule, cost in found:
                    priced = sum(
                        duals.get((day, code), 0.0)
                        for day, code in zip(problem.days, schedule, strict=True)
                        if code is not None
                    )
                    reduced = cost - priced
                    if not state.agent_duals or reduced - state.agent_duals[agent_id] < -1e-6:
                        added += int(master.add(agent_id, schedule, cost))
                if bound is None or least is None:
                    least = None
                else:
                    least += min(0.0, bound - state.agent_duals.get(agent_id, 0.0))
            return added, least

        def resolve() -> float | None:
            value = master.solve()
            if value is not None:
                state.cover_duals, state.agent_duals = master.duals()
            return value

        # Root: price, solve the LP, until no column prices out.
        converged = False
        lp: float | None = None
        while time.perf_counter() < dive_at and not halted():
            added, least = round_(state.cover_duals, dive_at)
            if lp is not None and least is not None:
                bound = lp + least
                state.bound = bound if state.bound is None else max(state.bound, bound)
            if any(not columns for columns in master.columns.values()):
                return None
            if added == 0 and lp is not None:
                converged = least is not None
                break
            lp = resolve()
            if lp is None:
                return None
        if lp is None:
            return None
        logger.info(
            "columns: root LP %.2f after %d rounds, %d columns, bound %s",
            lp,
            state.rounds,
            sum(map(len, master.columns.values())),
            state.bound,
        )
        # Dive: fix the agents nearest to one column, repair the LP, again.
        while len(fixed) < len(pricings) and time.perf_counter() < deadline and not halted():
            heaviest = master.heaviest()
            order = sorted(
                ((weight, a, schedule) for a, (weight, schedule) in heaviest.items() if a not in fixed),
                key=lambda item: (-item[0], item[1]),
            )
            count = max(1, round(FIX_SHARE * len(order)))
            for position, (weight, agent_id, schedule) in enumerate(order):
                if position < count or weight >= FIX_WEIGHT:
                    fixed[agent_id] = schedule
                    master.fix(agent_id, schedule)
            solved = True
            for _ in range(DIVE_ROUNDS):
                solved = resolve() is not None
                if not solved or time.perf_counter() >= deadline or len(fixed) == len(pricings):
                    break
                added, _ = round_(state.cover_duals, deadline)
                if added == 0:
                    break
            else:
                solved = resolve() is not None
            if not solved:
                break
    heaviest = master.heaviest()
    schedules = {a: fixed.get(a, heaviest[a][1]) for a in pricings}
    return ColumnsOutcome(
        schedules=schedules,
        bound=None if state.bound is None else state.bound - 1e-6 * max(1.0, abs(state.bound)),
        lp=lp,
        converged=converged,
        rounds=state.rounds,
        columns=sum(map(len, master.columns.values())),
        fixed=len(fixed),
    )


def integral_bound(bound: float | None) -> float | None:
    """The least whole cost at or above ``bound`` (every cost here is a whole number)."""
    return None if bound is None else float(math.ceil(bound))
