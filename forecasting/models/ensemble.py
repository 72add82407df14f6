"""The equal-weight ensemble of the contact-centre Prophet model and the robust seasonal median.

FORECASTING_NOTES.md item 6: on two real bank series this was the best and most stable model, and
weights learned from a few weeks were no better than equal ones. The band is the mean of the two
members' bands.
"""

from __future__ import annotations

import pandas as pd

from forecasting.config import ForecastConfig
from forecasting.models import MODELS, register
from forecasting.series import QueueSeries

MEMBERS = ("prophet", "seasonal_median")


def combine(members: list[pd.DataFrame]) -> pd.DataFrame:
    """Mean of the members' point forecasts and of their band edges."""
    result = pd.DataFrame({"interval_start": members[0]["interval_start"].to_numpy()})
    for column in ("yhat", "yhat_lower", "yhat_upper"):
        result[column] = sum(m[column].to_numpy(dtype=float) for m in members) / len(members)
    result.attrs["notes"] = [note for m in members for note in m.attrs.get("notes", [])]
    return result


@register("ensemble")
def ensemble(history: QueueSeries, start: pd.Timestamp, periods: int, config: ForecastConfig) -> pd.DataFrame:
    """Equal-weight mean of ``prophet`` and ``seasonal_median``."""
    return combine([MODELS[name](history, start, periods, config) for name in MEMBERS])
