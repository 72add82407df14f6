"""The CP-SAT roster solver and the roster rules' two faces (post to the model, check a roster).

Entry points: :func:`solve` (a :class:`RosterProblem` to a :class:`RosterResult`), :func:`check_roster`
(judge any roster with the same rules), :func:`problem_from_site`. Rules: :mod:`solver.rules`.
"""

from solver.problem import ANY_QUEUE, AgentTerms, RosterProblem, ShiftCover, SoftWeights, problem_from_site
from solver.solve import RosterResult, RosterStatus, SolveSettings, check_roster, parameters_for, solve

__all__ = [
    "ANY_QUEUE",
    "AgentTerms",
    "RosterProblem",
    "RosterResult",
    "RosterStatus",
    "ShiftCover",
    "SoftWeights",
    "SolveSettings",
    "check_roster",
    "parameters_for",
    "problem_from_site",
    "solve",
]
