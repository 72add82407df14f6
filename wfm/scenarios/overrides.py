"""What a scenario changes: the overrides, as frozen, validated values, and the scenario file format.

A :class:`Scenario` is a name and a set of overrides to a baseline's planning inputs (forecast, queues,
staffing policy, team, shift templates, rule parameters). Overrides are checked on their own here
(a negative multiplier, an hour range outside 0-24); whether they fit a given baseline (an unknown
queue, an agent not in the team) is checked when they are applied (:mod:`wfm.scenarios.apply`).
Every refusal is an :class:`~wfm.errors.InputError` naming the field at fault
(``volume[0].multiplier``).

Scenario files are TOML or JSON: either one scenario (its fields at the top level) or several, as an
array ``scenario``; a scenario may start from an earlier one in the same file with ``based_on``
(:func:`load_scenarios`). ``wfm/scenarios/examples/double11.toml`` is a worked example.
"""

from __future__ import annotations

import json
import tomllib
from collections.abc import Iterable, Sequence
from datetime import date
from pathlib import Path
from typing import Any

from pydantic import Field, ValidationError, field_validator, model_validator

from wfm.domain import AgentId, BreakWindow, QueueId, ShiftCode, ShiftTemplate, parse_clock
from wfm.domain._base import DomainModel
from wfm.domain.parsing import problems_from
from wfm.errors import InputError, Problem

EXAMPLES_DIR = Path(__file__).parent / "examples"
BASELINE_NAME = "baseline"


class VolumeChange(DomainModel):
    """Multiply the forecast volume of some queues on some days and clock hours.

    ``days`` are day numbers of the planning horizon (1 = its first day), inclusive, so a file works
    for any week; ``first_day``/``last_day`` are calendar dates instead (give one form, or neither for
    the whole horizon). ``hours`` are clock hours ``[from, to)`` between 0 and 24 (``[20, 24]`` is
    20:00-24:00). No ``queues`` means every queue. ``multiplier`` 3.5 is +250%; 0 removes the volume.
    """

    multiplier: float
    queues: tuple[QueueId, ...] = ()
    days: tuple[int, int] | None = None
    first_day: date | None = None
    last_day: date | None = None
    hours: tuple[int, int] = (0, 24)

    @field_validator("multiplier")
    @classmethod
    def _multiplier(cls, value: float) -> float:
        if not value >= 0 or value == float("inf"):
            raise ValueError(f"{value:g} is not a multiplier of 0 or more (2 doubles the volume)")
        return value

    @field_validator("hours")
    @classmethod
    def _hours(cls, value: tuple[int, int]) -> tuple[int, int]:
        low, high = value
        if not 0 <= low < high <= 24:
            raise ValueError(
                f"[{low}, {high}] is not a range of clock hours: from 0-23 to a later hour up to 24"
            )
        return value

    @field_validator("days")
    @classmethod
    def _days(cls, value: tuple[int, int] | None) -> tuple[int, int] | None:
        if value is not None and not 1 <= value[0] <= value[1]:
            raise ValueError(
                f"[{value[0]}, {value[1]}] is not a range of day numbers: the horizon's first day is 1, "
                "and the range runs from its first to its last day"
            )
        return value

    @model_validator(mode="after")
    def _one_day_form(self) -> VolumeChange:
        if self.days is not None and (self.first_day is not None or self.last_day is not None):
            raise ValueError("days: give either days (day numbers) or first_day/last_day (dates), not both")
        if self.first_day is not None and self.last_day is not None and self.last_day < self.first_day:
            raise ValueError(
                f"last_day: {self.last_day.isoformat()} is before first_day {self.first_day.isoformat()}"
            )
        return self

    def describe(self) -> str:
        queues = ", ".join(self.queues) if self.queues else "every queue"
        if self.days is not None:
            when = f"days {self.days[0]}-{self.days[1]}"
        elif self.first_day is not None or self.last_day is not None:
            first = self.first_day.isoformat() if self.first_day else "start"
            last = self.last_day.isoformat() if self.last_day else "end"
            when = f"{first} to {last}"
        else:
            when = "every day"
        hours = "" if self.hours == (0, 24) else f", {self.hours[0]:02d}:00-{self.hours[1]:02d}:00"
        return f"volume x{self.multiplier:g} ({_percent(self.multiplier)}) on {queues}, {when}{hours}"


class QueueChange(DomainModel):
    """A queue's handling time, service target or chat concurrency.

    ``aht_s`` replaces the average handling time, ``aht_multiplier`` scales it (give one). A new
    ``concurrency`` (chat only) also moves the handling time per chat by the site's chat slowdown
    (:func:`wfm.staffing.chat_handle_time`), after any AHT change, which is taken as measured at the
    queue's current concurrency.
    """

    queue: QueueId
    aht_s: float | None = Field(default=None, gt=0.0, le=24 * 3600)
    aht_multiplier: float | None = Field(default=None, gt=0.0, le=100.0)
    service_share: float | None = Field(default=None, gt=0.0, lt=1.0)
    answer_within_s: int | None = Field(default=None, gt=0)
    concurrency: int | None = Field(default=None, ge=1, le=10)

    @model_validator(mode="after")
    def _something(self) -> QueueChange:
        if self.aht_s is not None and self.aht_multiplier is not None:
            raise ValueError("aht_s: give either aht_s or aht_multiplier, not both")
        changes = (
            self.aht_s,
            self.aht_multiplier,
            self.service_share,
            self.answer_within_s,
            self.concurrency,
        )
        if all(value is None for value in changes):
            raise ValueError(
                "queue: nothing to change; give aht_s, aht_multiplier, service_share, answer_within_s "
                "or concurrency"
            )
        return self

    def describe(self) -> str:
        words = []
        if self.aht_s is not None:
            words.append(f"AHT {self.aht_s:g} s")
        if self.aht_multiplier is not None:
            words.append(f"AHT x{self.aht_multiplier:g}")
        if self.service_share is not None or self.answer_within_s is not None:
            share = f"{self.service_share:.0%}" if self.service_share is not None else "same share"
            within = f"{self.answer_within_s} s" if self.answer_within_s is not None else "same time"
            words.append(f"service target {share} within {within}")
        if self.concurrency is not None:
            words.append(f"{self.concurrency} chats at once")
        return f"{self.queue}: " + ", ".join(words)


class StaffingChange(DomainModel):
    """The site's staffing policy: shrinkage and the occupancy cap (unset: unchanged)."""

    shrinkage: float | None = Field(default=None, ge=0.0, lt=1.0)
    max_occupancy: float | None = Field(default=None, gt=0.0, le=1.0)

    def then(self, later: StaffingChange) -> StaffingChange:
        return StaffingChange(
            shrinkage=_later(self.shrinkage, later.shrinkage),
            max_occupancy=_later(self.max_occupancy, later.max_occupancy),
        )

    def describe(self) -> list[str]:
        words = []
        if self.shrinkage is not None:
            words.append(f"shrinkage {self.shrinkage:.0%}")
        if self.max_occupancy is not None:
            words.append(f"occupancy cap {self.max_occupancy:.0%}")
        return words


class AddedAgents(DomainModel):
    """``count`` agents added to the team, ids ``{id_prefix}01``, ``{id_prefix}02``...

    Temporary agents (the default) cost the temporary hourly rate (``hourly_cost`` when given, else the
    run's setting). The contract fields are the agents' weekly contract; with ``min_hours_per_week``
    unset they work their contracted hours, as hired staff are paid for them.
    """

    count: int = Field(ge=1, le=1000)
    skills: tuple[QueueId, ...] = Field(min_length=1)
    id_prefix: str = Field(default="T", pattern=r"^[A-Za-z][A-Za-z0-9_]{0,19}$")
    name: str = Field(default="Temp", min_length=1, max_length=60)
    group: str = Field(default="temporary", min_length=1, max_length=40)
    temporary: bool = True
    days_per_week: int = Field(default=5, ge=1, le=7)
    hours_per_week: float = Field(default=40.0, gt=0.0, le=84.0)
    min_hours_per_week: float | None = Field(default=None, ge=0.0)
    part_time: bool = False
    hourly_cost: float | None = Field(default=None, ge=0.0)

    def ids(self) -> list[str]:
        width = max(2, len(str(self.count)))
        return [f"{self.id_prefix}{n:0{width}d}" for n in range(1, self.count + 1)]

    def describe(self) -> str:
        kind = "temporary" if self.temporary else "new"
        return f"+{self.count} {kind} agents ({', '.join(self.skills)})"


class TeamChange(DomainModel):
    """Agents taken out of the team (by id), and agents added."""

    remove: tuple[AgentId, ...] = ()
    add: tuple[AddedAgents, ...] = ()

    def then(self, later: TeamChange) -> TeamChange:
        return TeamChange(remove=self.remove + later.remove, add=self.add + later.add)

    def describe(self) -> list[str]:
        words = [f"-{len(self.remove)} agents ({', '.join(self.remove)})"] if self.remove else []
        return words + [group.describe() for group in self.add]


class ShiftSpec(DomainModel):
    """A shift template to add, in clock times: ``start = "11:00"``, ``end = "20:00"``.

    ``break_window`` is where the unpaid break may start (``["13:00", "16:00"]``); an end before the
    start runs past midnight.
    """

    code: ShiftCode = Field(pattern=r"^[A-Za-z][A-Za-z0-9_]{0,19}$")
    name: str | None = Field(default=None, min_length=1, max_length=60)
    start: str
    end: str
    unpaid_break_minutes: int = Field(default=0, ge=0, le=180)
    break_window: tuple[str, str] | None = None
    part_time: bool = False

    @model_validator(mode="after")
    def _makes_a_template(self) -> ShiftSpec:
        try:
            self.template()
        except ValidationError as error:
            problem = problems_from(error)[0]
            raise ValueError(f"{problem.field or 'start'}: {problem.message}") from None
        return self

    def template(self) -> ShiftTemplate:
        """The shift template; a bad clock time or break is a ``ValueError`` naming the field."""
        window = None
        if self.break_window is not None:
            earliest = parse_clock(self.break_window[0], field="break_window")
            latest = parse_clock(self.break_window[1], field="break_window")
            if earliest < parse_clock(self.start, field="start"):
                earliest, latest = earliest + 1440, latest + 1440  # a break after midnight
            window = BreakWindow(earliest_start=earliest, latest_start=latest)
        return ShiftTemplate.from_clock(
            self.code,
            self.start,
            self.end,
            name=self.name or self.code,
            unpaid_break_minutes=self.unpaid_break_minutes,
            break_window=window,
            part_time=self.part_time,
        )

    def describe(self) -> str:
        return f"+shift {self.template()}"


class ShiftChange(DomainModel):
    """Shift templates added and removed (by code)."""

    add: tuple[ShiftSpec, ...] = ()
    remove: tuple[ShiftCode, ...] = ()

    def then(self, later: ShiftChange) -> ShiftChange:
        return ShiftChange(add=self.add + later.add, remove=self.remove + later.remove)

    def describe(self) -> list[str]:
        return [spec.describe() for spec in self.add] + [f"-shift {code}" for code in self.remove]


class RulesChange(DomainModel):
    """Rule parameters (:class:`~wfm.domain.RosterRules`); unset ones keep the baseline's value.

    ``meeting = false`` drops the weekly meeting's cover rule.
    """

    rest_days_per_week: int | None = None
    max_consecutive_working_days: int | None = None
    min_rest_hours: float | None = None
    min_closing_staff: int | None = None
    meeting: bool | None = None

    @field_validator("meeting")
    @classmethod
    def _meeting(cls, value: bool | None) -> bool | None:
        if value is True:
            raise ValueError("true keeps the baseline's meeting: leave it out; false drops the meeting")
        return value

    def updates(self) -> dict[str, Any]:
        """The changed :class:`~wfm.domain.RosterRules` fields."""
        found: dict[str, Any] = {
            key: value for key, value in self.model_dump().items() if value is not None and key != "meeting"
        }
        if self.meeting is False:
            found["meeting"] = None
        return found

    def then(self, later: RulesChange) -> RulesChange:
        merged = {**self.model_dump(exclude_none=True), **later.model_dump(exclude_none=True)}
        return RulesChange(**merged)

    def describe(self) -> list[str]:
        return [
            "no meeting" if key == "meeting" else f"{key.replace('_', ' ')} {value:g}"
            for key, value in self.updates().items()
        ]


class Scenario(DomainModel):
    """A named set of overrides to a baseline's inputs; no overrides is the baseline itself.

    Volume changes apply in order (two changes to the same interval multiply); queue changes apply in
    order; the staffing policy and rule parameters take the last value given.
    """

    name: str = Field(min_length=1, max_length=80)
    description: str = Field(default="", max_length=500)
    based_on: str | None = None
    """The name of an earlier scenario in the same file whose overrides this one starts from."""
    volume: tuple[VolumeChange, ...] = ()
    queues: tuple[QueueChange, ...] = ()
    staffing: StaffingChange = StaffingChange()
    team: TeamChange = TeamChange()
    shifts: ShiftChange = ShiftChange()
    rules: RulesChange = RulesChange()

    @property
    def is_baseline(self) -> bool:
        """No overrides at all."""
        empty = Scenario(name=self.name, description=self.description, based_on=self.based_on)
        return self == empty

    def then(self, later: Scenario, *, name: str | None = None) -> Scenario:
        """This scenario's overrides followed by ``later``'s, named ``later``'s name (or ``name``)."""
        return Scenario(
            name=name or later.name,
            description=later.description or self.description,
            volume=self.volume + later.volume,
            queues=self.queues + later.queues,
            staffing=self.staffing.then(later.staffing),
            team=self.team.then(later.team),
            shifts=self.shifts.then(later.shifts),
            rules=self.rules.then(later.rules),
        )

    def describe(self) -> list[str]:
        """The overrides in a manager's words, one line each (empty for the baseline)."""
        return (
            [change.describe() for change in self.volume]
            + [change.describe() for change in self.queues]
            + self.staffing.describe()
            + self.team.describe()
            + self.shifts.describe()
            + self.rules.describe()
        )


def baseline_scenario() -> Scenario:
    """The scenario with no overrides."""
    return Scenario(name=BASELINE_NAME, description="the baseline's inputs, unchanged")


def _later(earlier: Any, later: Any) -> Any:
    return earlier if later is None else later


def _percent(multiplier: float) -> str:
    change = (multiplier - 1) * 100
    return f"{change:+.0f}%"


# --- scenario files -----------------------------------------------------------------------------


def parse_scenarios(data: Any, *, source: str = "scenario file") -> tuple[Scenario, ...]:
    """Scenarios from plain data: one scenario (a mapping of its fields) or ``{"scenario": [...]}``.

    ``based_on`` is resolved here: the scenario starts from the overrides of the earlier scenario of
    that name (which must come before it). Names must be unique.
    """
    if isinstance(data, dict) and "scenario" in data:
        extra = sorted(set(data) - {"scenario"})
        if extra:
            raise InputError(
                f"{source}: scenarios refused",
                [Problem(f"unknown key beside the scenario list: {extra}", field=extra[0])],
            )
        items = data["scenario"]
        prefix = "scenario"
        if not isinstance(items, list) or not items:
            raise InputError(
                f"{source}: scenarios refused",
                [Problem("expected a list of scenarios (TOML: [[scenario]] tables)", field="scenario")],
            )
    else:
        items, prefix = [data], ""
    found: list[Scenario] = []
    problems: list[Problem] = []
    for index, item in enumerate(items):
        where = f"{prefix}[{index}]" if prefix else ""
        try:
            scenario = Scenario.model_validate(item)
        except ValidationError as error:
            for problem in problems_from(error):
                field = ".".join(part for part in (where, problem.field or "") if part) or None
                problems.append(Problem(problem.message, field=field))
            continue
        names = [s.name for s in found]
        if scenario.name in names or scenario.name == BASELINE_NAME:
            problems.append(
                Problem(
                    f"'{scenario.name}' is used more than once (or is the reserved name '{BASELINE_NAME}')",
                    field=_join(where, "name"),
                )
            )
            continue
        if scenario.based_on is not None:
            if scenario.based_on not in names:
                problems.append(
                    Problem(
                        f"'{scenario.based_on}' is not an earlier scenario in this file "
                        f"({', '.join(names) or 'none before it'})",
                        field=_join(where, "based_on"),
                    )
                )
                continue
            scenario = found[names.index(scenario.based_on)].then(scenario)
        found.append(scenario)
    if problems:
        raise InputError(f"{source}: scenarios refused", problems)
    return tuple(found)


def _join(where: str, field: str) -> str:
    return f"{where}.{field}" if where else field


def load_scenarios(path: Path) -> tuple[Scenario, ...]:
    """Read a scenario file (``.toml`` or ``.json``); see :func:`parse_scenarios`."""
    if not path.exists():
        raise InputError(f"{path}: no such file", [Problem("no such file", field=str(path))])
    suffix = path.suffix.lower()
    text = path.read_text(encoding="utf-8")
    try:
        if suffix == ".toml":
            data: Any = tomllib.loads(text)
        elif suffix == ".json":
            data = json.loads(text)
        else:
            raise InputError(
                f"{path}: unknown file type '{suffix}'",
                [Problem("expected a .toml or .json scenario file", field=str(path))],
            )
    except tomllib.TOMLDecodeError as error:
        raise InputError(f"{path}: not valid TOML", [Problem(str(error))]) from None
    except json.JSONDecodeError as error:
        raise InputError(f"{path}: not valid JSON", [Problem(error.msg, row=error.lineno)]) from None
    return parse_scenarios(data, source=str(path))


def load_scenario_files(paths: Iterable[Path]) -> tuple[Scenario, ...]:
    """The scenarios of several files, in order; a name used in two files is refused."""
    found: list[Scenario] = []
    for path in paths:
        for scenario in load_scenarios(path):
            if any(s.name == scenario.name for s in found):
                raise InputError(
                    f"{path}: scenarios refused",
                    [Problem(f"'{scenario.name}' is also the name of a scenario in an earlier file")],
                )
            found.append(scenario)
    return tuple(found)


def pick_scenarios(scenarios: Sequence[Scenario], names: Sequence[str]) -> tuple[Scenario, ...]:
    """The named scenarios (all when ``names`` is empty); an unknown name is refused."""
    if not names:
        return tuple(scenarios)
    known = {s.name: s for s in scenarios}
    unknown = [n for n in names if n not in known]
    if unknown:
        raise InputError(
            "scenario name refused",
            [
                Problem(f"no scenario '{n}' (the file has: {', '.join(known)})", field="--name")
                for n in unknown
            ],
        )
    return tuple(known[n] for n in names)
