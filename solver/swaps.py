"""Judging a change of a few cells (a swap, a hand edit) by the rules' check faces, without a re-solve.

A change touches a few agents on a few days. Each rule says what its check looks at
(:class:`~solver.rules.base.Scope`): an ``agent`` rule is checked on the changed agents' cells alone,
a ``day`` rule on the changed days alone, a ``team`` rule on the whole roster. The same check faces the
solver's model agrees with judge the roster before and after; what the change adds is its verdict.
``tests/solver/test_solver_swaps.py`` holds this against checking the whole roster.

A swap's verdict is tiered:

- **error**: the swap would break a hard rule (each named in words), or the cells are not what the
  swap needs (e.g. the partner works on the day of a give-away), or it is too soon;
- **warning**: every rule holds, but some queue and interval ends up shorter of agents than before
  (the manager decides, seeing each interval's change);
- **pass**: every rule holds and no interval loses cover (the site may let these approve on their own).
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import date, datetime, timedelta

import pandas as pd

from solver.problem import RosterProblem, for_agents
from solver.rules import REGISTRY, Violation
from solver.rules.base import Scope
from solver.rules.soft import interval_cover
from wfm.domain import AgentId, CellKind, RosterCell, Site
from wfm.domain.queues import Channel
from wfm.domain.swaps import Swap, SwapKind, Tier, swapped
from wfm.errors import InputError


@dataclass(frozen=True)
class IntervalChange:
    """Agents on one queue in one interval, before and after a change, against the requirement."""

    queue: str
    start: datetime
    required: float
    before: float
    after: float
    service_before: float | None = None
    service_after: float | None = None
    """Projected service level (share answered within the target) before and after, when the volume
    is known (``with_service``); e-mail, judged over the whole horizon, has none here."""

    @property
    def shorter(self) -> bool:
        """Whether the change leaves the interval with fewer agents than it needs and than before."""
        return self.after < self.before and self.after < self.required


@dataclass(frozen=True)
class ChangeVerdict:
    """What a change of cells does: hard violations it adds (and mends), soft cost change per rule,
    and every queue-interval whose cover changes."""

    added: tuple[Violation, ...]
    mended: tuple[Violation, ...]
    cost_change: dict[str, int]
    cover: tuple[IntervalChange, ...]

    @property
    def cost_delta(self) -> int:
        return sum(self.cost_change.values())


@dataclass(frozen=True)
class SwapCheck:
    tier: Tier
    reasons: tuple[str, ...]
    """Why it is refused (error) or needs the manager (warning), in words an agent understands."""
    cells: tuple[RosterCell, ...] = ()
    """The cells after the swap, for the agent-days it changes (empty when refused before checking)."""
    verdict: ChangeVerdict | None = None
    cover: tuple[IntervalChange, ...] = field(default=())


def judge_change(
    problem: RosterProblem, cells: Sequence[RosterCell], changed: Sequence[RosterCell]
) -> ChangeVerdict:
    """Judge replacing the cells of ``changed``'s agent-days in ``cells`` by ``changed``."""
    keys = {(c.agent_id, c.day) for c in changed}
    after = [c for c in cells if (c.agent_id, c.day) not in keys] + list(changed)
    agents = {agent for agent, _ in keys}
    days = frozenset(day for _, day in keys)
    mine = for_agents(problem, frozenset(agents))
    before_mine = [c for c in cells if c.agent_id in agents]
    after_mine = [c for c in after if c.agent_id in agents]
    hard_before: Counter[tuple[str, str]] = Counter()
    hard_after: Counter[tuple[str, str]] = Counter()
    examples: dict[tuple[str, str], Violation] = {}
    cost_change: dict[str, int] = {}
    for rule in REGISTRY:
        if not rule.applies(problem):
            continue
        if rule.scope is Scope.AGENT:
            old, new = rule.check(mine, before_mine), rule.check(mine, after_mine)
        elif rule.scope is Scope.DAY:
            old, new = rule.check_on_days(problem, cells, days), rule.check_on_days(problem, after, days)
        else:
            old, new = rule.check(problem, cells), rule.check(problem, after)
        if rule.hard:
            for violation in old:
                hard_before[(violation.rule, violation.message)] += 1
                examples.setdefault((violation.rule, violation.message), violation)
            for violation in new:
                hard_after[(violation.rule, violation.message)] += 1
                examples.setdefault((violation.rule, violation.message), violation)
        else:
            delta = sum(v.cost for v in new) - sum(v.cost for v in old)
            if delta:
                cost_change[rule.name] = delta
    return ChangeVerdict(
        added=tuple(examples[key] for key in (hard_after - hard_before)),
        mended=tuple(examples[key] for key in (hard_before - hard_after)),
        cost_change=cost_change,
        cover=_cover_change(problem, cells, after, days),
    )


def _cover_change(
    problem: RosterProblem, before: Sequence[RosterCell], after: Sequence[RosterCell], days: frozenset[date]
) -> tuple[IntervalChange, ...]:
    reach = days | {day + timedelta(days=1) for day in days}  # a shift may run past midnight
    old = interval_cover(problem, before, frozenset(reach))
    new = interval_cover(problem, after, frozenset(reach))
    return tuple(
        IntervalChange(o.queue, o.start, o.required / o.length, o.covered / o.length, n.covered / n.length)
        for o, n in zip(old, new, strict=True)
        if o.covered != n.covered
    )


ServiceLevels = Mapping[tuple[str, datetime], float | None]
"""Projected service level per (queue, interval start)."""


def _project(
    rows: Sequence[tuple[str, datetime, int]], site: Site, volume: pd.DataFrame, volume_column: str
) -> dict[tuple[str, datetime], float | None]:
    """Service level of ``(queue, start, agents)`` rows against the volume (chat and phone queues; the
    projection wants evenly spaced intervals, so the volume is cut from the first row to the last)."""
    from wfm.staffing import project_service

    rows = [r for r in rows if site.queue(r[0]).channel is not Channel.EMAIL]
    if not rows:
        return {}
    queues = {r[0] for r in rows}
    first, last = pd.Timestamp(min(r[1] for r in rows)), pd.Timestamp(max(r[1] for r in rows))
    starts = pd.to_datetime(volume["interval_start"])
    keep = volume["queue"].astype(str).isin(queues) & (starts >= first) & (starts <= last)
    forecast = volume[keep].assign(interval_start=starts[keep])
    if forecast.empty:
        return {}
    rostered = pd.DataFrame(
        {
            "queue": [r[0] for r in rows],
            "interval_start": [pd.Timestamp(r[1]) for r in rows],
            "agents": [r[2] for r in rows],
        }
    )
    projected = project_service(rostered, forecast, site, volume_column=volume_column)
    return {
        (str(q), pd.Timestamp(t).to_pydatetime()): float(level) if math.isfinite(level) else None
        for q, t, level in zip(
            projected["queue"], projected["interval_start"], projected["service_level"], strict=True
        )
    }


def service_levels(
    problem: RosterProblem,
    site: Site,
    cells: Sequence[RosterCell],
    volume: pd.DataFrame,
    volume_column: str = "volume",
) -> ServiceLevels:
    """A roster's projected service level per queue and interval (to judge many changes against)."""
    rows = [(c.queue, c.start, int(c.covered / c.length + 1e-9)) for c in interval_cover(problem, cells)]
    return _project(rows, site, volume, volume_column)


def with_service(
    cover: Sequence[IntervalChange],
    site: Site,
    volume: pd.DataFrame,
    volume_column: str = "volume",
    *,
    before: ServiceLevels | None = None,
) -> tuple[IntervalChange, ...]:
    """``cover`` with each interval's projected service level before and after (the staffing module's
    projection of the agents on the queue against the interval's forecast volume); ``before``, the
    roster's own levels when already known (:func:`service_levels`), spares one projection."""
    after = _project([(c.queue, c.start, int(c.after + 1e-9)) for c in cover], site, volume, volume_column)
    if before is None:
        before = _project(
            [(c.queue, c.start, int(c.before + 1e-9)) for c in cover], site, volume, volume_column
        )
    return tuple(
        replace(c, service_before=before.get((c.queue, c.start)), service_after=after.get((c.queue, c.start)))
        for c in cover
    )


def check_swap(
    problem: RosterProblem,
    cells: Sequence[RosterCell],
    swap: Swap,
    *,
    today: date | None = None,
    lead_days: int = 0,
) -> SwapCheck:
    """The tiered verdict on ``swap`` in the roster ``cells`` (see the module's description)."""
    names = {a.id: a.name for a in problem.agents}
    for agent_id, role in ((swap.requester, "requester"), (swap.partner, "partner")):
        if agent_id not in names:
            return SwapCheck(Tier.ERROR, (f"{role}: no agent '{agent_id}' in this team",))
    try:
        new_cells = swapped(swap, cells, names=names, today=today, lead_days=lead_days)
    except InputError as refused:
        return SwapCheck(Tier.ERROR, tuple(p.message for p in refused.problems))
    verdict = judge_change(problem, cells, new_cells)
    if verdict.added:
        return SwapCheck(
            Tier.ERROR, tuple(_in_words(v) for v in verdict.added), new_cells, verdict, verdict.cover
        )
    shorter = [c for c in verdict.cover if c.shorter]
    if shorter:
        reasons = tuple(
            f"{c.queue} {c.start:%a %d %b %H:%M}: {c.after:g} agents instead of {c.before:g} "
            f"(needs {c.required:g})"
            for c in shorter
        )
        return SwapCheck(Tier.WARNING, reasons, new_cells, verdict, verdict.cover)
    return SwapCheck(Tier.PASS, (), new_cells, verdict, verdict.cover)


def _in_words(violation: Violation) -> str:
    rule = next(r for r in REGISTRY if r.name == violation.rule)
    return f"{violation.message} ({rule.description.rstrip('.').lower()})"


@dataclass(frozen=True)
class PartnerSuggestion:
    partner: AgentId
    name: str
    swap: Swap
    check: SwapCheck


def suggest_partners(
    problem: RosterProblem,
    cells: Sequence[RosterCell],
    requester: AgentId,
    day: date,
    *,
    today: date | None = None,
    lead_days: int = 0,
    limit: int = 10,
) -> list[PartnerSuggestion]:
    """Colleagues with whom a trade or a give-away of ``requester``'s shift on ``day`` would pass,
    best first: the coverage cost change first (lower is better), then the change in every other
    soft cost (fairness included)."""
    index = {(c.agent_id, c.day): c for c in cells}
    found: list[tuple[tuple[int, int, str], PartnerSuggestion]] = []
    for agent in problem.agents:
        if agent.id == requester:
            continue
        theirs = index.get((agent.id, day))
        if theirs is None or theirs.kind is CellKind.LEAVE:
            continue
        kind = SwapKind.TRADE if theirs.kind is CellKind.SHIFT else SwapKind.GIVE_AWAY
        swap = Swap(kind=kind, requester=requester, partner=agent.id, day=day)
        check = check_swap(problem, cells, swap, today=today, lead_days=lead_days)
        if check.tier is not Tier.PASS or check.verdict is None:
            continue
        coverage = check.verdict.cost_change.get("coverage", 0)
        rank = (coverage, check.verdict.cost_delta - coverage, agent.id)
        found.append((rank, PartnerSuggestion(agent.id, agent.name, swap, check)))
    return [suggestion for _, suggestion in sorted(found, key=lambda item: item[0])[:limit]]
