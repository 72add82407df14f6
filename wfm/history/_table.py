"""Reading a source table as text, with line numbers, and parsing its fields into values.

Every field is read as text first so that a bad value can be quoted back to the user with its line
and column. A row's line is its line in the file (the header is line 1); for a Parquet file or a
DataFrame, whose rows have no lines, it is the row's position + 2, as if written as CSV.
"""

from __future__ import annotations

import csv
import re
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from wfm.errors import InputError, Problem
from wfm.history.mapping import CountsMapping, RecordsMapping

# A zone suffix after a clock time: "...07:00:00Z", "...09:00+08:00", "...09:00:00.000-0500".
_OFFSET = re.compile(r"^(?P<body>.*\d:\d{2}(?::\d{2}(?:\.\d+)?)?)\s*(?:[Zz]|[+-]\d{2}(?::?\d{2})?)$")
_CLOCK = re.compile(r"^(\d{1,2}):(\d{2})(?::(\d{2}))?$")
CSV_SUFFIXES = (".csv", ".tsv", ".txt")
PARQUET_SUFFIXES = (".parquet", ".pq")


@dataclass(frozen=True)
class SourceTable:
    """A source read as text: ``text`` has one string column per source column ("" when empty)."""

    text: pd.DataFrame
    lines: np.ndarray
    name: str

    def column(self, name: str) -> pd.Series:
        return self.text[name]


def read_source(source: str | Path | pd.DataFrame, *, separator: str | None, kind: str) -> SourceTable:
    """Read a CSV or Parquet file (by extension) or take a DataFrame, as text.

    Raises
    ------
    InputError
        When the file is absent, of an unknown type, or cannot be parsed as a table.
    """
    if isinstance(source, pd.DataFrame):
        raw = source.reset_index(drop=True)
        name = "<DataFrame>"
    else:
        path = Path(source)
        name = str(path)
        if not path.is_file():
            raise InputError(f"{kind} file not found: {path}")
        suffix = path.suffix.lower()
        if suffix in CSV_SUFFIXES:
            sep = separator if separator is not None else ("\t" if suffix == ".tsv" else ",")
            _check_field_counts(path, sep)
            try:
                raw = pd.read_csv(
                    path,
                    sep=sep,
                    dtype=str,
                    na_filter=False,
                    skip_blank_lines=False,
                    encoding="utf-8-sig",
                )
            except (pd.errors.ParserError, UnicodeDecodeError, pd.errors.EmptyDataError) as error:
                raise InputError(f"cannot read {path} as a table: {error}") from None
        elif suffix in PARQUET_SUFFIXES:
            try:
                raw = pd.read_parquet(path)
            except Exception as error:  # pyarrow raises several unrelated types
                raise InputError(f"cannot read {path} as Parquet: {error}") from None
        else:
            raise InputError(
                f"{path}: unknown file type '{suffix}'; expected {', '.join(CSV_SUFFIXES + PARQUET_SUFFIXES)}"
            )
    raw.columns = [str(column).strip() for column in raw.columns]
    text = pd.DataFrame({column: as_text(raw[column]) for column in raw.columns})
    lines = np.arange(len(text), dtype=np.int64) + 2
    if len(text.columns):
        blank = (text == "").all(axis=1).to_numpy()
        text = text.loc[~blank].reset_index(drop=True)
        lines = lines[~blank]
    return SourceTable(text=text, lines=lines, name=name)


def _check_field_counts(path: Path, separator: str) -> None:
    """Refuse rows with more or fewer fields than the header, naming their lines."""
    problems: list[Problem] = []
    try:
        with path.open(newline="", encoding="utf-8-sig") as handle:
            reader = csv.reader(handle, delimiter=separator)
            header = next(reader, None)
            if header is None:
                raise InputError(f"{path}: the file is empty")
            for fields in reader:
                if fields and len(fields) != len(header) and any(field.strip() for field in fields):
                    problems.append(
                        Problem(
                            f"{len(fields)} fields where the header has {len(header)}",
                            row=reader.line_num,
                        )
                    )
    except UnicodeDecodeError as error:
        raise InputError(f"{path} is not UTF-8 text: {error}") from None
    except csv.Error as error:
        raise InputError(f"cannot read {path} as a table: {error}") from None
    if problems:
        raise InputError(f"{path}: rows with the wrong number of fields", problems)


def as_text(values: pd.Series) -> pd.Series:
    """Values as stripped strings, "" for empty / NA."""
    if pd.api.types.is_string_dtype(values) and not values.isna().any():
        return values.astype(str).str.strip()
    return values.astype("string").fillna("").astype(str).str.strip()


def require_columns(table: SourceTable, wanted: dict[str, str]) -> None:
    """Raise one InputError naming each expected column that is not in the table.

    ``wanted`` maps a column name to what it should hold (e.g. ``"contacts"``).
    """
    found = list(table.text.columns)
    problems = [
        Problem(
            f"expected column '{column}' ({role}) not found; columns found: {', '.join(found) or '(none)'}",
            row=1,
            column=column,
        )
        for column, role in wanted.items()
        if column not in found
    ]
    if problems:
        raise InputError(f"{table.name}: columns missing", problems)


def mapped_columns(mapping: CountsMapping | RecordsMapping) -> dict[str, str]:
    """The source columns a mapping expects, with the role of each."""
    wanted: dict[str, str] = {}
    if mapping.timestamp is not None:
        wanted[mapping.timestamp] = "timestamp"
    else:
        assert mapping.date is not None and mapping.time is not None
        wanted[mapping.date] = "date"
        wanted[mapping.time] = "time of day"
    if mapping.queue is not None:
        wanted[mapping.queue] = "queue"
    if isinstance(mapping, CountsMapping):
        wanted[mapping.contacts] = "contacts"
        if mapping.aht_s is not None:
            wanted[mapping.aht_s] = "average handling seconds"
        if mapping.abandoned is not None:
            wanted[mapping.abandoned] = "abandoned contacts"
    else:
        wanted[mapping.handling_s] = "handling seconds"
        if mapping.wait_s is not None:
            wanted[mapping.wait_s] = "waiting seconds"
        if mapping.outcome is not None:
            wanted[mapping.outcome] = "outcome"
    return wanted


@dataclass(frozen=True)
class ParsedTimes:
    """Timestamps (datetime64[ns], NaT where unreadable) and, per unreadable row, why."""

    values: pd.Series
    bad: np.ndarray  # bool mask of unreadable rows
    bad_column: np.ndarray  # the column to blame, per row (object array, "" when fine)
    bad_text: np.ndarray


def parse_times(table: SourceTable, mapping: CountsMapping | RecordsMapping) -> ParsedTimes:
    """Parse the mapping's time columns into naive local timestamps."""
    count = len(table.text)
    blame = np.full(count, "", dtype=object)
    shown = np.full(count, "", dtype=object)
    if mapping.timestamp is not None:
        text = table.column(mapping.timestamp)
        values = _parse_stamps(text, mapping.timestamp_format, mapping)
        bad = values.isna().to_numpy()
        blame[bad] = mapping.timestamp
        shown[bad] = text.to_numpy(dtype=object)[bad]
    else:
        assert mapping.date is not None and mapping.time is not None
        date_text = table.column(mapping.date)
        time_text = table.column(mapping.time)
        days = _parse_datetimes(date_text, mapping.date_format)
        clock = _parse_clock(time_text, mapping.time_format)
        bad_date = days.isna().to_numpy() | (days != days.dt.normalize()).fillna(False).to_numpy()
        bad_time = clock.isna().to_numpy()
        blame[bad_time] = mapping.time
        shown[bad_time] = time_text.to_numpy(dtype=object)[bad_time]
        blame[bad_date] = mapping.date
        shown[bad_date] = date_text.to_numpy(dtype=object)[bad_date]
        bad = bad_date | bad_time
        values = (days + clock).astype("datetime64[ns]").mask(pd.Series(bad, index=days.index))
    return ParsedTimes(values=values.reset_index(drop=True), bad=bad, bad_column=blame, bad_text=shown)


def time_problem(times: ParsedTimes, position: int, lines: np.ndarray, hint: str) -> Problem:
    column = str(times.bad_column[position])
    text = str(times.bad_text[position])
    what = f"'{text}'" if text else "empty value"
    return Problem(f"{what} is not a readable time{hint}", row=int(lines[position]), column=column)


def format_hint(mapping: CountsMapping | RecordsMapping) -> str:
    """What the parser expected, for messages."""
    if mapping.timestamp is not None:
        fmt = mapping.timestamp_format
        return f" (expected format {fmt})" if fmt else " (expected ISO 8601 like 2024-03-01 08:30)"
    date_hint = mapping.date_format or "ISO 8601 like 2024-03-01"
    time_hint = mapping.time_format or "H:MM or H:MM:SS"
    return f" (expected date as {date_hint}, time as {time_hint})"


def _parse_stamps(text: pd.Series, fmt: str | None, mapping: CountsMapping | RecordsMapping) -> pd.Series:
    has_offset = text.str.match(_OFFSET).to_numpy(dtype=bool)
    result = pd.Series(pd.NaT, index=text.index, dtype="datetime64[ns]")
    plain = ~has_offset
    if plain.any():
        result[plain] = _parse_datetimes(text[plain], _without_zone(fmt))
    if has_offset.any():
        if mapping.timestamps_are_local:
            stripped = text[has_offset].str.replace(_OFFSET, r"\g<body>", regex=True)
            result[has_offset] = _parse_datetimes(stripped, _without_zone(fmt))
        else:
            assert mapping.site_timezone is not None
            parsed = pd.to_datetime(text[has_offset], format=fmt or "ISO8601", errors="coerce", utc=True)
            local = parsed.dt.tz_convert(mapping.site_timezone).dt.tz_localize(None)
            result[has_offset] = local.astype("datetime64[ns]")
    return result


def _without_zone(fmt: str | None) -> str | None:
    if fmt is None:
        return None
    return fmt.replace("%z", "").replace("%Z", "").strip()


def _parse_datetimes(text: pd.Series, fmt: str | None) -> pd.Series:
    parsed = pd.to_datetime(text, format=fmt or "ISO8601", errors="coerce")
    if isinstance(parsed.dtype, pd.DatetimeTZDtype):
        parsed = parsed.dt.tz_localize(None)
    return parsed.astype("datetime64[ns]")


def _parse_clock(text: pd.Series, fmt: str | None) -> pd.Series:
    """Time of day as a timedelta since midnight (NaT when unreadable)."""
    if fmt is not None:
        parsed = pd.to_datetime(text, format=fmt, errors="coerce").astype("datetime64[ns]")
        return parsed - parsed.dt.normalize()
    parts = text.str.extract(_CLOCK)
    hours = pd.to_numeric(parts[0], errors="coerce")
    minutes = pd.to_numeric(parts[1], errors="coerce")
    seconds = pd.to_numeric(parts[2], errors="coerce").fillna(0)
    valid = hours.notna() & (hours < 24) & (minutes < 60) & (seconds < 60)
    total = (hours * 3600 + minutes * 60 + seconds).where(valid)
    return pd.to_timedelta(total, unit="s")


@dataclass(frozen=True)
class ParsedNumbers:
    """Numbers (float, NaN when empty or bad) and a message per bad row ("" when fine)."""

    values: np.ndarray
    blank: np.ndarray
    error: np.ndarray


def parse_numbers(text: pd.Series, *, what: str, whole: bool) -> ParsedNumbers:
    """Parse non-negative numbers; ``whole`` also requires whole numbers."""
    raw = text.to_numpy(dtype=object)
    values = pd.to_numeric(text, errors="coerce").to_numpy(dtype=float)
    blank = raw == ""
    error = np.full(len(raw), "", dtype=object)
    unreadable = ~blank & ~np.isfinite(values)
    error[unreadable] = [f"'{value}' is not a number of {what}" for value in raw[unreadable]]
    finite = np.isfinite(values)
    negative = finite & (values < 0)
    error[negative] = [f"{value} {what} is negative" for value in raw[negative]]
    if whole:
        fractional = finite & ~negative & (np.floor(values) != values)
        error[fractional] = [f"'{value}' is not a whole number of {what}" for value in raw[fractional]]
    values = np.where(error == "", values, np.nan)
    return ParsedNumbers(values=values, blank=blank, error=error)


def number_problems(parsed: ParsedNumbers, lines: np.ndarray, column: str) -> list[Problem]:
    return [
        Problem(str(parsed.error[position]), row=int(lines[position]), column=column)
        for position in np.flatnonzero(parsed.error != "")
    ]
