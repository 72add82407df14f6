"""Column mappings: how a site's export maps onto the importers' fields.

A mapping is a frozen model that can be built in code or read from a TOML file with
:func:`load_mapping`. A TOML mapping names its ``kind`` (``"counts"`` for interval counts,
``"records"`` for one row per contact), the separator, and the columns, for example::

    kind = "counts"
    description = "Five-minute calls at a North American bank, 2003"
    timestamp = "DateTime"
    timestamps_are_local = true
    fixed_queue = "bank-calls"
    contacts = "Calls"

Presets bundled with the product live in ``wfm/history/presets/`` and are loaded by name
(``load_mapping("bank-calls-2003")``).
"""

from __future__ import annotations

import tomllib
from importlib import resources
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, ValidationError, field_validator, model_validator

from wfm.errors import InputError, Problem
from wfm.history.series import SOURCE_INTERVAL_CHOICES

HANDLED = "handled"
ABANDONED = "abandoned"


class _SourceMapping(BaseModel):
    """Fields shared by both kinds of source: where the time and the queue come from.

    Time comes either from one ``timestamp`` column or from a ``date`` column plus a ``time``
    column, each with an optional ``strftime`` format (without a format a timestamp or date must
    be ISO 8601, e.g. ``2024-03-01 08:30``, and a time ``H:MM`` or ``H:MM:SS``).

    Timestamps that carry ``Z`` or an offset such as ``+08:00`` are read per
    ``timestamps_are_local``: when true (the default) the offset is dropped and the clock time kept
    as local site time (some exports stamp local times with a ``Z``); when false they are converted
    to ``site_timezone`` (an IANA name such as ``Asia/Shanghai``), which is then required.
    Timestamps without an offset are always taken as local site time.

    The queue comes from the ``queue`` column, or is ``fixed_queue`` when the file holds one queue.
    ``separator`` is the CSV field separator; by default ``\\t`` for ``.tsv`` files and ``,`` otherwise.
    """

    model_config = ConfigDict(frozen=True, extra="forbid")

    description: str = ""
    separator: str | None = None
    timestamp: str | None = None
    timestamp_format: str | None = None
    date: str | None = None
    date_format: str | None = None
    time: str | None = None
    time_format: str | None = None
    timestamps_are_local: bool = True
    site_timezone: str | None = None
    queue: str | None = "queue"
    fixed_queue: str | None = None

    @model_validator(mode="before")
    @classmethod
    def _defaults_follow_choices(cls, data: Any) -> Any:
        if isinstance(data, dict) and "fixed_queue" in data and "queue" not in data:
            data = {**data, "queue": None}
        return data

    @field_validator("separator")
    @classmethod
    def _one_character(cls, value: str | None) -> str | None:
        if value is not None and len(value) != 1:
            raise ValueError(f"separator must be one character, got {value!r}")
        return value

    @model_validator(mode="after")
    def _time_and_queue_sources(self) -> _SourceMapping:
        if self.timestamp is not None and (self.date is not None or self.time is not None):
            raise ValueError("timestamp: give either a timestamp column or date and time columns, not both")
        if self.timestamp is None and (self.date is None or self.time is None):
            raise ValueError("date/time: a date column needs a time column (or give a timestamp column)")
        if self.queue is not None and self.fixed_queue is not None:
            raise ValueError("queue: give either a queue column or a fixed_queue name, not both")
        if self.queue is None and not self.fixed_queue:
            raise ValueError("queue: give a queue column, or a fixed_queue name for a one-queue file")
        if not self.timestamps_are_local and not self.site_timezone:
            raise ValueError("site_timezone: needed to convert timestamps when timestamps_are_local is false")
        return self

    def time_columns(self) -> tuple[str, ...]:
        """The source columns that carry time."""
        if self.timestamp is not None:
            return (self.timestamp,)
        assert self.date is not None and self.time is not None
        return (self.date, self.time)


class CountsMapping(_SourceMapping):
    """Interval counts: one row per queue per interval.

    ``contacts`` is the count column; ``aht_s`` (average handling seconds) and ``abandoned`` are
    optional. ``source_interval_minutes`` states the source's interval length (5, 15, 30 or 60);
    when absent it is detected from the timestamps.
    """

    kind: Literal["counts"] = "counts"
    contacts: str = "contacts"
    aht_s: str | None = None
    abandoned: str | None = None
    source_interval_minutes: int | None = None

    @model_validator(mode="before")
    @classmethod
    def _default_timestamp(cls, data: Any) -> Any:
        return _default_timestamp_column(data, "interval_start")

    @field_validator("source_interval_minutes")
    @classmethod
    def _known_length(cls, value: int | None) -> int | None:
        if value is not None and value not in SOURCE_INTERVAL_CHOICES:
            raise ValueError(
                f"{value} is not one of {', '.join(str(m) for m in SOURCE_INTERVAL_CHOICES)} minutes"
            )
        return value


class RecordsMapping(_SourceMapping):
    """Per-contact records: one row per call or chat.

    ``handling_s`` is the handling-time column in seconds, ``wait_s`` the optional waiting-time
    column. ``outcome`` is the optional outcome column; its values are sorted by
    ``handled_values``, ``abandoned_values`` and ``excluded_values`` (value -> the reason the row is
    left out, e.g. a phantom system record). A row whose outcome is in none of them is rejected as
    an unknown outcome. Without an outcome column every row counts as handled and abandonment is
    unknown.
    """

    kind: Literal["records"] = "records"
    handling_s: str = "handling_s"
    wait_s: str | None = None
    outcome: str | None = None
    handled_values: tuple[str, ...] = ()
    abandoned_values: tuple[str, ...] = ()
    excluded_values: dict[str, str] = {}

    @model_validator(mode="before")
    @classmethod
    def _default_timestamp(cls, data: Any) -> Any:
        return _default_timestamp_column(data, "arrival")

    @model_validator(mode="after")
    def _outcomes_consistent(self) -> RecordsMapping:
        groups = {
            "handled_values": set(self.handled_values),
            "abandoned_values": set(self.abandoned_values),
            "excluded_values": set(self.excluded_values),
        }
        names = list(groups)
        for i, first in enumerate(names):
            for second in names[i + 1 :]:
                both = groups[first] & groups[second]
                if both:
                    raise ValueError(f"{second}: {', '.join(sorted(both))} also listed in {first}")
        if self.outcome is not None and not self.handled_values:
            raise ValueError("handled_values: an outcome column needs the values meaning 'handled'")
        if self.outcome is None and (self.handled_values or self.abandoned_values or self.excluded_values):
            raise ValueError("outcome: outcome values are given but no outcome column")
        return self

    def outcome_of(self, value: str) -> str | None:
        """``"handled"``, ``"abandoned"``, ``"excluded"`` or ``None`` for an unknown value."""
        if value in self.handled_values:
            return HANDLED
        if value in self.abandoned_values:
            return ABANDONED
        if value in self.excluded_values:
            return "excluded"
        return None


def _default_timestamp_column(data: Any, default: str) -> Any:
    if isinstance(data, dict) and "timestamp" not in data and "date" not in data and "time" not in data:
        return {**data, "timestamp": default}
    return data


Mapping = CountsMapping | RecordsMapping


def preset_names() -> tuple[str, ...]:
    """Names of the mappings bundled with the product."""
    folder = resources.files("wfm.history") / "presets"
    return tuple(
        sorted(entry.name[: -len(".toml")] for entry in folder.iterdir() if entry.name.endswith(".toml"))
    )


def load_mapping(path_or_preset: str | Path) -> Mapping:
    """Read a mapping from a TOML file, or a bundled preset by name.

    Raises
    ------
    InputError
        When the file or preset does not exist, is not valid TOML, or a field is wrong (the
        problem names the field).
    """
    path = Path(path_or_preset)
    if path.is_file():
        text = path.read_text(encoding="utf-8")
        where = str(path)
    else:
        name = str(path_or_preset)
        if name not in preset_names():
            raise InputError(
                f"no mapping file '{name}', and no preset of that name; presets: {', '.join(preset_names())}"
            )
        text = (resources.files("wfm.history") / "presets" / f"{name}.toml").read_text(encoding="utf-8")
        where = f"preset '{name}'"
    return parse_mapping(text, where=where)


def parse_mapping(text: str, *, where: str = "mapping") -> Mapping:
    """Build a mapping from TOML text (see :func:`load_mapping`)."""
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as error:
        raise InputError(f"{where} is not valid TOML: {error}") from None
    kind = data.get("kind")
    model: type[CountsMapping] | type[RecordsMapping]
    if kind == "counts":
        model = CountsMapping
    elif kind == "records":
        model = RecordsMapping
    else:
        raise InputError(
            f"{where}: cannot tell what kind of file this maps",
            [Problem(f"kind must be 'counts' or 'records', found {kind!r}", field="kind")],
        )
    try:
        return model.model_validate(data)
    except ValidationError as error:
        raise InputError(f"{where}: mapping refused", validation_problems(error)) from None


def validation_problems(error: ValidationError) -> list[Problem]:
    """Turn a pydantic error into problems naming the field."""
    problems = []
    for item in error.errors():
        field = ".".join(str(part) for part in item["loc"]) or None
        message = str(item["msg"]).removeprefix("Value error, ")
        problems.append(Problem(message, field=field))
    return problems
