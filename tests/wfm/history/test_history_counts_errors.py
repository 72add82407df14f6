"""Bad interval counts are refused with every problem named by line and column."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from wfm.domain.opening_hours import OpeningHours
from wfm.errors import InputError, Problem
from wfm.history import CountsMapping, import_interval_counts

WriteText = Callable[[str, str], Path]

HEADER = "interval_start,queue,contacts\n"


def _refused(path: Path, **options: object) -> InputError:
    with pytest.raises(InputError) as caught:
        import_interval_counts(path, **options)  # type: ignore[arg-type]
    return caught.value


def _setting(error: InputError, field: str) -> Problem:
    hits = [p for p in error.problems if p.field == field]
    assert hits, f"no problem with setting {field}: {error.problems}"
    return hits[0]


def _at(error: InputError, row: int | None, column: str | None) -> Problem:
    hits = [p for p in error.problems if p.row == row and p.column == column]
    assert hits, f"no problem at line {row}, column {column}: {error.problems}"
    return hits[0]


def test_missing_column_names_the_expected_column_and_those_found(write_text: WriteText) -> None:
    path = write_text("c.csv", "interval_start,queue,calls\n2024-03-04 09:00,q,3\n")
    error = _refused(path)
    problem = _at(error, 1, "contacts")
    assert "expected column 'contacts'" in problem.message
    assert "columns found: interval_start, queue, calls" in problem.message
    assert "line 1, column 'contacts'" in str(error)


def test_unparseable_timestamp_names_line_and_column(write_text: WriteText) -> None:
    path = write_text("c.csv", HEADER + "2024-03-04 09:00,q,3\n2024-03-04 9h15,q,4\n2024-03-04 09:30,q,5\n")
    error = _refused(path)
    problem = _at(error, 3, "interval_start")
    assert "'2024-03-04 9h15' is not a readable time" in problem.message
    assert len(error.problems) == 1


def test_unparseable_date_column_is_blamed_not_the_time(write_text: WriteText) -> None:
    path = write_text("c.csv", "date,time,contacts\n2024-03-04,09:00,3\n2024-13-04,09:30,4\n")
    mapping = CountsMapping(date="date", time="time", fixed_queue="q")
    error = _refused(path, mapping=mapping)
    assert _at(error, 3, "date")


@pytest.mark.parametrize(
    ("value", "words"),
    [("-3", "negative"), ("2.5", "not a whole number"), ("many", "not a number")],
)
def test_bad_counts_name_line_and_column(write_text: WriteText, value: str, words: str) -> None:
    path = write_text("c.csv", HEADER + f"2024-03-04 09:00,q,3\n2024-03-04 09:15,q,{value}\n")
    error = _refused(path)
    assert words in _at(error, 3, "contacts").message


def test_negative_aht_is_refused(write_text: WriteText) -> None:
    path = write_text(
        "c.csv", "interval_start,queue,contacts,aht\n2024-03-04 09:00,q,3,-12\n2024-03-04 09:15,q,3,10\n"
    )
    error = _refused(path, mapping=CountsMapping(aht_s="aht"))
    assert "negative" in _at(error, 2, "aht").message


def test_more_abandoned_than_contacts_is_refused(write_text: WriteText) -> None:
    path = write_text(
        "c.csv", "interval_start,queue,contacts,ab\n2024-03-04 09:00,q,3,4\n2024-03-04 09:15,q,3,1\n"
    )
    error = _refused(path, mapping=CountsMapping(abandoned="ab"))
    assert "more than the 3 contacts" in _at(error, 2, "ab").message


def test_duplicate_interval_names_both_lines(write_text: WriteText) -> None:
    path = write_text(
        "c.csv",
        HEADER
        + "2024-03-04 09:00,q,3\n2024-03-04 09:15,q,4\n2024-03-04 09:00,q,5\n2024-03-04 09:00,other,1\n",
    )
    error = _refused(path)
    problem = _at(error, 4, "interval_start")
    assert "duplicate interval 2024-03-04 09:00 for queue 'q'" in problem.message
    assert "lines 2 and 4" in problem.message
    assert len(error.problems) == 1  # the same time on another queue is not a duplicate


def test_mixed_interval_lengths_name_the_odd_day(write_text: WriteText) -> None:
    monday = [f"2024-03-04 {h:02d}:{m:02d},q,1" for h in (9, 10) for m in (0, 15, 30, 45)]
    tuesday = [f"2024-03-05 {h:02d}:00,q,1" for h in (9, 10, 11)]
    wednesday = [f"2024-03-06 {h:02d}:{m:02d},q,1" for h in (9, 10) for m in (0, 15, 30, 45)]
    path = write_text("c.csv", HEADER + "\n".join(monday + tuesday + wednesday) + "\n")
    error = _refused(path)
    assert error.summary.startswith("mixed interval lengths: 2 day(s) at 15 minutes, 1 day(s) at 60")
    problem = _at(error, 2 + len(monday), "interval_start")
    assert "2024-03-05 is at 60-minute steps" in problem.message
    assert len(error.problems) == 1


def test_a_day_with_some_intervals_left_out_is_not_mixed(write_text: WriteText) -> None:
    # Gaps of 30 and 45 minutes on a 15-minute day: a sparse day on the same grid, not a new length.
    rows = ["2024-03-04 09:00,q,1", "2024-03-04 09:15,q,1", "2024-03-04 09:30,q,1"]
    rows += ["2024-03-05 09:00,q,1", "2024-03-05 09:30,q,1", "2024-03-05 10:15,q,1"]
    history = import_interval_counts(write_text("c.csv", HEADER + "\n".join(rows) + "\n"))
    assert history.interval_minutes == 15


def test_unaligned_timestamp_names_line_and_column(write_text: WriteText) -> None:
    rows = [f"2024-03-04 09:{m:02d},q,1" for m in (0, 15, 30, 45)] + ["2024-03-04 10:07,q,1"]
    path = write_text("c.csv", HEADER + "\n".join(rows) + "\n")
    error = _refused(path)
    problem = _at(error, 6, "interval_start")
    assert "2024-03-04 10:07:00 is not on the 15-minute grid" in problem.message


def test_blank_lines_do_not_shift_line_numbers(write_text: WriteText) -> None:
    path = write_text("c.csv", HEADER + "2024-03-04 09:00,q,1\n\n2024-03-04 09:15,q,-1\n")
    error = _refused(path)
    assert _at(error, 4, "contacts")


def test_target_finer_than_the_source_is_refused(write_text: WriteText) -> None:
    rows = [f"2024-03-04 {h:02d}:{m:02d},q,1" for h in (9, 10) for m in (0, 30)]
    path = write_text("c.csv", HEADER + "\n".join(rows) + "\n")
    error = _refused(path, interval_minutes=15)
    problem = _setting(error, "interval_minutes")
    assert "finer than the source's 30-minute intervals" in problem.message


def test_target_length_must_be_15_30_or_60(write_text: WriteText) -> None:
    path = write_text("c.csv", HEADER + "2024-03-04 09:00,q,1\n2024-03-04 10:00,q,1\n")
    error = _refused(path, interval_minutes=45)
    assert "45 is not one of 15, 30, 60" in _setting(error, "interval_minutes").message


def test_unknown_interval_length_is_refused(write_text: WriteText) -> None:
    rows = [f"2024-03-04 09:{m:02d},q,1" for m in (0, 10, 20, 30, 40)]
    path = write_text("c.csv", HEADER + "\n".join(rows) + "\n")
    error = _refused(path)
    assert error.summary == "unknown interval length: timestamps are 10 minutes apart"
    assert _at(error, 2, "interval_start")


def test_stated_interval_must_match_the_data(write_text: WriteText) -> None:
    rows = [f"2024-03-04 {h:02d}:00,q,1" for h in (9, 10, 11)]
    path = write_text("c.csv", HEADER + "\n".join(rows) + "\n")
    error = _refused(path, mapping=CountsMapping(source_interval_minutes=15))
    assert "the mapping states 15-minute intervals" in _at(error, 2, "interval_start").message


def test_contacts_while_closed_are_refused_with_given_hours(write_text: WriteText) -> None:
    path = write_text("c.csv", HEADER + "2024-03-04 16:00,q,3\n2024-03-04 17:00,q,0\n2024-03-04 18:00,q,2\n")
    error = _refused(path, opening_hours=OpeningHours.parse("Mon-Fri 09:00-17:00"))
    assert (
        "2 contacts reported at Mon 2024-03-04 18:00, outside the opening hours"
        in _at(error, 4, "contacts").message
    )
    assert len(error.problems) == 1  # a zero while closed is fine


def test_every_problem_is_listed_not_just_the_first(write_text: WriteText) -> None:
    path = write_text("c.csv", HEADER + "2024-03-04 09:00,,3\nsoon,q,4\n2024-03-04 09:30,q,-5\n")
    error = _refused(path)
    assert {(p.row, p.column) for p in error.problems} == {
        (2, "queue"),
        (3, "interval_start"),
        (4, "contacts"),
    }


def test_unknown_file_type_and_absent_file(tmp_path: Path) -> None:
    (tmp_path / "x.xlsx").write_bytes(b"PK")
    with pytest.raises(InputError, match=r"unknown file type '\.xlsx'"):
        import_interval_counts(tmp_path / "x.xlsx")
    with pytest.raises(InputError, match="not found"):
        import_interval_counts(tmp_path / "absent.csv")


def test_rows_with_the_wrong_number_of_fields_are_named(write_text: WriteText) -> None:
    path = write_text("c.csv", HEADER + "2024-03-04 09:00,q\n2024-03-04 10:00,q,3\n2024-03-04 11:00,q,3,4\n")
    error = _refused(path)
    assert [(p.row, p.message) for p in error.problems] == [
        (2, "2 fields where the header has 3"),
        (4, "4 fields where the header has 3"),
    ]
