"""Staffing a forecast: agents per queue per interval, and the service a roster would give.

:func:`staff_forecast` turns a forecast frame (``queue, interval_start, yhat``; see
:mod:`forecasting.api`) into the requirement per queue and interval, choosing the model by channel:

============== ================================================================================
channel        model
============== ================================================================================
phone          Erlang A when the queue's patience is known and the policy allows it, else Erlang C
chat           Erlang C on slots (concurrency), per-chat time at the queue's concurrency
e-mail         the least constant staffing answering every e-mail within its deadline (backlog)
============== ================================================================================

:func:`project_service` is the inverse: given the agents rostered on each queue per interval, the
service level, speed of answer and occupancy they give (used by roster KPIs and what-if scenarios).
Rostered agents are turned into available agents with the policy's shrinkage:
``floor(rostered x (1 - shrinkage))``.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from wfm.domain import Channel, OpeningHours, Queue, Requirement, Site, StaffingPolicy
from wfm.errors import InputError, Problem
from wfm.staffing.channels import backlog_required, backlog_service, chat_required, chat_service
from wfm.staffing.erlang import erlang_a, erlang_c_metrics
from wfm.staffing.required import StaffingResult, agents_required, agents_required_erlang_a

PLAN_COLUMNS = (
    "queue",
    "interval_start",
    "volume",
    "load_erlangs",
    "raw",
    "agents",
    "service_level",
    "occupancy",
    "asa_s",
    "method",
)
PROJECTION_COLUMNS = (
    "queue",
    "interval_start",
    "volume",
    "rostered",
    "available",
    "service_level",
    "asa_s",
    "occupancy",
    "p_abandon",
    "method",
)


def _open_share(hours: OpeningHours, starts: pd.Series, minutes: int) -> np.ndarray:
    stamps = pd.DatetimeIndex(starts)
    of_day = stamps.hour * 60 + stamps.minute
    return np.array(
        [
            hours.open_minutes_in(int(day), int(minute), minutes) / minutes
            for day, minute in zip(stamps.day_of_week, of_day, strict=True)
        ]
    )


def _method(queue: Queue, policy: StaffingPolicy) -> str:
    if queue.channel is Channel.CHAT:
        return "chat_slots"
    if queue.channel is Channel.EMAIL:
        return "backlog"
    return "erlang_a" if policy.use_erlang_a and queue.patience_s is not None else "erlang_c"


def _forecast_parts(
    forecast: pd.DataFrame, site: Site, volume_column: str
) -> tuple[dict[str, pd.DataFrame], int]:
    missing = [c for c in ("queue", "interval_start", volume_column) if c not in forecast.columns]
    if missing:
        raise InputError(
            "forecast refused",
            [Problem(f"missing column; found {list(forecast.columns)}", column=c) for c in missing],
        )
    known = set(site.queue_codes)
    unknown = sorted(set(forecast["queue"].astype(str)) - known)
    if unknown:
        raise InputError(
            "forecast refused",
            [
                Problem(
                    f"queue '{q}' is not one of the site's queues ({', '.join(sorted(known))})",
                    column="queue",
                )
                for q in unknown
            ],
        )
    volume = pd.to_numeric(forecast[volume_column], errors="coerce")
    bad = volume.isna() | (volume < 0) | ~np.isfinite(volume)
    if bad.any():
        rows = [int(i) + 2 for i in np.flatnonzero(bad.to_numpy())[:20]]
        raise InputError(
            "forecast refused",
            [
                Problem("volume is not a number of contacts, 0 or more", row=r, column=volume_column)
                for r in rows
            ],
        )
    frame = pd.DataFrame(
        {
            "queue": forecast["queue"].astype(str),
            "interval_start": pd.to_datetime(forecast["interval_start"]),
            "volume": volume.astype(float),
        }
    ).sort_values(["queue", "interval_start"], ignore_index=True)
    steps = frame.groupby("queue")["interval_start"].diff().dropna().unique()
    if len(steps) > 1 or (len(steps) == 1 and pd.Timedelta(steps[0]).total_seconds() % 60):
        raise InputError(
            "forecast refused", [Problem("intervals are not evenly spaced", column="interval_start")]
        )
    minutes = int(pd.Timedelta(steps[0]).total_seconds() // 60) if len(steps) else site.interval_minutes
    if minutes not in (15, 30, 60):
        raise InputError(
            "forecast refused",
            [Problem(f"{minutes}-minute intervals; use 15, 30 or 60", column="interval_start")],
        )
    return {str(q): part.reset_index(drop=True) for q, part in frame.groupby("queue")}, minutes


def staff_forecast(
    forecast: pd.DataFrame, site: Site, *, policy: StaffingPolicy | None = None, volume_column: str = "yhat"
) -> pd.DataFrame:
    """Agents needed per queue per interval (columns :data:`PLAN_COLUMNS`).

    ``raw`` is on the queue (the service target met), ``agents`` on the schedule (after shrinkage).
    """
    policy = policy or site.staffing
    parts, minutes = _forecast_parts(forecast, site, volume_column)
    length = minutes * 60
    frames = []
    for code, part in parts.items():
        queue = site.queue(code)
        volume = part["volume"].to_numpy()
        target = queue.service_target
        method = _method(queue, policy)
        if method == "chat_slots":
            result: StaffingResult = chat_required(
                volume,
                queue.aht_s,
                queue.concurrency,
                target.share,
                target.answer_within_s,
                length,
                policy.max_occupancy,
                policy.shrinkage,
            )
            load = volume * queue.aht_s / length / queue.concurrency
        elif method == "backlog":
            share = _open_share(site.opening_hours, part["interval_start"], minutes)
            backlog, scheduled = backlog_required(
                volume,
                queue.aht_s,
                target.answer_within_s,
                share,
                length,
                policy.max_occupancy,
                policy.shrinkage,
            )
            result = StaffingResult(
                raw=backlog.agents,
                scheduled=scheduled,
                service_level=np.full(len(volume), backlog.answered_in_time),
                occupancy=backlog.occupancy,
                p_wait=np.zeros(len(volume)),
                asa_s=np.full(len(volume), np.nan),
            )
            load = volume * queue.aht_s / length
        elif method == "erlang_a":
            assert queue.patience_s is not None
            result = agents_required_erlang_a(
                volume,
                queue.aht_s,
                queue.patience_s,
                target.share,
                target.answer_within_s,
                length,
                policy.max_occupancy,
                policy.shrinkage,
            )
            load = volume * queue.aht_s / length
        else:
            result = agents_required(
                volume,
                queue.aht_s,
                target.share,
                target.answer_within_s,
                length,
                policy.max_occupancy,
                policy.shrinkage,
            )
            load = volume * queue.aht_s / length
        frames.append(
            pd.DataFrame(
                {
                    "queue": code,
                    "interval_start": part["interval_start"].to_numpy(),
                    "volume": volume,
                    "load_erlangs": load,
                    "raw": np.asarray(result.raw, dtype=np.int64),
                    "agents": np.asarray(result.scheduled, dtype=np.int64),
                    "service_level": np.asarray(result.service_level, dtype=float),
                    "occupancy": np.asarray(result.occupancy, dtype=float),
                    "asa_s": np.asarray(result.asa_s, dtype=float),
                    "method": method,
                }
            )
        )
    return pd.concat(frames, ignore_index=True).loc[:, list(PLAN_COLUMNS)]


def requirement_from_plan(plan: pd.DataFrame) -> Requirement:
    """The domain :class:`~wfm.domain.Requirement` (scheduled agents) from a staffing plan."""
    starts = pd.DatetimeIndex(plan["interval_start"])
    minutes = int((starts[1] - starts[0]).total_seconds() // 60) if len(plan) > 1 else 60
    return Requirement(plan.loc[:, ["queue", "interval_start", "agents"]], interval_minutes=minutes)


def project_service(
    rostered: pd.DataFrame,
    forecast: pd.DataFrame,
    site: Site,
    *,
    policy: StaffingPolicy | None = None,
    volume_column: str = "yhat",
) -> pd.DataFrame:
    """Service per queue and interval from the agents rostered on it (columns :data:`PROJECTION_COLUMNS`).

    ``rostered`` has ``queue, interval_start, agents`` (a roster's coverage); intervals it omits have
    nobody. E-mail reports the share of the horizon's e-mail answered within the deadline.
    """
    policy = policy or site.staffing
    parts, minutes = _forecast_parts(forecast, site, volume_column)
    length = minutes * 60
    staffed = rostered.assign(interval_start=pd.to_datetime(rostered["interval_start"])).set_index(
        ["queue", "interval_start"]
    )["agents"]
    frames = []
    for code, part in parts.items():
        queue = site.queue(code)
        volume = part["volume"].to_numpy()
        index = pd.MultiIndex.from_arrays([np.full(len(part), code), part["interval_start"]])
        on_queue = staffed.reindex(index).fillna(0).to_numpy(dtype=float)
        available = np.floor(on_queue * (1.0 - policy.shrinkage) + 1e-9).astype(np.int64)
        target = queue.service_target
        method = _method(queue, policy)
        abandon = np.zeros(len(volume))
        if method == "chat_slots":
            metrics = chat_service(
                available, volume, queue.aht_s, queue.concurrency, target.answer_within_s, length
            )
            level, asa, occupancy = metrics.service_level, metrics.asa_s, metrics.occupancy
        elif method == "backlog":
            share = _open_share(site.opening_hours, part["interval_start"], minutes)
            backlog = backlog_service(
                available, volume, queue.aht_s, target.answer_within_s, share, length, policy.max_occupancy
            )
            level = np.full(len(volume), backlog.answered_in_time)
            asa = np.full(len(volume), backlog.max_age_s)
            occupancy = backlog.occupancy
        elif method == "erlang_a":
            assert queue.patience_s is not None
            result = erlang_a(
                available, volume, queue.aht_s, queue.patience_s, target.answer_within_s, length
            )
            level, asa, occupancy, abandon = (
                result.service_level,
                result.asa_s,
                result.occupancy,
                result.p_abandon,
            )
        else:
            metrics = erlang_c_metrics(available, volume, queue.aht_s, target.answer_within_s, length)
            level, asa, occupancy = metrics.service_level, metrics.asa_s, metrics.occupancy
        frames.append(
            pd.DataFrame(
                {
                    "queue": code,
                    "interval_start": part["interval_start"].to_numpy(),
                    "volume": volume,
                    "rostered": on_queue.astype(np.int64),
                    "available": available,
                    "service_level": np.asarray(level, dtype=float),
                    "asa_s": np.asarray(asa, dtype=float),
                    "occupancy": np.asarray(occupancy, dtype=float),
                    "p_abandon": np.asarray(abandon, dtype=float),
                    "method": method,
                }
            )
        )
    return pd.concat(frames, ignore_index=True).loc[:, list(PROJECTION_COLUMNS)]
