"""API read latency benchmark (issue 6): a published roster with KPIs, 50 concurrent clients, loopback.

Run by hand, not in CI (about two minutes per database):

    .venv/bin/python benchmarks/api_latency.py [--clients 50] [--seconds 15] [--no-postgres]
        [--client wrk|httpx]

For each database (SQLite file; PostgreSQL at $WFM_TEST_POSTGRES_URL, default this machine's server,
in a database made for the run and dropped after) it starts ``wfm serve`` (one uvicorn process), builds
the sample centre's published roster through the API itself (upload history, seasonal-mean forecast,
requirement, a 10 s solve, publish: 82 agents x 7 days), then measures from ``--clients`` concurrent
clients on loopback:

- the read: ``GET /rosters/{id}?kpis=true`` as a signed-in agent (every cell, and the KPIs: coverage and
  projected service per queue and interval, hours, fairness);
- the baseline, in the same run: ``GET /me`` (token check and one user lookup: the floor every
  signed-in request pays on this machine).

It prints p50 / p95 / p99 latency and throughput of each, and the ratio read / baseline. Clients ask
for gzip, as browsers and HTTP libraries do; a third row reads the roster uncompressed. The load
generator is wrk (a C program; Debian package ``wrk``) when it is on PATH, else an asyncio httpx
client in this process, which costs more CPU than the server it measures. Either way it shares the
machine's two cores with the server.
"""

from __future__ import annotations

import argparse
import asyncio
import io
import os
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from dataclasses import dataclass
from pathlib import Path

import httpx
import pandas as pd

WFM = [sys.executable, "-m", "wfm.cli"]
POSTGRES_URL = os.environ.get("WFM_TEST_POSTGRES_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test")
PASSWORD = "benchmark-password"


@dataclass(frozen=True)
class Measured:
    label: str
    p50_ms: float
    p95_ms: float
    p99_ms: float
    mean_ms: float
    requests: int
    seconds: float
    errors: int = 0

    @property
    def throughput(self) -> float:
        return self.requests / self.seconds


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _wait_job(client: httpx.Client, job_id: str) -> dict[str, object]:
    while True:
        job = client.get(f"/jobs/{job_id}").json()
        if job["state"] not in ("queued", "running"):
            assert job["state"] == "succeeded", job
            return dict(job)
        time.sleep(0.5)


def _history_csv() -> bytes:
    from wfm.sample_centre import load_sample_centre

    frame = load_sample_centre().history.frame
    first = frame["interval_start"].max().normalize() - pd.Timedelta(weeks=12) + pd.Timedelta(days=1)
    buffer = io.StringIO()
    frame[frame["interval_start"] >= first].to_csv(buffer, index=False)
    return buffer.getvalue().encode()


def _published_roster(base: str) -> tuple[int, dict[str, str]]:
    """Build the sample centre's published roster over HTTP; an agent's headers to read it with."""
    boss = httpx.post(f"{base}/auth/token", data={"username": "boss", "password": PASSWORD}).json()
    client = httpx.Client(
        base_url=base, headers={"Authorization": f"Bearer {boss['access_token']}"}, timeout=120
    )
    team = client.post("/teams/sample", json={"name": "Hangzhou"}).json()["id"]
    assert client.post(
        f"/teams/{team}/history", files={"file": ("h.csv", _history_csv(), "text/csv")}
    ).is_success
    job = client.post(
        f"/teams/{team}/forecasts", json={"start": "2025-11-24", "model": "seasonal_mean"}
    ).json()
    forecast = _wait_job(client, job["id"])["result"]["forecast_id"]  # type: ignore[index]
    needed = client.post(f"/teams/{team}/requirements", json={"forecast_id": forecast}).json()["id"]
    job = client.post(
        f"/teams/{team}/rosters/solve", json={"requirement_id": needed, "time_limit_s": 10}
    ).json()
    roster = _wait_job(client, job["id"])["result"]["roster_id"]  # type: ignore[index]
    assert client.post(f"/rosters/{roster}/publish").is_success
    user = {"username": "lin", "role": "agent", "password": PASSWORD, "team_id": team, "agent_code": "A001"}
    assert client.post("/users", json=user).status_code == 201
    token = httpx.post(f"{base}/auth/token", data={"username": "lin", "password": PASSWORD}).json()
    return int(roster), {"Authorization": f"Bearer {token['access_token']}"}  # type: ignore[arg-type]


WRK_REPORT = """
done = function(summary, latency, requests)
  local e = summary.errors
  io.write(string.format("WFM %d %d %d %.1f %d %d %d\\n", latency:percentile(50), latency:percentile(95),
    latency:percentile(99), latency.mean, summary.requests, summary.duration,
    e.connect + e.read + e.write + e.status + e.timeout))
end
"""


def _load_wrk(
    base: str, path: str, headers: dict[str, str], clients: int, seconds: float, label: str
) -> Measured:
    with tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False) as script:
        script.write(WRK_REPORT)
    try:
        command = ["wrk", "-t1", f"-c{clients}", f"-d{seconds:.0f}s", "--timeout", "30s", "-s", script.name]
        for name, value in headers.items():
            command += ["-H", f"{name}: {value}"]
        subprocess.run([*command[:3], "-d2s", *command[4:], base + path], capture_output=True, check=True)
        out = subprocess.run([*command, base + path], capture_output=True, text=True, check=True).stdout
    finally:
        os.unlink(script.name)
    line = next(line for line in out.splitlines() if line.startswith("WFM "))
    p50, p95, p99, mean, requests, duration, errors = (float(x) for x in line.split()[1:])
    return Measured(
        label, p50 / 1000, p95 / 1000, p99 / 1000, mean / 1000, int(requests), duration / 1e6, int(errors)
    )


async def _load_httpx(
    base: str, path: str, headers: dict[str, str], clients: int, seconds: float, label: str
) -> Measured:
    latencies: list[float] = []
    errors: list[str] = []
    limits = httpx.Limits(max_connections=clients, max_keepalive_connections=clients)
    deadline = time.perf_counter() + seconds

    async def one_client(client: httpx.AsyncClient) -> None:
        while time.perf_counter() < deadline:
            started = time.perf_counter()
            try:
                response = await client.get(path)
                if response.status_code != 200:
                    errors.append(str(response.status_code))
            except httpx.TransportError:  # a dropped connection counts, with the time it took
                errors.append("transport error")
            latencies.append((time.perf_counter() - started) * 1000)

    async with httpx.AsyncClient(base_url=base, headers=headers, limits=limits, timeout=60) as client:
        for _ in range(3):  # warm up
            await client.get(path)
        started = time.perf_counter()
        await asyncio.gather(*(one_client(client) for _ in range(clients)))
        elapsed = time.perf_counter() - started
    ordered = sorted(latencies)

    def at(share: float) -> float:
        return ordered[min(len(ordered) - 1, int(share * len(ordered)))]

    return Measured(
        label, at(0.5), at(0.95), at(0.99), statistics.fmean(ordered), len(ordered), elapsed, len(errors)
    )


def _load(
    client: str,
    base: str,
    path: str,
    headers: dict[str, str],
    clients: int,
    seconds: float,
    label: str,
    encoding: str = "gzip",
) -> Measured:
    headers = {**headers, "Accept-Encoding": encoding}
    if client == "wrk":
        return _load_wrk(base, path, headers, clients, seconds, label)
    return asyncio.run(_load_httpx(base, path, headers, clients, seconds, label))


def _serve(database_url: str) -> tuple[subprocess.Popen[str], str]:
    env = {**os.environ, "WFM_SECRET_KEY": uuid.uuid4().hex * 2, "WFM_ADMIN_PASSWORD": PASSWORD}
    made = subprocess.run([*WFM, "admin", "create-manager", "boss", "--database-url", database_url], env=env)
    assert made.returncode == 0
    port = _free_port()
    process = subprocess.Popen(
        [*WFM, "serve", "--port", str(port), "--database-url", database_url],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        text=True,
    )
    base = f"http://127.0.0.1:{port}"
    for _ in range(300):
        try:
            if httpx.get(f"{base}/openapi.json", timeout=1).status_code == 200:
                return process, base
        except httpx.TransportError:
            time.sleep(0.2)
    process.kill()
    raise SystemExit("wfm serve did not start")


def run(database: str, database_url: str, client: str, clients: int, seconds: float) -> list[Measured]:
    process, base = _serve(database_url)
    try:
        roster, agent = _published_roster(base)
        read = f"/rosters/{roster}?kpis=true"
        answer = httpx.get(base + read, headers=agent)
        assert answer.status_code == 200 and len(answer.json()["cells"]) > 0, answer.text[:200]
        baseline = _load(client, base, "/me", agent, clients, seconds, f"{database}: GET /me (baseline)")
        label = f"{database}: GET /rosters/{{id}}?kpis=true"
        measured = _load(client, base, read, agent, clients, seconds, label)
        uncompressed = _load(
            client, base, read, agent, clients, seconds, f"{label}, uncompressed", "identity"
        )
        return [baseline, measured, uncompressed]
    finally:
        process.terminate()
        process.wait(timeout=60)


def _postgres_database() -> tuple[str, str] | None:
    from sqlalchemy import create_engine, text

    name = f"wfm_bench_{uuid.uuid4().hex[:8]}"
    try:
        admin = create_engine(POSTGRES_URL, isolation_level="AUTOCOMMIT")
        with admin.connect() as connection:
            connection.execute(text(f'CREATE DATABASE "{name}"'))
    except Exception as error:
        print(f"PostgreSQL not reachable ({type(error).__name__}); SQLite only", file=sys.stderr)
        return None
    return name, POSTGRES_URL.rsplit("/", 1)[0] + f"/{name}"


def _drop(name: str) -> None:
    from sqlalchemy import create_engine, text

    admin = create_engine(POSTGRES_URL, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(
            text("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = :n"), {"n": name}
        )
        connection.execute(text(f'DROP DATABASE IF EXISTS "{name}"'))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--clients", type=int, default=50)
    parser.add_argument("--seconds", type=float, default=15, help="seconds of load per row")
    parser.add_argument(
        "--client", choices=("wrk", "httpx"), default="wrk" if shutil.which("wrk") else "httpx"
    )
    parser.add_argument("--no-postgres", action="store_true")
    args = parser.parse_args()
    results: list[Measured] = []
    with tempfile.TemporaryDirectory() as folder:
        url = f"sqlite:///{Path(folder) / 'bench.db'}"
        results += run("SQLite", url, args.client, args.clients, args.seconds)
    if not args.no_postgres:
        made = _postgres_database()
        if made is not None:
            try:
                results += run("PostgreSQL", made[1], args.client, args.clients, args.seconds)
            finally:
                _drop(made[0])
    print(
        f"{args.clients} concurrent clients, {args.seconds:.0f} s per row, loopback, one server process, "
        f"load from {args.client}\n"
    )
    print("| request | p50 ms | p95 ms | p99 ms | mean ms | requests/s | errors | p95 / baseline p95 |")
    print("|---|---|---|---|---|---|---|---|")
    for index, measured in enumerate(results):
        baseline = results[index - index % 3]
        print(
            f"| {measured.label} | {measured.p50_ms:.1f} | {measured.p95_ms:.1f} | {measured.p99_ms:.1f} | "
            f"{measured.mean_ms:.1f} | {measured.throughput:.0f} | {measured.errors} | "
            f"{measured.p95_ms / baseline.p95_ms:.2f} |"
        )


if __name__ == "__main__":
    main()
