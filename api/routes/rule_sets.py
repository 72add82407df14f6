"""Rule sets: named rules and soft weights a team keeps ready ("peak season", "quiet week").

A set is stored as written; applying it makes its rules and weights the team's own in one change.
Its rules are checked against the team's site (agents' contracts, meetings) when it is applied,
since the site may have changed since the set was written.
"""

from __future__ import annotations

from fastapi import APIRouter, HTTPException, Response, status
from pydantic import ValidationError
from sqlmodel import Session

from api import schemas
from api.deps import PathId, Scheduler, SessionDep, UserDep, team_for
from api.mapping import rule_set_public, team_public, weights_of
from api.schemas import ERRORS
from api.store import (
    add_rule_set,
    apply_rule_set,
    change_rule_set,
    delete_rule_set,
    load_site,
    rule_set_named,
    team_rule_sets,
)
from api.tables import RuleSet, Team, User
from wfm.domain import RosterRules, Site
from wfm.domain.parsing import problems_from

router = APIRouter(tags=["rule sets"], responses=ERRORS)


def _rule_set(session: Session, user: User, rule_set_id: int) -> tuple[RuleSet, Team]:
    rule_set = session.get(RuleSet, rule_set_id)
    if rule_set is None:
        raise HTTPException(status.HTTP_404_NOT_FOUND, detail=f"no rule set {rule_set_id}")
    return rule_set, team_for(session, user, rule_set.team_id)


def _unique_name(session: Session, team_id: int, name: str, rule_set_id: int | None = None) -> None:
    other = rule_set_named(session, team_id, name)
    if other is not None and other.id != rule_set_id:
        raise HTTPException(status.HTTP_409_CONFLICT, detail=f"name: the team has a rule set called '{name}'")


@router.get("/teams/{team_id}/rule-sets", response_model=list[schemas.RuleSetPublic])
def list_rule_sets(team_id: PathId, user: UserDep, session: SessionDep) -> list[schemas.RuleSetPublic]:
    """The team's rule sets, by name."""
    team_for(session, user, team_id)
    return [rule_set_public(rule_set) for rule_set in team_rule_sets(session, team_id)]


@router.post(
    "/teams/{team_id}/rule-sets", response_model=schemas.RuleSetPublic, status_code=status.HTTP_201_CREATED
)
def create_rule_set(
    team_id: PathId, rule_set_in: schemas.RuleSetCreate, user: Scheduler, session: SessionDep
) -> schemas.RuleSetPublic:
    """Add a rule set; rules or weights left out are copied from the team's in force."""
    team = team_for(session, user, team_id)
    _unique_name(session, team_id, rule_set_in.name)
    rule_set = add_rule_set(
        session=session,
        team_id=team_id,
        name=rule_set_in.name,
        description=rule_set_in.description,
        rules=rule_set_in.rules or RosterRules.model_validate(team.rules),
        weights=rule_set_in.weights or weights_of(team.weights),
        actor=user,
    )
    return rule_set_public(rule_set)


@router.get("/rule-sets/{rule_set_id}", response_model=schemas.RuleSetPublic)
def get_rule_set(rule_set_id: PathId, user: UserDep, session: SessionDep) -> schemas.RuleSetPublic:
    """One rule set."""
    rule_set, _team = _rule_set(session, user, rule_set_id)
    return rule_set_public(rule_set)


@router.put("/rule-sets/{rule_set_id}", response_model=schemas.RuleSetPublic)
def update_rule_set(
    rule_set_id: PathId, update: schemas.RuleSetUpdate, user: Scheduler, session: SessionDep
) -> schemas.RuleSetPublic:
    """Rename a rule set, or replace its description, rules or weights (what is left out is kept)."""
    rule_set, _team = _rule_set(session, user, rule_set_id)
    if update.name is not None:
        _unique_name(session, rule_set.team_id, update.name, rule_set_id)
    rule_set = change_rule_set(
        session=session,
        rule_set=rule_set,
        actor=user,
        name=update.name,
        description=update.description,
        rules=update.rules,
        weights=update.weights,
    )
    return rule_set_public(rule_set)


@router.delete("/rule-sets/{rule_set_id}", status_code=status.HTTP_204_NO_CONTENT)
def remove_rule_set(rule_set_id: PathId, user: Scheduler, session: SessionDep) -> Response:
    """Delete a rule set (the team's rules in force stay as they are)."""
    rule_set, _team = _rule_set(session, user, rule_set_id)
    delete_rule_set(session=session, rule_set=rule_set, actor=user)
    return Response(status_code=status.HTTP_204_NO_CONTENT)


@router.post("/rule-sets/{rule_set_id}/apply", response_model=schemas.TeamPublic)
def apply(rule_set_id: PathId, user: Scheduler, session: SessionDep) -> schemas.TeamPublic:
    """Make the set's rules and weights the team's in force (409 when the team's site does not allow them)."""
    rule_set, team = _rule_set(session, user, rule_set_id)
    site = load_site(session, team)
    try:
        changed = Site.model_validate(site.model_dump() | {"rules": rule_set.rules})
    except ValidationError as error:
        raise HTTPException(
            status.HTTP_409_CONFLICT,
            detail=f"rule set '{rule_set.name}' does not fit the team: "
            + "; ".join(str(p) for p in problems_from(error)),
        ) from None
    team = apply_rule_set(session=session, team=team, rule_set=rule_set, actor=user)
    return team_public(team, changed)
