"""``wfm bench``: run the roster solver on published benchmark instances and score the result."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated

import typer

from wfm.errors import InputError

app = typer.Typer(help="Run the roster solver on published rostering benchmarks.", no_args_is_help=True)


@app.command("curtois")
def curtois(
    file: Annotated[Path, typer.Argument(help="A Curtois instance file (e.g. Instance1.txt).")],
    time_limit: Annotated[
        float, typer.Option("--time-limit", help="Seconds of search in all (above 0).")
    ] = 60.0,
    workers: Annotated[int, typer.Option("--workers", help="CP-SAT search workers (1 or more).")] = 2,
    seed: Annotated[int, typer.Option("--seed", help="Random seed of the search.")] = 0,
    as_json: Annotated[bool, typer.Option("--json", help="Print the result as JSON.")] = False,
) -> None:
    """Solve one Curtois shift-scheduling instance; the objective is recomputed by the benchmark's rules.

    Prints the instance, the solver's status, the objective, CP-SAT's proven lower bound, the seconds
    spent and the roster (employee id -> shift id or null for each day).
    """
    if time_limit <= 0:
        raise InputError(f"--time-limit: must be above 0 seconds, got {time_limit:g}")
    if workers < 1:
        raise InputError(f"--workers: must be 1 or more, got {workers}")
    if not file.is_file():
        raise InputError(f"{file}: no such file")
    from solver.benchmarks.curtois import best_known, evaluate, parse_instance
    from solver.benchmarks.curtois_problem import roster_to_assignment, solve_instance

    instance = parse_instance(file)
    result = solve_instance(instance, time_limit_s=time_limit, workers=workers, seed=seed)
    roster = roster_to_assignment(result.roster) if result.roster is not None else None
    evaluation = evaluate(instance, roster) if roster is not None else None
    if evaluation is not None and evaluation.hard_violations:
        raise InputError(
            f"{instance.name}: the solver's roster breaks the benchmark's hard rules: "
            + "; ".join(evaluation.hard_violations[:5])
        )
    report = {
        "instance": instance.name,
        "status": str(result.status),
        "objective": evaluation.objective if evaluation is not None else None,
        "lower_bound": result.lower_bound,
        "seconds": round(result.solve_seconds, 2),
        "roster": roster,
    }
    if as_json:
        typer.echo(json.dumps(report))
        return
    known = best_known(instance.name)
    typer.echo(f"{instance.name}: {report['status']}")
    typer.echo(f"objective {report['objective']} (best known {known if known is not None else 'not listed'})")
    typer.echo(f"lower bound {report['lower_bound']}, {report['seconds']} s")
