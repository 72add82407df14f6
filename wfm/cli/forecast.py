"""``wfm forecast``: next week's contacts per queue and interval, and the backtest that justifies it."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import pandas as pd
import typer

from wfm.cli.common import write_table
from wfm.errors import InputError, Problem
from wfm.pipeline import forecast_config, quiet_stan

if TYPE_CHECKING:
    from wfm.history import ContactHistory

app = typer.Typer(
    help="Forecast contact volume per queue and interval (and backtest the models).",
    invoke_without_command=True,
)

_DURATION = re.compile(r"^\s*(\d+)\s*([wdhm])\s*$")
_UNITS = {"w": "W", "d": "D", "h": "h", "m": "min"}

HistoryOption = Annotated[
    Path | None,
    typer.Option(
        "--history",
        help="Tidy contact history (from `wfm data import`), or a plain CSV with columns timestamp,volume.",
    ),
]
SampleOption = Annotated[
    bool, typer.Option("--sample", help="Use the bundled sample centre's history instead of --history.")
]
EventsOption = Annotated[
    Path | None,
    typer.Option(
        "--events", help="A site calendar (TOML/JSON) adding to or removing from the default events."
    ),
]
CountryOption = Annotated[
    str, typer.Option("--country", help="Public holidays of this country (CN, US, ...).")
]
SeedOption = Annotated[int, typer.Option("--seed", help="Seed for the prediction bands' sampling.")]


def parse_duration(text: str, *, field: str) -> pd.Timedelta:
    """``7d``, ``168h``, ``2w`` or ``90m``."""
    match = _DURATION.match(text)
    if not match:
        raise InputError(
            f"{field} refused", [Problem(f"'{text}' is not a duration like 7d, 168h or 2w", field=field)]
        )
    return pd.Timedelta(int(match.group(1)), unit=_UNITS[match.group(2)])  # type: ignore[arg-type]


def _history(history: Path | None, sample: bool) -> tuple[ContactHistory, pd.Timestamp | None]:
    """The history to forecast from, and the sample's planning week when --sample."""
    if sample == (history is not None):
        raise InputError("give either --history FILE or --sample (not both, not neither)")
    if sample:
        from wfm.sample_centre import load_sample_centre

        centre = load_sample_centre()
        return centre.history, pd.Timestamp(centre.horizon.start)
    from forecasting import load_history_file

    assert history is not None
    return load_history_file(history), None


def _write(frame: pd.DataFrame, out: Path) -> None:
    write_table(frame, out, float_format="%.3f")


@app.callback()
def forecast(
    ctx: typer.Context,
    history: HistoryOption = None,
    sample: SampleOption = False,
    start: Annotated[
        str | None,
        typer.Option(
            "--start", help="First day (or date-time) to forecast; default: the day after the history."
        ),
    ] = None,
    horizon: Annotated[
        str, typer.Option("--horizon", help="How far ahead: 7d, 168h, 2w (at most 35 days).")
    ] = "7d",
    out: Annotated[
        Path | None, typer.Option("--out", "-o", help="Where to write the forecast (.csv or .parquet).")
    ] = None,
    model: Annotated[
        str,
        typer.Option(
            "--model", help="default (chosen per queue by backtest), ensemble, prophet, seasonal_median, ..."
        ),
    ] = "default",
    queue: Annotated[list[str] | None, typer.Option("--queue", help="Only this queue (repeatable).")] = None,
    events: EventsOption = None,
    country: CountryOption = "CN",
    seed: SeedOption = 0,
    interval_width: Annotated[float, typer.Option("--interval-width", help="Band coverage aimed at.")] = 0.8,
    plot: Annotated[Path | None, typer.Option("--plot", help="Also draw the forecast (PNG).")] = None,
    as_json: Annotated[
        bool, typer.Option("--json", help="Print the model choices and notes as JSON.")
    ] = False,
) -> None:
    """Forecast contacts per queue and interval, with an 80% band, from a contact history.

    The default model is chosen per queue by a short backtest (lowest WAPE) among the ensemble,
    the contact-centre Prophet model and the seasonal median. Closed hours come out as zero.
    """
    if ctx.invoked_subcommand is not None:
        return
    if out is None:
        raise InputError("--out is required: where to write the forecast (.csv or .parquet)")
    quiet_stan()
    from forecasting import fit_forecast

    loaded, planning_start = _history(history, sample)
    config = forecast_config(
        loaded, model=model, events=events, country=country, seed=seed, interval_width=interval_width
    )
    if start is not None:
        first = _timestamp(start, "--start")
    elif planning_start is not None:
        first = planning_start
    else:
        first = loaded.frame["interval_start"].max().normalize() + pd.Timedelta(days=1)
    result = fit_forecast(loaded, first, parse_duration(horizon, field="--horizon"), config, queues=queue)
    _write(result.frame, out)
    if plot is not None:
        from forecasting.plot import plot_forecast

        plot_forecast(result, loaded, plot)
    if as_json:
        typer.echo(json.dumps(result.to_dict(), indent=2))
        return
    typer.echo(f"forecast {first:%Y-%m-%d %H:%M} + {horizon} written to {out}")
    totals = result.frame.groupby("queue")["yhat"].sum()
    for choice in result.choices:
        total = totals[choice.queue]
        typer.echo(f"  {choice.queue:20s} {total:>12,.0f} contacts  model {choice.model} ({choice.reason})")
    for note in result.notes:
        typer.echo(f"  note: {note}")


@app.command("backtest")
def backtest_command(
    history: HistoryOption = None,
    sample: SampleOption = False,
    horizon: Annotated[str, typer.Option("--horizon", help="Horizon of each origin: 168h, 7d ...")] = "168h",
    origins: Annotated[
        int, typer.Option("--origins", help="How many weekly origins, ending at the history's end.")
    ] = 12,
    models: Annotated[
        str,
        typer.Option("--models", help="Comma-separated models to compare."),
    ] = "last_week,seasonal_mean,seasonal_median,prophet_default,prophet,ensemble",
    events: EventsOption = None,
    country: CountryOption = "CN",
    seed: SeedOption = 0,
    out: Annotated[
        Path | None, typer.Option("--out", help="Also write every backtest forecast (.csv/.parquet).")
    ] = None,
    plot: Annotated[
        Path | None, typer.Option("--plot", help="Draw forecast vs actual of the default model (PNG).")
    ] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Machine-readable JSON.")] = False,
) -> None:
    """Rolling-origin backtest: refit at each weekly origin, score WAPE, MAPE, MASE, bias, coverage.

    The model with the lowest pooled WAPE per queue is named the default for that queue.
    """
    quiet_stan()
    from forecasting.backtest import backtest

    loaded, _ = _history(history, sample)
    names = [name.strip() for name in models.split(",") if name.strip()]
    config = forecast_config(loaded, events=events, country=country, seed=seed)
    if origins < 1:
        raise InputError("--origins refused", [Problem("at least one origin is needed", field="--origins")])
    result = backtest(
        loaded,
        models=names,
        horizon=parse_duration(horizon, field="--horizon"),
        origins=origins,
        config=config,
    )
    if out is not None:
        _write(result.forecasts, out)
    if plot is not None:
        from forecasting.plot import plot_backtest

        plot_backtest(result, plot)
    if as_json:
        typer.echo(json.dumps(result.to_dict(), indent=2, default=str))
    else:
        typer.echo(result.render())


def _timestamp(text: str, field: str) -> pd.Timestamp:
    try:
        return pd.Timestamp(text)
    except ValueError:
        raise InputError(
            f"{field} refused", [Problem(f"'{text}' is not a date like 2025-11-24", field=field)]
        ) from None
