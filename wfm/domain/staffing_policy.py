"""How a site turns workload into agents: shrinkage, occupancy cap, chat slowdown, Erlang A or C."""

from __future__ import annotations

from pydantic import Field

from wfm.domain._base import DomainModel


class StaffingPolicy(DomainModel):
    """Staffing settings of a site (DOMAIN.md: shrinkage ~27% measured, 30-35% commonly planned).

    ``shrinkage`` is the share of paid time an agent is not available for contacts (breaks, meetings,
    training, absence). ``max_occupancy`` caps the share of available time spent on contacts, so
    agents are not burnt out in long peaks. ``chat_slowdown`` is how much longer each chat takes per
    extra chat handled at the same time (0.15: at 3 chats at once each takes 30% longer than alone).
    ``use_erlang_a`` staffs phone queues whose patience is known with Erlang A (callers hang up)
    rather than Erlang C (callers wait for ever).
    """

    shrinkage: float = Field(default=0.30, ge=0.0, lt=1.0)
    max_occupancy: float = Field(default=0.85, gt=0.0, le=1.0)
    chat_slowdown: float = Field(default=0.15, ge=0.0, le=1.0)
    use_erlang_a: bool = True
