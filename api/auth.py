"""Who is asking: hashed passwords (Argon2, via pwdlib), signed access tokens (JWT, via PyJWT) and roles.

An agent reads their own schedule and their team's published rosters and files requests for
themselves; a scheduler manages data, forecasts, requirements and rosters; a manager does what a
scheduler does, and approves, runs scenarios and manages users.
"""

from __future__ import annotations

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
    try:
        claims = jwt.decode(token, secret, algorithms=[ALGORITHM], options={"require": ["sub", "exp"]})
        return int(claims["sub"])
    except (jwt.PyJWTError, ValueError):
        return None
