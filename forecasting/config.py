"""Forecast settings: which model, how wide the bands, the event calendar, the seed."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from forecasting.calendar import EventCalendar

Transform = Literal["auto", "log", "sqrt", "none"]


@dataclass(frozen=True)
class ForecastConfig:
    """Settings for :func:`forecasting.fit_forecast` and :func:`forecasting.backtest`.

    Attributes
    ----------
    model
        A model name from :data:`forecasting.MODELS`, or ``"default"``: per queue, the candidate
        with the lowest WAPE in a short rolling-origin backtest just before the start.
    candidates
        The models ``"default"`` chooses among.
    selection_origins
        Weekly origins, before the start, of the backtest that picks the default model per queue.
    selection_margin
        The first candidate (the ensemble, best and steadiest in the benchmarks) is kept unless
        another beats its WAPE by more than this share: two weeks of scores are noisy, and switching
        on noise costs accuracy (benchmarks/RESULTS.md).
    seasonal_weeks
        How many past weeks the seasonal median looks at (the seasonal mean always uses 4, as
        planners do).
    interval_width
        Coverage the prediction band aims at (0.8 = 10th to 90th percentile).
    uncertainty_samples
        Prophet's simulation draws for its band; fewer is faster.
    seed
        Seeds Prophet's sampling, so a forecast is repeatable.
    calendar
        Public holidays and promotion events; ``None`` uses :func:`default_calendar` for
        ``holidays_country``.
    holidays_country
        Country code for public holidays in the default calendar (``"CN"``; ``"US"`` for the US bank).
    transform
        Variance-stabilising transform for Prophet: ``"log"`` (log1p), ``"sqrt"``, ``"none"``, or
        ``"auto"`` (sqrt when the median open-interval count is below 20, log otherwise).
    changepoint_prior_scale
        Prophet's trend flexibility; small, because a one-week horizon must not chase wiggles.
    recent_weeks
        Prophet fits the most recent weeks of history...
    training_weeks
        ...plus, within this many weeks back, the weeks around earlier occurrences of the events in
        the horizon (so last year's Double 11 teaches this year's).
    """

    model: str = "default"
    candidates: tuple[str, ...] = ("ensemble", "prophet", "seasonal_median")
    selection_origins: int = 2
    selection_margin: float = 0.1
    seasonal_weeks: int = 6
    interval_width: float = 0.8
    uncertainty_samples: int = 300
    seed: int = 0
    calendar: EventCalendar | None = None
    holidays_country: str = "CN"
    transform: Transform = "auto"
    changepoint_prior_scale: float = 0.01
    recent_weeks: int = 26
    day_types: Literal["weekday_weekend", "each_day"] = "weekday_weekend"
    daily_fourier_order: int = 10
    calendar_flags: bool = True
    around_holidays: bool = True
    training_weeks: int = 60

    def __post_init__(self) -> None:
        if not 0.0 < self.interval_width < 1.0:
            raise ValueError(f"interval_width: {self.interval_width} is not between 0 and 1")
        if self.selection_origins < 0:
            raise ValueError("selection_origins: must be 0 or more")
        if not 0.0 <= self.selection_margin < 1.0:
            raise ValueError(f"selection_margin: {self.selection_margin} is not between 0 and 1")
        if self.seasonal_weeks < 1:
            raise ValueError("seasonal_weeks: must be 1 or more")
        if self.recent_weeks < 3:
            raise ValueError("recent_weeks: Prophet needs at least 3 weeks")
        if self.training_weeks < self.recent_weeks:
            raise ValueError("training_weeks: must be at least recent_weeks")
