"""The roster problem as the solver sees it: who, which days, which shifts, which rules, which demand.

A :class:`RosterProblem` is built from a site (:func:`problem_from_site`) or from a benchmark instance,
and holds only domain types and plain values: the solver never sees a storage table.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping
from dataclasses import dataclass, field, replace
from datetime import date, timedelta
from functools import cached_property

from wfm.domain import (
    Agent,
    AgentId,
    CellKind,
    LeaveRequest,
    LeaveStatus,
    LeaveType,
    OpeningHours,
    PlanningHorizon,
    Requirement,
    Roster,
    RosterCell,
    RosterRules,
    ShiftCode,
    ShiftRequest,
    ShiftTemplate,
    Site,
)
from wfm.errors import InputError, Problem

ANY_QUEUE = "*"
"""Queue code used when demand is per shift rather than per queue (benchmark instances)."""


@dataclass(frozen=True)
class WeekLimits:
    """A weekly contract's limits in one calendar week, approved leave credited (``None``: no limit)."""

    min_minutes: int | None = None
    max_minutes: int | None = None
    max_days: int | None = None


@dataclass(frozen=True)
class AgentTerms:
    """One agent's limits over the horizon (all optional; ``None`` means no limit).

    Built from the contract by :func:`problem_from_site`, or given directly by a benchmark. ``weeks``
    holds the weekly contract's limits for each calendar week (keyed by its Monday) lying wholly in
    the horizon: a weekly contract holds week by week, not only on average over a longer horizon
    (averaging needs a comprehensive working-hour system, approved separately).
    """

    min_minutes: int | None = None
    max_minutes: int | None = None
    min_days: int | None = None
    max_days: int | None = None
    max_shifts: Mapping[ShiftCode, int] = field(default_factory=dict)
    max_weekends: int | None = None
    min_consecutive_days: int | None = None
    min_consecutive_days_off: int | None = None
    max_consecutive_days: int | None = None
    weeks: Mapping[date, WeekLimits] = field(default_factory=dict)


@dataclass(frozen=True)
class ShiftCover:
    """Demand per day and shift (benchmark style): ``required`` agents on ``shift`` on ``day``."""

    day: date
    shift: ShiftCode
    required: int
    under_weight: int
    over_weight: int


@dataclass(frozen=True)
class SoftWeights:
    """What each soft rule costs. Coverage costs are per agent-minute of shortage or surplus.

    Shortage costs more the deeper it goes: the first ``shallow_share`` of an interval's requirement
    short costs ``short_minute``, anything deeper ``deep_short_minute`` (service level falls faster).
    """

    short_minute: int = 10
    deep_short_minute: int = 30
    shallow_share: float = 0.2
    surplus_minute: int = 1
    paid_minute: int = 1
    fairness_late: int = 300
    fairness_weekend: int = 300
    request_unit: int = 100
    stability_change: int = 500
    zigzag: int = 50


@dataclass(frozen=True)
class RosterProblem:
    """Everything the solver needs for one horizon.

    ``history`` holds the already-published days just before the horizon (for rest days, consecutive
    days and rest between shifts across the boundary). ``previous`` is an earlier roster of this same
    horizon, to change as little as possible when re-solving. ``closing_minute`` per weekday is when
    the centre closes (shifts ending then are closing shifts); ``None`` for a closed day.
    """

    horizon: PlanningHorizon
    agents: tuple[Agent, ...]
    shifts: tuple[ShiftTemplate, ...]
    rules: RosterRules
    terms: Mapping[AgentId, AgentTerms]
    queues: tuple[str, ...] = (ANY_QUEUE,)
    unavailable: frozenset[tuple[AgentId, date]] = frozenset()
    leave: Mapping[tuple[AgentId, date], LeaveType] = field(default_factory=dict)
    requests: tuple[ShiftRequest, ...] = ()
    interval_cover: Requirement | None = None
    shift_cover: tuple[ShiftCover, ...] = ()
    pinned: tuple[RosterCell, ...] = ()
    previous: Roster | None = None
    history: tuple[RosterCell, ...] = ()
    closing_minute: tuple[int | None, ...] = (1440,) * 7
    weights: SoftWeights = SoftWeights()
    enforce_site_rules: bool = True
    """False for benchmark instances: no closing staff, meeting, weekly rest days or rest hours."""

    def agent(self, agent_id: AgentId) -> Agent:
        for agent in self.agents:
            if agent.id == agent_id:
                return agent
        raise KeyError(agent_id)

    def kept_off(self, agent_id: AgentId, day: date) -> bool:
        """Whether the agent is on leave or unavailable that day: no roster can give them a shift."""
        return (agent_id, day) in self.leave or (agent_id, day) in self.unavailable

    def shift(self, code: ShiftCode) -> ShiftTemplate:
        for template in self.shifts:
            if template.code == code:
                return template
        raise KeyError(code)

    @property
    def days(self) -> tuple[date, ...]:
        return self.horizon.dates

    def skills(self, agent: Agent) -> tuple[str, ...]:
        """Queues the agent may be put on (all of them when demand is per shift)."""
        if self.queues == (ANY_QUEUE,):
            return (ANY_QUEUE,)
        return tuple(q for q in self.queues if q in agent.skills)

    def history_cell(self, agent_id: AgentId, day: date) -> RosterCell | None:
        return self._history_cells.get((agent_id, day))

    @cached_property
    def _history_cells(self) -> dict[tuple[AgentId, date], RosterCell]:
        """``history`` by agent and day (the first cell of each): a rolling week's history holds every
        cell of the weeks before it, too many to scan on each look-up."""
        cells: dict[tuple[AgentId, date], RosterCell] = {}
        for cell in self.history:
            cells.setdefault((cell.agent_id, cell.day), cell)
        return cells


def for_agents(problem: RosterProblem, agent_ids: frozenset[AgentId]) -> RosterProblem:
    """The problem as far as ``agent_ids`` are concerned: enough for the check of a rule whose scope is
    one agent's own cells (``Scope.AGENT``), which then never looks at anyone else."""
    previous = problem.previous
    if previous is not None:
        previous = Roster(
            horizon=previous.horizon, cells=tuple(c for c in previous.cells if c.agent_id in agent_ids)
        )
    return replace(
        problem,
        agents=tuple(a for a in problem.agents if a.id in agent_ids),
        terms={a: t for a, t in problem.terms.items() if a in agent_ids},
        unavailable=frozenset(k for k in problem.unavailable if k[0] in agent_ids),
        leave={k: v for k, v in problem.leave.items() if k[0] in agent_ids},
        requests=tuple(r for r in problem.requests if r.agent_id in agent_ids),
        pinned=tuple(c for c in problem.pinned if c.agent_id in agent_ids),
        previous=previous,
        history=tuple(c for c in problem.history if c.agent_id in agent_ids),
    )


def _closing(hours: OpeningHours) -> tuple[int | None, ...]:
    return tuple(max((p.close_minute for p in periods), default=None) for periods in hours.days)


def terms_from_contract(
    agent: Agent,
    horizon: PlanningHorizon,
    rules: RosterRules,
    *,
    leave_days: int | Collection[date] = 0,
) -> AgentTerms:
    """Horizon limits from a weekly contract: days and paid minutes scaled to the horizon's weeks, and
    the weekly limits themselves for each calendar week wholly inside the horizon.

    A day of approved leave (``leave_days``: how many, or which) is credited with a contract day
    (``hours_per_week / days_per_week``) and lowers the days to work by one, in the horizon and in its
    week. Consecutive days come from the rules.
    """
    weeks = horizon.days / 7
    contract = agent.contract
    daily_minutes = contract.hours_per_week * 60 / contract.days_per_week
    leave = list(leave_days) if not isinstance(leave_days, int) else []
    count = leave_days if isinstance(leave_days, int) else len(leave)
    credit = count * daily_minutes
    max_days = max(0, min(horizon.days - count, round(contract.days_per_week * weeks) - count))
    low = contract.min_hours_per_week if contract.min_hours_per_week is not None else contract.hours_per_week
    high = contract.max_hours_per_week if contract.max_hours_per_week is not None else contract.hours_per_week
    limits = {}
    for monday in week_starts(horizon):
        if monday not in horizon or monday + timedelta(days=6) not in horizon:
            continue
        off = sum(1 for day in leave if monday <= day <= monday + timedelta(days=6))
        limits[monday] = WeekLimits(
            min_minutes=max(0, round(low * 60 - off * daily_minutes)),
            max_minutes=max(0, round(high * 60 - off * daily_minutes)),
            max_days=max(0, contract.days_per_week - off),
        )
    return AgentTerms(
        min_minutes=max(0, round(low * 60 * weeks - credit)),
        max_minutes=max(0, round(high * 60 * weeks - credit)),
        max_days=max_days,
        max_consecutive_days=rules.max_consecutive_working_days,
        weeks=limits,
    )


def problem_from_site(
    site: Site,
    horizon: PlanningHorizon,
    *,
    requirement: Requirement | None = None,
    leave: tuple[LeaveRequest, ...] = (),
    requests: tuple[ShiftRequest, ...] = (),
    pinned: tuple[RosterCell, ...] = (),
    previous: Roster | None = None,
    history: tuple[RosterCell, ...] = (),
    weights: SoftWeights | None = None,
    preference_weight: int = 1,
) -> RosterProblem:
    """The problem of rostering ``site``'s team over ``horizon``.

    Approved leave becomes leave cells; agents' standing preferences (preferred or unwanted shifts,
    preferred days off) become weighted requests for each day of the horizon.
    """
    problems: list[Problem] = []
    agent_ids = {a.id for a in site.agents}
    leave_days: dict[tuple[AgentId, date], LeaveType] = {}
    for index, item in enumerate(leave):
        if item.agent_id not in agent_ids:
            problems.append(Problem(f"unknown agent '{item.agent_id}'", field=f"leave[{index}].agent_id"))
            continue
        if item.status is LeaveStatus.APPROVED:
            for day in item.dates:
                if day in horizon:
                    leave_days[(item.agent_id, day)] = item.leave_type
    for index, cell in enumerate(pinned):
        if cell.agent_id not in agent_ids:
            problems.append(Problem(f"unknown agent '{cell.agent_id}'", field=f"pinned[{index}].agent_id"))
        if cell.day not in horizon:
            problems.append(Problem(f"{cell.day} is outside the horizon", field=f"pinned[{index}].day"))
    if problems:
        raise InputError("roster problem refused", problems)
    standing: list[ShiftRequest] = list(requests)
    for agent in site.agents:
        prefs = agent.preferences
        for day in horizon.dates:
            for code in sorted(prefs.preferred_shifts):
                standing.append(
                    ShiftRequest(
                        agent_id=agent.id, day=day, shift=code, wanted=True, weight=preference_weight
                    )
                )
            for code in sorted(prefs.unwanted_shifts):
                standing.append(
                    ShiftRequest(
                        agent_id=agent.id, day=day, shift=code, wanted=False, weight=preference_weight
                    )
                )
            if day.weekday() in prefs.preferred_days_off:
                standing.append(
                    ShiftRequest(
                        agent_id=agent.id, day=day, shift=None, wanted=False, weight=preference_weight
                    )
                )
    return RosterProblem(
        horizon=horizon,
        agents=site.agents,
        shifts=site.shift_templates,
        rules=site.rules,
        terms={
            a.id: terms_from_contract(
                a, horizon, site.rules, leave_days=[day for (who, day) in leave_days if who == a.id]
            )
            for a in site.agents
        },
        queues=site.queue_codes,
        leave=leave_days,
        requests=tuple(standing),
        interval_cover=requirement,
        pinned=pinned,
        previous=previous,
        history=history,
        closing_minute=_closing(site.opening_hours),
        weights=weights or SoftWeights(),
    )


def week_starts(horizon: PlanningHorizon) -> tuple[date, ...]:
    """Mondays of the calendar weeks the horizon touches."""
    first = horizon.start - timedelta(days=horizon.start.weekday())
    starts = []
    day = first
    while day <= horizon.end:
        starts.append(day)
        day += timedelta(days=7)
    return tuple(starts)


def is_working(cell: RosterCell | None) -> bool:
    return cell is not None and cell.kind is CellKind.SHIFT
