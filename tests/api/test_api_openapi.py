"""Schemathesis against the OpenAPI document: generated requests (signed in as a manager, with a sample
team in place) never get a server error, and every answer matches its documented status, media type
and schema. Bounded: a few examples per operation, no deadline per example."""

from __future__ import annotations

import shutil
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import schemathesis
from fastapi.testclient import TestClient
from hypothesis import HealthCheck, settings
from schemathesis.checks import (
    content_type_conformance,
    not_a_server_error,
    response_schema_conformance,
    status_code_conformance,
)

from api.app import create_app
from api.settings import Settings
from api.tables import Role
from tests.api.conftest import add_user

CHECKS = [not_a_server_error, status_code_conformance, content_type_conformance, response_schema_conformance]
HEADERS: dict[str, str] = {}


_FOLDER = Path(tempfile.mkdtemp(prefix="wfm-openapi-"))
APP = create_app(
    Settings(database_url=f"sqlite:///{_FOLDER / 'wfm.db'}", secret_key="o" * 40, solve_time_limit_s=1.0)
)
schema = schemathesis.openapi.from_asgi("/openapi.json", APP)


@pytest.fixture(scope="module", autouse=True)
def running_app() -> Iterator[None]:
    """The app's lifespan (migrations, job runner) up for the whole module, with a manager and a team."""
    with TestClient(APP) as client:
        HEADERS.update(add_user(client, "manager", Role.MANAGER))
        assert client.post("/teams/sample", json={"name": "North"}, headers=HEADERS).status_code == 201
        yield
    shutil.rmtree(_FOLDER, ignore_errors=True)


@schema.parametrize()
@settings(
    max_examples=8,
    deadline=None,
    suppress_health_check=list(HealthCheck),
    derandomize=True,
)
def test_no_server_error_and_every_answer_matches_the_schema(case: Any) -> None:
    case.call_and_validate(headers=HEADERS, checks=CHECKS)


def test_the_document_lists_every_error_answer() -> None:
    document = create_app(Settings(database_url="sqlite://", secret_key="d" * 40)).openapi()
    for path, operations in document["paths"].items():
        for method, operation in operations.items():
            codes = set(operation["responses"])
            assert {"401", "403", "404", "422"} <= codes, (method, path, codes)
