"""Why no roster exists: the smallest set of hard-rule instances that cannot hold together.

Every hard rule instance is posted under an assumption literal (``ModelContext.guard``), with the
words a scheduler would use; CP-SAT's ``sufficient_assumptions_for_infeasibility`` then names a set
of them that is infeasible together. We shrink that set by dropping one assumption at a time and
re-solving (deletion filter), so what is reported is minimal: remove any one reason and a roster
exists.
"""

from __future__ import annotations

from typing import Any

from ortools.sat.python import cp_model

from solver.context import build_context
from solver.problem import RosterProblem
from solver.solve import SolveSettings


def _core(
    problem: RosterProblem, keep: set[int] | None, time_limit_s: float
) -> tuple[Any, list[int], dict[int, str]]:
    from solver.solve import post_rules

    ctx = build_context(problem, explain=True)
    post_rules(ctx)
    literals = {index: ctx.model.get_bool_var_from_proto_index(index) for index in ctx.assumptions}
    chosen = [index for index in literals if keep is None or index in keep]
    for index in literals:
        if index not in chosen:
            ctx.model.add(literals[index] == 0)
    ctx.model.add_assumptions([literals[index] for index in chosen])
    solver = cp_model.CpSolver()
    solver.parameters.max_time_in_seconds = time_limit_s
    solver.parameters.num_workers = 1
    code = solver.solve(ctx.model)
    core = list(solver.sufficient_assumptions_for_infeasibility()) if code == cp_model.INFEASIBLE else []
    return code, core, ctx.assumptions


def explain_infeasibility(problem: RosterProblem, settings: SolveSettings | None = None) -> list[str]:
    """The hard-rule instances that conflict, in words (empty if none could be isolated).

    Each re-solve gets the settings' time limit (at most 10 s) and seed; it runs on one worker, which
    is what CP-SAT's core extraction needs.
    """
    time_limit_s = min(10.0, settings.time_limit_s) if settings is not None else 10.0
    code, core, words = _core(problem, None, time_limit_s)
    if code != cp_model.INFEASIBLE or not core:
        return []
    current = list(core)
    for index in list(current):
        trial = [i for i in current if i != index]
        if not trial:
            break
        result, smaller, _ = _core(problem, set(trial), time_limit_s)
        if result == cp_model.INFEASIBLE:
            current = smaller or trial
    return sorted({words[index] for index in current})
