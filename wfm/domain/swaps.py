"""Shift swaps between two agents of a published roster: what each kind exchanges.

The manuals: a swap needs both agents' agreement and the department manager's approval beforehand,
and if a swap leaves a shift uncovered both agents are responsible. Three kinds:

- **trade**: on one day, A takes B's shift (its hours and break) and B takes A's; each stays on the
  queue they were rostered to that day (an agent's queue follows their skills), so cover moves
  between queues when the two work different queues;
- **give-away**: on one day A works and B rests; B takes A's shift on A's queue and A rests;
- **rest-day exchange**: A works ``day`` and rests ``other_day``, B the opposite; afterwards A rests
  ``day`` and works B's shift on ``other_day``, and B works A's shift on ``day`` (each on the queue
  of the shift taken).

A give-away and a rest-day exchange move whole shifts, so they never change how many agents work
which shift on which queue; a trade between two queues does.

Here only what a swap *does* to the cells, and whether the cells are what the kind needs. Whether
the roster after it keeps every rule is the rules' check face's business (``solver.swaps``).
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, timedelta
from enum import StrEnum

from pydantic import Field, model_validator

from wfm.domain._base import DomainModel
from wfm.domain.agents import AgentId
from wfm.domain.roster import CellKind, RosterCell
from wfm.errors import InputError, Problem


class SwapKind(StrEnum):
    TRADE = "trade"
    GIVE_AWAY = "give_away"
    REST_DAY_EXCHANGE = "rest_day_exchange"


class Tier(StrEnum):
    """A checked swap's verdict: ``pass`` (the site may approve it on its own), ``warning`` (the
    manager decides), ``error`` (refused)."""

    PASS = "pass"
    WARNING = "warning"
    ERROR = "error"


class Swap(DomainModel):
    """A swap ``requester`` asks of ``partner``."""

    kind: SwapKind
    requester: AgentId
    partner: AgentId
    day: date
    other_day: date | None = Field(default=None, description="The second day of a rest-day exchange.")

    @model_validator(mode="after")
    def _consistent(self) -> Swap:
        if self.partner == self.requester:
            raise ValueError("partner: a swap needs two different agents")
        if self.kind is SwapKind.REST_DAY_EXCHANGE:
            if self.other_day is None:
                raise ValueError("other_day: a rest-day exchange needs the second day")
            if self.other_day == self.day:
                raise ValueError("other_day: a rest-day exchange needs two different days")
        elif self.other_day is not None:
            raise ValueError(f"other_day: a {self.kind.value.replace('_', '-')} is on one day only")
        return self

    @property
    def days(self) -> tuple[date, ...]:
        return (self.day,) if self.other_day is None else tuple(sorted((self.day, self.other_day)))

    @property
    def agents(self) -> tuple[AgentId, AgentId]:
        return (self.requester, self.partner)


def swapped(
    swap: Swap,
    cells: Sequence[RosterCell],
    *,
    names: dict[AgentId, str] | None = None,
    today: date | None = None,
    lead_days: int = 0,
) -> tuple[RosterCell, ...]:
    """The cells ``swap`` puts in place of the ones it changes (same agent-days).

    Refused with :class:`InputError` naming the field when the cells are not what the kind needs
    (e.g. a give-away whose partner works that day), or, with ``today``, when a day is less than
    ``lead_days`` days ahead (a swap is agreed before the day, never on it or after).
    """
    label = names or {}

    def who(agent_id: AgentId) -> str:
        return label.get(agent_id, agent_id)

    index = {(c.agent_id, c.day): c for c in cells}
    problems: list[Problem] = []
    if today is not None:
        first_allowed = today + timedelta(days=max(1, lead_days))
        for field, day in (("day", swap.day), ("other_day", swap.other_day)):
            if day is not None and day < first_allowed:
                problems.append(
                    Problem(
                        f"{day.isoformat()} is too soon: swaps are agreed at least "
                        f"{max(1, lead_days)} day(s) ahead, so the first day open is "
                        f"{first_allowed.isoformat()}",
                        field=field,
                    )
                )

    def cell(agent_id: AgentId, day: date, field: str) -> RosterCell | None:
        found = index.get((agent_id, day))
        if found is None:
            problems.append(
                Problem(f"{who(agent_id)} has nothing rostered on {day.isoformat()}", field=field)
            )
        elif found.kind is CellKind.LEAVE:
            problems.append(Problem(f"{who(agent_id)} is on leave on {day.isoformat()}", field=field))
            return None
        return found

    def needs(found: RosterCell | None, working: bool, field: str) -> None:
        if found is None or (found.kind is CellKind.SHIFT) == working:
            return
        state = "work" if working else "rest"
        problems.append(
            Problem(
                f"a {swap.kind.value.replace('_', '-')} needs {who(found.agent_id)} to {state} on "
                f"{found.day.isoformat()}, but the roster has {found}",
                field=field,
            )
        )

    a_day = cell(swap.requester, swap.day, "requester")
    b_day = cell(swap.partner, swap.day, "partner")
    a_other = b_other = None
    if swap.kind is SwapKind.TRADE:
        needs(a_day, True, "requester")
        needs(b_day, True, "partner")
        if (
            a_day is not None
            and b_day is not None
            and (a_day.shift, a_day.break_start) == (b_day.shift, b_day.break_start)
        ):
            problems.append(
                Problem(
                    f"both work the {a_day.shift} shift on {swap.day.isoformat()}: the trade changes nothing",
                    field="day",
                )
            )
    elif swap.kind is SwapKind.GIVE_AWAY:
        needs(a_day, True, "requester")
        needs(b_day, False, "partner")
    else:
        assert swap.other_day is not None
        a_other = cell(swap.requester, swap.other_day, "requester")
        b_other = cell(swap.partner, swap.other_day, "partner")
        needs(a_day, True, "requester")
        needs(b_day, False, "partner")
        needs(a_other, False, "requester")
        needs(b_other, True, "partner")
    if problems:
        raise InputError("swap refused", problems)
    assert a_day is not None and b_day is not None

    def moved(source: RosterCell, agent_id: AgentId) -> RosterCell:
        return source.model_copy(update={"agent_id": agent_id})

    if swap.kind is SwapKind.TRADE:
        return (
            b_day.model_copy(update={"agent_id": swap.requester, "queue": a_day.queue}),
            a_day.model_copy(update={"agent_id": swap.partner, "queue": b_day.queue}),
        )
    if swap.kind is SwapKind.GIVE_AWAY:
        return (RosterCell.rest(swap.requester, swap.day), moved(a_day, swap.partner))
    assert a_other is not None and b_other is not None and swap.other_day is not None
    return (
        RosterCell.rest(swap.requester, swap.day),
        moved(a_day, swap.partner),
        moved(b_other, swap.requester),
        RosterCell.rest(swap.partner, swap.other_day),
    )
