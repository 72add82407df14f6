"""The regular interval grid, weekly time slots, and re-aggregation to a coarser interval."""

from __future__ import annotations

import numpy as np
import pandas as pd

from wfm.domain.opening_hours import OpeningHours, OpeningPeriod
from wfm.history.series import CLOSED, MINUTES_PER_DAY, MISSING, OBSERVED

NS_PER_MINUTE = 60 * 1_000_000_000


def whole_day_grid(spans: dict[str, tuple[pd.Timestamp, pd.Timestamp]], minutes: int) -> pd.DataFrame:
    """One row per queue per interval, midnight of the first day to the last interval of the last.

    ``spans`` maps a queue to its (first day, last day), both at midnight. Queues come out sorted.
    """
    queues: list[np.ndarray] = []
    starts: list[np.ndarray] = []
    for queue in sorted(spans):
        first, last = spans[queue]
        times = pd.date_range(
            first, last + pd.Timedelta(days=1), freq=pd.Timedelta(minutes=minutes), inclusive="left"
        ).to_numpy(dtype="datetime64[ns]")
        starts.append(times)
        queues.append(np.full(len(times), queue, dtype=object))
    return pd.DataFrame(
        {
            "queue": np.concatenate(queues) if queues else np.array([], dtype=object),
            "interval_start": np.concatenate(starts) if starts else np.array([], dtype="datetime64[ns]"),
        }
    )


def slot_index(starts: pd.Series, minutes: int) -> np.ndarray:
    """The weekly slot of each interval: weekday * slots_per_day + slot of the day."""
    per_day = MINUTES_PER_DAY // minutes
    of_day = (starts.dt.hour * 60 + starts.dt.minute).to_numpy() // minutes
    return np.asarray(starts.dt.day_of_week.to_numpy() * per_day + of_day, dtype=np.int64)


def open_table(hours: OpeningHours, minutes: int) -> np.ndarray:
    """Bool per weekly slot: whether any minute of the slot is open."""
    per_day = MINUTES_PER_DAY // minutes
    return np.array(
        [
            hours.open_minutes_in(weekday, slot * minutes, minutes) > 0
            for weekday in range(7)
            for slot in range(per_day)
        ],
        dtype=bool,
    )


def hours_from_slots(is_open: np.ndarray, minutes: int) -> OpeningHours:
    """Opening hours that cover exactly the open weekly slots (consecutive slots merged)."""
    per_day = MINUTES_PER_DAY // minutes
    days: list[tuple[OpeningPeriod, ...]] = []
    for weekday in range(7):
        day = is_open[weekday * per_day : (weekday + 1) * per_day]
        periods: list[OpeningPeriod] = []
        slot = 0
        while slot < per_day:
            if day[slot]:
                end = slot
                while end < per_day and day[end]:
                    end += 1
                periods.append(OpeningPeriod(open_minute=slot * minutes, close_minute=end * minutes))
                slot = end
            else:
                slot += 1
        days.append(tuple(periods))
    return OpeningHours(days=tuple(days))


def aggregate(work: pd.DataFrame, target_minutes: int, *, has_abandoned: bool, has_aht: bool) -> pd.DataFrame:
    """Combine a classified fine grid into ``target_minutes`` intervals (the tidy frame).

    ``work`` has ``queue``, ``interval_start``, ``status`` and float columns ``contacts``,
    ``aht_s``, ``abandoned`` (NaN when unknown). Contacts and abandoned are summed; AHT is the mean
    weighted by handled contacts (contacts - abandoned, or all contacts when abandonment is not
    known), and unknown if any sub-interval with handled contacts lacks it. A combined interval is
    missing if any sub-interval is missing, closed if all are closed, else observed.
    """
    status = work["status"].to_numpy(dtype=object)
    observed = status == OBSERVED
    contacts = np.where(observed, work["contacts"].to_numpy(dtype=float), 0.0)
    abandoned = work["abandoned"].to_numpy(dtype=float)
    abandoned_unknown = observed & np.isnan(abandoned)
    handled = np.where(abandoned_unknown | ~observed, contacts, contacts - np.nan_to_num(abandoned))
    aht = work["aht_s"].to_numpy(dtype=float)
    weighs = observed & (handled > 0)
    aht_known = weighs & ~np.isnan(aht)
    parts = pd.DataFrame(
        {
            "queue": work["queue"].to_numpy(dtype=object),
            "interval_start": work["interval_start"].dt.floor(pd.Timedelta(minutes=target_minutes)),
            "n_observed": observed.astype(np.int64),
            "n_missing": (status == MISSING).astype(np.int64),
            "contacts": contacts,
            "abandoned": np.where(observed, np.nan_to_num(abandoned), 0.0),
            "abandoned_unknown": abandoned_unknown.astype(np.int64),
            "aht_weighted": np.where(aht_known, np.nan_to_num(aht) * handled, 0.0),
            "aht_weight": np.where(aht_known, handled, 0.0),
            "aht_unknown": (weighs & ~aht_known).astype(np.int64),
        }
    )
    combined = parts.groupby(["queue", "interval_start"], sort=True).sum().reset_index()
    is_missing = combined["n_missing"].to_numpy() > 0
    is_observed = ~is_missing & (combined["n_observed"].to_numpy() > 0)
    is_closed = ~is_missing & ~is_observed
    status_out = np.where(is_missing, MISSING, np.where(is_observed, OBSERVED, CLOSED))
    contacts_out = np.where(is_missing, np.nan, combined["contacts"].to_numpy())
    abandoned_out = combined["abandoned"].to_numpy()
    abandoned_out = np.where(
        is_missing | (combined["abandoned_unknown"].to_numpy() > 0) | (is_closed & ~has_abandoned),
        np.nan,
        abandoned_out,
    )
    weight = combined["aht_weight"].to_numpy()
    aht_ok = has_aht & is_observed & (combined["aht_unknown"].to_numpy() == 0) & (weight > 0)
    aht_out = np.divide(
        combined["aht_weighted"].to_numpy(), weight, out=np.full(len(weight), np.nan), where=aht_ok
    )
    return tidy_frame(
        queue=combined["queue"].to_numpy(dtype=object),
        interval_start=combined["interval_start"].to_numpy(dtype="datetime64[ns]"),
        contacts=contacts_out,
        aht_s=aht_out,
        abandoned=abandoned_out,
        status=status_out,
    )


def tidy_frame(
    *,
    queue: np.ndarray,
    interval_start: np.ndarray,
    contacts: np.ndarray,
    aht_s: np.ndarray,
    abandoned: np.ndarray,
    status: np.ndarray,
) -> pd.DataFrame:
    """Assemble the contract's columns with the contract's types (NaN counts become <NA>)."""
    return pd.DataFrame(
        {
            "queue": pd.Series(queue, dtype=str),
            "interval_start": pd.Series(interval_start, dtype="datetime64[ns]"),
            "contacts": _nullable_int(contacts),
            "aht_s": pd.Series(aht_s, dtype="float64"),
            "abandoned": _nullable_int(abandoned),
            "status": pd.Series(status, dtype=str),
        }
    )


def _nullable_int(values: np.ndarray) -> pd.Series:
    floats = np.asarray(values, dtype=float)
    known = ~np.isnan(floats)
    out = pd.array(np.where(known, np.rint(floats), 0).astype(np.int64), dtype="Int64")
    out[~known] = pd.NA
    return pd.Series(out)
