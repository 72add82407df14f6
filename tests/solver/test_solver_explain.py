"""Infeasibility explained: planted conflicts come back as the few rule instances that cannot hold
together, in a scheduler's words (agent names, days), and nothing about agents not involved.
"""

from __future__ import annotations

import importlib
from typing import Any

import pytest

from solver import AgentTerms, RosterStatus, SolveSettings, solve
from solver.explain import explain_infeasibility
from wfm.domain import LeaveType, RosterCell, RosterRules

SETTINGS = SolveSettings(time_limit_s=3.0, workers=2, seed=0)


def _explained(problem: Any) -> tuple[str, ...]:
    result = solve(problem, SETTINGS)
    assert result.status is RosterStatus.INFEASIBLE, result.status
    assert result.roster is None
    return result.explanation


def _one(reasons: tuple[str, ...], *words: str) -> str:
    """The single reason containing every one of ``words``."""
    found = [r for r in reasons if all(w in r for w in words)]
    assert len(found) == 1, (words, reasons)
    return found[0]


def _mentions_nobody_else(reasons: tuple[str, ...], *names: str) -> None:
    for reason in reasons:
        for name in names:
            assert name not in reason, (name, reason)


def test_closing_staff_against_leave_of_one_of_two_late_capable_agents(kit: Any) -> None:
    # Cy and Di may not work lates (contract maximum 0), so Ann and Bo are the only closers;
    # Bo's approved leave on Tuesday leaves one closer where two must leave last.
    early_only = AgentTerms(max_shifts={"late": 0})
    problem = kit.problem(
        "ABCD",
        rules=RosterRules(meeting=None),
        terms={"C": early_only, "D": early_only},
        leave={("B", kit.day(1)): LeaveType.ANNUAL},
    )
    reasons = _explained(problem)
    assert len(reasons) == 2, reasons
    closing = _one(reasons, "Tue 17 Jun", "closing")
    assert "2" in closing and "late" in closing
    _one(reasons, "Bo", "annual leave", "Tue 17 Jun")
    _mentions_nobody_else(reasons, "Ann", "Cy", "Di", "Mon 16 Jun", "Wed 18 Jun")


def test_max_consecutive_days_against_a_contract_minimum_of_days(kit: Any) -> None:
    # Tuesday to Saturday (no whole calendar week, so the weekly rest days stay out of it): Ann must
    # work all five days but may work at most three in a row.
    tuesday = kit.day(1)
    problem = kit.problem(
        "AB",
        days=5,
        start=tuesday,
        terms={"A": AgentTerms(min_days=5, max_consecutive_days=3)},
    )
    reasons = _explained(problem)
    assert len(reasons) == 2, reasons
    _one(reasons, "Ann", "at least 5 days")
    _one(reasons, "Ann", "at most 3 days in a row")
    _mentions_nobody_else(reasons, "Bo")


def test_rest_between_shifts_against_pinned_late_then_early(kit: Any) -> None:
    problem = kit.problem(
        "ABC",
        days=3,
        pinned=(
            RosterCell.working("A", kit.day(0), "late", "*"),
            RosterCell.working("A", kit.day(1), "early", "*"),
            RosterCell.working("B", kit.day(0), "late", "*"),  # a pin that is no part of the conflict
        ),
    )
    reasons = _explained(problem)
    assert len(reasons) == 3, reasons
    _one(reasons, "Ann", "fixed to late", "Mon 16 Jun")
    _one(reasons, "Ann", "fixed to early", "Tue 17 Jun")
    rest = _one(reasons, "Ann", "late then early")
    assert "8.5 h" in rest and "11 h" in rest
    _mentions_nobody_else(reasons, "Bo", "Cy")


def test_pinned_shift_on_a_day_of_approved_leave(kit: Any) -> None:
    problem = kit.problem(
        "AB",
        pinned=(RosterCell.working("A", kit.day(2), "early", "*"),),
        leave={("A", kit.day(2)): LeaveType.SICK, ("B", kit.day(2)): LeaveType.ANNUAL},
    )
    reasons = _explained(problem)
    assert len(reasons) == 2, reasons
    _one(reasons, "Ann", "fixed to early", "Wed 18 Jun")
    _one(reasons, "Ann", "sick leave", "Wed 18 Jun")
    _mentions_nobody_else(reasons, "Bo")


def test_meeting_cover_when_everyone_able_is_away(kit: Any) -> None:
    # Wednesday meeting 14:00-16:00 needs one on duty: only the early shift covers it. Ann is on
    # leave, Bo is not available, Cy may work no early shift, Di is free but the rules stop her.
    problem = kit.problem(
        "ABCD",
        rules=RosterRules(min_closing_staff=0),
        terms={"C": AgentTerms(max_shifts={"early": 0}), "D": AgentTerms(max_days=1)},
        leave={("A", kit.day(2)): LeaveType.PERSONAL},
        unavailable=frozenset({("B", kit.day(2))}),
        pinned=(RosterCell.working("D", kit.day(0), "early", "*"),),
    )
    reasons = _explained(problem)
    assert len(reasons) == 5, reasons
    _one(reasons, "Wed 18 Jun", "meeting")
    _one(reasons, "Ann", "personal leave", "Wed 18 Jun")
    _one(reasons, "Bo", "not available", "Wed 18 Jun")
    _one(reasons, "Di", "at most 1 days")
    _one(reasons, "Di", "fixed to early", "Mon 16 Jun")
    _mentions_nobody_else(reasons, "Cy")


def test_explanation_is_minimal_each_reason_is_needed(kit: Any) -> None:
    """Drop any one planted input behind a reason and a roster exists again."""
    pins = (
        RosterCell.working("A", kit.day(0), "late", "*"),
        RosterCell.working("A", kit.day(1), "early", "*"),
    )
    problem = kit.problem(days=2, pinned=pins)
    assert len(_explained(problem)) == 3
    for keep in pins:
        assert solve(kit.problem(days=2, pinned=(keep,)), SETTINGS).solved
    assert solve(
        kit.problem(
            days=2, pinned=pins, rules=RosterRules(min_closing_staff=0, meeting=None, min_rest_hours=8.5)
        ),
        SETTINGS,
    ).solved


def test_no_explanation_for_a_feasible_problem(kit: Any) -> None:
    assert explain_infeasibility(kit.problem(), SolveSettings(time_limit_s=3.0)) == []


def test_explanation_keeps_to_the_time_limit(kit: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    explain_module = importlib.import_module("solver.explain")
    real = explain_module.cp_model
    limits: list[float] = []

    class Recording(real.CpSolver):  # type: ignore[misc, name-defined]
        def solve(self, *args: Any, **kwargs: Any) -> Any:
            limits.append(self.parameters.max_time_in_seconds)
            return super().solve(*args, **kwargs)

    class Proxy:
        CpSolver = Recording

        def __getattr__(self, name: str) -> Any:
            return getattr(real, name)

    monkeypatch.setattr(explain_module, "cp_model", Proxy())
    pins = (
        RosterCell.working("A", kit.day(0), "late", "*"),
        RosterCell.working("A", kit.day(1), "early", "*"),
    )
    result = solve(kit.problem(days=2, pinned=pins), SolveSettings(time_limit_s=1.5, workers=2, seed=7))
    assert result.status is RosterStatus.INFEASIBLE
    assert limits, "the explanation ran no solver"
    assert max(limits) <= 1.5, limits
