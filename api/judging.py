"""The rules' view of a stored roster version: the solver's problem for its horizon, and its cells.

Checking a swap must not rebuild the whole problem (site, requirement, leave, weights) on every
request: that costs more than the check. A published version never changes, so its problem is kept
in memory, keyed by what it was built from: the version, the team's revision (rules, weights and
reference data bump it) and the team's leave as stored.
"""

from __future__ import annotations

import functools
import hashlib
import json
import threading
from collections import OrderedDict
from dataclasses import dataclass
from typing import TYPE_CHECKING

import pandas as pd
from sqlmodel import Session

from api.mapping import frame_of, leave_of, roster_of, team_weights
from api.store import load_site, team_leave
from api.tables import LeaveRow, RequirementRow, RosterVersion, Team
from wfm.domain import LeaveRequest, PlanningHorizon, Requirement, RosterCell, Site

if TYPE_CHECKING:
    from solver.problem import RosterProblem, SoftWeights
    from solver.swaps import ServiceLevels


@dataclass(frozen=True, eq=False)
class Judging:
    site: Site
    problem: RosterProblem
    cells: tuple[RosterCell, ...]
    plan: pd.DataFrame | None = None
    """The staffing plan the version was solved for (its ``volume`` projects service level)."""

    @functools.cached_property
    def service(self) -> ServiceLevels | None:
        """The roster's projected service level per queue and interval (built on first use, kept)."""
        if self.plan is None or "volume" not in self.plan.columns:
            return None
        from solver.swaps import service_levels

        return service_levels(self.problem, self.site, self.cells, self.plan)


class JudgingCache:
    def __init__(self, size: int = 16) -> None:
        self._size = size
        self._kept: OrderedDict[tuple[object, ...], Judging] = OrderedDict()
        self._lock = threading.Lock()

    def key(
        self, session: Session, version: RosterVersion, team: Team, leave: list[LeaveRow] | None = None
    ) -> tuple[object, ...]:
        """What ``version``'s judging was built from."""
        leave = leave if leave is not None else team_leave(session, team.id or 0)
        stamp = hashlib.sha256(
            json.dumps([(row.id, row.body) for row in leave], sort_keys=True, default=str).encode()
        ).hexdigest()
        return (version.id, version.state, team.revision, stamp)

    def judging(self, session: Session, version: RosterVersion, team: Team) -> Judging:
        """The problem and cells of ``version`` as the rules judge them today."""
        leave = team_leave(session, team.id or 0)
        key = self.key(session, version, team, leave)
        with self._lock:
            kept = self._kept.get(key)
            if kept is not None:
                self._kept.move_to_end(key)
                return kept
        made = _build(session, version, team, leave)
        self.remember(key, made)
        return made

    def remember(self, key: tuple[object, ...], judging: Judging) -> None:
        """Keep a judging made elsewhere (a version derived from a judged one: same problem, new cells)."""
        with self._lock:
            self._kept[key] = judging
            self._kept.move_to_end(key)
            while len(self._kept) > self._size:
                self._kept.popitem(last=False)


def team_inputs(
    session: Session, team: Team, requirement: RequirementRow | None, leave_rows: list[LeaveRow] | None = None
) -> tuple[Site, pd.DataFrame | None, Requirement | None, list[LeaveRequest], SoftWeights]:
    """What a roster of ``team`` is solved and judged against: the site, the staffing plan and its
    requirement (when there is one), the team's leave and its soft weights in force."""
    from wfm.staffing import requirement_from_plan

    site = load_site(session, team)
    plan = frame_of(requirement.data) if requirement is not None else None
    needed = requirement_from_plan(plan) if plan is not None else None
    rows = leave_rows if leave_rows is not None else team_leave(session, team.id or 0)
    return site, plan, needed, [leave_of(row) for row in rows], team_weights(team)


def _build(session: Session, version: RosterVersion, team: Team, leave_rows: list[LeaveRow]) -> Judging:
    from wfm.pipeline import roster_problem

    requirement = session.get(RequirementRow, version.requirement_id) if version.requirement_id else None
    site, plan, needed, leave, weights = team_inputs(session, team, requirement, leave_rows)
    horizon = PlanningHorizon(start=version.start, days=version.days)
    problem = roster_problem(site, horizon, needed, leave=leave, weights=weights)
    return Judging(site=site, problem=problem, cells=roster_of(version).cells, plan=plan)
