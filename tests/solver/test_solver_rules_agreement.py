"""The two faces agree on random rosters: a roster the check face passes is one the CP-SAT model
accepts (and the other way round), rule by rule, and the soft rules' penalty terms cost exactly what
the check face charges.

Rosters are random but writable by a scheduler: one cell per agent and day, leave only on approved
leave days (the model does not tell rest from leave, so a rest cell on a leave day is left to the
rule tests), pins only as rest or a shift the agent may work.
"""

from __future__ import annotations

from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from solver import check_roster
from solver.rules import REGISTRY, SOFT_RULES

STRUCTURAL = {"one_shift_per_day", "skills"}
HARD_NAMES = {unit.name for unit in REGISTRY if unit.hard}

AGREEMENT = settings(
    max_examples=40,
    deadline=None,
    derandomize=True,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)


@AGREEMENT
@given(data=st.data())
def test_check_face_passes_exactly_the_rosters_the_model_accepts(kit: Any, data: st.DataObject) -> None:
    problem = data.draw(kit.problems(), label="problem")
    cells = data.draw(kit.rosters(problem), label="roster")
    found = check_roster(problem, cells)
    broken = {v.rule for v in found if v.rule in HARD_NAMES}
    assert kit.model_accepts(problem, cells) == (not broken), found


@AGREEMENT
@given(data=st.data())
def test_each_hard_rule_alone_agrees_with_its_check(kit: Any, data: st.DataObject) -> None:
    problem = data.draw(kit.problems(), label="problem")
    cells = data.draw(kit.rosters(problem), label="roster")
    found = check_roster(problem, cells)
    broken = {v.rule for v in found if v.rule in HARD_NAMES}
    representable = not broken & STRUCTURAL
    assert kit.model_accepts(problem, cells, rules=lambda r: False, explain=True) == representable, found
    if not representable:
        return
    for unit in REGISTRY:
        if not unit.hard or unit.name in STRUCTURAL or not unit.applies(problem):
            continue
        alone = kit.model_accepts(
            problem, cells, rules=lambda r, name=unit.name: r.name == name, explain=True
        )
        assert alone == (unit.name not in broken), (unit.name, [v for v in found if v.rule == unit.name])


@AGREEMENT
@given(data=st.data())
def test_soft_terms_cost_what_the_check_face_charges(kit: Any, data: st.DataObject) -> None:
    problem = data.draw(kit.problems(), label="problem")
    cells = data.draw(kit.rosters(problem), label="roster")
    if not kit.model_accepts(problem, cells, rules=lambda r: not r.hard):
        return  # a cell the model cannot express (unskilled queue, work on leave): no model cost exists
    charged: dict[str, int] = {}
    for unit in SOFT_RULES:
        if unit.applies(problem):
            cost = sum(v.cost for v in unit.check(problem, cells))
            if cost:
                charged[unit.name] = cost
    assert kit.model_cost(problem, cells) == charged
