"""`wfm forecast` and `wfm forecast backtest` from files, as a scheduler runs them."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from tests.conftest import sample_centre
from wfm.cli import main
from wfm.history import write_history


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    captured = capsys.readouterr()
    return code, captured.out, captured.err


@pytest.fixture(scope="module")
def email_history(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Ten weeks of the sample centre's e-mail queue, as a tidy file."""
    history = sample_centre().history
    frame = history.frame
    keep = (frame["queue"] == "email") & (frame["interval_start"] >= "2025-09-15")
    path = tmp_path_factory.mktemp("history") / "email.csv"
    from wfm.history import ContactHistory

    write_history(ContactHistory(frame[keep].reset_index(drop=True), 60, history.report), path)
    return path


def test_forecast_writes_the_contract_columns(
    capsys: pytest.CaptureFixture[str], email_history: Path, tmp_path: Path
) -> None:
    out = tmp_path / "forecast.csv"
    plot = tmp_path / "forecast.png"
    code, said, err = run(
        capsys,
        "forecast",
        "--history",
        str(email_history),
        "--start",
        "2025-11-24",
        "--horizon",
        "7d",
        "--out",
        str(out),
        "--model",
        "seasonal_median",
        "--plot",
        str(plot),
    )
    assert code == 0, err
    frame = pd.read_csv(out, parse_dates=["interval_start"])
    assert list(frame.columns) == ["queue", "interval_start", "yhat", "yhat_lower", "yhat_upper", "model"]
    assert len(frame) == 168 and frame["interval_start"].min() == pd.Timestamp("2025-11-24")
    assert (frame.loc[frame["interval_start"].dt.hour < 8, "yhat"] == 0).all()
    assert "email" in said and "seasonal_median" in said
    assert plot.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


def test_forecast_reads_a_plain_two_column_csv(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    times = pd.date_range("2025-01-06", periods=24 * 7 * 4, freq="h")
    volume = np.where((times.hour >= 9) & (times.hour < 18), 10 + times.day_of_week, 0)
    source = tmp_path / "volume.csv"
    pd.DataFrame({"timestamp": times.strftime("%Y-%m-%d %H:%M"), "volume": volume}).to_csv(
        source, index=False
    )
    out = tmp_path / "forecast.csv"
    code, _, err = run(
        capsys, "forecast", "--history", str(source), "--out", str(out), "--model", "last_week"
    )
    assert code == 0, err
    frame = pd.read_csv(out, parse_dates=["interval_start"])
    assert frame["interval_start"].min() == pd.Timestamp("2025-02-03")
    expected = np.where(
        (frame["interval_start"].dt.hour >= 9) & (frame["interval_start"].dt.hour < 18),
        10 + frame["interval_start"].dt.day_of_week,
        0,
    )
    np.testing.assert_allclose(frame["yhat"], expected)


def test_backtest_json_names_every_model_and_the_default(
    capsys: pytest.CaptureFixture[str], email_history: Path
) -> None:
    code, out, err = run(
        capsys,
        "forecast",
        "backtest",
        "--history",
        str(email_history),
        "--horizon",
        "168h",
        "--origins",
        "2",
        "--models",
        "last_week,seasonal_mean,seasonal_median",
        "--json",
    )
    assert code == 0, err
    result = json.loads(out)
    assert {score["model"] for score in result["scores"]} == {"last_week", "seasonal_mean", "seasonal_median"}
    for score in result["scores"]:
        assert {"wape", "mape", "mase", "bias", "coverage"} <= set(score)
    best = min(result["scores"], key=lambda score: score["wape"])
    assert result["best_model"] == {"email": best["model"]}
    assert result["default_model"]["name"] == "default"
    assert len(result["origins"]) == 2


@pytest.mark.parametrize(
    ("argv", "words"),
    [
        (("forecast", "--sample"), "--out"),
        (("forecast", "--sample", "--out", "x.csv", "--horizon", "7 days"), "--horizon"),
        (("forecast", "--sample", "--out", "x.csv", "--horizon", "60d"), "horizon"),
        (("forecast", "--sample", "--out", "x.csv", "--model", "crystal_ball"), "crystal_ball"),
        (("forecast", "--out", "x.csv"), "--history"),
        (("forecast", "backtest", "--sample", "--origins", "0"), "--origins"),
    ],
)
def test_forecast_usage_errors(capsys: pytest.CaptureFixture[str], argv: tuple[str, ...], words: str) -> None:
    code, said, err = run(capsys, *argv)
    assert code == 2
    assert words in err
    assert "Traceback" not in said + err
