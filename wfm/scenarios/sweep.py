"""Sweeps: a grid of overrides (volume x headcount, ...) run in parallel processes, as one table.

A :class:`SweepAxis` is a named list of levels, each a label and the overrides it adds (a
:class:`~wfm.scenarios.Scenario`); :func:`grid` crosses the axes (every combination, first axis
slowest) on top of an optional base scenario. :func:`run_sweep` runs the scenarios on ``workers``
processes (default: the machine's cores), each solve with ``max(1, cores // workers)`` CP-SAT threads,
so parallel scenarios do not fight over cores; a progress bar counts finished scenarios. A scenario
that fails (say, an infeasible rule change) is a row saying why, not the end of the sweep.
"""

from __future__ import annotations

import itertools
import logging
import multiprocessing
import os
import sys
import time
from collections.abc import Callable, Sequence
from concurrent.futures import Future, ProcessPoolExecutor, as_completed
from dataclasses import dataclass, field, replace
from datetime import date
from typing import Any

import pandas as pd
from pydantic import ValidationError

from wfm.domain.parsing import problems_from
from wfm.errors import InputError, Problem
from wfm.scenarios.apply import Baseline, check_scenarios
from wfm.scenarios.compare import comparison_table
from wfm.scenarios.overrides import Scenario
from wfm.scenarios.run import ScenarioMode, ScenarioResult, ScenarioSettings, run_scenario

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class SweepAxis:
    """One dimension of a sweep: ``levels`` are (label, overrides) pairs."""

    name: str
    levels: tuple[tuple[str, Scenario], ...]

    def __post_init__(self) -> None:
        if not self.levels:
            raise InputError("sweep refused", [Problem("an axis needs at least one level", field=self.name)])


@dataclass(frozen=True)
class SweepPoint:
    """One scenario of a sweep and the level it takes on each axis."""

    scenario: Scenario
    levels: dict[str, str]


@dataclass(frozen=True)
class SweepResult:
    """A sweep's table (one row per scenario: the axes' levels, then every KPI and per-queue figure),
    the results themselves (``None`` where a scenario failed), and how long it took."""

    table: pd.DataFrame
    results: tuple[ScenarioResult | None, ...] = field(repr=False)
    seconds: float
    workers: int
    solver_threads: int


# --- axes and the grid --------------------------------------------------------------------------


def _level(axis: str, label: str, **overrides: Any) -> tuple[str, Scenario]:
    """One level: a scenario named by the axis and label; bad values are refused naming the axis."""
    try:
        return label, Scenario.model_validate({"name": f"{axis} {label}", **overrides})
    except ValidationError as error:
        raise InputError(
            f"sweep axis '{axis}' refused",
            [Problem(f"{label}: {p.field}: {p.message}", field=axis) for p in problems_from(error)],
        ) from None


def volume_axis(
    multipliers: Sequence[float],
    *,
    queues: Sequence[str] = (),
    days: tuple[int, int] | None = None,
    first_day: date | None = None,
    last_day: date | None = None,
    hours: tuple[int, int] = (0, 24),
    name: str = "volume",
) -> SweepAxis:
    """Volume multipliers on some queues, days and hours (``x1`` changes nothing)."""
    change = {"queues": tuple(queues), "days": days, "first_day": first_day, "last_day": last_day}
    levels = [
        _level(
            name,
            f"x{multiplier:g}",
            volume=() if multiplier == 1 else ({"multiplier": multiplier, "hours": hours, **change},),
        )
        for multiplier in multipliers
    ]
    return SweepAxis(name, tuple(levels))


def added_agents_axis(
    counts: Sequence[int],
    *,
    skills: Sequence[str],
    temporary: bool = True,
    name: str = "temps",
    **contract: Any,
) -> SweepAxis:
    """Agents added (temporary by default) with the given skills; 0 adds nobody."""
    levels = []
    for count in counts:
        if count < 0:
            raise InputError("sweep refused", [Problem(f"{count}: a count is 0 or more", field=name)])
        added = {"count": count, "skills": tuple(skills), "temporary": temporary, **contract}
        levels.append(_level(name, f"+{count}", team={"add": [added] if count else []}))
    return SweepAxis(name, tuple(levels))


def shrinkage_axis(values: Sequence[float], *, name: str = "shrinkage") -> SweepAxis:
    """The staffing policy's shrinkage."""
    return SweepAxis(
        name, tuple(_level(name, f"{value:.0%}", staffing={"shrinkage": value}) for value in values)
    )


def grid(axes: Sequence[SweepAxis], *, base: Scenario | None = None) -> list[SweepPoint]:
    """Every combination of the axes' levels (first axis slowest), each on top of ``base``."""
    if not axes:
        raise InputError("sweep refused", [Problem("a sweep needs at least one axis", field="axes")])
    names = [axis.name for axis in axes]
    if len(set(names)) != len(names):
        raise InputError("sweep refused", [Problem(f"axis names repeat: {names}", field="axes")])
    points = []
    for combination in itertools.product(*(axis.levels for axis in axes)):
        scenario = base or Scenario(name="sweep")
        labels = {}
        for axis, (label, overrides) in zip(axes, combination, strict=True):
            scenario = scenario.then(overrides, name=scenario.name)
            labels[axis.name] = label
        title = ", ".join(f"{axis} {label}" for axis, label in labels.items())
        prefix = f"{base.name}: " if base is not None else ""
        points.append(SweepPoint(scenario.model_copy(update={"name": f"{prefix}{title}"}), labels))
    return points


# --- running ------------------------------------------------------------------------------------


def _run_one(
    baseline: Baseline, scenario: Scenario, mode: str, settings: ScenarioSettings
) -> tuple[ScenarioResult | None, str]:
    """One scenario in a worker process: its result, or why it failed."""
    try:
        return run_scenario(baseline, scenario, mode=mode, settings=settings), ""
    except InputError as error:
        return None, error.render().replace("\n", " ")
    except Exception as error:  # a sweep reports a failed scenario and goes on with the others
        logger.exception("scenario %s failed", scenario.name)
        return None, f"{type(error).__name__}: {error}"


def _progress(total: int, enabled: bool) -> Any:
    from tqdm import tqdm

    return tqdm(total=total, desc="scenarios", unit="scenario", disable=not enabled, file=sys.stderr)


def run_sweep(
    baseline: Baseline,
    points: Sequence[SweepPoint],
    *,
    mode: ScenarioMode | str = ScenarioMode.RESOLVE,
    settings: ScenarioSettings | None = None,
    workers: int | None = None,
    solver_threads: int | None = None,
    progress: bool = True,
    on_progress: Callable[[int, int], None] | None = None,
) -> SweepResult:
    """Run every point of the grid; one row per point, in the grid's order.

    ``workers`` processes (default: the machine's cores; 1 runs in this process); each solve gets
    ``solver_threads`` CP-SAT threads (default ``max(1, cores // workers)``). Every scenario is checked
    against the baseline first, so a bad override is refused before anything runs. ``progress`` shows a
    bar on standard error; ``on_progress(done, total)`` is called as each scenario finishes (a
    background job reports its progress with it).
    """
    settings = settings or ScenarioSettings()
    cores = os.cpu_count() or 1
    workers = cores if workers is None else workers
    if workers < 1:
        raise InputError("sweep refused", [Problem(f"{workers}: at least one worker", field="workers")])
    if not points:
        raise InputError("sweep refused", [Problem("the grid has no scenario", field="axes")])
    threads = solver_threads if solver_threads is not None else max(1, cores // workers)
    settings = replace(settings, solver_workers=threads)
    mode = ScenarioMode(mode)
    check_scenarios(baseline, [point.scenario for point in points])
    started = time.perf_counter()
    outcomes: list[tuple[ScenarioResult | None, str]] = [(None, "not run")] * len(points)
    bar = _progress(len(points), progress)
    done = 0

    def finished() -> None:
        nonlocal done
        done += 1
        bar.update(1)
        if on_progress is not None:
            on_progress(done, len(points))

    try:
        if workers == 1:
            for index, point in enumerate(points):
                outcomes[index] = _run_one(baseline, point.scenario, mode.value, settings)
                finished()
        else:
            # spawn: a fresh interpreter per worker, never a fork of a process that ran CP-SAT threads
            context = multiprocessing.get_context("spawn")
            with ProcessPoolExecutor(max_workers=min(workers, len(points)), mp_context=context) as pool:
                futures: dict[Future[tuple[ScenarioResult | None, str]], int] = {
                    pool.submit(_run_one, baseline, point.scenario, mode.value, settings): index
                    for index, point in enumerate(points)
                }
                for future in as_completed(futures):
                    outcomes[futures[future]] = future.result()
                    finished()
    finally:
        bar.close()
    seconds = time.perf_counter() - started
    return SweepResult(
        table=_table(points, outcomes),
        results=tuple(result for result, _ in outcomes),
        seconds=seconds,
        workers=workers,
        solver_threads=threads,
    )


def _table(
    points: Sequence[SweepPoint], outcomes: Sequence[tuple[ScenarioResult | None, str]]
) -> pd.DataFrame:
    rows = []
    for point, (result, error) in zip(points, outcomes, strict=True):
        row: dict[str, Any] = dict(point.levels)
        if result is not None:
            table = comparison_table([result], per_queue=True)
            row.update({str(key): value for key, value in table.iloc[0].to_dict().items()})
            row["seconds"] = result.summary.get("seconds")
            row["error"] = ""
        else:
            row.update({"label": point.scenario.name, "scenario": point.scenario.name, "status": "error"})
            row["error"] = error
        rows.append(row)
    return pd.DataFrame(rows)
