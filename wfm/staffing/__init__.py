"""Staffing: from forecast volume to the agents each interval needs, and back.

The public interface other modules, benchmarks and tests rely on (scalars or numpy arrays alike):

- :func:`erlang_c` ``(agents, load_erlangs)`` -> probability of waiting;
- :func:`service_level` ``(agents, calls, aht_s, target_s, interval_s=1800)`` (Erlang C);
- :func:`erlang_a` ``(agents, calls, aht_s, patience_s, target_s, interval_s=1800)`` -> ``p_wait``,
  ``p_abandon``, ``occupancy``, ``service_level``, ``asa_s``;
- :func:`agents_required` ``(calls, aht_s, target_sl=0.8, target_s=20, interval_s=1800,
  max_occupancy=1.0, shrinkage=0.0)`` -> ``raw``, ``scheduled``, ``service_level``, ``occupancy``;

plus chat (slots with concurrency) and e-mail (backlog with a deadline) in :mod:`wfm.staffing.channels`,
and :func:`staff_forecast` / :func:`project_service` per queue per interval in :mod:`wfm.staffing.plan`.
"""

from wfm.staffing.channels import (
    backlog_required,
    backlog_service,
    chat_handle_time,
    chat_required,
    chat_service,
)
from wfm.staffing.erlang import (
    ErlangAResult,
    ErlangCResult,
    erlang_a,
    erlang_b,
    erlang_c,
    erlang_c_metrics,
    service_level,
)
from wfm.staffing.plan import (
    PLAN_COLUMNS,
    PROJECTION_COLUMNS,
    project_service,
    requirement_from_plan,
    staff_forecast,
)
from wfm.staffing.required import (
    StaffingResult,
    agents_required,
    agents_required_erlang_a,
    scheduled_from_raw,
)

__all__ = [
    "PLAN_COLUMNS",
    "PROJECTION_COLUMNS",
    "ErlangAResult",
    "ErlangCResult",
    "StaffingResult",
    "agents_required",
    "agents_required_erlang_a",
    "backlog_required",
    "backlog_service",
    "chat_handle_time",
    "chat_required",
    "chat_service",
    "erlang_a",
    "erlang_b",
    "erlang_c",
    "erlang_c_metrics",
    "project_service",
    "requirement_from_plan",
    "scheduled_from_raw",
    "service_level",
    "staff_forecast",
]
