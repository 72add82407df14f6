"""Per-contact records counted into intervals: outcomes, rejections, AHT, closed hours and gaps."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from wfm.domain.opening_hours import OpeningHours
from wfm.errors import InputError
from wfm.history import (
    CLOSED,
    MISSING,
    OBSERVED,
    ContactHistory,
    RecordsMapping,
    import_contact_records,
)

WriteText = Callable[[str, str], Path]

# Lines (header = 1):                                       what the importer must do with it
RECORDS = """arrival,queue,handling_s,wait_s,outcome
2024-03-04 09:05:00,phone,120,10,ANSWERED
2024-03-04 09:20:00,phone,0,5,ANSWERED
2024-03-04 09:40:00,phone,0,30,HUNGUP
2024-03-04 10:10:00,phone,200,0,ANSWERED
2024-03-04 10:15:00,phone,0,0,GHOST
2024-03-04 10:20:00,phone,50,0,WEIRD
2024-03-04 25:00:00,phone,50,0,ANSWERED
2024-03-04 10:30:00,phone,-5,0,ANSWERED
2024-03-04 10:45:00,chat,300,20,ANSWERED
2024-03-05 09:30:00,phone,90,0,ANSWERED
2024-03-06 09:10:00,phone,100,0,ANSWERED
2024-03-06 10:50:00,chat,60,0,ANSWERED
2024-03-11 09:15:00,phone,80,0,ANSWERED
2024-03-13 10:05:00,phone,40,4,HUNGUP
"""
# line 2: handled; 3: handled with 0 s (counted, not in AHT); 4: abandoned; 6: excluded (GHOST);
# 7: unknown outcome; 8: unreadable time; 9: negative handling time.

MAPPING = RecordsMapping(
    wait_s="wait_s",
    outcome="outcome",
    handled_values=("ANSWERED",),
    abandoned_values=("HUNGUP",),
    excluded_values={"GHOST": "test call placed by the switch"},
)


@pytest.fixture
def history(write_text: WriteText) -> ContactHistory:
    return import_contact_records(write_text("records.csv", RECORDS), mapping=MAPPING)


def _row(history: ContactHistory, queue: str, start: str) -> pd.Series:
    frame = history.frame
    hit = frame[(frame["queue"] == queue) & (frame["interval_start"] == pd.Timestamp(start))]
    assert len(hit) == 1
    return hit.iloc[0]


def test_every_row_is_imported_or_rejected_with_a_reason(history: ContactHistory) -> None:
    report = history.report
    assert report.rows_read == 14
    assert report.rows_imported == 10
    rejected = {r.reason: (r.count, r.example_lines) for r in report.rejected}
    assert rejected == {
        "test call placed by the switch": (1, (6,)),
        "unknown outcome value 'WEIRD'": (1, (7,)),
        "unreadable arrival time in column 'arrival' (expected ISO 8601 like 2024-03-01 08:30)": (1, (8,)),
        "negative handling time (handling_s)": (1, (9,)),
    }
    assert report.rows_read == report.rows_imported + report.rows_rejected


def test_contacts_abandoned_and_aht_per_interval(history: ContactHistory) -> None:
    monday_nine = _row(history, "phone", "2024-03-04 09:00")
    assert (monday_nine["status"], monday_nine["contacts"], monday_nine["abandoned"]) == (OBSERVED, 3, 1)
    assert monday_nine["aht_s"] == 120.0  # the 0 s handled contact is counted but not in AHT
    monday_ten = _row(history, "phone", "2024-03-04 10:00")
    assert (monday_ten["contacts"], monday_ten["abandoned"], monday_ten["aht_s"]) == (1, 0, 200.0)
    only_abandoned = _row(history, "phone", "2024-03-13 10:00")
    assert (only_abandoned["contacts"], only_abandoned["abandoned"]) == (1, 1)
    assert np.isnan(only_abandoned["aht_s"])
    frame = history.frame
    totals = frame.groupby("queue")[["contacts", "abandoned"]].sum()
    assert totals.to_dict(orient="index") == {
        "phone": {"contacts": 8, "abandoned": 2},
        "chat": {"contacts": 2, "abandoned": 0},
    }
    assert history.report.handled_without_handling_time == 1


def test_wait_figures_per_queue(history: ContactHistory) -> None:
    phone = history.report.waits["phone"]
    assert phone.mean_wait_handled_s == pytest.approx((10 + 5 + 0 + 0 + 0 + 0) / 6)
    assert phone.mean_wait_abandoned_s == pytest.approx((30 + 4) / 2)
    assert history.report.waits["chat"].mean_wait_abandoned_s is None


def test_open_slot_without_contacts_on_a_day_with_records_is_an_observed_zero(
    history: ContactHistory,
) -> None:
    # Wednesday 10:00 is open (calls arrive then on 6 March); on 13 March nobody called at 09:00.
    zero = _row(history, "phone", "2024-03-13 09:00")
    assert (zero["status"], zero["contacts"], zero["abandoned"]) == (OBSERVED, 0, 0)
    chat_zero = _row(history, "chat", "2024-03-05 09:00")
    assert (chat_zero["status"], chat_zero["contacts"]) == (OBSERVED, 0)


def test_a_usual_day_without_any_record_is_a_gap_not_closed(history: ContactHistory) -> None:
    # Tuesdays have records (5 March), so Tuesday 12 March with none at all is a gap in the open slot.
    gap = _row(history, "phone", "2024-03-12 09:00")
    assert gap["status"] == MISSING and pd.isna(gap["contacts"]) and pd.isna(gap["abandoned"])
    assert _row(history, "phone", "2024-03-12 10:00")["status"] == CLOSED
    assert _row(history, "phone", "2024-03-12 03:00")["status"] == CLOSED
    # Thursday and the weekend never have records: closed, not gaps.
    frame = history.frame
    quiet = frame[frame["interval_start"].dt.day_of_week.isin([3, 5, 6])]
    assert (quiet["status"] == CLOSED).all()
    missing = frame[frame["status"] == MISSING]
    assert list(missing["interval_start"]) == [pd.Timestamp("2024-03-12 09:00")]
    assert any("2024-03-12" in note for note in history.report.notes)


def test_grid_spans_each_queue_own_days(history: ContactHistory) -> None:
    frame = history.frame
    assert history.queues == ("chat", "phone")
    chat = frame[frame["queue"] == "chat"]
    assert chat["interval_start"].min() == pd.Timestamp("2024-03-04 00:00")
    assert chat["interval_start"].max() == pd.Timestamp("2024-03-06 23:00")
    phone = frame[frame["queue"] == "phone"]
    assert len(phone) == 10 * 24


def test_inferred_opening_hours_are_reported(history: ContactHistory) -> None:
    assert history.report.opening_hours_source == "inferred"
    assert str(history.report.opening_hours["phone"]) == (
        "Mon 09:00-11:00; Tue 09:00-10:00; Wed 09:00-11:00; Thu closed; Fri closed; Sat closed; Sun closed"
    )


def test_given_opening_hours_make_an_unrecorded_open_day_a_gap(write_text: WriteText) -> None:
    text = "arrival,queue,handling_s\n2024-03-04 09:05:00,q,60\n2024-03-06 09:05:00,q,90\n"
    history = import_contact_records(
        write_text("r.csv", text), opening_hours=OpeningHours.parse("Mon-Fri 09:00-10:00")
    )
    assert _row(history, "q", "2024-03-05 09:00")["status"] == MISSING
    assert _row(history, "q", "2024-03-05 10:00")["status"] == CLOSED
    assert _row(history, "q", "2024-03-04 09:00")["aht_s"] == 60.0
    # Without an outcome column every contact counts as handled and abandonment is unknown.
    assert pd.isna(_row(history, "q", "2024-03-04 09:00")["abandoned"])


def test_fixed_queue_date_and_time_columns_and_half_hours(write_text: WriteText) -> None:
    text = "d\tt\tsecs\n990201\t7:02:47\t166\n990201\t7:31:45\t5\n990201\t7:54:38\t92\n"
    mapping = RecordsMapping(date="d", date_format="%y%m%d", time="t", fixed_queue="bank", handling_s="secs")
    history = import_contact_records(write_text("r.tsv", text), mapping=mapping, interval_minutes=30)
    assert history.interval_minutes == 30
    assert _row(history, "bank", "1999-02-01 07:00")["contacts"] == 1
    late = _row(history, "bank", "1999-02-01 07:30")
    assert late["contacts"] == 2 and late["aht_s"] == pytest.approx((5 + 92) / 2)


def test_no_importable_row_is_an_error(write_text: WriteText) -> None:
    text = "arrival,queue,handling_s\nyesterday,q,60\n"
    with pytest.raises(InputError, match="no row could be imported") as caught:
        import_contact_records(write_text("r.csv", text))
    assert caught.value.problems[0].row == 2


def test_missing_column_is_named(write_text: WriteText) -> None:
    text = "arrival,queue,secs\n2024-03-04 09:05:00,q,60\n"
    with pytest.raises(InputError) as caught:
        import_contact_records(write_text("r.csv", text))
    problem = caught.value.problems[0]
    assert (problem.row, problem.column) == (1, "handling_s")
    assert "columns found: arrival, queue, secs" in problem.message
