"""Who is asking: hashed passwords (Argon2, via pwdlib), signed access tokens (JWT, via PyJWT) and roles.

An agent reads their own schedule and their team's published rosters and files requests for
themselves; a scheduler manages data, forecasts, requirements and rosters; a manager does what a
scheduler does, and approves, runs scenarios and manages users. HR and the general manager decide
their steps of the approval chain of leave of three days or more, and nothing else.
"""

from __future__ import annotations

import functools
import hashlib
import time
from dataclasses import dataclass
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


def password_stamp(user: User) -> str:
    """A short fingerprint of the user's password hash, carried in their tokens: a new password
    changes it, which signs out every token issued before."""
    return hashlib.sha256(user.password_hash.encode()).hexdigest()[:16]


def issue_token(user: User, *, secret: str, minutes: int, issued: datetime | None = None) -> str:
    issued = issued or datetime.now(UTC)
    claims = {
        "sub": str(user.id),
        "role": user.role.value,
        "pw": password_stamp(user),
        "iat": issued,
        "exp": issued + timedelta(minutes=minutes),
    }
    return jwt.encode(claims, secret, algorithm=ALGORITHM)


@dataclass(frozen=True)
class TokenClaims:
    user_id: int
    stamp: str
    expires: float


def claims_of(token: str, *, secret: str) -> TokenClaims | None:
    """What a token says, or ``None`` when it is forged, garbled or expired."""
    checked = _checked(token, secret)
    if checked is None or checked.expires <= time.time():
        return None
    return checked


def holds(user: User | None, claims: TokenClaims) -> bool:
    """Whether ``user`` is the active user the token was issued to, with the same password."""
    return user is not None and user.active and password_stamp(user) == claims.stamp


@functools.lru_cache(maxsize=4096)
def _checked(token: str, secret: str) -> TokenClaims | None:
    """A token's claims, once its signature is verified. Each client sends the same token request
    after request; verifying it once, not every time, is a fifth of a cheap request's cost. The
    expiry is checked again on every use (``claims_of``)."""
    try:
        claims = jwt.decode(token, secret, algorithms=[ALGORITHM], options={"require": ["sub", "exp", "pw"]})
        return TokenClaims(int(claims["sub"]), str(claims["pw"]), float(claims["exp"]))
    except (jwt.PyJWTError, ValueError):
        return None
