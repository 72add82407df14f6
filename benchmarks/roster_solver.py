"""Roster solver benchmark (issue 5). Run by hand, not in CI:

    .venv/bin/pip install -e '.[bench]'
    .venv/bin/python benchmarks/roster_solver.py [--only sample|large|cancel|pyworkforce]

- sample: the sample centre's planning week (82 agents, hourly requirements on four queues, from the
  default forecast and staffing), solved with 2 workers for 10 s with seeds 0-4 (runs vary a lot with
  the seed) and for 60 s: gap to CP-SAT's own lower bound;
- large: a generated centre of 300 agents (the sample's generator with a larger team and volumes scaled
  to match) over 4 weeks, 60 s: status, gap, peak memory; ours (``solve``: week by week, see
  ``solver/windows.py``) against one CP-SAT model of the whole horizon (``solve_whole``) in the same run;
- cancel: the same centre, its 60 s solve cancelled (``SolveSettings.stop``) at 5, 25 and 45 s: how
  soon each returns, ours against one whole-horizon model in the same run;
- pyworkforce: an instance both can express (7 days, early/late shift cover per day as a hard minimum,
  at least 5 working days), same time limit: paid hours and cover met, ours against pyworkforce's
  MinHoursRoster in the same run. No shift succession rule: pyworkforce's ``non_sequential_shifts``
  forbids every shift after the origin shift, not only the destination, so late -> late would be
  banned too and the two models would not be the same problem.
"""

from __future__ import annotations

import argparse
import logging
import resource
import sys
import time
from dataclasses import replace
from datetime import date

import pandas as pd

from solver import AgentTerms, RosterProblem, ShiftCover, SoftWeights, SolveSettings, problem_from_site, solve
from solver.solve import solve_whole
from wfm.domain import Agent, PlanningHorizon, RosterRules, ShiftTemplate
from wfm.history import ContactHistory
from wfm.sample_centre import SampleParameters, generate, load_sample_centre
from wfm.staffing import requirement_from_plan, staff_forecast


def _requirement_from_actuals(history: ContactHistory, site: object, first: str, days: int) -> object:
    frame = history.frame
    start = pd.Timestamp(first)
    part = frame[
        (frame["interval_start"] >= start) & (frame["interval_start"] < start + pd.Timedelta(days=days))
    ]
    forecast = pd.DataFrame(
        {
            "queue": part["queue"],
            "interval_start": part["interval_start"],
            "yhat": part["contacts"].astype(float),
        }
    )
    return requirement_from_plan(staff_forecast(forecast, site))  # type: ignore[arg-type]


def sample() -> list[str]:
    centre = load_sample_centre()
    from forecasting import fit_forecast

    forecast = fit_forecast(centre.history, pd.Timestamp(centre.horizon.start))
    requirement = requirement_from_plan(staff_forecast(forecast.frame, centre.site))
    problem = problem_from_site(
        centre.site, centre.horizon, requirement=requirement, leave=centre.leave_requests
    )
    lines = [
        "### sample centre: 82 agents, one week, hourly requirements on four queues, 2 workers",
        "",
        "| search | time limit | seed | status | objective | lower bound | gap | seconds |",
        "|---|---|---|---|---|---|---|---|",
    ]
    runs = [(10.0, seed, True) for seed in range(5)] + [(60.0, 0, True)]
    runs += [(10.0, seed, False) for seed in range(5)]
    for limit, seed, dives in runs:
        result = solve(problem, SolveSettings(time_limit_s=limit, workers=2, seed=seed, lp_dives=dives))
        lines.append(
            f"| {'ours (LP dives)' if dives else 'CP-SAT own subsolvers'} | {limit:g} s | {seed} | "
            f"{result.status.value} | {result.objective:,} | "
            f"{result.lower_bound:,.0f} | {result.gap:.2%} | {result.solve_seconds:.1f} |"
        )
        assert not result.hard_violations, result.hard_violations
    return [*lines, ""]


def _large_problem() -> RosterProblem:
    """The generated 300-agent centre over 4 weeks from 2025-09-01, staffed from its actual contacts."""
    base = SampleParameters()
    scale = 300 / base.team_size
    queues = tuple(
        (name, replace(volume, daily_contacts=volume.daily_contacts * scale)) for name, volume in base.queues
    )
    params = replace(base, team_size=300, queues=queues)
    centre = generate(params)
    horizon = PlanningHorizon(start=date(2025, 9, 1), days=28)
    requirement = _requirement_from_actuals(centre.history, centre.site, "2025-09-01", 28)
    return problem_from_site(centre.site, horizon, requirement=requirement)  # type: ignore[arg-type]


LARGE_SOLVERS = (("ours (week by week)", solve), ("one whole-horizon model", solve_whole))
"""The two solvers the 300-agent centre compares: ours (week by week) and one whole-horizon model."""


def large() -> list[str]:
    problem = _large_problem()
    settings = SolveSettings(time_limit_s=60.0, workers=2, seed=0)
    lines = [
        "### generated centre: 300 agents, 4 weeks (2025-09-01), hourly requirements, 60 s, 2 workers",
        "",
        "| solver | status | objective | lower bound | gap | seconds | hard violations | peak memory |",
        "|---|---|---|---|---|---|---|---|",
    ]
    for name, run in LARGE_SOLVERS:
        result = run(problem, settings)
        peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        gap = f"{result.gap:.2%}" if result.gap is not None else "-"
        bound = f"{result.lower_bound:,.0f}" if result.lower_bound is not None else "-"
        objective = f"{result.objective:,}" if result.objective is not None else "-"
        lines.append(
            f"| {name} | {result.status.value} | {objective} | {bound} | {gap} | "
            f"{result.solve_seconds:.1f} | {len(result.hard_violations)} | {peak:.0f} MiB |"
        )
    return [*lines, "", "(peak memory is the process's so far, so the second row includes the first)", ""]


def cancel(stops_at: tuple[float, ...] = (5.0, 25.0, 45.0)) -> list[str]:
    """How soon a cancelled solve returns: ``stop`` set at each time of a 60 s solve of the 300-agent
    centre, ours (week by week) against one whole-horizon model in the same run."""
    import threading

    problem = _large_problem()
    lines = [
        "### cancelling a solve: 300 agents, 4 weeks, 60 s limit, stop set after t seconds, 2 workers",
        "",
        "| solver | stop at | returned after | after the stop | status | hard violations |",
        "|---|---|---|---|---|---|",
    ]
    for name, run in LARGE_SOLVERS:
        for at in stops_at:
            stop = threading.Event()
            timer = threading.Timer(at, stop.set)
            timer.start()
            began = time.perf_counter()
            result = run(problem, SolveSettings(time_limit_s=60.0, workers=2, seed=0, stop=stop))
            took = time.perf_counter() - began
            timer.cancel()
            lines.append(
                f"| {name} | {at:g} s | {took:.1f} s | {took - at:.1f} s | {result.status.value} | "
                f"{len(result.hard_violations)} |"
            )
    return [*lines, ""]


def pyworkforce_comparison(agents: int = 20, time_limit: float = 10.0) -> list[str]:
    from pyworkforce.rostering.binary_programming import MinHoursRoster

    days = 7
    need = {"early": [9, 9, 9, 9, 9, 7, 7], "late": [8, 8, 8, 8, 8, 7, 7]}
    names = [f"A{i:02d}" for i in range(agents)]
    started = time.perf_counter()
    theirs = MinHoursRoster(
        num_days=days,
        resources=names,
        shifts=["early", "late"],
        shifts_hours=[8, 8],
        min_working_hours=40,
        banned_shifts=[],
        max_resting=2,
        required_resources=need,
        non_sequential_shifts=[],
        max_search_time=time_limit,
        num_search_workers=2,
    ).solve()
    their_seconds = time.perf_counter() - started
    their_hours = 8 * len(theirs.get("resource_shifts", []))
    their_short = _short_pyworkforce(theirs, need)

    templates = (
        ShiftTemplate.from_clock("early", "08:00", "16:00"),
        ShiftTemplate.from_clock("late", "16:00", "24:00"),
    )
    team = tuple(Agent(id=n, name=n, group="G", skills=frozenset({"*"})) for n in names)
    horizon = PlanningHorizon(start=date(2024, 1, 1), days=days)
    cover = tuple(
        ShiftCover(horizon.dates[d], shift, need[shift][d], 100_000, 0) for shift in need for d in range(days)
    )
    problem = RosterProblem(
        horizon=horizon,
        agents=team,
        shifts=templates,
        rules=RosterRules(),
        terms={n: AgentTerms(min_days=5) for n in names},
        shift_cover=cover,
        weights=SoftWeights(paid_minute=1, request_unit=0, fairness_late=0, fairness_weekend=0, zigzag=0),
        enforce_site_rules=False,
    )
    ours = solve(problem, SolveSettings(time_limit_s=time_limit, workers=2, seed=0))
    assert ours.roster is not None
    our_hours = sum(problem.shift(str(c.shift)).paid_minutes for c in ours.roster.cells if c.shift) / 60
    our_short = sum(v.cost // 100_000 for v in ours.soft_violations if v.rule == "shift_cover")
    return [
        f"### against pyworkforce MinHoursRoster: {agents} agents, 7 days, early/late cover as a hard "
        f"minimum, {time_limit:g} s each, 2 workers",
        "",
        "| solver | status | paid hours | cover short (agent-shifts) | seconds |",
        "|---|---|---|---|---|",
        f"| ours | {ours.status.value} | {our_hours:g} | {our_short} | {ours.solve_seconds:.1f} |",
        f"| pyworkforce | {theirs.get('status')} | {their_hours:g} | {their_short} | {their_seconds:.1f} |",
        "",
    ]


def _short_pyworkforce(solution: dict, need: dict[str, list[int]]) -> int:  # type: ignore[type-arg]
    counts: dict[tuple[str, int], int] = {}
    for row in solution.get("resource_shifts", []):
        key = (row["shift"], int(row["day"]))
        counts[key] = counts.get(key, 0) + 1
    return sum(max(0, need[s][d] - counts.get((s, d), 0)) for s in need for d in range(len(need[s])))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--only", choices=["sample", "large", "cancel", "pyworkforce"])
    args = parser.parse_args()
    import cmdstanpy

    cmdstanpy.disable_logging()
    logging.getLogger("prophet").setLevel(logging.ERROR)
    parts = (
        ("sample", sample),
        ("large", large),
        ("cancel", cancel),
        ("pyworkforce", pyworkforce_comparison),
    )
    for name, run in parts:
        if args.only in (None, name):
            print("\n".join(run()), flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
