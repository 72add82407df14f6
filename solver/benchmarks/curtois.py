"""Curtois shift-scheduling benchmark instances (1-12): parse the text format, check a roster, score it.

The instances are Tim Curtois' "Shift Scheduling Benchmark Data Sets" (Curtois & Qu 2014), the standard
yardstick for rostering solvers. This module reads one instance file into frozen dataclasses and
evaluates a given roster against the benchmark's own rules, independently of any solver, so a solver's
claimed objective can be recomputed from its roster alone.

A roster maps each employee id to one entry per day of the horizon: a shift id, or ``None`` for a day
off (so "at most one shift per day" holds by construction).

Hard rules (reported as readable sentences, one per violation, each starting with the rule's name):

- ``forbidden_succession``: shift ``b`` on the day after shift ``a`` when ``b`` cannot follow ``a``;
  the days before and after the horizon are days off, so no succession crosses its ends.
- ``max_shifts_per_type``: more shifts of a type than the employee's maximum (0: may not work it).
- ``max_total_minutes`` / ``min_total_minutes``: total minutes worked outside [min, max].
- ``max_consecutive_shifts``: more working days in a row than the maximum; the day before the horizon
  is a day off, so a run starting on day 0 counts in full.
- ``min_consecutive_shifts`` / ``min_consecutive_days_off``: a run of working days (days off) shorter
  than the minimum; a run touching either end of the horizon is exempt, since the specification
  assumes work or rest continues beyond both ends.
- ``max_weekends``: more worked weekends than the maximum; weekend ``k`` is Saturday ``7k+5`` and
  Sunday ``7k+6`` (every instance starts on a Monday) and is worked if either day has a shift.
- ``days_off``: a shift on one of the employee's listed days off.

The soft objective (minimised) is the sum of four terms: the weight of every on-request not granted,
the weight of every off-request granted, and for each cover row ``(requirement - assigned) x under
weight`` when short and ``(assigned - requirement) x over weight`` when over.
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from enum import StrEnum
from pathlib import Path

from wfm.errors import InputError, Problem

# --- the instance -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class CurtoisShift:
    """A shift type: its id, its length in minutes and the shift ids that may not follow it next day."""

    id: str
    minutes: int
    cannot_follow: frozenset[str]


@dataclass(frozen=True)
class CurtoisStaff:
    """One employee's contract limits.

    ``max_shifts`` has an entry for every shift type of the instance; a type the file leaves out gets
    the horizon length (no limit beyond one shift a day). ``max_weekends`` counts worked weekends.
    """

    id: str
    max_shifts: dict[str, int]
    max_total_minutes: int
    min_total_minutes: int
    max_consecutive_shifts: int
    min_consecutive_shifts: int
    min_consecutive_days_off: int
    max_weekends: int


@dataclass(frozen=True)
class CurtoisRequest:
    """A wish to work (on-request) or not to work (off-request) ``shift`` on ``day``, with its weight."""

    employee: str
    day: int
    shift: str
    weight: int


@dataclass(frozen=True)
class CurtoisCover:
    """How many employees should work ``shift`` on ``day``, and the cost per person short or over."""

    day: int
    shift: str
    requirement: int
    under_weight: int
    over_weight: int


@dataclass(frozen=True)
class CurtoisInstance:
    """One benchmark instance. ``days_off`` has an entry (maybe empty) for every employee."""

    name: str
    days: int
    shifts: tuple[CurtoisShift, ...]
    staff: tuple[CurtoisStaff, ...]
    days_off: dict[str, frozenset[int]]
    on_requests: tuple[CurtoisRequest, ...]
    off_requests: tuple[CurtoisRequest, ...]
    cover: tuple[CurtoisCover, ...]

    @property
    def shift_ids(self) -> tuple[str, ...]:
        """The shift ids in file order."""
        return tuple(shift.id for shift in self.shifts)

    @property
    def employee_ids(self) -> tuple[str, ...]:
        """The employee ids in file order."""
        return tuple(member.id for member in self.staff)

    def shift(self, shift_id: str) -> CurtoisShift:
        """The shift type with id ``shift_id`` (``KeyError`` if there is none)."""
        for shift in self.shifts:
            if shift.id == shift_id:
                return shift
        raise KeyError(shift_id)


def replicated(instance: CurtoisInstance, copies: int) -> CurtoisInstance:
    """A larger instance of the same family: every employee ``copies`` times (with their days off and
    requests), every cover requirement times ``copies``.

    Running a roster of ``instance`` on every copy gives a roster of the new instance costing exactly
    ``copies`` times as much, so ``copies x`` the best-known value bounds its optimum from above.
    """
    if copies < 1:
        raise ValueError("copies: must be 1 or more")

    def copy_id(employee: str, k: int) -> str:
        return employee if k == 0 else f"{employee}_{k + 1}"

    staff = tuple(
        CurtoisStaff(
            id=copy_id(member.id, k),
            max_shifts=dict(member.max_shifts),
            max_total_minutes=member.max_total_minutes,
            min_total_minutes=member.min_total_minutes,
            max_consecutive_shifts=member.max_consecutive_shifts,
            min_consecutive_shifts=member.min_consecutive_shifts,
            min_consecutive_days_off=member.min_consecutive_days_off,
            max_weekends=member.max_weekends,
        )
        for k in range(copies)
        for member in instance.staff
    )

    def requests(rows: tuple[CurtoisRequest, ...]) -> tuple[CurtoisRequest, ...]:
        return tuple(
            CurtoisRequest(copy_id(r.employee, k), r.day, r.shift, r.weight)
            for k in range(copies)
            for r in rows
        )

    return CurtoisInstance(
        name=f"{instance.name}x{copies}",
        days=instance.days,
        shifts=instance.shifts,
        staff=staff,
        days_off={copy_id(e, k): days for k in range(copies) for e, days in instance.days_off.items()},
        on_requests=requests(instance.on_requests),
        off_requests=requests(instance.off_requests),
        cover=tuple(
            CurtoisCover(c.day, c.shift, c.requirement * copies, c.under_weight, c.over_weight)
            for c in instance.cover
        ),
    )


# --- best-known objective values ----------------------------------------------------------------------

BEST_KNOWN: Mapping[str, int] = {
    "Instance1": 607,
    "Instance2": 828,
    "Instance3": 1001,
    "Instance4": 1716,
    "Instance5": 1143,
    "Instance6": 1950,
    "Instance7": 1056,
    "Instance8": 1300,
    "Instance9": 439,
    "Instance10": 4631,
    "Instance11": 3443,
    "Instance12": 4040,
}
"""Best-known objective values published for instances 1-12 (most proven optimal)."""


def best_known(name: str) -> int | None:
    """The best-known objective of instance ``name`` (``"Instance1"``), or ``None`` if not listed."""
    return BEST_KNOWN.get(name)


# --- parsing ------------------------------------------------------------------------------------------

SECTION_HORIZON = "SECTION_HORIZON"
SECTION_SHIFTS = "SECTION_SHIFTS"
SECTION_STAFF = "SECTION_STAFF"
SECTION_DAYS_OFF = "SECTION_DAYS_OFF"
SECTION_SHIFT_ON_REQUESTS = "SECTION_SHIFT_ON_REQUESTS"
SECTION_SHIFT_OFF_REQUESTS = "SECTION_SHIFT_OFF_REQUESTS"
SECTION_COVER = "SECTION_COVER"

SECTIONS: tuple[str, ...] = (
    SECTION_HORIZON,
    SECTION_SHIFTS,
    SECTION_STAFF,
    SECTION_DAYS_OFF,
    SECTION_SHIFT_ON_REQUESTS,
    SECTION_SHIFT_OFF_REQUESTS,
    SECTION_COVER,
)
"""Every section the format knows, in file order."""

REQUIRED_SECTIONS: tuple[str, ...] = (SECTION_HORIZON, SECTION_SHIFTS, SECTION_STAFF)
"""Sections a file must have; the others may be left out (no days off, requests or cover)."""

_STAFF_COLUMNS = (
    "ID",
    "MaxShifts",
    "MaxTotalMinutes",
    "MinTotalMinutes",
    "MaxConsecutiveShifts",
    "MinConsecutiveShifts",
    "MinConsecutiveDaysOff",
    "MaxWeekends",
)
_SHIFT_COLUMNS = ("ShiftID", "Length", "CannotFollow")
_REQUEST_COLUMNS = ("EmployeeID", "Day", "ShiftID", "Weight")
_COVER_COLUMNS = ("Day", "ShiftID", "Requirement", "UnderWeight", "OverWeight")
_SECTION_HEADER = re.compile(r"^SECTION_\w*$")
_INTEGER = re.compile(r"^[+-]?[0-9]+$")


@dataclass(frozen=True)
class _Row:
    """A data row: its 1-based line number in the file and its comma-separated fields, stripped."""

    line: int
    fields: tuple[str, ...]


@dataclass
class _Parser:
    """Collects every problem in one file, so the error lists them all rather than the first."""

    problems: list[Problem] = field(default_factory=list)

    def refuse(self, section: str | None, line: int | None, message: str, column: str | None = None) -> None:
        where = f"in {section}, " if section else ""
        self.problems.append(Problem(message=f"{where}{message}", row=line, column=column))

    def field_count(self, section: str, row: _Row, columns: tuple[str, ...]) -> bool:
        if len(row.fields) == len(columns):
            return True
        self.refuse(
            section,
            row.line,
            f"expected {len(columns)} fields ({', '.join(columns)}), found {len(row.fields)}",
        )
        return False

    def integer(self, section: str, row: _Row, text: str, column: str, *, minimum: int = 0) -> int | None:
        if not _INTEGER.match(text):
            self.refuse(section, row.line, f"expected a whole number, got {text!r}", column)
            return None
        value = int(text)
        if value < minimum:
            self.refuse(section, row.line, f"must be at least {minimum}, got {value}", column)
            return None
        return value

    def day(self, section: str, row: _Row, text: str, column: str, days: int | None) -> int | None:
        value = self.integer(section, row, text, column)
        if value is None or days is None:
            return value
        if value >= days:
            self.refuse(
                section, row.line, f"day {value} is outside the horizon (days 0 to {days - 1})", column
            )
            return None
        return value

    def known(
        self, section: str, row: _Row, text: str, column: str, known: Sequence[str], kind: str
    ) -> str | None:
        if text in known:
            return text
        self.refuse(section, row.line, f"unknown {kind} id {text!r}", column)
        return None

    def new_id(self, section: str, row: _Row, text: str, column: str, seen: set[str], kind: str) -> bool:
        if not text:
            self.refuse(section, row.line, f"the {kind} id is empty", column)
            return False
        if text in seen:
            self.refuse(section, row.line, f"{kind} id {text!r} is defined twice", column)
            return False
        seen.add(text)
        return True


def _split_sections(lines: Sequence[str], parser: _Parser) -> dict[str, list[_Row]]:
    """Group data rows under their section headers; a blank line ends a section."""
    sections: dict[str, list[_Row]] = {}
    current: str | None = None
    skipping = False  # inside a refused (unknown or repeated) section: its rows are not reported again
    for number, raw in enumerate(lines, start=1):
        if not raw.strip():
            current, skipping = None, False
            continue
        text = raw.split("#", 1)[0].strip()
        if not text:
            continue  # a comment line neither ends nor starts a section
        if _SECTION_HEADER.match(text):
            current, skipping = None, True
            if text not in SECTIONS:
                parser.refuse(
                    None, number, f"unknown section {text!r}; expected one of {', '.join(SECTIONS)}"
                )
            elif text in sections:
                parser.refuse(None, number, f"section {text} appears twice")
            else:
                current, skipping = text, False
                sections[text] = []
            continue
        if current is not None:
            sections[current].append(_Row(number, tuple(part.strip() for part in text.split(","))))
        elif not skipping:
            parser.refuse(None, number, f"row {text!r} is outside any section (expected a SECTION_ header)")
            skipping = True
    for required in REQUIRED_SECTIONS:
        if required not in sections:
            parser.refuse(None, None, f"section {required} is missing")
    return sections


def _parse_horizon(rows: Sequence[_Row], parser: _Parser) -> int | None:
    if len(rows) != 1:
        line = rows[1].line if len(rows) > 1 else None
        parser.refuse(SECTION_HORIZON, line, f"expected one row with the number of days, found {len(rows)}")
        return None
    row = rows[0]
    if not parser.field_count(SECTION_HORIZON, row, ("Days",)):
        return None
    return parser.integer(SECTION_HORIZON, row, row.fields[0], "Days", minimum=1)


def _parse_shifts(rows: Sequence[_Row], parser: _Parser) -> tuple[CurtoisShift, ...]:
    seen: set[str] = set()
    parsed: list[tuple[_Row, str, int | None, list[str]]] = []
    for row in rows:
        if not parser.field_count(SECTION_SHIFTS, row, _SHIFT_COLUMNS):
            continue
        shift_id, length, successor_text = row.fields
        if not parser.new_id(SECTION_SHIFTS, row, shift_id, "ShiftID", seen, "shift"):
            continue
        minutes = parser.integer(SECTION_SHIFTS, row, length, "Length")
        parsed.append(
            (row, shift_id, minutes, [part.strip() for part in successor_text.split("|") if part.strip()])
        )
    known = sorted(seen)
    shifts = []
    for row, shift_id, minutes, successors in parsed:
        cannot_follow = frozenset(
            successor
            for successor in successors
            if parser.known(SECTION_SHIFTS, row, successor, "CannotFollow", known, "shift") is not None
        )
        if minutes is not None:
            shifts.append(CurtoisShift(shift_id, minutes, cannot_follow))
    return tuple(shifts)


def _parse_max_shifts(row: _Row, text: str, shift_ids: Sequence[str], parser: _Parser) -> dict[str, int]:
    limits: dict[str, int] = {}
    for item in text.split("|"):
        shift_id, equals, count = (part.strip() for part in item.partition("="))
        if not equals:
            parser.refuse(
                SECTION_STAFF,
                row.line,
                f"expected ShiftID=count items separated by '|', got {item!r}",
                "MaxShifts",
            )
            continue
        if parser.known(SECTION_STAFF, row, shift_id, "MaxShifts", shift_ids, "shift") is None:
            continue
        if shift_id in limits:
            parser.refuse(SECTION_STAFF, row.line, f"shift {shift_id!r} is limited twice", "MaxShifts")
            continue
        value = parser.integer(SECTION_STAFF, row, count, "MaxShifts")
        if value is not None:
            limits[shift_id] = value
    return limits


def _parse_staff(
    rows: Sequence[_Row], shift_ids: Sequence[str], days: int | None, parser: _Parser
) -> tuple[CurtoisStaff, ...]:
    seen: set[str] = set()
    staff = []
    for row in rows:
        if not parser.field_count(SECTION_STAFF, row, _STAFF_COLUMNS):
            continue
        employee = row.fields[0]
        if not parser.new_id(SECTION_STAFF, row, employee, "ID", seen, "employee"):
            continue
        limits = _parse_max_shifts(row, row.fields[1], shift_ids, parser)
        numbers = [
            parser.integer(SECTION_STAFF, row, text, column)
            for text, column in zip(row.fields[2:], _STAFF_COLUMNS[2:], strict=True)
        ]
        values = [number for number in numbers if number is not None]
        if days is None or len(values) != len(numbers):
            continue
        complete = {shift_id: limits.get(shift_id, days) for shift_id in shift_ids}
        max_total, min_total, max_run, min_run, min_rest, max_weekends = values
        staff.append(
            CurtoisStaff(employee, complete, max_total, min_total, max_run, min_run, min_rest, max_weekends)
        )
    return tuple(staff)


def _parse_days_off(
    rows: Sequence[_Row], employees: Sequence[str], days: int | None, parser: _Parser
) -> dict[str, frozenset[int]]:
    days_off: dict[str, set[int]] = {employee: set() for employee in employees}
    for row in rows:
        employee = parser.known(SECTION_DAYS_OFF, row, row.fields[0], "EmployeeID", employees, "employee")
        for text in row.fields[1:]:
            day = parser.day(SECTION_DAYS_OFF, row, text, "Day", days)
            if employee is not None and day is not None:
                days_off[employee].add(day)
    return {employee: frozenset(listed) for employee, listed in days_off.items()}


def _parse_requests(
    section: str,
    rows: Sequence[_Row],
    employees: Sequence[str],
    shift_ids: Sequence[str],
    days: int | None,
    parser: _Parser,
) -> tuple[CurtoisRequest, ...]:
    requests = []
    for row in rows:
        if not parser.field_count(section, row, _REQUEST_COLUMNS):
            continue
        employee_text, day_text, shift_text, weight_text = row.fields
        employee = parser.known(section, row, employee_text, "EmployeeID", employees, "employee")
        day = parser.day(section, row, day_text, "Day", days)
        shift = parser.known(section, row, shift_text, "ShiftID", shift_ids, "shift")
        weight = parser.integer(section, row, weight_text, "Weight")
        if employee is not None and day is not None and shift is not None and weight is not None:
            requests.append(CurtoisRequest(employee, day, shift, weight))
    return tuple(requests)


def _parse_cover(
    rows: Sequence[_Row], shift_ids: Sequence[str], days: int | None, parser: _Parser
) -> tuple[CurtoisCover, ...]:
    seen: set[tuple[int, str]] = set()
    cover = []
    for row in rows:
        if not parser.field_count(SECTION_COVER, row, _COVER_COLUMNS):
            continue
        day_text, shift_text, requirement_text, under_text, over_text = row.fields
        day = parser.day(SECTION_COVER, row, day_text, "Day", days)
        shift = parser.known(SECTION_COVER, row, shift_text, "ShiftID", shift_ids, "shift")
        requirement = parser.integer(SECTION_COVER, row, requirement_text, "Requirement")
        under = parser.integer(SECTION_COVER, row, under_text, "UnderWeight")
        over = parser.integer(SECTION_COVER, row, over_text, "OverWeight")
        if day is None or shift is None or requirement is None or under is None or over is None:
            continue
        if (day, shift) in seen:
            parser.refuse(SECTION_COVER, row.line, f"cover for day {day}, shift {shift!r} is given twice")
            continue
        seen.add((day, shift))
        cover.append(CurtoisCover(day, shift, requirement, under, over))
    return tuple(cover)


def _named(rows: Sequence[_Row]) -> list[str]:
    """Every id a section names, even on a refused row, so later sections are not blamed for its fault."""
    return [row.fields[0] for row in rows if row.fields[0]]


def parse_instance_text(text: str, *, name: str, source: str | None = None) -> CurtoisInstance:
    """Parse the text of an instance file (LF or CRLF line endings) into a :class:`CurtoisInstance`.

    Raises :class:`InputError` listing every problem found, each naming its line and section: an
    unknown or repeated section, a row outside any section, a wrong number of fields, a value that is
    not a whole number (or is negative), an unknown or repeated shift or employee id, a day outside
    the horizon, or a missing HORIZON, SHIFTS or STAFF section.
    """
    parser = _Parser()
    lines = [line.removesuffix("\r") for line in text.removeprefix("\ufeff").split("\n")]
    sections = _split_sections(lines, parser)
    days = _parse_horizon(sections.get(SECTION_HORIZON, []), parser) if SECTION_HORIZON in sections else None
    shifts = _parse_shifts(sections.get(SECTION_SHIFTS, []), parser)
    shift_ids = _named(sections.get(SECTION_SHIFTS, []))
    staff = _parse_staff(sections.get(SECTION_STAFF, []), shift_ids, days, parser)
    employees = _named(sections.get(SECTION_STAFF, []))
    days_off = _parse_days_off(sections.get(SECTION_DAYS_OFF, []), employees, days, parser)
    on_requests = _parse_requests(
        SECTION_SHIFT_ON_REQUESTS,
        sections.get(SECTION_SHIFT_ON_REQUESTS, []),
        employees,
        shift_ids,
        days,
        parser,
    )
    off_requests = _parse_requests(
        SECTION_SHIFT_OFF_REQUESTS,
        sections.get(SECTION_SHIFT_OFF_REQUESTS, []),
        employees,
        shift_ids,
        days,
        parser,
    )
    cover = _parse_cover(sections.get(SECTION_COVER, []), shift_ids, days, parser)
    if parser.problems or days is None:
        raise InputError(f"{source or name}: not a valid Curtois instance file", parser.problems)
    return CurtoisInstance(
        name=name,
        days=days,
        shifts=shifts,
        staff=staff,
        days_off={member.id: days_off[member.id] for member in staff},
        on_requests=on_requests,
        off_requests=off_requests,
        cover=cover,
    )


def parse_instance(path: str | Path) -> CurtoisInstance:
    """Read an instance file; its name is the file's stem (``Instance1``). See :func:`parse_instance_text`."""
    path = Path(path)
    try:
        text = path.read_bytes().decode("utf-8")
    except FileNotFoundError:
        raise InputError(f"{path}: no such file") from None
    except UnicodeDecodeError as error:
        raise InputError(f"{path}: not UTF-8 text ({error.reason} at byte {error.start})") from None
    return parse_instance_text(text, name=path.stem, source=str(path))


# --- evaluation: hard rules ---------------------------------------------------------------------------

Assignment = Sequence[str | None]
"""One employee's roster: a shift id or ``None`` (day off) for each day of the horizon."""


class HardRule(StrEnum):
    """The benchmark's hard rules; every violation sentence starts with the rule's value."""

    FORBIDDEN_SUCCESSION = "forbidden_succession"
    MAX_SHIFTS_PER_TYPE = "max_shifts_per_type"
    MAX_TOTAL_MINUTES = "max_total_minutes"
    MIN_TOTAL_MINUTES = "min_total_minutes"
    MAX_CONSECUTIVE_SHIFTS = "max_consecutive_shifts"
    MIN_CONSECUTIVE_SHIFTS = "min_consecutive_shifts"
    MIN_CONSECUTIVE_DAYS_OFF = "min_consecutive_days_off"
    MAX_WEEKENDS = "max_weekends"
    DAYS_OFF = "days_off"


def _days(start: int, end: int) -> str:
    """``"day 3"`` or ``"days 3-7"`` for the inclusive range ``start..end``."""
    return f"day {start}" if start == end else f"days {start}-{end}"


def _count(number: int, noun: str) -> str:
    """``"1 day"``, ``"3 days"``."""
    return f"{number} {noun}" if number == 1 else f"{number} {noun}s"


def _day_list(days: Sequence[int]) -> str:
    """``"day 5"`` or ``"days 5, 6"``."""
    return f"day {days[0]}" if len(days) == 1 else f"days {', '.join(map(str, days))}"


def _runs(worked: Sequence[bool]) -> list[tuple[bool, int, int]]:
    """Maximal runs of equal values as ``(working, first day, last day)``."""
    runs: list[tuple[bool, int, int]] = []
    start = 0
    for day in range(1, len(worked) + 1):
        if day == len(worked) or worked[day] != worked[start]:
            runs.append((worked[start], start, day - 1))
            start = day
    return runs


def _minutes(instance: CurtoisInstance, assignment: Assignment) -> int:
    length = {shift.id: shift.minutes for shift in instance.shifts}
    return sum(length[shift] for shift in assignment if shift is not None)


def _check_forbidden_succession(
    instance: CurtoisInstance, staff: CurtoisStaff, assignment: Assignment
) -> list[str]:
    successors = {shift.id: shift.cannot_follow for shift in instance.shifts}
    return [
        f"{HardRule.FORBIDDEN_SUCCESSION}: employee {staff.id} works {first} on day {day} and {second} "
        f"on day {day + 1}, but {second} may not follow {first}"
        for day, (first, second) in enumerate(itertools.pairwise(assignment))
        if first is not None and second is not None and second in successors[first]
    ]


def _check_max_shifts_per_type(
    instance: CurtoisInstance, staff: CurtoisStaff, assignment: Assignment
) -> list[str]:
    violations = []
    for shift_id, limit in staff.max_shifts.items():
        worked = [day for day, shift in enumerate(assignment) if shift == shift_id]
        if len(worked) > limit:
            violations.append(
                f"{HardRule.MAX_SHIFTS_PER_TYPE}: employee {staff.id} works {shift_id} "
                f"{_count(len(worked), 'time')} "
                f"({_day_list(worked)}), more than the maximum of {limit}"
            )
    return violations


def _check_max_total_minutes(
    instance: CurtoisInstance, staff: CurtoisStaff, assignment: Assignment
) -> list[str]:
    minutes = _minutes(instance, assignment)
    if minutes <= staff.max_total_minutes:
        return []
    return [
        f"{HardRule.MAX_TOTAL_MINUTES}: employee {staff.id} works {minutes} minutes over "
        f"{_days(0, instance.days - 1)}, more than the maximum of {staff.max_total_minutes}"
    ]


def _check_min_total_minutes(
    instance: CurtoisInstance, staff: CurtoisStaff, assignment: Assignment
) -> list[str]:
    minutes = _minutes(instance, assignment)
    if minutes >= staff.min_total_minutes:
        return []
    return [
        f"{HardRule.MIN_TOTAL_MINUTES}: employee {staff.id} works {minutes} minutes over "
        f"{_days(0, instance.days - 1)}, fewer than the minimum of {staff.min_total_minutes}"
    ]


def _check_max_consecutive_shifts(
    instance: CurtoisInstance, staff: CurtoisStaff, assignment: Assignment
) -> list[str]:
    return [
        f"{HardRule.MAX_CONSECUTIVE_SHIFTS}: employee {staff.id} works "
        f"{_count(end - start + 1, 'day')} in a row "
        f"({_days(start, end)}), more than the maximum of {staff.max_consecutive_shifts}"
        for working, start, end in _runs([shift is not None for shift in assignment])
        if working and end - start + 1 > staff.max_consecutive_shifts
    ]


def _short_interior_runs(assignment: Assignment, *, working: bool, minimum: int) -> list[tuple[int, int]]:
    """Runs of working days (or days off) shorter than ``minimum`` that touch neither end of the horizon."""
    last = len(assignment) - 1
    return [
        (start, end)
        for run_working, start, end in _runs([shift is not None for shift in assignment])
        if run_working == working and start > 0 and end < last and end - start + 1 < minimum
    ]


def _check_min_consecutive_shifts(
    instance: CurtoisInstance, staff: CurtoisStaff, assignment: Assignment
) -> list[str]:
    return [
        f"{HardRule.MIN_CONSECUTIVE_SHIFTS}: employee {staff.id} works a run of only "
        f"{_count(end - start + 1, 'day')} ({_days(start, end)}), "
        f"shorter than the minimum of {staff.min_consecutive_shifts}"
        for start, end in _short_interior_runs(assignment, working=True, minimum=staff.min_consecutive_shifts)
    ]


def _check_min_consecutive_days_off(
    instance: CurtoisInstance, staff: CurtoisStaff, assignment: Assignment
) -> list[str]:
    return [
        f"{HardRule.MIN_CONSECUTIVE_DAYS_OFF}: employee {staff.id} has a run of only "
        f"{_count(end - start + 1, 'day')} off ({_days(start, end)}), "
        f"shorter than the minimum of {staff.min_consecutive_days_off}"
        for start, end in _short_interior_runs(
            assignment, working=False, minimum=staff.min_consecutive_days_off
        )
    ]


def _check_max_weekends(instance: CurtoisInstance, staff: CurtoisStaff, assignment: Assignment) -> list[str]:
    worked: dict[int, list[int]] = {}
    for day, shift in enumerate(assignment):
        if day % 7 in (5, 6) and shift is not None:
            worked.setdefault(day // 7, []).append(day)
    if len(worked) <= staff.max_weekends:
        return []
    listed = "; ".join(_day_list(days) for _, days in sorted(worked.items()))
    return [
        f"{HardRule.MAX_WEEKENDS}: employee {staff.id} works {_count(len(worked), 'weekend')} ({listed}), "
        f"more than the maximum of {staff.max_weekends}"
    ]


def _check_days_off(instance: CurtoisInstance, staff: CurtoisStaff, assignment: Assignment) -> list[str]:
    return [
        f"{HardRule.DAYS_OFF}: employee {staff.id} works {assignment[day]} on day {day}, "
        "one of their days off"
        for day in sorted(instance.days_off.get(staff.id, frozenset()))
        if assignment[day] is not None
    ]


HardCheck = Callable[[CurtoisInstance, CurtoisStaff, Assignment], list[str]]

HARD_RULES: Mapping[HardRule, HardCheck] = {
    HardRule.FORBIDDEN_SUCCESSION: _check_forbidden_succession,
    HardRule.MAX_SHIFTS_PER_TYPE: _check_max_shifts_per_type,
    HardRule.MAX_TOTAL_MINUTES: _check_max_total_minutes,
    HardRule.MIN_TOTAL_MINUTES: _check_min_total_minutes,
    HardRule.MAX_CONSECUTIVE_SHIFTS: _check_max_consecutive_shifts,
    HardRule.MIN_CONSECUTIVE_SHIFTS: _check_min_consecutive_shifts,
    HardRule.MIN_CONSECUTIVE_DAYS_OFF: _check_min_consecutive_days_off,
    HardRule.MAX_WEEKENDS: _check_max_weekends,
    HardRule.DAYS_OFF: _check_days_off,
}
"""Every hard rule, in the order violations are reported for each employee."""


# --- evaluation: soft objective -----------------------------------------------------------------------

Roster = Mapping[str, Sequence[str | None]]
"""Employee id -> one shift id or ``None`` per day of the horizon."""


def _on_requests_penalty(instance: CurtoisInstance, roster: Roster) -> int:
    return sum(
        request.weight
        for request in instance.on_requests
        if roster[request.employee][request.day] != request.shift
    )


def _off_requests_penalty(instance: CurtoisInstance, roster: Roster) -> int:
    return sum(
        request.weight
        for request in instance.off_requests
        if roster[request.employee][request.day] == request.shift
    )


def _assigned(instance: CurtoisInstance, roster: Roster, cover: CurtoisCover) -> int:
    return sum(1 for member in instance.staff if roster[member.id][cover.day] == cover.shift)


def _cover_under_penalty(instance: CurtoisInstance, roster: Roster) -> int:
    return sum(
        max(0, cover.requirement - _assigned(instance, roster, cover)) * cover.under_weight
        for cover in instance.cover
    )


def _cover_over_penalty(instance: CurtoisInstance, roster: Roster) -> int:
    return sum(
        max(0, _assigned(instance, roster, cover) - cover.requirement) * cover.over_weight
        for cover in instance.cover
    )


SOFT_TERMS: Mapping[str, Callable[[CurtoisInstance, Roster], int]] = {
    "on_requests": _on_requests_penalty,
    "off_requests": _off_requests_penalty,
    "cover_under": _cover_under_penalty,
    "cover_over": _cover_over_penalty,
}
"""The objective's terms by name; :func:`evaluate` adds them up in one place."""


@dataclass(frozen=True)
class Evaluation:
    """A roster's score: the soft objective, its terms, and every hard-rule violation as a sentence."""

    objective: int
    breakdown: dict[str, int]
    hard_violations: list[str]

    @property
    def feasible(self) -> bool:
        """Whether the roster breaks no hard rule."""
        return not self.hard_violations


def _check_roster(instance: CurtoisInstance, roster: Roster) -> None:
    problems = []
    employees = set(instance.employee_ids)
    shift_ids = set(instance.shift_ids)
    for employee in roster:
        if employee not in employees:
            problems.append(Problem(f"unknown employee id {employee!r}", field=f"roster[{employee!r}]"))
    for employee in instance.employee_ids:
        if employee not in roster:
            problems.append(Problem(f"employee {employee!r} has no row", field=f"roster[{employee!r}]"))
            continue
        row = roster[employee]
        if len(row) != instance.days:
            problems.append(
                Problem(
                    f"expected {instance.days} days (one shift id or None each), got {len(row)}",
                    field=f"roster[{employee!r}]",
                )
            )
        for day, shift in enumerate(row):
            if shift is not None and shift not in shift_ids:
                problems.append(Problem(f"unknown shift id {shift!r}", field=f"roster[{employee!r}][{day}]"))
    if problems:
        raise InputError(f"roster refused for {instance.name}", problems)


def evaluate(instance: CurtoisInstance, roster: Roster) -> Evaluation:
    """Score ``roster`` by the benchmark's definitions, independently of any solver.

    ``roster`` needs a row for every employee of the instance, each with one shift id or ``None`` per
    day; anything else (unknown employee or shift id, missing row, wrong length) is an
    :class:`InputError`. Hard violations are listed employee by employee, in :data:`HARD_RULES`
    order; they do not enter the objective.
    """
    _check_roster(instance, roster)
    hard_violations = [
        violation
        for member in instance.staff
        for check in HARD_RULES.values()
        for violation in check(instance, member, roster[member.id])
    ]
    breakdown = {term: penalty(instance, roster) for term, penalty in SOFT_TERMS.items()}
    return Evaluation(objective=sum(breakdown.values()), breakdown=breakdown, hard_violations=hard_violations)
