"""Forecasting refuses what it cannot forecast honestly, with the reason."""

from __future__ import annotations

from wfm.errors import InputError


class ForecastError(InputError):
    """A history or request the forecaster cannot serve (too short, gaps, horizon too long, ...)."""
