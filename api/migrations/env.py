"""Alembic environment: runs on the engine the app hands over (``config.attributes['engine']``).

From the command line: ``alembic -x url=sqlite:///wfm.db revision --autogenerate -m "..."`` is not
needed for day-to-day use; ``wfm serve`` and ``wfm admin`` migrate on start.
"""

from __future__ import annotations

from alembic import context
from sqlmodel import SQLModel, create_engine

import api.tables  # noqa: F401  (registers every table on SQLModel.metadata)

config = context.config
engine = config.attributes.get("engine")
if engine is None:
    engine = create_engine(context.get_x_argument(as_dictionary=True)["url"])

with engine.connect() as connection:
    sqlite = connection.dialect.name == "sqlite"
    if sqlite:
        # SQLite alters a table by copying it into a new one and dropping the old (batch mode); with
        # foreign keys enforced, dropping a table other rows refer to fails. Enforcement is switched
        # off for the migration (outside any transaction, where SQLite honours it), every reference
        # is checked before the migration commits, and enforcement is switched on again.
        connection.exec_driver_sql("PRAGMA foreign_keys=OFF")
        connection.commit()
        # Python's sqlite3 runs DDL outside any transaction by default, so a migration failing half
        # way would leave half a schema. With its implicit transactions off, an explicit BEGIN makes
        # the whole upgrade one transaction, as it is on PostgreSQL.
        driver = connection.connection.driver_connection
        implicit = driver.isolation_level  # type: ignore[union-attr]
        driver.isolation_level = None  # type: ignore[union-attr]
    try:
        context.configure(
            connection=connection,
            target_metadata=SQLModel.metadata,
            render_as_batch=sqlite,
            compare_type=True,
            transactional_ddl=True,
        )
        with context.begin_transaction():
            if sqlite:
                connection.exec_driver_sql("BEGIN")
            context.run_migrations()
            if sqlite:
                broken = connection.exec_driver_sql("PRAGMA foreign_key_check").all()
                if broken:
                    raise RuntimeError(f"the migration would break references: {broken[:5]}")
    finally:
        if sqlite:
            driver.isolation_level = implicit  # type: ignore[union-attr]
            connection.exec_driver_sql("PRAGMA foreign_keys=ON")
            connection.commit()
