"""Who is asking: hashed passwords (Argon2, via pwdlib), signed access tokens (JWT, via PyJWT) and roles.

An agent reads their own schedule and their team's published rosters and files requests for
themselves; a scheduler manages data, forecasts, requirements and rosters; a manager does what a
scheduler does, and approves, runs scenarios and manages users.
"""

from __future__ import annotations

import functools
import time
from datetime import UTC, datetime, timedelta

import jwt
from pwdlib import PasswordHash

from api.tables import Role, User

ALGORITHM = "HS256"
_hasher = PasswordHash.recommended()

SCHEDULING = frozenset({Role.SCHEDULER, Role.MANAGER})
MANAGING = frozenset({Role.MANAGER})
EVERYONE = frozenset(Role)


def hash_password(password: str) -> str:
    return _hasher.hash(password)


def password_matches(password: str, hashed: str) -> bool:
    return _hasher.verify(password, hashed)


def issue_token(user: User, *, secret: str, minutes: int, issued: datetime | None = None) -> str:
    issued = issued or datetime.now(UTC)
    claims = {
        "sub": str(user.id),
        "role": user.role.value,
        "iat": issued,
        "exp": issued + timedelta(minutes=minutes),
    }
    return jwt.encode(claims, secret, algorithm=ALGORITHM)


def user_id_from(token: str, *, secret: str) -> int | None:
    """The user a token was issued to, or ``None`` when it is forged, garbled or expired."""
    checked = _checked(token, secret)
    if checked is None or checked[1] <= time.time():
        return None
    return checked[0]


@functools.lru_cache(maxsize=4096)
def _checked(token: str, secret: str) -> tuple[int, float] | None:
    """A token's user and expiry, once its signature is verified. Each client sends the same token
    request after request; verifying it once, not every time, is a fifth of a cheap request's cost.
    The expiry is checked again on every use, by the caller."""
    try:
        claims = jwt.decode(token, secret, algorithms=[ALGORITHM], options={"require": ["sub", "exp"]})
        return int(claims["sub"]), float(claims["exp"])
    except (jwt.PyJWTError, ValueError):
        return None
