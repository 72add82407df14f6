"""Soft rules: what a good roster optimises, each with the cost its check face charges exactly."""

from __future__ import annotations

import functools
import math
import threading
import weakref
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Any

import pandas as pd

from solver.context import ModelContext, break_starts, interval_minutes_covered, queue_label
from solver.problem import RosterProblem
from solver.rules.base import CellIndex, PenaltyTerm, Rule, Scope, Violation, day_name
from solver.rules.contract import weekends
from solver.rules.site import closing_shifts
from wfm.domain import CellKind, Requirement, RosterCell, ShiftTemplate


def shortage_cost(problem: RosterProblem, required_minutes: int, covered: int) -> tuple[int, int, int, int]:
    """(cost, shallow short, deep short, surplus) in agent-minutes for one queue and interval."""
    weights = problem.weights
    short = max(0, required_minutes - covered)
    surplus = max(0, covered - required_minutes)
    cap = shallow_cap(problem, required_minutes)
    shallow, deep = min(short, cap), max(0, short - cap)
    return (
        weights.short_minute * shallow + weights.deep_short_minute * deep + weights.surplus_minute * surplus,
        shallow,
        deep,
        surplus,
    )


def shallow_cap(problem: RosterProblem, required_minutes: int) -> int:
    """How much shortage (agent-minutes) counts as shallow: a share of the requirement."""
    return round(problem.weights.shallow_share * required_minutes)


_Row = tuple[str, datetime, int, int]
_ROWS: dict[int, tuple[list[_Row], dict[date, list[_Row]]]] = {}
"""By ``id`` of the requirement (a frame is not hashable); an entry goes when its requirement does."""
_ROWS_LOCK = threading.Lock()


def _requirement_rows(requirement: Requirement) -> tuple[list[_Row], dict[date, list[_Row]]]:
    """(queue, interval start, required agent-minutes, interval minutes) of a requirement, in its own
    order and by day; built once per requirement (it is frozen), since every coverage check reads it."""
    with _ROWS_LOCK:
        known = _ROWS.get(id(requirement))
    if known is None:
        length = requirement.interval_minutes
        frame = requirement.frame
        rows: list[_Row] = []
        by_day: dict[date, list[_Row]] = defaultdict(list)
        for q, t, agents in zip(frame["queue"], frame["interval_start"], frame["agents"], strict=True):
            start = pd.Timestamp(t).to_pydatetime()
            row = (str(q), start, int(agents) * length, length)
            rows.append(row)
            by_day[start.date()].append(row)
        known = (rows, dict(by_day))
        with _ROWS_LOCK:
            _ROWS[id(requirement)] = known
        weakref.finalize(requirement, _ROWS.pop, id(requirement), None)
    return known


def _cover_rows(
    problem: RosterProblem, days: frozenset[date] | None = None
) -> list[tuple[str, datetime, int, int]]:
    """(queue, interval start, required agent-minutes, interval minutes) inside the horizon (on
    ``days`` only, when given), in time order."""
    requirement = problem.interval_cover
    if requirement is None:
        return []
    rows, by_day = _requirement_rows(requirement)
    if days is None:
        return [row for row in rows if row[1].date() in problem.horizon]
    return [row for day in sorted(d for d in days if d in problem.horizon) for row in by_day.get(day, [])]


@functools.lru_cache(maxsize=65536)
def _cell_cover(
    template: ShiftTemplate, break_start: int | None, day: date, queue: str, length: int
) -> tuple[tuple[str, datetime, int], ...]:
    """(queue, interval start, minutes on the queue) of every interval one working cell touches."""
    brk = break_start if break_start is not None else break_starts(template, False)[0]
    midnight = datetime.combine(day, time())
    found = []
    for offset in range(template.start // length * length, template.end, length):
        start = midnight + timedelta(minutes=offset)
        minutes = interval_minutes_covered(template, brk, day, start, length)
        if minutes:
            found.append((queue, start, minutes))
    return tuple(found)


@dataclass(frozen=True)
class IntervalCover:
    """One queue and interval: required and covered agent-minutes."""

    queue: str
    start: datetime
    required: int
    covered: int
    length: int


def interval_cover(
    problem: RosterProblem, cells: Sequence[RosterCell], days: frozenset[date] | None = None
) -> list[IntervalCover]:
    """Required against covered agent-minutes per queue and interval of the horizon (of ``days`` only
    when given), as the coverage rule counts them."""
    rows = _cover_rows(problem, days)
    if not rows:
        return []
    length = rows[0][3]
    covered: dict[tuple[str, datetime], int] = defaultdict(int)
    for cell in cells:
        if cell.kind is not CellKind.SHIFT or cell.day not in problem.horizon:
            continue
        if days is not None and cell.day not in days and cell.day + timedelta(days=1) not in days:
            continue  # a shift can reach into the next day, never further
        template = problem.shift(str(cell.shift))
        for queue, start, minutes in _cell_cover(
            template, cell.break_start, cell.day, str(cell.queue), length
        ):
            covered[(queue, start)] += minutes
    return [
        IntervalCover(queue, start, required, covered.get((queue, start), 0), length)
        for queue, start, required, length in rows
    ]


class Coverage(Rule):
    name = "coverage"
    hard = False
    scope = Scope.DAY
    description = (
        "Agents on each queue in each interval against the requirement: shortage costs more "
        "than surplus, and deep shortage more per agent than shallow."
    )

    def applies(self, problem: RosterProblem) -> bool:
        return problem.interval_cover is not None

    def add_to(self, ctx: ModelContext) -> list[PenaltyTerm]:
        problem = ctx.problem
        model = ctx.model
        rows = _cover_rows(problem)
        if not rows:
            return []
        length = rows[0][3]
        contributions: dict[tuple[str, datetime], list[tuple[Any, int, int]]] = defaultdict(list)
        for group in ctx.groups:
            midnight = datetime.combine(group.day, time())
            template = problem.shift(group.shift)
            first = template.start // length * length
            for placement in group.placements:
                for offset in range(first, template.end, length):
                    start = midnight + timedelta(minutes=offset)
                    minutes = interval_minutes_covered(
                        template, placement.break_start, group.day, start, length
                    )
                    if minutes:
                        contributions[(placement.queue, start)].append(
                            (placement.count, minutes, len(group.members))
                        )
        weights = problem.weights
        shallow_terms, deep_terms, surplus_terms = [], [], []
        for queue, start, required, _ in rows:
            parts = contributions.get((queue, start), [])
            covered = sum((count * minutes for count, minutes, _ in parts), 0)
            most = sum(minutes * size for _, minutes, size in parts)
            tag = f"{queue},{start:%m%d%H%M}"
            surplus = model.new_int_var(0, max(0, most), f"surplus[{tag}]")
            # Shortage comes in whole steps: required and covered minutes are multiples of ``unit``
            # (an agent on the queue the whole hour, or half of it), so a roster is short by 0, 1, 2...
            # units. Counting units rather than minutes, with the unit that straddles the shallow cap
            # priced between the shallow and the deep rate, gives the same cost to every roster but a
            # far tighter LP: the relaxation can no longer stop at the cap between two steps. On the
            # sample week the root LP rose from 857,022 to 866,720, above the bound 300 s of search
            # reached before (865,758), and 10 s solves ended 0.23-0.49% above their bound, not 1.0-2.1%.
            unit = math.gcd(required, *(minutes for _, minutes, _ in parts)) or 1
            short = model.new_int_var(0, required // unit, f"short[{tag}]")
            model.add(covered - required == surplus - unit * short)
            # Shortage and surplus each cost, so an optimal roster never has both, and shallow units are
            # cheaper than deep ones, so they fill first. Nothing forces either order (indicators would
            # weaken the LP bound); the reported objective is recomputed from the roster anyway.
            whole, rest = divmod(shallow_cap(problem, required), unit)
            shallow = model.new_int_var(0, whole, f"shallow[{tag}]")
            shallow_minutes: Any = unit * shallow
            if rest:  # the unit across the cap: ``rest`` minutes at the shallow rate, the others deep
                across = model.new_bool_var(f"across[{tag}]")
                model.add(shallow + across <= short)
                shallow_minutes += rest * across
            else:
                model.add(shallow <= short)
            shallow_terms.append(shallow_minutes)
            deep_terms.append(unit * short - shallow_minutes)
            surplus_terms.append(surplus)
        return [
            PenaltyTerm(self.name, sum(shallow_terms, 0), weights.short_minute),
            PenaltyTerm(self.name, sum(deep_terms, 0), weights.deep_short_minute),
            PenaltyTerm(self.name, sum(surplus_terms, 0), weights.surplus_minute),
        ]

    def check(self, problem: RosterProblem, cells: Sequence[RosterCell]) -> list[Violation]:
        return self._violations(problem, interval_cover(problem, cells))

    def check_on_days(
        self, problem: RosterProblem, cells: Sequence[RosterCell], days: frozenset[date]
    ) -> list[Violation]:
        return self._violations(problem, interval_cover(problem, cells, days))

    def _violations(self, problem: RosterProblem, cover: list[IntervalCover]) -> list[Violation]:
        found = []
        for row in cover:
            cost, shallow, deep, surplus = shortage_cost(problem, row.required, row.covered)
            if cost == 0:
                continue
            if shallow or deep:
                words = f"{(shallow + deep) / row.length:g} agents short"
            else:
                words = f"{surplus / row.length:g} agents over"
            found.append(
                Violation(
                    self.name,
                    f"{queue_label(row.queue)} {row.start:%a %d %b %H:%M}: {words} "
                    f"(needs {row.required / row.length:g})",
                    day=row.start.date(),
                    cost=cost,
                )
            )
        return found


class ShiftCoverRule(Rule):
    name = "shift_cover"
    hard = False
    scope = Scope.DAY
    description = "Agents per day and shift against the cover demand (benchmark style), weighted per agent."

    def applies(self, problem: RosterProblem) -> bool:
        return bool(problem.shift_cover)

    def add_to(self, ctx: ModelContext) -> list[PenaltyTerm]:
        problem = ctx.problem
        model = ctx.model
        terms = []
        # Per day: staff at work = sum over shifts of (required - under + over). Redundant, but it
        # ties each day's working people to the cover slacks, which lifts CP-SAT's lower bound.
        net_by_day: dict[date, list[Any]] = defaultdict(list)
        covered_by_day: dict[date, set[str]] = defaultdict(set)
        for cover in problem.shift_cover:
            assigned = sum((ctx.shift_on(a.id, cover.day, cover.shift) for a in problem.agents), 0)
            tag = f"{cover.day},{cover.shift}"
            most = sum(
                1 for a in problem.agents if not isinstance(ctx.shift_on(a.id, cover.day, cover.shift), int)
            )
            under = model.new_int_var(0, cover.required, f"under[{tag}]")
            over = model.new_int_var(0, max(0, most - cover.required), f"over[{tag}]")
            model.add(assigned - cover.required == over - under)  # type: ignore[operator]
            if not (cover.under_weight and cover.over_weight):
                # With both weights positive the cheapest slacks are never both above 0; otherwise say so.
                is_over = model.new_bool_var(f"is_over[{tag}]")
                model.add(under == 0).only_enforce_if(is_over)
                model.add(over == 0).only_enforce_if(is_over.negated())
            net_by_day[cover.day].append(cover.required - under + over)
            covered_by_day[cover.day].add(cover.shift)
            if cover.under_weight:
                terms.append(PenaltyTerm(self.name, under, cover.under_weight))
            if cover.over_weight:
                terms.append(PenaltyTerm(self.name, over, cover.over_weight))
        for day, parts in net_by_day.items():
            if len(covered_by_day[day]) != sum(1 for cover in problem.shift_cover if cover.day == day):
                continue  # two rows for one shift and day: the identity does not hold
            working = sum((ctx.works.get((a.id, day), 0) for a in problem.agents), 0)
            uncovered = sum(
                (
                    ctx.shift_on(a.id, day, t.code)
                    for a in problem.agents
                    for t in problem.shifts
                    if t.code not in covered_by_day[day]
                ),
                0,
            )
            if not isinstance(working, int):
                model.add(working == sum(parts, 0) + uncovered)
        return terms

    def check(self, problem: RosterProblem, cells: Sequence[RosterCell]) -> list[Violation]:
        counts: dict[tuple[date, str], int] = defaultdict(int)
        for cell in cells:
            if cell.kind is CellKind.SHIFT and cell.shift is not None:
                counts[(cell.day, cell.shift)] += 1
        found = []
        for cover in problem.shift_cover:
            have = counts.get((cover.day, cover.shift), 0)
            if have < cover.required and cover.under_weight:
                found.append(
                    Violation(
                        self.name,
                        f"{day_name(cover.day)} {cover.shift}: {cover.required - have} short",
                        day=cover.day,
                        cost=(cover.required - have) * cover.under_weight,
                    )
                )
            elif have > cover.required and cover.over_weight:
                found.append(
                    Violation(
                        self.name,
                        f"{day_name(cover.day)} {cover.shift}: {have - cover.required} over",
                        day=cover.day,
                        cost=(have - cover.required) * cover.over_weight,
                    )
                )
        return found


class Requests(Rule):
    name = "requests"
    hard = False
    description = "Agents' preferred and unwanted shifts and days off, weighted."

    def applies(self, problem: RosterProblem) -> bool:
        return bool(problem.requests)

    def add_to(self, ctx: ModelContext) -> list[PenaltyTerm]:
        unit = ctx.problem.weights.request_unit
        terms = []
        for request in ctx.problem.requests:
            if request.day not in ctx.problem.horizon:
                continue
            key = (request.agent_id, request.day)
            on = ctx.shift_on(*key, request.shift) if request.shift else ctx.works.get(key, 0)
            missed = (1 - on) if request.wanted else on  # type: ignore[operator]
            if not isinstance(missed, int):
                terms.append(PenaltyTerm(self.name, missed, request.weight * unit))
            elif missed:
                terms.append(PenaltyTerm(self.name, ctx.model.new_constant(missed), request.weight * unit))
        return terms

    def check(self, problem: RosterProblem, cells: Sequence[RosterCell]) -> list[Violation]:
        index = CellIndex(problem, cells)
        unit = problem.weights.request_unit
        found = []
        for request in problem.requests:
            if request.day not in problem.horizon:
                continue
            cell = index.get(request.agent_id, request.day)
            working = cell is not None and cell.kind is CellKind.SHIFT
            on = working and (request.shift is None or cell.shift == request.shift)  # type: ignore[union-attr]
            if on != request.wanted:
                what = request.shift or "to work"
                verb = "wanted" if request.wanted else "did not want"
                name = problem.agent(request.agent_id).name
                found.append(
                    Violation(
                        self.name,
                        f"{name} {verb} {what} on {day_name(request.day)}",
                        request.agent_id,
                        request.day,
                        request.weight * unit,
                    )
                )
        return found


def _fair_groups(problem: RosterProblem) -> list[list[str]]:
    groups: dict[bool, list[str]] = defaultdict(list)
    for agent in problem.agents:
        groups[agent.part_time].append(agent.id)
    return [ids for ids in groups.values() if len(ids) > 1]


class Fairness(Rule):
    name = "fairness"
    hard = False
    scope = Scope.TEAM
    description = "Late shifts and weekend days spread evenly across comparable agents (same contract kind)."

    def applies(self, problem: RosterProblem) -> bool:
        return problem.enforce_site_rules and (
            problem.weights.fairness_late > 0 or problem.weights.fairness_weekend > 0
        )

    def _late_codes(self, problem: RosterProblem, day: date) -> set[str]:
        return {t.code for t in closing_shifts(problem, day.weekday())}

    def add_to(self, ctx: ModelContext) -> list[PenaltyTerm]:
        problem = ctx.problem
        model = ctx.model
        weekend_days = [d for pair in weekends(problem.days) for d in pair]
        terms = []
        for group in _fair_groups(problem):
            for label, weight, counter in (
                (
                    "late",
                    problem.weights.fairness_late,
                    lambda a: sum(
                        (ctx.shift_on(a, d, c) for d in problem.days for c in self._late_codes(problem, d)), 0
                    ),
                ),
                (
                    "weekend",
                    problem.weights.fairness_weekend,
                    lambda a: sum((ctx.works.get((a, d), 0) for d in weekend_days), 0),
                ),
            ):
                if weight <= 0:
                    continue
                counts = []
                for agent_id in group:
                    count = model.new_int_var(0, problem.horizon.days, f"{label}[{agent_id}]")
                    model.add(count == counter(agent_id))  # type: ignore[no-untyped-call]
                    counts.append(count)
                high = model.new_int_var(0, problem.horizon.days, f"{label}_max")
                low = model.new_int_var(0, problem.horizon.days, f"{label}_min")
                model.add_max_equality(high, counts)
                model.add_min_equality(low, counts)
                terms.append(PenaltyTerm(self.name, high - low, weight))
        return terms

    def check(self, problem: RosterProblem, cells: Sequence[RosterCell]) -> list[Violation]:
        index = CellIndex(problem, cells)
        weekend_days = [d for pair in weekends(problem.days) for d in pair]
        found = []
        for group in _fair_groups(problem):
            late = {
                a: sum(
                    1
                    for d in problem.days
                    if (c := index.get(a, d)) is not None
                    and c.kind is CellKind.SHIFT
                    and c.shift in self._late_codes(problem, d)
                )
                for a in group
            }
            weekend = {a: sum(index.works(a, d) for d in weekend_days) for a in group}
            for label, weight, counts in (
                ("late shifts", problem.weights.fairness_late, late),
                ("weekend days", problem.weights.fairness_weekend, weekend),
            ):
                spread = max(counts.values()) - min(counts.values())
                if weight > 0 and spread:
                    most = max(counts, key=lambda a: counts[a])
                    least = min(counts, key=lambda a: counts[a])
                    found.append(
                        Violation(
                            self.name,
                            f"{label} range from {counts[least]} "
                            f"({problem.agent(least).name}) to {counts[most]} "
                            f"({problem.agent(most).name})",
                            cost=spread * weight,
                        )
                    )
        return found


class Stability(Rule):
    name = "stability"
    hard = False
    description = "When re-solving, change as few cells of the previous roster as possible."

    def applies(self, problem: RosterProblem) -> bool:
        return problem.previous is not None and problem.weights.stability_change > 0

    def add_to(self, ctx: ModelContext) -> list[PenaltyTerm]:
        problem = ctx.problem
        assert problem.previous is not None
        terms = []
        team = {a.id for a in problem.agents}
        for cell in problem.previous.cells:
            key = (cell.agent_id, cell.day)
            if cell.day not in problem.horizon or cell.agent_id not in team:
                continue
            if cell.kind is CellKind.SHIFT:
                changed: Any = 1 - ctx.on_queue(*key, str(cell.shift), str(cell.queue))
            else:
                changed = ctx.works.get(key, 0)
            if isinstance(changed, int):
                if changed:  # the previous cell can no longer be kept (leave, lost skill): it costs anyway
                    terms.append(
                        PenaltyTerm(
                            self.name, ctx.model.new_constant(changed), problem.weights.stability_change
                        )
                    )
            else:
                terms.append(PenaltyTerm(self.name, changed, problem.weights.stability_change))
        return terms

    def check(self, problem: RosterProblem, cells: Sequence[RosterCell]) -> list[Violation]:
        assert problem.previous is not None
        index = CellIndex(problem, cells)
        team = {a.id for a in problem.agents}
        found = []
        for before in problem.previous.cells:
            if before.day not in problem.horizon or before.agent_id not in team:
                continue
            after = index.get(before.agent_id, before.day)
            was = (before.shift, before.queue) if before.kind is CellKind.SHIFT else None
            now = (after.shift, after.queue) if after is not None and after.kind is CellKind.SHIFT else None
            if was != now:
                found.append(
                    Violation(
                        self.name,
                        f"{problem.agent(before.agent_id).name} on {day_name(before.day)}: "
                        f"{before} -> {after or 'rest'}",
                        before.agent_id,
                        before.day,
                        problem.weights.stability_change,
                    )
                )
        return found


class ZigZag(Rule):
    name = "zigzag"
    hard = False
    description = "Fewer changes of shift between consecutive working days (early, late, early...)."

    def applies(self, problem: RosterProblem) -> bool:
        return problem.enforce_site_rules and problem.weights.zigzag > 0 and len(problem.shifts) > 1

    def add_to(self, ctx: ModelContext) -> list[PenaltyTerm]:
        problem = ctx.problem
        model = ctx.model
        changes = []
        for agent in problem.agents:
            for day, tomorrow in zip(problem.days, problem.days[1:], strict=False):
                works_next = ctx.works.get((agent.id, tomorrow), 0)
                if isinstance(works_next, int) or isinstance(ctx.works.get((agent.id, day), 0), int):
                    continue
                change = model.new_bool_var(f"zigzag[{agent.id},{day}]")
                for template in problem.shifts:
                    model.add(
                        change
                        >= ctx.shift_on(agent.id, day, template.code)
                        + works_next
                        - ctx.shift_on(agent.id, tomorrow, template.code)
                        - 1
                    )  # type: ignore[operator]
                changes.append(change)
        return [PenaltyTerm(self.name, sum(changes, 0), problem.weights.zigzag)] if changes else []

    def check(self, problem: RosterProblem, cells: Sequence[RosterCell]) -> list[Violation]:
        index = CellIndex(problem, cells)
        found = []
        for agent in problem.agents:
            for day, tomorrow in zip(problem.days, problem.days[1:], strict=False):
                first, second = index.get(agent.id, day), index.get(agent.id, tomorrow)
                if (
                    first is not None
                    and second is not None
                    and first.kind is CellKind.SHIFT
                    and second.kind is CellKind.SHIFT
                    and first.shift != second.shift
                ):
                    found.append(
                        Violation(
                            self.name,
                            f"{agent.name}: {first.shift} on {day_name(day)}, "
                            f"{second.shift} on {day_name(tomorrow)}",
                            agent.id,
                            tomorrow,
                            problem.weights.zigzag,
                        )
                    )
        return found


class PaidHours(Rule):
    name = "paid_hours"
    hard = False
    description = "Fewer paid hours for the same service (each paid minute costs a little)."

    def applies(self, problem: RosterProblem) -> bool:
        return problem.weights.paid_minute > 0 and (
            problem.interval_cover is not None or bool(problem.shift_cover)
        )

    def add_to(self, ctx: ModelContext) -> list[PenaltyTerm]:
        problem = ctx.problem
        minutes = sum(
            (
                var * problem.shift(code).paid_minutes
                for shifts in ctx.shifts.values()
                for code, var in shifts.items()
            ),
            0,
        )
        return [PenaltyTerm(self.name, minutes, problem.weights.paid_minute)]

    def check(self, problem: RosterProblem, cells: Sequence[RosterCell]) -> list[Violation]:
        minutes = sum(
            problem.shift(str(c.shift)).paid_minutes
            for c in cells
            if c.kind is CellKind.SHIFT and c.day in problem.horizon
        )
        if not minutes:
            return []
        return [
            Violation(self.name, f"{minutes / 60:g} paid hours", cost=minutes * problem.weights.paid_minute)
        ]
