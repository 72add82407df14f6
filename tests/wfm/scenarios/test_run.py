"""Evaluate and re-solve: the current roster stays as it is, the baseline is never changed, KPIs add up."""

from __future__ import annotations

import json

import numpy as np
import pytest

from solver.rules import REGISTRY
from tests.wfm.scenarios.conftest import FAST, Centre
from wfm.domain import CellKind
from wfm.errors import InputError
from wfm.scenarios import KPIS, Scenario, ScenarioMode, ScenarioSettings, run_scenario, run_scenarios

PEAK = Scenario(name="peak", volume=[{"multiplier": 2, "days": [1, 3]}])


def test_evaluate_measures_the_current_roster_cell_for_cell_against_the_new_demand(centre: Centre) -> None:
    baseline = centre.baseline()
    now = run_scenario(baseline, Scenario(name="now"), mode="evaluate")
    peak = run_scenario(baseline, PEAK, mode="evaluate")
    assert peak.roster is not None and baseline.roster is not None
    assert peak.roster.cells == baseline.roster.cells
    assert peak.status == "evaluated" and peak.mode is ScenarioMode.EVALUATE
    assert peak.kpis is not None and now.kpis is not None
    np.testing.assert_array_equal(peak.kpis.coverage["covered"], now.kpis.coverage["covered"])
    s, n = peak.summary, now.summary
    assert s["paid_hours"] == n["paid_hours"] and s["cost"] == n["cost"]
    assert s["required_agent_hours"] > n["required_agent_hours"]
    assert s["short_agent_hours"] > n["short_agent_hours"]
    assert s["surplus_agent_hours"] <= n["surplus_agent_hours"]
    assert s["service_level"] < n["service_level"]
    assert s["late_shift_spread"] == n["late_shift_spread"]  # same roster, same fairness
    assert s["solve_seconds"] is None


def test_evaluate_drops_removed_agents_cells_and_rests_added_agents(centre: Centre) -> None:
    baseline = centre.baseline()
    assert baseline.roster is not None
    scenario = Scenario(name="team", team={"remove": ["S05"], "add": [{"count": 2, "skills": ["chat"]}]})
    result = run_scenario(baseline, scenario, mode="evaluate")
    assert result.roster is not None and result.kpis is not None
    kept = tuple(c for c in baseline.roster.cells if c.agent_id != "S05")
    assert result.roster.cells[: len(kept)] == kept
    added = result.roster.cells[len(kept) :]
    assert {c.agent_id for c in added} == {"T01", "T02"} and len(added) == 2 * 7
    assert all(c.kind is CellKind.REST for c in added)
    assert any("S05" in note and "drop out" in note for note in result.notes)
    assert any("rest every day" in note for note in result.notes)
    now = run_scenario(baseline, Scenario(name="now"), mode="evaluate")
    assert now.kpis is not None
    agents = now.kpis.agents.set_index("agent_id")
    removed_hours = float(agents.loc["S05", "paid_hours"])
    assert removed_hours > 0
    assert result.summary["paid_hours"] == pytest.approx(now.summary["paid_hours"] - removed_hours)
    assert result.summary["temporary_agents"] == 2 and result.summary["agents"] == 12 - 1 + 2
    assert result.summary["short_agent_hours"] >= now.summary["short_agent_hours"]


def test_evaluate_judges_the_roster_by_the_scenarios_rules(centre: Centre) -> None:
    baseline = centre.baseline()
    now = run_scenario(baseline, Scenario(name="now"), mode="evaluate")
    assert now.violations == () and now.summary["hard_violations"] == 0
    strict = run_scenario(baseline, Scenario(name="strict", rules={"min_closing_staff": 6}), mode="evaluate")
    assert strict.violations and all(v.startswith("[closing_staff]") for v in strict.violations)
    assert baseline.roster is not None
    closing = {day: 0 for day in baseline.horizon.dates}
    for cell in baseline.roster.cells:
        if cell.kind is CellKind.SHIFT and cell.shift == "late":
            closing[cell.day] += 1
    short_days = [day for day, count in closing.items() if count < 6]
    assert short_days  # the baseline closes with 2-5 people on some days
    assert strict.summary["hard_violations"] == len(strict.violations) == len(short_days)
    assert strict.roster is not None and baseline.roster is not None
    assert strict.roster.cells == baseline.roster.cells
    assert "closing_staff" in {rule.name for rule in REGISTRY}


def test_evaluate_keeps_the_roster_shifts_when_templates_change(centre: Centre) -> None:
    scenario = Scenario(name="no early", shifts={"remove": ["early"]})
    result = run_scenario(centre.baseline(), scenario, mode="evaluate")
    assert result.violations == ()
    assert any("take effect when re-solving" in note for note in result.notes)


def test_evaluate_needs_the_current_roster(centre: Centre) -> None:
    with pytest.raises(InputError) as caught:
        run_scenario(centre.baseline(with_roster=False), PEAK, mode="evaluate")
    assert caught.value.problems[0].field == "roster"
    with pytest.raises(InputError) as caught:
        run_scenario(centre.baseline(), PEAK, mode="guess")
    assert caught.value.problems[0].field == "mode"


def test_resolve_solves_a_new_roster_and_never_changes_the_baseline(centre: Centre) -> None:
    baseline = centre.baseline()
    assert baseline.roster is not None
    published = baseline.roster.model_dump()
    site = baseline.site.model_dump()
    scenario = Scenario(
        name="peak, temps, no early shift",
        volume=[{"multiplier": 2, "days": [1, 3]}],
        team={"add": [{"count": 2, "skills": ["hotline", "chat"]}]},
        shifts={
            "remove": ["early"],
            "add": [{"code": "day", "start": "09:00", "end": "18:00", "unpaid_break_minutes": 60}],
        },
    )
    result = run_scenario(baseline, scenario, mode="resolve", settings=FAST)
    assert baseline.roster.model_dump() == published and baseline.site.model_dump() == site
    assert result.roster is not None and result.roster is not baseline.roster
    assert result.status in ("optimal", "feasible") and result.violations == ()
    assert result.summary["solve_seconds"] <= FAST.time_limit_s + 0.5
    worked = [c for c in result.roster.cells if c.kind is CellKind.SHIFT]
    assert {c.shift for c in worked} <= {"late", "day"}
    temps = [c for c in worked if c.agent_id in ("T01", "T02")]
    assert len(temps) == 2 * 5  # hired for their 40-hour contract: five days each
    assert {a.id for a in result.site.agents} >= {"T01", "T02"}


def test_cost_required_fte_and_the_summary_add_up(centre: Centre) -> None:
    settings = ScenarioSettings(
        time_limit_s=2.0, solver_workers=1, hourly_cost=30.0, temporary_hourly_cost=70.0
    )
    scenario = Scenario(name="temps", team={"add": [{"count": 2, "skills": ["chat"]}]})
    result = run_scenario(centre.baseline(), scenario, mode="resolve", settings=settings)
    assert result.kpis is not None
    agents = result.kpis.agents
    is_temp = agents["agent_id"].isin(["T01", "T02"])
    expected = (
        30.0 * agents.loc[~is_temp, "paid_hours"].sum() + 70.0 * agents.loc[is_temp, "paid_hours"].sum()
    )
    assert agents.loc[is_temp, "paid_hours"].sum() == 2 * 40
    s = result.summary
    assert s["cost"] == pytest.approx(expected)
    assert s["paid_hours"] == pytest.approx(agents["paid_hours"].sum())
    assert s["required_agent_hours"] == pytest.approx(result.kpis.summary["required_agent_hours"])
    assert s["required_fte"] == pytest.approx(s["required_agent_hours"] / 40.0)
    assert s["short_agent_hours"] == pytest.approx(result.queues["short_hours"].sum())
    assert s["surplus_agent_hours"] == pytest.approx(result.queues["surplus_hours"].sum())
    assert set(result.intervals["queue"]) == {"hotline", "chat"}
    assert len(result.intervals) == 2 * 7 * 24
    for kpi in KPIS:
        assert kpi.key in s


def test_run_scenarios_puts_the_baseline_first_and_every_scenario_in_each_mode(centre: Centre) -> None:
    results = run_scenarios(centre.baseline(), [PEAK], settings=FAST)
    assert [r.label for r in results] == [
        "baseline (current roster)",
        "peak (current roster)",
        "peak (re-solved)",
    ]
    resolved = results[2]
    evaluated = results[1]
    assert resolved.summary["required_agent_hours"] == evaluated.summary["required_agent_hours"]
    # the re-solve answers the peak: no more shortage than the roster made for the old demand
    assert resolved.summary["short_agent_hours"] <= evaluated.summary["short_agent_hours"]
    text = json.dumps([r.to_dict(include_roster=True) for r in results])
    assert '"peak (re-solved)"' in text


def test_a_scenario_without_a_roster_says_why(centre: Centre) -> None:
    scenario = Scenario(name="impossible", rules={"min_closing_staff": 12})
    result = run_scenario(centre.baseline(), scenario, mode="resolve", settings=FAST)
    assert result.roster is None and result.status == "infeasible"
    assert result.summary["service_level"] is None and result.summary["required_fte"] > 0
    assert any("closing" in note for note in result.notes)
