"""The published-roster read, answered in front of the router when it can be.

``GET /rosters/{id}`` of a published version is the page every agent of a team opens, and its
answer never changes (``api.cache.PublishedAnswers``). This middleware answers such a read straight
from memory when everything is already known: the token verifies, its user is remembered and active,
the answer is kept, and the user may read it. In every other case, including every error, the request
goes on to the route (``api.routes.rosters.get_roster``), which decides exactly as before and keeps
the answer for next time. So the middleware never answers anything the route would not; it only
skips the router's matching, dependency resolution and validation, which on this 2-core machine cost
more than half of the read.
"""

from __future__ import annotations

import re
from typing import Any

from starlette.types import ASGIApp, Receive, Scope, Send

from api.auth import claims_of, holds
from api.cache import PublishedAnswers, SignedInUsers
from api.tables import Role, User

ROSTER_PATH = re.compile(r"/rosters/([1-9][0-9]{0,11})")
QUERIES = {b"": False, b"kpis=false": False, b"kpis=true": True}


def may_read(user: User, team_id: int) -> bool:
    """Whether ``user`` may read a published roster of team ``team_id`` (an agent: their own team)."""
    return user.active and (user.role is not Role.AGENT or user.team_id == team_id)


class PublishedRosterReads:
    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http" and scope["method"] == "GET":
            body = self._answer(scope)
            if body is not None:
                await send({"type": "http.response.start", "status": 200, "headers": body[0]})
                await send({"type": "http.response.body", "body": body[1]})
                return
        await self.app(scope, receive, send)

    @staticmethod
    def _answer(scope: Scope) -> tuple[list[tuple[bytes, bytes]], bytes] | None:
        matched = ROSTER_PATH.fullmatch(scope["path"])
        kpis = QUERIES.get(scope["query_string"])
        if matched is None or kpis is None:
            return None
        state: Any = scope["app"].state
        published: PublishedAnswers = state.published
        answer = published.get((int(matched.group(1)), kpis))
        if answer is None:
            return None
        token = gzip = None
        for name, value in scope["headers"]:
            if name == b"authorization" and value[:7].lower() == b"bearer ":
                token = value[7:].decode("latin-1")
            elif name == b"accept-encoding":
                gzip = b"gzip" in value
        if token is None:
            return None
        claims = claims_of(token, secret=state.settings.secret_key)
        users: SignedInUsers = state.users
        user = users.get(claims.user_id) if claims is not None else None
        if user is None or claims is None or not holds(user, claims) or not may_read(user, answer.team_id):
            return None
        content = answer.gzipped if gzip else answer.body
        headers = [
            (b"content-type", b"application/json"),
            (b"content-length", str(len(content)).encode()),
            (b"vary", b"Accept-Encoding"),
        ]
        if gzip:
            headers.append((b"content-encoding", b"gzip"))
        return headers, content
