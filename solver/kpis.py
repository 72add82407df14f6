"""What a roster gives: coverage against the requirement, projected service, paid hours and fairness.

:func:`roster_kpis` judges *any* roster of a :class:`~solver.problem.RosterProblem` (solved, edited by
hand, or loaded from a file). Coverage is counted exactly as the coverage rule counts it: an agent covers
the minutes of an interval they are on their shift and not on their unpaid break (a cell without a break
start takes the template's default break, as the rule's check face does). Everything below is in the
scheduler's units: agents per interval, agent-hours over the horizon.
"""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Any

import numpy as np
import pandas as pd

from solver.context import break_starts, interval_minutes_covered
from solver.problem import ANY_QUEUE, RosterProblem
from solver.rules.site import closing_shifts
from wfm.domain import Agent, CellKind, Roster, RosterCell, Site
from wfm.errors import InputError, Problem

COVERAGE_COLUMNS = ("queue", "interval_start", "required", "covered", "short", "surplus")
QUEUE_COLUMNS = (
    "queue",
    "required_hours",
    "covered_hours",
    "short_hours",
    "surplus_hours",
    "intervals_short",
    "service_level",
    "asa_s",
    "occupancy",
    "intervals_below_target",
)
AGENT_COLUMNS = (
    "agent_id",
    "name",
    "group",
    "part_time",
    "days_worked",
    "rest_days",
    "leave_days",
    "open_days",
    "paid_hours",
    "contract_hours",
    "late_shifts",
    "weekend_days",
    "weekend_hours",
    "queues",
)
FAIRNESS_COLUMNS = ("agents_kind", "agents", "measure", "low", "high", "spread")
_FAIR_MEASURES = (
    ("late_shifts", "late shifts"),
    ("weekend_days", "weekend days"),
    ("weekend_hours", "weekend hours"),
)


@dataclass(frozen=True)
class RosterKpis:
    """A roster's figures.

    Attributes
    ----------
    coverage
        One row per queue and interval of the horizon (the requirement's intervals, plus any interval
        the roster covers that the requirement does not list): ``required`` and ``covered`` agents
        (covered is fractional: an agent on the queue for 30 of 60 minutes counts 0.5), ``short`` and
        ``surplus`` agents. Without a requirement, ``required``, ``short`` and ``surplus`` are NaN.
    service
        The projected service per queue and interval (:data:`wfm.staffing.PROJECTION_COLUMNS`) from the
        covered agents rounded down, or ``None`` when no forecast was given.
    queues
        One row per queue: required, covered, short and surplus agent-hours, intervals short, and
        with a forecast the volume-weighted service level and speed of answer, occupancy weighted by
        available agents, and intervals below the queue's service target.
    agents
        One row per agent of the problem: days worked, rest and leave days, paid hours against the
        contract's hours for the horizon, late (closing) shifts, weekend days and hours, queues worked.
    fairness
        The spread (highest - lowest) of late shifts, weekend days and weekend hours among comparable
        agents (full-time with full-time, part-time with part-time), as the fairness rule compares them.
    summary
        Headline figures (plain numbers, ``None`` where a figure needs an input that was not given).
    """

    coverage: pd.DataFrame
    service: pd.DataFrame | None
    queues: pd.DataFrame
    agents: pd.DataFrame
    fairness: pd.DataFrame
    summary: dict[str, Any]

    def to_dict(self) -> dict[str, Any]:
        """Everything as JSON-ready values (dates as ISO text; NaN and infinity as ``None``)."""
        return {
            "summary": {key: _plain(value) for key, value in self.summary.items()},
            "queues": _records(self.queues),
            "agents": _records(self.agents),
            "fairness": _records(self.fairness),
            "coverage": _records(self.coverage),
            "service": None if self.service is None else _records(self.service),
        }


def roster_kpis(
    problem: RosterProblem,
    roster: Roster,
    *,
    forecast: pd.DataFrame | None = None,
    site: Site | None = None,
    volume_column: str = "yhat",
) -> RosterKpis:
    """Coverage, projected service, hours and fairness of ``roster`` for ``problem``.

    Parameters
    ----------
    problem
        The problem the roster is for: agents, shift templates, requirement, opening hours.
    roster
        Any roster; cells outside the problem's horizon are ignored, missing cells count as open days.
    forecast
        Contacts per queue and interval (``queue, interval_start`` and ``volume_column``), to project
        service level, speed of answer and occupancy with :func:`wfm.staffing.project_service`.
        Needs ``site`` (the queues' targets and the staffing policy).
    site
        The site, for the service projection.
    volume_column
        The forecast's volume column (``yhat`` from :func:`forecasting.fit_forecast`, ``volume`` in a
        staffing plan).

    Raises
    ------
    InputError
        The roster names an agent, shift or queue the problem does not have, or a forecast comes
        without its site.
    """
    if forecast is not None and site is None:
        raise InputError(
            "roster KPIs refused",
            [Problem("projecting service from a forecast needs the site", field="site")],
        )
    cells = _cells_in_horizon(problem, roster)
    length = problem.interval_cover.interval_minutes if problem.interval_cover is not None else None
    if length is None:
        length = site.interval_minutes if site is not None else 60
    coverage, minutes = _coverage(problem, cells, length)
    service = None
    if forecast is not None:
        assert site is not None
        service = _service(problem, coverage, forecast, site, volume_column)
    queues = _queue_table(minutes, service, site, has_requirement=problem.interval_cover is not None)
    agents = _agent_table(problem, cells)
    fairness = _fairness_table(problem, agents)
    summary = _summary(problem, length, minutes, service, queues, agents, fairness)
    return RosterKpis(coverage, service, queues, agents, fairness, summary)


# --- the roster's cells -------------------------------------------------------------------------


def _cells_in_horizon(problem: RosterProblem, roster: Roster) -> list[RosterCell]:
    agent_ids = {agent.id for agent in problem.agents}
    shift_codes = {template.code for template in problem.shifts}
    any_queue = problem.queues == (ANY_QUEUE,)
    problems: list[Problem] = []
    kept = []
    for index, cell in enumerate(roster.cells):
        where = f"cells[{index}]"
        if cell.agent_id not in agent_ids:
            problems.append(Problem(f"unknown agent '{cell.agent_id}'", field=f"{where}.agent_id"))
        if cell.kind is CellKind.SHIFT:
            if cell.shift not in shift_codes:
                problems.append(Problem(f"unknown shift '{cell.shift}'", field=f"{where}.shift"))
            if not any_queue and cell.queue not in problem.queues:
                problems.append(Problem(f"unknown queue '{cell.queue}'", field=f"{where}.queue"))
        if cell.day in problem.horizon:
            kept.append(cell)
    if problems:
        raise InputError("roster refused for KPIs", problems)
    return kept


def _break_start(problem: RosterProblem, cell: RosterCell) -> int | None:
    template = problem.shift(str(cell.shift))
    return cell.break_start if cell.break_start is not None else break_starts(template, False)[0]


def _paid_minutes(problem: RosterProblem, cell: RosterCell) -> int:
    return problem.shift(str(cell.shift)).paid_minutes


# --- coverage -----------------------------------------------------------------------------------


def _covered_minutes(
    problem: RosterProblem, cells: Iterable[RosterCell], length: int
) -> dict[tuple[str, datetime], int]:
    """Agent-minutes on each queue in each interval (any interval the shifts touch)."""
    covered: dict[tuple[str, datetime], int] = defaultdict(int)
    for cell in cells:
        if cell.kind is not CellKind.SHIFT:
            continue
        template = problem.shift(str(cell.shift))
        brk = _break_start(problem, cell)
        midnight = datetime.combine(cell.day, time())
        for offset in range(template.start // length * length, template.end, length):
            start = midnight + timedelta(minutes=offset)
            minutes = interval_minutes_covered(template, brk, cell.day, start, length)
            if minutes:
                covered[(str(cell.queue), start)] += minutes
    return covered


def _coverage(
    problem: RosterProblem, cells: list[RosterCell], length: int
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The coverage frame (agents), and the same in whole agent-minutes for exact totals."""
    first = datetime.combine(problem.horizon.start, time())
    last = datetime.combine(problem.horizon.end, time()) + timedelta(days=1)
    required: dict[tuple[str, datetime], int] = {}
    if problem.interval_cover is not None:
        frame = problem.interval_cover.frame
        for queue, start, agents in zip(
            frame["queue"], frame["interval_start"], frame["agents"], strict=True
        ):
            moment = pd.Timestamp(start).to_pydatetime()
            if first <= moment < last:
                required[(str(queue), moment)] = int(agents)
    covered = {
        key: value
        for key, value in _covered_minutes(problem, cells, length).items()
        if first <= key[1] < last
    }
    keys = sorted(set(required) | set(covered))
    has_requirement = problem.interval_cover is not None
    rows = []
    minute_rows = []
    for key in keys:
        have = covered.get(key, 0)
        if has_requirement:
            need = required.get(key, 0) * length
            short, surplus = max(0, need - have), max(0, have - need)
            rows.append((*key, need / length, have / length, short / length, surplus / length))
            minute_rows.append((*key, need, have, short, surplus))
        else:
            rows.append((*key, math.nan, have / length, math.nan, math.nan))
            minute_rows.append((*key, 0, have, 0, 0))
    coverage = pd.DataFrame(rows, columns=list(COVERAGE_COLUMNS))
    minutes = pd.DataFrame(minute_rows, columns=list(COVERAGE_COLUMNS))
    coverage["interval_start"] = pd.to_datetime(coverage["interval_start"])
    minutes["interval_start"] = pd.to_datetime(minutes["interval_start"])
    return coverage.astype({c: float for c in COVERAGE_COLUMNS[2:]}), minutes


# --- service ------------------------------------------------------------------------------------


def _service(
    problem: RosterProblem, coverage: pd.DataFrame, forecast: pd.DataFrame, site: Site, volume_column: str
) -> pd.DataFrame:
    from wfm.staffing import project_service

    if "interval_start" not in forecast.columns:
        raise InputError(
            "forecast refused",
            [Problem(f"missing column; found {list(forecast.columns)}", column="interval_start")],
        )
    starts = pd.to_datetime(forecast["interval_start"])
    first = pd.Timestamp(problem.horizon.start)
    last = pd.Timestamp(problem.horizon.end) + pd.Timedelta(days=1)
    inside = forecast[(starts >= first) & (starts < last)]
    if inside.empty:
        raise InputError(
            "forecast refused",
            [Problem(f"no intervals in the horizon {problem.horizon}", column="interval_start")],
        )
    rostered = pd.DataFrame(
        {
            "queue": coverage["queue"],
            "interval_start": coverage["interval_start"],
            "agents": np.floor(coverage["covered"].to_numpy() + 1e-9).astype(np.int64),
        }
    )
    return project_service(rostered, inside, site, volume_column=volume_column)


def _weighted(values: np.ndarray, weights: np.ndarray) -> float | None:
    total = float(weights.sum())
    if total <= 0:
        return None
    if np.any(~np.isfinite(values) & (weights > 0)):
        return math.inf
    return float(np.nansum(np.where(weights > 0, values, 0.0) * weights) / total)


def _queue_service(part: pd.DataFrame, share: float | None) -> dict[str, Any]:
    volume = part["volume"].to_numpy(dtype=float)
    available = part["available"].to_numpy(dtype=float)
    level = part["service_level"].to_numpy(dtype=float)
    below = int(((volume > 0) & (level < share - 1e-9)).sum()) if share is not None else None
    return {
        "service_level": _weighted(level, volume),
        "asa_s": _weighted(part["asa_s"].to_numpy(dtype=float), volume),
        "occupancy": _weighted(part["occupancy"].to_numpy(dtype=float), available),
        "intervals_below_target": below,
    }


# --- per queue, per agent, fairness -------------------------------------------------------------


def _queue_table(
    minutes: pd.DataFrame, service: pd.DataFrame | None, site: Site | None, *, has_requirement: bool
) -> pd.DataFrame:
    codes = sorted(set(minutes["queue"]) | (set(service["queue"]) if service is not None else set()))
    rows = []
    for code in codes:
        part = minutes[minutes["queue"] == code]
        row: dict[str, Any] = {
            "queue": code,
            "required_hours": part["required"].sum() / 60 if has_requirement else math.nan,
            "covered_hours": part["covered"].sum() / 60,
            "short_hours": part["short"].sum() / 60 if has_requirement else math.nan,
            "surplus_hours": part["surplus"].sum() / 60 if has_requirement else math.nan,
            "intervals_short": int((part["short"] > 0).sum()) if has_requirement else 0,
            "service_level": math.nan,
            "asa_s": math.nan,
            "occupancy": math.nan,
            "intervals_below_target": 0,
        }
        if service is not None:
            share = (
                site.queue(code).service_target.share
                if site is not None and code in site.queue_codes
                else None
            )
            found = _queue_service(service[service["queue"] == code], share)
            row.update({k: (math.nan if v is None else v) for k, v in found.items()})
        rows.append(row)
    frame = pd.DataFrame(rows, columns=list(QUEUE_COLUMNS))
    return frame.astype({"intervals_short": "int64", "intervals_below_target": "int64"})


def _late_codes(problem: RosterProblem, day: date) -> set[str]:
    return {template.code for template in closing_shifts(problem, day.weekday())}


def _agent_row(problem: RosterProblem, agent: Agent, cells: list[RosterCell]) -> dict[str, Any]:
    worked = [c for c in cells if c.kind is CellKind.SHIFT]
    weekend = [c for c in worked if c.day.weekday() >= 5]
    days = {c.day for c in cells}
    return {
        "agent_id": agent.id,
        "name": agent.name,
        "group": agent.group,
        "part_time": agent.part_time,
        "days_worked": len(worked),
        "rest_days": sum(1 for c in cells if c.kind is CellKind.REST),
        "leave_days": sum(1 for c in cells if c.kind is CellKind.LEAVE),
        "open_days": problem.horizon.days - len(days),
        "paid_hours": sum(_paid_minutes(problem, c) for c in worked) / 60,
        "contract_hours": agent.contract.hours_per_week * problem.horizon.days / 7,
        "late_shifts": sum(1 for c in worked if c.shift in _late_codes(problem, c.day)),
        "weekend_days": len(weekend),
        "weekend_hours": sum(_paid_minutes(problem, c) for c in weekend) / 60,
        "queues": ",".join(sorted({str(c.queue) for c in worked})),
    }


def _agent_table(problem: RosterProblem, cells: list[RosterCell]) -> pd.DataFrame:
    by_agent: dict[str, list[RosterCell]] = defaultdict(list)
    for cell in cells:
        by_agent[cell.agent_id].append(cell)
    rows = [_agent_row(problem, agent, by_agent.get(agent.id, [])) for agent in problem.agents]
    return pd.DataFrame(rows, columns=list(AGENT_COLUMNS))


def _fairness_table(problem: RosterProblem, agents: pd.DataFrame) -> pd.DataFrame:
    rows = []
    for part_time, group in agents.groupby("part_time", sort=True):
        if len(group) < 2:
            continue
        kind = "part-time" if part_time else "full-time"
        for column, label in _FAIR_MEASURES:
            low, high = float(group[column].min()), float(group[column].max())
            rows.append((kind, len(group), label, low, high, high - low))
    return pd.DataFrame(rows, columns=list(FAIRNESS_COLUMNS))


# --- the summary --------------------------------------------------------------------------------


def _spread(fairness: pd.DataFrame, measure: str) -> float:
    spreads = fairness.loc[fairness["measure"] == measure, "spread"]
    return float(spreads.max()) if len(spreads) else 0.0


def _summary(
    problem: RosterProblem,
    length: int,
    minutes: pd.DataFrame,
    service: pd.DataFrame | None,
    queues: pd.DataFrame,
    agents: pd.DataFrame,
    fairness: pd.DataFrame,
) -> dict[str, Any]:
    has_requirement = problem.interval_cover is not None
    required = int(minutes["required"].sum())
    short = int(minutes["short"].sum())
    summary: dict[str, Any] = {
        "horizon_start": problem.horizon.start.isoformat(),
        "days": problem.horizon.days,
        "agents": len(problem.agents),
        "interval_minutes": length,
        "shifts": int(agents["days_worked"].sum()),
        "rest_days": int(agents["rest_days"].sum()),
        "leave_days": int(agents["leave_days"].sum()),
        "open_days": int(agents["open_days"].sum()),
        "paid_hours": float(agents["paid_hours"].sum()),
        "paid_hours_per_agent": float(agents["paid_hours"].mean()) if len(agents) else 0.0,
        "contract_hours": float(agents["contract_hours"].sum()),
        "required_agent_hours": required / 60 if has_requirement else None,
        "covered_agent_hours": int(minutes["covered"].sum()) / 60,
        "short_agent_hours": short / 60 if has_requirement else None,
        "surplus_agent_hours": int(minutes["surplus"].sum()) / 60 if has_requirement else None,
        "coverage_share": (1 - short / required if required else 1.0) if has_requirement else None,
        "intervals_short": int((minutes["short"] > 0).sum()) if has_requirement else None,
        "late_shifts": int(agents["late_shifts"].sum()),
        "late_shift_spread": _spread(fairness, "late shifts"),
        "weekend_days": int(agents["weekend_days"].sum()),
        "weekend_day_spread": _spread(fairness, "weekend days"),
        "weekend_hour_spread": _spread(fairness, "weekend hours"),
        "service_level": None,
        "intervals_below_target": None,
    }
    if service is not None:
        volume = service["volume"].to_numpy(dtype=float)
        summary["service_level"] = _weighted(service["service_level"].to_numpy(dtype=float), volume)
        summary["intervals_below_target"] = int(queues["intervals_below_target"].sum())
    return summary


def _plain(value: Any) -> Any:
    """A JSON-ready scalar: numpy numbers as Python numbers, NaN and infinity as ``None``."""
    if isinstance(value, np.generic):
        value = value.item()
    if isinstance(value, float) and not math.isfinite(value):
        return None
    if isinstance(value, pd.Timestamp | datetime):
        return value.isoformat()
    if isinstance(value, date):
        return value.isoformat()
    return value


def _records(frame: pd.DataFrame) -> list[dict[str, Any]]:
    return [
        {str(key): _plain(value) for key, value in row.items()} for row in frame.to_dict(orient="records")
    ]
