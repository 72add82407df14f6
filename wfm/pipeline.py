"""The product's flow as plain functions: history -> forecast -> requirement -> roster -> KPIs.

The command line, the API, notebooks and tests all chain the stages through these functions, so each
stage is run one way only. ``wfm`` never imports the forecaster or the solver at module level: each
step imports what it runs, so ``wfm`` stays importable (and ``wfm --help`` fast) without them loaded.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING

import pandas as pd

from wfm.domain import LeaveRequest, PlanningHorizon, Requirement, Roster, RosterCell, Site
from wfm.errors import InputError, Problem

if TYPE_CHECKING:
    from forecasting import ForecastConfig, ForecastResult
    from solver import RosterProblem, RosterResult, SoftWeights
    from solver.kpis import RosterKpis
    from wfm.history import ContactHistory


def quiet_stan() -> None:
    """Prophet's Stan backend logs every fit at INFO; the product keeps to warnings.

    Call before the forecaster first imports Prophet (which sets up its own logger on import).
    """
    # plotly is optional (we draw with matplotlib): silence Prophet's warning about it
    logging.getLogger("prophet.plot").setLevel(logging.CRITICAL)
    import cmdstanpy
    import prophet  # noqa: F401  (sets up its own logger first, so ours comes after)

    cmdstanpy.disable_logging()
    logging.getLogger("prophet").setLevel(logging.ERROR)


def forecast_config(
    history: ContactHistory,
    *,
    model: str = "default",
    events: Path | None = None,
    country: str = "CN",
    seed: int = 0,
    interval_width: float = 0.8,
) -> ForecastConfig:
    """The forecaster's settings, with the holiday and promotion calendar for the history's years."""
    from forecasting import ForecastConfig, default_calendar
    from forecasting.calendar import site_calendar

    starts = history.frame["interval_start"]
    years = range(int(starts.min().year), int(starts.max().year) + 2)
    calendar = (
        site_calendar(events, years) if events is not None else default_calendar(years, country.upper())
    )
    try:
        return ForecastConfig(
            model=model,
            calendar=calendar,
            holidays_country=country.upper(),
            seed=seed,
            interval_width=interval_width,
        )
    except ValueError as error:
        raise InputError("forecast settings refused", [Problem(str(error))]) from None


def forecast_horizon(
    history: ContactHistory, horizon: PlanningHorizon, *, seed: int = 0, model: str = "default"
) -> ForecastResult:
    """Contacts per queue and interval over ``horizon``, from the history before it."""
    quiet_stan()
    from forecasting import fit_forecast

    config = forecast_config(history, model=model, seed=seed)
    return fit_forecast(history, pd.Timestamp(horizon.start), pd.Timedelta(days=horizon.days), config)


def staffing_plan(forecast: pd.DataFrame, site: Site) -> tuple[pd.DataFrame, Requirement]:
    """Agents needed per queue and interval for a forecast (the plan keeps the volume beside them)."""
    from wfm.staffing import requirement_from_plan, staff_forecast

    plan = staff_forecast(forecast, site)
    return plan, requirement_from_plan(plan)


@dataclass(frozen=True)
class RosterRun:
    """A roster problem, what the solver made of it, and the KPIs of its roster (when there is one)."""

    problem: RosterProblem
    result: RosterResult
    kpis: RosterKpis | None


def roster_problem(
    site: Site,
    horizon: PlanningHorizon,
    requirement: Requirement | None,
    *,
    leave: Sequence[LeaveRequest] = (),
    pinned: Sequence[RosterCell] = (),
    previous: Roster | None = None,
    weights: SoftWeights | None = None,
) -> RosterProblem:
    """The solver's problem for a site's horizon; ``weights`` are the soft rules' costs (the solver's
    defaults when ``None``)."""
    from solver import problem_from_site

    return problem_from_site(
        site,
        horizon,
        requirement=requirement,
        leave=tuple(leave),
        pinned=tuple(pinned),
        previous=previous,
        weights=weights,
    )


def roster_kpis_of(
    problem: RosterProblem,
    roster: Roster,
    *,
    site: Site,
    volume: pd.DataFrame | None = None,
    volume_column: str = "volume",
) -> RosterKpis:
    """KPIs of any roster, solved or hand-made; ``volume`` (forecast or staffing plan) projects service."""
    from solver.kpis import roster_kpis

    return roster_kpis(problem, roster, forecast=volume, site=site, volume_column=volume_column)


def solve_roster(
    problem: RosterProblem,
    *,
    site: Site,
    volume: pd.DataFrame | None = None,
    volume_column: str = "volume",
    time_limit_s: float = 10.0,
    workers: int = 2,
    seed: int = 0,
    stop: threading.Event | None = None,
    from_previous: bool = False,
    subsolvers: tuple[str, ...] = (),
) -> RosterRun:
    """Solve a roster problem and measure the roster; setting ``stop`` ends the search early.

    ``from_previous``: a re-solve, starting from ``problem.previous`` and changing only what it must
    (:func:`solver.resolve.resolve`) instead of searching afresh. ``subsolvers``: CP-SAT's full
    subsolvers to run first (:attr:`solver.SolveSettings.subsolvers`; empty keeps CP-SAT's list).
    """
    from solver import SolveSettings, solve
    from solver.resolve import resolve

    settings = SolveSettings(
        time_limit_s=time_limit_s, workers=workers, seed=seed, stop=stop, subsolvers=subsolvers
    )
    result = resolve(problem, settings) if from_previous else solve(problem, settings)
    kpis = None
    if result.roster is not None:
        kpis = roster_kpis_of(problem, result.roster, site=site, volume=volume, volume_column=volume_column)
    return RosterRun(problem, result, kpis)


def horizon_of(start: date, days: int) -> PlanningHorizon:
    """A planning horizon, refused in the user's words when it is not one."""
    try:
        return PlanningHorizon(start=start, days=days)
    except ValueError as error:
        raise InputError("planning horizon refused", [Problem(str(error), field="days")]) from None
