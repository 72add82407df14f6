"""Writing and reading the tidy series, and the contract checks on what is read."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pandas as pd
import pytest

from wfm.errors import InputError, Problem
from wfm.history import (
    ContactHistory,
    CountsMapping,
    ImportReport,
    import_interval_counts,
    read_history,
    write_history,
)

WriteText = Callable[[str, str], Path]


@pytest.fixture
def history(write_text: WriteText) -> ContactHistory:
    rows = ["interval_start,queue,contacts,aht_s,abandoned"]
    for day in ("2024-03-04", "2024-03-05", "2024-03-11"):
        for minute in (0, 30):
            rows.append(f"{day} 09:{minute:02d},phone,{minute // 10 + 3},187.3333333333,1")
    rows.append("2024-03-04 10:00,chat,2,61.5,0")
    # Tuesday has no 09:30 row, so Tuesday 09:30 is inferred closed.
    text = "\n".join(row for row in rows if not row.startswith("2024-03-05 09:30")) + "\n"
    return import_interval_counts(
        write_text("in.csv", text), mapping=CountsMapping(aht_s="aht_s", abandoned="abandoned")
    )


@pytest.mark.parametrize("name", ["series.csv", "series.parquet"])
def test_round_trip_keeps_every_value(history: ContactHistory, tmp_path: Path, name: str) -> None:
    assert (history.frame["status"] == "missing").sum() == 0  # Tuesday 09:30 was never open
    path = write_history(history, tmp_path / name)
    again = read_history(path)
    pd.testing.assert_frame_equal(again.frame, history.frame)
    assert again.interval_minutes == history.interval_minutes == 30
    assert again.report.kind == "tidy" and again.report.rows_read == len(history.frame)
    assert [p.name for p in tmp_path.iterdir() if "partial" in p.name] == []


def test_round_trip_keeps_gaps_as_gaps(write_text: WriteText, tmp_path: Path) -> None:
    text = "interval_start,queue,contacts\n2024-03-04 09:00,q,1\n2024-03-11 09:00,q,2\n"
    text += "2024-03-11 09:30,q,3\n"
    history = import_interval_counts(write_text("in.csv", text))
    assert (history.frame["status"] == "missing").sum() == 1
    for name in ("gaps.csv", "gaps.parquet"):
        again = read_history(write_history(history, tmp_path / name))
        pd.testing.assert_frame_equal(again.frame, history.frame)


def test_write_replaces_an_existing_file_whole(history: ContactHistory, tmp_path: Path) -> None:
    target = tmp_path / "series.csv"
    target.write_text("old contents\n", encoding="utf-8")
    write_history(history, target)
    assert target.read_text(encoding="utf-8").startswith(
        "queue,interval_start,contacts,aht_s,abandoned,status\n"
    )
    assert sorted(p.name for p in tmp_path.iterdir()) == ["in.csv", "series.csv"]


def test_write_refuses_an_unknown_file_type(history: ContactHistory, tmp_path: Path) -> None:
    with pytest.raises(InputError, match="unknown file type"):
        write_history(history, tmp_path / "series.json")
    assert not (tmp_path / "series.json").exists()


def _tidy_text(history: ContactHistory, tmp_path: Path) -> list[str]:
    path = write_history(history, tmp_path / "good.csv")
    return path.read_text(encoding="utf-8").splitlines()


def _read_refused(write_text: WriteText, lines: list[str]) -> InputError:
    path = write_text("bad.csv", "\n".join(lines) + "\n")
    with pytest.raises(InputError) as caught:
        read_history(path)
    return caught.value


def _at(error: InputError, row: int, column: str) -> Problem:
    hits = [p for p in error.problems if p.row == row and p.column == column]
    assert hits, f"no problem at line {row}, column {column}: {error.problems}"
    return hits[0]


def _find(lines: list[str], prefix: str) -> int:
    return next(i for i, line in enumerate(lines) if line.startswith(prefix))


def test_read_refuses_a_bad_status(history: ContactHistory, tmp_path: Path, write_text: WriteText) -> None:
    lines = _tidy_text(history, tmp_path)
    i = _find(lines, "chat,2024-03-04 03:00")
    lines[i] = lines[i].replace(",closed", ",holiday")
    error = _read_refused(write_text, lines)
    assert "status 'holiday' is not one of" in _at(error, i + 1, "status").message


def test_read_refuses_contacts_on_a_missing_row(
    history: ContactHistory, tmp_path: Path, write_text: WriteText
) -> None:
    lines = _tidy_text(history, tmp_path)
    i = _find(lines, "chat,2024-03-04 10:00")
    assert lines[i] == "chat,2024-03-04 10:00,2,61.5,0,observed"
    lines[i] = "chat,2024-03-04 10:00,2,,,missing"
    error = _read_refused(write_text, lines)
    assert "contacts present for a missing interval" in _at(error, i + 1, "contacts").message


def test_read_refuses_counts_on_a_closed_row(
    history: ContactHistory, tmp_path: Path, write_text: WriteText
) -> None:
    lines = _tidy_text(history, tmp_path)
    i = _find(lines, "chat,2024-03-04 11:00")
    lines[i] = "chat,2024-03-04 11:00,4,,0,closed"
    error = _read_refused(write_text, lines)
    assert "a closed interval has 0 contacts" in _at(error, i + 1, "contacts").message


def test_read_refuses_a_hole_in_the_grid(
    history: ContactHistory, tmp_path: Path, write_text: WriteText
) -> None:
    lines = _tidy_text(history, tmp_path)
    i = _find(lines, "phone,2024-03-05 12:00")
    del lines[i]
    error = _read_refused(write_text, lines)
    problem = _at(error, i + 1, "interval_start")
    assert "grid broken for queue 'phone'" in problem.message
    assert "status 'missing' for a gap" in problem.message


def test_read_refuses_a_duplicate_row(history: ContactHistory, tmp_path: Path, write_text: WriteText) -> None:
    lines = _tidy_text(history, tmp_path)
    i = _find(lines, "phone,2024-03-05 12:00")
    lines.append(lines[i])
    error = _read_refused(write_text, lines)
    assert any("duplicate interval 2024-03-05 12:00:00" in p.message for p in error.problems)
    assert any(p.row == len(lines) for p in error.problems)


def test_read_refuses_missing_columns_and_bad_values(
    history: ContactHistory, tmp_path: Path, write_text: WriteText
) -> None:
    lines = _tidy_text(history, tmp_path)
    without_status = [line.rsplit(",", 1)[0] for line in lines]
    error = _read_refused(write_text, without_status)
    assert "expected column 'status'" in _at(error, 1, "status").message
    i = _find(lines, "chat,2024-03-04 10:00")
    lines[i] = "chat,2024-03-04 10:00,-2,61.5,0,observed"
    lines[i + 1] = "chat,2024-03-04 25:00,0,,0,closed"
    error = _read_refused(write_text, lines)
    assert "negative" in _at(error, i + 1, "contacts").message
    assert "not a readable time" in _at(error, i + 2, "interval_start").message


def test_a_history_cannot_be_built_from_a_frame_that_breaks_the_contract(
    history: ContactHistory,
) -> None:
    frame = history.frame.copy()
    frame.loc[5, "status"] = "missing"  # a closed row with contacts 0 relabelled as missing
    with pytest.raises(InputError, match="tidy-series contract") as caught:
        ContactHistory(frame=frame, interval_minutes=30, report=history.report)
    assert _at(caught.value, 7, "contacts")
    with pytest.raises(InputError):
        ContactHistory(frame=history.frame, interval_minutes=60, report=history.report)


def test_import_report_must_balance() -> None:
    with pytest.raises(ValueError, match="does not balance"):
        ImportReport(source="x", kind="counts", rows_read=3, rows_imported=2)
