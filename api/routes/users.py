"""Users and roles (managers manage them)."""

from __future__ import annotations

from fastapi import APIRouter, HTTPException, status
from sqlmodel import col, select

from api import schemas
from api.deps import Manager, SessionDep
from api.mapping import user_public
from api.schemas import ERRORS
from api.store import add_user, load_site
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
    user = add_user(session=session, user_in=user_in, actor=manager)
    return user_public(user)


@router.get("/users", response_model=list[schemas.UserPublic])
def list_users(manager: Manager, session: SessionDep) -> list[schemas.UserPublic]:
    """Every user."""
    return [user_public(u) for u in session.exec(select(User).order_by(col(User.id))).all()]
