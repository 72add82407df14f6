"""Scenario sweep benchmark (issue 8). Run by hand, not in CI:

    .venv/bin/python benchmarks/scenario_sweep.py [--time-limit 10] [--skip-one-thread]

A sweep of 12 scenarios on the sample centre's planning week, re-solve mode: pre-sales and after-sales
chat volume x1, x2, x3.5 on the first four days, crossed with 0, 5, 10 or 15 temporary chat agents.
The baseline forecast is the 4-week average (``seasonal_mean``, quick). The same sweep runs

1. in one process, each solve with 2 CP-SAT threads (what ``--workers 1`` does on 2 cores);
2. in two processes, each solve with 1 CP-SAT thread (what ``--workers 2`` does on 2 cores);
3. in one process, each solve with 1 thread (the same work per scenario as run 2, one at a time).

It prints a markdown table: wall time, the speed-up of each run against run 1, the longest solve
against its time limit, and the roster quality (mean soft-rule cost, service level, shortage), then the
cost per scenario and run. The machine's load average is printed before and after: the figures are
only comparable within one run of this script.
"""

from __future__ import annotations

import argparse
import os
import sys
import time

import pandas as pd


def _baseline() -> object:
    from wfm.pipeline import forecast_horizon
    from wfm.sample_centre import load_sample_centre
    from wfm.scenarios import Baseline

    centre = load_sample_centre()
    forecast = forecast_horizon(centre.history, centre.horizon, model="seasonal_mean")
    return Baseline(
        site=centre.site, horizon=centre.horizon, forecast=forecast.frame, leave=centre.leave_requests
    )


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--time-limit", type=float, default=10.0, help="seconds per solve (default 10)")
    parser.add_argument("--skip-one-thread", action="store_true", help="leave out run 3")
    args = parser.parse_args()

    from wfm.scenarios import ScenarioSettings
    from wfm.scenarios.sweep import added_agents_axis, grid, run_sweep, volume_axis

    chats = ["presales_chat", "aftersales_chat"]
    points = grid(
        [
            volume_axis([1, 2, 3.5], queues=chats, days=(1, 4)),
            added_agents_axis([0, 5, 10, 15], skills=chats),
        ]
    )
    baseline = _baseline()
    settings = ScenarioSettings(time_limit_s=args.time_limit)
    cores = os.cpu_count() or 1
    runs = [(1, cores), (2, 1)] + ([] if args.skip_one_thread else [(1, 1)])
    load_before = os.getloadavg()
    tables: list[pd.DataFrame] = []
    rows = []
    for workers, threads in runs:
        started = time.perf_counter()
        found = run_sweep(
            baseline,  # type: ignore[arg-type]
            points,
            mode="resolve",
            settings=settings,
            workers=workers,
            solver_threads=threads,
            progress=sys.stderr.isatty(),
        )
        wall = time.perf_counter() - started
        table = found.table
        tables.append(table)
        longest = float(table["solve_seconds"].max())
        rows.append(
            {
                "processes": workers,
                "threads": threads,
                "wall": wall,
                "longest": longest,
                "within": bool((table["solve_seconds"] <= args.time_limit + 0.5).all()),
                "solved": int(table["status"].isin(["optimal", "feasible"]).sum()),
                "cost": float(table["soft_cost"].mean()),
                "service": float(table["service_level"].mean()),
                "short": float(table["short_agent_hours"].mean()),
            }
        )
        print(f"run {len(rows)}: {workers} processes x {threads} threads: {wall:.1f} s", file=sys.stderr)
    load_after = os.getloadavg()
    first = rows[0]["wall"]
    print(
        f"### sample centre, 12 scenarios (chat volume x1/x2/x3.5 on days 1-4 x 0/5/10/15 temporary agents), "
        f"re-solve, {args.time_limit:g} s per solve, {cores} cores\n"
    )
    print(
        "| processes | CP-SAT threads per solve | wall time | speed-up vs run 1 | longest solve | "
        "every solve within its limit | rosters | mean soft-rule cost | mean service level | "
        "mean understaffed agent-hours |"
    )
    print("|---|---|---|---|---|---|---|---|---|---|")
    for row in rows:
        print(
            f"| {row['processes']} | {row['threads']} | {row['wall']:.1f} s | {first / row['wall']:.2f}x | "
            f"{row['longest']:.1f} s | {'yes' if row['within'] else 'no'} | {row['solved']}/12 | "
            f"{row['cost']:,.0f} | {row['service']:.1%} | {row['short']:,.0f} |"
        )
    print(
        f"\nload average (1, 5, 15 min) before: {', '.join(f'{v:.2f}' for v in load_before)}; "
        f"after: {', '.join(f'{v:.2f}' for v in load_after)}\n"
    )
    header = " | ".join(f"run {i + 1} cost" for i in range(len(rows)))
    print(f"| volume | temps | {header} |")
    print("|---|---|" + "---|" * len(rows))
    for index in range(len(points)):
        levels = tables[0].iloc[index]
        costs = " | ".join(f"{t['soft_cost'].iloc[index]:,.0f}" for t in tables)
        print(f"| {levels['volume']} | {levels['temps']} | {costs} |")
    return 0


if __name__ == "__main__":
    sys.exit(main())
