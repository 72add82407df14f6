"""How many agents an interval needs, and what a given number of agents achieves.

``agents_required`` finds the smallest number of agents ``n`` (the *raw* requirement) that meets both
the service target (share ``target_sl`` answered within ``target_s``, Erlang C) and the occupancy cap
(``A / n <= max_occupancy``), then adds shrinkage the right way: agents on the schedule must be
``ceil(raw / (1 - shrinkage))``, because only ``1 - shrinkage`` of a scheduled agent's time is on the
phones (``raw x (1 + shrinkage)`` understaffs: 14 x 1.3 = 18.2 against the 20 needed at 30%).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
from numpy.typing import ArrayLike

from wfm.staffing.erlang import (
    _as_float,
    _check_non_negative,
    _check_positive,
    erlang_a,
    erlang_c_metrics,
)


@dataclass(frozen=True)
class StaffingResult:
    """Agents needed (``raw`` on the queue, ``scheduled`` after shrinkage) and what ``raw`` achieves."""

    raw: Any
    scheduled: Any
    service_level: Any
    occupancy: Any
    p_wait: Any
    asa_s: Any


def scheduled_from_raw(raw: ArrayLike, shrinkage: float) -> Any:
    """``ceil(raw / (1 - shrinkage))``, immune to float noise (14 / 0.7 is 20, not 21)."""
    if not 0.0 <= shrinkage < 1.0:
        raise ValueError(f"shrinkage: {shrinkage} is not in [0, 1)")
    values = np.asarray(raw, dtype=float) / (1.0 - shrinkage)
    scheduled = np.ceil(np.round(values, 9)).astype(np.int64)
    return int(scheduled) if scheduled.ndim == 0 else scheduled


def _check_targets(target_sl: float, max_occupancy: float, shrinkage: float) -> None:
    if not 0.0 < target_sl < 1.0:
        raise ValueError(f"target_sl: {target_sl} is not between 0 and 1 (exclusive)")
    if not 0.0 < max_occupancy <= 1.0:
        raise ValueError(f"max_occupancy: {max_occupancy} is not in (0, 1]")
    if not 0.0 <= shrinkage < 1.0:
        raise ValueError(f"shrinkage: {shrinkage} is not in [0, 1)")


def agents_required(
    calls: ArrayLike,
    aht_s: ArrayLike,
    target_sl: float = 0.8,
    target_s: ArrayLike = 20,
    interval_s: ArrayLike = 1800,
    max_occupancy: float = 1.0,
    shrinkage: float = 0.0,
) -> StaffingResult:
    """The smallest number of agents meeting the service target and the occupancy cap (Erlang C).

    Works on scalars or arrays (one element per interval). An interval without calls needs 0 agents.
    The search starts at the occupancy floor ``max(floor(A) + 1, ceil(A / max_occupancy))`` and
    bisects upwards, so large centres (thousands of agents) cost a dozen Erlang evaluations.
    """
    _check_targets(target_sl, max_occupancy, shrinkage)
    volume = _check_non_negative("calls", calls)
    aht = _check_positive("aht_s", aht_s)
    target = _check_non_negative("target_s", target_s)
    length = _check_positive("interval_s", interval_s)
    volume, aht, target, length = np.broadcast_arrays(volume, aht, target, length)
    load = volume * aht / length
    low = np.maximum(np.floor(load) + 1, np.ceil(np.round(load / max_occupancy, 9)))
    low = np.where(load == 0, 0, low)

    def meets(n: np.ndarray) -> np.ndarray:
        level = np.asarray(erlang_c_metrics(n, volume, aht, target, length).service_level)
        return np.asarray((level >= target_sl) | (load == 0))

    high = low + np.ceil(3 * np.sqrt(load)) + 2
    while not np.all(ok := meets(high)):
        high = np.where(ok, high, high * 2 + 1)
    low_ok = meets(low)
    hi = np.where(low_ok, low, high)  # invariant: hi meets the target
    lo = np.where(low_ok, low - 1, low)  # invariant: lo does not (or is below the floor)
    while np.any(active := hi - lo > 1):
        mid = np.floor((lo + hi) / 2)
        good = meets(np.where(active, mid, hi))
        hi = np.where(active & good, mid, hi)
        lo = np.where(active & ~good, mid, lo)
    raw = hi.astype(np.int64)
    metrics = erlang_c_metrics(raw, volume, aht, target, length)
    return StaffingResult(
        raw=int(raw) if raw.ndim == 0 else raw,
        scheduled=scheduled_from_raw(raw, shrinkage),
        service_level=metrics.service_level,
        occupancy=metrics.occupancy,
        p_wait=metrics.p_wait,
        asa_s=metrics.asa_s,
    )


def _erlang_a_meets(
    agents: int, case: tuple[float, float, float, float, float], target_sl: float, max_occupancy: float
) -> bool:
    figures = erlang_a(agents, *case)
    return bool(figures.service_level >= target_sl and figures.occupancy <= max_occupancy)


def agents_required_erlang_a(
    calls: ArrayLike,
    aht_s: ArrayLike,
    patience_s: ArrayLike,
    target_sl: float = 0.8,
    target_s: ArrayLike = 20,
    interval_s: ArrayLike = 1800,
    max_occupancy: float = 1.0,
    shrinkage: float = 0.0,
) -> StaffingResult:
    """Like :func:`agents_required`, for a phone queue whose callers' patience is known (Erlang A).

    Service level counts abandoned callers as not answered in time. Because callers who hang up no
    longer need an agent, Erlang A usually needs fewer agents than Erlang C at the same target. The
    search doubles until the target is met, then bisects (service level rises and occupancy falls
    with every agent added).
    """
    _check_targets(target_sl, max_occupancy, shrinkage)
    arrays = np.broadcast_arrays(
        _check_non_negative("calls", calls),
        _check_positive("aht_s", aht_s),
        _check_positive("patience_s", patience_s),
        _check_non_negative("target_s", target_s),
        _check_positive("interval_s", interval_s),
    )
    shape = arrays[0].shape
    flat = [np.ravel(a) for a in arrays]
    out = np.zeros((6, flat[0].size))
    for index in range(flat[0].size):
        volume, aht, patience, target, length = (float(f[index]) for f in flat)
        if volume == 0:
            out[:, index] = (0, 1.0, 0.0, 0.0, 0.0, 0.0)
            continue
        case = (volume, aht, patience, target, length)
        high = 1
        while not _erlang_a_meets(high, case, target_sl, max_occupancy):
            high *= 2
        low = high // 2  # fails (or is 0, which never serves anyone)
        while high - low > 1:
            middle = (low + high) // 2
            if _erlang_a_meets(middle, case, target_sl, max_occupancy):
                high = middle
            else:
                low = middle
        n = high
        result = erlang_a(n, *case)
        out[:, index] = (n, result.service_level, result.occupancy, result.p_wait, result.asa_s, 0)
    raw = out[0].reshape(shape).astype(np.int64)
    return StaffingResult(
        raw=int(raw) if raw.ndim == 0 else raw,
        scheduled=scheduled_from_raw(raw, shrinkage),
        service_level=_as_float(out[1].reshape(shape)),
        occupancy=_as_float(out[2].reshape(shape)),
        p_wait=_as_float(out[3].reshape(shape)),
        asa_s=_as_float(out[4].reshape(shape)),
    )
