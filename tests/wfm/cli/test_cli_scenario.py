"""`wfm scenario run / compare / sweep`: files in, KPIs, reports and tables out; bad input exits 2 naming
the field, never a traceback."""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
import pytest

from solver.report import read_roster_csv, write_roster_csv
from tests.wfm.scenarios.conftest import HORIZON, LEAVE, Centre, small_forecast, small_site, solve_centre
from wfm.cli import main
from wfm.pipeline import roster_problem
from wfm.scenarios.overrides import EXAMPLES_DIR

PEAK = """
name = "peak"
description = "chat at double volume for two days"

[[volume]]
queues = ["chat"]
days = [1, 2]
multiplier = 2
"""

TWO = """
[[scenario]]
name = "quiet"
[[scenario.volume]]
multiplier = 0.5

[[scenario]]
name = "quiet + strict"
based_on = "quiet"
[scenario.rules]
min_closing_staff = 3
"""


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    captured = capsys.readouterr()
    return code, captured.out, captured.err


@pytest.fixture(scope="module")
def centre() -> Centre:
    return solve_centre()


@pytest.fixture
def files(tmp_path: Path, centre: Centre) -> dict[str, Path]:
    paths = {
        "site": tmp_path / "site.json",
        "forecast": tmp_path / "forecast.csv",
        "roster": tmp_path / "roster.csv",
        "peak": tmp_path / "peak.toml",
        "two": tmp_path / "two.toml",
        "leave": tmp_path / "leave.json",
    }
    small_site().save(paths["site"])
    small_forecast().to_csv(paths["forecast"], index=False)
    write_roster_csv(paths["roster"], roster_problem(centre.site, HORIZON, None), centre.roster)
    paths["peak"].write_text(PEAK, encoding="utf-8")
    paths["two"].write_text(TWO, encoding="utf-8")
    # the leave the roster was solved with: without it, S03's leave day would count as a missing shift
    leave = [request.model_dump(mode="json") for request in LEAVE]
    paths["leave"].write_text(json.dumps(leave), encoding="utf-8")
    return paths


def _base(files: dict[str, Path]) -> list[str]:
    return [
        "--site",
        str(files["site"]),
        "--forecast",
        str(files["forecast"]),
        "--roster",
        str(files["roster"]),
        "--leave",
        str(files["leave"]),
    ]


def test_run_writes_kpis_and_both_rosters_and_leaves_the_current_roster_alone(
    capsys: pytest.CaptureFixture[str], files: dict[str, Path], tmp_path: Path
) -> None:
    before = files["roster"].read_bytes()
    out = tmp_path / "out"
    argv = ["scenario", "run", str(files["peak"]), *_base(files), "--out-dir", str(out)]
    code, text, err = run(capsys, *argv, "--time-limit", "1.5", "--solver-threads", "1")
    assert code == 0, err
    for label in ("baseline (current roster)", "peak (current roster)", "peak (re-solved)"):
        assert f"== {label}" in text
    assert "change: volume x2 (+100%) on chat, days 1-2" in text
    assert "understaffed agent-hours" in text and "per queue:" in text
    assert files["roster"].read_bytes() == before
    names = sorted(p.name for p in out.iterdir())
    assert names == [
        "intervals.csv",
        "kpis.csv",
        "queues.csv",
        "roster-baseline-evaluate.csv",
        "roster-peak-evaluate.csv",
        "roster-peak-resolve.csv",
    ]
    current = read_roster_csv(files["roster"], HORIZON)
    assert read_roster_csv(out / "roster-peak-evaluate.csv", HORIZON).cells == current.cells
    kpis = pd.read_csv(out / "kpis.csv")
    assert list(kpis["label"]) == ["baseline (current roster)", "peak (current roster)", "peak (re-solved)"]
    assert kpis.loc[1, "required_fte"] > kpis.loc[0, "required_fte"]


def test_run_as_json(capsys: pytest.CaptureFixture[str], files: dict[str, Path]) -> None:
    code, text, _ = run(
        capsys, "scenario", "run", str(files["peak"]), *_base(files), "--mode", "evaluate", "--json"
    )
    assert code == 0
    found = json.loads(text)
    assert [r["label"] for r in found["results"]] == ["baseline (current roster)", "peak (current roster)"]
    assert found["results"][1]["summary"]["service_level"] < found["results"][0]["summary"]["service_level"]


def test_compare_writes_a_report_with_every_scenario(
    capsys: pytest.CaptureFixture[str], files: dict[str, Path], tmp_path: Path
) -> None:
    report, charts, table = tmp_path / "c.html", tmp_path / "charts", tmp_path / "kpis.csv"
    argv = ["scenario", "compare", str(files["peak"]), str(files["two"]), *_base(files), "--mode", "evaluate"]
    code, text, err = run(capsys, *argv, "--html", str(report), "--png-dir", str(charts), "--csv", str(table))
    assert code == 0, err
    labels = [
        "baseline (current roster)",
        "peak (current roster)",
        "quiet (current roster)",
        "quiet + strict (current roster)",
    ]
    page = report.read_text(encoding="utf-8")
    for label in labels:
        assert label in text and label in page
    assert "[closing_staff]" in page or "no rule violations" in page
    assert "[contract]" not in page  # S03's leave day is leave, not a shift missing from the contract
    assert list(pd.read_csv(table)["label"]) == labels
    assert sorted(p.name for p in charts.iterdir()) == ["coverage.png", "service.png"]


def test_sweep_writes_one_table(
    capsys: pytest.CaptureFixture[str], files: dict[str, Path], tmp_path: Path
) -> None:
    out = tmp_path / "sweep.csv"
    argv = [
        "scenario",
        "sweep",
        *_base(files),
        "--mode",
        "evaluate",
        "--volume",
        "1,2",
        "--volume-queues",
        "chat",
    ]
    code, text, err = run(
        capsys, *argv, "--shrinkage", "0.3,0.4", "--workers", "2", "--no-progress", "--out", str(out)
    )
    assert code == 0, err
    assert "4 scenarios in" in text and "2 processes" in text
    table = pd.read_csv(out)
    assert list(zip(table["volume"], table["shrinkage"], strict=True)) == [
        ("x1", "30%"),
        ("x1", "40%"),
        ("x2", "30%"),
        ("x2", "40%"),
    ]
    assert (table["status"] == "evaluated").all()
    assert table["chat_short_h"].iloc[2] > table["chat_short_h"].iloc[0]


@pytest.mark.parametrize(
    ("scenario", "extra", "words"),
    [
        ('name = "x"\n[[volume]]\nmultiplier = 2\nqueues = ["email"]\n', [], "volume[0].queues"),
        ('name = "x"\n[[volume]]\nmultiplier = -2\n', [], "volume[0].multiplier"),
        ('name = "x"\n[[volume]]\nmultiplier = 2\nhours = [20, 26]\n', [], "volume[0].hours"),
        ('name = "x"\n[team]\nremove = ["S99"]\n', [], "team.remove[0]"),
        ('name = "x"\n[shifts]\nremove = ["night"]\n', [], "shifts.remove[0]"),
        ('name = "x"\n', ["--mode", "sometimes"], "--mode"),
        ('name = "x"\n', ["--days", "40"], "--days"),
        ('name = "x"\n', ["--time-limit", "0"], "--time-limit"),
        ("name = \n", [], "not valid TOML"),
    ],
)
def test_bad_input_exits_2_naming_the_field(
    capsys: pytest.CaptureFixture[str],
    files: dict[str, Path],
    tmp_path: Path,
    scenario: str,
    extra: list[str],
    words: str,
) -> None:
    path = tmp_path / "bad.toml"
    path.write_text(scenario, encoding="utf-8")
    code, _, err = run(capsys, "scenario", "run", str(path), *_base(files), "--mode", "evaluate", *extra)
    assert code == 2
    assert words in err and "Traceback" not in err


def test_other_refusals(capsys: pytest.CaptureFixture[str], files: dict[str, Path]) -> None:
    code, _, err = run(capsys, "scenario", "run", str(files["two"]), *_base(files))
    assert code == 2 and "--name" in err and "quiet + strict" in err
    code, _, err = run(capsys, "scenario", "run", str(files["peak"]), "--site", str(files["site"]))
    assert code == 2 and "--forecast" in err
    sweep = ["scenario", "sweep", *_base(files), "--out", "x.csv"]
    code, _, err = run(capsys, *sweep)
    assert code == 2 and "at least one axis" in err
    code, _, err = run(capsys, *sweep, "--volume", "1,two")
    assert code == 2 and "--volume" in err
    code, _, err = run(capsys, *sweep, "--volume", "2", "--volume-days", "0-3")
    assert code == 2 and "--volume-days" in err


def test_the_double11_example_on_the_sample_centre(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    report = tmp_path / "double11.html"
    argv = ["scenario", "compare", str(EXAMPLES_DIR / "double11.toml"), "--mode", "evaluate"]
    code, text, err = run(capsys, *argv, "--time-limit", "2", "--html", str(report))
    assert code == 0, err
    for label in (
        "Double 11 (current roster)",
        "Double 11 + 15 temps (current roster)",
        "Double 11 + mid shift",
    ):
        assert label in text
    assert "forecast by seasonal_mean" in text
    assert "Double 11 + 15 temps" in report.read_text(encoding="utf-8")
