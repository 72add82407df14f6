"""Leave over the API: asked for, reported, decided step by step, its paperwork handed in.

The rules are :mod:`wfm.domain.leave`'s (DOMAIN.md rule 8); these routes add who may do what. An agent
files leave for themself only; a scheduler or manager may file for an agent of the team (sick leave
reported by phone, say), but personal leave only the agent asks for, in person. Each step of the
approval chain is decided by its role: the department manager's by a ``manager``, HR's by ``hr``, the
general manager's by ``general_manager``; a decision by another role is 403. A decision the rules
refuse -- out of order, twice, an approval while paperwork is missing, a denial without a reason -- is
422 with the field at fault (``step``, ``status``, ``medical_certificate``, ``comment``...), like any
other refusal by the rules.

Every change is audited; the next decider, and the agent, hear of each change in their inbox.
Approved leave makes the agent unavailable in the next solve (``POST /rosters/{id}/resolve`` restores
cover in a published roster with as few changes as possible).
"""

from __future__ import annotations

from collections.abc import Sequence

from fastapi import APIRouter, HTTPException, status
from sqlmodel import Session, col, select

from api import schemas
from api.deps import LeaveDecider, LeaveFiler, PathId, SessionDep, SettingsDep, UserDep, team_for, today_at
from api.mapping import leave_of, leave_public
from api.schemas import ERRORS
from api.store import (
    agent_users,
    load_site,
    overlapping_leave,
    save_leave,
    users_in_role,
    users_named,
)
from api.tables import LeaveRow, Role, User
from wfm.domain import LeaveRequest, LeaveStatus
from wfm.domain.leave import ApprovalStep, complete_paperwork, decide, file_leave, next_step
from wfm.domain.parsing import parse_model
from wfm.errors import InputError, Problem

router = APIRouter(tags=["leave"], responses=ERRORS)

STEP_ROLES = {
    ApprovalStep.DEPARTMENT_MANAGER: Role.MANAGER,
    ApprovalStep.HR: Role.HR,
    ApprovalStep.GENERAL_MANAGER: Role.GENERAL_MANAGER,
}
"""Which role decides each step of the approval chain."""
ROLE_STEPS = {role: step for step, role in STEP_ROLES.items()}


def _deciders(session: Session, team_id: int, request: LeaveRequest) -> list[User]:
    step = next_step(request)
    return [] if step is None else users_in_role(session, STEP_ROLES[step], team_id)


def _awaiting_text(request: LeaveRequest) -> str:
    step = next_step(request)
    return f"{request.describe()} awaits your decision ({step.who if step else 'decided'})"


@router.post(
    "/teams/{team_id}/leave", response_model=schemas.LeavePublic, status_code=status.HTTP_201_CREATED
)
def file(
    team_id: PathId,
    leave_in: schemas.LeaveCreate,
    user: LeaveFiler,
    session: SessionDep,
    settings: SettingsDep,
) -> schemas.LeavePublic:
    """Ask for leave (an agent, for themself) or report it for an agent (a scheduler or manager)."""
    team = team_for(session, user, team_id)
    if user.role is Role.AGENT:
        if leave_in.agent_id not in (None, user.agent_code):
            raise HTTPException(status.HTTP_403_FORBIDDEN, detail="an agent asks for leave for themself only")
        agent_id = user.agent_code
    else:
        agent_id = leave_in.agent_id
    filed_by = agent_id if user.role is Role.AGENT else user.username
    if agent_id is None or filed_by is None:
        raise InputError("leave refused", [Problem("name the agent on leave", field="agent_id")])
    if agent_id not in {a.id for a in load_site(session, team).agents}:
        raise InputError(
            "leave refused", [Problem(f"team {team.name} has no agent '{agent_id}'", field="agent_id")]
        )
    request = parse_model(
        LeaveRequest,
        {
            "agent_id": agent_id,
            "leave_type": leave_in.leave_type,
            "first_day": leave_in.first_day,
            "last_day": leave_in.last_day,
            "medical_certificate": leave_in.medical_certificate,
            "note": leave_in.note,
        },
        source="leave",
    )
    filed = file_leave(
        request, filed_by=filed_by, filed_on=today_at(settings, team), by_phone=leave_in.by_phone
    )
    if leave_in.written_request:
        filed = complete_paperwork(filed, written_request=True)
    clash = overlapping_leave(session, filed, team_id)
    if clash is not None:
        raise HTTPException(
            status.HTTP_409_CONFLICT,
            detail=f"{leave_of(clash).describe()} (leave {clash.id}) already covers some of these days",
        )
    notices: list[tuple[Sequence[User], str]] = [(_deciders(session, team_id, filed), _awaiting_text(filed))]
    if user.role is not Role.AGENT:
        notices.append(
            (
                agent_users(session, team_id, agent_id),
                f"{filed.describe()} was filed for you by {user.username}",
            )
        )
    row = save_leave(
        session=session, team_id=team_id, request=filed, actor=user, action="file", notices=notices
    )
    return leave_public(row)


def _leave(session: Session, user: User, leave_id: int, *, lock: bool = False) -> LeaveRow:
    """The leave, when it exists and the user may see it (an agent: their own only)."""
    query = select(LeaveRow).where(LeaveRow.id == leave_id)
    row = session.exec(query.with_for_update() if lock else query).first()
    if row is None:
        raise HTTPException(status.HTTP_404_NOT_FOUND, detail=f"no leave {leave_id}")
    if user.role is Role.AGENT and (user.team_id != row.team_id or user.agent_code != row.agent_code):
        raise HTTPException(status.HTTP_403_FORBIDDEN, detail="an agent sees only their own leave")
    team_for(session, user, row.team_id)
    return row


@router.get("/me/leave", response_model=list[schemas.LeavePublic])
def my_leave(user: UserDep, session: SessionDep) -> list[schemas.LeavePublic]:
    """The signed-in agent's own leave, oldest first."""
    if user.team_id is None or user.agent_code is None:
        raise HTTPException(status.HTTP_404_NOT_FOUND, detail="this user is not an agent of any team")
    rows = session.exec(
        select(LeaveRow)
        .where(LeaveRow.team_id == user.team_id, LeaveRow.agent_code == user.agent_code)
        .order_by(col(LeaveRow.id))
    ).all()
    return [leave_public(row) for row in rows]


@router.get("/leave/awaiting", response_model=list[schemas.LeavePublic])
def awaiting_me(user: LeaveDecider, session: SessionDep) -> list[schemas.LeavePublic]:
    """Leave awaiting the signed-in user's step (of their team, or every team's for a user of none)."""
    query = select(LeaveRow).order_by(col(LeaveRow.id))
    if user.team_id is not None:
        query = query.where(LeaveRow.team_id == user.team_id)
    step = ROLE_STEPS[user.role]
    return [leave_public(row) for row in session.exec(query).all() if next_step(leave_of(row)) is step]


@router.get("/leave/{leave_id}", response_model=schemas.LeavePublic)
def get_leave(leave_id: PathId, user: UserDep, session: SessionDep) -> schemas.LeavePublic:
    """One leave request with its decisions so far (an agent sees their own only)."""
    return leave_public(_leave(session, user, leave_id))


@router.post("/leave/{leave_id}/decisions", response_model=schemas.LeavePublic)
def decide_leave(
    leave_id: PathId,
    decision: schemas.LeaveDecisionCreate,
    user: LeaveDecider,
    session: SessionDep,
    settings: SettingsDep,
) -> schemas.LeavePublic:
    """Decide one step of the approval chain: the department manager's, then HR's, then the general
    manager's (three days or more); a denial ends it."""
    row = _leave(session, user, leave_id, lock=True)
    step = decision.step or ROLE_STEPS[user.role]
    if STEP_ROLES[step] is not user.role:
        raise HTTPException(
            status.HTTP_403_FORBIDDEN, detail=f"step: only a {STEP_ROLES[step].value} decides for {step.who}"
        )
    team = team_for(session, user, row.team_id)
    before = leave_of(row)
    after = decide(
        before,
        step,
        approve=decision.approve,
        by=user.username,
        on=today_at(settings, team),
        comment=decision.comment,
    )
    verdict = "approved" if decision.approve else "denied"
    said = f" ({decision.comment.strip()})" if decision.comment.strip() else ""
    outcome = f"{after.describe()}: {verdict} by {step.who} ({user.username}){said}"
    if after.status is LeaveStatus.REQUESTED:
        awaited = next_step(after)
        assert awaited is not None
        outcome += f"; now awaiting {awaited.who}"
    notices: list[tuple[Sequence[User], str]] = [(agent_users(session, row.team_id, after.agent_id), outcome)]
    if after.status is LeaveStatus.REQUESTED:
        notices.append((_deciders(session, row.team_id, after), _awaiting_text(after)))
    else:
        earlier = users_named(session, [d.by for d in before.decisions])
        notices.append((earlier, outcome))
        if after.status is LeaveStatus.APPROVED:
            schedulers = users_in_role(session, Role.SCHEDULER, row.team_id)
            notices.append((schedulers, f"{outcome}: re-solve the published roster to restore cover"))
    saved = save_leave(
        session=session,
        team_id=row.team_id,
        request=after,
        actor=user,
        action="approve" if decision.approve else "deny",
        row=row,
        notices=notices,
        reason=decision.comment,
    )
    return leave_public(saved)


@router.post("/leave/{leave_id}/paperwork", response_model=schemas.LeavePublic)
def hand_in_paperwork(
    leave_id: PathId, paperwork: schemas.LeavePaperwork, user: LeaveFiler, session: SessionDep
) -> schemas.LeavePublic:
    """Record a medical certificate and / or the written request handed in after the leave was filed."""
    if not (paperwork.medical_certificate or paperwork.written_request):
        raise InputError(
            "paperwork refused",
            [Problem("say what was handed in: medical_certificate and / or written_request", field="body")],
        )
    row = _leave(session, user, leave_id, lock=True)
    before = leave_of(row)
    if before.status is not LeaveStatus.REQUESTED:
        raise InputError(
            "paperwork refused",
            [Problem(f"this leave is already {before.status}", field="status")],
        )
    after = complete_paperwork(
        before, medical_certificate=paperwork.medical_certificate, written_request=paperwork.written_request
    )
    handed = [name for name in ("medical_certificate", "written_request") if getattr(paperwork, name)]
    text = f"{after.describe()}: {' and '.join(n.replace('_', ' ') for n in handed)} handed in"
    notices: list[tuple[Sequence[User], str]] = [(_deciders(session, row.team_id, after), text)]
    saved = save_leave(
        session=session,
        team_id=row.team_id,
        request=after,
        actor=user,
        action="paperwork",
        row=row,
        notices=notices,
    )
    return leave_public(saved)
