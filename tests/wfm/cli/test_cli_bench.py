"""`wfm bench curtois`: a real instance solved and scored by the benchmark's own rules; clear errors."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from wfm.cli import main

CURTOIS_DIR = Path(__file__).resolve().parents[3].parent / "shared" / "benchmarks" / "curtois"


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    captured = capsys.readouterr()
    return code, captured.out, captured.err


@pytest.fixture(scope="module")
def instance1() -> Path:
    path = CURTOIS_DIR / "Instance1.txt"
    if not path.is_file():
        pytest.skip(f"Curtois benchmark instances not present at {CURTOIS_DIR} (only on the team's machines)")
    return path


def test_curtois_instance1_as_json(capsys: pytest.CaptureFixture[str], instance1: Path) -> None:
    from solver.benchmarks.curtois import evaluate, parse_instance

    code, out, err = run(capsys, "bench", "curtois", str(instance1), "--time-limit", "5", "--json")
    assert code == 0, err
    report = json.loads(out)
    assert set(report) == {"instance", "status", "objective", "lower_bound", "seconds", "roster"}
    assert report["instance"] == "Instance1"
    assert report["status"] == "optimal"
    assert report["objective"] == 607
    assert report["lower_bound"] == pytest.approx(607)
    assert 0 < report["seconds"] <= 10
    instance = parse_instance(instance1)
    assert sorted(report["roster"]) == sorted(instance.employee_ids)
    assert all(len(row) == 14 and set(row) <= {"D", None} for row in report["roster"].values())
    evaluation = evaluate(instance, report["roster"])
    assert evaluation.hard_violations == []
    assert evaluation.objective == report["objective"]


def test_curtois_as_text(capsys: pytest.CaptureFixture[str], instance1: Path) -> None:
    code, out, _ = run(capsys, "bench", "curtois", str(instance1), "--time-limit", "5")
    assert code == 0
    assert "Instance1: optimal" in out
    assert "objective 607 (best known 607)" in out


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (("--time-limit", "0"), "--time-limit: must be above 0 seconds"),
        (("--workers", "0"), "--workers: must be 1 or more"),
    ],
)
def test_bad_settings_are_clear_errors(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, argv: tuple[str, ...], message: str
) -> None:
    path = tmp_path / "Instance0.txt"
    path.write_text("SECTION_HORIZON\n7\n")
    code, out, err = run(capsys, "bench", "curtois", str(path), *argv)
    assert code == 2
    assert out == ""
    assert message in err
    assert "Traceback" not in err


def test_missing_file_is_a_clear_error(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    code, _, err = run(capsys, "bench", "curtois", str(tmp_path / "nope.txt"), "--time-limit", "1")
    assert code == 2
    assert "nope.txt: no such file" in err


def test_malformed_instance_names_its_problems(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    path = tmp_path / "Broken.txt"
    path.write_text("SECTION_HORIZON\nseven\n\nSECTION_SHIFTS\nD,480,\n")
    code, _, err = run(capsys, "bench", "curtois", str(path), "--time-limit", "1")
    assert code == 2
    assert "not a valid Curtois instance file" in err
    assert "expected a whole number, got 'seven'" in err
    assert "section SECTION_STAFF is missing" in err
