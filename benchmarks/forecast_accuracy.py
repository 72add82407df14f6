"""Forecast accuracy and speed benchmark (issue 3). Run by hand, not in CI:

    .venv/bin/python benchmarks/forecast_accuracy.py            # everything, ~10 minutes
    .venv/bin/python benchmarks/forecast_accuracy.py --only bank

Accuracy: rolling-origin backtests (one-week horizon, refit at each origin) on
- the US bank series (../shared/data/bank_calls_2003, 5-minute counts aggregated hourly): 11 origins,
  every Monday from 2003-08-04; US public holidays;
- the sample centre (bundled): the 12 weekly origins before the planning week, all four queues.
Every model is scored in the same run, so the ratios against the 4-week average and against default
Prophet do not depend on how loaded the machine is.

Speed: a 12-origin backtest of the default model on one year of hourly data for one queue, and a
one-week forecast for one queue, each timed against default Prophet in the same run; peak memory.
Results are printed as Markdown; paste them into benchmarks/RESULTS.md.
"""

from __future__ import annotations

import argparse
import logging
import resource
import sys
import time
from pathlib import Path

import pandas as pd

from forecasting import ForecastConfig, fit_forecast
from forecasting.backtest import backtest
from wfm.history import import_interval_counts, load_mapping
from wfm.sample_centre import load_sample_centre

SHARED = Path(__file__).resolve().parents[1].parent / "shared" / "data"
MODELS = [
    "last_week",
    "seasonal_mean",
    "seasonal_median",
    "prophet_default",
    "prophet",
    "ensemble",
    "default",
]


def bank() -> list[str]:
    source = SHARED / "bank_calls_2003" / "bank_calls_5min.csv"
    if not source.exists():
        return [f"(skipped: {source} not present)"]
    history = import_interval_counts(source, mapping=load_mapping("bank-calls-2003"), interval_minutes=60)  # type: ignore[arg-type]
    origins = list(pd.date_range("2003-08-04", periods=11, freq="7D"))
    config = ForecastConfig(holidays_country="US")
    started = time.perf_counter()
    result = backtest(history, models=MODELS, origins=origins, config=config)
    elapsed = time.perf_counter() - started
    return _table("US bank 2003, hourly, 11 origins from 2003-08-04", result, elapsed)


def sample() -> list[str]:
    centre = load_sample_centre()
    config = ForecastConfig()
    started = time.perf_counter()
    result = backtest(centre.history, models=MODELS, origins=12, config=config)
    elapsed = time.perf_counter() - started
    return _table("sample centre, hourly, 12 origins before 2025-11-24, 4 queues", result, elapsed)


def _table(title: str, result: object, elapsed: float) -> list[str]:
    metrics = result.metrics  # type: ignore[attr-defined]
    pooled = metrics.groupby("model").apply(
        lambda g: pd.Series(
            {
                "wape": (g["wape"] * g["actual_total"]).sum() / g["actual_total"].sum(),
                "coverage": (g["coverage"] * g["n"]).sum() / g["n"].sum(),
                "seconds": g["seconds"].sum(),
            }
        ),
        include_groups=False,
    )
    base = pooled.loc["seasonal_mean", "wape"]
    prophet = pooled.loc["prophet_default", "wape"]
    lines = [
        f"### {title}",
        "",
        f"backtest wall time {elapsed:.0f} s",
        "",
        "| model | WAPE | vs 4-week average | vs default Prophet | 80% band coverage | fit+forecast s |",
        "|---|---|---|---|---|---|",
    ]
    for model in MODELS:
        row = pooled.loc[model]
        lines.append(
            f"| {model} | {row.wape:.2%} | {row.wape / base:.2f}x | {row.wape / prophet:.2f}x | "
            f"{row.coverage:.1%} | {row.seconds:.1f} |"
        )
    per_queue = metrics.pivot(index="queue", columns="model", values="wape")
    if len(per_queue) > 1:
        lines += [
            "",
            "WAPE per queue:",
            "",
            "| queue | " + " | ".join(MODELS) + " |",
            "|---|" + "---|" * len(MODELS),
        ]
        for queue, row in per_queue.iterrows():
            lines.append(f"| {queue} | " + " | ".join(f"{row[m]:.2%}" for m in MODELS) + " |")
    return [*lines, ""]


def speed() -> list[str]:
    centre = load_sample_centre()
    frame = centre.history.frame
    end = frame["interval_start"].max() + pd.Timedelta(hours=1)
    one_year = frame[
        (frame["queue"] == "presales_chat") & (frame["interval_start"] >= end - pd.Timedelta(weeks=52))
    ]
    from wfm.history import ContactHistory

    history = ContactHistory(one_year.reset_index(drop=True), 60, centre.history.report)
    lines = ["### speed: one queue (presales_chat), one year of hourly history", ""]
    timings = {}
    for model in ("prophet_default", "default"):
        config = ForecastConfig(model=model)
        started = time.perf_counter()
        backtest(history, models=[model], origins=12, config=config)
        timings[("backtest", model)] = time.perf_counter() - started
        started = time.perf_counter()
        fit_forecast(history, end, pd.Timedelta(days=7), config)
        timings[("forecast", model)] = time.perf_counter() - started
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    lines += ["| task | default model | default Prophet | ratio |", "|---|---|---|---|"]
    for task, label in (("backtest", "12-origin backtest"), ("forecast", "one-week forecast")):
        ours, theirs = timings[(task, "default")], timings[(task, "prophet_default")]
        lines.append(f"| {label} | {ours:.1f} s | {theirs:.1f} s | {ours / theirs:.2f}x |")
    lines += ["", f"peak memory (whole benchmark process): {peak:.0f} MiB", ""]
    return lines


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--only", choices=["bank", "sample", "speed"])
    args = parser.parse_args()
    import cmdstanpy

    cmdstanpy.disable_logging()
    logging.getLogger("prophet").setLevel(logging.ERROR)
    parts = {"bank": bank, "sample": sample, "speed": speed}
    for name, run in parts.items():
        if args.only in (None, name):
            print("\n".join(run()), flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
