"""The roster rules, each one unit with two faces, in one ordered registry (hard rules first).

To add a rule: write a :class:`~solver.rules.base.Rule` with ``add_to`` and ``check``, and list it here.
"""

from __future__ import annotations

from solver.rules.base import CellIndex, PenaltyTerm, Rule, Violation
from solver.rules.contract import ContractLimits
from solver.rules.daily import LeaveAndAvailability, OneShiftPerDay, Pinned, Skills
from solver.rules.sequences import MaxConsecutiveDays, MinConsecutive, RestBetweenShifts, RestDaysPerWeek
from solver.rules.site import ClosingStaff, MeetingCover
from solver.rules.soft import Coverage, Fairness, PaidHours, Requests, ShiftCoverRule, Stability, ZigZag

REGISTRY: tuple[Rule, ...] = (
    OneShiftPerDay(),
    LeaveAndAvailability(),
    Skills(),
    Pinned(),
    RestDaysPerWeek(),
    MaxConsecutiveDays(),
    RestBetweenShifts(),
    MinConsecutive(),
    ContractLimits(),
    ClosingStaff(),
    MeetingCover(),
    Coverage(),
    ShiftCoverRule(),
    Requests(),
    Fairness(),
    Stability(),
    ZigZag(),
    PaidHours(),
)

HARD_RULES = tuple(rule for rule in REGISTRY if rule.hard)
SOFT_RULES = tuple(rule for rule in REGISTRY if not rule.hard)


def rule(name: str) -> Rule:
    """The registered rule called ``name``."""
    for candidate in REGISTRY:
        if candidate.name == name:
            return candidate
    raise KeyError(f"no rule '{name}'; rules: {', '.join(r.name for r in REGISTRY)}")


__all__ = ["HARD_RULES", "REGISTRY", "SOFT_RULES", "CellIndex", "PenaltyTerm", "Rule", "Violation", "rule"]
