"""Users and roles (managers manage them)."""

from __future__ import annotations

from fastapi import APIRouter, HTTPException, status
from sqlmodel import col, select

from api import schemas
from api.auth import hash_password
from api.deps import Manager, SessionDep
from api.mapping import user_public
from api.schemas import ERRORS
from api.store import load_site, record
from api.tables import Role, Team, User

router = APIRouter(tags=["users"], responses=ERRORS)


@router.post("/users", response_model=schemas.UserPublic, status_code=status.HTTP_201_CREATED)
def create_user(user_in: schemas.UserCreate, manager: Manager, session: SessionDep) -> schemas.UserPublic:
    """Create a user; an agent user is tied to one agent of one team."""
    if session.exec(select(User).where(User.username == user_in.username)).first() is not None:
        raise HTTPException(status.HTTP_409_CONFLICT, detail=f"username '{user_in.username}' is taken")
    if user_in.role is Role.AGENT and (user_in.team_id is None or user_in.agent_code is None):
        raise HTTPException(
            status.HTTP_422_UNPROCESSABLE_CONTENT, detail="team_id and agent_code: an agent user needs both"
        )
    if user_in.team_id is not None:
        team = session.get(Team, user_in.team_id)
        if team is None:
            raise HTTPException(
                status.HTTP_422_UNPROCESSABLE_CONTENT, detail=f"team_id: no team {user_in.team_id}"
            )
        if user_in.agent_code is not None and user_in.agent_code not in {
            a.id for a in load_site(session, team).agents
        }:
            raise HTTPException(
                status.HTTP_422_UNPROCESSABLE_CONTENT,
                detail=f"agent_code: team {team.name} has no agent '{user_in.agent_code}'",
            )
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
    record(
        session,
        actor=manager,
        action="create",
        entity="user",
        entity_id=user.id,
        team_id=user.team_id,
        detail={"username": user.username, "role": user.role.value},
    )
    session.commit()
    session.refresh(user)
    return user_public(user)


@router.get("/users", response_model=list[schemas.UserPublic])
def list_users(manager: Manager, session: SessionDep) -> list[schemas.UserPublic]:
    """Every user."""
    return [user_public(u) for u in session.exec(select(User).order_by(col(User.id))).all()]
