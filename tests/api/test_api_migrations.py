"""The Alembic migrations build exactly the schema the tables describe, on SQLite and PostgreSQL, and
each one upgrades a database holding data of the revision before it and downgrades cleanly."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import pytest
import sqlalchemy as sa
from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlmodel import SQLModel

import api.tables  # noqa: F401  (registers every table)
from api.db import alembic_config, make_engine, migrate
from api.schemas import Weights


def test_migrating_an_empty_database_gives_the_tables_schema(empty_database_url: str) -> None:
    engine = make_engine(empty_database_url)
    migrate(engine)
    migrate(engine)  # running it again is harmless
    with engine.connect() as connection:
        differences = compare_metadata(MigrationContext.configure(connection), SQLModel.metadata)
    engine.dispose()
    assert differences == []


# the teams table as revision 0001 made it
QUEUES_0001 = sa.table(
    "queues", sa.column("team_id", sa.Integer()), sa.column("code", sa.String()), sa.column("body", sa.JSON())
)
TEAMS_0001 = sa.table(
    "teams",
    sa.column("id", sa.Integer()),
    sa.column("name", sa.String()),
    sa.column("timezone", sa.String()),
    sa.column("interval_minutes", sa.Integer()),
    sa.column("opening_hours", sa.JSON()),
    sa.column("rules", sa.JSON()),
    sa.column("staffing", sa.JSON()),
    sa.column("revision", sa.Integer()),
    sa.column("created_at", sa.DateTime()),
    sa.column("updated_at", sa.DateTime()),
)


def _team_0001(name: str) -> dict[str, Any]:
    at = datetime(2026, 11, 30, 9, 0, tzinfo=UTC)
    return {
        "name": name,
        "timezone": "Asia/Shanghai",
        "interval_minutes": 30,
        "opening_hours": {},
        "rules": {"rest_days_per_week": 2},
        "staffing": {},
        "revision": 4,
        "created_at": at,
        "updated_at": at,
    }


def test_0002_gives_existing_teams_the_default_weights_and_downgrades_cleanly(
    empty_database_url: str,
) -> None:
    engine = make_engine(empty_database_url)
    config = alembic_config(engine)
    command.upgrade(config, "0001")
    with engine.begin() as connection:
        connection.execute(sa.insert(TEAMS_0001), [_team_0001("North"), _team_0001("South")])
        north = connection.execute(sa.select(TEAMS_0001.c.id).where(TEAMS_0001.c.name == "North")).scalar()
        connection.execute(
            sa.insert(QUEUES_0001), [{"team_id": north, "code": "chat", "body": {"code": "chat"}}]
        )

    command.upgrade(config, "0002")  # with rows that refer to the teams table it rebuilds on SQLite
    teams = sa.table("teams", sa.column("name", sa.String()), sa.column("weights", sa.JSON()))
    with engine.connect() as connection:
        weights = dict(connection.execute(sa.select(teams.c.name, teams.c.weights)).all())
        assert sa.inspect(connection).has_table("rule_sets")
    assert weights == {"North": Weights().model_dump(), "South": Weights().model_dump()}

    command.downgrade(config, "0001")
    with engine.connect() as connection:
        inspector = sa.inspect(connection)
        assert not inspector.has_table("rule_sets")
        assert "weights" not in {column["name"] for column in inspector.get_columns("teams")}
        kept = connection.execute(sa.select(TEAMS_0001.c.name, TEAMS_0001.c.revision)).all()
        queues = connection.execute(sa.select(QUEUES_0001.c.code)).scalars().all()
        foreign_keys_on = (
            connection.dialect.name != "sqlite" or connection.exec_driver_sql("PRAGMA foreign_keys").scalar()
        )
    assert sorted(kept) == [("North", 4), ("South", 4)] and queues == ["chat"] and foreign_keys_on

    migrate(engine)  # and up again to the newest
    with engine.connect() as connection:
        differences = compare_metadata(MigrationContext.configure(connection), SQLModel.metadata)
    engine.dispose()
    assert differences == []


def test_a_migration_failing_half_way_leaves_the_database_as_it_was(empty_database_url: str) -> None:
    engine = make_engine(empty_database_url)
    config = alembic_config(engine)
    command.upgrade(config, "0001")
    with engine.begin() as connection:
        connection.execute(sa.insert(TEAMS_0001), [_team_0001("North")])
        # in the way of 0002's second step (creating rule_sets), after its first (a column on teams)
        connection.exec_driver_sql("CREATE TABLE rule_sets (id INTEGER PRIMARY KEY)")
    with pytest.raises(sa.exc.DatabaseError):
        command.upgrade(config, "0002")
    with engine.connect() as connection:
        columns = {column["name"] for column in sa.inspect(connection).get_columns("teams")}
        version = connection.exec_driver_sql("SELECT version_num FROM alembic_version").scalar()
        teams = connection.execute(sa.select(TEAMS_0001.c.name)).scalars().all()
    engine.dispose()
    assert "weights" not in columns and version == "0001" and teams == ["North"]


ROLES_0004 = sa.Enum("AGENT", "SCHEDULER", "MANAGER", "HR", "GENERAL_MANAGER", name="role")
USERS_0003 = sa.table(
    "users",
    sa.column("id", sa.Integer()),
    sa.column("username", sa.String()),
    sa.column("full_name", sa.String()),
    sa.column("role", ROLES_0004),
    sa.column("password_hash", sa.String()),
    sa.column("active", sa.Boolean()),
    sa.column("created_at", sa.DateTime()),
)


def test_0004_adds_the_hr_and_general_manager_roles_and_downgrades_cleanly(empty_database_url: str) -> None:
    engine = make_engine(empty_database_url)
    config = alembic_config(engine)
    command.upgrade(config, "0003")
    at = datetime(2026, 12, 1, 9, 0, tzinfo=UTC)
    user = {"full_name": "", "password_hash": "x", "active": True, "created_at": at}
    with engine.begin() as connection:
        connection.execute(sa.insert(USERS_0003), [{**user, "username": "boss", "role": "MANAGER"}])

    command.upgrade(config, "0004")
    with engine.begin() as connection:
        connection.execute(
            sa.insert(USERS_0003),
            [{**user, "username": "hr", "role": "HR"}, {**user, "username": "gm", "role": "GENERAL_MANAGER"}],
        )
        roles = dict(connection.execute(sa.select(USERS_0003.c.username, USERS_0003.c.role)).all())
        notices = {column["name"] for column in sa.inspect(connection).get_columns("notices")}
    assert roles == {"boss": "MANAGER", "hr": "HR", "gm": "GENERAL_MANAGER"} and "leave_id" in notices

    with pytest.raises(RuntimeError, match="hold the hr or general_manager role"):
        command.downgrade(config, "0003")  # refused while someone holds a new role
    with engine.begin() as connection:
        connection.execute(sa.update(USERS_0003).where(USERS_0003.c.role != "MANAGER").values(role="MANAGER"))
    command.downgrade(config, "0003")
    with engine.connect() as connection:
        notices = {column["name"] for column in sa.inspect(connection).get_columns("notices")}
        kept = sorted(connection.execute(sa.select(USERS_0003.c.username)).scalars())
        version = connection.exec_driver_sql("SELECT version_num FROM alembic_version").scalar()
    assert "leave_id" not in notices and kept == ["boss", "gm", "hr"] and version == "0003"
    if engine.dialect.name == "postgresql":  # the type lost its new values
        with pytest.raises(sa.exc.DataError), engine.begin() as connection:
            connection.execute(sa.insert(USERS_0003), [{**user, "username": "late", "role": "HR"}])

    migrate(engine)  # and up again to the newest
    with engine.connect() as connection:
        differences = compare_metadata(MigrationContext.configure(connection), SQLModel.metadata)
    engine.dispose()
    assert differences == []
