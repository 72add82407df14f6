"""Sweeps: the grid crosses the axes on the base scenario; parallel processes give the sequential table."""

from __future__ import annotations

import pandas as pd
import pytest

from tests.wfm.scenarios.conftest import Centre
from wfm.errors import InputError
from wfm.scenarios import Scenario, ScenarioSettings
from wfm.scenarios.sweep import SweepAxis, added_agents_axis, grid, run_sweep, shrinkage_axis, volume_axis

BASE = Scenario(name="strict", rules={"min_closing_staff": 3})


def test_the_grid_crosses_every_level_on_the_base_scenario() -> None:
    points = grid(
        [volume_axis([1, 2, 3], queues=["chat"], days=(1, 2)), added_agents_axis([0, 4], skills=["chat"])],
        base=BASE,
    )
    assert [p.levels for p in points] == [
        {"volume": v, "temps": t} for v in ("x1", "x2", "x3") for t in ("+0", "+4")
    ]
    first, last = points[0].scenario, points[-1].scenario
    assert first.name == "strict: volume x1, temps +0"
    assert first.volume == () and first.team.add == () and first.rules.min_closing_staff == 3
    assert (
        last.volume[0].multiplier == 3
        and last.volume[0].queues == ("chat",)
        and last.volume[0].days == (1, 2)
    )
    assert last.team.add[0].count == 4 and last.rules.min_closing_staff == 3
    assert grid([shrinkage_axis([0.3, 0.4])])[1].scenario.staffing.shrinkage == 0.4


def test_bad_grids_are_refused() -> None:
    with pytest.raises(InputError):
        grid([])
    with pytest.raises(InputError, match="repeat"):
        grid([volume_axis([1]), volume_axis([2])])
    with pytest.raises(InputError):
        added_agents_axis([-1], skills=["chat"])
    with pytest.raises(InputError):
        SweepAxis("empty", ())
    with pytest.raises(InputError) as caught:
        volume_axis([-1.0])
    assert caught.value.problems[0].field == "volume" and "multiplier" in caught.value.problems[0].message


def test_parallel_processes_give_the_same_table_as_one_process(centre: Centre) -> None:
    points = grid([volume_axis([1, 2, 3]), shrinkage_axis([0.3, 0.4])])
    seen: list[tuple[int, int]] = []
    one = run_sweep(centre.baseline(), points, mode="evaluate", workers=1, progress=False)
    two = run_sweep(
        centre.baseline(),
        points,
        mode="evaluate",
        workers=2,
        progress=False,
        on_progress=lambda *n: seen.append(n),
    )
    assert seen == [(n, 6) for n in range(1, 7)]
    assert two.workers == 2 and two.solver_threads == 1
    assert list(two.table["label"]) == [f"{p.scenario.name} (current roster)" for p in points]
    numbers = [
        "required_fte",
        "short_agent_hours",
        "service_level",
        "cost",
        "hotline_short_h",
        "chat_service_level",
    ]
    pd.testing.assert_frame_equal(
        one.table[["volume", "shrinkage", *numbers]], two.table[["volume", "shrinkage", *numbers]]
    )
    table = two.table.set_index(["volume", "shrinkage"])
    assert table.loc[("x2", "30%"), "required_fte"] > table.loc[("x1", "30%"), "required_fte"]
    assert table.loc[("x1", "40%"), "required_fte"] > table.loc[("x1", "30%"), "required_fte"]
    assert table.loc[("x3", "30%"), "service_level"] < table.loc[("x1", "30%"), "service_level"]


def test_a_parallel_resolve_sweep_keeps_each_solve_within_its_limit(centre: Centre) -> None:
    points = grid(
        [added_agents_axis([0, 2], skills=["chat"])], base=Scenario(name="peak", volume=[{"multiplier": 2}])
    )
    points.append(
        grid([volume_axis([1])], base=Scenario(name="impossible", rules={"min_closing_staff": 12}))[0]
    )
    settings = ScenarioSettings(time_limit_s=1.5)
    found = run_sweep(
        centre.baseline(with_roster=False), points, settings=settings, workers=2, progress=False
    )
    table = found.table
    assert list(table["temps"].iloc[:2]) == ["+0", "+2"]
    assert set(table["status"].iloc[:2]) <= {"optimal", "feasible"}
    assert table["status"].iloc[2] == "infeasible"  # a row saying so, the sweep goes on
    assert (table["solve_seconds"] <= 1.5 + 0.5).all()
    assert table["paid_hours"].iloc[1] == pytest.approx(table["paid_hours"].iloc[0] + 2 * 40)
    assert (table["error"] == "").all()
    assert found.results[0] is not None and found.results[0].roster is not None


def test_a_sweep_refuses_bad_settings_before_running(centre: Centre) -> None:
    points = grid([volume_axis([1, 2])])
    with pytest.raises(InputError) as caught:
        run_sweep(centre.baseline(), points, workers=0, progress=False)
    assert caught.value.problems[0].field == "workers"
    bad = grid([added_agents_axis([1], skills=["email"])])
    with pytest.raises(InputError) as caught:
        run_sweep(centre.baseline(), bad, workers=2, progress=False)
    assert caught.value.problems[0].field == "team.add[0].skills"
