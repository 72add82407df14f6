"""Run a scenario: evaluate the current roster against changed demand, or re-solve under changed inputs.

- **evaluate** ("what happens if we do nothing"): the baseline roster, cell for cell, measured against
  the scenario's requirement and volume. Agents the scenario removes drop out with their cells (said
  in the notes); agents it adds rest every day. Changed rule parameters are checked on the roster as
  it is; changed shift templates take effect only when re-solving (the roster keeps its shifts).
- **resolve** ("best response"): a new roster solved from scratch for the changed inputs, within the
  settings' time limit.

Both measure the roster with the solver's KPI module (:func:`solver.kpis.roster_kpis`, through
:func:`wfm.pipeline.roster_kpis_of`) and judge it with every rule's check face in the solver's own
registry (:func:`solver.check_roster`), so scenario figures are the figures a roster gets anywhere else.
The baseline is never changed: the roster a scenario hands back is a new object (a manager may promote
it to a draft; the API does that).
"""

from __future__ import annotations

import math
import time
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from datetime import date, datetime
from enum import StrEnum
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from wfm.domain import Roster, RosterCell, Site
from wfm.errors import InputError, Problem
from wfm.scenarios.apply import VOLUME, Baseline, ScenarioInputs, apply_scenario
from wfm.scenarios.overrides import Scenario, baseline_scenario

if TYPE_CHECKING:
    from solver.kpis import RosterKpis


class ScenarioMode(StrEnum):
    EVALUATE = "evaluate"
    RESOLVE = "resolve"


MODE_LABELS = {ScenarioMode.EVALUATE: "current roster", ScenarioMode.RESOLVE: "re-solved"}


@dataclass(frozen=True)
class ScenarioSettings:
    """How scenarios are solved and costed.

    ``hourly_cost`` is the loaded cost of a paid hour of the site's own agents (wage, social insurance
    and housing fund; the default 40 CNY is an assumption for a Hangzhou agent, about 6,000 CNY a month
    gross plus ~40% employer contributions over 174 hours); ``temporary_hourly_cost`` that of a
    temporary agent (an agency's rate, higher: 55 CNY by default). ``fte_hours_per_week`` is one
    full-time equivalent (labour law's 40 h).

    ``subsolvers`` are CP-SAT's first full subsolvers (:attr:`solver.SolveSettings.subsolvers`). Empty
    (the default) leaves the choice to the solver, which searches a centre's week by LP-guided dives
    (:func:`solver.solve.lp_dives`: two side by side on two workers, ``max_lp`` alone on one, what
    each process of a parallel sweep gets). Measured on the sample week: ``max_lp`` alone with two
    workers ranged 1.1-27% above the bound at 10 s; CP-SAT's own list on one worker never improved on
    its first roster of the Double 11 week. The dives need a few seconds for their LP: give 10 s.
    """

    time_limit_s: float = 10.0
    solver_workers: int = 2
    seed: int = 0
    subsolvers: tuple[str, ...] = ()
    hourly_cost: float = 40.0
    temporary_hourly_cost: float = 55.0
    fte_hours_per_week: float = 40.0
    currency: str = "CNY"

    def __post_init__(self) -> None:
        problems = []
        if not self.time_limit_s > 0:
            problems.append(Problem(f"{self.time_limit_s:g} s: must be above 0", field="time_limit_s"))
        if self.solver_workers < 1:
            problems.append(Problem(f"{self.solver_workers}: at least 1", field="solver_workers"))
        for name in ("hourly_cost", "temporary_hourly_cost"):
            value = getattr(self, name)
            if not (value >= 0 and math.isfinite(value)):
                problems.append(Problem(f"{value:g}: a cost is 0 or more", field=name))
        if not self.fte_hours_per_week > 0:
            problems.append(
                Problem(f"{self.fte_hours_per_week:g}: must be above 0", field="fte_hours_per_week")
            )
        if problems:
            raise InputError("scenario settings refused", problems)


@dataclass(frozen=True)
class Kpi:
    """One headline figure of a scenario: its key in :attr:`ScenarioResult.summary`, label and kind."""

    key: str
    label: str
    kind: str = "number"
    """``number``, ``hours``, ``share``, ``seconds``, ``money`` or ``count`` (how it is written)."""


KPIS: tuple[Kpi, ...] = (
    Kpi("agents", "agents in the team", "count"),
    Kpi("temporary_agents", "temporary agents", "count"),
    Kpi("required_fte", "required FTE", "number"),
    Kpi("required_agent_hours", "required agent-hours", "hours"),
    Kpi("paid_hours", "scheduled paid hours", "hours"),
    Kpi("cost", "cost of paid hours", "money"),
    Kpi("short_agent_hours", "understaffed agent-hours", "hours"),
    Kpi("surplus_agent_hours", "overstaffed agent-hours", "hours"),
    Kpi("coverage_share", "requirement met", "share"),
    Kpi("service_level", "service level (projected)", "share"),
    Kpi("asa_s", "speed of answer (phone, chat)", "seconds"),
    Kpi("overloaded_share", "contacts in overloaded intervals", "share"),
    Kpi("occupancy", "occupancy", "share"),
    Kpi("intervals_below_target", "queue-intervals below target", "count"),
    Kpi("late_shift_spread", "late-shift spread (fairness)", "number"),
    Kpi("weekend_day_spread", "weekend-day spread (fairness)", "number"),
    Kpi("hard_violations", "rule violations", "count"),
    Kpi("soft_cost", "soft-rule cost (solver objective)", "count"),
    Kpi("solve_seconds", "solve time", "seconds"),
)
"""The headline KPIs, in the order tables and reports show them."""

QUEUE_KPIS: tuple[Kpi, ...] = (
    Kpi("required_hours", "required agent-hours", "hours"),
    Kpi("covered_hours", "covered agent-hours", "hours"),
    Kpi("short_hours", "understaffed agent-hours", "hours"),
    Kpi("surplus_hours", "overstaffed agent-hours", "hours"),
    Kpi("service_level", "service level", "share"),
    Kpi("asa_s", "average speed of answer", "seconds"),
    Kpi("occupancy", "occupancy", "share"),
)
"""Per-queue KPIs (columns of :attr:`ScenarioResult.queues`)."""

INTERVAL_COLUMNS = (
    "queue",
    "interval_start",
    "required",
    "covered",
    "short",
    "surplus",
    "volume",
    "available",
    "service_level",
    "asa_s",
    "occupancy",
)


@dataclass(frozen=True)
class ScenarioResult:
    """What a scenario gives in one mode.

    ``summary`` holds the headline KPIs (:data:`KPIS`) and facts about the run (``scenario``, ``mode``,
    ``status``, ``time_limit_s``...), as plain numbers (``None`` where a figure has no value: no
    roster was found, or nothing to measure). ``queues`` has one row per queue (:data:`QUEUE_KPIS`),
    ``intervals`` one per queue and interval (:data:`INTERVAL_COLUMNS`). ``violations`` are the hard
    rules the roster breaks, in words; ``cost_by_rule`` what each soft rule charges. ``roster`` is a
    new roster (the baseline's is never changed); ``None`` when the solver found none. ``site`` is
    the scenario's site (its team includes added agents and lacks removed ones).
    """

    scenario: Scenario
    mode: ScenarioMode
    status: str
    site: Site = field(repr=False)
    summary: dict[str, Any]
    queues: pd.DataFrame = field(repr=False)
    intervals: pd.DataFrame = field(repr=False)
    roster: Roster | None = field(repr=False)
    kpis: RosterKpis | None = field(repr=False)
    violations: tuple[str, ...] = ()
    cost_by_rule: dict[str, int] = field(default_factory=dict)
    notes: tuple[str, ...] = ()

    @property
    def label(self) -> str:
        """``Double 11 (re-solved)``: the scenario and mode, as tables and charts name it."""
        return f"{self.scenario.name} ({MODE_LABELS[self.mode]})"

    @property
    def solved(self) -> bool:
        return self.roster is not None

    def to_dict(self, *, include_roster: bool = False, include_intervals: bool = True) -> dict[str, Any]:
        """Everything as JSON-ready values (for the API and ``--json``)."""
        found: dict[str, Any] = {
            "scenario": self.scenario.name,
            "label": self.label,
            "description": self.scenario.description,
            "overrides": self.scenario.describe(),
            "mode": self.mode.value,
            "status": self.status,
            "summary": {key: plain(value) for key, value in self.summary.items()},
            "queues": records(self.queues),
            "violations": list(self.violations),
            "cost_by_rule": dict(self.cost_by_rule),
            "notes": list(self.notes),
        }
        if include_intervals:
            found["intervals"] = records(self.intervals)
        if include_roster:
            found["roster"] = None if self.roster is None else self.roster.model_dump(mode="json")
        return found


def plain(value: Any) -> Any:
    """A JSON-ready scalar: numpy numbers as Python numbers, NaN and infinity as ``None``."""
    if isinstance(value, np.generic):
        value = value.item()
    if isinstance(value, float) and not math.isfinite(value):
        return None
    if isinstance(value, pd.Timestamp | datetime | date):
        return value.isoformat()
    return value


def records(frame: pd.DataFrame) -> list[dict[str, Any]]:
    return [{str(k): plain(v) for k, v in row.items()} for row in frame.to_dict(orient="records")]


# --- measuring ----------------------------------------------------------------------------------


def _weighted(values: np.ndarray, weights: np.ndarray) -> float | None:
    keep = weights > 0
    if not keep.any():
        return None
    if np.any(~np.isfinite(values[keep])):
        return math.inf
    return float((values[keep] * weights[keep]).sum() / weights[keep].sum())


def _intervals(kpis: RosterKpis) -> pd.DataFrame:
    coverage = kpis.coverage.loc[:, ["queue", "interval_start", "required", "covered", "short", "surplus"]]
    if kpis.service is None:
        frame = coverage.assign(volume=np.nan, available=np.nan, service_level=np.nan, asa_s=np.nan)
        return frame.assign(occupancy=np.nan).loc[:, list(INTERVAL_COLUMNS)]
    service = kpis.service.loc[
        :, ["queue", "interval_start", "volume", "available", "service_level", "asa_s", "occupancy"]
    ]
    frame = coverage.merge(service, on=["queue", "interval_start"], how="outer")
    for column in ("required", "covered", "short", "surplus"):
        frame[column] = frame[column].fillna(0.0)
    frame = frame.sort_values(["queue", "interval_start"], ignore_index=True)
    return frame.loc[:, list(INTERVAL_COLUMNS)]


def _required_hours(inputs: ScenarioInputs) -> float:
    requirement = inputs.requirement
    return float(requirement.frame["agents"].sum()) * requirement.interval_minutes / 60


def _summary(
    inputs: ScenarioInputs,
    mode: ScenarioMode,
    status: str,
    settings: ScenarioSettings,
    kpis: RosterKpis | None,
    hard: int | None,
    soft_cost: int | None,
    solve_seconds: float | None,
) -> dict[str, Any]:
    required = _required_hours(inputs)
    weeks = inputs.horizon.days / 7
    summary: dict[str, Any] = {
        "scenario": inputs.scenario.name,
        "mode": mode.value,
        "status": status,
        "horizon_start": inputs.horizon.start.isoformat(),
        "days": inputs.horizon.days,
        "agents": len(inputs.site.agents),
        "temporary_agents": len(inputs.temporary),
        "removed_agents": len(inputs.removed_agents),
        "required_fte": required / (settings.fte_hours_per_week * weeks),
        "required_agent_hours": required,
        "paid_hours": None,
        "cost": None,
        "short_agent_hours": None,
        "surplus_agent_hours": None,
        "coverage_share": None,
        "service_level": None,
        "asa_s": None,
        "overloaded_share": None,
        "occupancy": None,
        "intervals_below_target": None,
        "late_shift_spread": None,
        "weekend_day_spread": None,
        "hard_violations": hard,
        "soft_cost": soft_cost,
        "solve_seconds": solve_seconds,
        "time_limit_s": settings.time_limit_s if mode is ScenarioMode.RESOLVE else None,
        "currency": settings.currency,
    }
    if kpis is None:
        return summary
    figures = kpis.summary
    agents = kpis.agents
    rates = np.array(
        [
            inputs.hourly_cost.get(
                agent_id,
                settings.temporary_hourly_cost if agent_id in inputs.temporary else settings.hourly_cost,
            )
            for agent_id in agents["agent_id"]
        ],
        dtype=float,
    )
    summary.update(
        {
            "paid_hours": float(figures["paid_hours"]),
            "cost": float((agents["paid_hours"].to_numpy(dtype=float) * rates).sum()),
            "short_agent_hours": figures["short_agent_hours"],
            "surplus_agent_hours": figures["surplus_agent_hours"],
            "coverage_share": figures["coverage_share"],
            "service_level": figures["service_level"],
            "intervals_below_target": figures["intervals_below_target"],
            "late_shift_spread": figures["late_shift_spread"],
            "weekend_day_spread": figures["weekend_day_spread"],
        }
    )
    service = kpis.service
    if service is not None:
        # phone and chat: e-mail's "wait" is its backlog's age, not a speed of answer. An interval whose
        # load its agents cannot carry has no finite wait: its contacts are counted apart.
        live = service[service["method"] != "backlog"]
        waits = live["asa_s"].to_numpy(dtype=float)
        volume = live["volume"].to_numpy(dtype=float)
        overloaded = ~np.isfinite(waits) & (volume > 0)
        summary["asa_s"] = _weighted(np.where(overloaded, 0.0, waits), np.where(overloaded, 0.0, volume))
        total = float(volume.sum())
        summary["overloaded_share"] = float(volume[overloaded].sum()) / total if total > 0 else 0.0
        summary["occupancy"] = _weighted(
            service["occupancy"].to_numpy(dtype=float), service["available"].to_numpy(dtype=float)
        )
    return summary


def _queue_frame(kpis: RosterKpis | None) -> pd.DataFrame:
    columns = ["queue", *(k.key for k in QUEUE_KPIS)]
    if kpis is None:
        return pd.DataFrame(columns=columns)
    return kpis.queues.loc[:, columns].reset_index(drop=True)


def _empty_intervals() -> pd.DataFrame:
    return pd.DataFrame(columns=list(INTERVAL_COLUMNS))


def _judged(problem: Any, cells: Sequence[RosterCell]) -> tuple[tuple[str, ...], dict[str, int]]:
    """Hard violations in words and soft costs by rule, by every rule's check face (the solver's
    registry)."""
    from solver import check_roster
    from solver.solve import split_violations

    hard, soft = split_violations(check_roster(problem, cells))
    costs: dict[str, int] = {}
    for violation in soft:
        costs[violation.rule] = costs.get(violation.rule, 0) + violation.cost
    return tuple(str(v) for v in hard), costs


# --- the two modes ------------------------------------------------------------------------------


def _evaluate(baseline: Baseline, inputs: ScenarioInputs, settings: ScenarioSettings) -> ScenarioResult:
    from wfm.pipeline import roster_kpis_of, roster_problem

    if baseline.roster is None:
        raise InputError(
            "evaluate mode refused",
            [Problem("evaluating the current roster needs the baseline's roster", field="roster")],
        )
    started = time.perf_counter()
    removed = set(inputs.removed_agents)
    added = set(inputs.added_agents)
    kept = tuple(cell for cell in baseline.roster.cells if cell.agent_id not in removed)
    dropped = [cell for cell in baseline.roster.cells if cell.agent_id in removed]
    # the roster keeps its shifts: the baseline's templates (and successions), the scenario's team
    # without the agents it adds (they rest), the scenario's queues, staffing policy and rule values
    site = inputs.site.model_copy(
        update={
            "shift_templates": baseline.site.shift_templates,
            "agents": tuple(a for a in baseline.site.agents if a.id not in removed),
            "rules": inputs.site.rules.model_copy(
                update={"forbidden_successions": baseline.site.rules.forbidden_successions}
            ),
        }
    )
    problem = roster_problem(
        site, inputs.horizon, inputs.requirement, leave=inputs.leave, weights=baseline.weights
    )
    measured = Roster(horizon=inputs.horizon, cells=kept)
    kpis = roster_kpis_of(problem, measured, site=site, volume=inputs.forecast, volume_column=VOLUME)
    violations, costs = _judged(problem, kept)
    resting = tuple(
        RosterCell.rest(agent_id, day) for agent_id in inputs.added_agents for day in inputs.horizon.dates
    )
    roster = Roster(horizon=inputs.horizon, cells=kept + resting)
    notes = []
    if dropped:
        shifts = sum(1 for cell in dropped if cell.kind.value == "shift")
        notes.append(
            f"{len(removed)} agents removed ({', '.join(sorted(removed))}): their {len(dropped)} cells "
            f"({shifts} shifts) drop out of the roster"
        )
    if added:
        notes.append(
            f"{len(added)} added agents rest every day in the current roster (they work when re-solving)"
        )
    if inputs.scenario.shifts.add or inputs.scenario.shifts.remove:
        notes.append(
            "shift template changes take effect when re-solving; the current roster keeps its shifts"
        )
    summary = _summary(
        inputs,
        ScenarioMode.EVALUATE,
        "evaluated",
        settings,
        kpis,
        len(violations),
        sum(costs.values()),
        None,
    )
    summary["seconds"] = time.perf_counter() - started
    return ScenarioResult(
        scenario=inputs.scenario,
        mode=ScenarioMode.EVALUATE,
        status="evaluated",
        site=inputs.site,
        summary=summary,
        queues=_queue_frame(kpis),
        intervals=_intervals(kpis),
        roster=roster,
        kpis=kpis,
        violations=violations,
        cost_by_rule=costs,
        notes=tuple(notes),
    )


def _resolve(baseline: Baseline, inputs: ScenarioInputs, settings: ScenarioSettings) -> ScenarioResult:
    from wfm.pipeline import roster_problem, solve_roster

    started = time.perf_counter()
    problem = roster_problem(
        inputs.site, inputs.horizon, inputs.requirement, leave=inputs.leave, weights=baseline.weights
    )
    run = solve_roster(
        problem,
        site=inputs.site,
        volume=inputs.forecast,
        volume_column=VOLUME,
        time_limit_s=settings.time_limit_s,
        workers=settings.solver_workers,
        seed=settings.seed,
        subsolvers=settings.subsolvers,
    )
    result = run.result
    status = result.status.value
    notes = []
    if result.roster is None:
        notes.append(f"no roster: {result.message or status}")
        notes += [f"conflict: {line}" for line in result.explanation]
        summary = _summary(
            inputs, ScenarioMode.RESOLVE, status, settings, None, None, None, result.solve_seconds
        )
        summary["seconds"] = time.perf_counter() - started
        return ScenarioResult(
            scenario=inputs.scenario,
            mode=ScenarioMode.RESOLVE,
            status=status,
            site=inputs.site,
            summary=summary,
            queues=_queue_frame(None),
            intervals=_empty_intervals(),
            roster=None,
            kpis=None,
            notes=tuple(notes),
        )
    gap = "" if result.gap is None else f", gap {result.gap:.1%} to CP-SAT's bound"
    notes.append(
        f"solver: {status} in {result.solve_seconds:.1f} s of {settings.time_limit_s:g} s "
        f"({settings.solver_workers} threads){gap}"
    )
    summary = _summary(
        inputs,
        ScenarioMode.RESOLVE,
        status,
        settings,
        run.kpis,
        len(result.hard_violations),
        result.objective,
        result.solve_seconds,
    )
    summary["seconds"] = time.perf_counter() - started
    assert run.kpis is not None
    return ScenarioResult(
        scenario=inputs.scenario,
        mode=ScenarioMode.RESOLVE,
        status=status,
        site=inputs.site,
        summary=summary,
        queues=_queue_frame(run.kpis),
        intervals=_intervals(run.kpis),
        roster=result.roster,
        kpis=run.kpis,
        violations=tuple(str(v) for v in result.hard_violations),
        cost_by_rule=dict(result.cost_by_rule),
        notes=tuple(notes),
    )


def run_scenario(
    baseline: Baseline,
    scenario: Scenario,
    *,
    mode: ScenarioMode | str = ScenarioMode.RESOLVE,
    settings: ScenarioSettings | None = None,
) -> ScenarioResult:
    """A scenario's roster and KPIs in one mode (see the module's docstring).

    Raises
    ------
    InputError
        The scenario does not fit the baseline (each problem names its field), or evaluate mode was
        asked of a baseline without a roster.
    """
    settings = settings or ScenarioSettings()
    mode = _mode(mode)
    inputs = apply_scenario(baseline, scenario)
    if mode is ScenarioMode.EVALUATE:
        return _evaluate(baseline, inputs, settings)
    return _resolve(baseline, inputs, settings)


def _mode(mode: ScenarioMode | str) -> ScenarioMode:
    try:
        return ScenarioMode(mode)
    except ValueError:
        raise InputError(
            "mode refused",
            [Problem(f"'{mode}' is not one of {', '.join(m.value for m in ScenarioMode)}", field="mode")],
        ) from None


def run_scenarios(
    baseline: Baseline,
    scenarios: Sequence[Scenario],
    *,
    modes: Sequence[ScenarioMode | str] = (ScenarioMode.EVALUATE, ScenarioMode.RESOLVE),
    settings: ScenarioSettings | None = None,
    include_baseline: bool = True,
) -> list[ScenarioResult]:
    """Every scenario in every mode, in order, after the baseline itself.

    The baseline's row is its current roster against its own demand (evaluate mode), or, when the
    baseline has no roster, a roster solved for it. Every scenario is checked against the baseline
    before anything is solved, so a bad one is refused at once.
    """
    from wfm.scenarios.apply import check_scenarios

    settings = settings or ScenarioSettings()
    chosen = [_mode(m) for m in modes]
    check_scenarios(baseline, scenarios)
    results = []
    if include_baseline:
        first = ScenarioMode.EVALUATE if baseline.roster is not None else ScenarioMode.RESOLVE
        results.append(run_scenario(baseline, baseline_scenario(), mode=first, settings=settings))
    for scenario in scenarios:
        for mode in chosen:
            results.append(run_scenario(baseline, scenario, mode=mode, settings=settings))
    return results


def with_roster(baseline: Baseline, roster: Roster) -> Baseline:
    """The same baseline with another current roster."""
    return replace(baseline, roster=roster, volume_column=VOLUME)
