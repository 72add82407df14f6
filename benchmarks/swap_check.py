"""Swap-check latency benchmark (issue 7): one swap request checked through the API, no re-solve.

Run by hand, not in CI (about a minute):

    .venv/bin/python benchmarks/swap_check.py [--swaps 300]

It starts ``wfm serve`` on a SQLite file with today set to the day before the sample week, builds the
sample centre's published roster through the API (82 agents x 7 days; see ``api_latency.py``), and
then, from one client on loopback, checks ``--swaps`` different swaps with
``POST /teams/{id}/swaps/check``: trades, give-aways and rest-day exchanges between random agents on
random days, so every tier (pass, warning, error) is met. The baseline in the same run is ``GET /me``
from the same client. It prints p50 / p95 / max per request and the count of each tier.
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import tempfile
import time
from collections import Counter
from pathlib import Path

import httpx
from api_latency import _published_roster, _serve

SAMPLE_WEEK = "2025-11-24"
TODAY = "2025-11-23"


def _swaps(cells: list[dict[str, object]], count: int, seed: int = 1) -> list[dict[str, object]]:
    rng = random.Random(seed)
    agents = sorted({str(c["agent_id"]) for c in cells})
    days = sorted({str(c["day"]) for c in cells})[1:]  # the first day is too soon (lead time 1 day)
    kinds = ["trade", "trade", "give_away", "rest_day_exchange"]
    found = []
    for _ in range(count):
        requester, partner = rng.sample(agents, 2)
        kind = rng.choice(kinds)
        day, other = rng.sample(days, 2)
        body: dict[str, object] = {"kind": kind, "requester": requester, "partner": partner, "day": day}
        if kind == "rest_day_exchange":
            body["other_day"] = other
        found.append(body)
    return found


def _timed(client: httpx.Client, method: str, path: str, **kwargs: object) -> tuple[float, httpx.Response]:
    started = time.perf_counter()
    response = client.request(method, path, **kwargs)  # type: ignore[arg-type]
    return (time.perf_counter() - started) * 1000, response


def _row(label: str, times: list[float]) -> str:
    ordered = sorted(times)
    p95 = ordered[min(len(ordered) - 1, int(0.95 * len(ordered)))]
    return f"| {label} | {len(ordered)} | {statistics.median(ordered):.1f} | {p95:.1f} | {ordered[-1]:.1f} |"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--swaps", type=int, default=300)
    args = parser.parse_args()
    os.environ["WFM_TODAY"] = TODAY
    with tempfile.TemporaryDirectory() as folder:
        process, base = _serve(f"sqlite:///{Path(folder) / 'swaps.db'}")
        try:
            roster, _agent = _published_roster(base)
            boss = httpx.post(
                f"{base}/auth/token", data={"username": "boss", "password": "benchmark-password"}
            ).json()
            headers = {"Authorization": f"Bearer {boss['access_token']}"}
            with httpx.Client(base_url=base, headers=headers, timeout=60) as client:
                detail = client.get(f"/rosters/{roster}").json()
                team = detail["team_id"]
                bodies = _swaps(detail["cells"], args.swaps)
                _timed(
                    client, "POST", f"/teams/{team}/swaps/check", json=bodies[0]
                )  # builds the kept problem
                baseline = [_timed(client, "GET", "/me")[0] for _ in range(args.swaps)]
                checks, judged, tiers = [], [], Counter()
                for body in bodies:
                    took, response = _timed(client, "POST", f"/teams/{team}/swaps/check", json=body)
                    assert response.status_code == 200, response.text
                    checks.append(took)
                    tiers[response.json()["tier"]] += 1
                    if response.json()["cells"]:  # got past the cells' own checks to the rules
                        judged.append(took)
        finally:
            process.terminate()
            process.wait(timeout=60)
    print(f"one client, loopback, {args.swaps} different swaps on the sample week (82 agents x 7 days)\n")
    print("| request | n | p50 ms | p95 ms | max ms |")
    print("|---|---|---|---|---|")
    print(_row("GET /me (baseline)", baseline))
    print(_row("POST /teams/{id}/swaps/check", checks))
    print(_row("... of which judged by every rule", judged))
    print(f"\ntiers: {dict(tiers)}")


if __name__ == "__main__":
    main()
