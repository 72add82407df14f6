"""`wfm staff`: a forecast file in, the requirement per queue and interval out."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from tests.conftest import sample_centre
from wfm.cli import main


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    captured = capsys.readouterr()
    return code, captured.out, captured.err


@pytest.fixture
def forecast_file(tmp_path: Path) -> Path:
    frame = sample_centre().history.frame
    day = frame[(frame["interval_start"] >= "2025-09-01") & (frame["interval_start"] < "2025-09-02")]
    path = tmp_path / "forecast.csv"
    pd.DataFrame(
        {
            "queue": day["queue"],
            "interval_start": day["interval_start"],
            "yhat": day["contacts"].astype(float),
            "yhat_lower": 0.0,
            "yhat_upper": 0.0,
            "model": "test",
        }
    ).to_csv(path, index=False)
    return path


def test_staff_writes_the_requirement(
    capsys: pytest.CaptureFixture[str], forecast_file: Path, tmp_path: Path
) -> None:
    out = tmp_path / "requirement.csv"
    code, said, err = run(capsys, "staff", "--forecast", str(forecast_file), "--sample", "--out", str(out))
    assert code == 0, err
    plan = pd.read_csv(out)
    assert {"queue", "interval_start", "raw", "agents", "service_level", "method"} <= set(plan.columns)
    assert len(plan) == 4 * 24
    assert "hotline" in said and "erlang_a" in said


def test_site_file_and_overrides(
    capsys: pytest.CaptureFixture[str], forecast_file: Path, tmp_path: Path
) -> None:
    site = tmp_path / "site.json"
    sample_centre().site.save(site)
    low, high = tmp_path / "low.csv", tmp_path / "high.csv"
    assert (
        run(
            capsys,
            "staff",
            "--forecast",
            str(forecast_file),
            "--site",
            str(site),
            "--out",
            str(low),
            "--shrinkage",
            "0.1",
        )[0]
        == 0
    )
    assert (
        run(
            capsys,
            "staff",
            "--forecast",
            str(forecast_file),
            "--site",
            str(site),
            "--out",
            str(high),
            "--shrinkage",
            "0.4",
        )[0]
        == 0
    )
    low_plan, high_plan = pd.read_csv(low), pd.read_csv(high)
    assert (low_plan["raw"] == high_plan["raw"]).all()
    assert high_plan["agents"].sum() > low_plan["agents"].sum()


@pytest.mark.parametrize(
    ("extra", "words"),
    [
        (("--shrinkage", "1.5"), "shrinkage"),
        (("--max-occupancy", "0"), "max_occupancy"),
        (("--site", "nowhere.json", "--sample"), "--sample"),
    ],
)
def test_staff_refuses_bad_settings(
    capsys: pytest.CaptureFixture[str],
    forecast_file: Path,
    tmp_path: Path,
    extra: tuple[str, ...],
    words: str,
) -> None:
    args = ["staff", "--forecast", str(forecast_file), "--out", str(tmp_path / "x.csv")]
    if "--site" not in extra:
        args.append("--sample")
    code, said, err = run(capsys, *args, *extra)
    assert code == 2 and words in err and "Traceback" not in said + err
    assert not (tmp_path / "x.csv").exists()
