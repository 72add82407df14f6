"""API fixtures: the app on SQLite always, and on PostgreSQL when it is reachable.

PostgreSQL is found at ``$WFM_TEST_POSTGRES_URL`` (default: this machine's server, database ``test``);
each test session creates its own database there and drops it afterwards, so tests never touch data
they did not make. A test gets that database migrated once and emptied before it (SQLite: a copy of a
file migrated once), so no test pays for the migrations; ``empty_database_url`` is for the tests of
the migrations themselves. In CI (``CI=true``) an unreachable PostgreSQL fails the run instead of skipping.
"""

from __future__ import annotations

import os
import shutil
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import create_engine, text
from sqlmodel import Session, SQLModel

from api.app import create_app
from api.auth import hash_password
from api.db import make_engine, migrate
from api.settings import Settings
from api.tables import Role, User

POSTGRES_URL = os.environ.get("WFM_TEST_POSTGRES_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test")
PASSWORD = "correct-horse-battery"


def _admin_url() -> str:
    return POSTGRES_URL


@pytest.fixture(autouse=True, scope="session")
def _light_password_hashing() -> Iterator[None]:
    """Argon2 still, with the lightest parameters: the production cost (about 0.2 s a hash, on purpose)
    would spend a minute of the suite signing test users in. Servers the tests start as processes keep
    the production parameters."""
    from pwdlib import PasswordHash
    from pwdlib.hashers.argon2 import Argon2Hasher

    import api.auth

    production = api.auth._hasher
    api.auth._hasher = PasswordHash((Argon2Hasher(time_cost=1, memory_cost=1024, parallelism=1),))
    yield
    api.auth._hasher = production


@pytest.fixture(scope="session")
def postgres_url() -> Iterator[str]:
    """A fresh PostgreSQL database for this test session (dropped at the end)."""
    try:
        admin = create_engine(_admin_url(), isolation_level="AUTOCOMMIT")
        with admin.connect() as connection:
            name = f"wfm_test_{uuid.uuid4().hex[:10]}"
            connection.execute(text(f'CREATE DATABASE "{name}"'))
    except Exception as error:  # no server, no permission: skip (or fail in CI)
        if os.environ.get("CI") == "true":
            pytest.fail(f"PostgreSQL is not reachable at {POSTGRES_URL} in CI: {error}")
        pytest.skip(f"PostgreSQL not reachable at {POSTGRES_URL}: {type(error).__name__}")
    url = POSTGRES_URL.rsplit("/", 1)[0] + f"/{name}"
    yield url
    with admin.connect() as connection:
        connection.execute(
            text("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = :name"),
            {"name": name},
        )
        connection.execute(text(f'DROP DATABASE IF EXISTS "{name}"'))
    admin.dispose()


def _empty_postgres(url: str) -> None:
    engine = create_engine(url)
    with engine.begin() as connection:
        connection.execute(text("DROP SCHEMA public CASCADE"))
        connection.execute(text("CREATE SCHEMA public"))
    engine.dispose()


def _fresh_postgres(url: str) -> None:
    """The database as a newly migrated one: at the newest schema (migrating only when it is not),
    every table empty and every id counting from 1 again. Deleting the few rows a test made takes
    a fifth of the time that dropping the schema and migrating again would, once per test."""
    engine = make_engine(url)
    try:
        migrate(engine)
        with engine.begin() as connection:
            present = set(
                connection.execute(
                    text("SELECT tablename FROM pg_tables WHERE schemaname = 'public'")
                ).scalars()
            )
            tables = SQLModel.metadata.sorted_tables
            assert present - {"alembic_version"} == {table.name for table in tables}, present
            for table in reversed(tables):  # rows that others refer to go last
                connection.execute(table.delete())
            sequences = connection.execute(
                text(
                    "SELECT sequence_name FROM information_schema.sequences WHERE sequence_schema = 'public'"
                )
            ).scalars()
            for sequence in list(sequences):
                connection.execute(text(f'ALTER SEQUENCE "{sequence}" RESTART'))
    finally:
        engine.dispose()


@pytest.fixture(scope="session")
def _migrated_sqlite(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """An SQLite file migrated to the newest schema, made once; each test starts from a copy of it."""
    path = tmp_path_factory.mktemp("migrated") / "wfm.db"
    engine = make_engine(f"sqlite:///{path}")
    migrate(engine)
    engine.dispose()  # the last connection closing folds the write-ahead log into the file
    assert not path.with_name("wfm.db-wal").exists()
    return path


def _fresh_database(request: pytest.FixtureRequest, folder: Path) -> str:
    """A database the app finds migrated and empty, as if it had migrated a new one itself."""
    if request.param == "sqlite":
        copy = folder / "wfm.db"
        shutil.copyfile(request.getfixturevalue("_migrated_sqlite"), copy)
        return f"sqlite:///{copy}"
    url: str = request.getfixturevalue("postgres_url")
    _fresh_postgres(url)
    return url


@pytest.fixture(params=["sqlite", "postgresql"])
def database_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """Each API test runs once on SQLite and once on PostgreSQL, on a database at the newest schema
    with nothing in it (a copy of a migrated SQLite file; PostgreSQL's tables emptied)."""
    return _fresh_database(request, tmp_path)


@pytest.fixture(params=["sqlite", "postgresql"])
def empty_database_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """As ``database_url``, but with no schema at all: for the tests of the migrations themselves."""
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'wfm.db'}"
        return
    url: str = request.getfixturevalue("postgres_url")
    _empty_postgres(url)
    yield url
    _empty_postgres(url)


@pytest.fixture(scope="module", params=["sqlite", "postgresql"])
def module_database_url(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> str:
    """As ``database_url``, shared by the tests of one module (for data that is slow to build)."""
    return _fresh_database(request, tmp_path_factory.mktemp("module"))


@dataclass
class Api:
    """A running app with one signed-in user of each role."""

    client: TestClient
    headers: dict[Role, dict[str, str]]
    settings: Settings

    def as_(self, role: Role) -> dict[str, str]:
        return self.headers[role]


def add_user(client: TestClient, username: str, role: Role, **extra: object) -> dict[str, str]:
    """Create a user straight in the database and sign them in over HTTP."""
    with Session(client.app.state.engine) as session:  # type: ignore[attr-defined]
        session.add(User(username=username, role=role, password_hash=hash_password(PASSWORD), **extra))
        session.commit()
    response = client.post("/auth/token", data={"username": username, "password": PASSWORD})
    assert response.status_code == 200, response.text
    return {"Authorization": f"Bearer {response.json()['access_token']}"}


def running_api(database_url: str, **overrides: Any) -> Iterator[Api]:
    """The app on ``database_url`` with a manager and a scheduler signed in (``overrides``: settings)."""
    settings = Settings(
        database_url=database_url,
        secret_key="test-secret-" + "x" * 32,
        solve_time_limit_s=3.0,
        **overrides,
    )
    with TestClient(create_app(settings)) as client:
        headers = {
            Role.MANAGER: add_user(client, "manager", Role.MANAGER),
            Role.SCHEDULER: add_user(client, "scheduler", Role.SCHEDULER),
        }
        yield Api(client, headers, settings)


@pytest.fixture
def api(database_url: str) -> Iterator[Api]:
    yield from running_api(database_url)


@pytest.fixture(scope="module")
def module_api(module_database_url: str) -> Iterator[Api]:
    yield from running_api(module_database_url)


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """A test marked ``slow_on_sqlite`` runs on PostgreSQL in CI, and on SQLite only with ``-m slow``."""
    for item in items:
        callspec = getattr(item, "callspec", None)
        on_sqlite = callspec is not None and "sqlite" in (
            callspec.params.get("module_database_url"),
            callspec.params.get("database_url"),
        )
        if on_sqlite and item.get_closest_marker("slow_on_sqlite") is not None:
            item.add_marker(pytest.mark.slow)
