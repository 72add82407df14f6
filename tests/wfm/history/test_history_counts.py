"""Interval-count import: formats, re-aggregation, and closed hours kept apart from gaps."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from wfm.domain.opening_hours import OpeningHours
from wfm.history import (
    CLOSED,
    MISSING,
    OBSERVED,
    ContactHistory,
    CountsMapping,
    import_interval_counts,
)

WriteText = Callable[[str, str], Path]


def _row(history: ContactHistory, queue: str, start: str) -> pd.Series:
    frame = history.frame
    hit = frame[(frame["queue"] == queue) & (frame["interval_start"] == pd.Timestamp(start))]
    assert len(hit) == 1, f"expected one row for {queue} {start}, found {len(hit)}"
    return hit.iloc[0]


def test_counts_csv_gives_the_tidy_contract(write_text: WriteText) -> None:
    path = write_text(
        "counts.csv",
        "interval_start,queue,contacts\n"
        "2024-03-04 09:00,chat,4\n"
        "2024-03-04 09:15,chat,6\n"
        "2024-03-04 09:00,phone,2\n"
        "2024-03-04 09:15,phone,0\n",
    )
    history = import_interval_counts(path)
    frame = history.frame
    assert history.interval_minutes == 15
    assert list(frame.columns) == ["queue", "interval_start", "contacts", "aht_s", "abandoned", "status"]
    assert frame["interval_start"].dtype == np.dtype("datetime64[ns]")
    assert frame["contacts"].dtype == pd.Int64Dtype()
    assert frame["abandoned"].dtype == pd.Int64Dtype()
    assert frame["aht_s"].dtype == np.dtype("float64")
    # One whole day per queue, 96 quarter hours each, sorted by queue then time.
    assert len(frame) == 2 * 96
    assert list(frame["queue"].iloc[[0, 95, 96]]) == ["chat", "chat", "phone"]
    assert frame["interval_start"].iloc[0] == pd.Timestamp("2024-03-04 00:00")
    assert frame["interval_start"].iloc[95] == pd.Timestamp("2024-03-04 23:45")
    assert _row(history, "chat", "2024-03-04 09:15")["contacts"] == 6
    assert _row(history, "chat", "2024-03-04 09:15")["status"] == OBSERVED
    assert _row(history, "chat", "2024-03-04 08:45")["status"] == CLOSED
    # No abandoned column: unknown, not zero.
    assert pd.isna(_row(history, "chat", "2024-03-04 09:00")["abandoned"])
    # A slot that only ever reports 0 is inferred closed (a known zero), for that queue only.
    assert _row(history, "phone", "2024-03-04 09:15")["status"] == CLOSED
    assert _row(history, "phone", "2024-03-04 09:00")["contacts"] == 2
    assert history.report.rows_read == 4 and history.report.rows_imported == 4
    assert history.report.source_interval_minutes == 15
    assert history.report.opening_hours_source == "inferred"
    assert str(history.report.opening_hours["chat"]).startswith("Mon 09:00-09:30; Tue closed")
    assert str(history.report.opening_hours["phone"]).startswith("Mon 09:00-09:15;")


def test_counts_parquet_with_datetime_and_integer_columns(tmp_path: Path) -> None:
    source = pd.DataFrame(
        {
            "interval_start": pd.to_datetime(["2024-03-04 09:00", "2024-03-04 09:30", "2024-03-04 10:00"]),
            "queue": ["phone", "phone", "phone"],
            "contacts": [3, 5, 7],
            "aht_s": [100.0, 200.0, 300.0],
            "abandoned": [0, 1, 2],
        }
    )
    path = tmp_path / "counts.parquet"
    source.to_parquet(path, index=False)
    mapping = CountsMapping(aht_s="aht_s", abandoned="abandoned")
    history = import_interval_counts(path, mapping=mapping)
    assert history.interval_minutes == 30
    row = _row(history, "phone", "2024-03-04 09:30")
    assert (row["contacts"], row["abandoned"], row["aht_s"], row["status"]) == (5, 1, 200.0, OBSERVED)
    assert int(history.frame["contacts"].sum()) == 15
    # The same table handed over as a DataFrame gives the same series.
    again = import_interval_counts(source, mapping=mapping)
    pd.testing.assert_frame_equal(again.frame, history.frame)


def test_counts_with_separate_date_and_time_columns(write_text: WriteText) -> None:
    path = write_text(
        "daily.csv",
        "day;clock;volume\n04/03/2024;9:00;11\n04/03/2024;10:00;13\n05/03/2024;9:00;17\n",
    )
    mapping = CountsMapping(
        date="day",
        date_format="%d/%m/%Y",
        time="clock",
        fixed_queue="hotline",
        contacts="volume",
        separator=";",
    )
    history = import_interval_counts(path, mapping=mapping)
    assert history.interval_minutes == 60
    assert history.queues == ("hotline",)
    assert _row(history, "hotline", "2024-03-04 10:00")["contacts"] == 13
    assert _row(history, "hotline", "2024-03-05 09:00")["contacts"] == 17
    # Opening hours are inferred per weekday: Tuesday never has a 10:00 row, so it is closed.
    assert _row(history, "hotline", "2024-03-05 10:00")["status"] == CLOSED
    assert len(history.frame) == 48


def test_timestamps_with_z_kept_as_local_clock_time(write_text: WriteText) -> None:
    text = "interval_start,queue,contacts\n2024-03-04T09:00:00Z,q,1\n2024-03-04T09:30:00Z,q,2\n"
    local = import_interval_counts(write_text("z.csv", text))
    assert _row(local, "q", "2024-03-04 09:00")["contacts"] == 1
    converted = import_interval_counts(
        write_text("z2.csv", text),
        mapping=CountsMapping(timestamps_are_local=False, site_timezone="Asia/Shanghai"),
    )
    assert _row(converted, "q", "2024-03-04 17:00")["contacts"] == 1
    assert _row(converted, "q", "2024-03-04 17:30")["contacts"] == 2


def test_offsets_are_dropped_or_converted_and_plain_times_kept() -> None:
    source = pd.DataFrame(
        {
            "interval_start": ["2024-03-04 09:00+08:00", "2024-03-04T02:00:00.000Z", "2024-03-04 11:00"],
            "contacts": [1, 2, 3],
        }
    )
    local = import_interval_counts(source, mapping=CountsMapping(fixed_queue="q", source_interval_minutes=60))
    assert [int(_row(local, "q", f"2024-03-04 {h:02d}:00")["contacts"]) for h in (9, 2, 11)] == [1, 2, 3]
    converted = import_interval_counts(
        source,
        mapping=CountsMapping(
            fixed_queue="q",
            source_interval_minutes=60,
            timestamps_are_local=False,
            site_timezone="Asia/Shanghai",
        ),
    )
    # 09:00+08:00 is 09:00 in Shanghai, 02:00Z is 10:00 there; a time without offset is local.
    assert [int(_row(converted, "q", f"2024-03-04 {h:02d}:00")["contacts"]) for h in (9, 10, 11)] == [1, 2, 3]


def _five_minute_source() -> tuple[pd.DataFrame, dict[str, int], dict[str, int]]:
    """Two days, 08:00-10:55 at 5 minutes, with expected hourly sums computed by plain loops."""
    rows = []
    contacts_by_hour: dict[str, int] = {}
    abandoned_by_hour: dict[str, int] = {}
    for day in ("2024-03-04", "2024-03-05"):
        for hour in (8, 9, 10):
            for minute in range(0, 60, 5):
                contacts = (hour * 7 + minute // 5 * 3 + (day == "2024-03-05")) % 11 + 1
                abandoned = contacts // 4
                stamp = f"{day} {hour:02d}:{minute:02d}"
                rows.append((stamp, contacts, abandoned))
                key = f"{day} {hour:02d}:00"
                contacts_by_hour[key] = contacts_by_hour.get(key, 0) + contacts
                abandoned_by_hour[key] = abandoned_by_hour.get(key, 0) + abandoned
    frame = pd.DataFrame(rows, columns=["interval_start", "contacts", "abandoned"])
    return frame, contacts_by_hour, abandoned_by_hour


def test_five_minute_source_combined_to_hours_with_exact_sums() -> None:
    source, contacts_by_hour, abandoned_by_hour = _five_minute_source()
    mapping = CountsMapping(fixed_queue="bank", abandoned="abandoned")
    history = import_interval_counts(source, mapping=mapping, interval_minutes=60)
    assert history.interval_minutes == 60
    assert history.report.source_interval_minutes == 5
    assert len(history.frame) == 48
    for key, expected in contacts_by_hour.items():
        row = _row(history, "bank", key)
        assert row["status"] == OBSERVED
        assert row["contacts"] == expected
        assert row["abandoned"] == abandoned_by_hour[key]
    assert int(history.frame["contacts"].sum()) == sum(contacts_by_hour.values())
    closed = history.frame[history.frame["status"] == CLOSED]
    assert len(closed) == 48 - 6
    assert (closed["contacts"] == 0).all() and (closed["abandoned"] == 0).all()


def test_fifteen_minute_source_combined_to_half_hours(write_text: WriteText) -> None:
    path = write_text(
        "q.csv",
        "interval_start,queue,contacts,aht_s\n"
        "2024-03-04 09:00,q,10,100\n"
        "2024-03-04 09:15,q,30,200\n"
        "2024-03-04 09:30,q,5,60\n"
        # 09:45 on 4 March has no row, but Mondays take calls then (11 March): a gap.
        "2024-03-11 09:00,q,1,50\n"
        "2024-03-11 09:15,q,0,\n"
        "2024-03-11 09:30,q,2,70\n"
        "2024-03-11 09:45,q,4,40\n",
    )
    history = import_interval_counts(path, mapping=CountsMapping(aht_s="aht_s"), interval_minutes=30)
    assert history.interval_minutes == 30
    assert history.report.source_interval_minutes == 15
    first = _row(history, "q", "2024-03-04 09:00")
    assert first["contacts"] == 40
    assert first["aht_s"] == pytest.approx((10 * 100 + 30 * 200) / 40)
    gap = _row(history, "q", "2024-03-04 09:30")
    assert gap["status"] == MISSING and pd.isna(gap["contacts"]) and np.isnan(gap["aht_s"])
    later = _row(history, "q", "2024-03-11 09:00")
    assert (later["status"], later["contacts"], later["aht_s"]) == (OBSERVED, 1, 50.0)
    assert _row(history, "q", "2024-03-11 09:30")["aht_s"] == pytest.approx((2 * 70 + 4 * 40) / 6)
    assert _row(history, "q", "2024-03-11 08:30")["status"] == CLOSED
    # The days between (Tuesday to Sunday) never appear in the file: closed, not gaps.
    between = history.frame[history.frame["interval_start"].between("2024-03-05", "2024-03-10 23:59")]
    assert len(between) == 6 * 48 and (between["status"] == CLOSED).all()


def test_aht_is_weighted_by_handled_contacts(write_text: WriteText) -> None:
    path = write_text(
        "aht.csv",
        "interval_start,queue,contacts,aht_s,abandoned\n"
        "2024-03-04 09:00,q,10,100,0\n"
        "2024-03-04 09:30,q,30,200,10\n",
    )
    history = import_interval_counts(
        path, mapping=CountsMapping(aht_s="aht_s", abandoned="abandoned"), interval_minutes=60
    )
    row = _row(history, "q", "2024-03-04 09:00")
    assert (row["contacts"], row["abandoned"]) == (40, 10)
    assert row["aht_s"] == pytest.approx((10 * 100 + 20 * 200) / 30)


def test_closed_hours_and_gaps_stay_distinct_when_inferred(write_text: WriteText) -> None:
    # Two weeks: Tuesday 12 March is absent though Tuesdays are open; Thursdays and weekends never
    # appear at all.
    lines = ["interval_start,queue,contacts"]
    for day in ("2024-03-04", "2024-03-05", "2024-03-06", "2024-03-08", "2024-03-11", "2024-03-13"):
        lines += [f"{day} 09:00,q,5", f"{day} 10:00,q,6"]
    history = import_interval_counts(write_text("days.csv", "\n".join(lines) + "\n"))
    frame = history.frame
    day = frame["interval_start"].dt.normalize()
    gap_day = frame[day == pd.Timestamp("2024-03-12")]
    assert list(gap_day.loc[gap_day["status"] == MISSING, "interval_start"].dt.hour) == [9, 10]
    assert gap_day.loc[gap_day["status"] == MISSING, "contacts"].isna().all()
    assert (gap_day.loc[gap_day["status"] == CLOSED, "contacts"] == 0).all()
    assert (
        frame.loc[frame["status"] == MISSING, "interval_start"].dt.normalize() == pd.Timestamp("2024-03-12")
    ).all()
    weekend = frame[frame["interval_start"].dt.day_of_week >= 5]
    assert len(weekend) == 2 * 24 and (weekend["status"] == CLOSED).all()
    thursday = frame[day == pd.Timestamp("2024-03-07")]
    assert (thursday["status"] == CLOSED).all()
    assert str(history.report.opening_hours["q"]) == (
        "Mon 09:00-11:00; Tue 09:00-11:00; Wed 09:00-11:00; Thu closed; "
        "Fri 09:00-11:00; Sat closed; Sun closed"
    )


def test_given_opening_hours_decide_closed_and_missing(write_text: WriteText) -> None:
    path = write_text(
        "hours.csv",
        "interval_start,queue,contacts\n2024-03-04 09:00,q,3\n2024-03-04 09:30,q,0\n2024-03-04 11:00,q,0\n",
    )
    hours = OpeningHours.parse("Mon-Fri 09:00-10:15")
    history = import_interval_counts(path, opening_hours=hours)
    assert history.report.opening_hours_source == "given"
    assert _row(history, "q", "2024-03-04 09:30")["status"] == OBSERVED  # a real zero
    assert _row(history, "q", "2024-03-04 09:30")["contacts"] == 0
    # 10:00-10:30 has 15 open minutes and no row: a gap.
    assert _row(history, "q", "2024-03-04 10:00")["status"] == MISSING
    assert _row(history, "q", "2024-03-04 10:30")["status"] == CLOSED
    assert _row(history, "q", "2024-03-04 11:00")["status"] == CLOSED  # a zero row while closed


def test_combined_interval_is_missing_if_any_open_part_is_missing(write_text: WriteText) -> None:
    path = write_text(
        "part.csv",
        "interval_start,queue,contacts\n"
        "2024-03-04 09:00,q,3\n"
        "2024-03-04 09:15,q,4\n"
        "2024-03-04 09:30,q,2\n"
        "2024-03-04 09:45,q,\n",  # an explicit empty count is a gap, not a zero
    )
    history = import_interval_counts(path, interval_minutes=60)
    row = _row(history, "q", "2024-03-04 09:00")
    assert row["status"] == MISSING and pd.isna(row["contacts"])
    assert any("empty count" in note for note in history.report.notes)
