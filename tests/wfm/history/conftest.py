"""Fixtures for the contact-history tests: the shared real data sets and small file writers."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

REPO_ROOT = Path(__file__).resolve().parents[3]


@pytest.fixture(scope="session")
def shared_data() -> Path:
    """The real call-centre data sets in ``../shared/data`` next to the repository."""
    folder = (REPO_ROOT / ".." / "shared" / "data").resolve()
    if not folder.is_dir():
        pytest.skip(f"shared data not present: {folder}")
    return folder


@pytest.fixture
def write_text(tmp_path: Path) -> Callable[[str, str], Path]:
    """Write ``text`` to ``tmp_path / name`` and return the path."""

    def write(name: str, text: str) -> Path:
        path = tmp_path / name
        path.write_text(text, encoding="utf-8")
        return path

    return write
