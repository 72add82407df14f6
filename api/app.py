"""The FastAPI application: routes, error handling, and the database and job runner it runs on."""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import FastAPI, Request, status
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from pydantic import ValidationError
from sqlalchemy.exc import IntegrityError, OperationalError

from api.cache import PublishedAnswers, SignedInUsers
from api.db import make_engine, migrate
from api.errors import RuleConflict
from api.fast_reads import PublishedRosterReads
from api.jobs import JobRunner, ThreadJobRunner, mark_interrupted
from api.judging import JudgingCache
from api.routes import (
    audit,
    auth,
    forecasts,
    history,
    jobs,
    leave,
    rosters,
    rule_sets,
    scenarios,
    swaps,
    teams,
    users,
)
from api.settings import Settings
from wfm.domain.parsing import problems_from
from wfm.errors import InputError, Problem

logger = logging.getLogger(__name__)

ROUTERS = tuple(
    module.router
    for module in (
        auth,
        users,
        teams,
        leave,
        rule_sets,
        history,
        forecasts,
        rosters,
        swaps,
        scenarios,
        jobs,
        audit,
    )
)
"""Every router the app serves, mounted without a prefix (the role tests walk them route by route)."""


def _problems(problems: list[Problem]) -> list[dict[str, object]]:
    return [{k: v for k, v in vars(p).items() if v is not None} for p in problems[:200]]


def create_app(settings: Settings | None = None, runner: JobRunner | None = None) -> FastAPI:
    """The app on ``settings.database_url``, migrated to the newest schema on start."""
    settings = settings or Settings()
    engine = make_engine(settings.database_url)

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        migrate(engine)
        interrupted = mark_interrupted(engine)
        if interrupted:
            logger.warning("%d job(s) were interrupted by the last stop", interrupted)
        app.state.runner = runner or ThreadJobRunner(engine, settings.job_workers)
        try:
            yield
        finally:
            app.state.runner.shutdown()
            engine.dispose()

    app = FastAPI(
        title="wfm",
        summary="Workforce management for customer-service centres: forecast, staff, roster, publish.",
        version="0.1.0",
        lifespan=lifespan,
    )
    app.state.settings = settings
    app.state.engine = engine
    app.state.published = PublishedAnswers()
    app.state.judging = JudgingCache()
    app.state.users = SignedInUsers(engine, seconds=settings.user_cache_s)

    @app.exception_handler(InputError)
    async def input_error(_request: Request, error: InputError) -> JSONResponse:
        return JSONResponse(
            status_code=status.HTTP_422_UNPROCESSABLE_CONTENT,
            content={"detail": error.summary, "problems": _problems(error.problems)},
        )

    @app.exception_handler(RequestValidationError)
    async def request_error(_request: Request, error: RequestValidationError) -> JSONResponse:
        problems = [
            Problem(
                str(item.get("msg", "invalid")), field=".".join(str(part) for part in item.get("loc", ()))
            )
            for item in error.errors()
        ]
        return JSONResponse(
            status_code=status.HTTP_422_UNPROCESSABLE_CONTENT,
            content={"detail": "; ".join(str(p) for p in problems[:5]), "problems": _problems(problems)},
        )

    @app.exception_handler(RuleConflict)
    async def rule_conflict(_request: Request, error: RuleConflict) -> JSONResponse:
        return JSONResponse(
            status_code=status.HTTP_409_CONFLICT,
            content={"detail": error.message, "violations": error.violations},
        )

    @app.exception_handler(ValidationError)
    async def domain_error(_request: Request, error: ValidationError) -> JSONResponse:
        problems = problems_from(error)
        return JSONResponse(
            status_code=status.HTTP_422_UNPROCESSABLE_CONTENT,
            content={"detail": "; ".join(str(p) for p in problems[:5]), "problems": _problems(problems)},
        )

    @app.exception_handler(IntegrityError)
    async def conflict(_request: Request, error: IntegrityError) -> JSONResponse:
        logger.info("integrity error: %s", error.orig)
        return JSONResponse(
            status_code=status.HTTP_409_CONFLICT,
            content={"detail": "the change conflicts with data saved meanwhile; reload and try again"},
        )

    @app.exception_handler(OperationalError)
    async def busy(_request: Request, error: OperationalError) -> JSONResponse:
        logger.warning("database busy: %s", error.orig)
        return JSONResponse(
            status_code=status.HTTP_503_SERVICE_UNAVAILABLE,
            content={"detail": "the database is busy; try again"},
            headers={"Retry-After": "1"},
        )

    for router in ROUTERS:
        app.include_router(router)
    app.add_middleware(PublishedRosterReads)
    return app
