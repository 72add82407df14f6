"""The wire format: what clients send (``...Create`` / ``...Update``) and receive (``...Public``).

Request bodies for site reference data are the domain types themselves (``wfm.domain.Agent``, ``Queue``,
``ShiftTemplate``, ``RosterRules``): they are already the validated, documented shape a scheduler
writes in ``site.json``. Tables never go over the wire; ``api.mapping`` builds these from them.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from api.tables import JobState, Role, RosterState, SwapState
from wfm.domain import Agent, CellKind, LeaveRequest, Queue, RosterRules, ShiftTemplate, Site
from wfm.domain.leave import ApprovalStep, LeaveType
from wfm.domain.opening_hours import OpeningHours
from wfm.domain.staffing_policy import StaffingPolicy
from wfm.domain.swaps import SwapKind, Tier

MAX_ID = 2_147_483_647
DbId = Annotated[int, Field(ge=1, le=MAX_ID)]
"""A stored object's id (what every database here can hold)."""


class WireModel(BaseModel):
    model_config = ConfigDict(extra="forbid")


class Token(WireModel):
    access_token: str
    token_type: str = "bearer"


class UserCreate(WireModel):
    username: str = Field(min_length=2, max_length=80, pattern=r"^[A-Za-z0-9_.@-]+$")
    full_name: str = Field(default="", max_length=120)
    role: Role
    password: str = Field(min_length=8, max_length=128)
    team_id: DbId | None = None
    agent_code: str | None = Field(default=None, max_length=40)


class UserUpdate(WireModel):
    """A manager's change to a user; fields left out stay as they are."""

    full_name: str | None = Field(default=None, max_length=120)
    role: Role | None = None
    active: bool | None = Field(default=None, description="False signs the user out and refuses sign-in.")
    team_id: DbId | None = None
    agent_code: str | None = Field(default=None, max_length=40)
    password: str | None = Field(
        default=None, min_length=8, max_length=128, description="A new password; signs out every token."
    )


class PasswordChange(WireModel):
    current_password: str = Field(max_length=128)
    new_password: str = Field(min_length=8, max_length=128)


class UserPublic(WireModel):
    id: int
    username: str
    full_name: str
    role: Role
    team_id: int | None
    agent_code: str | None
    active: bool


class TeamSample(WireModel):
    """Create a team from the bundled sample centre (82 agents, four queues, its leave)."""

    name: str = Field(default="Sample centre", min_length=1, max_length=80)


class TeamUpdate(WireModel):
    name: str | None = Field(default=None, min_length=1, max_length=80)
    timezone: str | None = None
    opening_hours: OpeningHours | None = None
    interval_minutes: int | None = None
    staffing: StaffingPolicy | None = None


class TeamPublic(WireModel):
    id: int
    name: str
    timezone: str
    interval_minutes: int
    revision: int
    queues: int
    shift_templates: int
    agents: int
    created_at: datetime
    updated_at: datetime


class TeamSite(WireModel):
    """The whole site a team is rostered against, exactly as ``wfm.domain.Site``."""

    id: int
    revision: int
    site: Site


MAX_WEIGHT = 100_000
"""The largest integer weight: small enough that the objective's sum stays far inside CP-SAT's range."""


class Weights(WireModel):
    """What each soft rule costs (``solver.SoftWeights``). The defaults are the solver's own; a weight of
    0 switches its rule off. Coverage costs are per agent-minute short or over the requirement."""

    short_minute: int = Field(
        default=10, ge=0, le=MAX_WEIGHT, description="Each agent-minute short, while shallow."
    )
    deep_short_minute: int = Field(
        default=30, ge=0, le=MAX_WEIGHT, description="Each agent-minute short beyond the shallow share."
    )
    shallow_share: float = Field(
        default=0.2,
        ge=0.0,
        le=1.0,
        description="The share of an interval's requirement whose shortage counts as shallow.",
    )
    surplus_minute: int = Field(
        default=1, ge=0, le=MAX_WEIGHT, description="Each agent-minute over the requirement."
    )
    paid_minute: int = Field(
        default=1, ge=0, le=MAX_WEIGHT, description="Each paid minute (fewer hours, same service)."
    )
    fairness_late: int = Field(
        default=300,
        ge=0,
        le=MAX_WEIGHT,
        description="Each closing shift between the most and the fewest of comparable agents.",
    )
    fairness_weekend: int = Field(
        default=300,
        ge=0,
        le=MAX_WEIGHT,
        description="Each weekend day worked between the most and the fewest of comparable agents.",
    )
    request_unit: int = Field(
        default=100,
        ge=0,
        le=MAX_WEIGHT,
        description="A missed preference, times the preference's own weight.",
    )
    stability_change: int = Field(
        default=500,
        ge=0,
        le=MAX_WEIGHT,
        description="Each cell changed from the previous roster when re-solving.",
    )
    zigzag: int = Field(
        default=50, ge=0, le=MAX_WEIGHT, description="Each change of shift between consecutive working days."
    )


class RuleSetBase(WireModel):
    name: str = Field(min_length=1, max_length=80, description="Unique within the team.")
    description: str = Field(default="", max_length=1000)


class RuleSetCreate(RuleSetBase):
    rules: RosterRules | None = Field(default=None, description="The team's rules in force when absent.")
    weights: Weights | None = Field(default=None, description="The team's weights in force when absent.")


class RuleSetUpdate(WireModel):
    """Rename a rule set, or replace its description, rules or weights (what is absent is kept)."""

    name: str | None = Field(default=None, min_length=1, max_length=80)
    description: str | None = Field(default=None, max_length=1000)
    rules: RosterRules | None = None
    weights: Weights | None = None


class RuleSetPublic(RuleSetBase):
    id: int
    team_id: int
    rules: RosterRules
    weights: Weights
    created_at: datetime
    updated_at: datetime


class AgentPublic(Agent):
    team_id: int


class QueuePublic(Queue):
    team_id: int


class ShiftTemplatePublic(ShiftTemplate):
    team_id: int


class LeavePublic(LeaveRequest):
    id: int
    team_id: int
    awaiting: ApprovalStep | None = Field(
        default=None, description="The step whose decision is awaited (None once decided)."
    )
    missing_paperwork: list[str] = Field(
        default_factory=list, description="What must be handed in before the leave can be approved."
    )


class LeaveCreate(WireModel):
    """Leave asked for by the signed-in agent, or reported for an agent by a scheduler or manager."""

    agent_id: str | None = Field(
        default=None,
        max_length=40,
        description="The agent on leave: the signed-in agent when left out (a scheduler or manager names "
        "one).",
    )
    leave_type: LeaveType
    first_day: date
    last_day: date
    medical_certificate: bool = Field(
        default=False, description="A medical certificate is handed in with it."
    )
    written_request: bool = Field(
        default=False,
        description="A written request is handed in with it (implied unless reported by phone).",
    )
    by_phone: bool = Field(default=False, description="Reported by phone (sick leave only).")
    note: str = Field(default="", max_length=500)


class LeaveDecisionCreate(WireModel):
    step: ApprovalStep | None = Field(
        default=None, description="The step decided; left out, the step of the signed-in user's role."
    )
    approve: bool
    comment: str = Field(default="", max_length=500, description="Why, when the leave is denied.")


class LeavePaperwork(WireModel):
    """Paperwork handed in after the leave was filed (emergency sick leave reported by phone)."""

    medical_certificate: bool = False
    written_request: bool = False


class Problem(WireModel):
    message: str
    row: int | None = None
    column: str | None = None
    field: str | None = None


class HistoryPublic(WireModel):
    id: int
    team_id: int
    filename: str
    rows: int
    first_interval: datetime
    last_interval: datetime
    interval_minutes: int
    queues: list[str]
    created_at: datetime


class ForecastCreate(WireModel):
    start: date
    days: int = Field(default=7, ge=1, le=35)
    history_id: DbId | None = Field(default=None, description="Latest upload of the team when absent.")
    model: str = Field(
        default="default",
        max_length=40,
        description="'default' (per queue, the model with the lowest backtest error), or one model by name, "
        "e.g. prophet, seasonal_mean, last_week.",
    )
    seed: int = Field(default=0, ge=0)


class ForecastPublic(WireModel):
    id: int
    team_id: int
    history_id: int
    start: date
    days: int
    models: list[dict[str, Any]]
    created_at: datetime


class IntervalRow(WireModel):
    model_config = ConfigDict(extra="allow")

    queue: str
    interval_start: datetime


class RequirementCreate(WireModel):
    forecast_id: DbId


class RequirementPublic(WireModel):
    id: int
    team_id: int
    forecast_id: int | None
    start: date
    days: int
    agent_hours: float
    created_at: datetime


class SolveCreate(WireModel):
    requirement_id: DbId
    time_limit_s: float | None = Field(default=None, gt=0, le=600)
    seed: int = Field(default=0, ge=0)


class ResolveCreate(WireModel):
    """Re-solve a published roster's horizon from ``from_day`` on, changing as few cells as possible."""

    from_day: date | None = Field(
        default=None,
        description="The first day that may change (default: today or the horizon's start, whichever is "
        "later); every cell before it is kept.",
    )
    time_limit_s: float | None = Field(default=None, gt=0, le=600)
    seed: int = Field(default=0, ge=0)
    stability_weight: int | None = Field(
        default=None,
        ge=0,
        le=1_000_000,
        description="What changing one cell of the published roster costs (default: the larger of the "
        "team's stability weight and 5000).",
    )


class JobPublic(WireModel):
    id: str
    kind: str
    team_id: int
    state: JobState
    progress: float
    params: dict[str, Any]
    result: dict[str, Any] | None
    error: dict[str, Any] | None
    created_at: datetime
    started_at: datetime | None
    finished_at: datetime | None


class Cell(WireModel):
    """What one agent does on one day (as ``wfm.domain.RosterCell``; break start in minutes from midnight)."""

    agent_id: str
    day: date
    kind: CellKind
    shift: str | None = None
    queue: str | None = None
    leave_type: LeaveType | None = None
    break_start: int | None = None


class RosterPublic(WireModel):
    id: int
    team_id: int
    number: int
    state: RosterState
    start: date
    days: int
    requirement_id: int | None
    parent_id: int | None
    note: str
    solve: dict[str, Any] | None
    violations: list[str]
    created_at: datetime
    published_at: datetime | None


class RosterDetail(RosterPublic):
    cells: list[Cell]
    kpis: dict[str, Any] | None = Field(
        default=None, description="With ?kpis=true: coverage, service, hours, fairness."
    )


class CellChange(WireModel):
    agent_id: str
    day: date
    before: Cell | None
    after: Cell | None


class RosterChanges(WireModel):
    """The agent-days a version changes from its parent (a break moved within the same shift is not
    listed)."""

    roster_id: int
    parent_id: int
    agents: int = Field(description="Agents with at least one changed day.")
    changes: list[CellChange]


class GridRow(WireModel):
    agent_id: str
    name: str
    cells: list[str] = Field(description="One entry per day: 'early@hotline', 'rest', 'leave:annual', or ''.")


class RosterGrid(WireModel):
    roster_id: int
    days: list[date]
    rows: list[GridRow]


class CellEdit(WireModel):
    kind: CellKind
    shift: str | None = None
    queue: str | None = None
    leave_type: LeaveType | None = None
    break_start: int | None = Field(default=None, ge=0, le=2880)
    override_reason: str | None = Field(
        default=None,
        min_length=3,
        max_length=1000,
        description="Apply despite broken rules, for this reason.",
    )


class EditOutcome(WireModel):
    roster: RosterPublic
    applied: bool
    violations: list[str]


class AuditPublic(WireModel):
    id: int
    at: datetime
    user_id: int | None
    username: str
    action: str
    entity: str
    entity_id: str
    team_id: int | None
    detail: dict[str, Any]
    reason: str


class ErrorBody(WireModel):
    """Every error answer: what went wrong, and where (field, row, column) or which rules broke."""

    detail: str
    problems: list[Problem] = []
    violations: list[str] = []


ERRORS: dict[int | str, dict[str, Any]] = {
    400: {"model": ErrorBody, "description": "The body cannot be parsed (not JSON, or a broken form)"},
    401: {"model": ErrorBody, "description": "Not signed in, or the token is invalid or expired"},
    403: {"model": ErrorBody, "description": "The user's role or team does not allow this"},
    404: {"model": ErrorBody, "description": "No such object"},
    409: {"model": ErrorBody, "description": "Conflicts with saved data or breaks a hard rule"},
    422: {"model": ErrorBody, "description": "Bad input: each problem names its field, row or column"},
}


# --- swaps ------------------------------------------------------------------------------------------------


class SwapCreate(WireModel):
    """A swap the signed-in agent asks of a colleague (``requester`` defaults to the signed-in agent;
    a scheduler or manager may file for any agent of the team)."""

    kind: SwapKind
    partner: str = Field(min_length=1, max_length=40, description="The colleague's agent code.")
    day: date
    other_day: date | None = Field(default=None, description="The second day of a rest-day exchange.")
    requester: str | None = Field(default=None, max_length=40)
    note: str = Field(default="", max_length=500)


class IntervalChangePublic(WireModel):
    queue: str
    start: datetime
    required: float
    before: float
    after: float
    shorter: bool = Field(description="Fewer agents than before and than the requirement.")
    service_before: float | None = Field(
        default=None, description="Projected service level before (share within target; not for e-mail)."
    )
    service_after: float | None = Field(default=None, description="Projected service level after.")


class SwapCheckPublic(WireModel):
    """The verdict: ``pass`` (every rule holds, no interval loses cover), ``warning`` (the manager
    decides; see ``cover``), ``error`` (refused; ``reasons`` names each broken rule)."""

    tier: Tier
    reasons: list[str]
    roster_id: int | None
    cells: list[Cell] = Field(description="The changed agent-days after the swap.")
    cost_change: dict[str, int] = Field(description="Soft rules' cost change (negative is better).")
    cover: list[IntervalChangePublic] = Field(description="Every queue-interval whose cover changes.")


class SwapPublic(WireModel):
    id: int
    team_id: int
    roster_id: int
    kind: SwapKind
    requester: str
    partner: str
    day: date
    other_day: date | None
    state: SwapState
    tier: Tier
    verdict: SwapCheckPublic
    note: str
    comment: str
    applied_roster_id: int | None
    created_at: datetime
    updated_at: datetime


class SwapDecision(WireModel):
    comment: str = Field(default="", max_length=1000)


class PartnerPublic(WireModel):
    partner: str
    name: str
    kind: SwapKind
    cost_change: dict[str, int]


class SwapPolicy(WireModel):
    lead_days: int = Field(ge=0, le=60, description="Swaps are agreed at least this many days ahead.")
    auto_approve: bool = Field(description="Apply a swap that passes every check once the partner accepts.")


class PinPublic(WireModel):
    id: int
    team_id: int
    agent_code: str
    day: date
    cell: Cell
    source: str
    released_at: datetime | None


class NoticePublic(WireModel):
    id: int
    text: str
    swap_id: int | None
    leave_id: int | None = None
    created_at: datetime
    read_at: datetime | None


class ScenarioCreate(WireModel):
    """A what-if on a team's baseline: the requirement (forecast volume and staffing) it starts from,
    the roster it evaluates (optional: without one only re-solving is possible), and the overrides,
    written as in a scenario file (`volume`, `queues`, `staffing`, `team`, `shifts`, `rules`)."""

    requirement_id: int = Field(
        ge=1, description="The baseline's staffing plan (its volume is the forecast)."
    )
    roster_id: int | None = Field(
        default=None, ge=1, description="The baseline roster to evaluate; none: re-solving only."
    )
    scenario: dict[str, Any] = Field(
        description="`name`, `description` and the overrides, as one scenario of a scenario file; "
        "`based_on` names a stored scenario of the team whose overrides this one starts from."
    )


class ScenarioRunCreate(WireModel):
    mode: Literal["evaluate", "resolve"] = Field(
        default="resolve",
        description="evaluate: the baseline roster against the changed demand; resolve: a new roster.",
    )
    time_limit_s: float | None = Field(
        default=None, gt=0, le=600, description="The server's default when absent."
    )
    seed: int = Field(default=0, ge=0)


class ScenarioRunPublic(WireModel):
    id: int
    scenario_id: int
    team_id: int
    mode: str
    label: str
    status: str
    start: date
    days: int
    has_roster: bool
    summary: dict[str, Any]
    created_at: datetime


class ScenarioRunDetail(ScenarioRunPublic):
    result: dict[str, Any] = Field(
        description="Summary, per-queue KPIs, notes, rule violations, soft costs"
        " and (unless left out) the per-interval figures."
    )


class ScenarioPublic(WireModel):
    id: int
    team_id: int
    name: str
    description: str
    overrides: list[str] = Field(description="What the scenario changes, in words.")
    definition: dict[str, Any]
    requirement_id: int
    roster_id: int | None
    created_at: datetime
    runs: list[ScenarioRunPublic] = []
