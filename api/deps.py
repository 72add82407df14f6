"""Request dependencies: the session, the signed-in user, role checks and team access.

Dependencies that never block are ``async def``, so FastAPI runs them on the event loop instead of
handing each to its thread pool: every thread hop costs a signed-in request a turn at the GIL among
the pool's threads, which under load cost more than the work itself. The signed-in user comes from
:class:`~api.cache.SignedInUsers` (a few seconds' memory of each user), so a request that needs no
other data touches neither the database nor the thread pool.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable, Coroutine
from datetime import date, datetime
from typing import Annotated
from zoneinfo import ZoneInfo

from fastapi import Depends, HTTPException, Path, Request, status
from fastapi.security import OAuth2PasswordBearer
from sqlmodel import Session
from starlette.concurrency import run_in_threadpool

from api.auth import claims_of, holds
from api.cache import PublishedAnswers, SignedInUsers
from api.jobs import JobRunner
from api.schemas import MAX_ID
from api.settings import Settings
from api.tables import Role, Team, User

PathId = Annotated[int, Path(ge=1, le=MAX_ID, description="A stored object's id")]

oauth2 = OAuth2PasswordBearer(tokenUrl="/auth/token", auto_error=False)


async def get_settings(request: Request) -> Settings:
    settings: Settings = request.app.state.settings
    return settings


async def get_session(request: Request) -> AsyncIterator[Session]:
    """A session for the request; it takes a connection only when a query runs (in the thread pool)."""
    with Session(request.app.state.engine) as session:
        yield session


async def get_runner(request: Request) -> JobRunner:
    runner: JobRunner = request.app.state.runner
    return runner


async def get_published(request: Request) -> PublishedAnswers:
    answers: PublishedAnswers = request.app.state.published
    return answers


async def get_users(request: Request) -> SignedInUsers:
    users: SignedInUsers = request.app.state.users
    return users


SessionDep = Annotated[Session, Depends(get_session)]
UsersDep = Annotated[SignedInUsers, Depends(get_users)]
PublishedDep = Annotated[PublishedAnswers, Depends(get_published)]
SettingsDep = Annotated[Settings, Depends(get_settings)]
RunnerDep = Annotated[JobRunner, Depends(get_runner)]

UNAUTHORIZED = HTTPException(
    status_code=status.HTTP_401_UNAUTHORIZED,
    detail="sign in first: send 'Authorization: Bearer <token>' from POST /auth/token",
    headers={"WWW-Authenticate": "Bearer"},
)


async def current_user(
    request: Request, settings: SettingsDep, token: Annotated[str | None, Depends(oauth2)]
) -> User:
    """The active user the bearer token was issued to (a detached row: read it, don't save it)."""
    if not token:
        raise UNAUTHORIZED
    claims = claims_of(token, secret=settings.secret_key)
    if claims is None:
        raise UNAUTHORIZED
    users: SignedInUsers = request.app.state.users
    user = users.get(claims.user_id)
    if user is None:
        user = await run_in_threadpool(users.load, claims.user_id)
    if user is None or not holds(user, claims):
        raise UNAUTHORIZED
    return user


UserDep = Annotated[User, Depends(current_user)]


def require(*roles: Role) -> Callable[[User], Coroutine[None, None, User]]:
    allowed = frozenset(roles)

    async def check(user: UserDep) -> User:
        if user.role not in allowed:
            names = " or ".join(sorted(role.value for role in allowed))
            raise HTTPException(status.HTTP_403_FORBIDDEN, detail=f"only a {names} may do this")
        return user

    setattr(check, "allowed_roles", allowed)  # noqa: B010  (read by the role tests, per route)
    return check


Scheduler = Annotated[User, Depends(require(Role.SCHEDULER, Role.MANAGER))]
Manager = Annotated[User, Depends(require(Role.MANAGER))]
LeaveDecider = Annotated[User, Depends(require(Role.MANAGER, Role.HR, Role.GENERAL_MANAGER))]
"""Who decides a step of leave's approval chain (which step is checked against the role)."""
Staff = Annotated[User, Depends(require(Role.AGENT, Role.SCHEDULER, Role.MANAGER))]
"""The people of the rostering itself (not HR or the general manager): swaps, for instance."""
LeaveFiler = Staff
"""Who files leave and its paperwork: an agent for themself, a scheduler or manager for an agent."""


def today_at(settings: Settings, team: Team) -> date:
    """Today's date in the team's time zone (or ``settings.today`` when a demo or test fixes it)."""
    if settings.today is not None:
        return settings.today
    return datetime.now(ZoneInfo(team.timezone)).date()


def team_for(session: Session, user: User, team_id: int) -> Team:
    """The team, when it exists and the user may see it (an agent sees only their own team)."""
    team = session.get(Team, team_id)
    if team is None:
        raise HTTPException(status.HTTP_404_NOT_FOUND, detail=f"no team {team_id}")
    if user.role is Role.AGENT and user.team_id != team_id:
        raise HTTPException(status.HTTP_403_FORBIDDEN, detail="an agent sees only their own team")
    return team
