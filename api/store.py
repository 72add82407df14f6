"""Repository functions: every read and write of the database the routes and jobs need, in one place.

Each function that changes data records an audit entry in the same transaction and commits once, so
a change and its audit entry land together or not at all.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

from sqlmodel import Session, col, func, or_, select

from api.mapping import body, cells_body, site_of, team_settings
from api.schemas import Weights
from api.tables import (
    AgentRow,
    AuditEntry,
    LeaveRow,
    Notice,
    Pin,
    QueueRow,
    Role,
    RosterState,
    RosterVersion,
    RuleSet,
    ShiftTemplateRow,
    Team,
    User,
)
from wfm.domain import LeaveRequest, LeaveStatus, PlanningHorizon, Roster, RosterCell, RosterRules, Site

if TYPE_CHECKING:
    from api.schemas import UserCreate


@dataclass(frozen=True)
class Actor:
    """Who acts, detached from any session (a background job outlives the request's session)."""

    id: int | None
    username: str


def actor_of(user: User) -> Actor:
    return Actor(user.id, user.username)


def record(
    session: Session,
    *,
    actor: User | Actor | None,
    action: str,
    entity: str,
    entity_id: object,
    team_id: int | None,
    detail: dict[str, Any] | None = None,
    reason: str = "",
) -> None:
    """Add an audit entry to the session (committed with the change it describes)."""
    session.add(
        AuditEntry(
            user_id=actor.id if actor else None,
            username=actor.username if actor else "system",
            action=action,
            entity=entity,
            entity_id=str(entity_id),
            team_id=team_id,
            detail=detail or {},
            reason=reason,
        )
    )


def add_user(*, session: Session, user_in: UserCreate, actor: User | Actor | None, how: str = "") -> User:
    """Store a new user (password hashed) with its audit entry, and commit."""
    from api.auth import hash_password

    user = User(
        username=user_in.username,
        full_name=user_in.full_name,
        role=user_in.role,
        team_id=user_in.team_id,
        agent_code=user_in.agent_code,
        password_hash=hash_password(user_in.password),
    )
    session.add(user)
    session.flush()
    detail = {"username": user.username, "role": user.role.value} | ({"by": how} if how else {})
    record(
        session,
        actor=actor,
        action="create",
        entity="user",
        entity_id=user.id,
        team_id=user.team_id,
        detail=detail,
    )
    session.commit()
    session.refresh(user)
    return user


def site_rows(
    session: Session, team_id: int
) -> tuple[list[QueueRow], list[ShiftTemplateRow], list[AgentRow]]:
    queues = session.exec(
        select(QueueRow).where(QueueRow.team_id == team_id).order_by(col(QueueRow.id))
    ).all()
    templates = session.exec(
        select(ShiftTemplateRow).where(ShiftTemplateRow.team_id == team_id).order_by(col(ShiftTemplateRow.id))
    ).all()
    agents = session.exec(
        select(AgentRow).where(AgentRow.team_id == team_id).order_by(col(AgentRow.id))
    ).all()
    return list(queues), list(templates), list(agents)


def load_site(session: Session, team: Team) -> Site:
    assert team.id is not None
    return site_of(team, *site_rows(session, team.id))


def _sync_rows(session: Session, team_id: int, site: Site) -> None:
    """Make the team's item rows match the site: update by code, add new, delete removed."""
    queues, templates, agents = site_rows(session, team_id)
    wanted: list[tuple[Sequence[Any], dict[str, Any], Any]] = [
        (queues, {q.code: q for q in site.queues}, QueueRow),
        (templates, {t.code: t for t in site.shift_templates}, ShiftTemplateRow),
        (agents, {a.id: a for a in site.agents}, AgentRow),
    ]
    for rows, items, table in wanted:
        existing = {row.code: row for row in rows}
        for code, row in existing.items():
            if code not in items:
                session.delete(row)
        for code, item in items.items():
            row = existing.get(code)
            extra = {"name": item.name} if table is AgentRow else {}
            if row is None:
                session.add(table(team_id=team_id, code=code, body=body(item), **extra))
            else:
                row.body = body(item)
                for key, value in extra.items():
                    setattr(row, key, value)
                session.add(row)


def create_team(*, session: Session, site: Site, leave: Sequence[LeaveRequest], actor: User) -> Team:
    team = Team(**team_settings(site), weights=body(Weights()))
    session.add(team)
    session.flush()
    assert team.id is not None
    _sync_rows(session, team.id, site)
    for request in leave:
        session.add(LeaveRow(team_id=team.id, agent_code=request.agent_id, body=body(request)))
    record(
        session,
        actor=actor,
        action="create",
        entity="team",
        entity_id=team.id,
        team_id=team.id,
        detail={"name": site.name, "agents": len(site.agents), "leave": len(leave)},
    )
    session.commit()
    session.refresh(team)
    return team


def save_site(
    *,
    session: Session,
    team: Team,
    site: Site,
    actor: User,
    action: str,
    entity: str,
    entity_id: object,
    detail: dict[str, Any] | None = None,
) -> Team:
    """Store a changed site (already validated as a whole) and audit the change."""
    assert team.id is not None
    for key, value in team_settings(site).items():
        setattr(team, key, value)
    team.revision += 1
    team.updated_at = datetime.now(UTC)
    session.add(team)
    _sync_rows(session, team.id, site)
    record(
        session,
        actor=actor,
        action=action,
        entity=entity,
        entity_id=entity_id,
        team_id=team.id,
        detail=detail,
    )
    session.commit()
    session.refresh(team)
    return team


def team_leave(session: Session, team_id: int) -> list[LeaveRow]:
    return list(
        session.exec(select(LeaveRow).where(LeaveRow.team_id == team_id).order_by(col(LeaveRow.id))).all()
    )


def team_pins(session: Session, team_id: int, horizon: PlanningHorizon) -> list[RosterCell]:
    """The team's pinned cells inside ``horizon`` that no manager has released (approved swaps')."""
    pins = session.exec(
        select(Pin)
        .where(
            Pin.team_id == team_id,
            col(Pin.released_at).is_(None),
            Pin.day >= horizon.start,
            Pin.day <= horizon.end,
        )
        .order_by(col(Pin.id))
    ).all()
    return [
        RosterCell.model_validate({**pin.cell, "agent_id": pin.agent_code, "day": pin.day}) for pin in pins
    ]


def overlapping_leave(session: Session, request: LeaveRequest, team_id: int) -> LeaveRow | None:
    """Leave of the same agent, still asked for or approved, sharing a day with ``request``."""
    for row in team_leave(session, team_id):
        other = LeaveRequest.model_validate(row.body)
        if (
            row.agent_code == request.agent_id
            and other.status is not LeaveStatus.DENIED
            and other.first_day <= request.last_day
            and request.first_day <= other.last_day
        ):
            return row
    return None


def users_in_role(session: Session, role: Role, team_id: int) -> list[User]:
    """Active users holding ``role`` for the team (of the team, or of no team: the whole centre's)."""
    of_team = or_(col(User.team_id) == team_id, col(User.team_id).is_(None))
    return list(
        session.exec(select(User).where(User.role == role, User.active, of_team).order_by(col(User.id))).all()
    )


def agent_users(session: Session, team_id: int, agent_code: str) -> list[User]:
    """The active users signed in as the agent ``agent_code`` of the team."""
    return list(
        session.exec(
            select(User)
            .where(
                User.role == Role.AGENT, User.active, User.team_id == team_id, User.agent_code == agent_code
            )
            .order_by(col(User.id))
        ).all()
    )


def users_named(session: Session, usernames: Sequence[str]) -> list[User]:
    if not usernames:
        return []
    return list(session.exec(select(User).where(col(User.username).in_(list(usernames)))).all())


def notify(session: Session, users: Sequence[User], text: str, *, leave_id: int | None = None) -> None:
    """Put ``text`` in each user's inbox once (added to the session, committed with the change)."""
    seen: set[int] = set()
    for user in users:
        if user.id is not None and user.id not in seen:
            seen.add(user.id)
            session.add(Notice(user_id=user.id, text=text[:2000], leave_id=leave_id))


def save_leave(
    *,
    session: Session,
    team_id: int,
    request: LeaveRequest,
    actor: User,
    action: str,
    row: LeaveRow | None = None,
    notices: Sequence[tuple[Sequence[User], str]] = (),
    reason: str = "",
) -> LeaveRow:
    """Store new leave (``row`` None) or its new state, audit it, send ``notices`` (who, what) about
    it, and commit once."""
    if row is None:
        row = LeaveRow(team_id=team_id, agent_code=request.agent_id, body=body(request))
    else:
        row.body = body(request)
    session.add(row)
    session.flush()
    record(
        session,
        actor=actor,
        action=action,
        entity="leave",
        entity_id=row.id,
        team_id=team_id,
        detail={
            "agent_id": request.agent_id,
            "leave_type": request.leave_type.value,
            "first_day": request.first_day.isoformat(),
            "last_day": request.last_day.isoformat(),
            "status": request.status.value,
            "decisions": len(request.decisions),
            "medical_certificate": request.medical_certificate,
            "written_request": request.written_request,
        },
        reason=reason,
    )
    for users, text in notices:
        notify(session, users, text, leave_id=row.id)
    session.commit()
    session.refresh(row)
    return row


def next_roster_number(session: Session, team_id: int) -> int:
    highest = session.exec(
        select(func.max(RosterVersion.number)).where(RosterVersion.team_id == team_id)
    ).one()
    return int(highest or 0) + 1


def add_roster_version(
    *,
    session: Session,
    team_id: int,
    roster: Roster,
    actor: User | Actor | None,
    requirement_id: int | None,
    parent_id: int | None,
    solve: dict[str, Any] | None,
    kpis: dict[str, Any] | None,
    violations: list[str],
    note: str,
    reason: str = "",
) -> RosterVersion:
    """A new draft version (not committed: the caller commits it with whatever made it)."""
    version = RosterVersion(
        team_id=team_id,
        number=next_roster_number(session, team_id),
        state=RosterState.DRAFT,
        start=roster.horizon.start,
        days=roster.horizon.days,
        requirement_id=requirement_id,
        parent_id=parent_id,
        cells=cells_body(roster),
        solve=solve,
        kpis=kpis,
        violations=violations,
        note=note,
        created_by=actor.id if actor else None,
    )
    session.add(version)
    session.flush()
    record(
        session,
        actor=actor,
        action="create",
        entity="roster",
        entity_id=version.id,
        team_id=team_id,
        detail={"number": version.number, "parent_id": parent_id, "note": note},
        reason=reason,
    )
    return version


def _touch(team: Team) -> None:
    """A new revision of the team's settings."""
    team.revision += 1
    team.updated_at = datetime.now(UTC)


def save_weights(*, session: Session, team: Team, weights: Weights, actor: User) -> Team:
    """Put ``weights`` in force on the team and audit the change."""
    team.weights = body(weights)
    _touch(team)
    session.add(team)
    record(
        session,
        actor=actor,
        action="update",
        entity="weights",
        entity_id=team.id,
        team_id=team.id,
        detail={"weights": team.weights},
    )
    session.commit()
    session.refresh(team)
    return team


def team_rule_sets(session: Session, team_id: int) -> list[RuleSet]:
    return list(
        session.exec(select(RuleSet).where(RuleSet.team_id == team_id).order_by(col(RuleSet.name))).all()
    )


def rule_set_named(session: Session, team_id: int, name: str) -> RuleSet | None:
    return session.exec(select(RuleSet).where(RuleSet.team_id == team_id, RuleSet.name == name)).first()


def add_rule_set(
    *,
    session: Session,
    team_id: int,
    name: str,
    description: str,
    rules: RosterRules,
    weights: Weights,
    actor: User,
) -> RuleSet:
    """Store a new rule set of the team with its audit entry, and commit."""
    rule_set = RuleSet(
        team_id=team_id, name=name, description=description, rules=body(rules), weights=body(weights)
    )
    session.add(rule_set)
    session.flush()
    record(
        session,
        actor=actor,
        action="create",
        entity="rule_set",
        entity_id=rule_set.id,
        team_id=team_id,
        detail={"name": name},
    )
    session.commit()
    session.refresh(rule_set)
    return rule_set


def change_rule_set(
    *,
    session: Session,
    rule_set: RuleSet,
    actor: User,
    name: str | None = None,
    description: str | None = None,
    rules: RosterRules | None = None,
    weights: Weights | None = None,
) -> RuleSet:
    """Rename a rule set or replace its parts (``None``: kept), audit the change, and commit."""
    changes: dict[str, Any] = {
        "name": name,
        "description": description,
        "rules": body(rules) if rules is not None else None,
        "weights": body(weights) if weights is not None else None,
    }
    changed = sorted(key for key, value in changes.items() if value is not None)
    for key in changed:
        setattr(rule_set, key, changes[key])
    rule_set.updated_at = datetime.now(UTC)
    session.add(rule_set)
    record(
        session,
        actor=actor,
        action="update",
        entity="rule_set",
        entity_id=rule_set.id,
        team_id=rule_set.team_id,
        detail={"name": rule_set.name, "changed": changed},
    )
    session.commit()
    session.refresh(rule_set)
    return rule_set


def delete_rule_set(*, session: Session, rule_set: RuleSet, actor: User) -> None:
    record(
        session,
        actor=actor,
        action="delete",
        entity="rule_set",
        entity_id=rule_set.id,
        team_id=rule_set.team_id,
        detail={"name": rule_set.name},
    )
    session.delete(rule_set)
    session.commit()


def apply_rule_set(*, session: Session, team: Team, rule_set: RuleSet, actor: User) -> Team:
    """Make the set's rules and weights the team's own (one transaction, one new revision), audited.

    The caller has checked the rules against the team's site as a whole.
    """
    team.rules = dict(rule_set.rules)
    team.weights = dict(rule_set.weights)
    _touch(team)
    session.add(team)
    record(
        session,
        actor=actor,
        action="apply",
        entity="rule_set",
        entity_id=rule_set.id,
        team_id=team.id,
        detail={"name": rule_set.name, "revision": team.revision},
    )
    session.commit()
    session.refresh(team)
    return team
