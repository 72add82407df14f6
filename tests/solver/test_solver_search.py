"""The neighbourhood search's neighbourhoods: which agent-days each kind frees."""

from __future__ import annotations

import random
import threading
import time
from typing import Any

import pytest

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
        if kind == "types":  # it also says which freed days keep a shift: see the tests of _shift_changes
            with pytest.raises(ValueError, match="types"):
                _neighbourhood(ctx, kind, 0.2, random.Random(1))
            continue
        free = _neighbourhood(ctx, kind, 0.2, random.Random(1), hot if kind == "hot" else None)
        assert free and free <= everything, kind


def _first_roster(ctx: Any) -> Any:
    """CP-SAT's first roster of ``ctx``'s model as a start for :func:`improve`, its objective raised
    by one so that the loop runs whatever bound it is given."""
    from ortools.sat.python import cp_model

    from solver.search import _Incumbent

    first = cp_model.CpSolver()
    first.parameters.num_workers = 1
    assert first.solve(ctx.model) in (cp_model.OPTIMAL, cp_model.FEASIBLE)
    return _Incumbent(list(first.response_proto.solution), round(first.objective_value) + 1)


def test_a_plans_start_agent_days_caps_the_first_neighbourhoods_of_a_large_roster(
    kit: Any, monkeypatch: Any
) -> None:
    """On a large roster a quarter is too much to re-solve in a step: ``start_agent_days`` caps where
    every kind of neighbourhood starts (here 40 of 560 agent-days), whatever ``size`` says."""
    import math

    import solver.search as search
    from solver.search import NeighbourhoodPlan, improve
    from solver.solve import SolveSettings, rules_model

    team = [kit.agent(f"A{i:02d}") for i in range(20)]
    ctx, cost = rules_model(kit.problem(team, days=28))
    ctx.model.minimize(cost)
    asked: list[float] = []
    enough = threading.Event()  # the first neighbourhoods are all this test needs

    def recorded(c: Any, kind: str, size: float, *rest: Any) -> Any:
        asked.append(size)
        enough.set()
        return real(c, kind, size, *rest)

    real = search._neighbourhood
    monkeypatch.setattr(search, "_neighbourhood", recorded)
    start = _first_roster(ctx)
    plan = NeighbourhoodPlan(size=0.25, start_agent_days=40)
    settings = SolveSettings(workers=2, seed=0, stop=enough)
    improve(ctx, start, -math.inf, time.perf_counter() + 30, settings, plan)
    assert asked and math.isclose(asked[0], 40 / 560)  # not 0.25
    assert max(asked) <= plan.max_size


def _search_model(problem: Any) -> Any:
    """The model the neighbourhood search works on: works-that-day Booleans, every rule, the objective."""
    from solver.solve import rules_model

    ctx, cost = rules_model(problem, work_days=True)
    ctx.model.minimize(cost)
    return ctx


def _halved_weekends(kit: Any) -> tuple[Any, dict[Any, list[str]]]:
    """Two weeks for A-F: A works only the first Saturday, B only the second Sunday, C both days of the
    first weekend, D and E every weekday, F nothing."""
    from solver.search import half_weekends, incumbent_of
    from wfm.domain import Roster

    problem = kit.problem("ABCDEF", days=14)
    ctx = _search_model(problem)
    week = "E E E E E - -"
    rows = {
        "A": "- - - - - E - - - - - - - -",
        "B": "- - - - - - - - - - - - - E",
        "C": "- - - - - E E - - - - - - -",
        "D": f"{week} {week}",
        "E": f"{week} {week}",
    }
    incumbent = incumbent_of(ctx, Roster(horizon=problem.horizon, cells=kit.cells(problem, rows)))
    assert incumbent is not None
    return ctx, half_weekends(ctx, incumbent.values)


def test_half_weekends_are_the_agents_working_one_day_of_a_weekend(kit: Any) -> None:
    _, halves = _halved_weekends(kit)
    assert halves == {kit.day(5): ["A"], kit.day(12): ["B"]}  # not C (whole), not D-F (none)


def test_a_halves_neighbourhood_frees_a_weekends_halved_agents_over_every_day(kit: Any) -> None:
    ctx, halves = _halved_weekends(kit)
    halved = set()
    for seed in range(10):
        free = _neighbourhood(ctx, "halves", 0.3, random.Random(seed), halves=halves)
        agents = {agent for agent, _ in free}
        assert free == {(agent, day) for agent in agents for day in ctx.problem.days}
        assert len(agents) == 2  # about 0.3 of six agents
        assert agents & {"A", "B"}  # the halved agent of the weekend picked, and one other
        halved |= agents & {"A", "B"}
    assert halved == {"A", "B"}  # either weekend


def _saturday_handed_over(kit: Any) -> Any:
    """A week for A and B (one worked weekend each at most; A would rather not work Saturday, B would
    like to), A rostered on Saturday and B on no day; the neighbourhood freeing both Saturdays, solved.
    Returns the context, the incumbent, the variables the neighbourhood may change and its solver."""
    from ortools.sat.python import cp_model

    from solver.problem import AgentTerms
    from solver.search import SubModels, _fixed_outside, incumbent_of
    from wfm.domain import Roster, ShiftRequest

    saturday = kit.day(5)
    problem = kit.problem(
        "AB",
        days=7,
        terms={a: AgentTerms(max_weekends=1) for a in "AB"},
        requests=(
            ShiftRequest(agent_id="A", day=saturday, shift="early", wanted=False, weight=5),
            ShiftRequest(agent_id="B", day=saturday, shift="early", wanted=True, weight=5),
        ),
    )
    ctx = _search_model(problem)
    roster = Roster(horizon=problem.horizon, cells=kit.cells(problem, {"A": "- - - - - E -"}))
    incumbent = incumbent_of(ctx, roster)
    assert incumbent is not None
    free = {("A", saturday), ("B", saturday)}
    fixed = {index for index, _ in _fixed_outside(ctx, free, incumbent.values)}
    models = SubModels(ctx)
    sub, loose = models.model(models.decisions - fixed, incumbent.values)
    solver = cp_model.CpSolver()
    solver.parameters.num_workers = 1
    assert solver.solve(sub) == cp_model.OPTIMAL
    return ctx, incumbent, loose, solver


def test_a_neighbourhood_frees_a_weekend_flag_that_hangs_on_a_freed_day(kit: Any) -> None:
    """The weekend flag reads works-that-day Booleans, not the shifts: it is two constraints away from
    a freed shift. Pinned to the incumbent, B (no weekend worked) could never take A's Saturday."""
    from solver.search import SubModels, _Incumbent, roster_of

    ctx, incumbent, loose, solver = _saturday_handed_over(kit)
    met = 2 * 5 * ctx.problem.weights.request_unit  # both requests met now
    assert round(solver.objective_value) == incumbent.objective - met
    moved = SubModels.merge(incumbent.values, list(solver.response_proto.solution), loose)
    cells = roster_of(ctx, _Incumbent(moved, 0)).cells
    saturday = {c.agent_id: c.shift for c in cells if c.day == kit.day(5)}
    assert saturday["B"] == "early"  # (A may work a late instead: nothing says otherwise)


def test_a_works_boolean_of_a_fixed_day_stays_pinned_to_the_incumbent(kit: Any) -> None:
    """A variable defined by decisions (``works == sum(shifts)``) moves only with them: B's Sunday is
    fixed, so its works Boolean is not among the variables the neighbourhood may change."""
    ctx, _, loose, _ = _saturday_handed_over(kit)
    sunday, saturday = kit.day(6), kit.day(5)
    assert ctx.works[("B", saturday)].index in loose
    assert ctx.works[("B", sunday)].index not in loose
    assert ctx.works[("A", sunday)].index not in loose


def _idle_fortnight(kit: Any) -> tuple[Any, Any]:
    """The search model of six agents over two weeks with shift cover to meet, and its idle roster as
    the incumbent (nobody working costs 56 x 100)."""
    from solver.benchmarks.curtois_problem import BENCHMARK_WEIGHTS
    from solver.problem import AgentTerms, ShiftCover
    from solver.search import incumbent_of
    from wfm.domain import Roster

    team = [kit.agent(f"A{i}") for i in range(6)]
    problem = kit.problem(
        team,
        days=14,
        weights=BENCHMARK_WEIGHTS,  # only the cover costs: nobody working costs 56 x 100
        terms={a.id: AgentTerms(max_weekends=1, max_consecutive_days=4) for a in team},
        shift_cover=tuple(
            ShiftCover(day=kit.day(d), shift=s, required=2, under_weight=100, over_weight=1)
            for d in range(14)
            for s in ("early", "late")
        ),
    )
    ctx = _search_model(problem)
    start = incumbent_of(ctx, Roster(horizon=problem.horizon, cells=kit.cells(problem, {})))
    assert start is not None
    return ctx, start


def test_the_search_keeps_a_consistent_roster_while_both_workers_improve_it(kit: Any) -> None:
    """Neighbourhoods finish out of step (each starts from the incumbent of its moment): whatever is
    kept must be a whole roster the full model accepts at exactly the objective the search reports,
    and no worse than where it started."""
    import math

    from solver.search import NeighbourhoodPlan, improve, incumbent_of, roster_of
    from solver.solve import SolveSettings

    ctx, start = _idle_fortnight(kit)
    plan = NeighbourhoodPlan(size=0.2, step_s=0.2)
    found = improve(ctx, start, -math.inf, time.perf_counter() + 1.5, SolveSettings(workers=2, seed=3), plan)
    assert found.objective < start.objective
    again = incumbent_of(ctx, roster_of(ctx, found))
    assert again is not None and again.objective == found.objective


def test_setting_stop_ends_the_neighbourhood_search_at_once_keeping_its_roster(kit: Any) -> None:
    """A scheduler cancels: the search stops within a fraction of a second of ``stop`` being set, not
    at its deadline 30 s away, and returns the best whole roster it had."""
    import math
    import threading

    from solver.search import NeighbourhoodPlan, improve, incumbent_of, roster_of
    from solver.solve import SolveSettings

    ctx, start = _idle_fortnight(kit)
    stop = threading.Event()
    threading.Timer(0.5, stop.set).start()
    began = time.perf_counter()
    found = improve(
        ctx,
        start,
        -math.inf,
        began + 30.0,
        SolveSettings(workers=2, seed=3, stop=stop),
        NeighbourhoodPlan(size=0.2, step_s=5.0),
    )
    assert time.perf_counter() - began < 2.0
    assert found.objective < start.objective  # what it found in half a second is kept
    again = incumbent_of(ctx, roster_of(ctx, found))
    assert again is not None and again.objective == found.objective


def _first_roster_not_best() -> tuple[Any, Any]:
    """A model whose first solution under a fixed search (every x at 0) is not its optimum (all at 1)."""
    from ortools.sat.python import cp_model

    model = cp_model.CpModel()
    xs = [model.new_bool_var(f"x{i}") for i in range(6)]
    model.maximize(sum(xs))
    model.add_decision_strategy(xs, cp_model.CHOOSE_FIRST, cp_model.SELECT_MIN_VALUE)
    solver = cp_model.CpSolver()
    solver.parameters.num_workers = 1
    solver.parameters.search_branching = cp_model.FIXED_SEARCH
    solver.parameters.cp_model_presolve = False
    return model, solver


def test_the_first_phase_hands_over_at_its_first_roster_after_the_handover_time() -> None:
    from ortools.sat.python import cp_model

    from solver.search import _HandOver

    model, solver = _first_roster_not_best()
    assert solver.solve(model, _HandOver(time.perf_counter())) == cp_model.FEASIBLE
    assert solver.objective_value == 0  # stopped at the first roster
    model, solver = _first_roster_not_best()
    assert solver.solve(model, _HandOver(time.perf_counter() + 3600)) == cp_model.OPTIMAL
    assert solver.objective_value == 6


def _roster_then_a_long_proof() -> tuple[Any, Any]:
    """A model whose first solution (``z`` = 0, hinted) comes at once and whose only better one needs
    15 pigeons in 14 holes: with no LP, presolve or symmetry, CP-SAT finds nothing more and cannot
    prove that in seconds."""
    from ortools.sat.python import cp_model

    model = cp_model.CpModel()
    z = model.new_bool_var("z")
    holes = [[model.new_bool_var(f"x{p}_{h}") for h in range(14)] for p in range(15)]
    for pigeon in holes:
        model.add_bool_or(pigeon).only_enforce_if(z)
        model.add_at_most_one(pigeon)
    for h in range(14):
        model.add_at_most_one(pigeon[h] for pigeon in holes)
    model.maximize(z)
    for var in [z, *(x for pigeon in holes for x in pigeon)]:
        model.add_hint(var, 0)
    solver = cp_model.CpSolver()
    solver.parameters.num_workers = 1
    solver.parameters.max_time_in_seconds = 20
    solver.parameters.cp_model_presolve = False
    solver.parameters.linearization_level = 0
    solver.parameters.symmetry_level = 0
    solver.parameters.cp_model_probing_level = 0
    return model, solver


def test_a_first_phase_with_a_roster_stops_at_the_end_of_its_share() -> None:
    """The phase runs with all the time; the end of its share stops it if it has a roster, even when
    no later roster would come to stop it (without that, this search runs its whole 20 s)."""
    from ortools.sat.python import cp_model

    from solver.search import _ends_at, _HandOver

    model, solver = _roster_then_a_long_proof()
    started = time.perf_counter()
    end = started + 0.5
    handover = _HandOver(end)
    with _ends_at(solver, handover, end):
        assert solver.solve(model, handover) == cp_model.FEASIBLE
    assert handover.found
    assert 0.4 <= time.perf_counter() - started < 5


def test_a_plan_hands_over_no_later_than_its_first_phase_ends() -> None:
    import pytest

    from solver.search import NeighbourhoodPlan

    assert NeighbourhoodPlan(first_phase_share=0.1, handover_share=0.1).handover_share == 0.1
    with pytest.raises(ValueError, match="handover_share"):
        NeighbourhoodPlan(first_phase_share=0.1, handover_share=0.2)


def test_a_pair_neighbourhood_frees_every_agent_over_a_window_around_the_costly_spot_and_another(
    kit: Any,
) -> None:
    team = [kit.agent(f"A{i:02d}") for i in range(6)]
    ctx = build_context(kit.problem(team, days=28))
    days = list(ctx.problem.days)
    spot = days[20]
    elsewhere = set()
    for seed in range(20):
        free = _neighbourhood(ctx, "pair", 0.5, random.Random(seed), hot=[("A03", spot)])
        freed_days = {day for _, day in free}
        assert free == {(a.id, d) for a in ctx.problem.agents for d in freed_days}  # every agent
        assert spot in freed_days
        assert 7 <= len(freed_days) <= 14  # two windows of a quarter of the horizon, maybe overlapping
        elsewhere |= freed_days - set(days[16:25])
    assert len(elsewhere) >= 14  # the second window wanders over the horizon


def test_a_plan_draws_only_its_own_kinds_of_neighbourhood(kit: Any, monkeypatch: Any) -> None:
    import math

    import pytest

    import solver.search as search
    from solver.search import NeighbourhoodPlan, improve
    from solver.solve import SolveSettings

    with pytest.raises(ValueError, match="kinds"):
        NeighbourhoodPlan(kinds=("pair", "sideways"))
    with pytest.raises(ValueError, match="kinds"):
        NeighbourhoodPlan(kinds=())
    team = [kit.agent(f"A{i:02d}") for i in range(8)]
    ctx = _search_model(kit.problem(team, days=14))
    start = _first_roster(ctx)
    drawn: list[str] = []
    real = search._neighbourhood

    def recording(c: Any, kind: str, size: float, rng: Any, hot: Any = None, *rest: Any) -> Any:
        drawn.append(kind)
        if kind == "pair":
            assert hot is not None  # the costly spots reach the pair kind, as they do the hot one
        return real(c, kind, size, rng, hot, *rest)

    monkeypatch.setattr(search, "_neighbourhood", recording)
    for only in ("pair", "window"):
        drawn.clear()
        plan = NeighbourhoodPlan(kinds=(only,), step_s=0.1)
        improve(ctx, start, -math.inf, time.perf_counter() + 0.5, SolveSettings(workers=2, seed=0), plan)
        assert drawn and set(drawn) == {only}
    drawn.clear()
    improve(
        ctx,
        start,
        -math.inf,
        time.perf_counter() + 0.5,
        SolveSettings(workers=2, seed=0),
        NeighbourhoodPlan(),
    )
    assert drawn and "pair" not in drawn  # the default kinds leave out every-agent windows


def test_a_spot_weight_power_below_one_draws_cheap_costly_spots_more_often(kit: Any) -> None:
    """Two costly spots, one costing 100 (a forced shortfall, say) and one costing 1 (a missed
    request): by cost the cheap one gets about 1 draw in 101; by the square root of cost, 1 in 11."""
    from solver.search import NeighbourhoodPlan, SubModels

    with pytest.raises(ValueError, match="spot_weight_power"):
        NeighbourhoodPlan(spot_weight_power=0)
    ctx = build_context(kit.problem([kit.agent("A01"), kit.agent("A02")], days=7))
    first_day = ctx.problem.days[0]
    dear, cheap = (next(iter(ctx.shifts[(agent, first_day)].values())).index for agent in ("A01", "A02"))
    models = SubModels(ctx)
    models.coefficients = [(dear, 100), (cheap, 1)]  # the two spots' penalties, nothing else costs
    models.reading = {}  # each spot is its own decision: no constraint adds other agents
    values = [1] * len(ctx.model.proto.variables)

    def cheap_share(power: float) -> float:
        rng = random.Random(0)
        draws = [models.hot_spot(values, rng, power) for _ in range(4000)]
        assert all(draw in ([("A01", first_day)], [("A02", first_day)]) for draw in draws)
        return sum(draw == [("A02", first_day)] for draw in draws) / len(draws)

    assert cheap_share(1.0) < 0.02
    assert 0.07 < cheap_share(0.5) < 0.12


TWO_NIGHTS_APART = """SECTION_HORIZON
14

SECTION_SHIFTS
E,480,
N,480,E

SECTION_STAFF
A,E=14|N=1,960,480,1,1,1,2
B,E=14|N=1,960,480,1,1,1,2

SECTION_SHIFT_ON_REQUESTS
A,13,N,2
B,0,N,2

SECTION_COVER
0,E,1,100,1
0,N,1,100,1
13,E,1,100,1
13,N,1,100,1
"""
"""Two agents, each allowed one night and at most two days; the first and last days each need an early
and a night. A wants the last night and B the first: the roster giving each the other's night misses both
requests (cost 4), and mending it means swapping shifts on days thirteen days apart."""


def _two_nights_apart() -> tuple[Any, Any, Any]:
    """The search model of :data:`TWO_NIGHTS_APART`, its days, and the roster missing both requests."""
    from solver.benchmarks.curtois import parse_instance_text
    from solver.benchmarks.curtois_problem import assignment_to_roster, problem_from_instance
    from solver.search import incumbent_of

    instance = parse_instance_text(TWO_NIGHTS_APART, name="two nights apart")
    problem = problem_from_instance(instance)
    ctx = _search_model(problem)
    off = [None] * 12
    roster = assignment_to_roster(problem, {"A": ["N", *off, "E"], "B": ["E", *off, "N"]})
    incumbent = incumbent_of(ctx, roster)
    assert incumbent is not None and incumbent.objective == 4
    return ctx, list(problem.days), incumbent


def test_a_types_neighbourhood_changes_shifts_across_the_horizon_keeping_the_days_worked() -> None:
    from ortools.sat.python import cp_model

    from solver.search import SubModels, _fixed_outside, _shift_changes, working_days

    ctx, days, incumbent = _two_nights_apart()
    working = working_days(ctx, incumbent.values)
    assert working == {(a, d) for a in "AB" for d in (days[0], days[13])}
    free, keep = _shift_changes(ctx, 0.01, random.Random(0), working)  # no agent wholly free
    assert free == keep == working
    models = SubModels(ctx)
    fixed = {index for index, _ in _fixed_outside(ctx, free, incumbent.values)}
    one_of = [[var.index for var in ctx.shifts[key].values()] for key in keep]
    sub, loose = models.model(models.decisions - fixed, incumbent.values, one_of)
    solver = cp_model.CpSolver()
    solver.parameters.num_workers = 1
    assert solver.solve(sub) == cp_model.OPTIMAL and solver.objective_value == 0
    values = SubModels.merge(incumbent.values, list(solver.response_proto.solution), loose)
    assert working_days(ctx, values) == working
    assert values[ctx.shifts[("A", days[13])]["N"].index] == 1  # each agent got the night they asked for
    assert values[ctx.shifts[("B", days[0])]["N"].index] == 1

    # A kept day may not go off, although the contract would allow one day fewer: without the
    # exactly-one constraints the same neighbourhood could drop it (at the cost of a short cover).
    def with_a_off_on_day_0(model: cp_model.CpModel) -> cp_model.CpModel:
        model = model.clone()
        for var in ctx.shifts[("A", days[0])].values():
            domain = model.proto.variables[var.index].domain
            domain.clear()
            domain.extend([0, 0])
        return model

    assert cp_model.CpSolver().solve(with_a_off_on_day_0(sub)) == cp_model.INFEASIBLE
    unkept, _ = models.model(models.decisions - fixed, incumbent.values)
    assert cp_model.CpSolver().solve(with_a_off_on_day_0(unkept)) == cp_model.OPTIMAL


def test_a_types_neighbourhood_frees_a_few_agents_over_every_day() -> None:
    from solver.search import _shift_changes

    ctx, days, _ = _two_nights_apart()
    working = {("A", days[0]), ("B", days[13])}
    free, keep = _shift_changes(ctx, 1.0, random.Random(0), working)  # half of the agents: one
    chosen = {a for a in "AB" if {(a, d) for d in days} <= free}
    assert len(chosen) == 1
    assert keep == {key for key in working if key[0] not in chosen}
    assert free == keep | {(a, d) for a in chosen for d in days}


def test_the_search_drawing_types_alone_mends_the_two_nights() -> None:
    from solver.search import NeighbourhoodPlan, improve
    from solver.solve import SolveSettings

    ctx, _, incumbent = _two_nights_apart()
    plan = NeighbourhoodPlan(kinds=("types",), step_s=1.0)
    found = improve(ctx, incumbent, 0, time.perf_counter() + 10, SolveSettings(workers=2, seed=0), plan)
    assert found.objective == 0
