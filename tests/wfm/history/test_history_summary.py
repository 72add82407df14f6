"""The summary a scheduler reads: totals, gaps, open hours, volume by hour and weekday."""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import date, datetime
from pathlib import Path

import pytest

from wfm.history import (
    ContactHistory,
    CountsMapping,
    RecordsMapping,
    import_contact_records,
    import_interval_counts,
    summarize,
)

WriteText = Callable[[str, str], Path]


@pytest.fixture
def counts(write_text: WriteText) -> ContactHistory:
    # 09:00-11:00 at 30 minutes on Monday 4, Tuesday 5 and Tuesday 12 March. Monday 11 March has
    # no rows at all (a missing day); 5 March lacks 10:00 and 10:30 (a partial gap).
    rows = ["interval_start,queue,contacts,aht_s,abandoned"]
    values: dict[str, list[int | None]] = {
        "2024-03-04": [10, 20, 30, 40],
        "2024-03-05": [5, 15, None, None],
        "2024-03-12": [7, 7, 7, 7],
    }
    for day, counts_of_day in values.items():
        for (hour, minute), contacts in zip([(9, 0), (9, 30), (10, 0), (10, 30)], counts_of_day, strict=True):
            if contacts is not None:
                rows.append(f"{day} {hour:02d}:{minute:02d},q,{contacts},100,{contacts // 10}")
    return import_interval_counts(
        write_text("c.csv", "\n".join(rows) + "\n"),
        mapping=CountsMapping(aht_s="aht_s", abandoned="abandoned"),
    )


def test_totals_and_interval_counts(counts: ContactHistory) -> None:
    summary = summarize(counts)
    (queue,) = summary.queues
    assert queue.queue == "q"
    assert (queue.first_day, queue.last_day) == (date(2024, 3, 4), date(2024, 3, 12))
    assert queue.total_contacts == 100 + 20 + 28
    assert queue.abandoned == 10 + 1 + 0
    assert queue.handled == 148 - 11
    assert queue.abandonment_rate == pytest.approx(11 / 148)
    assert queue.aht_s == pytest.approx(100.0)
    assert queue.missing_intervals == 2 + 4
    assert queue.observed_intervals == 4 + 2 + 4
    assert queue.observed_intervals + queue.closed_intervals + queue.missing_intervals == 9 * 48


def test_gaps_are_merged_ranges_and_whole_days_are_listed(counts: ContactHistory) -> None:
    (queue,) = summarize(counts).queues
    assert [(g.start, g.end, g.intervals) for g in queue.gaps] == [
        (datetime(2024, 3, 5, 10, 0), datetime(2024, 3, 5, 11, 0), 2),
        (datetime(2024, 3, 11, 9, 0), datetime(2024, 3, 11, 11, 0), 4),
    ]
    assert queue.missing_days == (date(2024, 3, 11),)
    text = summarize(counts).render()
    assert "missing days (1): Mon 2024-03-11" in text
    assert "other gaps (1): 2024-03-05 10:00-11:00" in text


def test_open_hours_and_volume_profiles(counts: ContactHistory) -> None:
    (queue,) = summarize(counts).queues
    assert str(queue.open_hours).startswith("Mon 09:00-11:00; Tue 09:00-11:00; Wed closed")
    nine, ten = queue.by_hour[9], queue.by_hour[10]
    # Hour 09: 10 + 20 + 5 + 15 + 7 + 7 = 64 of 148, fully observed on 3 days.
    assert nine.share == pytest.approx(64 / 148)
    assert nine.days == 3 and nine.mean_per_day == pytest.approx(64 / 3)
    # Hour 10 is fully observed only on 4 and 12 March.
    assert ten.share == pytest.approx(84 / 148)
    assert ten.days == 2 and ten.mean_per_day == pytest.approx(42.0)
    assert queue.by_hour[3].share == 0 and queue.by_hour[3].days == 0
    monday, tuesday = queue.by_weekday[0], queue.by_weekday[1]
    assert (monday.days, monday.mean_per_day) == (1, 100.0)  # 11 March is a gap, not a zero day
    assert (tuesday.days, tuesday.mean_per_day) == (1, 28.0)  # 5 March is incomplete
    assert queue.by_weekday[2].mean_per_day is None


def test_to_dict_is_json_ready_and_render_reads_well(counts: ContactHistory) -> None:
    summary = summarize(counts)
    data = json.loads(json.dumps(summary.to_dict()))
    assert data["queues"][0]["total_contacts"] == 148
    assert data["queues"][0]["missing_days"] == ["2024-03-11"]
    assert data["report"]["rows_read"] == 10
    text = summary.render()
    assert "rows read 10, imported 10, rejected 0" in text
    assert "contacts 148 | handled 137 | abandoned 11 (7.4%) | AHT 100 s" in text
    assert "intervals: 10 observed, 416 closed, 6 missing" in text


def test_records_summary_lists_rejections_and_waits(write_text: WriteText) -> None:
    text = (
        "arrival,queue,handling_s,wait_s,outcome\n"
        "2024-03-04 09:05:00,q,100,10,A\n"
        "2024-03-04 09:06:00,q,0,40,H\n"
        "2024-03-04 09:07:00,q,0,0,P\n"
    )
    mapping = RecordsMapping(
        wait_s="wait_s",
        outcome="outcome",
        handled_values=("A",),
        abandoned_values=("H",),
        excluded_values={"P": "phantom"},
    )
    summary = summarize(import_contact_records(write_text("r.csv", text), mapping=mapping))
    rendered = summary.render()
    assert "rows read 3, imported 2, rejected 1" in rendered
    assert "1  phantom  (e.g. lines 4)" in rendered
    assert "handled contacts waited 10 s on average; abandoned contacts hung up after 40 s" in rendered
    (queue,) = summary.queues
    assert (queue.total_contacts, queue.abandoned, queue.abandonment_rate) == (2, 1, 0.5)
