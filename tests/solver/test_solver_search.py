"""The neighbourhood search's neighbourhoods: which agent-days each kind frees."""

from __future__ import annotations

import random
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
        assert free == {
            (agent, day) for agent in agents for day in days
        }  # every chosen agent, every such day
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
