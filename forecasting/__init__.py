"""Volume forecasting per queue and interval: baselines, a contact-centre Prophet model, backtests.

Entry points: :func:`fit_forecast` (forecast frame contract in :mod:`forecasting.api`) and
:func:`backtest` (rolling-origin accuracy per model and queue). Models are listed in
:mod:`forecasting.models`; the holiday and promotion calendar is :mod:`forecasting.calendar`.
"""

from forecasting.api import FORECAST_COLUMNS, ForecastResult, ModelChoice, fit_forecast
from forecasting.calendar import Event, EventCalendar, default_calendar
from forecasting.config import ForecastConfig
from forecasting.errors import ForecastError
from forecasting.models import MODELS, forecast_models, forecast_series
from forecasting.series import QueueSeries, load_history_file, split_queues

__all__ = [
    "FORECAST_COLUMNS",
    "MODELS",
    "Event",
    "EventCalendar",
    "ForecastConfig",
    "ForecastError",
    "ForecastResult",
    "ModelChoice",
    "QueueSeries",
    "default_calendar",
    "fit_forecast",
    "forecast_models",
    "forecast_series",
    "load_history_file",
    "split_queues",
]
