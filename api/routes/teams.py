"""Teams and the reference data a roster is planned against: queues, shift templates, rules, agents.

Every change rebuilds the whole site through the domain model, so a change that would leave the site
inconsistent (an agent skilled for a deleted queue, a preference for an unknown shift) is refused
with the field at fault and nothing is saved.
"""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, HTTPException, Response, status
from pydantic import ValidationError
from sqlmodel import col, select

from api import schemas
from api.deps import PathId, Scheduler, SessionDep, UserDep, team_for
from api.mapping import (
    agent_public,
    leave_public,
    queue_public,
    team_public,
    template_public,
    weights_of,
)
from api.schemas import ERRORS
from api.store import create_team, load_site, save_site, save_weights, team_leave
from api.tables import Role, Team, User
from wfm.domain import Agent, Queue, RosterRules, ShiftTemplate, Site
from wfm.domain.parsing import problems_from
from wfm.errors import InputError, Problem

router = APIRouter(tags=["teams"], responses=ERRORS)


def _unique_name(session: SessionDep, name: str, team_id: int | None = None) -> None:
    other = session.exec(select(Team).where(Team.name == name)).first()
    if other is not None and other.id != team_id:
        raise HTTPException(status.HTTP_409_CONFLICT, detail=f"name: a team called '{name}' exists")


def _changed(site: Site, *, conflict: bool = False, **changes: Any) -> Site:
    """The site with ``changes``, validated as a whole (422, or 409 for a delete that breaks a reference)."""
    data = site.model_dump()
    data.update(changes)
    try:
        return Site.model_validate(data)
    except ValidationError as error:
        if conflict:
            raise HTTPException(
                status.HTTP_409_CONFLICT,
                detail="; ".join(str(p) for p in problems_from(error)),
            ) from None
        raise InputError("the site would not be consistent", problems_from(error)) from None


@router.post("/teams", response_model=schemas.TeamPublic, status_code=status.HTTP_201_CREATED)
def create_from_site(site: Site, user: Scheduler, session: SessionDep) -> schemas.TeamPublic:
    """Create a team from a whole site (as in ``site.json``)."""
    _unique_name(session, site.name)
    team = create_team(session=session, site=site, leave=(), actor=user)
    return team_public(team, site)


@router.post("/teams/sample", response_model=schemas.TeamPublic, status_code=status.HTTP_201_CREATED)
def create_from_sample(
    sample: schemas.TeamSample, user: Scheduler, session: SessionDep
) -> schemas.TeamPublic:
    """Create a team from the bundled sample centre: its site, team and approved leave."""
    from wfm.sample_centre import load_sample_plan

    _unique_name(session, sample.name)
    site, _horizon, leave = load_sample_plan()
    site = site.model_copy(update={"name": sample.name})
    team = create_team(session=session, site=site, leave=leave, actor=user)
    return team_public(team, site)


def _visible_teams(session: SessionDep, user: User) -> list[Team]:
    query = select(Team).order_by(col(Team.id))
    if user.role is Role.AGENT:
        query = query.where(Team.id == user.team_id)
    return list(session.exec(query).all())


@router.get("/teams", response_model=list[schemas.TeamPublic])
def list_teams(user: UserDep, session: SessionDep) -> list[schemas.TeamPublic]:
    """Teams the user may see."""
    return [team_public(team, load_site(session, team)) for team in _visible_teams(session, user)]


@router.get("/teams/{team_id}", response_model=schemas.TeamPublic)
def get_team(team_id: PathId, user: UserDep, session: SessionDep) -> schemas.TeamPublic:
    """One team."""
    team = team_for(session, user, team_id)
    return team_public(team, load_site(session, team))


@router.get("/teams/{team_id}/site", response_model=schemas.TeamSite)
def get_site(team_id: PathId, user: Scheduler, session: SessionDep) -> schemas.TeamSite:
    """The whole site, as the solver sees it."""
    team = team_for(session, user, team_id)
    assert team.id is not None
    return schemas.TeamSite(id=team.id, revision=team.revision, site=load_site(session, team))


@router.patch("/teams/{team_id}", response_model=schemas.TeamPublic)
def update_team(
    team_id: PathId, update: schemas.TeamUpdate, user: Scheduler, session: SessionDep
) -> schemas.TeamPublic:
    """Change a team's name, time zone, opening hours, interval or staffing policy."""
    team = team_for(session, user, team_id)
    changes = update.model_dump(exclude_unset=True, exclude_none=True)
    if "name" in changes:
        _unique_name(session, changes["name"], team_id)
    site = _changed(load_site(session, team), **changes)
    team = save_site(
        session=session,
        team=team,
        site=site,
        actor=user,
        action="update",
        entity="team",
        entity_id=team_id,
        detail={"changed": sorted(changes)},
    )
    return team_public(team, site)


@router.get("/teams/{team_id}/rules", response_model=RosterRules)
def get_rules(team_id: PathId, user: UserDep, session: SessionDep) -> RosterRules:
    """The rules every roster of the team is judged by."""
    return load_site(session, team_for(session, user, team_id)).rules


@router.put("/teams/{team_id}/rules", response_model=RosterRules)
def put_rules(team_id: PathId, rules: RosterRules, user: Scheduler, session: SessionDep) -> RosterRules:
    """Replace the team's rules."""
    team = team_for(session, user, team_id)
    site = _changed(load_site(session, team), rules=rules)
    save_site(
        session=session,
        team=team,
        site=site,
        actor=user,
        action="update",
        entity="rules",
        entity_id=team_id,
        detail={"rules": rules.model_dump(mode="json")},
    )
    return site.rules


@router.get("/teams/{team_id}/weights", response_model=schemas.Weights)
def get_weights(team_id: PathId, user: UserDep, session: SessionDep) -> schemas.Weights:
    """What each soft rule costs when the team's rosters are solved and judged."""
    return weights_of(team_for(session, user, team_id).weights)


@router.put("/teams/{team_id}/weights", response_model=schemas.Weights)
def put_weights(
    team_id: PathId, weights: schemas.Weights, user: Scheduler, session: SessionDep
) -> schemas.Weights:
    """Replace the team's soft weights (the next solve and hand edit use them)."""
    team = save_weights(session=session, team=team_for(session, user, team_id), weights=weights, actor=user)
    return weights_of(team.weights)


# --- agents -------------------------------------------------------------------------------------


def _agent(site: Site, agent_id: str) -> Agent:
    for agent in site.agents:
        if agent.id == agent_id:
            return agent
    raise HTTPException(status.HTTP_404_NOT_FOUND, detail=f"no agent '{agent_id}' in team {site.name}")


@router.get("/teams/{team_id}/agents", response_model=list[schemas.AgentPublic])
def list_agents(team_id: PathId, user: UserDep, session: SessionDep) -> list[schemas.AgentPublic]:
    """The team's agents."""
    site = load_site(session, team_for(session, user, team_id))
    return [agent_public(team_id, agent) for agent in site.agents]


@router.get("/teams/{team_id}/agents/{agent_id}", response_model=schemas.AgentPublic)
def get_agent(team_id: PathId, agent_id: str, user: UserDep, session: SessionDep) -> schemas.AgentPublic:
    """One agent."""
    site = load_site(session, team_for(session, user, team_id))
    return agent_public(team_id, _agent(site, agent_id))


@router.post(
    "/teams/{team_id}/agents", response_model=schemas.AgentPublic, status_code=status.HTTP_201_CREATED
)
def create_agent(team_id: PathId, agent: Agent, user: Scheduler, session: SessionDep) -> schemas.AgentPublic:
    """Add an agent."""
    team = team_for(session, user, team_id)
    site = load_site(session, team)
    if any(a.id == agent.id for a in site.agents):
        raise HTTPException(status.HTTP_409_CONFLICT, detail=f"id: agent '{agent.id}' exists")
    changed = _changed(site, agents=(*site.agents, agent))
    save_site(
        session=session,
        team=team,
        site=changed,
        actor=user,
        action="create",
        entity="agent",
        entity_id=agent.id,
    )
    return agent_public(team_id, agent)


@router.put("/teams/{team_id}/agents/{agent_id}", response_model=schemas.AgentPublic)
def replace_agent(
    team_id: PathId, agent_id: str, agent: Agent, user: Scheduler, session: SessionDep
) -> schemas.AgentPublic:
    """Replace an agent's details (the id in the body must match the path)."""
    team = team_for(session, user, team_id)
    site = load_site(session, team)
    _agent(site, agent_id)
    if agent.id != agent_id:
        raise InputError(
            "agent refused", [Problem(f"'{agent.id}' does not match the path's '{agent_id}'", field="id")]
        )
    changed = _changed(site, agents=tuple(agent if a.id == agent_id else a for a in site.agents))
    save_site(
        session=session,
        team=team,
        site=changed,
        actor=user,
        action="update",
        entity="agent",
        entity_id=agent_id,
    )
    return agent_public(team_id, agent)


@router.delete("/teams/{team_id}/agents/{agent_id}", status_code=status.HTTP_204_NO_CONTENT)
def delete_agent(team_id: PathId, agent_id: str, user: Scheduler, session: SessionDep) -> Response:
    """Remove an agent from the team (published rosters keep their days)."""
    team = team_for(session, user, team_id)
    site = load_site(session, team)
    _agent(site, agent_id)
    changed = _changed(site, conflict=True, agents=tuple(a for a in site.agents if a.id != agent_id))
    save_site(
        session=session,
        team=team,
        site=changed,
        actor=user,
        action="delete",
        entity="agent",
        entity_id=agent_id,
    )
    return Response(status_code=status.HTTP_204_NO_CONTENT)


# --- queues -------------------------------------------------------------------------------------


def _queue(site: Site, code: str) -> Queue:
    for queue in site.queues:
        if queue.code == code:
            return queue
    raise HTTPException(status.HTTP_404_NOT_FOUND, detail=f"no queue '{code}' in team {site.name}")


@router.get("/teams/{team_id}/queues", response_model=list[schemas.QueuePublic])
def list_queues(team_id: PathId, user: UserDep, session: SessionDep) -> list[schemas.QueuePublic]:
    """The team's queues."""
    site = load_site(session, team_for(session, user, team_id))
    return [queue_public(team_id, q) for q in site.queues]


@router.get("/teams/{team_id}/queues/{code}", response_model=schemas.QueuePublic)
def get_queue(team_id: PathId, code: str, user: UserDep, session: SessionDep) -> schemas.QueuePublic:
    """One queue."""
    return queue_public(team_id, _queue(load_site(session, team_for(session, user, team_id)), code))


@router.post(
    "/teams/{team_id}/queues", response_model=schemas.QueuePublic, status_code=status.HTTP_201_CREATED
)
def create_queue(team_id: PathId, queue: Queue, user: Scheduler, session: SessionDep) -> schemas.QueuePublic:
    """Add a queue."""
    team = team_for(session, user, team_id)
    site = load_site(session, team)
    if any(q.code == queue.code for q in site.queues):
        raise HTTPException(status.HTTP_409_CONFLICT, detail=f"code: queue '{queue.code}' exists")
    changed = _changed(site, queues=(*site.queues, queue))
    save_site(
        session=session,
        team=team,
        site=changed,
        actor=user,
        action="create",
        entity="queue",
        entity_id=queue.code,
    )
    return queue_public(team_id, queue)


@router.put("/teams/{team_id}/queues/{code}", response_model=schemas.QueuePublic)
def replace_queue(
    team_id: PathId, code: str, queue: Queue, user: Scheduler, session: SessionDep
) -> schemas.QueuePublic:
    """Replace a queue's settings (the code in the body must match the path)."""
    team = team_for(session, user, team_id)
    site = load_site(session, team)
    _queue(site, code)
    if queue.code != code:
        raise InputError(
            "queue refused", [Problem(f"'{queue.code}' does not match the path's '{code}'", field="code")]
        )
    changed = _changed(site, queues=tuple(queue if q.code == code else q for q in site.queues))
    save_site(
        session=session, team=team, site=changed, actor=user, action="update", entity="queue", entity_id=code
    )
    return queue_public(team_id, queue)


@router.delete("/teams/{team_id}/queues/{code}", status_code=status.HTTP_204_NO_CONTENT)
def delete_queue(team_id: PathId, code: str, user: Scheduler, session: SessionDep) -> Response:
    """Remove a queue no agent is skilled for (409 otherwise)."""
    team = team_for(session, user, team_id)
    site = load_site(session, team)
    _queue(site, code)
    changed = _changed(site, conflict=True, queues=tuple(q for q in site.queues if q.code != code))
    save_site(
        session=session, team=team, site=changed, actor=user, action="delete", entity="queue", entity_id=code
    )
    return Response(status_code=status.HTTP_204_NO_CONTENT)


# --- shift templates ----------------------------------------------------------------------------


def _template(site: Site, code: str) -> ShiftTemplate:
    for template in site.shift_templates:
        if template.code == code:
            return template
    raise HTTPException(status.HTTP_404_NOT_FOUND, detail=f"no shift template '{code}' in team {site.name}")


@router.get("/teams/{team_id}/shift-templates", response_model=list[schemas.ShiftTemplatePublic])
def list_templates(team_id: PathId, user: UserDep, session: SessionDep) -> list[schemas.ShiftTemplatePublic]:
    """The team's shift templates."""
    site = load_site(session, team_for(session, user, team_id))
    return [template_public(team_id, t) for t in site.shift_templates]


@router.get("/teams/{team_id}/shift-templates/{code}", response_model=schemas.ShiftTemplatePublic)
def get_template(
    team_id: PathId, code: str, user: UserDep, session: SessionDep
) -> schemas.ShiftTemplatePublic:
    """One shift template."""
    return template_public(team_id, _template(load_site(session, team_for(session, user, team_id)), code))


@router.post(
    "/teams/{team_id}/shift-templates",
    response_model=schemas.ShiftTemplatePublic,
    status_code=status.HTTP_201_CREATED,
)
def create_template(
    team_id: PathId, template: ShiftTemplate, user: Scheduler, session: SessionDep
) -> schemas.ShiftTemplatePublic:
    """Add a shift template."""
    team = team_for(session, user, team_id)
    site = load_site(session, team)
    if any(t.code == template.code for t in site.shift_templates):
        raise HTTPException(status.HTTP_409_CONFLICT, detail=f"code: shift template '{template.code}' exists")
    changed = _changed(site, shift_templates=(*site.shift_templates, template))
    save_site(
        session=session,
        team=team,
        site=changed,
        actor=user,
        action="create",
        entity="shift_template",
        entity_id=template.code,
    )
    return template_public(team_id, template)


@router.put("/teams/{team_id}/shift-templates/{code}", response_model=schemas.ShiftTemplatePublic)
def replace_template(
    team_id: PathId, code: str, template: ShiftTemplate, user: Scheduler, session: SessionDep
) -> schemas.ShiftTemplatePublic:
    """Replace a shift template (the code in the body must match the path)."""
    team = team_for(session, user, team_id)
    site = load_site(session, team)
    _template(site, code)
    if template.code != code:
        raise InputError(
            "shift template refused",
            [Problem(f"'{template.code}' does not match the path's '{code}'", field="code")],
        )
    changed = _changed(
        site, shift_templates=tuple(template if t.code == code else t for t in site.shift_templates)
    )
    save_site(
        session=session,
        team=team,
        site=changed,
        actor=user,
        action="update",
        entity="shift_template",
        entity_id=code,
    )
    return template_public(team_id, template)


@router.delete("/teams/{team_id}/shift-templates/{code}", status_code=status.HTTP_204_NO_CONTENT)
def delete_template(team_id: PathId, code: str, user: Scheduler, session: SessionDep) -> Response:
    """Remove a shift template nothing refers to (409 otherwise)."""
    team = team_for(session, user, team_id)
    site = load_site(session, team)
    _template(site, code)
    changed = _changed(
        site, conflict=True, shift_templates=tuple(t for t in site.shift_templates if t.code != code)
    )
    save_site(
        session=session,
        team=team,
        site=changed,
        actor=user,
        action="delete",
        entity="shift_template",
        entity_id=code,
    )
    return Response(status_code=status.HTTP_204_NO_CONTENT)


@router.get("/teams/{team_id}/leave", response_model=list[schemas.LeavePublic])
def list_leave(team_id: PathId, user: Scheduler, session: SessionDep) -> list[schemas.LeavePublic]:
    """The team's leave."""
    team_for(session, user, team_id)
    return [leave_public(row) for row in team_leave(session, team_id)]
