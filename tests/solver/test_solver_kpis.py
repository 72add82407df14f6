"""Roster KPIs and the report, on a hand-made roster whose every figure is worked out by hand.

The site opens 09:00-13:00 and has one phone queue. Friday 5 Dec 2025 and Saturday 6 Dec 2025:

- Friday: Ann rests, Bo is on sick leave.
- Saturday: Ann works ``early`` 09:00-12:00 with a 30-minute unpaid break (10:30 explicitly, or the
  template's default 11:00), Bo works ``late`` 10:30-13:00 (no break), which closes the centre.

The requirement lists two Saturday intervals: 10:00 needs 2 agents, 11:00 needs 1.
"""

from __future__ import annotations

import json
from datetime import date, datetime
from pathlib import Path

import pandas as pd
import pytest

from solver import check_roster, problem_from_site
from solver.kpis import COVERAGE_COLUMNS, roster_kpis
from solver.problem import RosterProblem
from solver.report import (
    html_report,
    read_roster_csv,
    render_grid,
    render_summary,
    short_codes,
    write_html_report,
    write_roster_csv,
)
from solver.rules.soft import shortage_cost
from wfm.domain import (
    Agent,
    BreakWindow,
    Channel,
    LeaveType,
    OpeningHours,
    PlanningHorizon,
    Queue,
    Requirement,
    Roster,
    RosterCell,
    RosterRules,
    ServiceTarget,
    ShiftTemplate,
    Site,
    StaffingPolicy,
    parse_clock,
)
from wfm.errors import InputError
from wfm.staffing import service_level

FRIDAY, SATURDAY = date(2025, 12, 5), date(2025, 12, 6)
HORIZON = PlanningHorizon(start=FRIDAY, days=2)


def _site() -> Site:
    return Site(
        name="Tiny centre",
        opening_hours=OpeningHours.every_day("09:00-13:00"),
        interval_minutes=60,
        queues=(
            Queue(
                code="hotline",
                name="Phone hotline",
                channel=Channel.PHONE,
                service_target=ServiceTarget(share=0.8, answer_within_s=20),
                aht_s=240,
            ),
        ),
        shift_templates=(
            ShiftTemplate.from_clock(
                "early",
                "09:00",
                "12:00",
                unpaid_break_minutes=30,
                break_window=BreakWindow(
                    earliest_start=parse_clock("11:00"), latest_start=parse_clock("11:00")
                ),
            ),
            ShiftTemplate.from_clock("late", "10:30", "13:00"),
        ),
        rules=RosterRules(meeting=None),
        staffing=StaffingPolicy(shrinkage=0.0),
        agents=(
            Agent(id="ANN", name="Ann", group="G1", skills=frozenset({"hotline"})),
            Agent(id="BO", name="Bo", group="G1", skills=frozenset({"hotline"})),
        ),
    )


def _requirement() -> Requirement:
    frame = pd.DataFrame(
        {
            "queue": ["hotline", "hotline"],
            "interval_start": [datetime(2025, 12, 6, 10), datetime(2025, 12, 6, 11)],
            "agents": [2, 1],
        }
    )
    return Requirement(frame, interval_minutes=60)


@pytest.fixture
def site() -> Site:
    return _site()


@pytest.fixture
def problem(site: Site) -> RosterProblem:
    return problem_from_site(site, HORIZON, requirement=_requirement())


def _roster(ann_break: int | None = parse_clock("10:30")) -> Roster:
    return Roster(
        horizon=HORIZON,
        cells=(
            RosterCell.rest("ANN", FRIDAY),
            RosterCell.leave("BO", FRIDAY, LeaveType.SICK),
            RosterCell.working("ANN", SATURDAY, "early", "hotline", ann_break),
            RosterCell.working("BO", SATURDAY, "late", "hotline"),
        ),
    )


def _row(kpis_coverage: pd.DataFrame, hour: int) -> dict[str, object]:
    at = kpis_coverage[kpis_coverage["interval_start"] == datetime(2025, 12, 6, hour)]
    assert len(at) == 1
    return dict(at.iloc[0])


def test_coverage_per_interval_by_hand(problem: RosterProblem) -> None:
    kpis = roster_kpis(problem, _roster())
    assert tuple(kpis.coverage.columns) == COVERAGE_COLUMNS
    # Ann 09:00-12:00 with a break 10:30-11:00; Bo 10:30-13:00.
    expected = {
        9: (0.0, 1.0, 0.0, 1.0),  # Ann alone; nobody is required (not in the requirement)
        10: (2.0, 1.0, 1.0, 0.0),  # Ann 10:00-10:30 + Bo 10:30-11:00 = 1 agent, 1 short
        11: (1.0, 2.0, 0.0, 1.0),  # both the whole hour
        12: (0.0, 1.0, 0.0, 1.0),  # Bo alone
    }
    assert len(kpis.coverage) == len(expected)
    for hour, (required, covered, short, surplus) in expected.items():
        row = _row(kpis.coverage, hour)
        assert (row["required"], row["covered"], row["short"], row["surplus"]) == (
            required,
            covered,
            short,
            surplus,
        )


def test_short_and_surplus_are_what_the_coverage_rule_charges(problem: RosterProblem) -> None:
    kpis = roster_kpis(problem, _roster())
    listed = kpis.coverage[kpis.coverage["interval_start"].isin(_requirement().frame["interval_start"])]
    from_kpis = sum(
        shortage_cost(problem, round(required * 60), round(covered * 60))[0]
        for required, covered in zip(listed["required"].tolist(), listed["covered"].tolist(), strict=True)
    )
    charged = sum(v.cost for v in check_roster(problem, _roster().cells) if v.rule == "coverage")
    # 10:00: 60 agent-minutes short of 120, 24 shallow (x10) and 36 deep (x30); 11:00: 60 over (x1)
    assert charged == from_kpis == 24 * 10 + 36 * 30 + 60 * 1


def test_default_break_is_the_templates_as_in_the_coverage_rule(problem: RosterProblem) -> None:
    kpis = roster_kpis(problem, _roster(ann_break=None))  # break at 11:00-11:30, the window's start
    assert _row(kpis.coverage, 10)["covered"] == 1.5  # Ann the whole hour + Bo half
    assert _row(kpis.coverage, 11)["covered"] == 1.5  # Ann half + Bo the whole hour
    assert kpis.summary["short_agent_hours"] == 0.5


def test_summary_figures_by_hand(problem: RosterProblem) -> None:
    summary = roster_kpis(problem, _roster()).summary
    assert summary["required_agent_hours"] == 3.0
    assert summary["covered_agent_hours"] == 5.0  # = paid hours: every paid minute is on the queue
    assert summary["short_agent_hours"] == 1.0
    assert summary["surplus_agent_hours"] == 3.0
    assert summary["coverage_share"] == pytest.approx(2 / 3)
    assert summary["intervals_short"] == 1
    assert summary["paid_hours"] == 5.0  # Ann 3 h - 0.5 h break, Bo 2.5 h
    assert summary["paid_hours_per_agent"] == 2.5
    assert (summary["shifts"], summary["rest_days"], summary["leave_days"], summary["open_days"]) == (
        2,
        1,
        1,
        0,
    )
    assert summary["late_shifts"] == 1  # Bo's shift ends at closing (13:00); Ann's at 12:00 does not
    assert summary["late_shift_spread"] == 1
    assert summary["weekend_days"] == 2
    assert summary["weekend_day_spread"] == 0
    assert summary["service_level"] is None  # no forecast given


def test_per_queue_and_per_agent_by_hand(problem: RosterProblem) -> None:
    kpis = roster_kpis(problem, _roster())
    (queue,) = kpis.queues.to_dict(orient="records")
    assert (queue["queue"], queue["required_hours"], queue["covered_hours"]) == ("hotline", 3.0, 5.0)
    assert (queue["short_hours"], queue["surplus_hours"], queue["intervals_short"]) == (1.0, 3.0, 1)
    agents = kpis.agents.set_index("agent_id")
    assert agents.loc["ANN", "paid_hours"] == 2.5
    assert agents.loc["BO", "paid_hours"] == 2.5
    assert (agents.loc["ANN", "late_shifts"], agents.loc["BO", "late_shifts"]) == (0, 1)
    assert (agents.loc["ANN", "weekend_days"], agents.loc["ANN", "weekend_hours"]) == (1, 2.5)
    assert (agents.loc["ANN", "rest_days"], agents.loc["BO", "leave_days"]) == (1, 1)
    assert agents.loc["ANN", "contract_hours"] == pytest.approx(40 * 2 / 7)
    late = kpis.fairness[kpis.fairness["measure"] == "late shifts"].iloc[0]
    assert (late["agents_kind"], late["low"], late["high"], late["spread"]) == ("full-time", 0, 1, 1)


def test_service_is_projected_from_the_covered_agents_rounded_down(
    problem: RosterProblem, site: Site
) -> None:
    forecast = pd.DataFrame(
        {
            "queue": "hotline",
            "interval_start": [datetime(2025, 12, 6, h) for h in (9, 10, 11, 12)],
            "yhat": [5.0, 10.0, 10.0, 5.0],
        }
    )
    kpis = roster_kpis(problem, _roster(ann_break=None), forecast=forecast, site=site)
    assert kpis.service is not None
    assert list(kpis.service["rostered"]) == [1, 1, 1, 1]  # 10:00 and 11:00 have 1.5 covered: floor 1
    level = service_level(1, 10.0, 240, 20, interval_s=3600)
    assert kpis.service["service_level"].iloc[1] == pytest.approx(level)
    weighted = (5 * service_level(1, 5.0, 240, 20, 3600) * 2 + 10 * level * 2) / 30
    assert kpis.summary["service_level"] == pytest.approx(weighted)
    below = int((kpis.service["service_level"] < 0.8).sum())
    assert kpis.summary["intervals_below_target"] == below


def test_to_dict_is_plain_json(problem: RosterProblem) -> None:
    found = roster_kpis(problem, _roster()).to_dict()
    text = json.dumps(found, allow_nan=False)
    assert json.loads(text)["summary"]["paid_hours"] == 5.0
    assert found["coverage"][0]["interval_start"] == "2025-12-06T09:00:00"
    assert found["service"] is None


def test_without_a_requirement_there_is_no_shortage(site: Site) -> None:
    problem = problem_from_site(site, HORIZON)
    kpis = roster_kpis(problem, _roster(), site=site)
    assert kpis.summary["short_agent_hours"] is None
    assert kpis.summary["covered_agent_hours"] == 5.0
    assert kpis.coverage["required"].isna().all()
    assert json.dumps(kpis.to_dict(), allow_nan=False)


def test_a_roster_naming_unknown_things_is_refused(problem: RosterProblem) -> None:
    roster = Roster(horizon=HORIZON, cells=(RosterCell.working("ANN", SATURDAY, "night", "email"),))
    with pytest.raises(InputError) as refused:
        roster_kpis(problem, roster)
    fields = {p.field for p in refused.value.problems}
    assert fields == {"cells[0].shift", "cells[0].queue"}


def test_a_forecast_needs_its_site(problem: RosterProblem) -> None:
    forecast = pd.DataFrame(
        {"queue": ["hotline"], "interval_start": [datetime(2025, 12, 6, 10)], "yhat": [1.0]}
    )
    with pytest.raises(InputError) as refused:
        roster_kpis(problem, _roster(), forecast=forecast)
    assert refused.value.problems[0].field == "site"


def test_an_incomplete_roster_counts_open_days(problem: RosterProblem) -> None:
    roster = Roster(horizon=HORIZON, cells=(RosterCell.working("BO", SATURDAY, "late", "hotline"),))
    kpis = roster_kpis(problem, roster)
    assert kpis.summary["open_days"] == 3
    assert kpis.summary["short_agent_hours"] == 1.5  # 10:00: 0.5 of 2; 11:00: 1 of 1


# --- the report ---------------------------------------------------------------------------------


def test_short_codes_are_initials_and_unique() -> None:
    assert short_codes(["early", "late", "pt_day", "pt_eve", "evening"], upper=True) == {
        "early": "E",
        "late": "L",
        "pt_day": "PD",
        "pt_eve": "PE",
        "evening": "EV",
    }
    assert short_codes(["presales_chat", "aftersales_chat", "hotline", "email"], upper=False) == {
        "presales_chat": "pc",
        "aftersales_chat": "ac",
        "hotline": "h",
        "email": "e",
    }


def test_text_grid_and_summary(problem: RosterProblem) -> None:
    grid = render_grid(problem, _roster())
    lines = grid.splitlines()
    assert lines[0].split()[:4] == ["agent", "group", "Fri", "5"]
    assert lines[1].split() == ["ANN", "Ann", "G1", ".", "E/h"]
    assert lines[2].split() == ["BO", "Bo", "G1", "(sick)", "L/h"]
    assert lines[3].split() == ["on", "duty", "0", "2"]
    assert lines[4].split() == ["closing", "0", "1"]
    summary = render_summary(roster_kpis(problem, _roster()))
    assert "1.0 agent-hours in 1 intervals" in summary
    assert "hotline" in summary


def test_html_report_has_every_agent_the_charts_and_no_external_assets(
    problem: RosterProblem, site: Site, tmp_path: Path
) -> None:
    kpis = roster_kpis(problem, _roster())
    page = html_report(problem, _roster(), kpis, title="Tiny <centre>", queue_names={"hotline": "Phone"})
    for agent in problem.agents:
        assert f'<tr data-agent="{agent.id}">' in page
    assert page.count('<svg class="chart"') == 1
    assert 'data-queue="hotline"' in page and "<polyline" in page and "<polygon" in page
    assert "Tiny &lt;centre&gt;" in page  # text is escaped
    assert "http" not in page and "<script" not in page and "<link" not in page
    assert 'class="leave"' in page and 'class="rest"' in page
    path = tmp_path / "report.html"
    write_html_report(path, problem, _roster(), kpis)
    assert path.read_text(encoding="utf-8").startswith("<!DOCTYPE html>")
    assert [p.name for p in tmp_path.iterdir()] == ["report.html"]  # no temporary file left behind


def test_roster_csv_round_trip(problem: RosterProblem, tmp_path: Path) -> None:
    path = tmp_path / "roster.csv"
    write_roster_csv(path, problem, _roster())
    frame = pd.read_csv(path, dtype=str, keep_default_na=False)
    assert list(frame.columns) == [
        "agent_id",
        "name",
        "day",
        "kind",
        "shift",
        "queue",
        "break_start",
        "leave_type",
    ]
    assert (
        frame.loc[(frame["agent_id"] == "ANN") & (frame["kind"] == "shift"), "break_start"].item() == "10:30"
    )
    assert set(read_roster_csv(path, HORIZON).cells) == set(_roster().cells)


def test_a_bad_roster_file_names_the_line(tmp_path: Path) -> None:
    path = tmp_path / "roster.csv"
    path.write_text("agent_id,day,kind,shift,queue\nANN,2025-12-06,holiday,,\n", encoding="utf-8")
    with pytest.raises(InputError) as refused:
        read_roster_csv(path, HORIZON)
    assert refused.value.problems[0].row == 2
    assert "holiday" in str(refused.value)
