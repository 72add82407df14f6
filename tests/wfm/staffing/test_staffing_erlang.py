"""Staffing maths: Erlang B, C and A, and the agents an interval needs.

Reference values come from the published Erlang C worked example (100 calls per 30 minutes, AHT 3
minutes, 80% answered in 20 seconds); Erlang A is checked against the closed forms of Mandelbaum &
Zeltyn (2007) for the probabilities of waiting and of abandoning.
"""

from __future__ import annotations

import itertools
import math
import re
import time
from collections.abc import Callable
from typing import Any

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy import special

from wfm.staffing.erlang import (
    erlang_a,
    erlang_b,
    erlang_b_array,
    erlang_b_scalar,
    erlang_c,
    erlang_c_metrics,
    service_level,
)
from wfm.staffing.required import agents_required, agents_required_erlang_a, scheduled_from_raw

PROPERTY = settings(max_examples=200, deadline=None)
SLOW_PROPERTY = settings(max_examples=60, deadline=None)  # Erlang A sums a queue-length distribution

# --- reference values -----------------------------------------------------------------------------


def test_worked_example_at_85_percent_occupancy() -> None:
    result = agents_required(100, 180, target_sl=0.8, target_s=20, max_occupancy=0.85, shrinkage=0.3)
    assert result.raw == 14
    assert result.service_level == pytest.approx(0.8883500191794669, rel=1e-12)
    assert result.p_wait == pytest.approx(0.17413, abs=5e-6)
    assert result.occupancy == pytest.approx(0.714, abs=5e-4)
    assert result.scheduled == 20


def test_worked_example_at_70_percent_occupancy_is_set_by_the_cap() -> None:
    result = agents_required(100, 180, target_sl=0.8, target_s=20, max_occupancy=0.70, shrinkage=0.3)
    assert result.raw == 15
    assert result.scheduled == 22
    assert result.service_level == pytest.approx(0.941, abs=5e-4)
    assert result.occupancy <= 0.70


@pytest.mark.parametrize(("agents", "expected"), [(12, 0.6402), (13, 0.7956), (15, 0.9415)])
def test_service_level_at_10_erlangs(agents: int, expected: float) -> None:
    assert service_level(agents, 100, 180, 20) == pytest.approx(expected, abs=5e-5)


@pytest.mark.parametrize(("calls", "expected"), [(10, 3), (50, 8), (200, 24), (1000, 107)])
def test_minimum_agents_80_in_20(calls: int, expected: int) -> None:
    assert agents_required(calls, 180, target_sl=0.8, target_s=20).raw == expected


def test_shrinkage_divides_rather_than_multiplies() -> None:
    assert scheduled_from_raw(14, 0.3) == 20  # 14 x 1.3 = 18.2 would schedule 19
    assert math.ceil(14 * 1.3) == 19
    assert agents_required(100, 180, max_occupancy=0.85, shrinkage=0.3).scheduled == 20


def test_scheduled_from_raw_on_arrays_and_without_shrinkage() -> None:
    assert scheduled_from_raw(np.array([0, 7, 14]), 0.3).tolist() == [0, 10, 20]
    assert scheduled_from_raw(np.array([0, 7, 14]), 0.0).tolist() == [0, 7, 14]


# --- stability ------------------------------------------------------------------------------------


@pytest.mark.parametrize("load", [9_000.0, 9_990.0, 9_999.9])
def test_ten_thousand_agents_scalar_and_array_paths_agree(load: float) -> None:
    scalar_b = erlang_b(10_000, load)
    array_b = erlang_b_array(np.array([10_000]), np.array([load]))[0]
    scalar_c = erlang_c(10_000, load)
    array_c = erlang_c(np.array([10_000]), np.array([load]))[0]
    for value in (scalar_b, array_b, scalar_c, array_c):
        assert math.isfinite(value)
        assert 0.0 <= value <= 1.0
    assert array_b == pytest.approx(scalar_b, rel=1e-9)
    assert array_c == pytest.approx(scalar_c, rel=1e-9)
    assert erlang_b_scalar(10_000, load) == scalar_b


def test_ten_thousand_agents_near_capacity_waits_almost_surely() -> None:
    assert erlang_c(10_000, 9_999.9) > 0.99
    metrics = erlang_c_metrics(10_000, 9_999.9 * 1800 / 180, 180, 20)
    assert metrics.stable is True
    assert 0.0 <= metrics.service_level < 0.05
    assert math.isfinite(metrics.asa_s) and metrics.asa_s > 0


@pytest.mark.parametrize(
    ("agents", "calls"),
    [(10, 100), (10, 200), (1, 1_000), (0, 5), (10_000, 100_000)],
    ids=["at-capacity", "double-load", "one-agent-flooded", "no-agents", "large-at-capacity"],
)
def test_at_or_beyond_capacity_the_queue_never_empties(agents: int, calls: int) -> None:
    metrics = erlang_c_metrics(agents, calls, 180, 20)  # load = calls / 10 Erlangs
    assert agents <= calls * 180 / 1800
    assert metrics.p_wait == 1.0
    assert metrics.service_level == 0.0
    assert metrics.asa_s == math.inf
    assert metrics.occupancy == 1.0
    assert metrics.stable is False
    assert erlang_c(agents, calls / 10) == 1.0
    assert 0.0 <= erlang_b(agents, calls / 10) <= 1.0


def test_at_or_beyond_capacity_on_arrays_nothing_negative() -> None:
    agents = np.array([10, 10, 1, 0, 11])
    calls = np.array([100, 200, 1_000, 5, 100])
    metrics = erlang_c_metrics(agents, calls, 180, 20)
    assert metrics.p_wait.tolist()[:4] == [1.0] * 4
    assert metrics.service_level.tolist()[:4] == [0.0] * 4
    assert np.all(np.isinf(metrics.asa_s[:4]))
    assert metrics.occupancy.tolist()[:4] == [1.0] * 4
    assert metrics.stable.tolist() == [False, False, False, False, True]
    for values in (metrics.p_wait, metrics.service_level, metrics.asa_s, metrics.occupancy):
        assert np.all(values >= 0)


def test_zero_calls_need_no_one() -> None:
    for agents in (0, 3):
        metrics = erlang_c_metrics(agents, 0, 180, 20)
        assert metrics.service_level == 1.0
        assert metrics.p_wait == 0.0
        assert metrics.asa_s == 0.0
    result = agents_required(0, 180, max_occupancy=0.85, shrinkage=0.3)
    assert (result.raw, result.scheduled, result.service_level) == (0, 0, 1.0)
    mixed = agents_required(np.array([0.0, 100.0, 0.0]), 180, max_occupancy=0.85, shrinkage=0.3)
    assert mixed.raw.tolist() == [0, 14, 0]
    assert mixed.scheduled.tolist() == [0, 20, 0]
    assert mixed.service_level[0] == 1.0
    assert erlang_a(0, 0, 180, 60, 20).service_level == 1.0
    assert agents_required_erlang_a(0, 180, 60).raw == 0


@pytest.mark.parametrize("as_array", [False, True], ids=["scalar", "array"])
def test_a_hundred_thousand_erlangs_quickly(as_array: bool) -> None:
    calls: Any = np.array([1e6]) if as_array else 1e6
    started = time.perf_counter()
    result = agents_required(calls, 180)  # 1e6 x 180 / 1800 = 100,000 Erlangs
    elapsed = time.perf_counter() - started
    raw = int(np.asarray(result.raw).reshape(-1)[0])
    assert raw > 100_000
    assert raw < 100_000 + 1_000  # square-root staffing: a few hundred above the load
    assert math.isfinite(float(np.asarray(result.service_level).reshape(-1)[0]))
    assert elapsed < 1.0


# --- bad input ------------------------------------------------------------------------------------

BAD_INPUT: list[tuple[str, Callable[[], Any]]] = [
    ("calls", lambda: agents_required(-1, 180)),
    ("calls", lambda: erlang_c_metrics(5, -1, 180, 20)),
    ("calls", lambda: erlang_a(5, -1, 180, 60, 20)),
    ("aht_s", lambda: agents_required(100, 0)),
    ("aht_s", lambda: service_level(5, 100, 0, 20)),
    ("aht_s", lambda: agents_required_erlang_a(100, 0, 60)),
    ("agents", lambda: erlang_c(2.5, 1.0)),
    ("agents", lambda: erlang_b(2.5, 1.0)),
    ("agents", lambda: service_level(2.5, 100, 180, 20)),
    ("agents", lambda: erlang_a(2.5, 100, 180, 60, 20)),
    ("agents", lambda: erlang_c(np.array([3, 4.5]), 1.0)),
    ("shrinkage", lambda: agents_required(100, 180, shrinkage=1.0)),
    ("shrinkage", lambda: scheduled_from_raw(14, 1.0)),
    ("target_sl", lambda: agents_required(100, 180, target_sl=1.2)),
    ("target_sl", lambda: agents_required_erlang_a(100, 180, 60, target_sl=1.2)),
    ("max_occupancy", lambda: agents_required(100, 180, max_occupancy=0)),
    ("load_erlangs", lambda: erlang_c(5, -1.0)),
    ("patience_s", lambda: erlang_a(5, 100, 180, 0, 20)),
]


@pytest.mark.parametrize(
    ("argument", "call"), BAD_INPUT, ids=[f"{a}-{i}" for i, (a, _) in enumerate(BAD_INPUT)]
)
def test_bad_input_raises_naming_the_argument(argument: str, call: Callable[[], Any]) -> None:
    with pytest.raises(ValueError, match=rf"^{re.escape(argument)}\b"):
        call()


# --- Erlang A -------------------------------------------------------------------------------------


def mandelbaum_zeltyn(agents: int, calls: float, aht_s: float, patience_s: float) -> tuple[float, float]:
    """P(W > 0) and P(Ab) of M/M/n+M in closed form (Mandelbaum & Zeltyn 2007), per 30 minutes."""
    arrival = calls / 1800
    service = 1 / aht_s
    impatience = 1 / patience_s
    rho = arrival / (agents * service)
    x = agents * service / impatience
    y = arrival / impatience
    log_a = math.log(x) + y - x * math.log(y) + math.log(special.gammainc(x, y)) + special.gammaln(x)
    big_a = math.exp(log_a)
    blocking = erlang_b_scalar(agents, arrival / service)
    p_wait = big_a * blocking / (1 + (big_a - 1) * blocking)
    p_abandon = p_wait * (1 / (rho * big_a) + 1 - 1 / rho)
    return p_wait, p_abandon


ERLANG_A_CASES = [
    (14, 100, 180, 120),
    (3, 10, 600, 30),
    (20, 300, 300, 90),
    (50, 1_000, 200, 300),
    (5, 100, 180, 60),  # overloaded: 10 Erlangs on 5 agents
    (100, 2_000, 180, 180),  # overloaded: 200 Erlangs on 100 agents
]


@pytest.mark.parametrize(("agents", "calls", "aht_s", "patience_s"), ERLANG_A_CASES)
def test_erlang_a_matches_the_mandelbaum_zeltyn_closed_forms(
    agents: int, calls: int, aht_s: float, patience_s: float
) -> None:
    p_wait, p_abandon = mandelbaum_zeltyn(agents, calls, aht_s, patience_s)
    result = erlang_a(agents, calls, aht_s, patience_s, 20)
    assert result.p_wait == pytest.approx(p_wait, rel=1e-8, abs=1e-12)
    assert result.p_abandon == pytest.approx(p_abandon, rel=1e-8, abs=1e-12)


@pytest.mark.parametrize(
    ("agents", "calls", "aht_s"), [(14, 100, 180), (3, 10, 180), (60, 400, 240), (110, 1_000, 180)]
)
def test_erlang_a_with_endless_patience_is_erlang_c(agents: int, calls: int, aht_s: float) -> None:
    with_patience = erlang_a(agents, calls, aht_s, 1e7, 20)
    without = erlang_c_metrics(agents, calls, aht_s, 20)
    assert with_patience.p_wait == pytest.approx(without.p_wait, rel=1e-3)
    assert with_patience.service_level == pytest.approx(without.service_level, rel=1e-3)
    assert with_patience.asa_s == pytest.approx(without.asa_s, rel=1e-3)
    assert with_patience.p_abandon < 1e-3


@pytest.mark.parametrize(("agents", "calls", "aht_s", "patience_s"), ERLANG_A_CASES)
def test_erlang_a_service_level_at_target_zero_is_answered_at_once(
    agents: int, calls: int, aht_s: float, patience_s: float
) -> None:
    result = erlang_a(agents, calls, aht_s, patience_s, 0)
    assert result.service_level == pytest.approx(1 - result.p_wait, rel=1e-9, abs=1e-12)


@pytest.mark.parametrize(
    ("agents", "calls"), [(14, 100), (8, 100), (4, 100)], ids=["staffed", "tight", "overloaded"]
)
def test_erlang_a_more_patience_fewer_abandons(agents: int, calls: int) -> None:
    patience = [5, 30, 60, 120, 300, 900, 3_600, 1e5]
    abandons = [erlang_a(agents, calls, 180, p, 20).p_abandon for p in patience]
    # 1e-12: at full patience an overloaded queue sits at 1 - n / A, reached up to float noise
    assert all(later <= earlier + 1e-12 for earlier, later in itertools.pairwise(abandons))
    assert abandons[0] > abandons[-1]


@pytest.mark.parametrize(("agents", "calls"), [(5, 100), (10, 100), (1, 1_000), (30, 3_000)])
def test_erlang_a_overloaded_is_stable(agents: int, calls: int) -> None:
    result = erlang_a(agents, calls, 180, 120, 20)
    assert agents <= calls * 180 / 1800
    assert math.isfinite(result.asa_s) and result.asa_s >= 0
    assert 0.0 < result.p_abandon < 1.0
    assert 0.0 <= result.service_level < 1.0
    assert 0.0 < result.occupancy <= 1.0


def test_erlang_a_arrays_are_elementwise() -> None:
    agents = np.array([14, 5, 3])
    calls = np.array([100.0, 100.0, 10.0])
    together = erlang_a(agents, calls, 180, 120, 20)
    for index in range(3):
        alone = erlang_a(int(agents[index]), float(calls[index]), 180, 120, 20)
        assert together.p_abandon[index] == alone.p_abandon
        assert together.service_level[index] == alone.service_level


@pytest.mark.parametrize(("calls", "patience_s"), [(100, 120), (100, 1e7), (400, 60), (1_000, 300)])
def test_agents_required_erlang_a_is_the_smallest_meeting_the_target(calls: float, patience_s: float) -> None:
    result = agents_required_erlang_a(calls, 180, patience_s, target_sl=0.8, target_s=20, shrinkage=0.3)
    assert erlang_a(result.raw, calls, 180, patience_s, 20).service_level >= 0.8
    assert erlang_a(result.raw - 1, calls, 180, patience_s, 20).service_level < 0.8
    assert result.scheduled == scheduled_from_raw(result.raw, 0.3)


def test_agents_required_erlang_a_with_endless_patience_is_erlang_c() -> None:
    erlang_c_raw = agents_required(100, 180, max_occupancy=0.85).raw
    assert agents_required_erlang_a(100, 180, 1e7, max_occupancy=0.85).raw == erlang_c_raw == 14


# --- defects found while writing these tests (fixed; kept as regression tests) -----------------------


@pytest.mark.parametrize(("agents", "load"), [(100, 2_000.0), (1, 800.0), (10, 5_000.0)])
def test_erlang_b_array_path_under_heavy_overload(agents: int, load: float) -> None:
    array_b = erlang_b(np.array([agents]), load)[0]
    assert array_b == pytest.approx(erlang_b(agents, load), rel=1e-9)


def test_agents_required_erlang_a_below_half_the_load() -> None:
    result = agents_required_erlang_a(1_000, 180, 1, target_sl=0.3, target_s=20)  # A = 100 Erlangs
    assert erlang_a(result.raw - 1, 1_000, 180, 1, 20).service_level < 0.3


def test_erlang_a_probabilities_never_exceed_one() -> None:
    result = erlang_a(4, 100, 180, 3_600, 20)  # 10 Erlangs on 4 agents, patient callers
    for value in (result.p_wait, result.p_abandon, result.service_level, result.occupancy):
        assert 0.0 <= value <= 1.0


# --- properties -----------------------------------------------------------------------------------

calls_st = st.floats(min_value=0, max_value=3_000, allow_nan=False)
aht_st = st.floats(min_value=10, max_value=1_800, allow_nan=False)
target_s_st = st.floats(min_value=0, max_value=300, allow_nan=False)
target_sl_st = st.floats(min_value=0.05, max_value=0.99, allow_nan=False)
occupancy_st = st.floats(min_value=0.3, max_value=1.0, allow_nan=False)
shrinkage_st = st.floats(min_value=0.0, max_value=0.95, allow_nan=False)
interval_st = st.sampled_from([900, 1800, 3600])


@PROPERTY
@given(agents=st.integers(0, 400), calls=calls_st, aht=aht_st, target=target_s_st)
def test_more_agents_never_lower_the_service_level(
    agents: int, calls: float, aht: float, target: float
) -> None:
    fewer = service_level(agents, calls, aht, target)
    more = service_level(agents + 1, calls, aht, target)
    assert more >= fewer - 1e-12


@SLOW_PROPERTY
@given(
    agents=st.integers(0, 40),
    calls=st.floats(min_value=0, max_value=400, allow_nan=False),
    aht=st.floats(min_value=30, max_value=900, allow_nan=False),
    patience=st.floats(min_value=5, max_value=1_800, allow_nan=False),
    target=st.floats(min_value=0, max_value=120, allow_nan=False),
)
def test_erlang_a_more_agents_never_lower_the_service_level(
    agents: int, calls: float, aht: float, patience: float, target: float
) -> None:
    fewer = erlang_a(agents, calls, aht, patience, target)
    more = erlang_a(agents + 1, calls, aht, patience, target)
    assert more.service_level >= fewer.service_level - 1e-9
    assert more.p_abandon <= fewer.p_abandon + 1e-9


@SLOW_PROPERTY
@given(
    calls=st.floats(min_value=0, max_value=600, allow_nan=False),
    aht=st.floats(min_value=30, max_value=900, allow_nan=False),
    patience=st.floats(min_value=1, max_value=1_800, allow_nan=False),
    target_sl=target_sl_st,
    target_s=st.floats(min_value=0, max_value=120, allow_nan=False),
    max_occupancy=occupancy_st,
)
def test_erlang_a_requirement_is_the_smallest_meeting_the_target(
    calls: float, aht: float, patience: float, target_sl: float, target_s: float, max_occupancy: float
) -> None:
    raw = agents_required_erlang_a(calls, aht, patience, target_sl, target_s, max_occupancy=max_occupancy).raw

    def meets(agents: int) -> bool:
        result = erlang_a(agents, calls, aht, patience, target_s)
        return bool(result.service_level >= target_sl and result.occupancy <= max_occupancy)

    if calls == 0:
        assert raw == 0
        return
    assert meets(raw)
    assert raw == 1 or not meets(raw - 1)


@PROPERTY
@given(
    calls=st.lists(calls_st, min_size=2, max_size=2).map(sorted),
    aht=aht_st,
    target_sl=target_sl_st,
    target_s=target_s_st,
    max_occupancy=occupancy_st,
)
def test_more_calls_never_lower_the_requirement(
    calls: list[float], aht: float, target_sl: float, target_s: float, max_occupancy: float
) -> None:
    fewer, more = (
        agents_required(c, aht, target_sl, target_s, max_occupancy=max_occupancy).raw for c in calls
    )
    assert more >= fewer


def _meets(
    agents: int, calls: float, aht: float, target_sl: float, target_s: float, interval: float, cap: float
) -> bool:
    """Independent statement of the target: stable, occupancy within the cap, service level reached."""
    load = calls * aht / interval
    if load == 0:
        return True
    if agents <= load or load / agents > cap * (1 + 1e-9):
        return False
    return bool(service_level(agents, calls, aht, target_s, interval) >= target_sl)


@PROPERTY
@given(
    calls=calls_st,
    aht=aht_st,
    target_sl=target_sl_st,
    target_s=target_s_st,
    interval=interval_st,
    max_occupancy=occupancy_st,
)
def test_requirement_is_the_smallest_meeting_the_target(
    calls: float, aht: float, target_sl: float, target_s: float, interval: int, max_occupancy: float
) -> None:
    raw = agents_required(calls, aht, target_sl, target_s, interval, max_occupancy=max_occupancy).raw
    assert _meets(raw, calls, aht, target_sl, target_s, interval, max_occupancy)
    if raw > 0:
        assert not _meets(raw - 1, calls, aht, target_sl, target_s, interval, max_occupancy)


@PROPERTY
@given(
    pairs=st.lists(
        st.tuples(st.integers(0, 3_000), st.floats(min_value=0, max_value=3_000, allow_nan=False)),
        min_size=1,
        max_size=40,
    )
)
def test_erlang_c_array_equals_scalar(pairs: list[tuple[int, float]]) -> None:
    agents = np.array([n for n, _ in pairs])
    loads = np.array([a for _, a in pairs])
    together = erlang_c(agents, loads)
    alone = [erlang_c(int(n), float(a)) for n, a in pairs]
    assert together.tolist() == pytest.approx(alone, rel=1e-9, abs=1e-300)


@PROPERTY
@given(
    pairs=st.lists(
        st.tuples(st.integers(0, 3_000), st.floats(min_value=0, max_value=20_000, allow_nan=False)),
        min_size=1,
        max_size=40,
    )
)
def test_erlang_b_array_equals_scalar(pairs: list[tuple[int, float]]) -> None:
    """Loads up to 20,000 Erlangs on up to 3,000 agents: far beyond capacity too, where both Poisson
    terms of the array path underflow."""
    agents = np.array([n for n, _ in pairs])
    loads = np.array([a for _, a in pairs])
    together = erlang_b(agents, loads)
    alone = [erlang_b(int(n), float(a)) for n, a in pairs]
    assert together.tolist() == pytest.approx(alone, rel=1e-9, abs=1e-300)


@PROPERTY
@given(
    pairs=st.lists(
        st.tuples(st.floats(min_value=0, max_value=2_000, allow_nan=False), st.integers(0, 60)),
        min_size=1,
        max_size=40,
    )
)
def test_erlang_c_array_equals_scalar_near_capacity(pairs: list[tuple[float, int]]) -> None:
    """Agents a little above the load, where waiting probabilities are neither 0 nor 1."""
    agents = np.array([math.floor(a) + extra for a, extra in pairs])
    loads = np.array([a for a, _ in pairs])
    together = erlang_c(agents, loads)
    alone = [erlang_c(int(n), float(a)) for n, a in zip(agents, loads, strict=True)]
    assert together.tolist() == pytest.approx(alone, rel=1e-9, abs=1e-300)


@PROPERTY
@given(
    rows=st.lists(st.tuples(calls_st, aht_st), min_size=1, max_size=30),
    target_sl=target_sl_st,
    target_s=target_s_st,
    max_occupancy=occupancy_st,
    shrinkage=shrinkage_st,
)
def test_requirement_on_arrays_equals_elementwise(
    rows: list[tuple[float, float]], target_sl: float, target_s: float, max_occupancy: float, shrinkage: float
) -> None:
    calls = np.array([c for c, _ in rows])
    aht = np.array([h for _, h in rows])
    together = agents_required(
        calls, aht, target_sl, target_s, max_occupancy=max_occupancy, shrinkage=shrinkage
    )
    for index, (c, h) in enumerate(rows):
        alone = agents_required(c, h, target_sl, target_s, max_occupancy=max_occupancy, shrinkage=shrinkage)
        assert together.raw[index] == alone.raw
        assert together.scheduled[index] == alone.scheduled
        assert together.service_level[index] == pytest.approx(alone.service_level, rel=1e-9)
        assert together.p_wait[index] == pytest.approx(alone.p_wait, rel=1e-9, abs=1e-300)
        assert together.occupancy[index] == pytest.approx(alone.occupancy, rel=1e-12)


@PROPERTY
@given(raw=st.integers(0, 100_000), shrinkage=shrinkage_st)
def test_scheduled_covers_raw_after_shrinkage(raw: int, shrinkage: float) -> None:
    """At least ``raw`` agents on the phones, and one fewer would not do. The 1e-9 relative slack is
    the float noise ``scheduled_from_raw`` forgives on purpose (14 / 0.7 is 20, not 21)."""
    scheduled = scheduled_from_raw(raw, shrinkage)
    assert scheduled >= raw
    assert scheduled * (1 - shrinkage) >= raw * (1 - 1e-9)
    if raw > 0:
        assert (scheduled - 1) * (1 - shrinkage) < raw


@PROPERTY
@given(calls=calls_st, aht=aht_st, shrinkage=shrinkage_st, max_occupancy=occupancy_st)
def test_requirement_scheduled_covers_raw(
    calls: float, aht: float, shrinkage: float, max_occupancy: float
) -> None:
    result = agents_required(calls, aht, max_occupancy=max_occupancy, shrinkage=shrinkage)
    assert result.scheduled >= result.raw
    assert result.scheduled * (1 - shrinkage) >= result.raw * (1 - 1e-9)


@pytest.mark.parametrize(
    ("agents", "load", "name"), [(2.5, 1.0, "agents"), (-1, 1.0, "agents"), (3, -0.5, "load")]
)
def test_scalar_erlang_b_refuses_what_it_cannot_compute(agents: float, load: float, name: str) -> None:
    with pytest.raises(ValueError, match=f"^{name}:"):
        erlang_b_scalar(agents, load)  # type: ignore[arg-type]
