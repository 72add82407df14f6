"""How tight the model's LP relaxation is where that decides the lower bound a solve can prove.

CP-SAT proves its bound from the LP relaxation of the model; a relaxation that stops halfway between
two whole agents proves a bound far below any roster, and the gap a scheduler sees stays large however
good the roster. The relaxation is read here by GLOP from the model CP-SAT is given.
"""

from __future__ import annotations

from datetime import datetime, time
from pathlib import Path
from typing import Any

import pytest
from ortools.linear_solver import pywraplp
from ortools.sat import cp_model_pb2

from solver import SoftWeights, SolveSettings, solve
from solver.problem import AgentTerms
from solver.solve import rules_model


def _lp_value(model: Any, tmp_path: Path) -> float:
    """The optimum of the model's LP relaxation (every variable continuous within its domain)."""
    path = tmp_path / "model.pb"
    model.export_to_file(str(path))
    proto = cp_model_pb2.CpModelProto()
    proto.ParseFromString(path.read_bytes())
    lp = pywraplp.Solver.CreateSolver("GLOP")
    x = [lp.NumVar(v.domain[0], v.domain[-1], f"x{i}") for i, v in enumerate(proto.variables)]

    def literal(index: int) -> Any:
        return x[index] if index >= 0 else 1 - x[-index - 1]

    for constraint in proto.constraints:
        kind = constraint.WhichOneof("constraint")
        assert not constraint.enforcement_literal, "an enforced constraint: relax it by hand first"
        if kind == "linear":
            terms = zip(constraint.linear.vars, constraint.linear.coeffs, strict=True)
            expr = sum(c * x[v] for v, c in terms)
            low, high = constraint.linear.domain[0], constraint.linear.domain[-1]
            if low > -(2**62):
                lp.Add(expr >= low)
            if high < 2**62:
                lp.Add(expr <= high)
        elif kind in ("at_most_one", "exactly_one"):
            total = sum(literal(v) for v in getattr(constraint, kind).literals)
            lp.Add(total <= 1 if kind == "at_most_one" else total == 1)
        elif kind == "bool_or":
            lp.Add(sum(literal(v) for v in constraint.bool_or.literals) >= 1)
        else:
            pytest.fail(f"no LP relaxation written for a {kind} constraint")
    objective = proto.objective
    lp.Minimize(sum(c * x[v] for v, c in zip(objective.vars, objective.coeffs, strict=True)))
    assert lp.Solve() == pywraplp.Solver.OPTIMAL
    return float(lp.Objective().Value() + objective.offset)


def test_the_relaxation_prices_a_shortage_in_whole_agents(kit: Any, tmp_path: Path) -> None:
    # Seven agents each work one shift, early (covers 10:00) or late (covers 20:00); both hours need 4.
    # A roster is one agent short in one hour: 60 agent-minutes of 240, the first 48 (20%) shallow at
    # 10, the other 12 deep at 30 = 840, plus 7 x 540 paid minutes. Half an agent short in each hour
    # (30 shallow minutes at 10, twice = 600) is no roster, and a relaxation that allows it proves 240
    # less than any roster can reach.
    monday = kit.day(0)
    need = kit.requirement([("chat", datetime.combine(monday, time(hour)), 4) for hour in (10, 20)])
    team = "ABCDEFG"
    problem = kit.problem(
        team,
        days=1,
        queues=("chat",),
        interval_cover=need,
        terms={a: AgentTerms(min_days=1) for a in team},
        weights=SoftWeights(fairness_late=0, fairness_weekend=0),
    )
    result = solve(problem, SolveSettings(time_limit_s=10, workers=1))
    assert result.status.value == "optimal"
    assert result.objective == 840 + 7 * 540
    ctx, cost = rules_model(problem)
    ctx.model.minimize(cost)
    assert _lp_value(ctx.model, tmp_path) == pytest.approx(result.objective)
