"""``wfm serve`` (the API over HTTP) and ``wfm admin create-manager`` (the first user)."""

from __future__ import annotations

import getpass
import os
from typing import TYPE_CHECKING, Annotated

import typer

from wfm.errors import InputError, Problem

if TYPE_CHECKING:
    from api.settings import Settings

serve_app = typer.Typer(invoke_without_command=True)
admin_app = typer.Typer(help="Administration: the first manager account.", no_args_is_help=True)

DatabaseOption = Annotated[
    str | None,
    typer.Option(
        "--database-url",
        help="SQLAlchemy URL (default: $DATABASE_URL, else sqlite:///wfm.db); "
        "PostgreSQL as postgresql+psycopg://user@host/db.",
    ),
]


def _settings(database_url: str | None) -> Settings:
    from pydantic import ValidationError

    from api.settings import Settings

    try:
        return Settings(database_url=database_url) if database_url else Settings()
    except ValidationError as error:
        from wfm.domain.parsing import problems_from

        raise InputError("settings refused", problems_from(error)) from None


@serve_app.callback()
def serve(
    host: Annotated[str, typer.Option("--host", help="Address to listen on.")] = "127.0.0.1",
    port: Annotated[int, typer.Option("--port", help="Port to listen on.")] = 8000,
    database_url: DatabaseOption = None,
    access_log: Annotated[
        bool, typer.Option("--access-log/--no-access-log", help="Log one line per request.")
    ] = False,
) -> None:
    """Serve the API (OpenAPI document at /docs); migrates the database to the newest schema first.

    Set WFM_SECRET_KEY so tokens survive a restart.
    """
    import uvicorn

    from api.app import create_app

    if not 0 < port < 65536:
        raise InputError("--port refused", [Problem(f"{port} is not a port number", field="--port")])
    app = create_app(_settings(database_url))
    uvicorn.run(app, host=host, port=port, log_level="info", access_log=access_log)


@admin_app.command("create-manager")
def create_manager(
    username: Annotated[str, typer.Argument(help="The manager's user name.")],
    full_name: Annotated[str, typer.Option("--full-name", help="The manager's name.")] = "",
    database_url: DatabaseOption = None,
) -> None:
    """Create a manager account (asks for the password, or reads $WFM_ADMIN_PASSWORD)."""
    from pydantic import ValidationError
    from sqlmodel import Session, select

    from api.db import make_engine, migrate
    from api.schemas import UserCreate
    from api.store import add_user
    from api.tables import Role, User
    from wfm.domain.parsing import problems_from

    settings = _settings(database_url)
    password = os.environ.get("WFM_ADMIN_PASSWORD") or getpass.getpass("password for the new manager: ")
    try:
        user_in = UserCreate(username=username, full_name=full_name, role=Role.MANAGER, password=password)
    except ValidationError as error:
        raise InputError("manager refused", problems_from(error)) from None
    engine = make_engine(settings.database_url)
    migrate(engine)
    with Session(engine) as session:
        if session.exec(select(User).where(User.username == username)).first() is not None:
            raise InputError(
                "manager refused", [Problem(f"user name '{username}' is taken", field="username")]
            )
        add_user(session=session, user_in=user_in, actor=None, how="wfm admin create-manager")
    engine.dispose()
    typer.echo(f"manager '{username}' created")
