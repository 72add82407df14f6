"""Reading and writing the tidy series as CSV or Parquet (by extension)."""

from __future__ import annotations

import contextlib
import os
import tempfile
from pathlib import Path

import numpy as np
import pandas as pd

from wfm.errors import InputError, Problem
from wfm.history._grid import tidy_frame
from wfm.history._table import (
    CSV_SUFFIXES,
    PARQUET_SUFFIXES,
    SourceTable,
    number_problems,
    parse_numbers,
    read_source,
    require_columns,
)
from wfm.history.series import (
    FRAME_COLUMNS,
    INTERVAL_CHOICES,
    STATUSES,
    ContactHistory,
    ImportReport,
    contract_problems,
)

_CSV_TIME_FORMAT = "%Y-%m-%d %H:%M"


def write_history(history: ContactHistory, path: str | Path) -> Path:
    """Write the tidy series to ``path`` (``.csv`` or ``.parquet``), atomically.

    The file is written next to its destination under a temporary name and moved into place, so a
    reader never sees a half-written file and a failed write leaves any earlier file untouched.
    Returns the path written.
    """
    target = Path(path)
    suffix = target.suffix.lower()
    if suffix not in CSV_SUFFIXES + PARQUET_SUFFIXES:
        raise InputError(
            f"{target}: unknown file type '{suffix}'; expected .csv or .parquet",
            [Problem("choose a .csv or .parquet file name", field="path")],
        )
    frame = history.frame.loc[:, list(FRAME_COLUMNS)]
    target.parent.mkdir(parents=True, exist_ok=True)
    handle, temporary = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".partial", dir=target.parent)
    os.close(handle)
    try:
        if suffix in PARQUET_SUFFIXES:
            frame.to_parquet(temporary, index=False)
        else:
            frame.to_csv(
                temporary,
                index=False,
                date_format=_CSV_TIME_FORMAT,
                lineterminator="\n",
            )
        umask = os.umask(0)
        os.umask(umask)
        os.chmod(temporary, 0o666 & ~umask)  # mkstemp makes 0600; give the file the usual mode
        os.replace(temporary, target)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            os.remove(temporary)
        raise
    return target


def read_history(path: str | Path) -> ContactHistory:
    """Read a tidy series written by :func:`write_history` (or by hand), checking the contract.

    Rows may come in any order (they are sorted); everything else must hold: the six columns,
    status values, counts consistent with the status, and a complete whole-day grid per queue.

    Raises
    ------
    InputError
        Naming the line and column of every problem found.
    """
    table = read_source(Path(path), separator=None, kind="contact history")
    require_columns(table, {name: name for name in FRAME_COLUMNS})
    if table.text.empty:
        raise InputError(f"{table.name}: no data rows")
    frame, lines = _typed(table)
    interval = _interval_of(frame)
    problems = contract_problems(frame, interval, lines)
    if problems:
        raise InputError(f"{table.name}: not a valid contact history", problems)
    report = ImportReport(
        source=table.name,
        kind="tidy",
        rows_read=len(frame),
        rows_imported=len(frame),
        notes=("read from a tidy contact-history file",),
    )
    return ContactHistory(frame=frame.reset_index(drop=True), interval_minutes=interval, report=report)


def _typed(table: SourceTable) -> tuple[pd.DataFrame, np.ndarray]:
    """Parse the text columns into the contract's types, sorted by queue and interval start."""
    problems: list[Problem] = []
    lines = table.lines
    queue = table.column("queue").to_numpy(dtype=object)
    start_text = table.column("interval_start")
    starts = pd.to_datetime(start_text, format="ISO8601", errors="coerce")
    if isinstance(starts.dtype, pd.DatetimeTZDtype):
        problems.append(
            Problem("interval starts must be local times without an offset", column="interval_start")
        )
        starts = starts.dt.tz_localize(None)
    starts = starts.astype("datetime64[ns]")
    for position in np.flatnonzero(starts.isna().to_numpy()):
        problems.append(
            Problem(
                f"'{start_text.iloc[position]}' is not a readable time (expected ISO 8601 like "
                "2024-03-01 08:30)",
                row=int(lines[position]),
                column="interval_start",
            )
        )
    status = table.column("status").to_numpy(dtype=object)
    for position in np.flatnonzero(~np.isin(status, STATUSES)):
        problems.append(
            Problem(
                f"status '{status[position]}' is not one of {', '.join(STATUSES)}",
                row=int(lines[position]),
                column="status",
            )
        )
    parsed = {}
    for column, what, whole in (
        ("contacts", "contacts", True),
        ("abandoned", "abandoned contacts", True),
        ("aht_s", "seconds", False),
    ):
        parsed[column] = parse_numbers(table.column(column), what=what, whole=whole)
        problems.extend(number_problems(parsed[column], lines, column))
    if problems:
        problems.sort(key=lambda p: (p.row or 0, p.column or ""))
        raise InputError(f"{table.name}: not a valid contact history", problems)
    frame = tidy_frame(
        queue=queue,
        interval_start=starts.to_numpy(dtype="datetime64[ns]"),
        contacts=parsed["contacts"].values,
        aht_s=parsed["aht_s"].values,
        abandoned=parsed["abandoned"].values,
        status=status,
    )
    order = np.lexsort((frame["interval_start"].to_numpy(), queue.astype(str)))
    return frame.iloc[order].reset_index(drop=True), lines[order]


def _interval_of(frame: pd.DataFrame) -> int:
    """The series' interval: the smallest gap between consecutive starts within a queue."""
    same_queue = frame["queue"].to_numpy() == np.roll(frame["queue"].to_numpy(), 1)
    same_queue[0] = False
    gaps = frame["interval_start"].diff().dt.total_seconds().to_numpy()[same_queue] / 60
    gaps = gaps[gaps > 0]
    if len(gaps) == 0:
        raise InputError(
            "cannot tell the interval length: each queue has a single row",
            [Problem("a whole-day grid has many intervals per queue", column="interval_start")],
        )
    interval = round(float(gaps.min()))
    if interval not in INTERVAL_CHOICES:
        raise InputError(
            f"unknown interval length: {gaps.min():g} minutes",
            [
                Problem(
                    f"intervals must be {', '.join(map(str, INTERVAL_CHOICES))} minutes long",
                    column="interval_start",
                )
            ],
        )
    return interval
