"""Shift swaps: an agent asks, the colleague agrees, the manager approves, and the rules always hold.

Every step checks the swap on the roster as it would be after it (``solver.swaps.check_swap``: the same
check faces the solver's model agrees with), on the team's latest published version holding the swap's
days. Approval applies it as a new published version in one transaction, with the team row locked so
concurrent approvals queue instead of overwriting each other; a swap whose cells changed underneath,
or that no longer passes, is withdrawn instead. Approved cells are pinned for later re-solves.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace
from datetime import UTC, date, datetime
from typing import Annotated, Any

from fastapi import APIRouter, HTTPException, Query, Request, status
from sqlalchemy import update
from sqlmodel import Session, col, or_, select

from api import schemas
from api.deps import Manager, PathId, SessionDep, Staff, UserDep, team_for, today_at
from api.errors import RuleConflict
from api.judging import Judging, JudgingCache
from api.mapping import body
from api.schemas import ERRORS
from api.store import add_roster_version, record
from api.tables import (
    Notice,
    Pin,
    Role,
    RosterState,
    RosterVersion,
    SwapRequest,
    SwapState,
    Team,
    User,
)
from wfm.domain import Roster
from wfm.domain.swaps import Swap, SwapKind, Tier

router = APIRouter(tags=["swaps"], responses=ERRORS)

OPEN = (SwapState.REQUESTED, SwapState.ACCEPTED)


def today(request: Request, team: Team) -> date:
    """Today's date in the team's time zone (``WFM_TODAY`` fixes it for a demonstration)."""
    return today_at(request.app.state.settings, team)


def _cache(request: Request) -> JudgingCache:
    cache: JudgingCache = request.app.state.judging
    return cache


def head_version(session: Session, team_id: int, days: Sequence[date]) -> RosterVersion | None:
    """The team's latest published version whose horizon holds every one of ``days``."""
    versions = session.exec(
        select(RosterVersion)
        .where(RosterVersion.team_id == team_id, RosterVersion.state == RosterState.PUBLISHED)
        .order_by(col(RosterVersion.published_at).desc(), col(RosterVersion.number).desc())
    ).all()
    for version in versions:
        first, last = version.start, version.start.toordinal() + version.days - 1
        if all(first <= day and day.toordinal() <= last for day in days):
            return version
    return None


def _check_public(check: Any, roster_id: int | None) -> schemas.SwapCheckPublic:
    verdict = check.verdict
    return schemas.SwapCheckPublic(
        tier=check.tier,
        reasons=list(check.reasons),
        roster_id=roster_id,
        cells=[schemas.Cell.model_validate(body(c)) for c in check.cells],
        cost_change=dict(verdict.cost_change) if verdict is not None else {},
        cover=[
            schemas.IntervalChangePublic(
                queue=c.queue,
                start=c.start,
                required=c.required,
                before=c.before,
                after=c.after,
                shorter=c.shorter,
                service_before=c.service_before,
                service_after=c.service_after,
            )
            for c in check.cover
        ],
    )


def _swap_public(row: SwapRequest) -> schemas.SwapPublic:
    assert row.id is not None
    return schemas.SwapPublic(
        id=row.id,
        team_id=row.team_id,
        roster_id=row.roster_id,
        kind=SwapKind(row.kind),
        requester=row.requester,
        partner=row.partner,
        day=row.day,
        other_day=row.other_day,
        state=row.state,
        tier=Tier(row.tier),
        verdict=schemas.SwapCheckPublic.model_validate(row.verdict),
        note=row.note,
        comment=row.comment,
        applied_roster_id=row.applied_roster_id,
        created_at=row.created_at,
        updated_at=row.updated_at,
    )


def _domain_swap(row: SwapRequest) -> Swap:
    return Swap(
        kind=SwapKind(row.kind),
        requester=row.requester,
        partner=row.partner,
        day=row.day,
        other_day=row.other_day,
    )


def _judge(
    session: Session, request: Request, team: Team, swap: Swap
) -> tuple[RosterVersion | None, Judging | None, Any]:
    """The head version, its judging, and the swap's check on it, lead time included."""
    from solver.swaps import SwapCheck, check_swap, with_service

    version = head_version(session, team.id or 0, swap.days)
    if version is None:
        days = " and ".join(d.isoformat() for d in swap.days)
        return None, None, SwapCheck(Tier.ERROR, (f"day: no published roster holds {days}",))
    judging = _cache(request).judging(session, version, team)
    check = check_swap(
        judging.problem, judging.cells, swap, today=today(request, team), lead_days=team.swap_lead_days
    )
    if check.tier is Tier.WARNING and judging.plan is not None and "volume" in judging.plan.columns:
        shorter = [c for c in check.cover if c.shorter]  # what the manager weighs
        projected = {
            (c.queue, c.start): c
            for c in with_service(shorter, judging.site, judging.plan, before=judging.service)
        }
        check = replace(check, cover=tuple(projected.get((c.queue, c.start), c) for c in check.cover))
    return version, judging, check


def _requester_for(user: User, asked: str | None) -> str:
    if user.role is Role.AGENT:
        if user.agent_code is None:
            raise HTTPException(status.HTTP_403_FORBIDDEN, detail="this user is not an agent")
        if asked is not None and asked != user.agent_code:
            raise HTTPException(status.HTTP_403_FORBIDDEN, detail="an agent asks for swaps only for themself")
        return user.agent_code
    if asked is None:
        raise HTTPException(
            status.HTTP_422_UNPROCESSABLE_CONTENT, detail="requester: name the agent who asks for the swap"
        )
    return asked


def _swap_of(request: schemas.SwapCreate, requester: str) -> Swap:
    return Swap(
        kind=request.kind,
        requester=requester,
        partner=request.partner,
        day=request.day,
        other_day=request.other_day,
    )


@router.post("/teams/{team_id}/swaps/check", response_model=schemas.SwapCheckPublic)
def check_swap_request(
    team_id: PathId, swap_in: schemas.SwapCreate, user: Staff, session: SessionDep, request: Request
) -> schemas.SwapCheckPublic:
    """Check a swap without filing it: pass, warning (with each interval's cover change) or error."""
    team = team_for(session, user, team_id)
    swap = _swap_of(swap_in, _requester_for(user, swap_in.requester))
    version, _, check = _judge(session, request, team, swap)
    return _check_public(check, version.id if version else None)


@router.get("/teams/{team_id}/swaps/partners", response_model=list[schemas.PartnerPublic])
def partners(
    team_id: PathId,
    day: date,
    user: Staff,
    session: SessionDep,
    request: Request,
    agent: Annotated[
        str | None, Query(max_length=40, description="Whose shift (an agent: their own).")
    ] = None,
    limit: Annotated[int, Query(ge=1, le=50)] = 10,
) -> list[schemas.PartnerPublic]:
    """Colleagues with whom a trade or give-away of the agent's shift on ``day`` would pass, best first
    (coverage impact, then fairness and the other soft costs)."""
    from solver.swaps import suggest_partners

    team = team_for(session, user, team_id)
    requester = _requester_for(user, agent)
    version = head_version(session, team_id, [day])
    if version is None:
        return []
    judging = _cache(request).judging(session, version, team)
    found = suggest_partners(
        judging.problem,
        judging.cells,
        requester,
        day,
        today=today(request, team),
        lead_days=team.swap_lead_days,
        limit=limit,
    )
    return [
        schemas.PartnerPublic(
            partner=s.partner,
            name=s.name,
            kind=s.swap.kind,
            cost_change=dict(s.check.verdict.cost_change) if s.check.verdict else {},
        )
        for s in found
    ]


def _notify(session: Session, team_id: int, agents: Sequence[str], text: str, swap_id: int | None) -> None:
    """A notice for the users of ``agents`` in the team, and for the team's managers."""
    recipients = session.exec(
        select(User).where(
            User.active,
            or_(
                (col(User.team_id) == team_id) & col(User.agent_code).in_(list(agents)),
                (col(User.role) == Role.MANAGER)
                & or_(col(User.team_id).is_(None), col(User.team_id) == team_id),
            ),
        )
    ).all()
    for recipient in recipients:
        assert recipient.id is not None
        session.add(Notice(user_id=recipient.id, text=text, swap_id=swap_id))


def _words(row: SwapRequest) -> str:
    kind = row.kind.replace("_", "-")
    days = row.day.isoformat() + (f" and {row.other_day.isoformat()}" if row.other_day else "")
    return f"swap #{row.id} ({kind} between {row.requester} and {row.partner} on {days})"


@router.post("/teams/{team_id}/swaps", response_model=schemas.SwapPublic, status_code=status.HTTP_201_CREATED)
def file_swap(
    team_id: PathId, swap_in: schemas.SwapCreate, user: Staff, session: SessionDep, request: Request
) -> schemas.SwapPublic:
    """Ask a colleague for a swap. Refused (409, each reason in words) when it would break a rule."""
    team = team_for(session, user, team_id)
    swap = _swap_of(swap_in, _requester_for(user, swap_in.requester))
    version, judging, check = _judge(session, request, team, swap)
    if check.tier is Tier.ERROR or version is None or judging is None:
        raise RuleConflict("swap refused", list(check.reasons))
    keys = {(swap.requester, d) for d in swap.days} | {(swap.partner, d) for d in swap.days}
    agreed = [body(c) for c in judging.cells if (c.agent_id, c.day) in keys]
    row = SwapRequest(
        team_id=team_id,
        roster_id=version.id or 0,
        kind=swap.kind.value,
        requester=swap.requester,
        partner=swap.partner,
        day=swap.day,
        other_day=swap.other_day,
        agreed=agreed,
        tier=check.tier.value,
        verdict=_check_public(check, version.id).model_dump(mode="json"),
        note=swap_in.note,
        filed_by=user.id,
    )
    session.add(row)
    session.flush()
    record(
        session,
        actor=user,
        action="create",
        entity="swap",
        entity_id=row.id,
        team_id=team_id,
        detail={"kind": row.kind, "requester": row.requester, "partner": row.partner, "tier": row.tier},
    )
    _notify(session, team_id, [swap.partner], f"{_words(row)}: {swap.requester} asks you", row.id)
    session.commit()
    session.refresh(row)
    return _swap_public(row)


def _row(session: Session, user: User, swap_id: int) -> SwapRequest:
    row = session.get(SwapRequest, swap_id)
    if row is None:
        raise HTTPException(status.HTTP_404_NOT_FOUND, detail=f"no swap {swap_id}")
    team_for(session, user, row.team_id)
    if user.role is Role.AGENT and user.agent_code not in (row.requester, row.partner):
        raise HTTPException(status.HTTP_403_FORBIDDEN, detail="an agent sees only their own swaps")
    return row


@router.get("/teams/{team_id}/swaps", response_model=list[schemas.SwapPublic])
def list_swaps(
    team_id: PathId, user: Staff, session: SessionDep, state: SwapState | None = None
) -> list[schemas.SwapPublic]:
    """The team's swaps, newest first (an agent: the ones they are part of)."""
    team_for(session, user, team_id)
    query = select(SwapRequest).where(SwapRequest.team_id == team_id)
    if state is not None:
        query = query.where(SwapRequest.state == state)
    if user.role is Role.AGENT:
        query = query.where(
            or_(SwapRequest.requester == user.agent_code, SwapRequest.partner == user.agent_code)
        )
    return [_swap_public(r) for r in session.exec(query.order_by(col(SwapRequest.id).desc())).all()]


@router.get("/swaps/{swap_id}", response_model=schemas.SwapPublic)
def get_swap(swap_id: PathId, user: Staff, session: SessionDep) -> schemas.SwapPublic:
    """One swap, with its last check."""
    return _swap_public(_row(session, user, swap_id))


def _lock_team(session: Session, team_id: int) -> Team:
    """End any read, then take the team's write lock first thing (a row lock on PostgreSQL, the file's
    write lock on SQLite), so concurrent decisions on one team queue here instead of deadlocking."""
    session.rollback()
    session.execute(update(Team).where(col(Team.id) == team_id).values(revision=Team.revision))
    team = session.get(Team, team_id, populate_existing=True)
    assert team is not None
    return team


def _settle(
    session: Session, request: Request, row: SwapRequest, actor: User, *, approve: bool, comment: str
) -> None:
    """Re-check ``row`` on the head version and, when it still holds, apply it (``approve``) or mark
    it accepted; a swap that no longer holds is withdrawn. The caller has locked the team."""
    team = session.get(Team, row.team_id)
    assert team is not None and row.id is not None
    swap = _domain_swap(row)
    version, judging, check = _judge(session, request, team, swap)
    agreed = {(c["agent_id"], c["day"]): c for c in row.agreed}
    moved = []
    if judging is not None:
        now_cells = {(c.agent_id, c.day.isoformat()): body(c) for c in judging.cells}
        moved = [key for key, cell in agreed.items() if now_cells.get(key) != cell]
    row.verdict = _check_public(check, version.id if version else None).model_dump(mode="json")
    row.tier = check.tier.value
    row.updated_at = datetime.now(UTC)
    if version is None or judging is None or moved or check.tier is Tier.ERROR:
        reasons = list(check.reasons)
        if moved:
            reasons.insert(
                0,
                "the roster changed since the swap was agreed: " + ", ".join(f"{a} on {d}" for a, d in moved),
            )
        row.state = SwapState.WITHDRAWN
        row.comment = "; ".join(reasons)[:1000]
        record(
            session,
            actor=actor,
            action="withdraw",
            entity="swap",
            entity_id=row.id,
            team_id=row.team_id,
            detail={"reasons": reasons},
        )
        _notify(
            session,
            row.team_id,
            [row.requester, row.partner],
            f"{_words(row)} withdrawn: {row.comment}",
            row.id,
        )
        return
    if not approve:
        row.state = SwapState.ACCEPTED
        row.comment = comment
        record(
            session,
            actor=actor,
            action="accept",
            entity="swap",
            entity_id=row.id,
            team_id=row.team_id,
            detail={"tier": row.tier},
            reason=comment,
        )
        _notify(
            session,
            row.team_id,
            [row.requester],
            f"{_words(row)}: {row.partner} agreed; waiting for the manager ({row.tier})",
            row.id,
        )
        return
    keys = {(c.agent_id, c.day) for c in check.cells}
    cells = tuple(c for c in judging.cells if (c.agent_id, c.day) not in keys) + tuple(check.cells)
    horizon = judging.problem.horizon
    roster = Roster(horizon=horizon, cells=tuple(sorted(cells, key=lambda c: (c.agent_id, c.day))))
    applied = add_roster_version(
        session=session,
        team_id=row.team_id,
        roster=roster,
        actor=actor,
        requirement_id=version.requirement_id,
        parent_id=version.id,
        solve=None,
        kpis=_kpis(judging, roster),
        violations=[],
        note=f"{_words(row)} applied",
        reason=comment,
    )
    applied.state = RosterState.PUBLISHED
    applied.published_at = datetime.now(UTC)
    cache = _cache(request)
    derived = Judging(judging.site, judging.problem, roster.cells, judging.plan)
    cache.remember(cache.key(session, applied, team), derived)
    for cell in check.cells:
        session.add(
            Pin(
                team_id=row.team_id,
                agent_code=cell.agent_id,
                day=cell.day,
                cell=body(cell),
                source=f"swap #{row.id}",
            )
        )
    row.state = SwapState.APPROVED
    row.comment = comment
    row.decided_by = actor.id
    row.applied_roster_id = applied.id
    row.roster_id = version.id or row.roster_id
    record(
        session,
        actor=actor,
        action="approve",
        entity="swap",
        entity_id=row.id,
        team_id=row.team_id,
        detail={"roster_id": applied.id, "tier": row.tier},
        reason=comment,
    )
    _notify(
        session,
        row.team_id,
        [row.requester, row.partner],
        f"{_words(row)} approved: roster version {applied.number} holds it",
        row.id,
    )


def _kpis(judging: Judging, roster: Roster) -> dict[str, Any] | None:
    from api.jobs import plain
    from wfm.pipeline import roster_kpis_of

    return plain(roster_kpis_of(judging.problem, roster, site=judging.site).to_dict())  # type: ignore[no-any-return]


def _decide(session: Session, swap_id: int, user: User) -> SwapRequest:
    _lock_team(session, _row(session, user, swap_id).team_id)
    row = session.get(SwapRequest, swap_id, populate_existing=True)
    assert row is not None
    return row


def _must_be(row: SwapRequest, *states: SwapState) -> None:
    if row.state not in states:
        raise HTTPException(
            status.HTTP_409_CONFLICT,
            detail=f"swap {row.id} is {row.state.value}; this needs it "
            + " or ".join(s.value for s in states),
        )


@router.post("/swaps/{swap_id}/accept", response_model=schemas.SwapPublic)
def accept_swap(
    swap_id: PathId, decision: schemas.SwapDecision, user: Staff, session: SessionDep, request: Request
) -> schemas.SwapPublic:
    """The partner agrees. The swap is checked again; a passing swap is applied at once where the
    team approves passing swaps on their own, otherwise it waits for the manager."""
    row = _decide(session, swap_id, user)
    if user.agent_code != row.partner or user.team_id != row.team_id:
        raise HTTPException(status.HTTP_403_FORBIDDEN, detail="only the partner accepts a swap")
    _must_be(row, SwapState.REQUESTED)
    team = session.get(Team, row.team_id)
    assert team is not None
    _settle(session, request, row, user, approve=False, comment=decision.comment)
    if row.state is SwapState.ACCEPTED and row.tier == Tier.PASS.value and team.auto_approve_swaps:
        _settle(session, request, row, user, approve=True, comment="approved on its own: every check passed")
    session.commit()
    session.refresh(row)
    return _swap_public(row)


def _close(
    session: Session,
    request: Request,
    swap_id: int,
    user: User,
    state: SwapState,
    comment: str,
    allowed: Sequence[SwapState],
    action: str,
) -> schemas.SwapPublic:
    row = _decide(session, swap_id, user)
    _must_be(row, *allowed)
    row.state = state
    row.comment = comment
    row.decided_by = user.id
    row.updated_at = datetime.now(UTC)
    record(
        session,
        actor=user,
        action=action,
        entity="swap",
        entity_id=row.id,
        team_id=row.team_id,
        reason=comment,
    )
    _notify(
        session, row.team_id, [row.requester, row.partner], f"{_words(row)} {state.value}: {comment}", row.id
    )
    session.commit()
    session.refresh(row)
    return _swap_public(row)


@router.post("/swaps/{swap_id}/decline", response_model=schemas.SwapPublic)
def decline_swap(
    swap_id: PathId, decision: schemas.SwapDecision, user: Staff, session: SessionDep, request: Request
) -> schemas.SwapPublic:
    """The partner says no."""
    row = _row(session, user, swap_id)
    if user.agent_code != row.partner or user.team_id != row.team_id:
        raise HTTPException(status.HTTP_403_FORBIDDEN, detail="only the partner declines a swap")
    return _close(
        session,
        request,
        swap_id,
        user,
        SwapState.DECLINED,
        decision.comment,
        [SwapState.REQUESTED],
        "decline",
    )


@router.post("/swaps/{swap_id}/withdraw", response_model=schemas.SwapPublic)
def withdraw_swap(
    swap_id: PathId, decision: schemas.SwapDecision, user: Staff, session: SessionDep, request: Request
) -> schemas.SwapPublic:
    """The requester takes the swap back (before the manager decides)."""
    row = _row(session, user, swap_id)
    if user.role is Role.AGENT and user.agent_code != row.requester:
        raise HTTPException(status.HTTP_403_FORBIDDEN, detail="only the requester withdraws a swap")
    return _close(session, request, swap_id, user, SwapState.WITHDRAWN, decision.comment, OPEN, "withdraw")


@router.post("/swaps/{swap_id}/approve", response_model=schemas.SwapPublic)
def approve_swap(
    swap_id: PathId, decision: schemas.SwapDecision, manager: Manager, session: SessionDep, request: Request
) -> schemas.SwapPublic:
    """The manager approves: the swap is checked on the latest published roster and applied as a new
    published version, or withdrawn if it no longer holds."""
    row = _decide(session, swap_id, manager)
    _must_be(row, SwapState.ACCEPTED)
    _settle(session, request, row, manager, approve=True, comment=decision.comment)
    session.commit()
    session.refresh(row)
    return _swap_public(row)


@router.post("/swaps/{swap_id}/deny", response_model=schemas.SwapPublic)
def deny_swap(
    swap_id: PathId, decision: schemas.SwapDecision, manager: Manager, session: SessionDep, request: Request
) -> schemas.SwapPublic:
    """The manager says no, with a comment."""
    return _close(session, request, swap_id, manager, SwapState.DENIED, decision.comment, OPEN, "deny")


@router.get("/teams/{team_id}/swap-policy", response_model=schemas.SwapPolicy)
def get_policy(team_id: PathId, user: Staff, session: SessionDep) -> schemas.SwapPolicy:
    """How far ahead swaps are agreed, and whether passing swaps approve on their own."""
    team = team_for(session, user, team_id)
    return schemas.SwapPolicy(lead_days=team.swap_lead_days, auto_approve=team.auto_approve_swaps)


@router.put("/teams/{team_id}/swap-policy", response_model=schemas.SwapPolicy)
def put_policy(
    team_id: PathId, policy: schemas.SwapPolicy, manager: Manager, session: SessionDep
) -> schemas.SwapPolicy:
    """Set the team's swap policy."""
    team = team_for(session, manager, team_id)
    team.swap_lead_days = policy.lead_days
    team.auto_approve_swaps = policy.auto_approve
    session.add(team)
    record(
        session,
        actor=manager,
        action="update",
        entity="swap_policy",
        entity_id=team_id,
        team_id=team_id,
        detail=policy.model_dump(),
    )
    session.commit()
    return policy


@router.get("/teams/{team_id}/pins", response_model=list[schemas.PinPublic])
def list_pins(team_id: PathId, user: Staff, session: SessionDep) -> list[schemas.PinPublic]:
    """Cells re-solves keep (approved swaps'), released ones included."""
    team_for(session, user, team_id)
    rows = session.exec(select(Pin).where(Pin.team_id == team_id).order_by(col(Pin.id))).all()
    return [_pin_public(p) for p in rows]


def _pin_public(pin: Pin) -> schemas.PinPublic:
    assert pin.id is not None
    return schemas.PinPublic(
        id=pin.id,
        team_id=pin.team_id,
        agent_code=pin.agent_code,
        day=pin.day,
        cell=schemas.Cell.model_validate(pin.cell),
        source=pin.source,
        released_at=pin.released_at,
    )


@router.post("/pins/{pin_id}/release", response_model=schemas.PinPublic)
def release_pin(pin_id: PathId, manager: Manager, session: SessionDep) -> schemas.PinPublic:
    """Let later re-solves change this cell again."""
    pin = session.get(Pin, pin_id)
    if pin is None:
        raise HTTPException(status.HTTP_404_NOT_FOUND, detail=f"no pin {pin_id}")
    if pin.released_at is None:
        pin.released_at = datetime.now(UTC)
        pin.released_by = manager.id
        session.add(pin)
        record(
            session,
            actor=manager,
            action="release",
            entity="pin",
            entity_id=pin_id,
            team_id=pin.team_id,
            detail={"agent": pin.agent_code, "day": pin.day.isoformat(), "source": pin.source},
        )
        session.commit()
        session.refresh(pin)
    return _pin_public(pin)


@router.get("/me/inbox", response_model=list[schemas.NoticePublic])
def inbox(user: UserDep, session: SessionDep, unread: bool = False) -> list[schemas.NoticePublic]:
    """The signed-in user's notices (swaps and leave), newest first."""
    query = select(Notice).where(Notice.user_id == user.id)
    if unread:
        query = query.where(col(Notice.read_at).is_(None))
    rows = session.exec(query.order_by(col(Notice.id).desc()).limit(200)).all()
    return [_notice_public(n) for n in rows]


@router.post("/me/inbox/{notice_id}/read", response_model=schemas.NoticePublic)
def mark_read(notice_id: PathId, user: UserDep, session: SessionDep) -> schemas.NoticePublic:
    """Mark one notice read."""
    notice = session.get(Notice, notice_id)
    if notice is None or notice.user_id != user.id:
        raise HTTPException(status.HTTP_404_NOT_FOUND, detail=f"no notice {notice_id} in your inbox")
    if notice.read_at is None:
        notice.read_at = datetime.now(UTC)
        session.add(notice)
        session.commit()
        session.refresh(notice)
    return _notice_public(notice)


def _notice_public(notice: Notice) -> schemas.NoticePublic:
    assert notice.id is not None
    return schemas.NoticePublic(
        id=notice.id,
        text=notice.text,
        swap_id=notice.swap_id,
        leave_id=notice.leave_id,
        created_at=notice.created_at,
        read_at=notice.read_at,
    )
