"""Signing in, and what the signed-in user may see of themselves."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, HTTPException, status
from fastapi.security import OAuth2PasswordRequestForm
from sqlmodel import Session, col, select

from api import schemas
from api.auth import issue_token, password_matches
from api.deps import PathId, SessionDep, SettingsDep, UserDep
from api.mapping import roster_detail, user_public
from api.schemas import ERRORS
from api.tables import RosterState, RosterVersion, User

router = APIRouter(tags=["auth"], responses=ERRORS)


@router.post("/auth/token", response_model=schemas.Token)
def sign_in(
    form: Annotated[OAuth2PasswordRequestForm, Depends()], session: SessionDep, settings: SettingsDep
) -> schemas.Token:
    """Exchange a username and password for a bearer token."""
    user = session.exec(select(User).where(User.username == form.username)).first()
    if user is None or not user.active or not password_matches(form.password, user.password_hash):
        raise HTTPException(
            status.HTTP_401_UNAUTHORIZED,
            detail="wrong username or password",
            headers={"WWW-Authenticate": "Bearer"},
        )
    return schemas.Token(
        access_token=issue_token(user, secret=settings.secret_key, minutes=settings.token_minutes)
    )


@router.get("/me", response_model=schemas.UserPublic)
async def me(user: UserDep) -> schemas.UserPublic:
    """The signed-in user."""
    return user_public(user)


def latest_published(session: Session, team_id: PathId) -> RosterVersion | None:
    return session.exec(
        select(RosterVersion)
        .where(RosterVersion.team_id == team_id, RosterVersion.state == RosterState.PUBLISHED)
        .order_by(col(RosterVersion.published_at).desc(), col(RosterVersion.number).desc())
    ).first()


@router.get("/me/schedule", response_model=schemas.RosterDetail)
def my_schedule(user: UserDep, session: SessionDep) -> schemas.RosterDetail:
    """The signed-in agent's own days in their team's latest published roster."""
    if user.team_id is None or user.agent_code is None:
        raise HTTPException(status.HTTP_404_NOT_FOUND, detail="this user is not an agent of any team")
    version = latest_published(session, user.team_id)
    if version is None:
        raise HTTPException(status.HTTP_404_NOT_FOUND, detail="the team has no published roster yet")
    mine = [cell for cell in version.cells if cell["agent_id"] == user.agent_code]
    return roster_detail(version, mine)
