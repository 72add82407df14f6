"""The root ``wfm`` command: subcommand groups, and one place that turns bad input into a message."""

from __future__ import annotations

import sys

import typer
from pydantic import ValidationError

from wfm.cli import bench, data, demo, forecast, leave, roster, scenario, serve, staff, swap
from wfm.domain.parsing import problems_from
from wfm.errors import InputError

app = typer.Typer(
    name="wfm",
    help="Workforce management for e-commerce customer-service centres.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    add_completion=False,
)
app.add_typer(data.app, name="data")
app.add_typer(forecast.app, name="forecast")
app.add_typer(staff.app, name="staff")
app.add_typer(bench.app, name="bench")
app.add_typer(roster.app, name="roster")
app.add_typer(leave.app, name="leave")
app.add_typer(demo.app, name="demo")
app.add_typer(swap.app, name="swap")
app.add_typer(scenario.app, name="scenario")
app.add_typer(serve.serve_app, name="serve")
app.add_typer(serve.admin_app, name="admin")


def main(argv: list[str] | None = None) -> int:
    """Run the command line; bad input ends with a message and exit code 2, never a stack trace."""
    try:
        app(args=argv, prog_name="wfm")
    except SystemExit as done:  # normal end, or a usage error already printed by the parser
        return done.code if isinstance(done.code, int) else (0 if done.code is None else 2)
    except InputError as error:
        typer.echo(f"error: {error.render()}", err=True)
        return 2
    except ValidationError as error:
        typer.echo(f"error: {InputError('invalid input', problems_from(error)).render()}", err=True)
        return 2
    except FileNotFoundError as error:
        typer.echo(f"error: no such file: {error.filename}", err=True)
        return 2
    except OSError as error:
        typer.echo(f"error: {error.strerror}: {error.filename}", err=True)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main())
