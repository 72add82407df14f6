"""Erlang B, Erlang C and Erlang A (Palm): the queueing formulas behind staffing.

Conventions. ``agents`` is a whole number of agents (servers); ``load`` (``A``) is the offered load in
Erlangs, ``calls x AHT / interval``. Every function takes scalars or numpy arrays (broadcast
together) and returns the same shape; a scalar call returns a Python float.

Numerical stability. Erlang B is computed two ways that must agree:

- the *scalar path* uses the classic recursion ``B(0) = 1, B(n) = A B(n-1) / (n + A B(n-1))``: every
  step stays in [0, 1], so it neither overflows nor loses precision, for 10,000 agents or more;
- the *vectorised path* uses ``B(n, A) = p(n; A) / F(n; A)``, the Poisson probability of ``n`` over
  the Poisson distribution function at ``n``, computed in log space (``gammaln``) and with the
  regularised incomplete gamma function (``scipy.special.gammaincc``), so one numpy call serves
  thousands of intervals at once.

Capacity. When ``agents <= load`` an Erlang C queue never empties: the probability of waiting is 1,
the service level 0, the speed of answer infinite and the occupancy 1. Such results are flagged
``stable=False``; nothing raises, nothing goes negative. Erlang A (with abandonment) is stable at
any load, because impatient callers leave.

Erlang A (M/M/n+M: exponential patience with mean ``patience_s``), from the birth-death chain of the
queue: with ``x = n mu / theta`` and ``y = lambda / theta`` (``mu = 1/AHT``, ``theta = 1/patience``),
a caller who finds ``j`` others waiting is served with probability ``x / (x + j + 1)``, and the time
until an infinitely patient caller would be served is ``-log(B) / theta`` with ``B ~ Beta(x, j + 1)``
(the Laplace transforms agree). Hence, exactly:

- P(served within t | j) = x / (x + j + 1) * (1 - I_z(x + 1, j + 1)), z = exp(-theta t);
- E[wait * served | j] = x / (x + j + 1) * (digamma(x + j + 2) - digamma(x + 1)) / theta;

summed over the stationary distribution of ``j`` (truncated where its tail is below 1e-15). The
probability of waiting and of abandoning agree with the closed forms of Mandelbaum & Zeltyn (2007,
"Service engineering in action: the Palm/Erlang-A queue") - a test checks it.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

import numpy as np
from numpy.typing import ArrayLike, NDArray
from scipy import special

FloatArray = NDArray[np.float64]


def _as_float(value: Any) -> Any:
    """Return a Python float for a 0-d result, the array otherwise."""
    array = np.asarray(value, dtype=float)
    return float(array) if array.ndim == 0 else array


def _check_agents(agents: ArrayLike) -> NDArray[np.int64]:
    values = np.asarray(agents, dtype=float)
    if np.any(np.isnan(values)) or np.any(values < 0) or np.any(values != np.floor(values)):
        raise ValueError("agents: must be whole numbers, 0 or more")
    return values.astype(np.int64)


def _check_non_negative(name: str, value: ArrayLike) -> FloatArray:
    values = np.asarray(value, dtype=float)
    if np.any(np.isnan(values)) or np.any(values < 0) or np.any(np.isinf(values)):
        raise ValueError(f"{name}: must be a finite number, 0 or more")
    return values


def _check_positive(name: str, value: ArrayLike) -> FloatArray:
    values = np.asarray(value, dtype=float)
    if np.any(np.isnan(values)) or np.any(values <= 0) or np.any(np.isinf(values)):
        raise ValueError(f"{name}: must be a finite number above 0")
    return values


# --- Erlang B -------------------------------------------------------------------------------------


def erlang_b_scalar(agents: int, load: float) -> float:
    """Erlang B blocking probability by the recursion (the exact scalar path)."""
    if agents < 0 or agents != int(agents):
        raise ValueError(f"agents: {agents} is not a whole number, 0 or more")
    if load < 0 or not math.isfinite(load):
        raise ValueError(f"load: {load} is not a finite number, 0 or more")
    blocking = 1.0
    for n in range(1, int(agents) + 1):
        blocking = load * blocking / (n + load * blocking)
    return blocking


def erlang_b_array(agents: ArrayLike, load: ArrayLike) -> FloatArray:
    """Erlang B for arrays, in log space with the incomplete gamma function (the vectorised path)."""
    n = _check_agents(agents).astype(float)
    a = _check_non_negative("load", load)
    n, a = np.broadcast_arrays(n, a)
    result = np.where(n == 0, 1.0, 0.0)
    busy = a > 0
    with np.errstate(divide="ignore", invalid="ignore", under="ignore"):
        log_pmf = n * np.log(np.where(busy, a, 1.0)) - a - special.gammaln(n + 1)
        cdf = special.gammaincc(n + 1, np.where(busy, a, 1.0))
        blocking = np.exp(log_pmf) / cdf
    # Far beyond capacity (A >> n) both Poisson terms underflow; there 1/B = sum_i prod_{m<i} (n - m) / A
    # converges in a few terms, so sum it directly.
    heavy = busy & (n < a) & ~(np.isfinite(blocking) & (cdf > 0))
    if np.any(heavy):
        servers, offered = n[heavy], a[heavy]
        inverse = np.ones_like(offered)
        term = np.ones_like(offered)
        for step in range(int(servers.max())):
            term = term * np.maximum(servers - step, 0.0) / offered
            inverse += term
            if np.all(term < 1e-17):
                break
        blocking = np.array(blocking, dtype=float)
        blocking[heavy] = 1.0 / inverse
    return np.where(busy, np.clip(np.nan_to_num(blocking, nan=0.0), 0.0, 1.0), result)


def erlang_b(agents: ArrayLike, load: ArrayLike) -> Any:
    """Probability that a call finds every agent busy in a loss system (Erlang B)."""
    if np.ndim(agents) == 0 and np.ndim(load) == 0:
        return erlang_b_scalar(int(_check_agents(agents)), float(_check_non_negative("load", load)))
    return _as_float(erlang_b_array(agents, load))


# --- Erlang C -------------------------------------------------------------------------------------


def _erlang_c_from_b(n: FloatArray, a: FloatArray, blocking: FloatArray) -> FloatArray:
    stable = n > a
    with np.errstate(divide="ignore", invalid="ignore"):
        waiting = n * blocking / (n - a * (1 - blocking))
    waiting = np.where(stable, waiting, 1.0)
    return np.where(a == 0, 0.0, np.clip(waiting, 0.0, 1.0))


def erlang_c(agents: ArrayLike, load_erlangs: ArrayLike) -> Any:
    """Probability that a call waits (Erlang C). 1 when ``agents <= load`` (the queue never empties)."""
    if np.ndim(agents) == 0 and np.ndim(load_erlangs) == 0:
        servers = float(_check_agents(agents))
        offered = float(_check_non_negative("load_erlangs", load_erlangs))
        if offered == 0:
            return 0.0
        if servers <= offered:
            return 1.0
        blocking = erlang_b_scalar(int(servers), offered)
        return min(1.0, max(0.0, servers * blocking / (servers - offered * (1 - blocking))))
    n, a = np.broadcast_arrays(
        _check_agents(agents).astype(float), _check_non_negative("load_erlangs", load_erlangs)
    )
    return _as_float(_erlang_c_from_b(n, a, erlang_b_array(n, a)))


@dataclass(frozen=True)
class ErlangCResult:
    """Erlang C figures for a number of agents (arrays or floats alike)."""

    p_wait: Any
    service_level: Any
    asa_s: Any
    occupancy: Any
    stable: Any


def erlang_c_metrics(
    agents: ArrayLike, calls: ArrayLike, aht_s: ArrayLike, target_s: ArrayLike, interval_s: ArrayLike = 1800
) -> ErlangCResult:
    """Probability of waiting, service level, average speed of answer and occupancy (Erlang C).

    Service level is the share of calls answered within ``target_s``:
    ``1 - C * exp(-(n - A) * target / AHT)``. ASA is ``C * AHT / (n - A)``. With no calls the service
    level is 1 and everything else 0.
    """
    n = _check_agents(agents).astype(float)
    volume = _check_non_negative("calls", calls)
    aht = _check_positive("aht_s", aht_s)
    target = _check_non_negative("target_s", target_s)
    length = _check_positive("interval_s", interval_s)
    n, volume, aht, target, length = np.broadcast_arrays(n, volume, aht, target, length)
    a = volume * aht / length
    if n.ndim == 0:
        waiting = np.asarray(erlang_c(int(n), float(a)))
    else:
        waiting = _erlang_c_from_b(n, a, erlang_b_array(n, a))
    stable = (n > a) | (a == 0)
    with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
        spare = np.where(stable & (a > 0), n - a, 1.0)
        level = 1.0 - waiting * np.exp(-spare * target / aht)
        asa = waiting * aht / spare
        occupancy = np.where(n > 0, np.minimum(a / np.where(n > 0, n, 1.0), 1.0), np.where(a > 0, 1.0, 0.0))
    level = np.where(a == 0, 1.0, np.where(stable, np.clip(level, 0.0, 1.0), 0.0))
    asa = np.where(a == 0, 0.0, np.where(stable, asa, np.inf))
    return ErlangCResult(
        p_wait=_as_float(waiting),
        service_level=_as_float(level),
        asa_s=_as_float(asa),
        occupancy=_as_float(occupancy),
        stable=stable if stable.ndim else bool(stable),
    )


def service_level(
    agents: ArrayLike, calls: ArrayLike, aht_s: ArrayLike, target_s: ArrayLike, interval_s: ArrayLike = 1800
) -> Any:
    """Share of calls answered within ``target_s`` with ``agents`` on the queue (Erlang C)."""
    return erlang_c_metrics(agents, calls, aht_s, target_s, interval_s).service_level


# --- Erlang A -------------------------------------------------------------------------------------


@dataclass(frozen=True)
class ErlangAResult:
    """Erlang A figures: ``service_level`` is the share of *all* callers answered within the target
    (abandoned callers count against it); ``asa_s`` the mean wait of the callers who are answered;
    ``occupancy`` the share of agent time spent on calls."""

    p_wait: Any
    p_abandon: Any
    occupancy: Any
    service_level: Any
    asa_s: Any


def _erlang_a_one(n: int, lam: float, mu: float, theta: float, target: float) -> tuple[float, ...]:
    """(p_wait, p_abandon, occupancy, service_level, asa_s) for one interval (rates per second)."""
    if lam == 0:
        return 0.0, 0.0, 0.0, 1.0, 0.0
    if n == 0:
        return 1.0, 1.0, 0.0, 0.0, math.inf
    a = lam / mu
    x = n * mu / theta
    y = lam / theta
    log_head = n * math.log(a) - special.gammaln(n + 1)
    upper = float(special.gammaincc(n, a))
    log_free = a + math.log(upper) if upper > 0 else -math.inf
    peak = max(0.0, y - x)
    span = int(peak + 12.0 * math.sqrt(y + 1.0) + 40)
    while True:
        j = np.arange(span + 1, dtype=float)
        log_queue = log_head + j * math.log(y) - (special.gammaln(x + j + 1) - special.gammaln(x + 1))
        if log_queue[-1] < log_queue.max() - 36 or span > 10_000_000:
            break
        span *= 2
    top = max(log_free, float(log_queue.max()))
    free = math.exp(log_free - top)
    queue = np.exp(log_queue - top)
    total = free + float(queue.sum())
    free /= total
    queue /= total
    served = x / (x + j + 1)
    z = math.exp(-theta * target)
    within = served * (1.0 - special.betainc(x + 1, j + 1, z))
    p_wait = min(1.0, float(queue.sum()))
    p_abandon = min(1.0, float((queue * (1.0 - served)).sum()))
    level = free + float((queue * within).sum())
    answered = 1.0 - p_abandon
    wait_answered = (
        float((queue * served * (special.digamma(x + j + 2) - special.digamma(x + 1))).sum()) / theta
    )
    asa = wait_answered / answered if answered > 0 else math.inf
    occupancy = min(1.0, a * answered / n)
    return p_wait, p_abandon, occupancy, min(1.0, max(0.0, level)), asa


def erlang_a(
    agents: ArrayLike,
    calls: ArrayLike,
    aht_s: ArrayLike,
    patience_s: ArrayLike,
    target_s: ArrayLike,
    interval_s: ArrayLike = 1800,
) -> ErlangAResult:
    """Erlang A (M/M/n+M): the queue with callers who hang up after an exponential patience.

    See the module docstring for the model. Arrays are evaluated element by element.
    """
    n = _check_agents(agents)
    volume = _check_non_negative("calls", calls)
    aht = _check_positive("aht_s", aht_s)
    patience = _check_positive("patience_s", patience_s)
    target = _check_non_negative("target_s", target_s)
    length = _check_positive("interval_s", interval_s)
    arrays = np.broadcast_arrays(n, volume, aht, patience, target, length)
    shape = arrays[0].shape
    flat = [np.ravel(array) for array in arrays]
    out = np.empty((5, flat[0].size))
    for index in range(flat[0].size):
        agents_i, calls_i, aht_i, patience_i, target_i, length_i = (f[index] for f in flat)
        out[:, index] = _erlang_a_one(
            int(agents_i), calls_i / length_i, 1.0 / aht_i, 1.0 / patience_i, float(target_i)
        )
    fields = [_as_float(row.reshape(shape)) for row in out]
    return ErlangAResult(*fields)
