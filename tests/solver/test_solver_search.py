"""The neighbourhood search's neighbourhoods: which agent-days each kind frees."""

from __future__ import annotations

import random
import time
from typing import Any

from solver.context import build_context
from solver.search import KINDS, _neighbourhood


def test_a_weekends_neighbourhood_frees_agents_from_friday_to_monday_around_two_weekends(kit: Any) -> None:
    team = [kit.agent(f"A{i:02d}") for i in range(20)]
    ctx = build_context(kit.problem(team, days=28))  # four weeks from a Monday
    for seed in range(20):
        free = _neighbourhood(ctx, "weekends", 0.1, random.Random(seed))
        days = {day for _, day in free}
        agents = {agent for agent, _ in free}
        assert {5, 6} <= {day.weekday() for day in days} <= {4, 5, 6, 0}  # Friday to Monday
        saturdays = {day for day in days if day.weekday() == 5}
        assert len(saturdays) == 2
        assert free == {(agent, day) for agent in agents for day in days}  # each chosen agent, each day
        # about a tenth of the roster: 20 agents x 28 days x 0.1 = 56 agent-days over 6-8 days
        assert 7 <= len(agents) <= 10


def test_a_horizon_without_a_weekend_frees_agents_over_every_day_instead(kit: Any) -> None:
    team = [kit.agent(f"A{i:02d}") for i in range(10)]
    ctx = build_context(kit.problem(team, days=5))  # Monday to Friday
    free = _neighbourhood(ctx, "weekends", 0.3, random.Random(0))
    agents = {agent for agent, _ in free}
    assert len(agents) == 3
    assert free == {(agent, day) for agent in agents for day in ctx.problem.days}


def test_every_kind_frees_something_and_only_agent_days_of_the_roster(kit: Any) -> None:
    team = [kit.agent(f"A{i:02d}") for i in range(8)]
    ctx = build_context(kit.problem(team, days=14))
    everything = {(a.id, d) for a in ctx.problem.agents for d in ctx.problem.days}
    hot = [("A01", ctx.problem.days[3])]
    for kind in KINDS:
        free = _neighbourhood(ctx, kind, 0.2, random.Random(1), hot if kind == "hot" else None)
        assert free and free <= everything, kind


def test_a_plans_start_agent_days_caps_the_first_neighbourhoods_of_a_large_roster(
    kit: Any, monkeypatch: Any
) -> None:
    """On a large roster a quarter is too much to re-solve in a step: ``start_agent_days`` caps where
    every kind of neighbourhood starts (here 40 of 560 agent-days), whatever ``size`` says."""
    import math

    import solver.search as search
    from solver.search import NeighbourhoodPlan, _Incumbent, improve
    from solver.solve import SolveSettings, post_rules

    team = [kit.agent(f"A{i:02d}") for i in range(20)]
    ctx = build_context(kit.problem(team, days=28))
    terms = post_rules(ctx)
    ctx.model.minimize(sum((t.weight * t.expr for t in terms), 0))
    asked: list[float] = []
    real = search._neighbourhood
    monkeypatch.setattr(
        search,
        "_neighbourhood",
        lambda c, kind, size, *rest: asked.append(size) or real(c, kind, size, *rest),
    )
    from ortools.sat.python import cp_model

    first = cp_model.CpSolver()
    first.parameters.num_workers = 1
    assert first.solve(ctx.model) in (cp_model.OPTIMAL, cp_model.FEASIBLE)
    values = list(first.response_proto.solution)
    start = _Incumbent(values, round(first.objective_value) + 1)  # above any bound: the loop runs
    plan = NeighbourhoodPlan(size=0.25, start_agent_days=40)
    improve(ctx, start, -math.inf, time.perf_counter() + 0.5, SolveSettings(workers=2, seed=0), plan)
    assert asked and math.isclose(asked[0], 40 / 560)  # not 0.25
    assert max(asked) <= plan.max_size
