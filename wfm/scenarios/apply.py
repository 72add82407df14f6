"""Baseline + overrides -> the scenario's planning inputs (forecast, site, requirement, leave).

Nothing here changes the baseline: every changed input is a new object (domain types are frozen, the
forecast frame is copied). The requirement is always recomputed from the changed forecast by the
changed site's staffing policy (:func:`wfm.pipeline.staffing_plan`), so a volume multiplier of 2
gives exactly the agents that the staffing maths gives for the doubled volume.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

import numpy as np
import pandas as pd
from pydantic import ValidationError

from wfm.domain import (
    Agent,
    AgentId,
    Channel,
    Contract,
    LeaveRequest,
    PlanningHorizon,
    Preferences,
    Queue,
    Requirement,
    Roster,
    RosterRules,
    ServiceTarget,
    Site,
    StaffingPolicy,
)
from wfm.domain.parsing import problems_from
from wfm.errors import InputError, Problem
from wfm.scenarios.overrides import Scenario, VolumeChange

VOLUME = "yhat"
"""The volume column of a scenario's forecast (as :func:`forecasting.fit_forecast` writes it)."""


@dataclass(frozen=True)
class Baseline:
    """The inputs a scenario changes: site (team, templates, rules, staffing policy), horizon,
    forecast, leave, and the current roster (needed to evaluate it against changed demand).

    ``forecast`` has ``queue, interval_start`` and ``volume_column``; it is copied, cut to the horizon
    and its volume column named ``yhat``, so the caller's frame is never touched. ``weights`` are the
    solver's soft-rule costs (:class:`solver.SoftWeights`; its defaults when ``None``).
    """

    site: Site
    horizon: PlanningHorizon
    forecast: pd.DataFrame = field(repr=False)
    leave: tuple[LeaveRequest, ...] = ()
    roster: Roster | None = None
    weights: Any = None
    volume_column: str = VOLUME

    def __post_init__(self) -> None:
        frame = self.forecast
        missing = [c for c in ("queue", "interval_start", self.volume_column) if c not in frame.columns]
        if missing:
            raise InputError(
                "baseline forecast refused",
                [Problem(f"missing column; found {list(frame.columns)}", column=c) for c in missing],
            )
        starts = pd.to_datetime(frame["interval_start"])
        first = pd.Timestamp(self.horizon.start)
        last = pd.Timestamp(self.horizon.end) + pd.Timedelta(days=1)
        inside = (starts >= first) & (starts < last)
        if not inside.any():
            raise InputError(
                "baseline forecast refused",
                [Problem(f"no interval in the horizon {self.horizon}", column="interval_start")],
            )
        clean = pd.DataFrame(
            {
                "queue": frame.loc[inside, "queue"].astype(str).to_numpy(),
                "interval_start": starts[inside].to_numpy(),
                VOLUME: pd.to_numeric(frame.loc[inside, self.volume_column], errors="coerce").to_numpy(),
            }
        ).sort_values(["queue", "interval_start"], ignore_index=True)
        unknown = sorted(set(clean["queue"]) - set(self.site.queue_codes))
        if unknown:
            raise InputError(
                "baseline forecast refused",
                [Problem(f"queue '{q}' is not one of the site's queues", column="queue") for q in unknown],
            )
        object.__setattr__(self, "forecast", clean)
        object.__setattr__(self, "volume_column", VOLUME)
        if self.roster is not None:
            if self.roster.horizon != self.horizon:
                raise InputError(
                    "baseline roster refused",
                    [
                        Problem(
                            f"the roster covers {self.roster.horizon}, the baseline {self.horizon}",
                            field="roster.horizon",
                        )
                    ],
                )
            self.site.check_roster_references(self.roster)


@dataclass(frozen=True)
class ScenarioInputs:
    """A scenario's planning inputs: the baseline with the overrides applied.

    ``hourly_cost`` holds the rate of added agents that have their own (every other agent costs the
    run's setting); ``temporary`` the added temporary agents.
    """

    scenario: Scenario
    site: Site
    horizon: PlanningHorizon
    forecast: pd.DataFrame = field(repr=False)
    plan: pd.DataFrame = field(repr=False)
    requirement: Requirement = field(repr=False)
    leave: tuple[LeaveRequest, ...]
    removed_agents: tuple[AgentId, ...]
    added_agents: tuple[AgentId, ...]
    temporary: frozenset[AgentId]
    hourly_cost: Mapping[AgentId, float]


@dataclass(frozen=True)
class _ChangedSite:
    site: Site
    leave: tuple[LeaveRequest, ...]
    removed: tuple[AgentId, ...]
    added: tuple[AgentId, ...]
    temporary: frozenset[AgentId]
    hourly_cost: dict[AgentId, float]


# --- the forecast -------------------------------------------------------------------------------


def _day_span(change: VolumeChange, horizon: PlanningHorizon, where: str) -> tuple[date, date]:
    if change.days is not None:
        first, last = change.days
        if last > horizon.days:
            raise InputError(
                "scenario refused",
                [
                    Problem(
                        f"[{first}, {last}]: the horizon has {horizon.days} days ({horizon})",
                        field=f"{where}.days",
                    )
                ],
            )
        return horizon.start + timedelta(days=first - 1), horizon.start + timedelta(days=last - 1)
    first_day = change.first_day or horizon.start
    last_day = change.last_day or horizon.end
    if last_day < horizon.start or first_day > horizon.end:
        raise InputError(
            "scenario refused",
            [
                Problem(
                    f"{first_day.isoformat()} to {last_day.isoformat()} is outside the horizon {horizon}",
                    field=f"{where}.first_day",
                )
            ],
        )
    return first_day, last_day


def volume_mask(
    forecast: pd.DataFrame, change: VolumeChange, horizon: PlanningHorizon, *, where: str = "volume[0]"
) -> np.ndarray:
    """The forecast rows a volume change applies to (queue, days and clock hours)."""
    first, last = _day_span(change, horizon, where)
    starts = pd.DatetimeIndex(forecast["interval_start"])
    days = starts.normalize()
    minute = starts.hour * 60 + starts.minute
    mask = (
        (days >= pd.Timestamp(first))
        & (days <= pd.Timestamp(last))
        & (minute >= change.hours[0] * 60)
        & (minute < change.hours[1] * 60)
    )
    if change.queues:
        mask &= forecast["queue"].isin(change.queues).to_numpy()
    return np.asarray(mask, dtype=bool)


def changed_forecast(baseline: Baseline, scenario: Scenario) -> pd.DataFrame:
    """The baseline forecast with the scenario's volume multipliers applied (a new frame)."""
    forecast = baseline.forecast.copy()
    known = set(baseline.site.queue_codes)
    problems = [
        Problem(
            f"queue '{queue}' is not one of the site's queues ({', '.join(baseline.site.queue_codes)})",
            field=f"volume[{index}].queues",
        )
        for index, change in enumerate(scenario.volume)
        for queue in change.queues
        if queue not in known
    ]
    if problems:
        raise InputError("scenario refused", problems)
    volume = forecast[VOLUME].to_numpy(dtype=float).copy()
    for index, change in enumerate(scenario.volume):
        mask = volume_mask(forecast, change, baseline.horizon, where=f"volume[{index}]")
        volume[mask] *= change.multiplier
    forecast[VOLUME] = volume
    return forecast


# --- the site -----------------------------------------------------------------------------------


def _queues(
    site: Site, scenario: Scenario, policy: StaffingPolicy
) -> tuple[tuple[Queue, ...], list[Problem]]:
    from wfm.staffing.channels import chat_handle_time

    queues = {q.code: q for q in site.queues}
    problems: list[Problem] = []
    for index, change in enumerate(scenario.queues):
        where = f"queues[{index}]"
        queue = queues.get(change.queue)
        if queue is None:
            problems.append(
                Problem(
                    f"'{change.queue}' is not one of the site's queues ({', '.join(site.queue_codes)})",
                    field=f"{where}.queue",
                )
            )
            continue
        if change.concurrency is not None and queue.channel is not Channel.CHAT:
            problems.append(
                Problem(
                    f"{queue.code} is a {queue.channel.value} queue: only chat has concurrency",
                    field=f"{where}.concurrency",
                )
            )
            continue
        aht = queue.aht_s
        if change.aht_s is not None:
            aht = change.aht_s
        if change.aht_multiplier is not None:
            aht = aht * change.aht_multiplier
        concurrency = queue.concurrency
        if change.concurrency is not None:
            aht = chat_handle_time(
                aht, change.concurrency, measured_at=queue.concurrency, slowdown=policy.chat_slowdown
            )
            concurrency = change.concurrency
        target = queue.service_target
        try:
            queues[queue.code] = Queue.model_validate(
                {
                    **queue.model_dump(),
                    "aht_s": aht,
                    "concurrency": concurrency,
                    "service_target": ServiceTarget(
                        share=change.service_share if change.service_share is not None else target.share,
                        answer_within_s=(
                            change.answer_within_s
                            if change.answer_within_s is not None
                            else target.answer_within_s
                        ),
                    ),
                }
            )
        except ValidationError as error:
            problems += [
                Problem(p.message, field=f"{where}.{p.field}" if p.field else where)
                for p in problems_from(error)
            ]
    return tuple(queues[q.code] for q in site.queues), problems


def _added_agents(
    site: Site, scenario: Scenario, team: dict[AgentId, Agent]
) -> tuple[list[Agent], frozenset[AgentId], dict[AgentId, float], list[Problem]]:
    added: list[Agent] = []
    temporary: set[AgentId] = set()
    rates: dict[AgentId, float] = {}
    problems: list[Problem] = []
    known = set(site.queue_codes)
    for index, group in enumerate(scenario.team.add):
        where = f"team.add[{index}]"
        unknown = [q for q in group.skills if q not in known]
        if unknown:
            problems.append(
                Problem(
                    f"skills for queues the site does not have: {unknown} ({', '.join(site.queue_codes)})",
                    field=f"{where}.skills",
                )
            )
            continue
        ids = group.ids()
        taken = [a for a in ids if a in team or any(a == x.id for x in added)]
        if taken:
            problems.append(
                Problem(
                    f"ids {taken[:3]}{'...' if len(taken) > 3 else ''} are already in the team; "
                    "choose another id_prefix",
                    field=f"{where}.id_prefix",
                )
            )
            continue
        try:
            contract = Contract(
                days_per_week=group.days_per_week,
                hours_per_week=group.hours_per_week,
                min_hours_per_week=group.min_hours_per_week,
                part_time=group.part_time,
            )
        except ValidationError as error:
            problems += [Problem(p.message, field=f"{where}.{p.field}") for p in problems_from(error)]
            continue
        for number, agent_id in enumerate(ids, start=1):
            added.append(
                Agent(
                    id=agent_id,
                    name=f"{group.name} {number}",
                    group=group.group,
                    skills=frozenset(group.skills),
                    contract=contract,
                )
            )
            if group.temporary:
                temporary.add(agent_id)
            if group.hourly_cost is not None:
                rates[agent_id] = group.hourly_cost
    return added, frozenset(temporary), rates, problems


def _without_shifts(agent: Agent, removed: set[str]) -> Agent:
    prefs = agent.preferences
    if not (prefs.preferred_shifts | prefs.unwanted_shifts) & removed:
        return agent
    kept = Preferences(
        preferred_shifts=prefs.preferred_shifts - removed,
        unwanted_shifts=prefs.unwanted_shifts - removed,
        preferred_days_off=prefs.preferred_days_off,
    )
    return agent.model_copy(update={"preferences": kept})


def _changed_site(baseline: Baseline, scenario: Scenario) -> _ChangedSite:
    site = baseline.site
    problems: list[Problem] = []

    # staffing policy
    updates = scenario.staffing.model_dump(exclude_none=True)
    policy = StaffingPolicy.model_validate({**site.staffing.model_dump(), **updates})

    # queues
    queues, found = _queues(site, scenario, policy)
    problems += found

    # shift templates
    templates = {t.code: t for t in site.shift_templates}
    removed_shifts: set[str] = set()
    for index, code in enumerate(scenario.shifts.remove):
        if code not in templates:
            problems.append(
                Problem(
                    f"'{code}' is not one of the site's shift templates ({', '.join(site.shift_codes)})",
                    field=f"shifts.remove[{index}]",
                )
            )
            continue
        removed_shifts.add(code)
        del templates[code]
    for index, spec in enumerate(scenario.shifts.add):
        if spec.code in templates:
            problems.append(
                Problem(
                    f"'{spec.code}' is already a shift template; remove it first or choose another code",
                    field=f"shifts.add[{index}].code",
                )
            )
            continue
        templates[spec.code] = spec.template()
    if not templates:
        problems.append(Problem("every shift template would be removed", field="shifts.remove"))

    # rules
    rules = site.rules
    try:
        rules = RosterRules.model_validate({**site.rules.model_dump(), **scenario.rules.updates()})
    except ValidationError as error:
        problems += [Problem(p.message, field=f"rules.{p.field}") for p in problems_from(error)]
    rules = rules.model_copy(
        update={
            "forbidden_successions": frozenset(
                pair for pair in rules.forbidden_successions if not set(pair) & removed_shifts
            )
        }
    )

    # team
    team = {a.id: a for a in site.agents}
    removed: list[AgentId] = []
    for index, agent_id in enumerate(scenario.team.remove):
        if agent_id not in team:
            problems.append(Problem(f"agent '{agent_id}' is not in the team", field=f"team.remove[{index}]"))
            continue
        removed.append(agent_id)
        del team[agent_id]
    added, temporary, rates, found = _added_agents(site, scenario, team)
    problems += found
    agents = [_without_shifts(a, removed_shifts) for a in [*team.values(), *added]]
    working_days = 7 - rules.rest_days_per_week
    too_many = [a.id for a in agents if a.contract.days_per_week > working_days]
    if scenario.rules.rest_days_per_week is not None and too_many:
        problems.append(
            Problem(
                f"{rules.rest_days_per_week} rest days a week leave {working_days} working days, but "
                f"{len(too_many)} agents are contracted for more ({', '.join(too_many[:5])}"
                f"{'...' if len(too_many) > 5 else ''})",
                field="rules.rest_days_per_week",
            )
        )
    if problems:
        raise InputError(f"scenario '{scenario.name}' refused", problems)
    try:
        changed = Site(
            name=site.name,
            timezone=site.timezone,
            opening_hours=site.opening_hours,
            interval_minutes=site.interval_minutes,
            queues=queues,
            shift_templates=tuple(templates.values()),
            rules=rules,
            staffing=policy,
            agents=tuple(agents),
        )
    except ValidationError as error:
        raise InputError(
            f"scenario '{scenario.name}' refused: the changed site is not valid", problems_from(error)
        ) from None
    gone = set(removed)
    leave = tuple(request for request in baseline.leave if request.agent_id not in gone)
    return _ChangedSite(changed, leave, tuple(removed), tuple(a.id for a in added), temporary, rates)


# --- everything ---------------------------------------------------------------------------------


def check_scenario(baseline: Baseline, scenario: Scenario) -> None:
    """Refuse a scenario that does not fit the baseline (cheap: no staffing maths)."""
    _changed_site(baseline, scenario)
    changed_forecast(baseline, scenario)


def check_scenarios(baseline: Baseline, scenarios: Sequence[Scenario]) -> None:
    """:func:`check_scenario` for each, every problem named with its scenario."""
    problems: list[Problem] = []
    for scenario in scenarios:
        try:
            check_scenario(baseline, scenario)
        except InputError as error:
            problems += [
                Problem(f"{scenario.name}: {p.message}", row=p.row, column=p.column, field=p.field)
                for p in error.problems
            ] or [Problem(f"{scenario.name}: {error.summary}")]
    if problems:
        raise InputError("scenarios refused", problems)


def apply_scenario(baseline: Baseline, scenario: Scenario) -> ScenarioInputs:
    """The scenario's inputs: changed forecast and site, the requirement staffed from them, leave."""
    from wfm.pipeline import staffing_plan

    changed = _changed_site(baseline, scenario)
    forecast = changed_forecast(baseline, scenario)
    plan, requirement = staffing_plan(forecast, changed.site)
    return ScenarioInputs(
        scenario=scenario,
        site=changed.site,
        horizon=baseline.horizon,
        forecast=forecast,
        plan=plan,
        requirement=requirement,
        leave=changed.leave,
        removed_agents=changed.removed,
        added_agents=changed.added,
        temporary=changed.temporary,
        hourly_cost=dict(changed.hourly_cost),
    )
