"""``wfm swap check`` and ``wfm swap partners``: swaps judged on a roster file, for scripted use.

The roster is a file written by ``wfm roster`` (or by hand in its columns); the site, requirement and
leave it is judged against come from the same options as ``wfm roster`` (the sample centre by
default). The verdict is the one the API gives (``solver.swaps``).
"""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path
from typing import Annotated, Any

import typer

from wfm.cli.roster import SeedOption, gather_inputs
from wfm.errors import InputError, Problem

app = typer.Typer(
    help="Shift swaps judged by the roster rules: check one, or find partners.", no_args_is_help=True
)

EXIT_WARNING = 3
"""Exit code of ``check`` for a swap that needs the manager (1 is an error, 0 a pass)."""

RosterOption = Annotated[Path, typer.Option("--roster", help="The roster (.csv, as `wfm roster` writes it).")]
SampleOption = Annotated[
    bool, typer.Option("--sample", help="Judge against the sample centre (the default).")
]
SiteOption = Annotated[Path | None, typer.Option("--site", help="Site configuration (JSON) with its agents.")]
RequirementOption = Annotated[
    Path | None,
    typer.Option("--requirement", help="Agents needed per queue and interval (`wfm staff` output)."),
]
StartOption = Annotated[
    str | None, typer.Option("--start", help="The roster's first day (default: as `wfm roster`).")
]
DaysOption = Annotated[int, typer.Option("--days", help="Days in the roster.")]
LeaveOption = Annotated[Path | None, typer.Option("--leave", help="Leave requests (JSON list).")]
TodayOption = Annotated[
    str | None, typer.Option("--today", help="Today's date for the lead time (default: no lead-time check).")
]
LeadOption = Annotated[
    int, typer.Option("--lead-days", help="Swaps are agreed at least this many days ahead.")
]
JsonOption = Annotated[bool, typer.Option("--json", help="Print the verdict as JSON.")]


def _date(text: str | None, field: str) -> date | None:
    if text is None:
        return None
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise InputError(
            f"{field} refused", [Problem(f"'{text}' is not a date like 2025-11-24", field=field)]
        ) from None


def _judging(
    roster: Path,
    sample: bool,
    site: Path | None,
    requirement: Path | None,
    start: str | None,
    days: int,
    leave: Path | None,
    seed: int,
) -> tuple[Any, Any]:
    from solver import problem_from_site
    from solver.report import read_roster_csv

    inputs = gather_inputs(
        sample=sample, site=site, requirement=requirement, start=start, days=days, leave=leave, seed=seed
    )
    problem = problem_from_site(
        inputs.site, inputs.horizon, requirement=inputs.requirement, leave=inputs.leave
    )
    return problem, read_roster_csv(roster, inputs.horizon).cells


@app.command("check")
def check(
    roster: RosterOption,
    kind: Annotated[str, typer.Option("--kind", help="trade, give_away or rest_day_exchange.")],
    requester: Annotated[str, typer.Option("--requester", help="The agent who asks (id).")],
    partner: Annotated[str, typer.Option("--partner", help="The colleague asked (id).")],
    day: Annotated[str, typer.Option("--day", help="The day of the swap (2025-11-26).")],
    other_day: Annotated[
        str | None, typer.Option("--other-day", help="A rest-day exchange's second day.")
    ] = None,
    sample: SampleOption = False,
    site: SiteOption = None,
    requirement: RequirementOption = None,
    start: StartOption = None,
    days: DaysOption = 7,
    leave: LeaveOption = None,
    today: TodayOption = None,
    lead_days: LeadOption = 1,
    seed: SeedOption = 0,
    as_json: JsonOption = False,
) -> None:
    """Check one swap on a roster: pass (exit 0), warning (exit 3: the manager decides; each interval
    that loses cover is listed) or error (exit 1: each broken rule in words)."""
    from pydantic import ValidationError

    from solver.swaps import check_swap
    from wfm.domain.parsing import problems_from
    from wfm.domain.swaps import Swap, Tier

    try:
        swap = Swap(
            kind=kind,
            requester=requester,
            partner=partner,
            day=_date(day, "--day"),
            other_day=_date(other_day, "--other-day"),
        )
    except ValidationError as error:
        raise InputError("swap refused", problems_from(error)) from None
    problem, cells = _judging(roster, sample, site, requirement, start, days, leave, seed)
    verdict = check_swap(problem, cells, swap, today=_date(today, "--today"), lead_days=lead_days)
    if as_json:
        typer.echo(
            json.dumps(
                {
                    "tier": verdict.tier.value,
                    "reasons": list(verdict.reasons),
                    "cells": [c.model_dump(mode="json") for c in verdict.cells],
                    "cost_change": dict(verdict.verdict.cost_change) if verdict.verdict else {},
                    "cover": [
                        {
                            "queue": c.queue,
                            "start": c.start.isoformat(),
                            "required": c.required,
                            "before": c.before,
                            "after": c.after,
                        }
                        for c in verdict.cover
                    ],
                },
                indent=2,
            )
        )
    else:
        typer.echo(f"{verdict.tier.value}: {swap.kind.value.replace('_', '-')} of {requester} and {partner}")
        for reason in verdict.reasons:
            typer.echo(f"  - {reason}")
        for cell in verdict.cells:
            typer.echo(f"  {cell.agent_id} {cell.day.isoformat()}: {cell}")
    if verdict.tier is Tier.ERROR:
        raise typer.Exit(1)
    if verdict.tier is Tier.WARNING:
        raise typer.Exit(EXIT_WARNING)


@app.command("partners")
def partners(
    roster: RosterOption,
    agent: Annotated[str, typer.Option("--agent", help="Whose shift (id).")],
    day: Annotated[str, typer.Option("--day", help="The day (2025-11-26).")],
    sample: SampleOption = False,
    site: SiteOption = None,
    requirement: RequirementOption = None,
    start: StartOption = None,
    days: DaysOption = 7,
    leave: LeaveOption = None,
    today: TodayOption = None,
    lead_days: LeadOption = 1,
    limit: Annotated[int, typer.Option("--limit", help="At most this many partners.")] = 10,
    seed: SeedOption = 0,
    as_json: JsonOption = False,
) -> None:
    """Colleagues with whom a trade or give-away of the agent's shift would pass, best first."""
    from solver.swaps import suggest_partners

    the_day = _date(day, "--day")
    assert the_day is not None
    problem, cells = _judging(roster, sample, site, requirement, start, days, leave, seed)
    found = suggest_partners(
        problem, cells, agent, the_day, today=_date(today, "--today"), lead_days=lead_days, limit=limit
    )
    rows = [
        {
            "partner": s.partner,
            "name": s.name,
            "kind": s.swap.kind.value,
            "cost_change": dict(s.check.verdict.cost_change) if s.check.verdict else {},
        }
        for s in found
    ]
    if as_json:
        typer.echo(json.dumps(rows, indent=2))
        return
    if not rows:
        typer.echo(f"nobody: no trade or give-away of {agent}'s shift on {day} passes every check")
    for row in rows:
        typer.echo(f"{row['partner']} {row['name']}: {row['kind']} (cost change {row['cost_change']})")
