"""``wfm swap check`` and ``wfm swap partners`` on a roster file written by ``wfm roster``."""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
import pytest

from tests.wfm.cli.test_cli_roster import requirement_file, run, site_file

__all__ = ["requirement_file", "site_file"]  # fixtures, used by name


@pytest.fixture
def roster_file(
    capsys: pytest.CaptureFixture[str], site_file: Path, requirement_file: Path, tmp_path: Path
) -> Path:
    out = tmp_path / "roster.csv"
    argv = ["roster", "--site", str(site_file), "--requirement", str(requirement_file), "--out", str(out)]
    code, _, err = run(capsys, *argv, "--time-limit", "2", "--workers", "2")
    assert code == 0, err
    return out


def _inputs(site_file: Path, requirement_file: Path, roster_file: Path) -> list[str]:
    return ["--roster", str(roster_file), "--site", str(site_file), "--requirement", str(requirement_file)]


def test_partners_all_pass_when_checked_and_a_broken_swap_exits_1_naming_the_rule(
    capsys: pytest.CaptureFixture[str], site_file: Path, requirement_file: Path, roster_file: Path
) -> None:
    inputs = _inputs(site_file, requirement_file, roster_file)
    frame = pd.read_csv(roster_file, dtype=str, keep_default_na=False)
    days = sorted(frame["day"].unique())
    tried = 0
    for day in days[1:]:
        for agent in sorted(frame[(frame["day"] == day) & (frame["kind"] == "shift")]["agent_id"]):
            code, said, err = run(
                capsys, "swap", "partners", *inputs, "--agent", agent, "--day", day, "--json"
            )
            assert code == 0, err
            for partner in json.loads(said):
                argv = ["swap", "check", *inputs, "--kind", partner["kind"], "--requester", agent]
                code, said, err = run(capsys, *argv, "--partner", partner["partner"], "--day", day)
                assert code == 0 and said.startswith("pass"), (said, err)
                tried += 1
            if tried >= 3:
                break
        if tried >= 3:
            break
    assert tried, "some shift has a partner"
    working = frame[(frame["day"] == days[2]) & (frame["kind"] == "shift")]["agent_id"].tolist()
    argv = [
        "swap",
        "check",
        *inputs,
        "--kind",
        "give_away",
        "--requester",
        working[0],
        "--partner",
        working[1],
    ]
    code, said, _ = run(capsys, *argv, "--day", days[2])
    assert code == 1 and said.startswith("error") and "to rest" in said


def test_a_swap_too_soon_or_malformed_is_refused_naming_the_field(
    capsys: pytest.CaptureFixture[str], site_file: Path, requirement_file: Path, roster_file: Path
) -> None:
    inputs = _inputs(site_file, requirement_file, roster_file)
    frame = pd.read_csv(roster_file, dtype=str, keep_default_na=False)
    day = sorted(frame["day"].unique())[1]
    argv = [
        "swap",
        "check",
        *inputs,
        "--kind",
        "trade",
        "--requester",
        "S01",
        "--partner",
        "S02",
        "--day",
        day,
    ]
    code, said, _ = run(capsys, *argv, "--today", day)
    assert code == 1 and "too soon" in said
    code, _, err = run(
        capsys,
        "swap",
        "check",
        *inputs,
        "--kind",
        "trade",
        "--requester",
        "S01",
        "--partner",
        "S01",
        "--day",
        day,
    )
    assert code != 0 and "partner" in err
    code, _, err = run(
        capsys,
        "swap",
        "check",
        *inputs,
        "--kind",
        "trade",
        "--requester",
        "S01",
        "--partner",
        "S02",
        "--day",
        "soon",
    )
    assert code != 0 and "--day" in err
