"""Curtois instances through our own roster problem: the mapping, and costs that agree with the benchmark.

The benchmark's independent evaluator (``solver.benchmarks.curtois.evaluate``) is the referee: our rules'
check faces must charge exactly its objective, on solved rosters and on arbitrary ones, and a solved
roster must break none of its hard rules.
"""

from __future__ import annotations

import random
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest

from solver.benchmarks.curtois import BEST_KNOWN, CurtoisInstance, evaluate, parse_instance
from solver.benchmarks.curtois_problem import (
    HORIZON_START,
    assignment_to_roster,
    problem_from_instance,
    roster_to_assignment,
    solve_instance,
)
from solver.problem import ANY_QUEUE
from solver.solve import check_roster

CURTOIS_DIR = Path(__file__).resolve().parents[2].parent / "shared" / "benchmarks" / "curtois"


@pytest.fixture(scope="module")
def curtois_dir() -> Path:
    """``../shared/benchmarks/curtois`` beside the repository; tests using it skip without it."""
    if not CURTOIS_DIR.is_dir():
        pytest.skip(f"Curtois benchmark instances not present at {CURTOIS_DIR} (only on the team's machines)")
    return CURTOIS_DIR


def _instance(curtois_dir: Path, name: str) -> CurtoisInstance:
    return parse_instance(curtois_dir / f"{name}.txt")


def test_horizon_starts_on_a_monday() -> None:
    assert HORIZON_START.weekday() == 0


def test_instance2_maps_onto_our_domain(curtois_dir: Path) -> None:
    instance = _instance(curtois_dir, "Instance2")
    problem = problem_from_instance(instance)
    assert [a.id for a in problem.agents] == list(instance.employee_ids)
    assert all(a.skills == frozenset({ANY_QUEUE}) for a in problem.agents)
    assert problem.queues == (ANY_QUEUE,)
    assert not problem.enforce_site_rules
    assert [(t.code, t.paid_minutes, t.unpaid_break_minutes) for t in problem.shifts] == [
        ("E", 480, 0),
        ("L", 480, 0),
    ]
    assert problem.rules.forbidden_successions == frozenset({("L", "E")})
    assert problem.horizon.days == 14
    terms = problem.terms["A"]
    assert (terms.min_minutes, terms.max_minutes) == (3360, 4320)
    assert (terms.max_consecutive_days, terms.min_consecutive_days, terms.min_consecutive_days_off) == (
        5,
        2,
        2,
    )
    assert terms.max_weekends == 1
    assert problem.terms["D"].max_shifts == {"L": 0}  # a limit of 14 in 14 days is no limit
    assert len(problem.unavailable) == sum(len(days) for days in instance.days_off.values())
    assert len(problem.shift_cover) == len(instance.cover) == 28
    wanted = [r for r in problem.requests if r.wanted]
    assert len(wanted) == len(instance.on_requests)
    assert len(problem.requests) - len(wanted) == len(instance.off_requests)
    assert problem.weights.request_unit == 1


@pytest.mark.parametrize("name", ["Instance1", "Instance2", "Instance5", "Instance12"])
def test_check_faces_charge_the_benchmark_objective_on_arbitrary_rosters(
    curtois_dir: Path, name: str
) -> None:
    instance = _instance(curtois_dir, name)
    problem = problem_from_instance(instance)
    rng = random.Random(7)
    choices: list[str | None] = [None, *instance.shift_ids]
    for _ in range(5):
        assignment = {e: [rng.choice(choices) for _ in range(instance.days)] for e in instance.employee_ids}
        violations = check_roster(problem, assignment_to_roster(problem, assignment).cells)
        ours = sum(v.cost for v in violations)
        assert ours == evaluate(instance, assignment).objective


@pytest.mark.parametrize("name", ["Instance1", "Instance2", "Instance3", "Instance4"])
def test_solved_roster_is_feasible_and_its_objective_is_the_benchmarks(curtois_dir: Path, name: str) -> None:
    instance = _instance(curtois_dir, name)
    result = solve_instance(instance, time_limit_s=5.0)
    assert result.solved and result.roster is not None
    assert not result.hard_violations
    assignment = roster_to_assignment(result.roster)
    evaluation = evaluate(instance, assignment)
    assert evaluation.hard_violations == []
    assert result.objective == evaluation.objective
    assert result.cost_by_rule.get("requests", 0) == (
        evaluation.breakdown["on_requests"] + evaluation.breakdown["off_requests"]
    )
    assert result.cost_by_rule.get("shift_cover", 0) == (
        evaluation.breakdown["cover_under"] + evaluation.breakdown["cover_over"]
    )
    assert result.lower_bound is not None and result.lower_bound <= evaluation.objective


def test_instance1_is_solved_to_its_proven_optimum(curtois_dir: Path) -> None:
    result = solve_instance(_instance(curtois_dir, "Instance1"), time_limit_s=10.0)
    assert result.objective == BEST_KNOWN["Instance1"] == 607
    assert result.status == "optimal"


@pytest.mark.slow
@pytest.mark.parametrize("name", ["Instance2", "Instance3", "Instance4"])
def test_small_instances_reach_best_known_in_a_minute(curtois_dir: Path, name: str) -> None:
    instance = _instance(curtois_dir, name)
    result = solve_instance(instance, time_limit_s=60.0)
    assert result.roster is not None
    assert evaluate(instance, roster_to_assignment(result.roster)).objective == BEST_KNOWN[name]


def test_the_search_plan_follows_the_instance_size(curtois_dir: Path) -> None:
    """Whole model on max_lp for a fifth of the time on the small instances (Instance7: 1,344
    agent-day-shift options), then column generation if it proved nothing; above, column generation for
    half the time, and if it finds no roster, 15%
    of it then mostly two-window neighbourhoods above 2,000 (Instance8: 2,324), half of it then any
    neighbourhood above 5,000 (Instance11: 5,712), CP-SAT's portfolio for a tenth above 8,000
    (Instance12: 11,256), handing over at its first roster after 3% of the time."""
    from solver.benchmarks.curtois_problem import EXCHANGE_KINDS, LARGE_KINDS, benchmark_settings

    plans = {
        name: benchmark_settings(_instance(curtois_dir, name), time_limit_s=60)
        for name in ("Instance7", "Instance8", "Instance11", "Instance12")
    }
    assert [(s.subsolvers, p.first_phase_share, p.handover_share) for s, p in plans.values()] == [
        (("max_lp",), 0.2, None),
        (("max_lp",), 0.15, None),
        (("max_lp",), 0.5, None),
        ((), 0.1, 0.03),
    ]
    assert plans["Instance8"][1].kinds == EXCHANGE_KINDS
    # costly spots by the square root of their cost on medium instances only (Instance9: 4 forced
    # shortfalls cost 400 of 442; the product's own search keeps drawing by cost)
    assert [p.spot_weight_power for _, p in plans.values()] == [1.0, 0.5, 1.0, 1.0]
    assert "halves" in EXCHANGE_KINDS  # see test_the_halves_neighbourhood_mends_instance10s_half_weekend
    assert "types" in EXCHANGE_KINDS  # see test_the_types_neighbourhood_lowers_a_stalled_instance8_roster
    assert plans["Instance11"][1].kinds is None  # the default kinds
    assert plans["Instance12"][1].kinds == LARGE_KINDS
    # column generation until half the time: above 2,000 options in place of the whole model, below
    # it only if the whole model proved nothing in its fifth (its LP is looser than CP-SAT's on Instance1)
    assert [(p.columns_share, p.columns_first) for _, p in plans.values()] == [
        (0.5, False),
        (0.5, True),
        (0.5, True),
        (0.5, True),
    ]


def test_a_first_phase_with_no_roster_at_the_end_of_its_share_goes_on_to_its_first(
    curtois_dir: Path, caplog: pytest.LogCaptureFixture
) -> None:
    """Instance8's first roster under ``max_lp`` comes after about 0.9 s; a first phase of 1% of 6 s
    has none by then. It goes on to that roster and hands it to the neighbourhoods, rather than giving
    the rest of the time to one whole-model solve (which ended about 40% worse in 4 s)."""
    import logging
    from dataclasses import replace

    from solver.benchmarks.curtois_problem import benchmark_settings
    from solver.search import solve_in_phases

    instance = _instance(curtois_dir, "Instance8")
    settings, plan = benchmark_settings(instance, time_limit_s=6)
    with caplog.at_level(logging.INFO, logger="solver.search"):
        result = solve_in_phases(
            problem_from_instance(instance),
            settings,
            replace(plan, first_phase_share=0.01, columns_share=None),
        )
    messages = [record.getMessage() for record in caplog.records]
    assert not [m for m in messages if m.startswith("first phase found no roster")]
    assert [m for m in messages if m.startswith("neighbourhoods: ")]  # the search improved on it
    assert result.roster is not None
    assert not evaluate(instance, roster_to_assignment(result.roster)).hard_violations
    assert result.solve_seconds < 6 + 2


HALF_WEEKEND_ROSTER = Path(__file__).parent / "data" / "instance10_47_shortfalls.txt"


def _stored(instance: CurtoisInstance, path: Path) -> dict[str, list[str | None]]:
    rows = [line.split() for line in path.read_text().splitlines() if not line.startswith("#")]
    assert {row[0] for row in rows} == {member.id for member in instance.staff}
    return {row[0]: [None if s == "-" else s for s in row[1:]] for row in rows}


def _search_from_stored(
    curtois_dir: Path, name: str, path: Path, kind: str, target: int, seconds: float
) -> tuple[Any, Any, Any]:
    """The stored roster's score, then the medium plan's search drawing ``kind`` alone from it (its
    incumbent must cost what the benchmark charges) until ``target`` or ``seconds``: (the score before,
    the search's result, the score after)."""
    import time

    from solver.benchmarks.curtois_problem import benchmark_settings
    from solver.search import improve, incumbent_of, roster_of
    from solver.solve import rules_model

    instance = _instance(curtois_dir, name)
    problem = problem_from_instance(instance)
    assignment = _stored(instance, path)
    before = evaluate(instance, assignment)
    ctx, cost = rules_model(problem, work_days=True)
    ctx.model.minimize(cost)
    incumbent = incumbent_of(ctx, assignment_to_roster(problem, assignment))
    assert incumbent is not None and incumbent.objective == before.objective
    settings, plan = benchmark_settings(instance, time_limit_s=60)
    assert kind in (plan.kinds or ())
    plan = replace(plan, kinds=(kind,))
    # the search stops as soon as it reaches the target
    found = improve(ctx, incumbent, target, time.perf_counter() + seconds, settings, plan)
    return before, found, evaluate(instance, roster_to_assignment(roster_of(ctx, found)))


def test_the_halves_neighbourhood_mends_instance10s_half_weekend(curtois_dir: Path) -> None:
    """Instance10 asks for 206 weekend shifts; worked whole, every agent's weekends supply 160, so its
    optimum's 46 shortfalls are the least there can be. The fixture is one of our rosters stuck at 47:
    employee AC works Saturday 26, whose Sunday is a listed day off, and the two-window neighbourhoods
    left it there for 10 s on three seeds. The ``halves`` neighbourhood, which the medium plan draws
    (it frees AC with others over every day), must reach 46 shortfalls on the medium plan's settings.
    Only ``halves`` is drawn here: the whole plan gets there too, in 1-14 s on four seeds, in a time
    that depends on which costly spots its other kinds draw first (two runs in nine took over 30 s
    with the spots drawn by the square root of their cost), which is not what this test is about."""
    before, _, after = _search_from_stored(curtois_dir, "Instance10", HALF_WEEKEND_ROSTER, "halves", 4699, 30)
    assert (before.objective, before.breakdown["cover_under"]) == (4743, 4700)  # 47 shortfalls
    assert not after.hard_violations
    assert after.breakdown["cover_under"] == 4600, after.breakdown  # below 4700: 46 shortfalls


STALLED_ROSTER = Path(__file__).parent / "data" / "instance8_1326_stalled.txt"


def test_the_types_neighbourhood_lowers_a_stalled_instance8_roster(curtois_dir: Path) -> None:
    """The fixture is one of our Instance8 rosters at its 12 forced night shortfalls and 126 in
    requests, where the medium plan's other kinds had stopped improving (1326, 45 s into a run). Each
    agent may work at most 4 nights and every one of the 74 is needed, so a night moved one day must be
    given back on another, possibly weeks away. Changing only the shifts of the days each agent works,
    over the whole horizon, lowers it (to 1324 in 0.2 s on 2026-12-06), and the roster it leaves still
    keeps every hard rule."""
    before, found, after = _search_from_stored(curtois_dir, "Instance8", STALLED_ROSTER, "types", 1325, 20)
    assert (before.objective, before.breakdown["cover_under"]) == (1326, 1200)
    assert not after.hard_violations
    assert after.objective == found.objective <= 1325
