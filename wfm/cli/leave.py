"""``wfm leave``: leave requests checked against the manuals' rules, without a server.

``wfm leave check request.json`` reads one leave request (the API's body, or a stored
``LeaveRequest``) and applies :func:`wfm.domain.leave.file_leave`: a request the rules refuse is
reported field by field and the command exits 2; an accepted one prints the approval chain it goes
through and the paperwork still needed before it can be approved.
"""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path
from typing import Annotated

import typer

from wfm.domain import LeaveRequest
from wfm.domain.leave import approval_steps, file_leave, missing_paperwork
from wfm.domain.parsing import parse_model
from wfm.errors import InputError, Problem

app = typer.Typer(help="Check leave requests against the manuals' rules.", no_args_is_help=True)


def _read(path: Path) -> dict[str, object]:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise InputError(f"{path}: no such file") from None
    except json.JSONDecodeError as error:
        raise InputError(f"{path}: not valid JSON", [Problem(error.msg, row=error.lineno)]) from None
    if not isinstance(data, dict):
        raise InputError(f"{path}: expected one leave request (a JSON object)")
    return data


@app.command()
def check(
    request_file: Annotated[Path, typer.Argument(help="The leave request (JSON).", metavar="REQUEST.json")],
    filed_by: Annotated[
        str | None,
        typer.Option("--filed-by", help="Who asks (default: the file's filed_by, else the agent themself)."),
    ] = None,
    filed_on: Annotated[
        str | None,
        typer.Option(
            "--filed-on", help="The day it is asked for, YYYY-MM-DD (default: the file's, else today)."
        ),
    ] = None,
    by_phone: Annotated[
        bool | None,
        typer.Option("--by-phone/--in-person", help="Reported by phone (default: the file's by_phone)."),
    ] = None,
) -> None:
    """Whether a leave request may be filed, and what its approval needs (exit 2 when refused)."""
    data = _read(request_file)
    # the filing fields are the check's inputs, not part of the request being filed
    given_by, given_on, given_phone = (
        data.pop("filed_by", None),
        data.pop("filed_on", None),
        data.pop("by_phone", False),
    )
    request = parse_model(LeaveRequest, data, source=str(request_file))
    who = filed_by or (str(given_by) if given_by else request.agent_id)
    day_text = filed_on or (str(given_on) if given_on else None)
    try:
        day = date.fromisoformat(day_text) if day_text else date.today()
    except ValueError:
        raise InputError(
            "leave not checked", [Problem(f"'{day_text}' is not a date (YYYY-MM-DD)", field="filed_on")]
        ) from None
    phone = bool(given_phone) if by_phone is None else by_phone
    filed = file_leave(request, filed_by=who, filed_on=day, by_phone=phone)
    typer.echo(
        f"ok: {filed.describe()}, asked for by {who} on {day.isoformat()}{' by phone' if phone else ''}"
    )
    typer.echo("approved by: " + ", then ".join(step.who for step in approval_steps(filed)))
    for problem in missing_paperwork(filed):
        typer.echo(f"before approval: {problem}")
