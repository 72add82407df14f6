"""Small builders for the roster-solver tests, handed out by the ``kit`` fixture.

- tiny problems: agents Ann, Bo, Cy, Di, Ed (ids ``A``..``E``), the manuals' early 08:30-17:30 and late
  15:00-24:00 shifts (no unpaid break unless a test asks for one), rules with no closing staff and no
  meeting unless a test turns them on;
- rosters written one row of text per agent, one token a day (see :meth:`Kit.cells`);
- the *model face* of a fixed roster: whether the CP-SAT model accepts it, and what each soft rule's
  penalty terms cost for it, so a test can hold the model face against the check face.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import replace
from datetime import date, datetime, timedelta
from typing import Any

import pandas as pd
import pytest
from hypothesis import strategies as st
from ortools.sat.python import cp_model

from solver.context import ModelContext, allowed_shifts, break_starts, build_context
from solver.problem import ANY_QUEUE, AgentTerms, RosterProblem, ShiftCover, WeekLimits
from solver.rules import REGISTRY, PenaltyTerm, Rule
from solver.solve import post_rules
from wfm.domain import (
    Agent,
    BreakWindow,
    CellKind,
    Contract,
    LeaveType,
    MeetingRule,
    PlanningHorizon,
    Requirement,
    Roster,
    RosterCell,
    RosterRules,
    ShiftRequest,
    ShiftTemplate,
)

MONDAY = date(2025, 6, 16)
"""Monday of the week of 618: the tests' horizons start here unless they need a weekend first."""

NAMES = {"A": "Ann", "B": "Bo", "C": "Cy", "D": "Di", "E": "Ed"}
ALIASES = {"E": "early", "L": "late", "M": "mid"}
QUIET_RULES = RosterRules(min_closing_staff=0, meeting=None)
"""The default rules less closing staff and the meeting, so a test meets only the rule it is about."""


class Kit:
    """Builders and model-face probes; one instance per test session."""

    monday = MONDAY
    names = NAMES

    # --- domain values ----------------------------------------------------------------------------------

    @staticmethod
    def day(offset: int, start: date = MONDAY) -> date:
        return start + timedelta(days=offset)

    @staticmethod
    def shift(code: str, start: str, end: str, **fields: Any) -> ShiftTemplate:
        fields.setdefault("unpaid_break_minutes", 0)
        return ShiftTemplate.from_clock(code, start, end, **fields)

    def early(self, **fields: Any) -> ShiftTemplate:
        return self.shift("early", "08:30", "17:30", **fields)

    def late(self, **fields: Any) -> ShiftTemplate:
        return self.shift("late", "15:00", "24:00", **fields)

    @staticmethod
    def agent(agent_id: str, *, skills: Iterable[str] = ("chat",), part_time: bool = False) -> Agent:
        return Agent(
            id=agent_id,
            name=NAMES.get(agent_id, agent_id),
            group="g1",
            skills=frozenset(skills),
            contract=Contract(
                days_per_week=5, hours_per_week=20.0 if part_time else 40.0, part_time=part_time
            ),
        )

    @staticmethod
    def requirement(rows: Sequence[tuple[str, datetime, int]], interval_minutes: int = 60) -> Requirement:
        """Agents needed per (queue, interval start); intervals not listed are not judged."""
        return Requirement(
            frame=pd.DataFrame(
                {
                    "queue": [queue for queue, _, _ in rows],
                    "interval_start": pd.to_datetime([start for _, start, _ in rows]),
                    "agents": [agents for _, _, agents in rows],
                }
            ),
            interval_minutes=interval_minutes,
        )

    def problem(
        self,
        agents: str | Sequence[Agent] = "AB",
        *,
        days: int = 3,
        start: date = MONDAY,
        shifts: Sequence[ShiftTemplate] | None = None,
        rules: RosterRules = QUIET_RULES,
        terms: Mapping[str, AgentTerms] | None = None,
        **fields: Any,
    ) -> RosterProblem:
        """A tiny problem: ``agents`` as ids (``"AB"``) or Agent values; early and late by default."""
        team = tuple(self.agent(a) for a in agents) if isinstance(agents, str) else tuple(agents)
        return RosterProblem(
            horizon=PlanningHorizon(start=start, days=days),
            agents=team,
            shifts=tuple(shifts) if shifts is not None else (self.early(), self.late()),
            rules=rules,
            terms=dict(terms or {}),
            **fields,
        )

    # --- rosters ----------------------------------------------------------------------------------------

    def cells(
        self, problem: RosterProblem, rows: Mapping[str, str], *, start: date | None = None
    ) -> tuple[RosterCell, ...]:
        """Cells from one text row per agent, one whitespace-separated token a day from ``start``.

        Tokens: ``-`` rest, ``~`` annual leave, a shift code or its alias (``E`` early, ``L`` late,
        ``M`` mid), optionally ``@queue`` and ``#break_start`` (minutes after midnight); ``E+L`` puts two
        cells on one day. Agents of the problem without a row rest throughout.
        """
        first = start or problem.horizon.start
        found: list[RosterCell] = []
        for agent in problem.agents:
            row = rows.get(agent.id)
            tokens = row.split() if row is not None else ["-"] * problem.horizon.days
            for offset, token in enumerate(tokens):
                day = first + timedelta(days=offset)
                for part in token.split("+"):
                    found.append(self._cell(problem, agent, day, part))
        unknown = set(rows) - {a.id for a in problem.agents}
        assert not unknown, f"rows for agents not in the problem: {sorted(unknown)}"
        return tuple(found)

    @staticmethod
    def _cell(problem: RosterProblem, agent: Agent, day: date, token: str) -> RosterCell:
        if token == "-":
            return RosterCell.rest(agent.id, day)
        if token == "~":
            return RosterCell.leave(agent.id, day, LeaveType.ANNUAL)
        brk: int | None = None
        if "#" in token:
            token, break_text = token.split("#")
            brk = int(break_text)
        if "@" in token:
            token, queue = token.split("@")
        elif problem.queues == (ANY_QUEUE,):
            queue = ANY_QUEUE
        else:
            queue = next((q for q in problem.queues if q in agent.skills), problem.queues[0])
        return RosterCell.working(agent.id, day, ALIASES.get(token, token), queue, brk)

    # --- the model face of a fixed roster ---------------------------------------------------------------

    def model_accepts(
        self,
        problem: RosterProblem,
        cells: Sequence[RosterCell],
        *,
        rules: Callable[[Rule], bool] | None = None,
        explain: bool = False,
    ) -> bool:
        """Whether the CP-SAT model, with the roster's cells fixed, has a solution.

        ``rules`` picks which registered rules post their model face (all applicable ones by default).
        ``explain=True`` builds the model as the explanation does (leave days keep their options, every
        hard rule instance behind an assumption literal), with every literal forced on, so a rule
        that is otherwise a missing option becomes a constraint of its own that can be left out.
        """
        ctx = build_context(problem, explain=explain)
        _post(ctx, rules)
        if explain:
            for index in ctx.assumptions:
                ctx.model.add(ctx.model.get_bool_var_from_proto_index(index) == 1)
        _fix(ctx, cells)
        status = _solver().solve(ctx.model)
        assert status in (cp_model.OPTIMAL, cp_model.FEASIBLE, cp_model.INFEASIBLE), status
        return status != cp_model.INFEASIBLE

    def model_cost(self, problem: RosterProblem, cells: Sequence[RosterCell]) -> dict[str, int]:
        """What every soft rule's penalty terms cost with the roster fixed (model face), by rule.

        The terms are minimised over the auxiliary variables the rules add (shortage, surplus, spread,
        changes), which is exactly what the solver does for the roster it keeps. Only the soft rules
        are posted: with every cell fixed, the hard rules cannot change what the soft terms cost.
        """
        ctx = build_context(problem)
        terms = _post(ctx, lambda unit: not unit.hard)
        _fix(ctx, cells)
        ctx.model.minimize(sum((term.weight * term.expr for term in terms), 0))
        solver = _solver()
        status = solver.solve(ctx.model)
        assert status == cp_model.OPTIMAL, (
            f"fixed roster not accepted by the model ({solver.status_name(status)})"
        )
        cost: dict[str, int] = defaultdict(int)
        for term in terms:
            cost[term.rule] += term.weight * int(solver.value(term.expr))
        return {rule: value for rule, value in cost.items() if value}

    # --- random instances (hypothesis) -----------------------------------------------------------------

    def problems(self, days: tuple[int, int] = (3, 7)) -> st.SearchStrategy[RosterProblem]:
        """Small random problems: 2-5 agents, 3-7 days (or ``days``), 1-3 templates, contract terms
        that are not too tight, some leave, unavailability, requests, cover, pins, history and a
        previous roster."""
        return _problems(self, days)

    def rosters(self, problem: RosterProblem) -> st.SearchStrategy[tuple[RosterCell, ...]]:
        """Random rosters a scheduler could type for ``problem``: a cell per agent and day (rest or
        any template on any queue, leave on approved leave days), sometimes a second cell."""
        return _rosters(problem)


POOL = {
    "early": ("08:30", "17:30"),
    "late": ("15:00", "24:00"),
    "mid": ("11:00", "20:00"),
}


@st.composite
def _problems(draw: st.DrawFn, kit: Kit, day_range: tuple[int, int] = (3, 7)) -> RosterProblem:
    days = draw(st.integers(*day_range), label="days")
    start = MONDAY + timedelta(days=draw(st.integers(0, 6), label="start weekday"))
    horizon = PlanningHorizon(start=start, days=days)
    codes = draw(st.lists(st.sampled_from(sorted(POOL)), min_size=1, max_size=3, unique=True), label="shifts")
    cover_kind = draw(st.sampled_from(["none", "shift", "interval"]), label="cover")
    with_break = cover_kind == "interval" and draw(st.booleans(), label="break")
    shifts = []
    for code in codes:
        begin, end = POOL[code]
        template = kit.shift(code, begin, end)
        if with_break and code == codes[0]:
            window = BreakWindow(earliest_start=template.start + 180, latest_start=template.start + 300)
            template = kit.shift(code, begin, end, unpaid_break_minutes=60, break_window=window)
        shifts.append(template)
    queues: tuple[str, ...] = (
        ("chat", "phone") if cover_kind == "interval" or draw(st.booleans(), label="queues") else (ANY_QUEUE,)
    )
    n_agents = draw(st.integers(2, 5), label="agents")
    agents = []
    for index in range(n_agents):
        skills = (
            draw(st.sampled_from([("chat",), ("phone",), ("chat", "phone")]), label="skills")
            if queues != (ANY_QUEUE,)
            else ("chat",)
        )
        agents.append(kit.agent("ABCDE"[index], skills=skills))
    if draw(st.booleans(), label="part-timer") and n_agents > 2:
        agents[-1] = kit.agent(agents[-1].id, skills=agents[-1].skills, part_time=True)
        shifts.append(kit.shift("pt", "19:00", "23:00", part_time=True))
    rules = RosterRules(
        rest_days_per_week=draw(st.integers(1, 2), label="rest days"),
        max_consecutive_working_days=draw(st.integers(3, 6), label="max consecutive"),
        min_rest_hours=draw(st.sampled_from([0.0, 8.5, 11.0]), label="min rest"),
        min_closing_staff=draw(st.integers(0, 2), label="closing staff"),
        meeting=draw(st.sampled_from([None, MeetingRule()]), label="meeting"),
    )
    terms: dict[str, AgentTerms] = {}
    week_of_start = start - timedelta(days=start.weekday())
    for agent in agents:
        if not draw(st.booleans(), label="terms"):
            continue
        terms[agent.id] = AgentTerms(
            min_days=draw(st.sampled_from([None, 0, 1, 2]), label="min days"),
            max_days=draw(st.sampled_from([None, days - 2, days - 1, days]), label="max days"),
            min_minutes=draw(st.sampled_from([None, 0, 300]), label="min minutes"),
            max_minutes=draw(st.sampled_from([None, 540 * (days - 1), 540 * days]), label="max minutes"),
            max_shifts=draw(
                st.dictionaries(st.sampled_from(codes), st.integers(1, days), max_size=1), label="max shifts"
            ),
            max_weekends=draw(st.sampled_from([None, 1, 2]), label="max weekends"),
            min_consecutive_days=draw(st.sampled_from([None, None, 2]), label="min run"),
            min_consecutive_days_off=draw(st.sampled_from([None, None, 2]), label="min run off"),
            max_consecutive_days=draw(st.sampled_from([None, 3, 5]), label="agent max consecutive"),
            weeks=draw(
                st.sampled_from(
                    [
                        {},
                        {week_of_start: WeekLimits(max_days=3)},
                        {week_of_start: WeekLimits(min_minutes=540, max_minutes=3 * 540)},
                    ]
                ),
                label="weekly limits",
            ),
        )
    agent_days = [(a.id, d) for a in agents for d in horizon.dates]
    leave_keys = draw(st.lists(st.sampled_from(agent_days), max_size=3, unique=True), label="leave")
    leave = {key: draw(st.sampled_from(list(LeaveType)), label="leave type") for key in leave_keys}
    unavailable = frozenset(draw(st.lists(st.sampled_from(agent_days), max_size=2), label="unavailable"))
    requests = tuple(
        ShiftRequest(
            agent_id=agent_id,
            day=day,
            shift=draw(st.sampled_from([None, *codes]), label="request shift"),
            wanted=draw(st.booleans(), label="wanted"),
            weight=draw(st.integers(1, 3), label="request weight"),
        )
        for agent_id, day in draw(st.lists(st.sampled_from(agent_days), max_size=4), label="requests")
    )
    shift_cover: tuple[ShiftCover, ...] = ()
    interval_cover = None
    if cover_kind == "shift":
        shift_cover = tuple(
            ShiftCover(
                day=day,
                shift=code,
                required=draw(st.integers(0, 2), label="required"),
                under_weight=draw(st.sampled_from([0, 1, 100]), label="under"),
                over_weight=draw(st.sampled_from([0, 1, 5]), label="over"),
            )
            for day in horizon.dates
            for code in codes
        )
    elif cover_kind == "interval":
        hours = draw(st.lists(st.integers(8, 23), min_size=1, max_size=4, unique=True), label="hours")
        rows = [
            (queue, datetime.combine(day, datetime.min.time()) + timedelta(hours=hour), need)
            for day in horizon.dates
            for queue in queues
            for hour in hours
            if (need := draw(st.integers(0, 2), label="agents needed"))
            or draw(st.booleans(), label="zero row")
        ]
        interval_cover = kit.requirement(rows)
    problem = RosterProblem(
        horizon=horizon,
        agents=tuple(agents),
        shifts=tuple(shifts),
        rules=rules,
        terms=terms,
        queues=queues,
        unavailable=unavailable,
        leave=leave,
        requests=requests,
        interval_cover=interval_cover,
        shift_cover=shift_cover,
        closing_minute=(1440,) * 7,
    )
    history_days = draw(st.integers(0, 2), label="history days")
    history = tuple(
        _random_cell(draw, problem, agent, start - timedelta(days=back), on_leave=False)
        for agent in agents
        for back in range(history_days, 0, -1)
    )
    pinned = tuple(
        _random_cell(draw, problem, problem.agent(agent_id), day, on_leave=False, allowed_only=True)
        for agent_id, day in draw(
            st.lists(st.sampled_from([k for k in agent_days if k not in leave]), max_size=2, unique=True),
            label="pins",
        )
    )
    previous = None
    if draw(st.booleans(), label="previous roster"):
        # an earlier roster the model can reproduce: allowed templates on skilled queues, nobody working
        # what are now their leave or unavailable days (a change forced otherwise is costed by the check
        # face only: see the stability xfail in the rule tests)
        earlier = draw(_rosters(problem, duplicates=False, allowed_only=True), label="previous")
        blocked = set(leave) | unavailable
        previous = Roster(
            horizon=horizon,
            cells=tuple(
                RosterCell.rest(c.agent_id, c.day)
                if (c.agent_id, c.day) in blocked and c.kind is CellKind.SHIFT
                else c
                for c in earlier
            ),
        )
    return replace(problem, history=history, pinned=pinned, previous=previous)


def _random_cell(
    draw: st.DrawFn,
    problem: RosterProblem,
    agent: Agent,
    day: date,
    *,
    on_leave: bool,
    allowed_only: bool = False,
) -> RosterCell:
    """Rest (or leave on a leave day) or a shift; when ``allowed_only``, only templates the agent may
    work on queues they are skilled for (as a scheduler's pin would be)."""
    if not draw(st.booleans(), label="works"):
        if on_leave:
            return RosterCell.leave(agent.id, day, problem.leave[(agent.id, day)])
        return RosterCell.rest(agent.id, day)
    templates = allowed_shifts(problem, agent) if allowed_only else list(problem.shifts)
    if not templates:
        return RosterCell.rest(agent.id, day)
    template = draw(st.sampled_from(templates), label="template")
    queues = problem.skills(agent) if allowed_only else problem.queues
    queue = draw(st.sampled_from(list(queues) or list(problem.queues)), label="queue")
    starts = break_starts(template, problem.interval_cover is not None)
    brk = draw(st.sampled_from(starts), label="break") if template.unpaid_break_minutes else None
    return RosterCell.working(agent.id, day, template.code, queue, brk)


@st.composite
def _rosters(
    draw: st.DrawFn, problem: RosterProblem, duplicates: bool = True, allowed_only: bool = False
) -> tuple[RosterCell, ...]:
    cells = []
    for agent in problem.agents:
        for day in problem.days:
            on_leave = (agent.id, day) in problem.leave
            cells.append(
                _random_cell(draw, problem, agent, day, on_leave=on_leave, allowed_only=allowed_only)
            )
    if duplicates and draw(st.integers(0, 9), label="second cell") == 0:
        # a second, contradicting cell (a roster file could hold one): a shift against a rest day or leave
        extra = draw(st.sampled_from(cells), label="doubled")
        agent = problem.agent(extra.agent_id)
        if extra.kind is CellKind.SHIFT:
            cells.append(RosterCell.rest(agent.id, extra.day))
        else:
            template = draw(st.sampled_from(problem.shifts), label="template")
            cells.append(RosterCell.working(agent.id, extra.day, template.code, problem.queues[0]))
    return tuple(cells)


def _post(ctx: ModelContext, keep: Callable[[Rule], bool] | None) -> list[PenaltyTerm]:
    """Every applicable rule's model face as the solver posts it, or only the rules ``keep`` picks."""
    if keep is None:
        return post_rules(ctx)
    terms: list[PenaltyTerm] = []
    for unit in REGISTRY:
        if unit.applies(ctx.problem) and (keep is None or keep(unit)):
            terms += unit.add_to(ctx)
    return terms


def _fix(ctx: ModelContext, cells: Sequence[RosterCell]) -> None:
    """Pin the model's decisions to the roster: each agent-day's shift Booleans, and each shift group's
    placement counts to how many of its members' cells have that queue (and break start, where a cell
    gives one). A working cell the model cannot express (an unskilled queue, a template the agent may
    not work, a day of leave outside explain mode) makes the model infeasible: that is how such rules
    speak in the model."""
    model = ctx.model
    by_key: dict[tuple[str, date], list[RosterCell]] = defaultdict(list)
    for cell in cells:
        by_key[(cell.agent_id, cell.day)].append(cell)
    for key, shifts in ctx.shifts.items():
        working = {c.shift for c in by_key.get(key, []) if c.kind is CellKind.SHIFT}
        for code, var in shifts.items():
            model.add(var == int(code in working))
    for key, here in by_key.items():
        if key[1] not in ctx.problem.horizon:
            continue
        for cell in here:
            if cell.kind is not CellKind.SHIFT:
                works = ctx.works.get(key, 0)
                if not isinstance(works, int):
                    model.add(works == 0)
            elif str(cell.shift) not in ctx.shifts.get(key, {}):
                model.add_bool_or([])  # no decision for this cell: the model cannot roster it
    for group in ctx.groups:
        mine = [
            c
            for member in group.members
            for c in by_key.get((member, group.day), [])
            if c.kind is CellKind.SHIFT and c.shift == group.shift
        ]
        if any(c.queue not in group.queues for c in mine):
            model.add_bool_or([])  # a queue the agent is not skilled for
        for queue in group.queues:
            on_queue = [c for c in mine if c.queue == queue]
            placed = [p for p in group.placements if p.queue == queue]
            model.add(sum((p.count for p in placed), 0) == len(on_queue))
            for placement in placed:
                given = sum(1 for c in on_queue if c.break_start == placement.break_start)
                if len(placed) > 1 and given:
                    model.add(placement.count >= given)


def _solver() -> cp_model.CpSolver:
    solver = cp_model.CpSolver()
    solver.parameters.max_time_in_seconds = 10.0
    solver.parameters.num_workers = 1
    solver.parameters.random_seed = 0
    return solver


@pytest.fixture(scope="session")
def kit() -> Kit:
    return Kit()
