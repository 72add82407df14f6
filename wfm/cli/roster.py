"""``wfm roster``: the week's roster from a site, its requirement and its leave, with the roster's KPIs.

The solver and the forecaster are imported inside the commands: ``wfm`` never imports them at module
level, so ``wfm --help`` and the other commands stay fast.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import pandas as pd
import typer
from pydantic import ValidationError

from wfm.domain import LeaveRequest, PlanningHorizon, Requirement, Site
from wfm.domain.parsing import problems_from
from wfm.errors import InputError, Problem

if TYPE_CHECKING:
    from solver import RosterProblem, RosterResult
    from solver.kpis import RosterKpis
    from wfm.sample_centre import SampleCentre

app = typer.Typer(invoke_without_command=True)  # help: the command's docstring

MAX_DAYS = 35
"""The longest horizon rostered in one go (and the longest the forecaster serves)."""

TimeLimitOption = Annotated[
    float,
    typer.Option("--time-limit", help="Seconds the solver may search (it keeps the best roster found)."),
]
WorkersOption = Annotated[int, typer.Option("--workers", help="Solver threads.")]
SeedOption = Annotated[int, typer.Option("--seed", help="Seed for the solver (and the sample's forecast).")]


@dataclass(frozen=True)
class RosterInputs:
    """What a roster is built from, whichever way it was given.

    ``forecast`` (with its ``volume_column``) projects service level from the roster; it is the
    forecast itself for the sample centre, or the ``volume`` column of a staffing plan.
    """

    site: Site
    horizon: PlanningHorizon
    requirement: Requirement
    leave: tuple[LeaveRequest, ...]
    forecast: pd.DataFrame | None
    volume_column: str = "yhat"


@dataclass(frozen=True)
class RosterOutcome:
    """A solved (or not) problem, and the KPIs of its roster when there is one."""

    problem: RosterProblem
    result: RosterResult
    kpis: RosterKpis | None


# --- checking the options -----------------------------------------------------------------------


def check_suffix(path: Path, allowed: tuple[str, ...], option: str) -> None:
    if path.suffix.lower() not in allowed:
        raise InputError(
            f"{option} refused",
            [Problem(f"'{path.name}' is not a {' or '.join(allowed)} file name", field=option)],
        )


def check_solver_options(time_limit: float, workers: int) -> None:
    problems = []
    if not time_limit > 0:
        problems.append(
            Problem(f"{time_limit:g} s: the solver needs more than 0 seconds", field="--time-limit")
        )
    if workers < 1:
        problems.append(Problem(f"{workers}: at least one solver thread is needed", field="--workers"))
    if problems:
        raise InputError("solver settings refused", problems)


def _start(text: str | None) -> date | None:
    if text is None:
        return None
    try:
        return date.fromisoformat(text.strip())
    except ValueError:
        raise InputError(
            "--start refused", [Problem(f"'{text}' is not a date like 2025-11-24", field="--start")]
        ) from None


def _horizon(start: date, days: int) -> PlanningHorizon:
    if not 1 <= days <= MAX_DAYS:
        raise InputError(
            "--days refused", [Problem(f"{days} is not between 1 and {MAX_DAYS} days", field="--days")]
        )
    return PlanningHorizon(start=start, days=days)


# --- reading the inputs -------------------------------------------------------------------------


def read_table(path: Path, option: str) -> pd.DataFrame:
    """A CSV or Parquet table; anything else is refused naming the option."""
    if not path.exists():
        raise InputError(f"{path}: no such file", [Problem("no such file", field=option)])
    suffix = path.suffix.lower()
    if suffix == ".parquet":
        return pd.read_parquet(path)
    if suffix in (".csv", ".txt"):
        try:
            return pd.read_csv(path)
        except (pd.errors.ParserError, UnicodeDecodeError, pd.errors.EmptyDataError) as error:
            raise InputError(
                f"cannot read {path} as a table: {error}", [Problem("not a table", field=option)]
            ) from None
    raise InputError(
        f"{path}: unknown file type '{suffix}'", [Problem("expected .csv or .parquet", field=option)]
    )


def _interval_minutes(frame: pd.DataFrame, fallback: int) -> int:
    starts = pd.to_datetime(frame["interval_start"], errors="coerce")
    steps = (
        pd.DataFrame({"queue": frame["queue"], "start": starts})
        .dropna()
        .sort_values(["queue", "start"])
        .groupby("queue")["start"]
        .diff()
        .dropna()
    )
    positive = steps[steps > pd.Timedelta(0)]
    return int(positive.min().total_seconds() // 60) if len(positive) else fallback


def load_requirement(path: Path, site: Site) -> tuple[Requirement, pd.DataFrame | None]:
    """The requirement (``queue, interval_start, agents``) from a ``wfm staff`` file, and the staffing
    plan's ``volume`` per interval (for the service projection) when the file has it."""
    frame = read_table(path, "--requirement")
    missing = [c for c in ("queue", "interval_start", "agents") if c not in frame.columns]
    if missing:
        raise InputError(
            f"{path}: requirement refused",
            [Problem(f"missing column; found {list(frame.columns)}", column=c) for c in missing],
        )
    unknown = sorted(set(frame["queue"].astype(str)) - set(site.queue_codes))
    if unknown:
        raise InputError(
            f"{path}: requirement refused",
            [
                Problem(
                    f"queue '{q}' is not one of the site's queues ({', '.join(site.queue_codes)})",
                    column="queue",
                )
                for q in unknown
            ],
        )
    minutes = _interval_minutes(frame, site.interval_minutes)
    requirement = Requirement(frame.loc[:, ["queue", "interval_start", "agents"]], interval_minutes=minutes)
    volume = None
    if "volume" in frame.columns:
        volume = frame.loc[:, ["queue", "interval_start", "volume"]].assign(
            interval_start=pd.to_datetime(frame["interval_start"])
        )
    return requirement, volume


def load_leave(path: Path) -> tuple[LeaveRequest, ...]:
    """Leave requests from JSON: a list of requests, or ``{"leave_requests": [...]}`` (as the sample's
    planning file)."""
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise InputError(f"{path}: no such file", [Problem("no such file", field="--leave")]) from None
    except json.JSONDecodeError as error:
        raise InputError(
            f"{path}: not valid JSON", [Problem(error.msg, row=error.lineno, field="--leave")]
        ) from None
    items = data.get("leave_requests") if isinstance(data, dict) else data
    if not isinstance(items, list):
        raise InputError(
            f"{path}: leave refused",
            [
                Problem(
                    "expected a list of leave requests, or an object with 'leave_requests'",
                    field="leave_requests",
                )
            ],
        )
    found, problems = [], []
    for index, item in enumerate(items):
        try:
            found.append(LeaveRequest.model_validate(item))
        except ValidationError as error:
            for problem in problems_from(error):
                where = f"leave_requests[{index}]" + (f".{problem.field}" if problem.field else "")
                problems.append(Problem(problem.message, field=where))
    if problems:
        raise InputError(f"{path}: leave refused", problems)
    return tuple(found)


def _requirement_in_horizon(requirement: Requirement, horizon: PlanningHorizon) -> None:
    starts = requirement.frame["interval_start"]
    first, last = pd.Timestamp(horizon.start), pd.Timestamp(horizon.end) + pd.Timedelta(days=1)
    if not ((starts >= first) & (starts < last)).any():
        raise InputError(
            "requirement refused",
            [
                Problem(
                    f"the requirement ({starts.min():%Y-%m-%d} to {starts.max():%Y-%m-%d}) has no interval "
                    f"in the horizon {horizon}",
                    field="--start",
                )
            ],
        )


def forecast_sample_week(centre: SampleCentre, horizon: PlanningHorizon, seed: int) -> Any:
    """The sample centre's forecast for ``horizon`` with the default model (a :class:`ForecastResult`)."""
    from wfm.pipeline import forecast_horizon

    return forecast_horizon(centre.history, horizon, seed=seed)


def gather_inputs(
    *,
    sample: bool,
    site: Path | None,
    requirement: Path | None,
    start: str | None,
    days: int,
    leave: Path | None,
    seed: int,
) -> RosterInputs:
    """Site, horizon, requirement and leave from files, or from the sample centre (the default)."""
    if sample and site is not None:
        raise InputError(
            "give either --site SITE.json or --sample (not both)", [Problem("both given", field="--site")]
        )
    first = _start(start)
    if site is not None:
        centre_site = Site.load(site)
        if requirement is None:
            raise InputError(
                "--requirement is needed with --site: "
                "the agents needed per queue and interval (from `wfm staff`)",
                [Problem("missing", field="--requirement")],
            )
        needed, volume = load_requirement(requirement, centre_site)
        horizon = _horizon(first or pd.Timestamp(needed.frame["interval_start"].min()).date(), days)
        _requirement_in_horizon(needed, horizon)
        leave_requests = load_leave(leave) if leave is not None else ()
        return RosterInputs(centre_site, horizon, needed, leave_requests, volume, "volume")
    from wfm.sample_centre import load_sample_centre

    centre = load_sample_centre()
    horizon = _horizon(first or centre.horizon.start, days)
    leave_requests = load_leave(leave) if leave is not None else centre.leave_requests
    if requirement is not None:
        needed, volume = load_requirement(requirement, centre.site)
        _requirement_in_horizon(needed, horizon)
        return RosterInputs(centre.site, horizon, needed, leave_requests, volume, "volume")
    from wfm.staffing import requirement_from_plan, staff_forecast

    forecast = forecast_sample_week(centre, horizon, seed).frame
    needed = requirement_from_plan(staff_forecast(forecast, centre.site))
    return RosterInputs(centre.site, horizon, needed, leave_requests, forecast, "yhat")


# --- solving and saying what came out -----------------------------------------------------------


def solve_problem(
    inputs: RosterInputs, *, time_limit: float, workers: int, seed: int
) -> tuple[RosterProblem, RosterResult]:
    """Build the problem from the inputs and solve it."""
    from solver import SolveSettings, problem_from_site, solve

    problem = problem_from_site(
        inputs.site, inputs.horizon, requirement=inputs.requirement, leave=inputs.leave
    )
    return problem, solve(problem, SolveSettings(time_limit_s=time_limit, workers=workers, seed=seed))


def measure(inputs: RosterInputs, problem: RosterProblem, result: RosterResult) -> RosterOutcome:
    """The roster's KPIs (none when there is no roster)."""
    from solver.kpis import roster_kpis

    kpis = None
    if result.roster is not None:
        kpis = roster_kpis(
            problem,
            result.roster,
            forecast=inputs.forecast,
            site=inputs.site,
            volume_column=inputs.volume_column,
        )
    return RosterOutcome(problem, result, kpis)


def solve_roster(inputs: RosterInputs, *, time_limit: float, workers: int, seed: int) -> RosterOutcome:
    """Build the problem, solve it, and measure the roster."""
    problem, result = solve_problem(inputs, time_limit=time_limit, workers=workers, seed=seed)
    return measure(inputs, problem, result)


def say_no_roster(result: RosterResult) -> None:
    """Why there is no roster: the solver's outcome and, when infeasible, the rules that conflict."""
    from solver.report import render_result

    typer.echo(render_result(result), err=True)
    if result.explanation:
        typer.echo("these rules cannot all hold together (drop or relax any one of them):", err=True)
        for line in result.explanation:
            typer.echo(f"  - {line}", err=True)


def say_roster(outcome: RosterOutcome) -> None:
    """The grid, the KPI summary and the solver's outcome, as text."""
    from solver.report import render_grid, render_result, render_summary

    assert outcome.result.roster is not None and outcome.kpis is not None
    typer.echo(render_grid(outcome.problem, outcome.result.roster))
    typer.echo("")
    typer.echo(render_summary(outcome.kpis))
    typer.echo("")
    typer.echo(render_result(outcome.result))
    for violation in outcome.result.hard_violations:
        typer.echo(f"warning: the roster breaks a hard rule: {violation}", err=True)


def result_dict(outcome: RosterOutcome) -> dict[str, Any]:
    """The outcome for ``--json``: solver status and costs, explanation, KPIs (without the per-interval
    tables, which the roster file and the report hold)."""
    result = outcome.result
    found: dict[str, Any] = {
        "status": result.status.value,
        "objective": result.objective,
        "lower_bound": result.lower_bound,
        "gap": result.gap,
        "solve_seconds": round(result.solve_seconds, 3),
        "cost_by_rule": result.cost_by_rule,
        "hard_violations": [str(v) for v in result.hard_violations],
        "explanation": list(result.explanation),
        "message": result.message,
    }
    if outcome.kpis is not None:
        kpis = outcome.kpis.to_dict()
        found["kpis"] = {key: kpis[key] for key in ("summary", "queues", "agents", "fairness")}
    return found


@app.callback()
def roster(
    out: Annotated[Path, typer.Option("--out", "-o", help="Where to write the roster (.csv).")],
    sample: Annotated[
        bool, typer.Option("--sample", help="Roster the bundled sample centre (the default without --site).")
    ] = False,
    site: Annotated[
        Path | None, typer.Option("--site", help="Site configuration (JSON) with its agents.")
    ] = None,
    requirement: Annotated[
        Path | None,
        typer.Option(
            "--requirement",
            help="Agents needed per queue and interval (`wfm staff` output, .csv/.parquet). Needed with "
            "--site; with the sample centre, omitted means forecast and staff its planning week first.",
        ),
    ] = None,
    start: Annotated[
        str | None,
        typer.Option(
            "--start",
            help="First day (2025-11-24); default: the sample's planning week, or the "
            "requirement's first day.",
        ),
    ] = None,
    days: Annotated[int, typer.Option("--days", help=f"Days to roster (1-{MAX_DAYS}).")] = 7,
    leave: Annotated[
        Path | None,
        typer.Option("--leave", help="Leave requests (JSON list); approved ones become leave days."),
    ] = None,
    html: Annotated[
        Path | None, typer.Option("--html", help="Also write a self-contained HTML report here.")
    ] = None,
    time_limit: TimeLimitOption = 10.0,
    workers: WorkersOption = 2,
    seed: SeedOption = 0,
    as_json: Annotated[bool, typer.Option("--json", help="Print the outcome and KPIs as JSON.")] = False,
) -> None:
    """Solve the roster, write it, and report its coverage, service, paid hours and fairness.

    Every hard rule holds: rest days and rest hours, closing staff, the meeting, contracts, leave.
    Inputs come from files (--site, --requirement, --leave) or, by default, the sample centre.

    Writes agent_id, name, day, kind (shift/rest/leave), shift, queue, break_start and leave_type per
    agent and day. Exit code 1 when no roster exists (the conflicting rules are listed) or none was
    found in the time limit.
    """
    check_suffix(out, (".csv",), "--out")
    if html is not None:
        check_suffix(html, (".html", ".htm"), "--html")
    check_solver_options(time_limit, workers)
    inputs = gather_inputs(
        sample=sample, site=site, requirement=requirement, start=start, days=days, leave=leave, seed=seed
    )
    outcome = solve_roster(inputs, time_limit=time_limit, workers=workers, seed=seed)
    if outcome.result.roster is None:
        if as_json:
            typer.echo(json.dumps(result_dict(outcome), indent=2))
        say_no_roster(outcome.result)
        raise typer.Exit(1)
    from solver.report import write_html_report, write_roster_csv

    assert outcome.kpis is not None
    write_roster_csv(out, outcome.problem, outcome.result.roster)
    if html is not None:
        write_html_report(
            html,
            outcome.problem,
            outcome.result.roster,
            outcome.kpis,
            title=f"Roster: {inputs.site.name}",
            result=outcome.result,
            queue_names={q.code: q.name for q in inputs.site.queues},
        )
    if as_json:
        found = result_dict(outcome)
        found["roster_file"] = str(out)
        found["html_file"] = None if html is None else str(html)
        typer.echo(json.dumps(found, indent=2))
        return
    say_roster(outcome)
    typer.echo(f"roster written to {out}" + (f"; report written to {html}" if html is not None else ""))
