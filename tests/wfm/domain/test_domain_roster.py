"""Roster cells and rosters: one cell per agent-day inside the horizon; a working day names its shift."""

from __future__ import annotations

from datetime import date
from typing import Any

import pandas as pd
import pytest
from pydantic import ValidationError

from wfm.domain import CellKind, LeaveType, PlanningHorizon, Roster, RosterCell

MON, TUE, WED = date(2024, 6, 17), date(2024, 6, 18), date(2024, 6, 19)
WEEK = PlanningHorizon(start=MON)


def test_cell_factories_and_how_cells_read() -> None:
    working = RosterCell.working("a01", MON, "early", "hotline")
    rest = RosterCell.rest("a01", TUE)
    leave = RosterCell.leave("a01", WED, LeaveType.SICK)
    assert (working.kind, working.shift, working.queue) == (CellKind.SHIFT, "early", "hotline")
    assert (rest.kind, rest.shift, rest.queue, rest.leave_type) == (CellKind.REST, None, None, None)
    assert (leave.kind, leave.leave_type) == (CellKind.LEAVE, LeaveType.SICK)
    assert [str(working), str(rest), str(leave)] == ["early@hotline", "rest", "leave:sick"]


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"kind": "shift", "queue": "hotline"}, "shift: a working day needs both a shift and a queue"),
        ({"kind": "shift", "shift": "early"}, "shift: a working day needs both a shift and a queue"),
        (
            {"kind": "shift", "shift": "early", "queue": "hotline", "leave_type": "sick"},
            "leave_type: a working day carries no leave type",
        ),
        ({"kind": "rest", "shift": "early"}, "shift: a rest day carries no shift or queue"),
        ({"kind": "leave", "queue": "hotline", "leave_type": "sick"}, "shift: a leave day carries no shift"),
        ({"kind": "leave"}, "leave_type: a leave day needs its leave type"),
        ({"kind": "rest", "leave_type": "annual"}, "leave_type: a rest day carries no leave type"),
    ],
)
def test_inconsistent_cell_refused_naming_the_field(fields: dict[str, Any], message: str) -> None:
    with pytest.raises(ValidationError) as caught:
        RosterCell(agent_id="a01", day=MON, **fields)
    assert message in caught.value.errors()[0]["msg"]


def test_unknown_cell_kind_refused_by_field() -> None:
    with pytest.raises(ValidationError) as caught:
        RosterCell(agent_id="a01", day=MON, kind="overtime")
    assert caught.value.errors()[0]["loc"] == ("kind",)


def test_roster_cells_on_first_and_last_day_accepted() -> None:
    roster = Roster(
        horizon=WEEK, cells=(RosterCell.rest("a01", WEEK.start), RosterCell.rest("a01", WEEK.end))
    )
    assert len(roster.cells) == 2


@pytest.mark.parametrize("day", [date(2024, 6, 16), date(2024, 6, 24)])
def test_cell_outside_the_horizon_refused_naming_the_cell(day: date) -> None:
    cells = (RosterCell.rest("a01", MON), RosterCell.rest("a02", day))
    with pytest.raises(ValidationError) as caught:
        Roster(horizon=WEEK, cells=cells)
    message = caught.value.errors()[0]["msg"]
    assert f"cells[1].day: {day.isoformat()} is outside the horizon 2024-06-17 to 2024-06-23" in message


def test_two_cells_for_one_agent_day_refused() -> None:
    cells = (
        RosterCell.working("a01", MON, "early", "hotline"),
        RosterCell.working("a02", MON, "early", "hotline"),
        RosterCell.working("a01", MON, "late", "hotline"),
    )
    with pytest.raises(ValidationError) as caught:
        Roster(horizon=WEEK, cells=cells)
    assert "cells[2]: agent a01 has two entries on 2024-06-17" in caught.value.errors()[0]["msg"]


def test_roster_from_file_shaped_data() -> None:
    roster = Roster.model_validate(
        {
            "horizon": {"start": "2024-06-17", "days": 7},
            "cells": [
                {
                    "agent_id": "a01",
                    "day": "2024-06-17",
                    "kind": "shift",
                    "shift": "late",
                    "queue": "hotline",
                },
                {"agent_id": "a01", "day": "2024-06-18", "kind": "leave", "leave_type": "personal"},
            ],
        }
    )
    assert roster.cell("a01", TUE) == RosterCell.leave("a01", TUE, LeaveType.PERSONAL)


def small_roster() -> Roster:
    return Roster(
        horizon=PlanningHorizon(start=MON, days=3),
        cells=(
            RosterCell.working("b02", MON, "early", "hotline"),
            RosterCell.leave("a01", MON, LeaveType.SICK),
            RosterCell.rest("a01", TUE),
            RosterCell.working("b02", TUE, "late", "presales_chat"),
        ),
    )


def test_lookups_iteration_and_missing_cells() -> None:
    roster = small_roster()
    assert roster.cell("b02", TUE) == RosterCell.working("b02", TUE, "late", "presales_chat")
    assert roster.cell("b02", WED) is None
    assert roster.cell("zz", MON) is None
    assert roster.agent_ids == ("a01", "b02")
    assert list(roster) == list(roster.cells)
    assert roster.missing_cells(["a01", "b02", "c03"]) == [
        ("a01", WED),
        ("b02", WED),
        ("c03", MON),
        ("c03", TUE),
        ("c03", WED),
    ]


def test_to_frame_has_one_row_per_cell() -> None:
    frame = small_roster().to_frame()
    assert list(frame.columns) == ["agent_id", "day", "kind", "shift", "queue", "leave_type", "break_start"]
    assert len(frame) == 4
    assert frame.iloc[0].tolist()[:5] == ["b02", MON, "shift", "early", "hotline"]


def test_grid_has_agents_as_rows_and_every_horizon_day_as_a_column() -> None:
    grid = small_roster().grid()
    assert grid.index.tolist() == ["a01", "b02"]
    assert grid.columns.tolist() == [MON, TUE, WED]  # Wednesday has no cells yet but still shows
    assert grid[[MON, TUE]].to_numpy().tolist() == [
        ["leave:sick", "rest"],
        ["early@hotline", "late@presales_chat"],
    ]
    assert grid[WED].isna().all()


def test_grid_of_an_empty_roster() -> None:
    grid = Roster(horizon=PlanningHorizon(start=MON, days=2)).grid()
    assert grid.empty
    assert grid.index.name == "agent_id"
    assert grid.columns.tolist() == [MON, TUE]
    assert isinstance(grid, pd.DataFrame)
