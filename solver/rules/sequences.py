"""Rules across consecutive days: rest days per week, consecutive working days, rest between shifts."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, timedelta
from typing import Any

from solver.context import ModelContext, allowed_shifts
from solver.problem import RosterProblem, is_working, week_starts
from solver.rules.base import CellIndex, PenaltyTerm, Rule, Violation, day_name
from wfm.domain import CellKind, RosterCell, ShiftCode


def _works_expr(ctx: ModelContext, agent_id: str, day: date) -> Any:
    """The model's 'works that day' for horizon days; 0/1 constants from the history before it."""
    if day in ctx.problem.horizon:
        return ctx.works.get((agent_id, day), 0)
    cell = ctx.problem.history_cell(agent_id, day)
    return 1 if cell is not None and cell.kind is CellKind.SHIFT else 0


class RestDaysPerWeek(Rule):
    name = "rest_days_per_week"
    hard = True
    description = "At least the rules' rest days (default 2) in every calendar week, history included."

    def applies(self, problem: RosterProblem) -> bool:
        return problem.enforce_site_rules

    def _weeks(self, problem: RosterProblem) -> list[list[date]]:
        weeks = []
        for monday in week_starts(problem.horizon):
            days = [monday + timedelta(days=i) for i in range(7)]
            if days[-1] > problem.horizon.end:
                continue  # a week running past the horizon is judged when it is planned
            weeks.append(days)
        return weeks

    def add_to(self, ctx: ModelContext) -> list[PenaltyTerm]:
        problem = ctx.problem
        rest = problem.rules.rest_days_per_week
        for agent in problem.agents:
            for days in self._weeks(problem):
                if any(d not in problem.horizon and problem.history_cell(agent.id, d) is None for d in days):
                    continue
                worked = sum((_works_expr(ctx, agent.id, d) for d in days), 0)
                ctx.add(
                    ctx.model.add(worked <= 7 - rest),
                    f"rest:{agent.id}:{days[0]}",  # type: ignore[arg-type]
                    f"{agent.name} needs {rest} rest days in the week of {day_name(days[0])}",
                )
        return []

    def check(self, problem: RosterProblem, cells: Sequence[RosterCell]) -> list[Violation]:
        index = CellIndex(problem, cells)
        rest = problem.rules.rest_days_per_week
        found = []
        for agent in problem.agents:
            for days in self._weeks(problem):
                if any(d not in problem.horizon and not index.known(agent.id, d) for d in days):
                    continue
                worked = sum(index.works(agent.id, d) for d in days)
                if worked > 7 - rest:
                    found.append(
                        Violation(
                            self.name,
                            f"{agent.name} works {worked} days in the week of "
                            f"{day_name(days[0])}, leaving {7 - worked} rest days (at least {rest})",
                            agent.id,
                            days[0],
                        )
                    )
        return found


class MaxConsecutiveDays(Rule):
    name = "max_consecutive_days"
    hard = True
    description = (
        "No more than the maximum working days in a row (default 6), counting the days before the horizon."
    )

    def _limit(self, problem: RosterProblem, agent_id: str) -> int | None:
        terms = problem.terms.get(agent_id)
        if terms is not None and terms.max_consecutive_days is not None:
            return terms.max_consecutive_days
        return problem.rules.max_consecutive_working_days if problem.enforce_site_rules else None

    def add_to(self, ctx: ModelContext) -> list[PenaltyTerm]:
        problem = ctx.problem
        days = problem.days
        for agent in problem.agents:
            limit = self._limit(problem, agent.id)
            if limit is None:
                continue
            before = [days[0] - timedelta(days=i) for i in range(limit, 0, -1)]
            timeline = before + list(days)
            for first in range(len(timeline) - limit):
                window = timeline[first : first + limit + 1]
                if all(d not in problem.horizon for d in window):
                    continue
                total = sum((_works_expr(ctx, agent.id, d) for d in window), 0)
                ctx.add(
                    ctx.model.add(total <= limit),
                    f"consecutive:{agent.id}:{window[-1]}",  # type: ignore[arg-type]
                    f"{agent.name} may work at most {limit} days in a row (up to {day_name(window[-1])})",
                )
        return []

    def check(self, problem: RosterProblem, cells: Sequence[RosterCell]) -> list[Violation]:
        index = CellIndex(problem, cells)
        found = []
        days = problem.days
        for agent in problem.agents:
            limit = self._limit(problem, agent.id)
            if limit is None:
                continue
            run = 0
            day = days[0] - timedelta(days=limit)
            while day <= days[-1]:
                run = run + 1 if index.works(agent.id, day) else 0
                if run == limit + 1 and day in problem.horizon:
                    found.append(
                        Violation(
                            self.name,
                            f"{agent.name} works {run} days in a row up to {day_name(day)} (at most {limit})",
                            agent.id,
                            day,
                        )
                    )
                day += timedelta(days=1)
        return found


def _forbidden_pairs(problem: RosterProblem) -> dict[tuple[ShiftCode, ShiftCode], str]:
    """Shift pairs (yesterday, today) never allowed, with the reason in words."""
    pairs: dict[tuple[ShiftCode, ShiftCode], str] = {}
    minimum = problem.rules.min_rest_hours * 60
    for first in problem.shifts:
        for second in problem.shifts:
            if (first.code, second.code) in problem.rules.forbidden_successions:
                pairs[(first.code, second.code)] = f"{second.code} may not follow {first.code}"
            elif problem.enforce_site_rules and second.start + 1440 - first.end < minimum:
                rest = (second.start + 1440 - first.end) / 60
                pairs[(first.code, second.code)] = (
                    f"{first.code} then {second.code} leaves {rest:g} h rest "
                    f"(at least {problem.rules.min_rest_hours:g} h)"
                )
    return pairs


class RestBetweenShifts(Rule):
    name = "rest_between_shifts"
    hard = True
    description = "Minimum rest between shifts (default 11 h, so no late -> early) and forbidden successions."

    def add_to(self, ctx: ModelContext) -> list[PenaltyTerm]:
        problem = ctx.problem
        pairs = _forbidden_pairs(problem)
        if not pairs:
            return []
        # one row per yesterday's shift: it, or any shift it bans today (at most one shift a day, so the
        # rows say exactly what the pairs say, with far fewer constraints)
        banned: dict[ShiftCode, list[ShiftCode]] = {}
        for first, second in pairs:
            banned.setdefault(first, []).append(second)
        days = problem.days
        for agent in problem.agents:
            for index, day in enumerate(days):
                yesterday = day - timedelta(days=1)
                for first, seconds in banned.items():
                    today = sum((ctx.shift_on(agent.id, day, second) for second in seconds), 0)
                    if isinstance(today, int):
                        continue
                    if index == 0:
                        cell = problem.history_cell(agent.id, yesterday)
                        if cell is None or cell.shift != first:
                            continue
                        ctx.add(
                            ctx.model.add(today == 0),
                            f"succession:{agent.id}:{day}",
                            f"{agent.name} worked {first} on {day_name(yesterday)}: "
                            + "; ".join(pairs[(first, second)] for second in seconds),
                        )
                        continue
                    before = ctx.shift_on(agent.id, yesterday, first)
                    if isinstance(before, int):
                        continue
                    ctx.add(
                        ctx.model.add(before + today <= 1),
                        f"succession:{agent.id}:{day}",
                        f"{agent.name} on {day_name(yesterday)} and {day_name(day)}: "
                        + "; ".join(pairs[(first, second)] for second in seconds),
                    )
        return []

    def check(self, problem: RosterProblem, cells: Sequence[RosterCell]) -> list[Violation]:
        index = CellIndex(problem, cells)
        pairs = _forbidden_pairs(problem)
        found = []
        for agent in problem.agents:
            for day in problem.days:
                yesterday = day - timedelta(days=1)
                first, second = index.get(agent.id, yesterday), index.get(agent.id, day)
                if first is None or second is None or first.shift is None or second.shift is None:
                    continue
                words = pairs.get((first.shift, second.shift))
                if words:
                    found.append(
                        Violation(
                            self.name,
                            f"{agent.name} on {day_name(yesterday)} and {day_name(day)}: {words}",
                            agent.id,
                            day,
                        )
                    )
        return found


def _known_before(problem: RosterProblem, agent_id: str) -> list[date]:
    """The days just before the horizon whose cells the published history gives, oldest first."""
    days: list[date] = []
    day = problem.horizon.start - timedelta(days=1)
    while problem.history_cell(agent_id, day) is not None:
        days.insert(0, day)
        day -= timedelta(days=1)
    return days


def _cannot_work(problem: RosterProblem, agent_id: str, day: date) -> bool:
    """Whether no roster can give the agent a shift that day: leave, unavailability, nothing to work."""
    if problem.kept_off(agent_id, day):
        return True
    agent = problem.agent(agent_id)
    return not problem.skills(agent) or not allowed_shifts(problem, agent)


def _history_only(problem: RosterProblem, agent_id: str, run: Sequence[date], after: date) -> bool:
    """A working run wholly in the published history, ended by a day the agent cannot work: no roster
    of the horizon could have made it longer, so it is not this roster's."""
    return all(d not in problem.horizon for d in run) and _cannot_work(problem, agent_id, after)


class MinConsecutive(Rule):
    name = "min_consecutive"
    hard = True
    description = (
        "Working runs and rest runs at least their contract minimum; a run reaching beyond what is known "
        "(before the published history, after the horizon) is exempt, and so is a working run wholly in "
        "the published history that a day the agent cannot work ends."
    )

    def applies(self, problem: RosterProblem) -> bool:
        return any(t.min_consecutive_days or t.min_consecutive_days_off for t in problem.terms.values())

    def add_to(self, ctx: ModelContext) -> list[PenaltyTerm]:
        problem = ctx.problem
        for agent in problem.agents:
            terms = problem.terms.get(agent.id)
            if terms is None:
                continue
            timeline = _known_before(problem, agent.id) + list(problem.days)
            works = [_works_expr(ctx, agent.id, d) for d in timeline]
            for minimum, working, label in (
                (terms.min_consecutive_days, True, "working days"),
                (terms.min_consecutive_days_off, False, "days off"),
            ):
                if not minimum or minimum < 2:
                    continue
                for length in range(1, minimum):
                    for start in range(1, len(timeline) - length):
                        if timeline[start + length] not in problem.horizon:
                            continue  # a run the published history ends is not this roster's
                        run = timeline[start : start + length]
                        if working and _history_only(problem, agent.id, run, timeline[start + length]):
                            continue
                        inside = works[start : start + length]
                        if working:
                            expr = works[start - 1] + works[start + length] - sum(inside, 0) + length  # type: ignore[operator]
                        else:
                            expr = sum(inside, 0) - works[start - 1] - works[start + length] + 2  # type: ignore[operator]
                        if isinstance(expr, int):
                            continue
                        ctx.add(
                            ctx.model.add(expr >= 1),
                            f"min_run:{agent.id}:{label}:{timeline[start]}:{length}",
                            f"{agent.name} needs at least {minimum} {label} in a row "
                            f"(from {day_name(timeline[start])})",
                        )
        return []

    def check(self, problem: RosterProblem, cells: Sequence[RosterCell]) -> list[Violation]:
        index = CellIndex(problem, cells)
        found = []
        for agent in problem.agents:
            terms = problem.terms.get(agent.id)
            if terms is None:
                continue
            timeline = _known_before(problem, agent.id) + list(problem.days)
            pattern = [
                index.works(agent.id, d)
                if d in problem.horizon
                else is_working(problem.history_cell(agent.id, d))
                for d in timeline
            ]
            runs: list[tuple[bool, int, int]] = []
            start = 0
            for position in range(1, len(timeline) + 1):
                if position == len(timeline) or pattern[position] != pattern[start]:
                    runs.append((pattern[start], start, position - start))
                    start = position
            for working, first, length in runs:
                if first == 0 or first + length == len(timeline):
                    continue
                if timeline[first + length] not in problem.horizon:
                    continue  # a run the published history ends is not this roster's
                run = timeline[first : first + length]
                if working and _history_only(problem, agent.id, run, timeline[first + length]):
                    continue
                minimum = terms.min_consecutive_days if working else terms.min_consecutive_days_off
                if minimum and length < minimum:
                    label = "working days" if working else "days off"
                    found.append(
                        Violation(
                            self.name,
                            f"{agent.name} has {length} {label} in a row from "
                            f"{day_name(timeline[first])} (at least {minimum})",
                            agent.id,
                            timeline[first],
                        )
                    )
        return found
