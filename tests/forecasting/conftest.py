"""Forecasting fixtures: the sample centre's history, split by queue, loaded once."""

from __future__ import annotations

import pytest

from forecasting import QueueSeries, split_queues
from tests.conftest import sample_centre
from wfm.history import ContactHistory


@pytest.fixture(scope="session")
def sample_history() -> ContactHistory:
    return sample_centre().history


@pytest.fixture(scope="session")
def sample_series(sample_history: ContactHistory) -> dict[str, QueueSeries]:
    return split_queues(sample_history)
