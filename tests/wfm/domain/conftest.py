"""Small builders shared by the domain tests: a two-queue, two-shift site like the manuals describe."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from wfm.domain import Agent, Queue, ServiceTarget, ShiftTemplate, Site

SiteFactory = Callable[..., Site]


@pytest.fixture
def hotline() -> Queue:
    return Queue(
        code="hotline",
        name="After-sales hotline",
        channel="phone",
        service_target=ServiceTarget(share=0.8, answer_within_s=20),
        aht_s=240.0,
        patience_s=90.0,
    )


@pytest.fixture
def presales_chat() -> Queue:
    return Queue(
        code="presales_chat",
        name="Pre-sales chat",
        channel="chat",
        service_target=ServiceTarget(share=0.95, answer_within_s=30),
        aht_s=540.0,
        concurrency=5,
    )


@pytest.fixture
def early() -> ShiftTemplate:
    return ShiftTemplate.from_clock("early", "08:30", "17:30", name="Early", unpaid_break_minutes=60)


@pytest.fixture
def late() -> ShiftTemplate:
    return ShiftTemplate.from_clock("late", "15:00", "24:00", name="Late", unpaid_break_minutes=60)


@pytest.fixture
def make_site(hotline: Queue, presales_chat: Queue, early: ShiftTemplate, late: ShiftTemplate) -> SiteFactory:
    """``make_site(**overrides)``: a valid site with two agents unless a field is overridden."""

    def build(**overrides: Any) -> Site:
        fields: dict[str, Any] = {
            "name": "Hangzhou centre",
            "queues": (hotline, presales_chat),
            "shift_templates": (early, late),
            "agents": (
                Agent(id="a01", name="Li Na", group="g1", skills=frozenset({"hotline"})),
                Agent(
                    id="a02",
                    name="Wang Fang",
                    group="g1",
                    skills=frozenset({"hotline", "presales_chat"}),
                ),
            ),
        }
        fields.update(overrides)
        return Site(**fields)

    return build
