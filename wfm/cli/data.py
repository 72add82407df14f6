"""``wfm data``: import contact history into the tidy series, and summarise it."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated

import typer

from wfm.domain import OpeningHours
from wfm.errors import InputError, Problem
from wfm.history import (
    ContactHistory,
    CountsMapping,
    RecordsMapping,
    import_contact_records,
    import_interval_counts,
    load_mapping,
    preset_names,
    read_history,
    summarize,
    write_history,
)

app = typer.Typer(help="Import contact history and summarise it.", no_args_is_help=True)

MappingOption = Annotated[
    str | None,
    typer.Option(
        "--mapping",
        "-m",
        help="A TOML column mapping, or the name of a bundled preset "
        "(see `wfm data import --help`). Without one the file must be a tidy series, or interval "
        "counts with columns queue, interval_start, contacts.",
    ),
]
IntervalOption = Annotated[
    int, typer.Option("--interval", help="Interval length to aggregate to: 15, 30 or 60 minutes.")
]
OpenOption = Annotated[
    str | None,
    typer.Option(
        "--open",
        help="Opening hours, e.g. '08:30-24:00' or 'Mon-Fri 07:00-21:10; Sat 09:00-13:00'. "
        "Intervals outside them are closed (known zero); open intervals without data are gaps. "
        "Without it, closed hours are inferred from the data and reported.",
    ),
]
QueueOption = Annotated[
    str | None,
    typer.Option("--queue", help="Queue name for a one-queue file that has no queue column."),
]


def load_any(
    source: Path,
    *,
    mapping_name: str | None,
    interval: int,
    opening: str | None,
    queue: str | None,
) -> ContactHistory:
    """Read ``source`` as a tidy series, interval counts or per-contact records."""
    hours = _opening_hours(opening)
    _check_interval(interval)
    loaded = load_mapping(mapping_name) if mapping_name is not None else None
    if not source.exists():
        raise InputError(f"{source}: no such file")
    if loaded is None:
        if _looks_tidy(source):
            return read_history(source)
        mapping: CountsMapping | RecordsMapping = CountsMapping(**({"fixed_queue": queue} if queue else {}))
    else:
        mapping = loaded
        if queue:
            mapping = mapping.model_copy(update={"fixed_queue": queue, "queue": None})
    if isinstance(mapping, RecordsMapping):
        return import_contact_records(source, mapping=mapping, interval_minutes=interval, opening_hours=hours)
    return import_interval_counts(source, mapping=mapping, interval_minutes=interval, opening_hours=hours)


def _opening_hours(text: str | None) -> OpeningHours | None:
    if not text:
        return None
    try:
        return OpeningHours.parse(text)
    except ValueError as error:
        raise InputError(f"--open '{text}' refused", [Problem(str(error), field="--open")]) from None


def _check_interval(minutes: int) -> None:
    if minutes not in (15, 30, 60):
        raise InputError(
            "--interval refused",
            [Problem(f"{minutes} is not one of 15, 30 or 60 minutes", field="--interval")],
        )


def _looks_tidy(source: Path) -> bool:
    if source.suffix.lower() == ".parquet":
        import pyarrow.parquet as pq

        names = set(pq.read_schema(source).names)
    else:
        with source.open(encoding="utf-8", errors="replace") as handle:
            names = {name.strip() for name in handle.readline().split(",")}
    return {"queue", "interval_start", "contacts", "status"} <= names


@app.command("import")
def import_(
    source: Annotated[Path, typer.Argument(help="CSV, TSV or Parquet file of contact history.")],
    out: Annotated[
        Path, typer.Option("--out", "-o", help="Where to write the tidy series (.csv or .parquet).")
    ],
    mapping: MappingOption = None,
    interval: IntervalOption = 60,
    opening: OpenOption = None,
    queue: QueueOption = None,
    report: Annotated[
        Path | None, typer.Option("--report", help="Also write the import report as JSON here.")
    ] = None,
) -> None:
    """Import contact history (interval counts or per-contact records) into the tidy series.

    Every source row is accounted for: imported, or reported with the reason it was left out.
    Bundled mapping presets: run `wfm data presets`.
    """
    history = load_any(source, mapping_name=mapping, interval=interval, opening=opening, queue=queue)
    write_history(history, out)
    if report is not None:
        report.write_text(
            json.dumps(history.report.to_dict(), indent=2, default=str) + "\n", encoding="utf-8"
        )
    imported = history.report
    typer.echo(
        f"imported {imported.rows_imported:,} of {imported.rows_read:,} rows "
        f"({imported.rows_rejected:,} left out) into {out}: "
        f"{len(history.queues)} queue(s), {history.interval_minutes}-minute intervals"
    )
    for rejected in imported.rejected:
        typer.echo(f"  left out {rejected.count:,}: {rejected.reason}")


@app.command("summary")
def summary(
    source: Annotated[
        Path | None, typer.Argument(help="Tidy series or raw history file (omit with --sample).")
    ] = None,
    sample: Annotated[
        bool, typer.Option("--sample", help="Summarise the bundled sample centre's history.")
    ] = False,
    mapping: MappingOption = None,
    interval: IntervalOption = 60,
    opening: OpenOption = None,
    queue: QueueOption = None,
    as_json: Annotated[bool, typer.Option("--json", help="Machine-readable JSON output.")] = False,
) -> None:
    """Totals, volume by hour of day and day of week, gaps and closed hours, per queue."""
    if sample == (source is not None):
        raise InputError("give either a history file or --sample (not both, not neither)")
    if sample:
        from wfm.sample_centre import load_sample_centre

        if mapping or opening or queue or interval != 60:
            raise InputError(
                "--mapping, --interval, --open and --queue apply to a history file, not to --sample "
                "(the sample centre is hourly, open 08:30-24:00)"
            )

        history = load_sample_centre().history
    else:
        assert source is not None
        history = load_any(source, mapping_name=mapping, interval=interval, opening=opening, queue=queue)
    result = summarize(history)
    if as_json:
        typer.echo(json.dumps(result.to_dict(), indent=2, default=str))
    else:
        typer.echo(result.render())


@app.command("presets")
def presets() -> None:
    """List the bundled column mappings for known file layouts."""
    for name in preset_names():
        described = load_mapping(name)
        typer.echo(f"{name:24s} {described.kind:8s} {described.description}")
