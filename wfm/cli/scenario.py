"""``wfm scenario run / compare / sweep``: what-if scenarios against a baseline, from the command line.

The baseline is the sample centre's planning week by default (forecast with ``--model``,
``seasonal_mean`` unless told otherwise, to keep commands quick), or a site with its forecast
(``--site``, ``--forecast``). Its current roster is read from ``--roster`` or solved once. Scenarios
come from TOML or JSON files (:mod:`wfm.scenarios.overrides`); the solver and the forecaster are
imported inside the commands.
"""

from __future__ import annotations

import json
import os
import re
import time
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

from wfm.cli.roster import (
    MAX_DAYS,
    SeedOption,
    TimeLimitOption,
    check_solver_options,
    check_suffix,
    read_table,
)
from wfm.errors import InputError, Problem

if TYPE_CHECKING:
    from wfm.scenarios import Baseline, Scenario, ScenarioResult, ScenarioSettings

app = typer.Typer(
    help="What-if scenarios: change demand, team, shifts or rules; evaluate the current roster or "
    "re-solve; compare side by side; sweep a grid in parallel.",
    no_args_is_help=True,
)

SiteOption = Annotated[
    Path | None, typer.Option("--site", help="Site configuration (JSON); default: the sample centre.")
]
ForecastOption = Annotated[
    Path | None,
    typer.Option(
        "--forecast",
        help="The baseline's volume per queue and interval (.csv/.parquet with queue, interval_start and "
        "yhat, or a `wfm staff` file's volume). Needed with --site; with the sample centre, omitted means "
        "forecast its week with --model.",
    ),
]
StartOption = Annotated[
    str | None,
    typer.Option(
        "--start", help="First day (2025-11-24); default: the sample's week or the forecast's first day."
    ),
]
DaysOption = Annotated[int, typer.Option("--days", help=f"Days in the horizon (1-{MAX_DAYS}).")]
LeaveOption = Annotated[
    Path | None, typer.Option("--leave", help="Leave requests (JSON); default: the sample's, or none.")
]
RosterOption = Annotated[
    Path | None,
    typer.Option(
        "--roster",
        help="The current roster (.csv as `wfm roster` writes it); default: solve one for the baseline.",
    ),
]
ModelOption = Annotated[
    str,
    typer.Option(
        "--model",
        help="Forecast model for the sample centre's week (seasonal_mean is quick; default is the "
        "event-aware choice `wfm roster` uses, about a minute).",
    ),
]
ModeOption = Annotated[
    str,
    typer.Option("--mode", help="evaluate (the current roster), resolve (a new roster) or both."),
]
ThreadsOption = Annotated[int, typer.Option("--solver-threads", help="CP-SAT threads per solve.")]
HourlyOption = Annotated[
    float, typer.Option("--hourly-cost", help="Cost of a paid hour of the site's own agents (CNY).")
]
TempHourlyOption = Annotated[
    float, typer.Option("--temp-hourly-cost", help="Cost of a paid hour of a temporary agent (CNY).")
]


@dataclass(frozen=True)
class _Base:
    baseline: Baseline
    queue_names: dict[str, str]
    targets: dict[str, float]
    notes: list[str]


# --- the baseline -------------------------------------------------------------------------------


def _date(text: str | None, option: str) -> date | None:
    if text is None:
        return None
    try:
        return date.fromisoformat(text.strip())
    except ValueError:
        raise InputError(
            f"{option} refused", [Problem(f"'{text}' is not a date like 2025-11-24", field=option)]
        ) from None


def _forecast_frame(path: Path) -> tuple[Any, str]:
    frame = read_table(path, "--forecast")
    for column in ("yhat", "volume"):
        if column in frame.columns:
            break
    else:
        raise InputError(
            f"{path}: forecast refused",
            [Problem(f"no yhat or volume column; found {list(frame.columns)}", field="--forecast")],
        )
    missing = [c for c in ("queue", "interval_start") if c not in frame.columns]
    if missing:
        raise InputError(
            f"{path}: forecast refused",
            [Problem(f"missing column; found {list(frame.columns)}", column=c) for c in missing],
        )
    import pandas as pd

    frame = frame.assign(interval_start=pd.to_datetime(frame["interval_start"], errors="coerce"))
    if frame["interval_start"].isna().any():
        row = int(frame["interval_start"].isna().to_numpy().nonzero()[0][0]) + 2
        raise InputError(
            f"{path}: forecast refused", [Problem("not a date-time", row=row, column="interval_start")]
        )
    return frame, column


def _baseline(
    *,
    site: Path | None,
    forecast: Path | None,
    start: str | None,
    days: int,
    leave: Path | None,
    roster: Path | None,
    model: str,
    seed: int,
    time_limit: float,
    threads: int,
    need_roster: bool = True,
    scenarios: Sequence[Scenario] = (),
) -> _Base:
    """The baseline: site, horizon, forecast, leave and current roster (read, or solved once when
    ``need_roster``). ``scenarios`` are checked against it first, so bad overrides are refused before
    any solving."""
    from wfm.cli.roster import load_leave
    from wfm.domain import Site
    from wfm.pipeline import horizon_of
    from wfm.scenarios import Baseline

    if not 1 <= days <= MAX_DAYS:
        raise InputError(
            "--days refused", [Problem(f"{days} is not between 1 and {MAX_DAYS} days", field="--days")]
        )
    first = _date(start, "--start")
    notes: list[str] = []
    if site is not None:
        centre_site = Site.load(site)
        if forecast is None:
            raise InputError(
                "--forecast is needed with --site: the volume per queue and interval the scenarios change",
                [Problem("missing", field="--forecast")],
            )
        frame, column = _forecast_frame(forecast)
        horizon = horizon_of(first or frame["interval_start"].min().date(), days)
        leave_requests = load_leave(leave) if leave is not None else ()
        notes.append(f"baseline: {centre_site.name}, {horizon}, forecast {forecast.name}")
    else:
        from wfm.sample_centre import load_sample_centre

        centre = load_sample_centre()
        centre_site = centre.site
        horizon = horizon_of(first or centre.horizon.start, days)
        leave_requests = load_leave(leave) if leave is not None else centre.leave_requests
        if forecast is not None:
            frame, column = _forecast_frame(forecast)
            notes.append(f"baseline: the sample centre, {horizon}, forecast {forecast.name}")
        else:
            from wfm.pipeline import forecast_horizon

            typer.echo(f"forecasting the sample centre's week ({model})...", err=True)
            frame, column = forecast_horizon(centre.history, horizon, seed=seed, model=model).frame, "yhat"
            notes.append(f"baseline: the sample centre, {horizon}, forecast by {model}")
    baseline = Baseline(
        site=centre_site, horizon=horizon, forecast=frame, volume_column=column, leave=leave_requests
    )
    queue_names = {q.code: q.name for q in centre_site.queues}
    targets = {q.code: q.service_target.share for q in centre_site.queues}
    if scenarios:
        from wfm.scenarios.apply import check_scenarios

        check_scenarios(baseline, scenarios)
    if roster is not None:
        from solver.report import read_roster_csv

        current = read_roster_csv(roster, horizon)
        notes.append(f"current roster: {roster.name}")
    elif not need_roster:
        return _Base(baseline, queue_names, targets, notes)
    else:
        current, note = _solve_baseline(baseline, time_limit=time_limit, threads=threads, seed=seed)
        notes.append(note)
    from wfm.scenarios.run import with_roster

    return _Base(with_roster(baseline, current), queue_names, targets, notes)


def _solve_baseline(baseline: Baseline, *, time_limit: float, threads: int, seed: int) -> tuple[Any, str]:
    """The baseline's roster, solved as the scenarios are (:class:`wfm.scenarios.ScenarioSettings`)."""
    from wfm.pipeline import roster_problem, solve_roster, staffing_plan
    from wfm.scenarios import ScenarioSettings

    typer.echo(f"solving the baseline's roster (up to {time_limit:g} s)...", err=True)
    _, requirement = staffing_plan(baseline.forecast, baseline.site)
    problem = roster_problem(
        baseline.site, baseline.horizon, requirement, leave=baseline.leave, weights=baseline.weights
    )
    run = solve_roster(
        problem,
        site=baseline.site,
        time_limit_s=time_limit,
        workers=threads,
        seed=seed,
        subsolvers=ScenarioSettings().subsolvers,
    )
    if run.result.roster is None:
        from wfm.cli.roster import say_no_roster

        typer.echo("no roster for the baseline itself:", err=True)
        say_no_roster(run.result)
        raise typer.Exit(1)
    return run.result.roster, (
        f"current roster: solved for the baseline ({run.result.status.value}, "
        f"{run.result.solve_seconds:.1f} s of {time_limit:g} s)"
    )


def _settings(
    time_limit: float, threads: int, seed: int, hourly: float, temp_hourly: float
) -> ScenarioSettings:
    from wfm.scenarios import ScenarioSettings

    check_solver_options(time_limit, threads)
    return ScenarioSettings(
        time_limit_s=time_limit,
        solver_workers=threads,
        seed=seed,
        hourly_cost=hourly,
        temporary_hourly_cost=temp_hourly,
    )


def _modes(mode: str) -> list[str]:
    chosen = {"both": ["evaluate", "resolve"], "evaluate": ["evaluate"], "resolve": ["resolve"]}
    if mode not in chosen:
        raise InputError(
            "--mode refused",
            [Problem(f"'{mode}' is not one of evaluate, resolve, both", field="--mode")],
        )
    return chosen[mode]


def _slug(text: str) -> str:
    return re.sub(r"[^A-Za-z0-9]+", "-", text).strip("-").lower() or "scenario"


# --- output -------------------------------------------------------------------------------------


def _say_result(result: ScenarioResult) -> None:
    from wfm.scenarios.compare import format_value
    from wfm.scenarios.run import KPIS, QUEUE_KPIS

    currency = str(result.summary.get("currency", "CNY"))
    typer.echo(f"== {result.label}: {result.status}")
    for line in result.scenario.describe() or ["no change: the baseline's inputs"]:
        typer.echo(f"  change: {line}")
    width = max(len(k.label) for k in KPIS) + 2
    for kpi in KPIS:
        value = format_value(result.summary.get(kpi.key), kpi.kind, currency=currency)
        typer.echo(f"  {kpi.label.ljust(width)}{value}")
    if len(result.queues):
        typer.echo("  per queue:")
        headings = ["queue", *(k.label.replace("agent-hours", "h") for k in QUEUE_KPIS)]
        rows = [
            [str(row["queue"]), *(format_value(row[k.key], k.kind) for k in QUEUE_KPIS)]
            for row in result.queues.to_dict(orient="records")
        ]
        widths = [max(len(r[i]) for r in [headings, *rows]) + 2 for i in range(len(headings))]
        for row in [headings, *rows]:
            typer.echo(
                "    "
                + row[0].ljust(widths[0])
                + "".join(c.rjust(w) for c, w in zip(row[1:], widths[1:], strict=True))
            )
    for note in result.notes:
        typer.echo(f"  note: {note}")
    if result.violations:
        typer.echo(f"  {len(result.violations)} rule violations:")
        for violation in result.violations[:10]:
            typer.echo(f"    - {violation}")
        if len(result.violations) > 10:
            typer.echo(f"    ... and {len(result.violations) - 10} more")


def _write_outputs(out_dir: Path, results: Sequence[ScenarioResult]) -> list[Path]:
    """kpis.csv, queues.csv, intervals.csv and one roster file per result that has a roster."""
    from solver.report import write_roster_csv
    from wfm.cli.common import write_table
    from wfm.pipeline import roster_problem
    from wfm.scenarios.compare import comparison_table, interval_table, queue_table

    out_dir.mkdir(parents=True, exist_ok=True)
    written = []
    for name, frame in (
        ("kpis.csv", comparison_table(results, per_queue=True)),
        ("queues.csv", queue_table(results)),
        ("intervals.csv", interval_table(results)),
    ):
        write_table(frame, out_dir / name, float_format="%.4f")
        written.append(out_dir / name)
    for result in results:
        if result.roster is None:
            continue
        path = out_dir / f"roster-{_slug(result.scenario.name)}-{result.mode.value}.csv"
        problem = roster_problem(result.site, result.roster.horizon, None)
        write_roster_csv(path, problem, result.roster)
        written.append(path)
    return written


# --- the commands -------------------------------------------------------------------------------


@app.command()
def run(
    scenario_file: Annotated[Path, typer.Argument(help="The scenario (.toml or .json).")],
    name: Annotated[
        str | None,
        typer.Option("--name", help="Which scenario, when the file holds several."),
    ] = None,
    mode: ModeOption = "both",
    out_dir: Annotated[
        Path | None,
        typer.Option(
            "--out-dir",
            help="Write kpis.csv, queues.csv, intervals.csv and each mode's roster "
            "(roster-NAME-MODE.csv) here.",
        ),
    ] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print the results as JSON.")] = False,
    site: SiteOption = None,
    forecast: ForecastOption = None,
    start: StartOption = None,
    days: DaysOption = 7,
    leave: LeaveOption = None,
    roster: RosterOption = None,
    model: ModelOption = "seasonal_mean",
    time_limit: TimeLimitOption = 10.0,
    threads: ThreadsOption = 2,
    seed: SeedOption = 0,
    hourly_cost: HourlyOption = 40.0,
    temp_hourly_cost: TempHourlyOption = 55.0,
) -> None:
    """Run one scenario against the baseline: the current roster under the changed inputs (evaluate)
    and a roster solved for them (resolve), with every KPI, per queue, and the rules each roster breaks.

    The baseline's row comes first. The baseline roster is never changed; --out-dir writes each
    mode's roster as a file a scheduler may load as a new draft.
    """
    from wfm.scenarios import load_scenarios, run_scenarios
    from wfm.scenarios.overrides import pick_scenarios

    modes = _modes(mode)
    settings = _settings(time_limit, threads, seed, hourly_cost, temp_hourly_cost)
    scenarios = load_scenarios(scenario_file)
    if name is None and len(scenarios) > 1:
        raise InputError(
            f"{scenario_file} holds {len(scenarios)} scenarios: choose one with --name "
            "(or compare them all with `wfm scenario compare`)",
            [Problem(", ".join(s.name for s in scenarios), field="--name")],
        )
    chosen = pick_scenarios(scenarios, [name] if name else [])
    base = _baseline(
        site=site,
        forecast=forecast,
        start=start,
        days=days,
        leave=leave,
        roster=roster,
        model=model,
        seed=seed,
        time_limit=time_limit,
        threads=threads,
        scenarios=chosen,
    )
    results = run_scenarios(base.baseline, chosen, modes=modes, settings=settings)
    written = _write_outputs(out_dir, results) if out_dir is not None else []
    if as_json:
        found = {
            "baseline": base.notes,
            "results": [r.to_dict(include_intervals=False) for r in results],
            "files": [str(p) for p in written],
        }
        typer.echo(json.dumps(found, indent=2))
        return
    for note in base.notes:
        typer.echo(note)
    for result in results:
        typer.echo("")
        _say_result(result)
    if written:
        typer.echo("")
        typer.echo(f"written: {', '.join(str(p) for p in written)}")


@app.command()
def compare(
    scenario_files: Annotated[list[Path], typer.Argument(help="Scenario files (.toml/.json), one or more.")],
    name: Annotated[
        list[str] | None,
        typer.Option("--name", help="Only these scenarios (repeat the option); default: all of them."),
    ] = None,
    mode: ModeOption = "both",
    html: Annotated[
        Path, typer.Option("--html", help="Where to write the self-contained HTML report.")
    ] = Path("scenario-compare.html"),
    png_dir: Annotated[
        Path | None,
        typer.Option("--png-dir", help="Also write the charts here (coverage.png, service.png)."),
    ] = None,
    csv: Annotated[
        Path | None, typer.Option("--csv", help="Also write the KPI table (one row per scenario and mode).")
    ] = None,
    site: SiteOption = None,
    forecast: ForecastOption = None,
    start: StartOption = None,
    days: DaysOption = 7,
    leave: LeaveOption = None,
    roster: RosterOption = None,
    model: ModelOption = "seasonal_mean",
    time_limit: TimeLimitOption = 10.0,
    threads: ThreadsOption = 2,
    seed: SeedOption = 0,
    hourly_cost: HourlyOption = 40.0,
    temp_hourly_cost: TempHourlyOption = 55.0,
) -> None:
    """Compare any number of scenarios side by side with the baseline: a KPI table, and a report with
    requirement against coverage and service level per interval for every scenario (HTML with inline
    charts, opens offline; PNG with --png-dir)."""
    from wfm.scenarios import load_scenario_files, run_scenarios
    from wfm.scenarios.compare import (
        chart_pngs,
        comparison_table,
        render_comparison,
        write_chart_pngs,
        write_comparison_html,
    )
    from wfm.scenarios.overrides import pick_scenarios

    check_suffix(html, (".html", ".htm"), "--html")
    if csv is not None:
        check_suffix(csv, (".csv",), "--csv")
    modes = _modes(mode)
    settings = _settings(time_limit, threads, seed, hourly_cost, temp_hourly_cost)
    scenarios = pick_scenarios(load_scenario_files(scenario_files), name or [])
    base = _baseline(
        site=site,
        forecast=forecast,
        start=start,
        days=days,
        leave=leave,
        roster=roster,
        model=model,
        seed=seed,
        time_limit=time_limit,
        threads=threads,
        scenarios=scenarios,
    )
    started = time.perf_counter()
    results = run_scenarios(base.baseline, scenarios, modes=modes, settings=settings)
    typer.echo(f"{len(results)} runs in {time.perf_counter() - started:.1f} s", err=True)
    images = chart_pngs(results, queue_names=base.queue_names, targets=base.targets)
    notes = [*base.notes, f"re-solve time limit {time_limit:g} s, {threads} solver threads, seed {seed}"]
    write_comparison_html(
        html,
        results,
        title="Scenario comparison",
        notes=notes,
        queue_names=base.queue_names,
        targets=base.targets,
        images=images,
    )
    written = [str(html)]
    if png_dir is not None:
        written += [
            str(p)
            for p in write_chart_pngs(png_dir, results, queue_names=base.queue_names, targets=base.targets)
        ]
    if csv is not None:
        from wfm.cli.common import write_table

        write_table(comparison_table(results, per_queue=True), csv, float_format="%.4f")
        written.append(str(csv))
    for note in base.notes:
        typer.echo(note)
    typer.echo("")
    typer.echo(render_comparison(results))
    typer.echo("")
    typer.echo(f"written: {', '.join(written)}")


def _numbers(text: str | None, option: str, kind: type) -> list[Any]:
    if text is None:
        return []
    try:
        values = [kind(part.strip()) for part in text.split(",") if part.strip()]
    except ValueError:
        raise InputError(
            f"{option} refused",
            [Problem(f"'{text}' is not a comma-separated list of {kind.__name__} values", field=option)],
        ) from None
    if not values:
        raise InputError(f"{option} refused", [Problem("no value given", field=option)])
    return values


def _span(text: str | None, option: str, low: int, high: int) -> tuple[int, int] | None:
    if text is None:
        return None
    match = re.fullmatch(r"\s*(\d+)\s*-\s*(\d+)\s*", text)
    if not match or not low <= int(match.group(1)) <= int(match.group(2)) <= high:
        raise InputError(
            f"{option} refused",
            [Problem(f"'{text}' is not a range like 1-4 within {low}-{high}", field=option)],
        )
    return int(match.group(1)), int(match.group(2))


def _names(text: str | None) -> list[str]:
    return [part.strip() for part in (text or "").split(",") if part.strip()]


@app.command()
def sweep(
    out: Annotated[Path, typer.Option("--out", "-o", help="Where to write the table (.csv/.parquet).")],
    scenario_file: Annotated[
        Path | None,
        typer.Option("--scenario", help="A base scenario every grid point starts from (.toml/.json)."),
    ] = None,
    name: Annotated[
        str | None, typer.Option("--name", help="Which scenario of --scenario, when it holds several.")
    ] = None,
    volume: Annotated[str | None, typer.Option("--volume", help="Volume multipliers, e.g. 1,2,3.5.")] = None,
    volume_queues: Annotated[
        str | None, typer.Option("--volume-queues", help="Queues the multipliers apply to (default: all).")
    ] = None,
    volume_days: Annotated[
        str | None, typer.Option("--volume-days", help="Day numbers of the horizon, e.g. 1-4 (default: all).")
    ] = None,
    volume_hours: Annotated[
        str | None, typer.Option("--volume-hours", help="Clock hours, e.g. 20-24 (default: 0-24).")
    ] = None,
    temps: Annotated[
        str | None, typer.Option("--temps", help="Temporary agents to add, e.g. 0,5,10,15.")
    ] = None,
    temp_skills: Annotated[
        str | None, typer.Option("--temp-skills", help="The temporary agents' queues (default: all).")
    ] = None,
    shrinkage: Annotated[
        str | None, typer.Option("--shrinkage", help="Shrinkage values, e.g. 0.3,0.35.")
    ] = None,
    mode: Annotated[str, typer.Option("--mode", help="resolve (a new roster each) or evaluate.")] = "resolve",
    workers: Annotated[
        int | None,
        typer.Option(
            "--workers", help="Scenarios run at once, each in its own process (default: the cores)."
        ),
    ] = None,
    threads: Annotated[
        int | None,
        typer.Option(
            "--solver-threads", help="CP-SAT threads per solve (default: cores / workers, at least 1)."
        ),
    ] = None,
    progress: Annotated[bool, typer.Option("--progress/--no-progress", help="Show a progress bar.")] = True,
    site: SiteOption = None,
    forecast: ForecastOption = None,
    start: StartOption = None,
    days: DaysOption = 7,
    leave: LeaveOption = None,
    roster: RosterOption = None,
    model: ModelOption = "seasonal_mean",
    time_limit: TimeLimitOption = 10.0,
    seed: SeedOption = 0,
    hourly_cost: HourlyOption = 40.0,
    temp_hourly_cost: TempHourlyOption = 55.0,
) -> None:
    """Run a grid of overrides (volume x temporary agents x shrinkage) in parallel processes and write
    one table: each point's levels, every KPI, and each queue's under- and overstaffing and service."""
    from wfm.scenarios import load_scenarios
    from wfm.scenarios.overrides import pick_scenarios
    from wfm.scenarios.sweep import SweepAxis, added_agents_axis, grid, run_sweep, shrinkage_axis, volume_axis

    if out.suffix.lower() not in (".csv", ".parquet"):
        check_suffix(out, (".csv", ".parquet"), "--out")
    if mode not in ("evaluate", "resolve"):
        raise InputError("--mode refused", [Problem(f"'{mode}' is not evaluate or resolve", field="--mode")])
    cores = os.cpu_count() or 1
    chosen_workers = workers if workers is not None else cores
    if chosen_workers < 1:
        raise InputError("--workers refused", [Problem(f"{chosen_workers}: at least 1", field="--workers")])
    solver_threads = threads if threads is not None else max(1, cores // chosen_workers)
    settings = _settings(time_limit, solver_threads, seed, hourly_cost, temp_hourly_cost)
    base_scenario: Scenario | None = None
    if scenario_file is not None:
        scenarios = load_scenarios(scenario_file)
        if name is None and len(scenarios) > 1:
            raise InputError(
                f"{scenario_file} holds {len(scenarios)} scenarios: choose the base with --name",
                [Problem(", ".join(s.name for s in scenarios), field="--name")],
            )
        base_scenario = pick_scenarios(scenarios, [name] if name else [])[0]
    multipliers = _numbers(volume, "--volume", float)
    counts = _numbers(temps, "--temps", int)
    shrinkages = _numbers(shrinkage, "--shrinkage", float)
    day_span = _span(volume_days, "--volume-days", 1, MAX_DAYS)
    hour_span = _span(volume_hours, "--volume-hours", 0, 24) or (0, 24)
    if not (multipliers or counts or shrinkages):
        raise InputError(
            "a sweep needs at least one axis",
            [Problem("give --volume, --temps or --shrinkage", field="--volume")],
        )
    base = _baseline(
        site=site,
        forecast=forecast,
        start=start,
        days=days,
        leave=leave,
        roster=roster,
        model=model,
        seed=seed,
        time_limit=time_limit,
        threads=cores,
        need_roster=False,
    )
    axes: list[SweepAxis] = []
    if multipliers:
        axes.append(volume_axis(multipliers, queues=_names(volume_queues), days=day_span, hours=hour_span))
    if counts:
        skills = _names(temp_skills) or list(base.baseline.site.queue_codes)
        axes.append(added_agents_axis(counts, skills=skills))
    if shrinkages:
        axes.append(shrinkage_axis(shrinkages))
    points = grid(axes, base=base_scenario)
    from wfm.scenarios.apply import check_scenarios

    check_scenarios(base.baseline, [point.scenario for point in points])
    if mode == "evaluate" and base.baseline.roster is None:
        from wfm.scenarios.run import with_roster

        current, note = _solve_baseline(base.baseline, time_limit=time_limit, threads=cores, seed=seed)
        base = _Base(with_roster(base.baseline, current), base.queue_names, base.targets, [*base.notes, note])
    typer.echo(
        f"{len(points)} scenarios ({mode}), {chosen_workers} processes x {solver_threads} solver threads",
        err=True,
    )
    found = run_sweep(
        base.baseline,
        points,
        mode=mode,
        settings=settings,
        workers=chosen_workers,
        solver_threads=solver_threads,
        progress=progress,
    )
    from wfm.cli.common import write_table

    write_table(found.table, out, float_format="%.4f")
    failed = int((found.table["status"] == "error").sum())
    for note in base.notes:
        typer.echo(note)
    typer.echo(
        f"{len(points)} scenarios in {found.seconds:.1f} s with {found.workers} processes "
        f"({found.solver_threads} solver threads each); {failed} failed; table written to {out}"
    )
    columns = [*(axis.name for axis in axes), "status", "service_level", "short_agent_hours", "cost"]
    shown = found.table.loc[:, [c for c in columns if c in found.table.columns]]
    typer.echo(shown.to_string(index=False, float_format=lambda v: f"{v:,.3f}"))
