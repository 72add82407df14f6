"""Per-agent contract limits over the horizon: minutes, days, shifts of a kind, weekends."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, timedelta
from typing import Any

from ortools.sat.python import cp_model

from solver.context import ModelContext
from solver.problem import AgentTerms, RosterProblem, WeekLimits
from solver.rules.base import CellIndex, PenaltyTerm, Rule, Violation, day_name
from wfm.domain import Agent, CellKind, RosterCell


def weekends(days: Sequence[date]) -> list[list[date]]:
    """Saturday-Sunday pairs (or lone ends) inside the horizon."""
    found: dict[tuple[int, int], list[date]] = {}
    for day in days:
        if day.weekday() >= 5:
            found.setdefault(day.isocalendar()[:2], []).append(day)
    return list(found.values())


class ContractLimits(Rule):
    name = "contract"
    hard = True
    description = "Each agent's minimum/maximum paid minutes and days, shifts of a kind, and worked weekends."

    def add_to(self, ctx: ModelContext) -> list[PenaltyTerm]:
        problem = ctx.problem
        model = ctx.model
        for agent in problem.agents:
            terms = problem.terms.get(agent.id)
            if terms is None:
                continue
            minutes = sum(
                (
                    var * problem.shift(code).paid_minutes
                    for day in problem.days
                    for code, var in ctx.day_shifts(agent.id, day)
                ),
                0,
            )
            days = sum((ctx.works.get((agent.id, d), 0) for d in problem.days), 0)
            key = f"contract:{agent.id}"
            if terms.min_minutes is not None:
                ctx.add(
                    model.add(minutes >= terms.min_minutes),
                    f"{key}:min_minutes",  # type: ignore[operator]
                    f"{agent.name} must work at least {terms.min_minutes / 60:g} h",
                )
            if terms.max_minutes is not None:
                ctx.add(
                    model.add(minutes <= terms.max_minutes),
                    f"{key}:max_minutes",  # type: ignore[operator]
                    f"{agent.name} may work at most {terms.max_minutes / 60:g} h",
                )
            if terms.min_days is not None:
                ctx.add(
                    model.add(days >= terms.min_days),
                    f"{key}:min_days",  # type: ignore[operator]
                    f"{agent.name} must work at least {terms.min_days} days",
                )
            if terms.max_days is not None:
                ctx.add(
                    model.add(days <= terms.max_days),
                    f"{key}:max_days",  # type: ignore[operator]
                    f"{agent.name} may work at most {terms.max_days} days",
                )
            self._days_from_minutes(ctx, agent, terms, days)
            for code, limit in terms.max_shifts.items():
                count = sum((ctx.shift_on(agent.id, d, code) for d in problem.days), 0)
                if not isinstance(count, int):
                    ctx.add(
                        model.add(count <= limit),
                        f"{key}:max_{code}",
                        f"{agent.name} may work at most {limit} {code} shifts",
                    )
            for monday, limits in sorted(terms.weeks.items()):
                self._week(ctx, agent, monday, limits)
            if terms.max_weekends is not None:
                worked = []
                for pair in weekends(problem.days):
                    flag = model.new_bool_var(f"weekend[{agent.id},{pair[0]}]")
                    day_works = [ctx.works.get((agent.id, d), 0) for d in pair]
                    # flag = max(day works), as linear rows so every LP relaxation sees them
                    for works in day_works:
                        model.add(flag >= works)
                    model.add(flag <= sum(day_works, 0))
                    worked.append(flag)
                total: cp_model.LinearExprT = sum(worked, 0)
                ctx.add(
                    model.add(total <= terms.max_weekends),
                    f"{key}:weekends",
                    f"{agent.name} may work at most {terms.max_weekends} weekends",
                )
        return []

    @staticmethod
    def _week(ctx: ModelContext, agent: Agent, monday: date, limits: WeekLimits) -> None:
        """The weekly contract in the week of ``monday``: its days in the horizon, and the days before
        the horizon from the published history."""
        problem, model = ctx.problem, ctx.model
        days = [monday + timedelta(days=i) for i in range(7)]
        inside = [d for d in days if d in problem.horizon]
        worked_before = [
            c
            for d in days
            if d < problem.horizon.start
            and (c := problem.history_cell(agent.id, d)) is not None
            and c.kind is CellKind.SHIFT
            and c.shift is not None
        ]
        minutes = sum(
            (
                var * problem.shift(code).paid_minutes
                for day in inside
                for code, var in ctx.day_shifts(agent.id, day)
            ),
            sum(problem.shift(str(c.shift)).paid_minutes for c in worked_before),
        )
        count = sum((ctx.works.get((agent.id, d), 0) for d in inside), len(worked_before))
        if isinstance(minutes, int):  # no day to decide: the limits still hold (or cannot)
            minutes = model.new_constant(minutes)
        if isinstance(count, int):
            count = model.new_constant(count)
        key = f"contract:{agent.id}:{monday}"
        week = day_name(monday)
        if limits.min_minutes is not None:
            ctx.add(
                model.add(minutes >= limits.min_minutes),
                f"{key}:min_minutes",
                f"{agent.name} must work at least {limits.min_minutes / 60:g} h in the week of {week}",
            )
        if limits.max_minutes is not None:
            ctx.add(
                model.add(minutes <= limits.max_minutes),
                f"{key}:max_minutes",
                f"{agent.name} may work at most {limits.max_minutes / 60:g} h in the week of {week}",
            )
        if limits.max_days is not None:
            ctx.add(
                model.add(count <= limits.max_days),
                f"{key}:max_days",
                f"{agent.name} may work at most {limits.max_days} days in the week of {week}",
            )

    @staticmethod
    def _days_from_minutes(ctx: ModelContext, agent: Agent, terms: AgentTerms, days: Any) -> None:
        """Redundant bounds on working days implied by the minute limits (tightens the LP relaxation)."""
        lengths = {
            ctx.problem.shift(code).paid_minutes
            for day in ctx.problem.days
            for code, _ in ctx.day_shifts(agent.id, day)
        }
        if isinstance(days, int) or not lengths or min(lengths) <= 0:
            return
        key = f"contract:{agent.id}"  # guarded with the minute limit it follows from (explain mode)
        if terms.max_minutes is not None:
            ctx.add(
                ctx.model.add(days <= terms.max_minutes // min(lengths)),
                f"{key}:max_minutes",
                f"{agent.name} may work at most {terms.max_minutes / 60:g} h",
            )
        if terms.min_minutes is not None:
            ctx.add(
                ctx.model.add(days >= -(-terms.min_minutes // max(lengths))),
                f"{key}:min_minutes",
                f"{agent.name} must work at least {terms.min_minutes / 60:g} h",
            )

    def check(self, problem: RosterProblem, cells: Sequence[RosterCell]) -> list[Violation]:
        index = CellIndex(problem, cells)
        found = []
        for agent in problem.agents:
            terms = problem.terms.get(agent.id)
            if terms is None:
                continue
            mine = [index.get(agent.id, d) for d in problem.days]
            shifts = [c for c in mine if c is not None and c.kind is CellKind.SHIFT and c.shift is not None]
            minutes = sum(problem.shift(c.shift).paid_minutes for c in shifts if c.shift)  # type: ignore[arg-type]
            days = len(shifts)

            def say(text: str, who: Agent = agent) -> None:
                found.append(Violation(self.name, f"{who.name} {text}", who.id))

            if terms.min_minutes is not None and minutes < terms.min_minutes:
                say(f"works {minutes / 60:g} h, at least {terms.min_minutes / 60:g} h")
            if terms.max_minutes is not None and minutes > terms.max_minutes:
                say(f"works {minutes / 60:g} h, at most {terms.max_minutes / 60:g} h")
            if terms.min_days is not None and days < terms.min_days:
                say(f"works {days} days, at least {terms.min_days}")
            if terms.max_days is not None and days > terms.max_days:
                say(f"works {days} days, at most {terms.max_days}")
            for code, limit in terms.max_shifts.items():
                count = sum(1 for c in shifts if c.shift == code)
                if count > limit:
                    say(f"works {count} {code} shifts, at most {limit}")
            if terms.max_weekends is not None:
                worked = sum(
                    1 for pair in weekends(problem.days) if any(index.works(agent.id, d) for d in pair)
                )
                if worked > terms.max_weekends:
                    say(f"works {worked} weekends, at most {terms.max_weekends}")
            for monday, limits in sorted(terms.weeks.items()):
                week = [
                    c
                    for i in range(7)
                    if (d := monday + timedelta(days=i)) in problem.horizon or d < problem.horizon.start
                    if (c := index.get(agent.id, d)) is not None
                    and c.kind is CellKind.SHIFT
                    and c.shift is not None
                ]
                hours = sum(problem.shift(str(c.shift)).paid_minutes for c in week) / 60
                where = f"in the week of {day_name(monday)}"
                if limits.min_minutes is not None and hours * 60 < limits.min_minutes:
                    say(f"works {hours:g} h {where}, at least {limits.min_minutes / 60:g} h")
                if limits.max_minutes is not None and hours * 60 > limits.max_minutes:
                    say(f"works {hours:g} h {where}, at most {limits.max_minutes / 60:g} h")
                if limits.max_days is not None and len(week) > limits.max_days:
                    say(f"works {len(week)} days {where}, at most {limits.max_days}")
        return found
