"""Pieces several commands share: writing a table atomically."""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from wfm.errors import InputError, Problem


def write_table(frame: pd.DataFrame, out: Path, *, float_format: str = "%.3f") -> None:
    """Write CSV or Parquet (by extension) atomically: a failed write leaves any earlier file whole."""
    suffix = out.suffix.lower()
    if suffix not in (".csv", ".parquet"):
        raise InputError(
            f"{out}: choose a .csv or .parquet file name", [Problem("unknown file type", field="--out")]
        )
    out.parent.mkdir(parents=True, exist_ok=True)
    temporary = out.with_name(f".{out.name}.partial")
    if suffix == ".parquet":
        frame.to_parquet(temporary, index=False)
    else:
        frame.to_csv(temporary, index=False, date_format="%Y-%m-%d %H:%M", float_format=float_format)
    temporary.replace(out)
