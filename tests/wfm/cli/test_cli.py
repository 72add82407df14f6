"""The `wfm` command: help everywhere, clear errors (exit 2, no traceback), real work on real files."""

from __future__ import annotations

import csv
import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import pyarrow.compute
import pyarrow.parquet
import pytest
import typer

from wfm.cli import app, main
from wfm.sample_centre.generate import DATA_DIR, HISTORY_FILE


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def _commands(group: Any, prefix: tuple[str, ...] = ()) -> list[tuple[str, ...]]:
    found: list[tuple[str, ...]] = []
    for name, command in getattr(group, "commands", {}).items():
        found.append((*prefix, name))
        found += _commands(command, (*prefix, name))
    return found


ALL_COMMANDS = _commands(typer.main.get_command(app))


def test_only_subcommands_that_do_real_work_exist() -> None:
    assert sorted(ALL_COMMANDS) == sorted(
        [
            ("data",),
            ("data", "import"),
            ("data", "summary"),
            ("data", "presets"),
            ("forecast",),
            ("forecast", "backtest"),
            ("staff",),
            ("bench",),
            ("bench", "curtois"),
            ("roster",),
            ("leave",),
            ("leave", "check"),
            ("demo",),
            ("swap",),
            ("swap", "check"),
            ("swap", "partners"),
            ("scenario",),
            ("scenario", "run"),
            ("scenario", "compare"),
            ("scenario", "sweep"),
            ("serve",),
            ("admin",),
            ("admin", "create-manager"),
        ]
    )


@pytest.mark.parametrize("command", ALL_COMMANDS, ids=" ".join)
def test_every_subcommand_has_help(capsys: pytest.CaptureFixture[str], command: tuple[str, ...]) -> None:
    code, out, _ = run(capsys, *command, "--help")
    assert code == 0
    assert "Usage: wfm " + " ".join(command) in out
    assert len(out.splitlines()) > 4


def test_installed_console_script_runs() -> None:
    wfm = Path(sys.executable).with_name("wfm")
    done = subprocess.run([str(wfm), "--help"], capture_output=True, text=True, check=False)
    assert done.returncode == 0, done.stderr
    assert "data" in done.stdout


def _sample_total() -> int:
    table = pyarrow.parquet.read_table(DATA_DIR / HISTORY_FILE, columns=["contacts"])
    return int(pyarrow.compute.sum(table["contacts"]).as_py())


def test_summary_of_the_sample_centre(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = run(capsys, "data", "summary", "--sample", "--json")
    assert code == 0, err
    summary = json.loads(out)
    queues = {q["queue"]: q for q in summary["queues"]}
    assert sorted(queues) == ["aftersales_chat", "email", "hotline", "presales_chat"]
    assert sum(q["total_contacts"] for q in queues.values()) == _sample_total()
    assert all(q["missing_intervals"] == 0 for q in queues.values())
    code, text, _ = run(capsys, "data", "summary", "--sample")
    assert code == 0 and "presales_chat" in text


def test_import_then_summary_round_trip(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    source = tmp_path / "counts.csv"
    source.write_text(
        "queue,interval_start,contacts\n"
        "chat,2025-03-03 09:00,10\nchat,2025-03-03 09:30,5\n"
        "chat,2025-03-03 10:00,7\nchat,2025-03-03 10:30,8\n",
        encoding="utf-8",
    )
    out = tmp_path / "tidy.csv"
    code, said, err = run(capsys, "data", "import", str(source), "--out", str(out), "--interval", "60")
    assert code == 0, err
    assert "imported 4 of 4 rows" in said
    code, text, err = run(capsys, "data", "summary", str(out), "--json")
    assert code == 0, err
    queue = json.loads(text)["queues"][0]
    assert queue["total_contacts"] == 30


def test_bad_input_is_a_clear_error_and_writes_nothing(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    source = tmp_path / "counts.csv"
    source.write_text(
        "queue,interval_start,contacts\nchat,2025-03-03 09:00,10\nchat,2025-03-03 10:00,-4\n",
        encoding="utf-8",
    )
    out = tmp_path / "tidy.csv"
    code, said, err = run(capsys, "data", "import", str(source), "--out", str(out))
    assert code == 2
    assert "line 3" in err and "contacts" in err
    assert "Traceback" not in err + said
    assert not out.exists()


@pytest.mark.parametrize(
    ("argv", "words"),
    [
        (("data", "summary"), "--sample"),
        (("data", "summary", "no-such-file.csv"), "no such file"),
        (("data", "import", "x.csv", "--out", "y.csv", "--mapping", "no-such-preset"), "no-such-preset"),
        (("data", "summary", "x.csv", "--interval", "7"), "--interval"),
        (("data", "summary", "x.csv", "--open", "08:00-25:00"), "25:00"),
        (("data", "summary", "--sample", "--interval", "30"), "not to --sample"),
        (("data", "import", "x.csv"), "--out"),
    ],
)
def test_usage_errors_name_what_is_wrong(
    capsys: pytest.CaptureFixture[str], argv: tuple[str, ...], words: str
) -> None:
    code, said, err = run(capsys, *argv)
    assert code == 2
    assert words in err
    assert "Traceback" not in err + said


def test_summary_of_the_real_per_call_file(capsys: pytest.CaptureFixture[str], shared_data: Path) -> None:
    calls = shared_data / "anonymous_bank_calls_1999_02" / "calls.tsv"
    code, out, err = run(capsys, "data", "summary", str(calls), "--mapping", "anonymous-bank-1999", "--json")
    assert code == 0, err
    summary = json.loads(out)
    with calls.open(newline="") as handle:
        rows = list(csv.DictReader(handle, delimiter="\t"))
    real = [row for row in rows if row["outcome"] != "PHANTOM"]
    assert summary["report"]["rows_read"] == len(rows) == 33_344
    assert summary["report"]["rows_imported"] == len(real)
    totals = {q["queue"]: q["total_contacts"] for q in summary["queues"]}
    for queue in {row["type"] for row in real}:
        assert totals[queue] == sum(row["type"] == queue for row in real)


def test_summary_of_the_real_interval_file(capsys: pytest.CaptureFixture[str], shared_data: Path) -> None:
    counts = shared_data / "bank_calls_2003" / "bank_calls_5min.csv"
    code, out, err = run(capsys, "data", "summary", str(counts), "--mapping", "bank-calls-2003", "--json")
    assert code == 0, err
    with counts.open(newline="") as handle:
        total = sum(int(row["Calls"]) for row in csv.DictReader(handle))
    (queue,) = json.loads(out)["queues"]
    assert queue["total_contacts"] == total
