"""`wfm roster` and `wfm demo`: files in, a roster keeping every hard rule out, errors naming the field."""

from __future__ import annotations

import json
from datetime import date, datetime, timedelta
from pathlib import Path

import pandas as pd
import pytest

from solver import check_roster, problem_from_site
from solver.report import read_roster_csv
from solver.rules import HARD_RULES
from wfm.cli import main
from wfm.cli.roster import load_leave, load_requirement
from wfm.domain import (
    Agent,
    BreakWindow,
    Channel,
    Contract,
    OpeningHours,
    PlanningHorizon,
    Queue,
    ServiceTarget,
    ShiftTemplate,
    Site,
    parse_clock,
)

MONDAY = date(2025, 12, 1)
HARD = {rule.name for rule in HARD_RULES}


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def _small_site(agents: int = 8) -> Site:
    """Eight agents on a hotline and a chat queue, the manuals' early and late shifts and rules."""
    return Site(
        name="Small centre",
        opening_hours=OpeningHours.every_day("08:30-24:00"),
        interval_minutes=60,
        queues=(
            Queue(
                code="hotline",
                name="Hotline",
                channel=Channel.PHONE,
                service_target=ServiceTarget(share=0.8, answer_within_s=20),
                aht_s=240,
            ),
            Queue(
                code="chat",
                name="Chat",
                channel=Channel.CHAT,
                service_target=ServiceTarget(share=0.8, answer_within_s=30),
                aht_s=540,
                concurrency=3,
            ),
        ),
        shift_templates=(
            ShiftTemplate.from_clock(
                "early",
                "08:30",
                "17:30",
                unpaid_break_minutes=60,
                break_window=BreakWindow(
                    earliest_start=parse_clock("11:00"), latest_start=parse_clock("13:00")
                ),
            ),
            ShiftTemplate.from_clock(
                "late",
                "15:00",
                "24:00",
                unpaid_break_minutes=60,
                break_window=BreakWindow(
                    earliest_start=parse_clock("17:00"), latest_start=parse_clock("19:00")
                ),
            ),
        ),
        agents=tuple(
            Agent(
                id=f"S{n:02d}",
                name=f"Agent {n}",
                group="G1",
                skills=frozenset({"hotline", "chat"} if n % 2 else {"hotline"}),
                contract=Contract(),
            )
            for n in range(1, agents + 1)
        ),
    )


@pytest.fixture
def site_file(tmp_path: Path) -> Path:
    path = tmp_path / "site.json"
    _small_site().save(path)
    return path


@pytest.fixture
def requirement_file(tmp_path: Path) -> Path:
    """A week from Monday 1 Dec 2025: 2 on the hotline and 1 on chat through the day, 3 and 2 at 20-22 h."""
    rows = []
    for offset in range(7):
        day = datetime.combine(MONDAY + timedelta(days=offset), datetime.min.time())
        for hour in range(24):
            open_hour = 9 <= hour < 24
            peak = 20 <= hour < 22
            for queue, base, high in (("hotline", 2, 3), ("chat", 1, 2)):
                agents = (high if peak else base) if open_hour else 0
                rows.append((queue, day + timedelta(hours=hour), 8.0 * agents, agents))
    path = tmp_path / "requirement.csv"
    pd.DataFrame(rows, columns=["queue", "interval_start", "volume", "agents"]).to_csv(path, index=False)
    return path


def test_roster_from_files_keeps_every_hard_rule(
    capsys: pytest.CaptureFixture[str], site_file: Path, requirement_file: Path, tmp_path: Path
) -> None:
    leave = tmp_path / "leave.json"
    leave.write_text(
        json.dumps(
            [
                {
                    "agent_id": "S03",
                    "leave_type": "annual",
                    "first_day": "2025-12-03",
                    "last_day": "2025-12-03",
                    "status": "approved",
                }
            ]
        ),
        encoding="utf-8",
    )
    out, report = tmp_path / "roster.csv", tmp_path / "roster.html"
    argv = ["roster", "--site", str(site_file), "--requirement", str(requirement_file), "--leave", str(leave)]
    code, said, err = run(
        capsys, *argv, "--out", str(out), "--html", str(report), "--time-limit", "2", "--workers", "2"
    )
    assert code == 0, err
    frame = pd.read_csv(out, dtype=str, keep_default_na=False)
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
    assert len(frame) == 8 * 7
    on_leave = frame[(frame["agent_id"] == "S03") & (frame["day"] == "2025-12-03")].iloc[0]
    assert (on_leave["kind"], on_leave["leave_type"]) == ("leave", "annual")

    site = Site.load(site_file)
    requirement, _ = load_requirement(requirement_file, site)
    problem = problem_from_site(
        site, PlanningHorizon(start=MONDAY, days=7), requirement=requirement, leave=load_leave(leave)
    )
    roster = read_roster_csv(out, problem.horizon)
    hard = [v for v in check_roster(problem, roster.cells) if v.rule in HARD]
    assert hard == []

    assert "S01 Agent 1" in said and "Mon 1" in said  # the grid
    assert "paid hours" in said and "short" in said  # the KPI summary
    assert "solver: " in said and "objective" in said
    page = report.read_text(encoding="utf-8")
    assert all(f'data-agent="S{n:02d}"' in page for n in range(1, 9))
    assert page.count('<svg class="chart"') == 2


def test_roster_json_output(
    capsys: pytest.CaptureFixture[str], site_file: Path, requirement_file: Path, tmp_path: Path
) -> None:
    out = tmp_path / "roster.csv"
    argv = ["roster", "--site", str(site_file), "--requirement", str(requirement_file), "--out", str(out)]
    code, said, err = run(capsys, *argv, "--time-limit", "2", "--json")
    assert code == 0, err
    found = json.loads(said)
    assert found["status"] in ("optimal", "feasible")
    assert found["hard_violations"] == []
    summary = found["kpis"]["summary"]
    assert summary["agents"] == 8 and summary["days"] == 7
    assert summary["paid_hours"] == pytest.approx(sum(a["paid_hours"] for a in found["kpis"]["agents"]))
    assert {q["queue"] for q in found["kpis"]["queues"]} == {"hotline", "chat"}
    assert found["kpis"]["queues"][0]["service_level"] is not None  # from the plan's volume column


def test_infeasible_roster_lists_the_conflict_and_exits_1(
    capsys: pytest.CaptureFixture[str], requirement_file: Path, tmp_path: Path
) -> None:
    site = tmp_path / "site.json"
    _small_site(agents=1).save(site)  # one agent cannot be two closing staff
    out = tmp_path / "roster.csv"
    code, _, err = run(
        capsys, "roster", "--site", str(site), "--requirement", str(requirement_file), "--out", str(out)
    )
    assert code == 1
    assert "infeasible" in err
    assert "closing staff" in err
    assert not out.exists()


@pytest.mark.parametrize(
    ("extra", "words"),
    [
        (("--out", "roster.txt"), "--out"),
        (("--out", "roster.csv", "--html", "report.pdf"), "--html"),
        (("--out", "roster.csv", "--days", "0"), "--days"),
        (("--out", "roster.csv", "--time-limit", "0"), "--time-limit"),
        (("--out", "roster.csv", "--workers", "0"), "--workers"),
        (("--out", "roster.csv", "--start", "2025-13-01"), "--start"),
        (("--out", "roster.csv", "--start", "2030-01-06"), "--start"),
        (("--out", "roster.csv", "--sample"), "--site"),
        ((), "--out"),
    ],
)
def test_usage_errors_name_the_field(
    capsys: pytest.CaptureFixture[str],
    site_file: Path,
    requirement_file: Path,
    tmp_path: Path,
    extra: tuple[str, ...],
    words: str,
) -> None:
    argv = ["roster", "--site", str(site_file), "--requirement", str(requirement_file)]
    code, said, err = run(capsys, *argv, *[str(tmp_path / a) if a.endswith(".csv") else a for a in extra])
    assert code == 2
    assert words in err
    assert "Traceback" not in err + said
    assert not (tmp_path / "roster.csv").exists()


def test_site_without_requirement_is_refused(
    capsys: pytest.CaptureFixture[str], site_file: Path, tmp_path: Path
) -> None:
    code, _, err = run(capsys, "roster", "--site", str(site_file), "--out", str(tmp_path / "r.csv"))
    assert code == 2 and "--requirement" in err


def test_requirement_for_an_unknown_queue_is_refused(
    capsys: pytest.CaptureFixture[str], site_file: Path, tmp_path: Path
) -> None:
    requirement = tmp_path / "requirement.csv"
    requirement.write_text("queue,interval_start,agents\nemail,2025-12-01 09:00,1\n", encoding="utf-8")
    argv = ["roster", "--site", str(site_file), "--requirement", str(requirement)]
    code, _, err = run(capsys, *argv, "--out", str(tmp_path / "r.csv"))
    assert code == 2
    assert "column 'queue'" in err and "email" in err


def test_bad_leave_names_the_request_and_field(
    capsys: pytest.CaptureFixture[str], site_file: Path, requirement_file: Path, tmp_path: Path
) -> None:
    leave = tmp_path / "leave.json"
    leave.write_text(
        json.dumps(
            {
                "leave_requests": [
                    {
                        "agent_id": "S01",
                        "leave_type": "holiday",
                        "first_day": "2025-12-02",
                        "last_day": "2025-12-02",
                    }
                ]
            }
        ),
        encoding="utf-8",
    )
    argv = ["roster", "--site", str(site_file), "--requirement", str(requirement_file), "--leave", str(leave)]
    code, _, err = run(capsys, *argv, "--out", str(tmp_path / "r.csv"))
    assert code == 2
    assert "leave_requests[0].leave_type" in err


def test_demo_html_must_be_html(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    code, _, err = run(capsys, "demo", "--html", str(tmp_path / "report.pdf"))
    assert code == 2 and "--html" in err


def test_demo_runs_the_whole_job(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    # A 4 s search (the default is 10 s) finds a roster of the sample week as surely, as the API tests'
    # 2-4 s solves of the same week do; what is checked here is the job and the report, not the cost.
    code, said, err = run(capsys, "demo", "--out-dir", str(tmp_path), "--time-limit", "4")
    assert code == 0, err
    for name in ("demo-report.html", "forecast.csv", "requirement.csv", "roster.csv"):
        assert (tmp_path / name).is_file(), name
    page = (tmp_path / "demo-report.html").read_text(encoding="utf-8")
    assert page.count('<svg class="chart"') == 4
    assert page.count("<tr data-agent=") == 82
    assert "http" not in page
    for step in ("forecast the week", "staffing requirement", "roster (solver", "KPIs", "report", "total"):
        assert step in said
    assert "coverage" in said and "service (projected)" in said
    roster = pd.read_csv(tmp_path / "roster.csv")
    assert roster["agent_id"].nunique() == 82
