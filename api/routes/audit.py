"""The audit log: who changed what, when and why."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query
from sqlmodel import col, select

from api import schemas
from api.deps import Manager, SessionDep
from api.mapping import audit_public
from api.schemas import ERRORS, MAX_ID
from api.tables import AuditEntry

router = APIRouter(tags=["audit"], responses=ERRORS)


@router.get("/audit", response_model=list[schemas.AuditPublic])
def audit_log(
    manager: Manager,
    session: SessionDep,
    team_id: Annotated[int | None, Query(ge=1, le=MAX_ID)] = None,
    entity: Annotated[str | None, Query(max_length=40)] = None,
    limit: Annotated[int, Query(ge=1, le=1000)] = 100,
) -> list[schemas.AuditPublic]:
    """Newest entries first, optionally for one team or one kind of entity."""
    query = select(AuditEntry)
    if team_id is not None:
        query = query.where(AuditEntry.team_id == team_id)
    if entity is not None:
        query = query.where(AuditEntry.entity == entity)
    entries = session.exec(query.order_by(col(AuditEntry.id).desc()).limit(limit)).all()
    return [audit_public(e) for e in entries]
