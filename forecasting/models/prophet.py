"""Prophet, as it comes and as a contact centre needs it.

``prophet_default`` is Prophet with its default settings, fitted on the open intervals: the baseline
the issue measures against. ``prophet`` is the contact-centre model (FORECASTING_NOTES.md, items 3-5):

- a variance-stabilising transform (log1p for high counts, sqrt where many intervals are near zero),
  fitted in transformed space and turned back, so effects are multiplicative on the count;
- a small changepoint prior (0.01): over one week the trend must not chase last week's wiggles;
- a daily profile per day type (conditional seasonalities: weekday, weekend, public holiday), not
  one shape for every day, plus a weekly profile;
- no yearly seasonality: the fit uses the recent weeks plus the weeks around last year's occurrences
  of the events in the horizon (fast, and it is what a year of history adds at a one-week horizon);
- public holidays and promotion events from the calendar as Prophet holidays (one effect per event
  name, or one per day of a ramped event such as an after-sales wave), and events with an hour
  window (a 20:00 sale wave) as regressors on those hours;
- closed and missing intervals are never fitted;
- a guard against trend runaway: outside event weeks, a forecast whose week total strays more than
  50% from the seasonal median is replaced by the seasonal median, and the forecast says so.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date, timedelta
from typing import Any

import numpy as np
import pandas as pd

from forecasting.calendar import Event, EventCalendar, default_calendar
from forecasting.config import ForecastConfig
from forecasting.models import register
from forecasting.models._stan import use_fast_backend
from forecasting.series import QueueSeries, closed_in_horizon

logger = logging.getLogger(__name__)

GUARD_RATIO = 1.5


@contextmanager
def _seeded(seed: int) -> Iterator[None]:
    """Prophet draws its band from numpy's global generator: seed it, then put it back as it was."""
    state = np.random.get_state()
    np.random.seed(seed)
    try:
        yield
    finally:
        np.random.set_state(state)


def _quiet_prophet() -> Any:
    from prophet import Prophet

    return Prophet


def _training(history: QueueSeries, weeks: int) -> pd.DataFrame:
    observed = history.observed()
    cutoff = history.end - pd.Timedelta(weeks=weeks)
    return observed[observed["interval_start"] >= cutoff]


def _event_windows(
    history: QueueSeries,
    recent_weeks: int,
    lookback_weeks: int,
    horizon_events: list[Event],
    past: list[Event],
) -> pd.DataFrame:
    """The recent weeks, plus past occurrences of the events the horizon holds, each with a week around it.

    Fitting Prophet on every hour of a year is slow (its design matrix is written to Stan as JSON)
    and mostly repeats what the recent weeks say. What a year of history adds is how last year's
    Double 11 or Spring Festival moved volume; so the fit keeps the recent weeks and, for each event
    in the horizon, the weeks around its earlier occurrences.
    """
    observed = history.observed()
    starts = observed["interval_start"]
    keep = (starts >= history.end - pd.Timedelta(weeks=recent_weeks)).to_numpy().copy()
    earliest = history.end - pd.Timedelta(weeks=lookback_weeks)
    names = {event.name for event in horizon_events}
    for event in past:
        if event.name not in names:
            continue
        first = pd.Timestamp(event.first_day) - pd.Timedelta(days=7)
        last = pd.Timestamp(event.last_day) + pd.Timedelta(days=8)
        if last <= earliest:
            continue
        keep |= ((starts >= max(first, earliest)) & (starts < last)).to_numpy()
    return observed[keep]


def _future(start: pd.Timestamp, periods: int, history: QueueSeries) -> pd.DataFrame:
    return pd.DataFrame({"ds": pd.date_range(start, periods=periods, freq=history.step)})


@register("prophet_default")
def prophet_default(
    history: QueueSeries, start: pd.Timestamp, periods: int, config: ForecastConfig
) -> pd.DataFrame:
    """Prophet out of the box on the open intervals (only the band settings are passed)."""
    train = _training(history, config.training_weeks)
    frame = pd.DataFrame({"ds": train["interval_start"], "y": train["contacts"].astype(float)})
    model = _quiet_prophet()(
        interval_width=config.interval_width, uncertainty_samples=config.uncertainty_samples
    )
    use_fast_backend(model)
    with _seeded(config.seed):
        model.fit(frame, seed=config.seed)
        predicted = model.predict(_future(start, periods, history))
    return pd.DataFrame(
        {
            "interval_start": predicted["ds"],
            "yhat": predicted["yhat"],
            "yhat_lower": predicted["yhat_lower"],
            "yhat_upper": predicted["yhat_upper"],
        }
    )


# --- the contact-centre model ---------------------------------------------------------------------


def choose_transform(config: ForecastConfig, counts: np.ndarray) -> str:
    """The transform to fit in: as configured, or by the size of the counts when ``"auto"``."""
    if config.transform != "auto":
        return config.transform
    return "sqrt" if float(np.median(counts)) < 20 else "log"


def _forward(values: np.ndarray, transform: str) -> np.ndarray:
    if transform == "log":
        return np.asarray(np.log1p(values), dtype=float)
    if transform == "sqrt":
        return np.asarray(np.sqrt(values), dtype=float)
    return values


def _backward(values: np.ndarray, transform: str) -> np.ndarray:
    if transform == "log":
        return np.asarray(np.expm1(values), dtype=float)
    if transform == "sqrt":
        return np.asarray(np.square(np.maximum(values, 0.0)), dtype=float)
    return values


def calendar_for(config: ForecastConfig, first: pd.Timestamp, last: pd.Timestamp) -> EventCalendar:
    """The configured calendar, or the default one for the years the fit and forecast span."""
    if config.calendar is not None:
        return config.calendar
    return default_calendar(tuple(range(first.year, last.year + 1)), config.holidays_country)


def _slug(name: str) -> str:
    return "event_" + re.sub(r"[^a-z0-9]+", "_", name.lower()).strip("_")


def _holiday_days(events: list[Event]) -> set[date]:
    days: set[date] = set()
    for event in events:
        if event.kind == "holiday":
            days.update(event.days())
    return days


def _holidays_frame(events: list[Event], around_holidays: bool) -> pd.DataFrame | None:
    """All-day events as Prophet holidays: one effect per name, or one per day of a ramped event."""
    rows = []
    for event in events:
        if event.hours is not None:
            continue
        if event.daily_shape:
            rows.append(
                {
                    "holiday": event.name,
                    "ds": pd.Timestamp(event.first_day),
                    "lower_window": 0,
                    "upper_window": (event.last_day - event.first_day).days,
                }
            )
        else:
            for day in event.days():
                rows.append(
                    {"holiday": event.name, "ds": pd.Timestamp(day), "lower_window": 0, "upper_window": 0}
                )
        if event.kind == "holiday" and around_holidays:
            # Volume catches up after a public holiday and thins out just before it.
            for label, day in (
                ("day before", event.first_day - timedelta(days=1)),
                ("day after", event.last_day + timedelta(days=1)),
            ):
                rows.append(
                    {
                        "holiday": f"{event.name} ({label})",
                        "ds": pd.Timestamp(day),
                        "lower_window": 0,
                        "upper_window": 0,
                    }
                )
    return pd.DataFrame(rows) if rows else None


def _hourly_regressors(events: list[Event], stamps: pd.Series) -> dict[str, np.ndarray]:
    """Events with an hour window as 0/1 columns, one per event name."""
    columns: dict[str, np.ndarray] = {}
    times = pd.DatetimeIndex(stamps)
    days = times.normalize()
    hours = times.hour
    for event in events:
        if event.hours is None:
            continue
        first, last = pd.Timestamp(event.first_day), pd.Timestamp(event.last_day)
        on = (days >= first) & (days <= last) & (hours >= event.hours[0]) & (hours < event.hours[1])
        name = _slug(event.name)
        columns[name] = np.maximum(columns.get(name, np.zeros(len(times))), on.astype(float))
    return columns


DAY_NAMES = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")


def _add_day_types(frame: pd.DataFrame, holidays: set[date], day_types: str) -> list[str]:
    """Flag each row's day type; returns the day-type names (each gets its own daily profile)."""
    is_holiday = frame["ds"].dt.date.isin(holidays).to_numpy()
    weekday = frame["ds"].dt.day_of_week.to_numpy()
    names = []
    if day_types == "each_day":
        for number, day in enumerate(DAY_NAMES):
            frame[f"{day}_day"] = (weekday == number) & ~is_holiday
            names.append(f"{day}_day")
    else:
        frame["weekend_day"] = (weekday >= 5) & ~is_holiday
        frame["week_day"] = (weekday < 5) & ~is_holiday
        names += ["week_day", "weekend_day"]
    frame["holiday_day"] = is_holiday
    return [*names, "holiday_day"]


def _calendar_flags(stamps: pd.Series) -> dict[str, np.ndarray]:
    """Month-start and month-end days (FORECASTING_NOTES.md item 3: +10-25% / -10% at two banks)."""
    day = stamps.dt.day.to_numpy()
    days_in_month = stamps.dt.days_in_month.to_numpy()
    return {
        "month_start": (day <= 3).astype(float),
        "month_end": (day > days_in_month - 3).astype(float),
    }


@register("prophet")
def contact_centre_prophet(
    history: QueueSeries, start: pd.Timestamp, periods: int, config: ForecastConfig
) -> pd.DataFrame:
    """The contact-centre Prophet model (see the module docstring)."""
    end = start + periods * history.step
    earliest = history.end - pd.Timedelta(weeks=config.training_weeks)
    calendar = calendar_for(config, earliest, end).for_queue(history.queue)
    horizon_events = list(calendar.between(start.date(), (end - history.step).date()).events)
    past = [e for e in calendar.events if pd.Timestamp(e.last_day) < start]
    train = _event_windows(history, config.recent_weeks, config.training_weeks, horizon_events, past)
    counts = train["contacts"].to_numpy(dtype=float)
    transform = choose_transform(config, counts)
    fitted_from = pd.Timestamp(train["interval_start"].iloc[0]).normalize()
    in_fit = pd.DatetimeIndex(train["interval_start"]).normalize().unique()
    events = [
        e
        for e in calendar.events
        if pd.Timestamp(e.last_day) >= fitted_from
        and (in_fit.isin(pd.date_range(e.first_day, e.last_day)).any() or e in horizon_events)
    ]
    holidays = _holiday_days(events)

    frame = pd.DataFrame({"ds": train["interval_start"].to_numpy(), "y": _forward(counts, transform)})
    future = _future(start, periods, history)
    day_types = _add_day_types(frame, holidays, config.day_types)
    _add_day_types(future, holidays, config.day_types)
    regressors = _hourly_regressors(events, frame["ds"])
    future_regressors = _hourly_regressors(events, future["ds"])
    if config.calendar_flags:
        regressors |= _calendar_flags(frame["ds"])
        future_regressors |= _calendar_flags(future["ds"])
    model = _quiet_prophet()(
        growth="linear",
        changepoint_prior_scale=config.changepoint_prior_scale,
        daily_seasonality=False,
        weekly_seasonality=False,
        yearly_seasonality=False,
        holidays=_holidays_frame(events, config.around_holidays),
        holidays_prior_scale=10.0,
        interval_width=config.interval_width,
        uncertainty_samples=config.uncertainty_samples,
    )
    model.add_seasonality("weekly", period=7, fourier_order=6)
    for day_type in day_types:
        if frame[day_type].any():
            model.add_seasonality(
                f"daily_{day_type}",
                period=1,
                fourier_order=config.daily_fourier_order,
                condition_name=day_type,
            )
    for name, values in regressors.items():
        if values.any():
            frame[name] = values
            future[name] = future_regressors[name]
            model.add_regressor(name, standardize=False)
    use_fast_backend(model)
    with _seeded(config.seed):
        model.fit(frame, seed=config.seed)
        predicted = model.predict(future)
    result = pd.DataFrame(
        {
            "interval_start": future["ds"],
            "yhat": _backward(predicted["yhat"].to_numpy(), transform),
            "yhat_lower": _backward(predicted["yhat_lower"].to_numpy(), transform),
            "yhat_upper": _backward(predicted["yhat_upper"].to_numpy(), transform),
        }
    )
    notes = []
    seen = {e.name for e in events if pd.Timestamp(e.last_day) < start and e not in horizon_events}
    unseen = sorted({e.name for e in horizon_events} - seen)
    if unseen:
        notes.append(
            f"queue {history.queue}: {', '.join(unseen)} falls in the horizon but not in the fitted "
            "history, so its effect is unknown and not in the forecast"
        )
    if not horizon_events:
        result, guard_note = _guard(result, history, start, periods, config)
        notes += guard_note
    result.attrs["notes"] = notes
    result.attrs["transform"] = transform
    return result


def _guard(
    result: pd.DataFrame, history: QueueSeries, start: pd.Timestamp, periods: int, config: ForecastConfig
) -> tuple[pd.DataFrame, list[str]]:
    """Outside event weeks, fall back to the seasonal median when Prophet's total runs away from it."""
    from forecasting.models import MODELS

    try:
        seasonal = MODELS["seasonal_median"](history, start, periods, config)
    except Exception:  # no seasonal reference to guard against: keep Prophet's forecast
        return result, []
    open_now = ~closed_in_horizon(history, pd.DatetimeIndex(result["interval_start"]))
    reference = float(np.nansum(seasonal["yhat"].to_numpy(dtype=float)[open_now]))
    total = float(np.nansum(np.maximum(result["yhat"].to_numpy(dtype=float), 0.0)[open_now]))
    if reference <= 0 or 1 / GUARD_RATIO <= total / reference <= GUARD_RATIO:
        return result, []
    guarded = seasonal.loc[:, ["interval_start", "yhat", "yhat_lower", "yhat_upper"]].copy()
    note = (
        f"queue {history.queue}: Prophet's total ({total:,.0f}) strayed {total / reference:.2f}x from "
        f"the seasonal median ({reference:,.0f}) with no event to explain it; the seasonal median is used"
    )
    logger.info(note)
    return guarded, [note]
