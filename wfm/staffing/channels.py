"""Chat with concurrency, and e-mail as backlog work with a deadline.

Chat: the slot model
    An agent handling up to ``c`` chats at once is ``c`` slots; each slot serves one chat at a time.
    Chats take longer when an agent handles several: the per-chat handling time at concurrency ``c``
    is ``AHT(c) = AHT(1) * (1 + slowdown * (c - 1))`` (linear, ``slowdown`` per extra chat; DOMAIN.md:
    "concurrency makes each chat somewhat longer"; Tezcan & Zhang (2014, Operations Research 62(4),
    "Routing and staffing in customer service chat systems with impatient customers") model the same
    effect as a service rate that depends on how many chats an agent holds). A queue's measured
    ``aht_s`` is the handling time at its own concurrency; :func:`chat_handle_time` moves it to
    another concurrency for what-ifs. Staffing finds the fewest slots meeting the service target with
    Erlang C (chats as calls, slots as servers, ``AHT(c)`` as handling time) and the occupancy cap,
    then ``agents = ceil(slots / c)``. The slot model pools slots across agents, which slightly
    flatters service (a chat waits for any free slot); it is the common planning approximation.

E-mail: a fluid backlog with a deadline
    E-mail does not need an agent the moment it arrives: it must be answered within the queue's
    deadline (24 h by default), so it can be worked in troughs. Each interval's work is
    ``volume x AHT`` agent-seconds; agents work on e-mail only while the site is open, at most
    ``max_occupancy`` of their time, first come first served. :func:`backlog_required` finds the
    least constant number of agents, in every open interval, that answers every e-mail within the
    deadline (a binary search over a fluid simulation of the backlog). Mails still open at the end of
    the horizon are judged assuming the horizon's average open capacity continues.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
from numpy.typing import ArrayLike, NDArray

from wfm.staffing.erlang import erlang_c_metrics
from wfm.staffing.required import StaffingResult, agents_required, scheduled_from_raw


def chat_handle_time(
    aht_s: float, concurrency: int, *, measured_at: int | None = None, slowdown: float = 0.15
) -> float:
    """Per-chat handling time at ``concurrency``, from ``aht_s`` measured at ``measured_at``.

    >>> round(chat_handle_time(600.0, 3, measured_at=2, slowdown=0.15), 1)
    678.3
    """
    if concurrency < 1 or (measured_at is not None and measured_at < 1):
        raise ValueError("concurrency: must be 1 or more")
    if not 0.0 <= slowdown <= 1.0:
        raise ValueError(f"slowdown: {slowdown} is not between 0 and 1")
    base = aht_s / (1.0 + slowdown * ((measured_at or concurrency) - 1))
    return base * (1.0 + slowdown * (concurrency - 1))


def chat_required(
    chats: ArrayLike,
    aht_s: float,
    concurrency: int,
    target_sl: float = 0.8,
    target_s: float = 30,
    interval_s: float = 1800,
    max_occupancy: float = 1.0,
    shrinkage: float = 0.0,
) -> StaffingResult:
    """Agents for a chat queue under the slot model; ``aht_s`` is per chat at this concurrency."""
    slots = agents_required(chats, aht_s, target_sl, target_s, interval_s, max_occupancy, 0.0)
    raw_slots = np.asarray(slots.raw)
    raw = np.ceil(raw_slots / concurrency).astype(np.int64)
    metrics = erlang_c_metrics(raw * concurrency, chats, aht_s, target_s, interval_s)
    return StaffingResult(
        raw=int(raw) if raw.ndim == 0 else raw,
        scheduled=scheduled_from_raw(raw, shrinkage),
        service_level=metrics.service_level,
        occupancy=metrics.occupancy,
        p_wait=metrics.p_wait,
        asa_s=metrics.asa_s,
    )


def chat_service(
    agents: ArrayLike,
    chats: ArrayLike,
    aht_s: float,
    concurrency: int,
    target_s: float = 30,
    interval_s: float = 1800,
) -> Any:
    """Erlang C figures for ``agents`` chat agents (``agents x concurrency`` slots)."""
    slots = np.asarray(agents, dtype=np.int64) * concurrency
    return erlang_c_metrics(slots, chats, aht_s, target_s, interval_s)


@dataclass(frozen=True)
class BacklogResult:
    """E-mail staffing: agents per interval (0 when closed), and how the backlog then behaves."""

    agents: NDArray[np.int64]
    level: int
    max_age_s: float
    answered_in_time: float
    occupancy: NDArray[np.float64]


def _simulate(
    work: NDArray[np.float64], capacity: NDArray[np.float64], interval_s: float, deadline_s: float
) -> tuple[float, float]:
    """FIFO fluid backlog: (oldest age at answer in seconds, share of work answered in time).

    Work of interval ``k`` arrives at its start; capacity is spread evenly over each interval. Work
    left at the end is answered at the horizon's average capacity rate.
    """
    arrived = np.cumsum(work)
    served = np.empty_like(arrived)
    done = 0.0
    for k in range(len(work)):
        done = min(arrived[k], done + capacity[k])
        served[k] = done
    served_before = np.concatenate(([0.0], served[:-1]))
    rate = float(capacity.sum()) / (len(capacity) * interval_s) if len(capacity) else 0.0
    ages = np.zeros(len(work))
    total = float(arrived[-1]) if len(arrived) else 0.0
    for position in np.flatnonzero(work > 0):
        k = int(position)
        target = arrived[k]
        m = int(np.searchsorted(served, target - 1e-9))
        if m < len(work):
            portion = capacity[m] if capacity[m] > 0 else 1.0
            within = (target - served_before[m]) / portion
            finish = (m + min(max(within, 0.0), 1.0)) * interval_s
        else:
            left = target - served[-1]
            finish = len(work) * interval_s + (left / rate if rate > 0 else np.inf)
        ages[k] = finish - k * interval_s
    late = ages > deadline_s + 1e-6
    in_time = 1.0 - float(work[late].sum()) / total if total > 0 else 1.0
    return float(ages.max(initial=0.0)), in_time


def backlog_required(
    volume: ArrayLike,
    aht_s: float,
    deadline_s: float,
    open_share: ArrayLike,
    interval_s: float = 1800,
    max_occupancy: float = 1.0,
    shrinkage: float = 0.0,
) -> tuple[BacklogResult, NDArray[np.int64]]:
    """The least constant number of agents in open intervals that answers every item in time.

    ``open_share`` is the share of each interval the site is open (0 closed, 1 fully open). Returns
    the result (with ``agents`` on the queue per interval) and the scheduled agents per interval.
    """
    work = np.asarray(volume, dtype=float) * aht_s
    share = np.asarray(open_share, dtype=float)
    if np.any(work < 0) or not np.all(np.isfinite(work)):
        raise ValueError("volume: must be finite and 0 or more")
    if deadline_s <= 0:
        raise ValueError("deadline_s: must be above 0")
    per_agent = share * interval_s * max_occupancy
    if work.sum() == 0:
        level = 0
    else:
        if per_agent.sum() == 0:
            raise ValueError("open_share: the site is never open, so no backlog can be worked")
        low, high = 0, max(1, int(np.ceil(work.sum() / per_agent.sum())))
        while _simulate(work, high * per_agent, interval_s, deadline_s)[0] > deadline_s:
            high *= 2
        while high - low > 1:
            middle = (low + high) // 2
            if _simulate(work, middle * per_agent, interval_s, deadline_s)[0] > deadline_s:
                low = middle
            else:
                high = middle
        level = high
    agents = np.where(share > 0, level, 0).astype(np.int64)
    return _backlog_result(work, agents, share, interval_s, deadline_s, max_occupancy, level), np.asarray(
        scheduled_from_raw(agents, shrinkage), dtype=np.int64
    )


def backlog_service(
    agents: ArrayLike,
    volume: ArrayLike,
    aht_s: float,
    deadline_s: float,
    open_share: ArrayLike,
    interval_s: float = 1800,
    max_occupancy: float = 1.0,
) -> BacklogResult:
    """How a given e-mail staffing copes: oldest answer age and share answered within the deadline."""
    work = np.asarray(volume, dtype=float) * aht_s
    staff = np.asarray(agents, dtype=np.int64)
    share = np.asarray(open_share, dtype=float)
    level = int(staff.max(initial=0))
    return _backlog_result(work, staff, share, interval_s, deadline_s, max_occupancy, level)


def _backlog_result(
    work: NDArray[np.float64],
    agents: NDArray[np.int64],
    share: NDArray[np.float64],
    interval_s: float,
    deadline_s: float,
    max_occupancy: float,
    level: int,
) -> BacklogResult:
    capacity = agents * share * interval_s * max_occupancy
    age, in_time = _simulate(work, capacity, interval_s, deadline_s) if work.sum() > 0 else (0.0, 1.0)
    with np.errstate(divide="ignore", invalid="ignore"):
        available = agents * share * interval_s
        occupancy = np.where(
            available > 0, np.minimum(work / np.where(available > 0, available, 1), 1.0), 0.0
        )
    return BacklogResult(
        agents=agents, level=level, max_age_s=age, answered_in_time=in_time, occupancy=occupancy
    )
