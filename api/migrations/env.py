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
    context.configure(
        connection=connection,
        target_metadata=SQLModel.metadata,
        render_as_batch=connection.dialect.name == "sqlite",
        compare_type=True,
    )
    with context.begin_transaction():
        context.run_migrations()
