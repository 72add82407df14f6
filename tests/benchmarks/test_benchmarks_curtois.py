"""The Curtois benchmark script's summary over several seeds: what counts as a run within target."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path
from types import ModuleType

import pytest

SCRIPT = Path(__file__).resolve().parents[2] / "benchmarks" / "curtois.py"


@pytest.fixture(scope="module")
def bench() -> ModuleType:
    """``benchmarks/curtois.py``, loaded from its file (the folder is a place for scripts, not a package)."""
    spec = importlib.util.spec_from_file_location("curtois_bench", SCRIPT)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # its dataclasses look their module up by name
    spec.loader.exec_module(module)
    return module


def _row(bench: ModuleType, name: str, best: int | None, ours: int | None) -> object:
    status = "feasible" if ours is not None else "breaks a hard rule"
    return bench.Row(
        name=name, best=best, ours=ours, lower_bound=None, seconds=60.0, status=status, baseline=None
    )


def _summary_line(bench: ModuleType, rows: list[object], name: str) -> list[str]:
    for line in bench.summary(rows).splitlines()[2:]:
        cells = [cell.strip() for cell in line.strip("|").split("|")]
        if cells[0] == name:
            return cells
    raise AssertionError(f"no line for {name}")


def test_each_instance_gets_its_best_median_worst_and_runs_within_target(bench: ModuleType) -> None:
    rows = [_row(bench, "Instance12", 4040, ours) for ours in (4338, 4200, 4242, 4243)]
    rows += [_row(bench, "Instance8", 1300, ours) for ours in (1326, 1327, 1349)]
    assert _summary_line(bench, rows, "Instance12") == [
        "Instance12",
        "4040",
        "5%",
        "4",
        "4200 (+4.0%)",
        "4242 (+5.0%)",  # the median of four: halfway between 4242 and 4243, shown rounded
        "4338 (+7.4%)",
        "2 of 4",  # 4242 is exactly 5% above 4040: within; 4243 is not
    ]
    assert _summary_line(bench, rows, "Instance8")[2:] == [
        "2%",
        "3",
        "1326 (+2.0%)",
        "1327 (+2.1%)",
        "1349 (+3.8%)",
        "1 of 3",
    ]


def test_a_run_without_a_scored_roster_counts_as_a_run_but_never_within_target(bench: ModuleType) -> None:
    rows = [_row(bench, "Instance2", 828, 828), _row(bench, "Instance2", 828, None)]
    cells = _summary_line(bench, rows, "Instance2")
    assert cells[2:] == ["best known", "2", "828 (+0.0%)", "828 (+0.0%)", "828 (+0.0%)", "1 of 2"]


def test_an_instance_without_a_target_says_so_rather_than_counting(bench: ModuleType) -> None:
    rows = [_row(bench, "Instance8x2", 2600, 2704)]
    cells = _summary_line(bench, rows, "Instance8x2")
    assert (cells[2], cells[-1]) == ("-", "-")
    assert bench.target_gap("Instance13") is None
    assert [bench.target_gap(f"Instance{n}") for n in (1, 4, 5, 11, 12)] == [0.0, 0.0, 0.02, 0.02, 0.05]
