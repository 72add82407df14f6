"""A small centre for the scenario tests: 12 agents, an Erlang C hotline and a chat queue, one week.

The hotline has no patience set, so it is staffed with Erlang C (:func:`wfm.staffing.agents_required`)
and a test can recompute its requirement exactly. The baseline roster is solved once per session.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta

import pandas as pd
import pytest

from wfm.domain import (
    Agent,
    BreakWindow,
    Channel,
    Contract,
    LeaveRequest,
    LeaveStatus,
    LeaveType,
    OpeningHours,
    PlanningHorizon,
    Preferences,
    Queue,
    Roster,
    ServiceTarget,
    ShiftTemplate,
    Site,
    parse_clock,
)
from wfm.scenarios import Baseline, ScenarioSettings

MONDAY = date(2025, 12, 1)
HORIZON = PlanningHorizon(start=MONDAY, days=7)
FAST = ScenarioSettings(time_limit_s=2.0, solver_workers=1)
"""Re-solves in tests: 2 s on one thread."""


def small_site() -> Site:
    return Site(
        name="Small centre",
        opening_hours=OpeningHours.every_day("08:30-24:00"),
        interval_minutes=60,
        queues=(
            Queue(
                code="hotline",
                name="Hotline",
                channel=Channel.PHONE,
                service_target=ServiceTarget(share=0.8, answer_within_s=20),
                aht_s=240,
            ),
            Queue(
                code="chat",
                name="Chat",
                channel=Channel.CHAT,
                service_target=ServiceTarget(share=0.8, answer_within_s=30),
                aht_s=540,
                concurrency=3,
            ),
        ),
        shift_templates=(
            ShiftTemplate.from_clock(
                "early",
                "08:30",
                "17:30",
                unpaid_break_minutes=60,
                break_window=BreakWindow(
                    earliest_start=parse_clock("11:00"), latest_start=parse_clock("13:00")
                ),
            ),
            ShiftTemplate.from_clock(
                "late",
                "15:00",
                "24:00",
                unpaid_break_minutes=60,
                break_window=BreakWindow(
                    earliest_start=parse_clock("17:00"), latest_start=parse_clock("19:00")
                ),
            ),
        ),
        agents=tuple(
            Agent(
                id=f"S{n:02d}",
                name=f"Agent {n}",
                group="G1" if n <= 6 else "G2",
                skills=frozenset({"hotline", "chat"} if n % 2 else {"hotline"}),
                contract=Contract(),
                preferences=Preferences(preferred_shifts=frozenset({"early"})) if n == 4 else Preferences(),
            )
            for n in range(1, 13)
        ),
    )


def small_forecast() -> pd.DataFrame:
    """Hourly contacts for the week: open 08:30-24:00, an evening peak at 20-22 h."""
    rows = []
    for offset in range(7):
        day = datetime.combine(MONDAY + timedelta(days=offset), datetime.min.time())
        for hour in range(24):
            open_hour = 8 <= hour < 24
            peak = 20 <= hour < 22
            for queue, base, high in (("hotline", 18.0, 30.0), ("chat", 20.0, 40.0)):
                volume = (high if peak else base + offset) if open_hour else 0.0
                rows.append((queue, day + timedelta(hours=hour), volume))
    return pd.DataFrame(rows, columns=["queue", "interval_start", "yhat"])


LEAVE = (
    LeaveRequest(
        agent_id="S03",
        leave_type=LeaveType.ANNUAL,
        first_day=MONDAY + timedelta(days=2),
        last_day=MONDAY + timedelta(days=2),
        status=LeaveStatus.APPROVED,
    ),
)


@dataclass(frozen=True)
class Centre:
    site: Site
    forecast: pd.DataFrame
    roster: Roster

    def baseline(self, *, with_roster: bool = True) -> Baseline:
        return Baseline(
            site=self.site,
            horizon=HORIZON,
            forecast=self.forecast,
            leave=LEAVE,
            roster=self.roster if with_roster else None,
        )


def solve_centre() -> Centre:
    """The small centre with its baseline roster, solved (about 2 s)."""
    from wfm.pipeline import roster_problem, solve_roster, staffing_plan

    site, forecast = small_site(), small_forecast()
    _, requirement = staffing_plan(forecast, site)
    problem = roster_problem(site, HORIZON, requirement, leave=LEAVE)
    run = solve_roster(problem, site=site, time_limit_s=2.0, workers=1, subsolvers=("max_lp",))
    assert run.result.roster is not None and not run.result.hard_violations
    return Centre(site, forecast, run.result.roster)


@pytest.fixture(scope="session")
def centre() -> Centre:
    return solve_centre()
