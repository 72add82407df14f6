"""``wfm demo``: the main job end to end on the sample centre, with how long each step took.

History -> forecast -> staffing requirement -> roster -> KPIs -> a self-contained HTML report.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from pathlib import Path
from typing import Annotated, TypeVar

import typer

from wfm.cli.roster import (
    RosterInputs,
    SeedOption,
    TimeLimitOption,
    WorkersOption,
    check_solver_options,
    check_suffix,
    forecast_sample_week,
    measure,
    say_no_roster,
    say_roster,
    solve_problem,
)

app = typer.Typer(invoke_without_command=True)  # help: the command's docstring

T = TypeVar("T")


class _Steps:
    """Runs named steps, remembering how long each took."""

    def __init__(self) -> None:
        self.timings: list[tuple[str, float]] = []

    def run(self, name: str, work: Callable[[], T]) -> T:
        started = time.perf_counter()
        done = work()
        self.timings.append((name, time.perf_counter() - started))
        return done

    def lines(self) -> list[str]:
        width = max(len(name) for name, _ in self.timings) + 2
        lines = [f"  {name.ljust(width)}{seconds:6.1f} s" for name, seconds in self.timings]
        lines.append(f"  {'total'.ljust(width)}{sum(s for _, s in self.timings):6.1f} s")
        return lines


@app.callback()
def demo(
    html: Annotated[
        Path, typer.Option("--html", help="Where to write the HTML report (inside --out-dir when given).")
    ] = Path("demo-report.html"),
    out_dir: Annotated[
        Path | None,
        typer.Option(
            "--out-dir",
            help="Also write forecast.csv, requirement.csv and roster.csv here, beside the report.",
        ),
    ] = None,
    time_limit: TimeLimitOption = 10.0,
    workers: WorkersOption = 2,
    seed: SeedOption = 0,
) -> None:
    """Forecast the sample centre's planning week from its history, staff it, roster it, and report.

    Prints each step's time, the roster grid and the KPI summary; writes a self-contained HTML report
    (roster grid, KPIs, requirement against coverage per queue). Exit code 1 when no roster was found.
    """
    check_suffix(html, (".html", ".htm"), "--html")
    check_solver_options(time_limit, workers)
    report_path = out_dir / html if out_dir is not None else html
    steps = _Steps()

    from wfm.sample_centre import load_sample_centre
    from wfm.staffing import requirement_from_plan, staff_forecast

    centre = steps.run("load the sample centre", load_sample_centre)
    horizon = centre.horizon
    forecast = steps.run("forecast the week", lambda: forecast_sample_week(centre, horizon, seed))
    plan = steps.run("staffing requirement", lambda: staff_forecast(forecast.frame, centre.site))
    inputs = RosterInputs(
        centre.site, horizon, requirement_from_plan(plan), centre.leave_requests, forecast.frame, "yhat"
    )
    problem, result = steps.run(
        f"roster (solver, up to {time_limit:g} s)",
        lambda: solve_problem(inputs, time_limit=time_limit, workers=workers, seed=seed),
    )
    outcome = steps.run("KPIs", lambda: measure(inputs, problem, result))
    typer.echo(f"sample centre {centre.site.name}: {len(centre.site.agents)} agents, {horizon}")
    for choice in forecast.choices:
        typer.echo(f"  forecast {choice.queue}: model {choice.model} ({choice.reason})")
    if outcome.result.roster is None:
        say_no_roster(outcome.result)
        typer.echo("steps:")
        for line in steps.lines():
            typer.echo(line)
        raise typer.Exit(1)

    from solver.report import write_html_report, write_roster_csv

    roster = outcome.result.roster
    kpis = outcome.kpis
    assert kpis is not None

    def write_files() -> None:
        if out_dir is not None:
            from wfm.cli.common import write_table

            write_table(forecast.frame, out_dir / "forecast.csv", float_format="%.3f")
            write_table(plan, out_dir / "requirement.csv", float_format="%.3f")
            write_roster_csv(out_dir / "roster.csv", outcome.problem, roster)
        notes = [f"forecast {c.queue}: model {c.model} ({c.reason})" for c in forecast.choices]
        notes.append("steps: " + "; ".join(f"{name} {seconds:.1f} s" for name, seconds in steps.timings))
        write_html_report(
            report_path,
            outcome.problem,
            roster,
            kpis,
            title=f"Demo roster: {centre.site.name}",
            result=outcome.result,
            queue_names={q.code: q.name for q in centre.site.queues},
            notes=notes,
        )

    steps.run("report", write_files)
    typer.echo("")
    say_roster(outcome)
    typer.echo("")
    typer.echo("steps:")
    for line in steps.lines():
        typer.echo(line)
    written = [str(report_path)]
    if out_dir is not None:
        written += [str(out_dir / name) for name in ("forecast.csv", "requirement.csv", "roster.csv")]
    typer.echo(f"written: {', '.join(written)}")
