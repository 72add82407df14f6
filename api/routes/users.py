"""Users and roles (managers manage them)."""

from __future__ import annotations

from fastapi import APIRouter, HTTPException, status
from sqlmodel import col, select

from api import schemas
from api.auth import hash_password, issue_token, password_matches
from api.deps import Manager, PathId, SessionDep, SettingsDep, UserDep, UsersDep
from api.mapping import user_public
from api.schemas import ERRORS
from api.store import add_user, load_site, record
from api.tables import Role, Team, User

router = APIRouter(tags=["users"], responses=ERRORS)


def _check_membership(session: SessionDep, role: Role, team_id: int | None, agent_code: str | None) -> None:
    """An agent user is tied to one agent of one existing team (422 naming the field otherwise)."""
    if role is Role.AGENT and (team_id is None or agent_code is None):
        raise HTTPException(
            status.HTTP_422_UNPROCESSABLE_CONTENT, detail="team_id and agent_code: an agent user needs both"
        )
    if team_id is not None:
        team = session.get(Team, team_id)
        if team is None:
            raise HTTPException(status.HTTP_422_UNPROCESSABLE_CONTENT, detail=f"team_id: no team {team_id}")
        if agent_code is not None and agent_code not in {a.id for a in load_site(session, team).agents}:
            raise HTTPException(
                status.HTTP_422_UNPROCESSABLE_CONTENT,
                detail=f"agent_code: team {team.name} has no agent '{agent_code}'",
            )


@router.post("/users", response_model=schemas.UserPublic, status_code=status.HTTP_201_CREATED)
def create_user(user_in: schemas.UserCreate, manager: Manager, session: SessionDep) -> schemas.UserPublic:
    """Create a user; an agent user is tied to one agent of one team."""
    if session.exec(select(User).where(User.username == user_in.username)).first() is not None:
        raise HTTPException(status.HTTP_409_CONFLICT, detail=f"username '{user_in.username}' is taken")
    _check_membership(session, user_in.role, user_in.team_id, user_in.agent_code)
    user = add_user(session=session, user_in=user_in, actor=manager)
    return user_public(user)


@router.get("/users", response_model=list[schemas.UserPublic])
def list_users(manager: Manager, session: SessionDep) -> list[schemas.UserPublic]:
    """Every user."""
    return [user_public(u) for u in session.exec(select(User).order_by(col(User.id))).all()]


def _user(session: SessionDep, user_id: int) -> User:
    user = session.get(User, user_id)
    if user is None:
        raise HTTPException(status.HTTP_404_NOT_FOUND, detail=f"no user {user_id}")
    return user


@router.get("/users/{user_id}", response_model=schemas.UserPublic)
def get_user(user_id: PathId, manager: Manager, session: SessionDep) -> schemas.UserPublic:
    """One user."""
    return user_public(_user(session, user_id))


@router.patch("/users/{user_id}", response_model=schemas.UserPublic)
def update_user(
    user_id: PathId, changes: schemas.UserUpdate, manager: Manager, session: SessionDep, users: UsersDep
) -> schemas.UserPublic:
    """Change a user's name, role, team, agent, password, or deactivate them (which signs them out).

    The last active manager cannot be deactivated or given another role: someone must be able to
    manage users.
    """
    user = _user(session, user_id)
    given = changes.model_dump(exclude_unset=True)
    for name in ("full_name", "role", "active", "password"):  # null means "unchanged" for these
        if given.get(name) is None:
            given.pop(name, None)
    role = given.get("role", user.role)
    team_id = given.get("team_id", user.team_id)
    agent_code = given.get("agent_code", user.agent_code)
    _check_membership(session, role, team_id, agent_code)
    stays_manager = role is Role.MANAGER and given.get("active", user.active)
    if user.role is Role.MANAGER and user.active and not stays_manager:
        others = session.exec(
            select(User).where(User.role == Role.MANAGER, User.active, User.id != user.id)
        ).first()
        if others is None:
            raise HTTPException(
                status.HTTP_409_CONFLICT,
                detail=f"{user.username} is the last active manager; make another manager first",
            )
    password = given.pop("password", None)
    for name, value in given.items():
        setattr(user, name, value)
    if password is not None:
        user.password_hash = hash_password(password)
    session.add(user)
    detail = {k: (v.value if isinstance(v, Role) else v) for k, v in given.items()}
    record(
        session,
        actor=manager,
        action="update",
        entity="user",
        entity_id=user.id,
        team_id=user.team_id,
        detail=detail | ({"password": "changed"} if password is not None else {}),
    )
    session.commit()
    session.refresh(user)
    users.forget(user.id)
    return user_public(user)


@router.post("/me/password", response_model=schemas.Token)
def change_password(
    change: schemas.PasswordChange,
    user: UserDep,
    session: SessionDep,
    settings: SettingsDep,
    users: UsersDep,
) -> schemas.Token:
    """Change one's own password. Every token issued before stops working; the answer is a new one."""
    stored = _user(session, user.id or 0)
    if not password_matches(change.current_password, stored.password_hash):
        raise HTTPException(status.HTTP_403_FORBIDDEN, detail="current_password: that is not your password")
    stored.password_hash = hash_password(change.new_password)
    session.add(stored)
    record(
        session,
        actor=user,
        action="update",
        entity="user",
        entity_id=stored.id,
        team_id=stored.team_id,
        detail={"password": "changed"},
    )
    session.commit()
    session.refresh(stored)
    users.forget(stored.id)
    return schemas.Token(
        access_token=issue_token(stored, secret=settings.secret_key, minutes=settings.token_minutes)
    )
