"""``wfm staff``: the agents each queue needs per interval, from a forecast."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import pandas as pd
import typer

from wfm.cli.common import write_table
from wfm.domain import Site, StaffingPolicy, parse_model
from wfm.errors import InputError

app = typer.Typer(
    help="Turn a forecast into agents needed per queue and interval.", invoke_without_command=True
)


def _site(site: Path | None, sample: bool) -> Site:
    if sample == (site is not None):
        raise InputError("give either --site SITE.json or --sample (not both, not neither)")
    if sample:
        from wfm.sample_centre import load_sample_centre

        return load_sample_centre().site
    assert site is not None
    return Site.load(site)


def _read_forecast(path: Path) -> pd.DataFrame:
    if not path.exists():
        raise InputError(f"{path}: no such file")
    suffix = path.suffix.lower()
    if suffix == ".parquet":
        return pd.read_parquet(path)
    if suffix in (".csv", ".txt"):
        try:
            return pd.read_csv(path)
        except (pd.errors.ParserError, UnicodeDecodeError, pd.errors.EmptyDataError) as error:
            raise InputError(f"cannot read {path} as a table: {error}") from None
    raise InputError(f"{path}: unknown file type '{suffix}'; expected .csv or .parquet")


@app.callback()
def staff(
    forecast: Annotated[
        Path, typer.Option("--forecast", help="Forecast from `wfm forecast` (.csv/.parquet).")
    ],
    out: Annotated[Path, typer.Option("--out", "-o", help="Where to write the requirement (.csv/.parquet).")],
    site: Annotated[
        Path | None,
        typer.Option("--site", help="Site configuration (JSON) with the queues' service targets."),
    ] = None,
    sample: Annotated[bool, typer.Option("--sample", help="Use the bundled sample centre's queues.")] = False,
    shrinkage: Annotated[
        float | None, typer.Option("--shrinkage", help="Override the site's shrinkage (0-1).")
    ] = None,
    max_occupancy: Annotated[
        float | None, typer.Option("--max-occupancy", help="Override the site's occupancy cap (0-1].")
    ] = None,
    volume_column: Annotated[str, typer.Option("--volume-column", help="Forecast column to staff.")] = "yhat",
) -> None:
    """Agents needed per queue per interval: Erlang C/A for phone, slots for chat, backlog for e-mail.

    Writes queue, interval_start, volume, load_erlangs, raw (on the queue), agents (scheduled, after
    shrinkage), service_level, occupancy, asa_s and the method used.
    """
    from wfm.staffing import staff_forecast

    centre = _site(site, sample)
    updates: dict[str, float] = {}
    if shrinkage is not None:
        updates["shrinkage"] = shrinkage
    if max_occupancy is not None:
        updates["max_occupancy"] = max_occupancy
    policy = parse_model(
        StaffingPolicy, {**centre.staffing.model_dump(), **updates}, source="staffing settings"
    )
    plan = staff_forecast(_read_forecast(forecast), centre, policy=policy, volume_column=volume_column)
    write_table(plan, out, float_format="%.4f")
    typer.echo(
        f"requirement written to {out} "
        f"(shrinkage {policy.shrinkage:.0%}, occupancy cap {policy.max_occupancy:.0%})"
    )
    hours = pd.Timedelta(minutes=centre.interval_minutes)
    for queue, part in plan.groupby("queue"):
        steps = pd.DatetimeIndex(part["interval_start"])
        length = (steps[1] - steps[0]) if len(steps) > 1 else hours
        agent_hours = part["agents"].sum() * length / pd.Timedelta(hours=1)
        typer.echo(
            f"  {queue:20s} peak {part['agents'].max():>4} agents, "
            f"{agent_hours:>8,.0f} agent-hours scheduled ({part['method'].iloc[0]})"
        )
