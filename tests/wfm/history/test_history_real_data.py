"""The importers on the two real call-centre data sets in ../shared/data.

Expected figures are computed here with the csv module, independently of pandas and the importer.
"""

from __future__ import annotations

import csv
from collections import Counter
from datetime import date, timedelta
from pathlib import Path

import pandas as pd
import pytest

from wfm.history import (
    CLOSED,
    MISSING,
    OBSERVED,
    ContactHistory,
    CountsMapping,
    RecordsMapping,
    import_contact_records,
    import_interval_counts,
    load_mapping,
    read_history,
    summarize,
    write_history,
)

PHANTOM_REASON = "phantom call (system record, not a customer contact)"


@pytest.fixture(scope="module")
def calls_1999(shared_data: Path) -> Path:
    path = shared_data / "anonymous_bank_calls_1999_02" / "calls.tsv"
    if not path.is_file():
        pytest.skip(f"shared data not present: {path}")
    return path


@pytest.fixture(scope="module")
def calls_2003(shared_data: Path) -> Path:
    path = shared_data / "bank_calls_2003" / "bank_calls_5min.csv"
    if not path.is_file():
        pytest.skip(f"shared data not present: {path}")
    return path


def _records_mapping() -> RecordsMapping:
    mapping = load_mapping("anonymous-bank-1999")
    assert isinstance(mapping, RecordsMapping)
    return mapping


def _counts_mapping() -> CountsMapping:
    mapping = load_mapping("bank-calls-2003")
    assert isinstance(mapping, CountsMapping)
    return mapping


@pytest.fixture(scope="module")
def records(calls_1999: Path) -> ContactHistory:
    return import_contact_records(calls_1999, mapping=_records_mapping())


@pytest.fixture(scope="module")
def bank_hourly(calls_2003: Path) -> ContactHistory:
    return import_interval_counts(calls_2003, mapping=_counts_mapping(), interval_minutes=60)


def _1999_rows(path: Path) -> list[dict[str, str]]:
    with path.open(newline="", encoding="utf-8") as handle:
        return list(csv.DictReader(handle, delimiter="\t"))


def _2003_rows(path: Path) -> list[dict[str, str]]:
    with path.open(newline="", encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


def test_anonymous_bank_every_row_accounted_for(records: ContactHistory, calls_1999: Path) -> None:
    rows = _1999_rows(calls_1999)
    outcomes = Counter(row["outcome"] for row in rows)
    assert outcomes == {"AGENT": 27_162, "HANG": 5_904, "PHANTOM": 278}
    report = records.report
    assert report.rows_read == len(rows) == 33_344
    assert report.rows_imported == 33_066
    assert [(r.reason, r.count) for r in report.rejected] == [(PHANTOM_REASON, 278)]
    assert len(report.rejected[0].example_lines) == 5
    # The example lines really are phantom calls.
    for line in report.rejected[0].example_lines:
        assert rows[line - 2]["outcome"] == "PHANTOM"
    zero_handled = sum(1 for row in rows if row["outcome"] == "AGENT" and row["ser_time"] == "0")
    assert report.handled_without_handling_time == zero_handled == 85


def test_anonymous_bank_totals_per_queue(records: ContactHistory, calls_1999: Path) -> None:
    rows = [row for row in _1999_rows(calls_1999) if row["outcome"] != "PHANTOM"]
    expected_contacts = Counter(row["type"] for row in rows)
    expected_abandoned = Counter(row["type"] for row in rows if row["outcome"] == "HANG")
    frame = records.frame
    assert int(frame["contacts"].sum()) == 33_066
    assert int(frame["abandoned"].sum()) == 5_904
    by_queue = frame.groupby("queue")[["contacts", "abandoned"]].sum()
    assert {q: int(v) for q, v in by_queue["contacts"].items()} == dict(expected_contacts)
    assert {q: int(v) for q, v in by_queue["abandoned"].items()} == dict(expected_abandoned)
    assert set(records.queues) == {"PS", "PE", "NW", "NE", "TT", "IN"}
    assert (frame["status"] != MISSING).all()  # every day of February has calls


def test_anonymous_bank_aht_matches_handled_calls(records: ContactHistory, calls_1999: Path) -> None:
    handled = [
        int(row["ser_time"])
        for row in _1999_rows(calls_1999)
        if row["outcome"] == "AGENT" and row["type"] == "PS" and int(row["ser_time"]) > 0
    ]
    (ps,) = [q for q in summarize(records).queues if q.queue == "PS"]
    # Interval AHTs weighted by handled calls (including the few 0 s ones) come close to the
    # plain mean of handled calls' handling times.
    assert ps.aht_s == pytest.approx(sum(handled) / len(handled), rel=0.01)


def test_bank_2003_total_equals_the_calls_column(bank_hourly: ContactHistory, calls_2003: Path) -> None:
    rows = _2003_rows(calls_2003)
    assert len(rows) == 27_716
    assert int(bank_hourly.frame["contacts"].sum()) == sum(int(row["Calls"]) for row in rows)
    assert bank_hourly.report.source_interval_minutes == 5


def test_bank_2003_observed_days_and_gaps(bank_hourly: ContactHistory, calls_2003: Path) -> None:
    days_in_file = {date.fromisoformat(row["DateTime"][:10]) for row in _2003_rows(calls_2003)}
    assert len(days_in_file) == 164
    first, last = min(days_in_file), max(days_in_file)
    every_day = [first + timedelta(days=n) for n in range((last - first).days + 1)]
    absent_weekdays = sorted(d for d in every_day if d.weekday() < 5 and d not in days_in_file)
    assert len(absent_weekdays) == 6

    frame = bank_hourly.frame
    day = frame["interval_start"].dt.date
    observed_days = set(day[frame["status"] == OBSERVED])
    assert len(observed_days) == 164
    assert observed_days == days_in_file
    # The absent weekdays are gaps in opening hours, not closed days.
    missing = frame[frame["status"] == MISSING]
    assert sorted(set(missing["interval_start"].dt.date)) == absent_weekdays
    assert len(missing) == 6 * 15  # 07:00 to 21:05, i.e. 15 hourly intervals
    assert set(missing["interval_start"].dt.hour) == set(range(7, 22))
    (queue,) = summarize(bank_hourly).queues
    assert list(queue.missing_days) == absent_weekdays


def test_bank_2003_weekends_and_nights_are_closed(bank_hourly: ContactHistory) -> None:
    frame = bank_hourly.frame
    weekend = frame[frame["interval_start"].dt.day_of_week >= 5]
    assert len(weekend) > 0 and (weekend["status"] == CLOSED).all()
    assert (weekend["contacts"] == 0).all()
    night = frame[frame["interval_start"].dt.hour < 7]
    assert (night["status"] == CLOSED).all()
    hours = bank_hourly.report.opening_hours["bank-calls"]
    assert bank_hourly.report.opening_hours_source == "inferred"
    assert str(hours) == (
        "Mon 07:00-21:05; Tue 07:00-21:05; Wed 07:00-21:05; Thu 07:00-21:05; Fri 07:00-21:05; "
        "Sat closed; Sun closed"
    )


def test_bank_2003_at_15_minutes_round_trips(calls_2003: Path, tmp_path: Path) -> None:
    history = import_interval_counts(calls_2003, mapping=_counts_mapping())
    assert history.interval_minutes == 15
    first_quarter = history.frame[history.frame["interval_start"] == pd.Timestamp("2003-03-03 07:00")]
    rows = _2003_rows(calls_2003)
    assert int(first_quarter["contacts"].iloc[0]) == sum(int(r["Calls"]) for r in rows[:3])
    again = read_history(write_history(history, tmp_path / "bank.parquet"))
    pd.testing.assert_frame_equal(again.frame, history.frame)
