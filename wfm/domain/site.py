"""A site: the centre's queues, opening hours, shift templates, rules and team, checked together."""

from __future__ import annotations

from pathlib import Path
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import Field, field_validator, model_validator

from wfm.domain._base import DomainModel
from wfm.domain.agents import Agent, AgentId
from wfm.domain.clock import format_clock
from wfm.domain.opening_hours import OpeningHours
from wfm.domain.parsing import load_model
from wfm.domain.queues import Queue, QueueId
from wfm.domain.roster import CellKind, Roster
from wfm.domain.rules import RosterRules
from wfm.domain.shifts import ShiftCode, ShiftTemplate
from wfm.domain.staffing_policy import StaffingPolicy
from wfm.errors import InputError, Problem

DEFAULT_TIMEZONE = "Asia/Shanghai"


def _duplicates(codes: list[str]) -> list[str]:
    seen: set[str] = set()
    return sorted({code for code in codes if code in seen or seen.add(code)})  # type: ignore[func-returns-value]


class Site(DomainModel):
    """Everything about a centre that a roster is planned against.

    Times in the product are the site's local wall-clock time in ``timezone``.
    """

    name: str = Field(min_length=1, max_length=80)
    timezone: str = DEFAULT_TIMEZONE
    opening_hours: OpeningHours = OpeningHours.every_day("08:30-24:00")
    interval_minutes: int = 60
    queues: tuple[Queue, ...] = Field(min_length=1)
    shift_templates: tuple[ShiftTemplate, ...] = Field(min_length=1)
    rules: RosterRules = RosterRules()
    staffing: StaffingPolicy = StaffingPolicy()
    agents: tuple[Agent, ...] = ()

    @field_validator("timezone")
    @classmethod
    def _known_timezone(cls, value: str) -> str:
        try:
            ZoneInfo(value)
        except (ZoneInfoNotFoundError, ValueError):
            raise ValueError(f"'{value}' is not a known time zone (e.g. Asia/Shanghai)") from None
        return value

    @field_validator("interval_minutes")
    @classmethod
    def _interval(cls, value: int) -> int:
        if value not in (15, 30, 60):
            raise ValueError(f"{value} is not one of 15, 30 or 60 minutes")
        return value

    @model_validator(mode="after")
    def _references(self) -> Site:
        for label, codes in (
            ("queues", [q.code for q in self.queues]),
            ("shift_templates", [s.code for s in self.shift_templates]),
            ("agents", [a.id for a in self.agents]),
        ):
            repeated = _duplicates(codes)
            if repeated:
                raise ValueError(f"{label}: codes used more than once: {repeated}")
        queue_codes = set(self.queue_codes)
        shift_codes = set(self.shift_codes)
        for index, agent in enumerate(self.agents):
            unknown = sorted(agent.skills - queue_codes)
            if unknown:
                raise ValueError(
                    f"agents[{index}].skills: agent {agent.id} has skills for unknown queues {unknown}"
                )
            wished = agent.preferences.preferred_shifts | agent.preferences.unwanted_shifts
            if wished - shift_codes:
                raise ValueError(
                    f"agents[{index}].preferences: unknown shift templates {sorted(wished - shift_codes)}"
                )
        working_days = 7 - self.rules.rest_days_per_week
        for index, agent in enumerate(self.agents):
            if agent.contract.days_per_week > working_days:
                raise ValueError(
                    f"agents[{index}].contract.days_per_week: agent {agent.id} is contracted for "
                    f"{agent.contract.days_per_week} days a week, but the rules give "
                    f"{self.rules.rest_days_per_week} rest days a week (at most {working_days} working days)"
                )
        meeting = self.rules.meeting
        if meeting is not None:
            open_minutes = self.opening_hours.open_minutes_in(
                meeting.weekday, meeting.start, meeting.end - meeting.start
            )
            if open_minutes < meeting.end - meeting.start:
                raise ValueError(
                    f"rules.meeting: the meeting ({format_clock(meeting.start)}-{format_clock(meeting.end)} "
                    f"on day {meeting.weekday}) falls outside the opening hours, so nobody needs to stay "
                    "on duty; move it inside opening hours or set meeting to null"
                )
        for pair in self.rules.forbidden_successions:
            if set(pair) - shift_codes:
                raise ValueError(
                    f"rules.forbidden_successions: {pair} names unknown shift templates "
                    f"{sorted(set(pair) - shift_codes)}"
                )
        return self

    @property
    def queue_codes(self) -> tuple[QueueId, ...]:
        return tuple(q.code for q in self.queues)

    @property
    def shift_codes(self) -> tuple[ShiftCode, ...]:
        return tuple(s.code for s in self.shift_templates)

    def queue(self, code: QueueId) -> Queue:
        for queue in self.queues:
            if queue.code == code:
                return queue
        raise KeyError(f"no queue '{code}' at site {self.name}")

    def shift(self, code: ShiftCode) -> ShiftTemplate:
        for template in self.shift_templates:
            if template.code == code:
                return template
        raise KeyError(f"no shift template '{code}' at site {self.name}")

    def agent(self, agent_id: AgentId) -> Agent:
        for agent in self.agents:
            if agent.id == agent_id:
                return agent
        raise KeyError(f"no agent '{agent_id}' at site {self.name}")

    def check_roster_references(self, roster: Roster) -> None:
        """Refuse a roster that names agents, shifts or queues this site does not have."""
        agents = {a.id for a in self.agents}
        shifts = set(self.shift_codes)
        queues = set(self.queue_codes)
        problems = []
        for index, cell in enumerate(roster.cells):
            where = f"cells[{index}]"
            if cell.agent_id not in agents:
                problems.append(Problem(f"unknown agent '{cell.agent_id}'", field=f"{where}.agent_id"))
            if cell.kind is CellKind.SHIFT:
                if cell.shift not in shifts:
                    problems.append(Problem(f"unknown shift '{cell.shift}'", field=f"{where}.shift"))
                if cell.queue not in queues:
                    problems.append(Problem(f"unknown queue '{cell.queue}'", field=f"{where}.queue"))
        if problems:
            raise InputError(f"roster refused for site {self.name}", problems)

    @classmethod
    def load(cls, path: Path) -> Site:
        """Read a site from its JSON file."""
        return load_model(cls, path)

    def save(self, path: Path) -> None:
        """Write the site as JSON, atomically (a crash never leaves half a file)."""
        temporary = path.with_name(path.name + ".tmp")
        temporary.write_text(self.model_dump_json(indent=2), encoding="utf-8")
        temporary.replace(path)
