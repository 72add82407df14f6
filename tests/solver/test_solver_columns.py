"""Column generation (``solver.columns``): when it applies, a bound no roster beats, rosters that keep the
rules, and the same costs as the rules' check faces.

The instances are small random ones in the Curtois benchmark's format, so every test runs without
``../shared``; CP-SAT on the whole model proves each one's optimum, the referee for the bound.
"""

from __future__ import annotations

import random
import threading
import time
from dataclasses import replace
from typing import Any

import pytest

from solver.benchmarks.curtois import parse_instance_text
from solver.benchmarks.curtois_problem import assignment_to_roster, problem_from_instance
from solver.columns import _Pricing, decomposes, generate_columns, integral_bound
from solver.problem import RosterProblem, for_agents
from solver.rules.base import Scope
from solver.search import NeighbourhoodPlan, solve_in_phases
from solver.solve import RosterStatus, SolveSettings, check_roster, solve, split_violations


def _random_instance_text(seed: int, *, agents: int = 5, days: int = 14) -> str:
    """A small instance: early and late shifts (no early after a late), contracts of 5-9 shifts, a day
    off each, random on and off requests, and cover of 1-2 per shift and day."""
    rng = random.Random(seed)
    ids = [chr(ord("A") + i) for i in range(agents)]
    staff = []
    for agent in ids:
        most = rng.randint(7, 9)
        staff.append(f"{agent},E={days}|L={rng.randint(2, days)},{most * 480},{(most - 2) * 480},5,2,2,1")
    days_off = [f"{agent},{rng.randrange(days)}" for agent in ids]
    on = [f"{rng.choice(ids)},{rng.randrange(days)},{rng.choice('EL')},{rng.randint(1, 3)}" for _ in range(8)]
    off = [
        f"{rng.choice(ids)},{rng.randrange(days)},{rng.choice('EL')},{rng.randint(1, 3)}" for _ in range(8)
    ]
    cover = [f"{day},{shift},{rng.randint(1, 2)},100,1" for day in range(days) for shift in "EL"]
    sections = [
        ("SECTION_HORIZON", [str(days)]),
        ("SECTION_SHIFTS", ["E,480,", "L,480,E"]),
        ("SECTION_STAFF", staff),
        ("SECTION_DAYS_OFF", days_off),
        ("SECTION_SHIFT_ON_REQUESTS", list(dict.fromkeys(on))),
        ("SECTION_SHIFT_OFF_REQUESTS", list(dict.fromkeys(off))),
        ("SECTION_COVER", cover),
    ]
    return "\n\n".join("\n".join([name, *rows]) for name, rows in sections) + "\n"


def _problem(seed: int, **size: int) -> RosterProblem:
    return problem_from_instance(
        parse_instance_text(_random_instance_text(seed, **size), name=f"random {seed}")
    )


def _optimum(problem: RosterProblem) -> int:
    result = solve(problem, SolveSettings(time_limit_s=30, workers=2, seed=0))
    assert result.status is RosterStatus.OPTIMAL, "the referee must prove its optimum"
    assert result.objective is not None
    return result.objective


def _deadline(seconds: float) -> float:
    return time.perf_counter() + seconds


def test_a_benchmark_problem_decomposes_and_a_centres_does_not(kit: Any) -> None:
    assert decomposes(_problem(0))
    centre = kit.problem([kit.agent("A01"), kit.agent("A02")], days=7)
    assert not centre.shift_cover and not decomposes(centre)  # no shift cover to price
    # Shift cover, but a rule that looks at every agent's cells on a day (the closing staff) applies.
    benchmark = _problem(0)
    with_site_rules = replace(
        benchmark, enforce_site_rules=True, rules=benchmark.rules.model_copy(update={"min_closing_staff": 1})
    )
    assert any(
        rule.scope is not Scope.AGENT for rule in _applying(with_site_rules) if rule.name != "shift_cover"
    )
    assert not decomposes(with_site_rules)
    with pytest.raises(ValueError, match="shift cover"):
        generate_columns(with_site_rules, dive_at=_deadline(1), deadline=_deadline(1))


def _applying(problem: RosterProblem) -> list[Any]:
    from solver.rules import REGISTRY

    return [rule for rule in REGISTRY if rule.applies(problem)]


@pytest.mark.parametrize("seed", [1, 2, 3, 4])
def test_the_bound_is_never_above_the_proven_optimum_and_close_to_it(seed: int) -> None:
    problem = _problem(seed)
    optimum = _optimum(problem)
    outcome = generate_columns(problem, dive_at=_deadline(20), deadline=_deadline(25), workers=2, seed=seed)
    assert outcome is not None and outcome.converged
    assert outcome.bound is not None
    assert outcome.bound <= optimum + 1e-9
    assert outcome.bound <= outcome.lp + 1e-6
    assert outcome.bound >= 0.9 * optimum  # the LP over whole schedules is tight on these
    assert integral_bound(outcome.bound) == float(-(-outcome.bound // 1))


@pytest.mark.parametrize("seed", [1, 5])
def test_the_dives_roster_keeps_every_hard_rule_and_costs_at_least_the_bound(seed: int) -> None:
    problem = _problem(seed, agents=6)
    outcome = generate_columns(problem, dive_at=_deadline(20), deadline=_deadline(30), workers=2, seed=seed)
    assert outcome is not None
    assert outcome.fixed == len(problem.agents)  # the dive fixed everyone in the time it had
    assert set(outcome.schedules) == {a.id for a in problem.agents}
    roster = assignment_to_roster(problem, {a: list(s) for a, s in outcome.schedules.items()})
    hard, soft = split_violations(check_roster(problem, roster.cells))
    assert hard == ()
    assert outcome.bound is not None and sum(v.cost for v in soft) >= outcome.bound - 1e-9


def test_a_columns_cost_is_what_the_check_faces_charge_that_agent() -> None:
    """Pricing attaches to each schedule its own cost (requests here): the master adds the cover's. The
    check faces of the agent's one-agent problem without cover must charge exactly that."""
    problem = _problem(6)
    rng = random.Random(6)
    checked = 0
    for agent in problem.agents:
        pricing = _Pricing(problem, agent)
        duals = {(c.day, c.shift): rng.uniform(0, 120) for c in problem.shift_cover}  # varied schedules
        found, _ = pricing.price(duals, 2.0, seed=0)
        alone = replace(for_agents(problem, frozenset({agent.id})), shift_cover=())
        for schedule, cost in found:
            roster = assignment_to_roster(alone, {agent.id: list(schedule)})
            hard, soft = split_violations(check_roster(alone, roster.cells))
            assert hard == ()
            assert cost == sum(v.cost for v in soft)
            checked += 1
    assert checked >= len(problem.agents)


def test_an_agent_who_cannot_keep_their_own_rules_is_named() -> None:
    problem = _problem(7)
    terms = dict(problem.terms)
    terms["C"] = replace(terms["C"], min_minutes=20 * 480)  # 20 shifts in 14 days
    impossible = replace(problem, terms=terms)
    with pytest.raises(ValueError, match="C has no schedule"):
        generate_columns(impossible, dive_at=_deadline(5), deadline=_deadline(5))
    # The phases leave it to the whole model, which explains the infeasibility as it always does.
    plan = NeighbourhoodPlan(columns_share=0.5)
    result = solve_in_phases(impossible, SolveSettings(time_limit_s=5, workers=2), plan)
    assert result.status is RosterStatus.INFEASIBLE


def test_the_phases_with_columns_prove_a_small_instance_optimal_and_report_the_bound() -> None:
    problem = _problem(8)
    optimum = _optimum(problem)
    plan = NeighbourhoodPlan(columns_share=0.5, first_phase_share=0.3)
    started = time.perf_counter()
    result = solve_in_phases(problem, SolveSettings(time_limit_s=30, workers=2, seed=0), plan)
    assert result.objective == optimum
    assert result.lower_bound == optimum  # the LP over schedules is exact here
    assert result.status is RosterStatus.OPTIMAL  # proven by the bound: the search stops there
    assert time.perf_counter() - started < 25
    assert result.hard_violations == ()


def test_setting_stop_ends_column_generation_early() -> None:
    problem = _problem(9, agents=8, days=28)
    stop = threading.Event()
    stop.set()
    started = time.perf_counter()
    outcome = generate_columns(problem, dive_at=_deadline(30), deadline=_deadline(30), stop=stop)
    assert outcome is None  # stopped before the first LP: no roster to offer
    assert time.perf_counter() - started < 5


def test_a_plans_columns_share_must_leave_time_for_the_neighbourhoods() -> None:
    for share in (0.0, 1.0, 1.5):
        with pytest.raises(ValueError, match="columns_share"):
            NeighbourhoodPlan(columns_share=share)
    with pytest.raises(ValueError, match="columns_share"):  # after a whole model that ends later
        NeighbourhoodPlan(first_phase_share=0.5, columns_share=0.4, columns_first=False)


def _phases(problem: RosterProblem, plan: NeighbourhoodPlan, caplog: Any) -> tuple[Any, list[str]]:
    import logging

    with caplog.at_level(logging.INFO, logger="solver.search"):
        result = solve_in_phases(problem, SolveSettings(time_limit_s=20, workers=2, seed=0), plan)
    return result, [record.getMessage() for record in caplog.records]


def test_columns_after_the_whole_model_run_only_if_it_proved_nothing(caplog: Any) -> None:
    problem = _problem(8)
    optimum = _optimum(problem)
    # The whole model proves this small instance within its share: no column is generated.
    plan = NeighbourhoodPlan(first_phase_share=0.5, columns_share=0.8, columns_first=False)
    result, messages = _phases(problem, plan, caplog)
    assert result.status is RosterStatus.OPTIMAL and result.objective == optimum
    assert not [m for m in messages if m.startswith("columns:")]
    caplog.clear()
    # A share far too short to prove anything: the columns follow, and their bound proves the optimum.
    plan = NeighbourhoodPlan(first_phase_share=0.0001, columns_share=0.5, columns_first=False)
    result, messages = _phases(problem, plan, caplog)
    assert [m for m in messages if m.startswith("columns:")]
    assert result.status is RosterStatus.OPTIMAL and result.objective == optimum
    assert result.lower_bound == optimum
