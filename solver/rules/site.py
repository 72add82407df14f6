"""Rules of the centre as a whole: closing staff every open day, and the Wednesday meeting cover."""

from __future__ import annotations

from collections.abc import Sequence

from solver.context import ModelContext
from solver.problem import RosterProblem
from solver.rules.base import CellIndex, PenaltyTerm, Rule, Scope, Violation, day_name
from wfm.domain import CellKind, RosterCell, ShiftTemplate, format_clock


def closing_shifts(problem: RosterProblem, weekday: int) -> list[ShiftTemplate]:
    """Templates ending when the centre closes that weekday (the last people to leave)."""
    closing = problem.closing_minute[weekday]
    if closing is None:
        return []
    return [t for t in problem.shifts if t.end >= closing]


def meeting_shifts(problem: RosterProblem) -> list[ShiftTemplate]:
    """Templates on duty for the whole meeting."""
    meeting = problem.rules.meeting
    if meeting is None:
        return []
    return [t for t in problem.shifts if t.start <= meeting.start and t.end >= meeting.end]


class ClosingStaff(Rule):
    name = "closing_staff"
    hard = True
    scope = Scope.DAY
    description = "At closing, never fewer than the minimum (default 2) on the shifts that close the centre."

    def applies(self, problem: RosterProblem) -> bool:
        return problem.enforce_site_rules and problem.rules.min_closing_staff > 0

    def add_to(self, ctx: ModelContext) -> list[PenaltyTerm]:
        problem = ctx.problem
        need = problem.rules.min_closing_staff
        for day in problem.days:
            codes = {t.code for t in closing_shifts(problem, day.weekday())}
            if problem.closing_minute[day.weekday()] is None:
                continue
            closers = sum(
                (
                    var
                    for agent in problem.agents
                    for code, var in ctx.day_shifts(agent.id, day)
                    if code in codes
                ),
                0,
            )
            if isinstance(closers, int):
                closers = ctx.model.new_constant(0)  # type: ignore[assignment]
            ctx.add(
                ctx.model.add(closers >= need),
                f"closing:{day}",
                f"{day_name(day)} needs {need} closing staff on the "
                f"{'/'.join(sorted(codes)) or 'closing'} shift",
            )
        return []

    def check(self, problem: RosterProblem, cells: Sequence[RosterCell]) -> list[Violation]:
        index = CellIndex(problem, cells)
        need = problem.rules.min_closing_staff
        found = []
        for day in problem.days:
            if problem.closing_minute[day.weekday()] is None:
                continue
            codes = {t.code for t in closing_shifts(problem, day.weekday())}
            closers = [
                a.name
                for a in problem.agents
                if (c := index.get(a.id, day)) is not None and c.kind is CellKind.SHIFT and c.shift in codes
            ]
            if len(closers) < need:
                who = ", ".join(closers) or "nobody"
                found.append(
                    Violation(
                        self.name,
                        f"{day_name(day)} has {len(closers)} closing staff ({who}); "
                        f"at least {need} must leave last",
                        day=day,
                    )
                )
        return found


class MeetingCover(Rule):
    name = "meeting_cover"
    hard = True
    scope = Scope.DAY
    description = "During the weekly meeting (Wednesday afternoon) at least one agent stays on duty."

    def applies(self, problem: RosterProblem) -> bool:
        return problem.enforce_site_rules and problem.rules.meeting is not None

    def add_to(self, ctx: ModelContext) -> list[PenaltyTerm]:
        problem = ctx.problem
        meeting = problem.rules.meeting
        assert meeting is not None
        codes = {t.code for t in meeting_shifts(problem)}
        for day in problem.days:
            if day.weekday() != meeting.weekday:
                continue
            on_duty = sum(
                (
                    var
                    for agent in problem.agents
                    for code, var in ctx.day_shifts(agent.id, day)
                    if code in codes
                ),
                0,
            )
            if isinstance(on_duty, int):
                on_duty = ctx.model.new_constant(0)  # type: ignore[assignment]
            ctx.add(
                ctx.model.add(on_duty >= meeting.min_on_duty),
                f"meeting:{day}",
                f"{day_name(day)} needs {meeting.min_on_duty} on duty during the "
                f"{format_clock(meeting.start)}-{format_clock(meeting.end)} meeting",
            )
        return []

    def check(self, problem: RosterProblem, cells: Sequence[RosterCell]) -> list[Violation]:
        meeting = problem.rules.meeting
        assert meeting is not None
        index = CellIndex(problem, cells)
        codes = {t.code for t in meeting_shifts(problem)}
        found = []
        for day in problem.days:
            if day.weekday() != meeting.weekday:
                continue
            on_duty = sum(
                1
                for a in problem.agents
                if (c := index.get(a.id, day)) is not None and c.kind is CellKind.SHIFT and c.shift in codes
            )
            if on_duty < meeting.min_on_duty:
                found.append(
                    Violation(
                        self.name,
                        f"{day_name(day)}: {on_duty} agents on a shift covering the "
                        f"{format_clock(meeting.start)}-{format_clock(meeting.end)} meeting "
                        f"(at least {meeting.min_on_duty} must stay on duty)",
                        day=day,
                    )
                )
        return found
