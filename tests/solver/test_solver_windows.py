"""A long horizon week by week: the weeks' relaxations bound the whole problem from below, and rosters
of successive rolling weeks join into a roster the whole problem's rules accept."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from solver import RosterStatus, SolveSettings, check_roster
from solver.problem import AgentTerms, WeekLimits
from solver.rules import HARD_RULES
from solver.solve import solve_whole
from solver.windows import (
    capacity,
    relaxed_window,
    rolling_window,
    should_split,
    solve_by_weeks,
    week_windows,
)
from tests.conftest import sample_centre
from wfm.domain import LeaveType, RosterRules

HARD = {unit.name for unit in HARD_RULES}
SETTINGS = SolveSettings(time_limit_s=1.0, workers=2, seed=0)
PROPERTY = settings(
    max_examples=10,
    deadline=None,
    derandomize=True,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)


def _hard(problem: Any, cells: Any) -> list[Any]:
    return [v for v in check_roster(problem, cells) if v.rule in HARD]


def _weeks_planned(monkeypatch: Any) -> list[str]:
    """A list that gets one entry for each rolling week planned from now on (a week found infeasible
    falls back to the whole horizon, so fewer entries than weeks)."""
    import solver.windows as windows

    used: list[str] = []
    original = windows.rolling_window
    monkeypatch.setattr(windows, "rolling_window", lambda *a, **k: used.append("week") or original(*a, **k))
    return used


def test_windows_are_the_calendar_weeks_of_the_horizon(kit: Any) -> None:
    problem = kit.problem(days=12, start=kit.day(2))  # Wednesday to the next Sunday but one
    windows = week_windows(problem)
    assert [(w[0], len(w)) for w in windows] == [(kit.day(2), 5), (kit.day(7), 7)]


def test_capacity_counts_open_days_rest_days_and_the_weekly_contract(kit: Any) -> None:
    terms = {"A": AgentTerms(weeks={kit.day(7): WeekLimits(max_days=3, max_minutes=1000)})}
    problem = kit.problem(
        "AB",
        days=14,
        rules=RosterRules(min_closing_staff=0, meeting=None, rest_days_per_week=2),
        terms=terms,
        leave={("A", kit.day(1)): LeaveType.SICK},
    )
    ann, bo = problem.agents
    first_week = problem.days[:7]
    assert capacity(problem, bo, first_week) == (5, 5 * 540)  # two rest days, 9-hour shifts
    assert capacity(problem, ann, first_week) == (5, 5 * 540)  # six open days, still two rest days
    assert capacity(problem, ann, problem.days[7:]) == (3, 1000)  # the week's contract
    assert capacity(problem, ann, problem.days[:3]) == (2, 2 * 540)  # Tuesday is sick leave


def test_relaxed_week_keeps_its_weekly_limits_and_drops_what_reaches_outside(kit: Any) -> None:
    history = kit.cells(kit.problem(start=kit.day(-1), days=1), {"A": "L", "B": "-"})
    terms = {
        "A": AgentTerms(
            min_minutes=10 * 540, max_minutes=10 * 540, weeks={kit.day(7): WeekLimits(max_days=5)}
        )
    }
    problem = kit.problem(days=14, terms=terms, history=history)
    first, second = (relaxed_window(problem, w) for w in week_windows(problem))
    assert first.history == problem.history and second.history == ()
    assert first.weights.fairness_late == 0 and first.weights.fairness_weekend == 0
    # week 2 can hold at most 5 days (rest days), so week 1 must hold at least 5 of the 10
    assert first.terms["A"].min_minutes == 5 * 540
    assert first.terms["A"].weeks == {} and second.terms["A"].weeks == {kit.day(7): WeekLimits(max_days=5)}
    assert first.terms["A"].max_minutes == 10 * 540  # the horizon's maximum is still a valid bound


def test_rolling_week_carries_the_days_before_it_and_what_is_left(kit: Any) -> None:
    terms = {"A": AgentTerms(min_minutes=6 * 540, max_minutes=8 * 540, max_weekends=1)}
    problem = kit.problem(days=14, terms=terms)
    week1, week2 = week_windows(problem)
    done = kit.cells(problem, {"A": "E E E E E L L - - - - - - -", "B": "- - - - - - - - - - - - - -"})
    done = tuple(c for c in done if c.day in week1)
    rolling = rolling_window(problem, week2, done)
    assert set(rolling.history) == set(done)
    left = rolling.terms["A"]
    assert (left.min_minutes, left.max_minutes, left.max_weekends) == (0, 540, 0)


def test_a_rolling_weeks_share_of_minutes_holds_whole_shifts(kit: Any, monkeypatch: Any) -> None:
    """Nine 9-hour shifts over a fortnight: half of them is 4.5 shifts, so a first week held to its share
    of the minutes rounded (40.5 h either way) could hold no roster, and solving week by week would
    fall back to the whole horizon. The share's band is a shift wide: four or five shifts fit it, both
    weeks are solved, and the fortnight's roster works the nine shifts with no hard rule broken."""

    terms = {"A": AgentTerms(min_minutes=9 * 540, max_minutes=9 * 540)}
    problem = kit.problem(days=14, terms=terms)
    week1, _ = week_windows(problem)
    left = rolling_window(problem, week1, ()).terms["A"]
    assert left.min_minutes is not None and left.max_minutes is not None
    assert left.min_minutes <= 4 * 540 and left.max_minutes >= 5 * 540  # four shifts, or five
    assert left.max_minutes - left.min_minutes <= 2 * 540  # still a share, not the whole fortnight
    used = _weeks_planned(monkeypatch)
    result = solve_by_weeks(problem, SolveSettings(time_limit_s=5.0, workers=2, seed=0))
    assert used == ["week", "week"]  # no week infeasible, so no fall-back to the whole horizon
    assert result.solved and result.roster is not None
    assert _hard(problem, result.roster.cells) == []
    assert sum(1 for c in result.roster.cells if c.agent_id == "A" and c.shift is not None) == 9


def test_a_rolling_week_ends_only_in_a_run_the_next_days_can_carry_on(kit: Any, monkeypatch: Any) -> None:
    """Ann needs at least two working days in a row, asks hard to work the first Sunday and not the
    Saturday, and is not available on the second Monday. A run at a week's end is exempt from the
    minimum within the week, so the first week alone gives her the Sunday by itself, which no second
    week can mend (before the lookahead, the fortnight came back with that one-day run). Planned with
    the next day, the first week cannot: both weeks are solved, and the fortnight keeps every hard
    rule."""
    import solver.windows as windows
    from wfm.domain import ShiftRequest

    ann = "A"
    problem = kit.problem(
        days=14,
        terms={ann: AgentTerms(min_consecutive_days=2)},
        unavailable=frozenset({(ann, kit.day(7))}),
        requests=(
            ShiftRequest(agent_id=ann, day=kit.day(6), wanted=True, weight=1000),
            ShiftRequest(agent_id=ann, day=kit.day(5), wanted=False, weight=1000),
        ),
    )
    week1, week2 = week_windows(problem)
    assert windows.lookahead_days(problem, week1) == [kit.day(7)]
    assert windows.lookahead_days(problem, week2) == []
    used = _weeks_planned(monkeypatch)
    result = solve_by_weeks(problem, SolveSettings(time_limit_s=5.0, workers=2, seed=0))
    assert used == ["week", "week"]
    assert result.solved and result.roster is not None
    assert _hard(problem, result.roster.cells) == []
    worked = {c.day for c in result.roster.cells if c.agent_id == ann and c.shift is not None}
    assert kit.day(6) not in worked or kit.day(5) in worked  # Sunday only as the end of a longer run


def test_a_rolling_weeks_share_counts_no_weekend_once_every_worked_weekend_is_used(
    kit: Any, monkeypatch: Any
) -> None:
    """Ann may work one weekend in three weeks and must work twelve shifts; she asks hard to work the
    first Saturday and cannot work the second Tuesday and Wednesday. Once the first week has used her
    weekend, the second week holds at most three of her shifts (Monday, Thursday, Friday), not five:
    counted with its weekend, its share of the eight shifts left was four, the week was infeasible, and
    solving week by week fell back to the whole horizon (Curtois Instance12's agent AW, in week three).
    Without the weekend, all three weeks are solved and the roster keeps every hard rule."""
    from wfm.domain import ShiftRequest

    ann = "A"
    problem = kit.problem(
        days=21,
        terms={ann: AgentTerms(min_minutes=12 * 540, max_minutes=12 * 540, max_weekends=1)},
        unavailable=frozenset({(ann, kit.day(8)), (ann, kit.day(9))}),
        requests=(ShiftRequest(agent_id=ann, day=kit.day(5), wanted=True, weight=1000),),
    )
    agent = problem.agent(ann)
    week1, week2, week3 = week_windows(problem)
    assert capacity(problem, agent, week2) == (5, 5 * 540)  # the weekend counted
    assert capacity(problem, agent, week2, weekends_left=0) == (3, 3 * 540)
    # one weekend left: week 2's, which adds two days (week 1's adds none: its rest days fill it)
    assert capacity(problem, agent, [*week1, *week2], weekends_left=1) == (10, 10 * 540)
    assert capacity(problem, agent, [*week2, *week3], weekends_left=0) == (8, 8 * 540)
    used = _weeks_planned(monkeypatch)
    result = solve_by_weeks(problem, SolveSettings(time_limit_s=6.0, workers=2, seed=0))
    assert used == ["week", "week", "week"]  # no week infeasible, so no fall-back to the whole horizon
    assert result.solved and result.roster is not None
    assert _hard(problem, result.roster.cells) == []
    worked = [c.day for c in result.roster.cells if c.agent_id == ann and c.shift is not None]
    assert len(worked) == 12 and kit.day(5) in worked


def test_a_rolling_weeks_share_leaves_out_the_days_the_scheduler_pinned_to_rest(
    kit: Any, monkeypatch: Any
) -> None:
    """Ann must work seven shifts in a fortnight, and the scheduler has pinned her first Monday to
    Friday to rest. Her first week holds two shifts (the weekend), not five: counted with the pinned
    days, its share of the seven was three or four, the week was infeasible, and solving week by week
    fell back to the whole horizon. Both weeks are now solved, and the pins and every hard rule hold."""
    ann = "A"
    pins = tuple(c for c in kit.cells(kit.problem(days=5), {"A": "- - - - -"}) if c.agent_id == ann)
    problem = kit.problem(
        days=14, terms={ann: AgentTerms(min_minutes=7 * 540, max_minutes=7 * 540)}, pinned=pins
    )
    week1, _ = week_windows(problem)
    assert capacity(problem, problem.agent(ann), week1) == (2, 2 * 540)
    used = _weeks_planned(monkeypatch)
    result = solve_by_weeks(problem, SolveSettings(time_limit_s=5.0, workers=2, seed=0))
    assert used == ["week", "week"]  # no week infeasible, so no fall-back to the whole horizon
    assert result.solved and result.roster is not None
    assert _hard(problem, result.roster.cells) == []
    worked = [c.day for c in result.roster.cells if c.agent_id == ann and c.shift is not None]
    assert len(worked) == 7 and not set(worked) & set(week1[:5])


def test_a_week_its_share_makes_infeasible_is_planned_again_without_the_shares(
    kit: Any, monkeypatch: Any
) -> None:
    """Ann works at most two days in a row, worked the two days before the horizon, and cannot work the
    first Sunday or the second Saturday; she must work 14 shifts in three weeks. Her first week holds
    four (Tuesday, Wednesday, Friday, Saturday), though its open days and rest days would hold five:
    ``capacity`` knows no run lengths. Its share of the 14 was five, the week was infeasible, and
    solving week by week fell back to the whole horizon. It is now planned again held only to what
    the later weeks cannot make up (four), and every week is solved."""
    history = kit.cells(kit.problem(start=kit.day(-2), days=2), {"A": "E E", "B": "- -"})
    terms = {"A": AgentTerms(min_minutes=14 * 540, max_minutes=14 * 540, max_consecutive_days=2)}
    problem = kit.problem(
        days=21,
        terms=terms,
        history=history,
        unavailable=frozenset({("A", kit.day(6)), ("A", kit.day(12))}),
    )
    week1, _, _ = week_windows(problem)
    shared = rolling_window(problem, week1, ()).terms["A"].min_minutes
    assert shared is not None and shared > 4 * 540  # five shifts, where four fit
    assert rolling_window(problem, week1, (), share=False).terms["A"].min_minutes == 4 * 540
    used = _weeks_planned(monkeypatch)
    result = solve_by_weeks(problem, SolveSettings(time_limit_s=6.0, workers=2, seed=0))
    assert used == ["week", "week", "week", "week"]  # the first week twice, then no fall-back
    assert result.solved and result.roster is not None
    assert _hard(problem, result.roster.cells) == []
    assert sum(1 for c in result.roster.cells if c.agent_id == "A" and c.shift is not None) == 14


@PROPERTY
@given(data=st.data())
def test_relaxed_weeks_are_relaxations_of_the_whole_problem(kit: Any, data: st.DataObject) -> None:
    """A roster of the whole horizon, cut to each week, keeps every hard rule of the week's relaxation
    and costs no less in all than the weeks' relaxations charge for it; the weeks' proven bounds add
    up to no more than the whole problem's optimum."""
    problem = data.draw(kit.problems(days=(8, 15)), label="problem")
    whole = solve_whole(problem, SETTINGS)
    if not whole.solved:
        return
    assert whole.roster is not None
    charged = 0
    bounds = 0.0
    for window in week_windows(problem):
        relaxed = relaxed_window(problem, window)
        cut = tuple(c for c in whole.roster.cells if c.day in window)
        assert _hard(relaxed, cut) == [], window
        assert kit.model_accepts(relaxed, cut)
        charged += sum(v.cost for v in check_roster(relaxed, cut))
        part = solve_whole(relaxed, SETTINGS)
        assert part.solved and part.lower_bound is not None
        bounds += part.lower_bound
    assert charged <= whole.objective
    if whole.status is RosterStatus.OPTIMAL:
        assert bounds <= whole.objective + 1e-6


@PROPERTY
@given(data=st.data())
def test_week_by_week_roster_keeps_every_hard_rule_of_the_whole_problem(
    kit: Any, data: st.DataObject
) -> None:
    problem = data.draw(kit.problems(days=(8, 15)), label="problem")
    result = solve_by_weeks(problem, SETTINGS)
    if not result.solved:
        assert solve_whole(problem, SETTINGS).status is not RosterStatus.OPTIMAL
        return
    assert result.roster is not None
    assert result.roster.missing_cells([a.id for a in problem.agents]) == []
    assert _hard(problem, result.roster.cells) == []
    assert result.objective == sum(v.cost for v in check_roster(problem, result.roster.cells))
    if result.lower_bound is not None:
        assert result.lower_bound <= result.objective + 1e-6
        whole = solve_whole(problem, SETTINGS)
        if whole.status is RosterStatus.OPTIMAL:
            assert result.lower_bound <= whole.objective + 1e-6


def test_only_long_horizons_with_a_large_team_are_split(kit: Any) -> None:
    cover = kit.requirement([("chat", datetime.combine(kit.monday, datetime.min.time()).replace(hour=9), 1)])
    team = [kit.agent(f"A{i:03d}") for i in range(120)]
    assert should_split(kit.problem(team, days=14, queues=("chat",), interval_cover=cover))
    assert not should_split(kit.problem(team, days=7, queues=("chat",), interval_cover=cover))
    assert not should_split(kit.problem(team[:20], days=14, queues=("chat",), interval_cover=cover))
    assert not should_split(kit.problem(team, days=14, queues=("chat",)))


def test_sample_centre_fortnight_is_solved_week_by_week_with_a_proven_bound(monkeypatch: Any) -> None:
    """The sample team over the two weeks before its planning week, staffed from the actual contacts:
    solve() splits it into weeks (threshold lowered to its size), every hard rule of the whole
    fortnight holds, and the bound from the weeks' relaxations is below the roster's cost."""
    import pandas as pd

    import solver.windows as windows
    from solver import problem_from_site, solve
    from wfm.domain import PlanningHorizon
    from wfm.staffing import requirement_from_plan, staff_forecast

    centre = sample_centre()
    horizon = PlanningHorizon(start=centre.horizon.start - pd.Timedelta(days=14), days=14)
    frame = centre.history.frame
    start = pd.Timestamp(horizon.start)
    part = frame[
        (frame["interval_start"] >= start) & (frame["interval_start"] < start + pd.Timedelta(days=14))
    ]
    forecast = pd.DataFrame(
        {
            "queue": part["queue"],
            "interval_start": part["interval_start"],
            "yhat": part["contacts"].astype(float),
        }
    )
    requirement = requirement_from_plan(staff_forecast(forecast, centre.site))
    problem = problem_from_site(centre.site, horizon, requirement=requirement)
    monkeypatch.setattr(windows, "SPLIT_AGENT_DAYS", len(problem.agents) * 14)
    assert should_split(problem)
    used = _weeks_planned(monkeypatch)
    # 20 s: at 12 s, on a slow evening, the last week's dive borrowed from the bounds' time and the
    # second week's bound got too little to finish its root LP (only the domains' bound, -352,369)
    result = solve(problem, SolveSettings(time_limit_s=20.0, workers=2, seed=0))
    assert used == ["week", "week"]
    assert result.solved and result.roster is not None
    assert _hard(problem, result.roster.cells) == []
    assert result.lower_bound is not None and 0 < result.lower_bound <= result.objective
    assert result.solve_seconds < 20.0 + 1.0


def _fortnight_with_cover(kit: Any) -> Any:
    """Two weeks, six agents, two of them wanted on chat from 9 to 17 every day."""
    team = [kit.agent(f"A{i}") for i in range(6)]
    rows = [
        ("chat", datetime.combine(kit.day(d), datetime.min.time()).replace(hour=h), 2)
        for d in range(14)
        for h in range(9, 17)
    ]
    return kit.problem(team, days=14, queues=("chat",), interval_cover=kit.requirement(rows))


def _busy_machine(monkeypatch: Any, *, no_roster_at_all: bool = False) -> None:
    """CP-SAT on a machine too busy for the weeks' own search: it spends its slice of the time and finds
    no roster. With ``no_roster_at_all``, a quick search for any roster finds none either."""
    import time

    from ortools.sat.python import cp_model

    import solver.windows as windows

    real = cp_model.CpSolver.solve

    def busy(self: Any, model: Any, *args: Any) -> Any:
        week_search = self.parameters.relative_gap_limit == windows.WINDOW_GAP  # a week's dive alone
        if week_search or (no_roster_at_all and self.parameters.stop_after_first_solution):
            if week_search:
                time.sleep(self.parameters.max_time_in_seconds)
            self.parameters.max_time_in_seconds = 0.0
        return real(self, model, *args)

    monkeypatch.setattr(cp_model.CpSolver, "solve", busy)


def test_a_week_whose_search_finds_no_roster_in_its_slice_still_gets_one(kit: Any, monkeypatch: Any) -> None:
    """A busy machine (the weeks' search finds nothing in its slice): every week still gets a roster,
    one keeping the hard rules, mended; the weeks' roster is the result, within the time limit, not a
    give-up (no solution) nor one whole-horizon model with whatever time is left."""

    problem = _fortnight_with_cover(kit)
    used = _weeks_planned(monkeypatch)
    _busy_machine(monkeypatch)
    result = solve_by_weeks(problem, SolveSettings(time_limit_s=3.0, workers=2, seed=0))
    assert used == ["week", "week"]
    assert result.solved and result.roster is not None
    assert result.roster.missing_cells([a.id for a in problem.agents]) == []
    assert _hard(problem, result.roster.cells) == []
    assert result.solve_seconds < 3.0 + 1.0


def test_a_week_with_no_roster_at_all_falls_back_to_the_whole_horizon_in_the_time_left(
    kit: Any, monkeypatch: Any
) -> None:
    """When a week has no roster even so, the whole-horizon model gets the time left at once (the
    bounds' search is stopped, not waited for), and the result counts the seconds of the whole call."""
    import time

    problem = _fortnight_with_cover(kit)
    used = _weeks_planned(monkeypatch)
    _busy_machine(monkeypatch, no_roster_at_all=True)
    started = time.perf_counter()
    result = solve_by_weeks(problem, SolveSettings(time_limit_s=3.0, workers=2, seed=0))
    elapsed = time.perf_counter() - started
    assert used == ["week"]
    assert result.solved and result.roster is not None
    assert _hard(problem, result.roster.cells) == []
    assert elapsed - 0.2 <= result.solve_seconds <= elapsed
    assert elapsed < 3.0 + 1.0


def _hard_to_prove() -> Any:
    """A model whose first solution comes at once and whose optimum takes CP-SAT far longer to prove:
    a subset of 60 large weights summing as close as possible to a target."""
    import random

    from ortools.sat.python import cp_model

    model = cp_model.CpModel()
    rng = random.Random(7)
    weights = [rng.randrange(10**8, 10**9) for _ in range(60)]
    take = [model.new_bool_var(f"take{i}") for i in range(60)]
    miss = model.new_int_var(0, sum(weights), "miss")
    target = sum(weights) // 3
    total = sum(w * t for w, t in zip(weights, take, strict=True))
    model.add(total - target <= miss)
    model.add(target - total <= miss)
    model.minimize(miss)
    return model


def test_a_weeks_dive_with_a_roster_stops_at_its_slices_end_not_at_the_time_limit() -> None:
    import time

    from ortools.sat.python import cp_model

    from solver.windows import _dive, _window_solver

    model = _hard_to_prove()
    solver = _window_solver(SETTINGS, 30.0, 2)
    started = time.perf_counter()
    code = _dive(model, solver, SETTINGS, started + 0.5)
    elapsed = time.perf_counter() - started
    assert code == cp_model.FEASIBLE  # a roster, not proven optimal: the search was stopped
    assert 0.4 <= elapsed < 2.0


def test_a_weeks_dive_without_a_roster_at_its_slices_end_stops_at_its_first() -> None:
    """Past the slice (its end already gone), the dive still runs to its first roster and keeps it,
    rather than ending with nothing; it does not go on improving it."""
    import time

    from ortools.sat.python import cp_model

    from solver.windows import _dive, _window_solver

    model = _hard_to_prove()
    solver = _window_solver(SETTINGS, 30.0, 2)
    started = time.perf_counter()
    code = _dive(model, solver, SETTINGS, started - 1.0)
    assert code == cp_model.FEASIBLE
    assert time.perf_counter() - started < 2.0
    first = solver.objective_value
    again = _window_solver(SETTINGS, 3.0, 2)
    again.solve(model)
    assert again.objective_value < first  # there was better to find: it stopped at the first


def test_only_the_last_weeks_dive_may_reach_into_the_bounds_time(kit: Any, monkeypatch: Any) -> None:
    """The last week's slice is whatever the weeks before it left; its dive may go on into the bounds'
    time (half of it) for its first roster, where a week with weeks after it stops where they begin."""
    import time

    import solver.windows as windows

    problem = _fortnight_with_cover(kit)
    ends: list[float | None] = []
    real = windows._solve_week

    def recording(ctx: Any, settings: Any, slice_end: float, dive_end: float | None, *rest: Any) -> Any:
        ends.append(dive_end)
        return real(ctx, settings, slice_end, dive_end, *rest)

    monkeypatch.setattr(windows, "_solve_week", recording)
    started = time.perf_counter()
    result = solve_by_weeks(problem, SolveSettings(time_limit_s=3.0, workers=2, seed=0))
    assert result.solved
    bounds_begin = started + 3.0 - 0.02 * 3.0 - windows.BOUND_SHARE * 3.0  # deadline less the bounds' time
    first, last = ends
    assert first is not None and last is not None
    assert first <= bounds_begin + 0.05  # (``started`` here is a little before the call's own)
    assert last >= bounds_begin + 0.1
    assert last <= bounds_begin + windows.LAST_WEEK_BORROW * windows.BOUND_SHARE * 3.0 + 0.05


def test_setting_stop_ends_a_week_by_week_solve_at_once_with_a_whole_roster(kit: Any) -> None:
    """A scheduler cancels a long solve: it returns within about a second of ``stop`` being set, not at
    its 30 s limit, and still with a roster for every agent and day that keeps the hard rules."""
    import threading
    import time

    problem = _fortnight_with_cover(kit)
    stop = threading.Event()
    threading.Timer(1.0, stop.set).start()
    began = time.perf_counter()
    result = solve_by_weeks(problem, SolveSettings(time_limit_s=30.0, workers=2, seed=0, stop=stop))
    assert time.perf_counter() - began < 3.0
    assert result.solved and result.roster is not None
    assert result.roster.missing_cells([a.id for a in problem.agents]) == []
    assert _hard(problem, result.roster.cells) == []
