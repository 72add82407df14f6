"""Fixtures shared by the whole suite: where the shared real data lives, if it is present, and the
sample centre read once."""

from __future__ import annotations

import functools
from pathlib import Path

import pytest

from wfm.sample_centre import SampleCentre, load_sample_centre

REPO_ROOT = Path(__file__).resolve().parents[1]
SHARED_DATA = REPO_ROOT.parent / "shared" / "data"


@pytest.fixture(scope="session")
def shared_data() -> Path:
    """``../shared/data`` beside the repository; tests using it skip on a machine without it."""
    if not SHARED_DATA.is_dir():
        pytest.skip(f"shared data not present at {SHARED_DATA} (only on the team's machines)")
    return SHARED_DATA


@functools.cache
def sample_centre() -> SampleCentre:
    """The bundled sample centre, read once per test session (a read parses two years of hourly
    history, about half a second) and shared: read from it, never change it."""
    return load_sample_centre()
