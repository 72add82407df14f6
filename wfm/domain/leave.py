"""Leave: days an agent is away, asked for ahead (personal, annual) or reported (sick).

The manuals' leave rules (DOMAIN.md rule 8), as pure functions over frozen values:

- :func:`file_leave` records who asked and when, refusing personal leave asked for by someone else, by
  phone, or less than one day ahead; only sick leave may be reported by phone, with no notice;
- :func:`approval_steps` is the chain a request goes through: the department manager alone for leave
  under three days, else the department manager, HR and the general manager, in that order;
- :func:`decide` records one step's decision and returns the updated request: a step cannot decide
  before the one ahead of it, any denial ends the request as denied, and it is approved only once the
  last step approves. Approving is refused while paperwork is missing (:func:`missing_paperwork`): a
  medical certificate for sick leave of two days or more, the written request for leave of three days
  or more that was reported by phone; :func:`complete_paperwork` records it when it is handed in.

How rule 8 is read here:

- Days are calendar days, first to last inclusive (a rest day inside the leave counts).
- "Three days or more needs a written request approved in order by the department manager, HR and the
  general manager" applies to every leave type, sick leave included. Emergency sick leave may be
  *reported* by phone with no notice, but its "paperwork completed afterwards" is the written request
  and the medical certificate: it is filed at once and approved only when they are in.
- "Only in person" is about personal leave alone: the agent asks themself and not by phone. Sick leave
  may be reported by someone else (a relative, the supervisor); annual leave has no notice rule in the
  manuals, so none is invented, but only sick leave may be reported by phone.
- The product knows people by id only; whether ``by`` really holds the step's role (HR, say) is for
  the caller (the API) to check. An agent never decides their own leave, and a denial says why.
- Leave whose ``status`` was set directly (imported, the sample centre) is taken as recorded: the
  chain applies to requests decided through :func:`decide`.
"""

from __future__ import annotations

from datetime import date, timedelta
from enum import StrEnum
from typing import Annotated, Any

from pydantic import Field, StringConstraints, ValidationError, model_validator

from wfm.domain._base import DomainModel
from wfm.domain.agents import AgentId
from wfm.domain.parsing import problems_from
from wfm.errors import InputError, Problem

PersonId = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=64)]
"""Who files or decides: an agent's id, or a user's id for HR, a manager or a relative on the phone."""


class LeaveType(StrEnum):
    PERSONAL = "personal"
    SICK = "sick"
    ANNUAL = "annual"


class LeaveStatus(StrEnum):
    REQUESTED = "requested"
    APPROVED = "approved"
    DENIED = "denied"


class ApprovalStep(StrEnum):
    """Who approves leave, in the order the manuals give."""

    DEPARTMENT_MANAGER = "department_manager"
    HR = "hr"
    GENERAL_MANAGER = "general_manager"

    @property
    def who(self) -> str:
        return _TITLES[self]


_TITLES = {
    ApprovalStep.DEPARTMENT_MANAGER: "the department manager",
    ApprovalStep.HR: "HR",
    ApprovalStep.GENERAL_MANAGER: "the general manager",
}

FULL_CHAIN = (ApprovalStep.DEPARTMENT_MANAGER, ApprovalStep.HR, ApprovalStep.GENERAL_MANAGER)


class LeavePolicy(DomainModel):
    """The manuals' leave figures; a site may change them."""

    personal_notice_days: int = Field(default=1, ge=0, le=60)
    """Personal leave starts at least this many days after the day it is asked for."""
    full_chain_from_days: int = Field(default=3, ge=1, le=366)
    """Leave this long or longer needs the department manager, HR and the general manager."""
    certificate_from_days: int = Field(default=2, ge=1, le=366)
    """Sick leave this long or longer needs a medical certificate before it is approved."""


MANUAL_LEAVE_POLICY = LeavePolicy()


class LeaveDecision(DomainModel):
    """One step's decision on a leave request."""

    step: ApprovalStep
    approved: bool
    by: PersonId
    on: date
    comment: str = Field(default="", max_length=500)


class LeaveRequest(DomainModel):
    """Leave from ``first_day`` to ``last_day`` inclusive.

    ``filed_by`` / ``filed_on`` / ``by_phone`` are set by :func:`file_leave`; ``decisions`` grow by
    :func:`decide`, one per approval step, in the chain's order.
    """

    agent_id: AgentId
    leave_type: LeaveType
    first_day: date
    last_day: date
    status: LeaveStatus = LeaveStatus.REQUESTED
    medical_certificate: bool = False
    note: str = Field(default="", max_length=500)
    filed_by: PersonId | None = None
    filed_on: date | None = None
    by_phone: bool = False
    written_request: bool = True
    decisions: tuple[LeaveDecision, ...] = ()

    @model_validator(mode="after")
    def _ordered(self) -> LeaveRequest:
        if self.last_day < self.first_day:
            raise ValueError(
                f"last_day: {self.last_day.isoformat()} is before first_day {self.first_day.isoformat()}"
            )
        return self

    @model_validator(mode="after")
    def _decisions_follow_the_chain(self) -> LeaveRequest:
        if len(self.decisions) > len(FULL_CHAIN):
            raise ValueError(f"decisions: {len(self.decisions)} decisions, but the chain has 3 steps")
        for index, (decision, step) in enumerate(zip(self.decisions, FULL_CHAIN, strict=False)):
            if decision.step is not step:
                raise ValueError(f"decisions: decision {index + 1} is by {decision.step}, expected {step}")
            if not decision.approved and index != len(self.decisions) - 1:
                raise ValueError(f"decisions: a decision follows the denial by {step}")
        denied = bool(self.decisions) and not self.decisions[-1].approved
        if denied and self.status is not LeaveStatus.DENIED:
            raise ValueError(f"status: {self.status}, but {self.decisions[-1].step} denied the leave")
        if self.decisions and not denied and self.status is LeaveStatus.DENIED:
            raise ValueError("status: denied, but no decision denied the leave")
        return self

    @property
    def days(self) -> int:
        return (self.last_day - self.first_day).days + 1

    @property
    def dates(self) -> tuple[date, ...]:
        return tuple(self.first_day + timedelta(days=i) for i in range(self.days))

    def describe(self) -> str:
        """``"a01's personal leave 2024-06-18 to 2024-06-20"``, for messages."""
        span = self.first_day.isoformat()
        if self.days > 1:
            span += f" to {self.last_day.isoformat()}"
        return f"{self.agent_id}'s {self.leave_type} leave {span}"


def _days(count: int) -> str:
    return f"{count} day" if count == 1 else f"{count} days"


def _rebuilt(request: LeaveRequest, summary: str, **changes: Any) -> LeaveRequest:
    try:
        return LeaveRequest.model_validate({**request.model_dump(), **changes})
    except ValidationError as error:
        raise InputError(summary, problems_from(error)) from None


def file_leave(
    request: LeaveRequest,
    *,
    filed_by: str,
    filed_on: date,
    by_phone: bool = False,
    policy: LeavePolicy = MANUAL_LEAVE_POLICY,
) -> LeaveRequest:
    """``request`` as filed by ``filed_by`` on ``filed_on``; :class:`InputError` when a rule refuses it.

    Personal leave: only the agent, in person (not by phone), at least ``personal_notice_days`` ahead.
    Sick leave: anyone, by phone too, with no notice. Annual leave: anyone, not by phone.
    """
    summary = f"{request.describe()}: not filed"
    problems = []
    if request.status is not LeaveStatus.REQUESTED or request.decisions:
        state = "being decided" if request.status is LeaveStatus.REQUESTED else request.status
        problems.append(
            Problem(f"this request is already {state}; ask for leave again instead", field="status")
        )
    if request.leave_type is LeaveType.PERSONAL:
        if filed_by.strip() != request.agent_id:
            problems.append(
                Problem(
                    f"personal leave must be asked for by {request.agent_id} in person, "
                    f"not by {filed_by.strip() or 'someone unnamed'}",
                    field="filed_by",
                )
            )
        if by_phone:
            problems.append(
                Problem("personal leave must be asked for in person, not by phone", field="by_phone")
            )
        earliest = filed_on + timedelta(days=policy.personal_notice_days)
        if request.first_day < earliest:
            problems.append(
                Problem(
                    f"personal leave must be asked for at least {_days(policy.personal_notice_days)} ahead: "
                    f"asked on {filed_on.isoformat()}, so it can start on {earliest.isoformat()} at the "
                    f"earliest, not {request.first_day.isoformat()}",
                    field="first_day",
                )
            )
    elif by_phone and request.leave_type is not LeaveType.SICK:
        problems.append(
            Problem(
                f"only sick leave may be reported by phone; ask for {request.leave_type} leave in writing",
                field="by_phone",
            )
        )
    if problems:
        raise InputError(summary, problems)
    return _rebuilt(
        request,
        summary,
        filed_by=filed_by,
        filed_on=filed_on,
        by_phone=by_phone,
        written_request=not by_phone,
    )


def approval_steps(
    request: LeaveRequest, *, policy: LeavePolicy = MANUAL_LEAVE_POLICY
) -> tuple[ApprovalStep, ...]:
    """The steps that must approve ``request``, in order."""
    if request.days >= policy.full_chain_from_days:
        return FULL_CHAIN
    return (ApprovalStep.DEPARTMENT_MANAGER,)


def next_step(request: LeaveRequest, *, policy: LeavePolicy = MANUAL_LEAVE_POLICY) -> ApprovalStep | None:
    """The step whose decision is awaited, or ``None`` once the request is decided."""
    steps = approval_steps(request, policy=policy)
    if request.status is not LeaveStatus.REQUESTED or len(request.decisions) >= len(steps):
        return None
    return steps[len(request.decisions)]


def missing_paperwork(request: LeaveRequest, *, policy: LeavePolicy = MANUAL_LEAVE_POLICY) -> list[Problem]:
    """What must be handed in before ``request`` can be approved (empty when nothing)."""
    problems = []
    if (
        request.leave_type is LeaveType.SICK
        and request.days >= policy.certificate_from_days
        and not request.medical_certificate
    ):
        problems.append(
            Problem(
                f"sick leave of {_days(request.days)} needs a medical certificate before it can be approved",
                field="medical_certificate",
            )
        )
    if request.days >= policy.full_chain_from_days and not request.written_request:
        problems.append(
            Problem(
                f"leave of {_days(request.days)} needs a written request before it can be approved "
                "(it was reported by phone)",
                field="written_request",
            )
        )
    return problems


def complete_paperwork(
    request: LeaveRequest, *, medical_certificate: bool = False, written_request: bool = False
) -> LeaveRequest:
    """``request`` with the medical certificate and / or the written request handed in."""
    return _rebuilt(
        request,
        f"{request.describe()}: paperwork not recorded",
        medical_certificate=request.medical_certificate or medical_certificate,
        written_request=request.written_request or written_request,
    )


def decide(
    request: LeaveRequest,
    step: ApprovalStep,
    *,
    approve: bool,
    by: str,
    on: date,
    comment: str = "",
    policy: LeavePolicy = MANUAL_LEAVE_POLICY,
) -> LeaveRequest:
    """``request`` with ``step``'s decision recorded; approved once the last step approves.

    Refused (:class:`InputError`) when the request is already decided, ``step`` is not the one awaited,
    ``by`` is the agent themself, ``on`` is before the filing or the previous decision, a denial gives
    no reason, or an approval comes while paperwork is missing.
    """
    summary = f"{request.describe()}: decision by {step.who} refused"
    if request.status is not LeaveStatus.REQUESTED:
        raise InputError(
            summary,
            [Problem(f"this leave is already {request.status}; it cannot be decided again", field="status")],
        )
    steps = approval_steps(request, policy=policy)
    problems = []
    awaited = next_step(request, policy=policy)
    if step not in steps:
        names = ", then ".join(s.who for s in steps)
        problems.append(
            Problem(
                f"leave of {_days(request.days)} is approved by {names} only, not {step.who}", field="step"
            )
        )
    elif step in (d.step for d in request.decisions):
        problems.append(Problem(f"{step.who} has already approved this leave", field="step"))
    elif awaited is not None and step is not awaited:
        problems.append(Problem(f"{awaited.who} must decide before {step.who}", field="step"))
    if by.strip() == request.agent_id:
        problems.append(Problem("an agent cannot decide their own leave", field="by"))
    previous = request.decisions[-1].on if request.decisions else request.filed_on
    if previous is not None and on < previous:
        what = "the previous decision" if request.decisions else "the leave was asked for"
        problems.append(
            Problem(f"{on.isoformat()} is before {previous.isoformat()}, when {what}", field="on")
        )
    if not approve and not comment.strip():
        problems.append(Problem("say why the leave is denied, so the agent knows", field="comment"))
    if approve:
        problems.extend(missing_paperwork(request, policy=policy))
    if problems:
        raise InputError(summary, problems)
    try:
        decision = LeaveDecision(step=step, approved=approve, by=by, on=on, comment=comment)
    except ValidationError as error:
        raise InputError(summary, problems_from(error)) from None
    decisions = (*request.decisions, decision)
    if not approve:
        status = LeaveStatus.DENIED
    elif len(decisions) == len(steps):
        status = LeaveStatus.APPROVED
    else:
        status = LeaveStatus.REQUESTED
    return _rebuilt(request, summary, decisions=decisions, status=status)
