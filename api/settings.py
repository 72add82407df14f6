"""The API's configuration, read once from the environment (prefix ``WFM_``, or ``DATABASE_URL``)."""

from __future__ import annotations

import secrets
from datetime import date

from pydantic import AliasChoices, Field
from pydantic_settings import BaseSettings, SettingsConfigDict


class Settings(BaseSettings):
    """Where the data lives, how tokens are signed, and how jobs run.

    ``secret_key`` signs access tokens: set ``WFM_SECRET_KEY`` in a real deployment, or every restart
    signs out every user (a random key is drawn when none is set).
    """

    model_config = SettingsConfigDict(env_prefix="WFM_", extra="ignore")

    database_url: str = Field(
        default="sqlite:///wfm.db", validation_alias=AliasChoices("DATABASE_URL", "WFM_DATABASE_URL")
    )
    secret_key: str = Field(default_factory=lambda: secrets.token_urlsafe(32))
    token_minutes: int = Field(default=12 * 60, ge=1, le=30 * 24 * 60)
    solve_time_limit_s: float = Field(default=10.0, gt=0, le=3600)
    solver_workers: int = Field(default=2, ge=1, le=64)
    job_workers: int = Field(default=1, ge=1, le=16)
    user_cache_s: float = Field(
        default=5.0,
        ge=0,
        le=300,
        description="Seconds a signed-in user is remembered between requests; a deactivation or role "
        "change made outside this process takes effect within this time (0: look up every request).",
    )
    today: date | None = Field(
        default=None,
        description="The date the API takes as today (swaps' lead time, leave rules, re-solves); unset: "
        "the clock (in each team's time zone for leave). For demonstrations and tests on a past roster.",
    )
