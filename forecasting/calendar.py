"""Public holidays and e-commerce promotion events that move contact volume.

An :class:`Event` is a span of days (optionally a clock-hour window on those days, optionally only some
queues) whose effect on volume the forecaster learns from past years. Events that recur share a name
("Double 11" in 2024 and in 2025), because one effect is learned per name.

:func:`default_calendar` builds the public holidays of a country from the ``holidays`` package, grouped
into the stretches people actually take off, plus, for China, the big e-commerce promotions.
A site adjusts it with a small TOML or JSON file read by :func:`site_calendar`::

    country = "CN"
    remove = ["Double 12"]

    [[events]]
    name = "Shop anniversary sale"
    kind = "site"
    first_day = 2025-03-08
    last_day = 2025-03-08
    hours = [20, 22]
    queues = ["presales_chat"]
"""

from __future__ import annotations

import json
import logging
import re
import tomllib
from collections import Counter
from collections.abc import Iterable, Mapping
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any, Literal, NamedTuple

import holidays
from pydantic import BaseModel, ConfigDict, field_validator, model_validator

from wfm.domain.parsing import parse_model
from wfm.errors import InputError, Problem

logger = logging.getLogger(__name__)

EventKind = Literal["holiday", "promotion", "site"]

# Public-holiday dates at most this many days apart belong to one stretch, so the weekend inside a
# Friday-to-Monday holiday is part of it.
STRETCH_GAP_DAYS = 3
# A stretch of at least this many days gets one effect per day (the dip deepens and recovers).
DAILY_SHAPE_MIN_DAYS = 3
# A "Day off (substituted ...)" date standing alone joins the nearest holiday stretch this close.
_LONE_DAY_OFF_REACH_DAYS = 7

_SPRING_FESTIVAL = "Chinese New Year (Spring Festival)"
_OBSERVED = re.compile(r"\s*\((?:observed|estimated)(?:,\s*(?:observed|estimated))*\)", re.IGNORECASE)
_TOML_LINE = re.compile(r"\s*\(at line (\d+), column \d+\)$")


class Event(BaseModel):
    """A calendar event: a public holiday, a promotion or a site's own event.

    Attributes
    ----------
    name
        Shared by every occurrence of a recurring event, since one effect is learned per name.
    kind
        ``"holiday"``, ``"promotion"`` or ``"site"``.
    first_day, last_day
        The days the event covers, both included.
    hours
        Clock-hour window ``(start, end)``, start included and end excluded, within 0..24:
        ``(20, 22)`` is 20:00-22:00. ``None``: the whole day.
    queues
        The queues the event affects; ``None``: every queue.
    daily_shape
        ``True`` when each day of the event gets its own effect (a ramp such as an after-sales wave
        or the Spring Festival dip); ``False`` when all its days share one effect.
    """

    model_config = ConfigDict(frozen=True, extra="forbid")

    name: str
    kind: EventKind = "promotion"
    first_day: date
    last_day: date
    hours: tuple[int, int] | None = None
    queues: frozenset[str] | None = None
    daily_shape: bool = False

    @field_validator("name")
    @classmethod
    def _name_not_blank(cls, name: str) -> str:
        if not name.strip():
            raise ValueError("must not be empty")
        return name.strip()

    @field_validator("hours")
    @classmethod
    def _hours_within_day(cls, hours: tuple[int, int] | None) -> tuple[int, int] | None:
        if hours is not None and not 0 <= hours[0] < hours[1] <= 24:
            raise ValueError(
                f"[{hours[0]}, {hours[1]}] is not a clock-hour window [start, end) with "
                "0 <= start < end <= 24 (an event past midnight is two events)"
            )
        return hours

    @field_validator("queues")
    @classmethod
    def _queues_named(cls, queues: frozenset[str] | None) -> frozenset[str] | None:
        if queues is None:
            return None
        if not queues:
            raise ValueError("must name at least one queue (leave it out for every queue)")
        if any(not queue.strip() for queue in queues):
            raise ValueError("a queue name must not be empty")
        return queues

    @model_validator(mode="after")
    def _days_in_order(self) -> Event:
        if self.last_day < self.first_day:
            raise ValueError(f"last_day: {self.last_day} is before first_day {self.first_day}")
        return self

    def days(self) -> tuple[date, ...]:
        """Every day of the event, first to last."""
        count = (self.last_day - self.first_day).days + 1
        return tuple(self.first_day + timedelta(days=offset) for offset in range(count))

    def applies_to(self, queue: str) -> bool:
        """Whether the event affects ``queue``."""
        return self.queues is None or queue in self.queues

    def covers(self, ts: datetime) -> bool:
        """Whether the hour starting at ``ts`` (a ``pd.Timestamp`` or datetime, local time) is inside."""
        if not self.first_day <= ts.date() <= self.last_day:
            return False
        return self.hours is None or self.hours[0] <= ts.hour < self.hours[1]

    def to_record(self) -> dict[str, Any]:
        """The event as a plain dict for a calendar file (``None`` fields left out, queues sorted)."""
        record: dict[str, Any] = {
            "name": self.name,
            "kind": self.kind,
            "first_day": self.first_day,
            "last_day": self.last_day,
        }
        if self.hours is not None:
            record["hours"] = list(self.hours)
        if self.queues is not None:
            record["queues"] = sorted(self.queues)
        record["daily_shape"] = self.daily_shape
        return record


def _calendar_order(event: Event) -> tuple[date, date, str]:
    return (event.first_day, event.last_day, event.name)


class EventCalendar(BaseModel):
    """An ordered set of events, as built by :func:`default_calendar` or read from a file.

    ``country`` (the public holidays to start from) and ``remove`` (default events to drop by name)
    are instructions for :func:`site_calendar` when the calendar is a site file; they are kept so a
    file round-trips, and do not filter this calendar's own events. Two events may not share both
    name and first day: that pair is what :meth:`merged_with` replaces by.
    """

    model_config = ConfigDict(frozen=True, extra="forbid")

    events: tuple[Event, ...] = ()
    remove: tuple[str, ...] = ()
    country: str | None = None

    @field_validator("country")
    @classmethod
    def _country_known(cls, country: str | None) -> str | None:
        if country is None:
            return None
        code = country.strip().upper()
        if code not in holidays.list_supported_countries():
            raise ValueError(f"no public holidays known for country {country!r} (use a code like 'CN')")
        return code

    @model_validator(mode="after")
    def _one_event_per_name_and_day(self) -> EventCalendar:
        seen: dict[tuple[str, date], int] = {}
        for index, event in enumerate(self.events):
            key = (event.name, event.first_day)
            if key in seen:
                raise ValueError(
                    f"events[{index}].first_day: '{event.name}' already starts on {event.first_day} "
                    f"(events[{seen[key]}])"
                )
            seen[key] = index
        return self

    def for_queue(self, queue: str) -> EventCalendar:
        """The events that affect ``queue``."""
        return self._with_events(event for event in self.events if event.applies_to(queue))

    def between(self, first_day: date, last_day: date) -> EventCalendar:
        """The events overlapping ``first_day`` .. ``last_day`` (both included)."""
        if last_day < first_day:
            raise ValueError(f"last_day: {last_day} is before first_day {first_day}")
        return self._with_events(
            event for event in self.events if event.first_day <= last_day and event.last_day >= first_day
        )

    def names(self) -> tuple[str, ...]:
        """The distinct event names, in calendar order."""
        return tuple(dict.fromkeys(event.name for event in self.events))

    def merged_with(self, other: EventCalendar) -> EventCalendar:
        """These events plus ``other``'s; an event of ``other`` replaces ours with its name and first day."""
        replaced = {(event.name, event.first_day) for event in other.events}
        kept = [event for event in self.events if (event.name, event.first_day) not in replaced]
        return self._with_events(sorted([*kept, *other.events], key=_calendar_order))

    def without(self, names: Iterable[str]) -> EventCalendar:
        """The calendar without the events named in ``names`` (every year of them)."""
        dropped = {names} if isinstance(names, str) else set(names)
        return self._with_events(event for event in self.events if event.name not in dropped)

    @classmethod
    def load(cls, path: str | Path) -> EventCalendar:
        """Read a ``.toml`` or ``.json`` calendar file; anything wrong is an :class:`InputError`."""
        path = Path(path)
        suffix = _file_format(path)
        try:
            text = path.read_text(encoding="utf-8")
        except FileNotFoundError:
            raise InputError(f"{path}: no such file") from None
        data: Any
        if suffix == ".toml":
            try:
                data = tomllib.loads(text)
            except tomllib.TOMLDecodeError as error:
                raise InputError(f"{path}: not valid TOML", [_toml_problem(error)]) from None
        else:
            try:
                data = json.loads(text)
            except json.JSONDecodeError as error:
                raise InputError(f"{path}: not valid JSON", [Problem(error.msg, row=error.lineno)]) from None
        return parse_model(cls, data, source=str(path))

    def save(self, path: str | Path) -> None:
        """Write the calendar as ``.toml`` or ``.json`` (by extension), readable by :meth:`load`."""
        path = Path(path)
        if _file_format(path) == ".toml":
            path.write_text(self._to_toml(), encoding="utf-8")
        else:
            path.write_text(
                json.dumps(self._to_record(), indent=2, default=_iso_date) + "\n", encoding="utf-8"
            )

    def _with_events(self, events: Iterable[Event]) -> EventCalendar:
        return self.model_copy(update={"events": tuple(events)})

    def _to_record(self) -> dict[str, Any]:
        record: dict[str, Any] = {}
        if self.country is not None:
            record["country"] = self.country
        if self.remove:
            record["remove"] = list(self.remove)
        record["events"] = [event.to_record() for event in self.events]
        return record

    def _to_toml(self) -> str:
        record = self._to_record()
        events = record.pop("events")
        lines = [f"{key} = {_toml_value(value)}" for key, value in record.items()]
        for event in events:
            if lines:
                lines.append("")
            lines.append("[[events]]")
            lines.extend(f"{key} = {_toml_value(value)}" for key, value in event.items())
        return "\n".join(lines) + "\n"


def _file_format(path: Path) -> str:
    suffix = path.suffix.lower()
    if suffix not in (".toml", ".json"):
        raise InputError(f"{path}: an event calendar is a .toml or .json file, not '{suffix or path.name}'")
    return suffix


def _toml_problem(error: tomllib.TOMLDecodeError) -> Problem:
    message = str(error)
    line = _TOML_LINE.search(message)
    if line is None:
        return Problem(message)
    return Problem(message[: line.start()], row=int(line.group(1)))


def _iso_date(value: object) -> str:
    if isinstance(value, date):
        return value.isoformat()
    raise TypeError(f"cannot write {type(value).__name__} to a calendar file")


def _toml_value(value: object) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, str):
        return _toml_string(value)
    if isinstance(value, list):
        return "[" + ", ".join(_toml_value(item) for item in value) + "]"
    raise TypeError(f"cannot write {type(value).__name__} to a calendar file")


def _toml_string(text: str) -> str:
    escaped = []
    for char in text:
        if char in '"\\':
            escaped.append("\\" + char)
        elif ord(char) < 0x20 or ord(char) == 0x7F:
            escaped.append(f"\\u{ord(char):04X}")
        else:
            escaped.append(char)
    return '"' + "".join(escaped) + '"'


def default_calendar(years: Iterable[int], country: str = "CN") -> EventCalendar:
    """Public holidays of ``country`` for exactly ``years``, plus China's promotions when ``country`` is CN.

    Holidays come from the ``holidays`` package, grouped into stretches (see :func:`holiday_stretches`).
    """
    code = country.strip().upper()
    if code not in holidays.list_supported_countries():
        raise InputError(
            "no public holidays for this country",
            [
                Problem(
                    f"no public holidays known for country {country!r} (use a code like 'CN')",
                    field="country",
                )
            ],
        )
    wanted = sorted(set(years))
    if not wanted:
        return EventCalendar(country=code)
    public = _public_holidays(code, wanted)
    events = list(holiday_stretches(public))
    if code == "CN":
        for year in wanted:
            events.extend(_china_promotions(year, public, events))
    return EventCalendar(events=tuple(sorted(events, key=_calendar_order)), country=code)


def site_calendar(path: str | Path, years: Iterable[int]) -> EventCalendar:
    """The default calendar for the file's country (CN if unset), less its removals, plus its events."""
    site = EventCalendar.load(path)
    base = default_calendar(years, country=site.country or "CN")
    unknown = sorted(set(site.remove) - set(base.names()))
    if unknown:
        logger.warning("%s: remove names no default event for these years: %s", path, ", ".join(unknown))
    return base.without(site.remove).merged_with(site)


def _public_holidays(country: str, years: list[int]) -> dict[date, str]:
    supported = holidays.country_holidays(country).supported_languages
    language = "en_US" if "en_US" in supported else None
    found = holidays.country_holidays(country, years=years, language=language)
    return {day: str(name) for day, name in found.items()}


def _is_day_off(name: str) -> bool:
    return name.startswith("Day off")


def _holiday_names(entry: str) -> list[str]:
    """The real holidays in one date's entry ("A; B"), with "(observed)" taken off."""
    return [_OBSERVED.sub("", part).strip() for part in entry.split("; ") if not _is_day_off(part)]


def holiday_stretches(public: Mapping[date, str]) -> tuple[Event, ...]:
    """Group public-holiday dates into the stretches taken off, one ``"holiday"`` event each.

    Dates at most :data:`STRETCH_GAP_DAYS` apart form a stretch, weekends between them included; a
    "Day off (substituted ...)" date standing alone joins the nearest stretch within a week. A stretch
    is named after its most frequent real holiday ("(observed)" removed; ties go to the earliest), so
    the name is stable across years even when a year's stretch opens on New Year's Eve or on a
    Mid-Autumn day. Stretches of :data:`DAILY_SHAPE_MIN_DAYS` days or more get a daily shape.
    """
    groups: list[list[tuple[date, str]]] = []
    for day, entry in sorted(public.items()):
        if groups and (day - groups[-1][-1][0]).days <= STRETCH_GAP_DAYS:
            groups[-1].append((day, entry))
        else:
            groups.append([(day, entry)])
    groups = _attach_lone_days_off(groups)

    stretches = []
    for group in groups:
        counts = Counter(name for _, entry in group for name in _holiday_names(entry))
        name = counts.most_common(1)[0][0] if counts else "Day off"
        first_day, last_day = group[0][0], group[-1][0]
        stretches.append(
            Event(
                name=name,
                kind="holiday",
                first_day=first_day,
                last_day=last_day,
                daily_shape=(last_day - first_day).days + 1 >= DAILY_SHAPE_MIN_DAYS,
            )
        )
    return tuple(stretches)


def _attach_lone_days_off(groups: list[list[tuple[date, str]]]) -> list[list[tuple[date, str]]]:
    """Move each group made only of substituted days off into the nearest real stretch within reach."""

    def is_lone(group: list[tuple[date, str]]) -> bool:
        return all(not _holiday_names(entry) for _, entry in group)

    def gap(one: list[tuple[date, str]], other: list[tuple[date, str]]) -> int:
        return max((other[0][0] - one[-1][0]).days, (one[0][0] - other[-1][0]).days)

    real = [index for index, group in enumerate(groups) if not is_lone(group)]
    combined = {index: list(groups[index]) for index in real}
    alone = []
    for group in groups:
        if not is_lone(group):
            continue
        reachable = [index for index in real if gap(group, groups[index]) <= _LONE_DAY_OFF_REACH_DAYS]
        if reachable:
            combined[min(reachable, key=lambda index: gap(group, groups[index]))].extend(group)
        else:
            alone.append(group)
    return sorted([sorted(group) for group in combined.values()] + alone)


class _Promotion(NamedTuple):
    """A promotion on fixed dates every year: (month, day) of its first and last day."""

    name: str
    first: tuple[int, int]
    last: tuple[int, int]
    hours: tuple[int, int] | None = None
    daily_shape: bool = False


# Figures from /work/shared/DOMAIN.md, "Figures from the field".
_CHINA_FIXED_PROMOTIONS = (
    # "618 sells in waves from about May 20" (pre-sale windows).
    _Promotion("618 pre-sale", (5, 20), (6, 17)),
    # 618 sale day: chat 3-5x a normal day in peak season (promotion peaks).
    _Promotion("618", (6, 18), (6, 18)),
    # Returns and logistics contacts cluster 1-3 weeks after a sale (after-sales lag).
    _Promotion("618 after-sales", (6, 19), (7, 2), daily_shape=True),
    # Double 11 pre-sale opens between Oct 8 and Oct 24 by platform and year (pre-sale windows).
    _Promotion("Double 11 pre-sale", (10, 20), (11, 10)),
    # Sales waves at 20:00 on Oct 31 and Nov 10; 5-8x chat in a sale's first 30 minutes.
    _Promotion("Double 11 sale wave", (10, 31), (10, 31), hours=(20, 22)),
    _Promotion("Double 11 sale wave", (11, 10), (11, 10), hours=(20, 22)),
    # 11.11: chat 3-5x a normal day, ~11x at one vendor (promotion peaks).
    _Promotion("Double 11", (11, 11), (11, 11)),
    # Parcel peak runs to ~Nov 20; returns 1-3 weeks after the sale (promotion peaks, after-sales lag).
    _Promotion("Double 11 after-sales", (11, 12), (11, 28), daily_shape=True),
    # Double 12: far smaller than Double 11 (promotion peaks).
    _Promotion("Double 12", (12, 12), (12, 12)),
    # Returns 1-3 weeks after the sale, cut short by the smaller volume (after-sales lag).
    _Promotion("Double 12 after-sales", (12, 13), (12, 22), daily_shape=True),
)
# New-Year goods festival: ten days starting 25 days before Spring Festival (DOMAIN.md promotions list).
_GOODS_FESTIVAL_LEAD_DAYS = 25
_GOODS_FESTIVAL_DAYS = 10
# Couriers stop ~5 days before the holiday, so delivery worries build over the 9 days before it
# (DOMAIN.md, Spring Festival).
_DELIVERY_STOP_DAYS = 9


def _china_promotions(year: int, public: Mapping[date, str], stretches: list[Event]) -> list[Event]:
    """China's e-commerce promotions in ``year`` (see ``_CHINA_FIXED_PROMOTIONS``)."""
    events = [
        Event(
            name=promotion.name,
            kind="promotion",
            first_day=date(year, *promotion.first),
            last_day=date(year, *promotion.last),
            hours=promotion.hours,
            daily_shape=promotion.daily_shape,
        )
        for promotion in _CHINA_FIXED_PROMOTIONS
    ]
    spring_festival = min(
        (
            day
            for day, entry in public.items()
            if day.year == year and _SPRING_FESTIVAL in _holiday_names(entry)
        ),
        default=None,
    )
    if spring_festival is None:
        logger.warning("no Spring Festival in the public holidays of %d: its promotions are left out", year)
        return events
    stretch_start = next(
        (
            stretch.first_day
            for stretch in stretches
            if stretch.first_day <= spring_festival <= stretch.last_day
        ),
        spring_festival,
    )
    goods_first = spring_festival - timedelta(days=_GOODS_FESTIVAL_LEAD_DAYS)
    events.append(
        Event(
            name="New-Year goods festival",
            kind="promotion",
            first_day=goods_first,
            last_day=goods_first + timedelta(days=_GOODS_FESTIVAL_DAYS - 1),
        )
    )
    events.append(
        Event(
            name="Pre-holiday delivery stop",
            kind="promotion",
            first_day=stretch_start - timedelta(days=_DELIVERY_STOP_DAYS),
            last_day=stretch_start - timedelta(days=1),
            daily_shape=True,
        )
    )
    return events
