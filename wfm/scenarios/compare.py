"""Scenarios side by side: a table, charts (PNG) and a self-contained HTML report.

- :func:`comparison_table`: one row per scenario and mode, every headline KPI (:data:`KPIS`), and
  optionally each queue's understaffed / overstaffed agent-hours and service level as columns;
- :func:`queue_table`, :func:`interval_table`: the same per queue, and per queue and interval;
- :func:`chart_pngs`: requirement against coverage per interval per scenario, and service level by
  interval per scenario, one panel per queue (matplotlib, imported when drawing);
- :func:`comparison_html`: all of it in one HTML page whose charts are inline PNG images, so it opens
  offline and can be mailed.
"""

from __future__ import annotations

import base64
import html
import io
import math
import os
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from wfm.scenarios.run import KPIS, QUEUE_KPIS, Kpi, ScenarioMode, ScenarioResult

PER_QUEUE = (("short_hours", "short_h"), ("surplus_hours", "surplus_h"), ("service_level", "service_level"))
"""Per-queue KPIs that :func:`comparison_table` adds as ``{queue}_{suffix}`` columns."""


# --- tables -------------------------------------------------------------------------------------


def comparison_table(results: Sequence[ScenarioResult], *, per_queue: bool = False) -> pd.DataFrame:
    """One row per result: ``label, scenario, mode, status``, every KPI of :data:`KPIS`, then (with
    ``per_queue``) ``{queue}_short_h``, ``{queue}_surplus_h``, ``{queue}_service_level``."""
    rows = []
    for result in results:
        row: dict[str, Any] = {
            "label": result.label,
            "scenario": result.scenario.name,
            "mode": result.mode.value,
            "status": result.status,
        }
        row.update({kpi.key: result.summary.get(kpi.key) for kpi in KPIS})
        row["time_limit_s"] = result.summary.get("time_limit_s")
        if per_queue:
            for queue_row in result.queues.to_dict(orient="records"):
                for key, suffix in PER_QUEUE:
                    row[f"{queue_row['queue']}_{suffix}"] = queue_row[key]
        rows.append(row)
    return pd.DataFrame(rows)


def queue_table(results: Sequence[ScenarioResult]) -> pd.DataFrame:
    """One row per result and queue: ``label, scenario, mode, queue`` and :data:`QUEUE_KPIS`."""
    frames = [
        result.queues.assign(label=result.label, scenario=result.scenario.name, mode=result.mode.value)
        for result in results
        if len(result.queues)
    ]
    columns = ["label", "scenario", "mode", "queue", *(k.key for k in QUEUE_KPIS)]
    if not frames:
        return pd.DataFrame(columns=columns)
    return pd.concat(frames, ignore_index=True).loc[:, columns]


def interval_table(results: Sequence[ScenarioResult]) -> pd.DataFrame:
    """One row per result, queue and interval: requirement, coverage, volume and projected service."""
    frames = [
        result.intervals.assign(label=result.label, scenario=result.scenario.name, mode=result.mode.value)
        for result in results
        if len(result.intervals)
    ]
    if not frames:
        return pd.DataFrame(columns=["label", "scenario", "mode"])
    frame = pd.concat(frames, ignore_index=True)
    first = ["label", "scenario", "mode"]
    return frame.loc[:, first + [c for c in frame.columns if c not in first]]


# --- words --------------------------------------------------------------------------------------


def format_value(value: Any, kind: str, *, currency: str = "CNY") -> str:
    """A KPI as a manager reads it: ``84.2%``, ``1,234.5 h``, ``23 s``, ``12,300 CNY``; ``-`` for none."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "-"
    if isinstance(value, float) and math.isinf(value):
        return "overloaded"
    if kind == "share":
        return f"{value:.1%}"
    if kind == "hours":
        return f"{value:,.1f} h"
    if kind == "seconds":
        return f"{value:,.1f} s"
    if kind == "money":
        return f"{value:,.0f} {currency}"
    if kind == "count":
        return f"{value:,.0f}"
    return f"{value:,.1f}"


def _currency(results: Sequence[ScenarioResult]) -> str:
    return str(results[0].summary.get("currency", "CNY")) if results else "CNY"


def render_comparison(results: Sequence[ScenarioResult]) -> str:
    """The headline KPIs as text: one line per KPI, one column per scenario and mode."""
    currency = _currency(results)
    headings = ["", *(r.label for r in results)]
    rows = [["status", *(r.status for r in results)]]
    rows += [
        [kpi.label, *(format_value(r.summary.get(kpi.key), kpi.kind, currency=currency) for r in results)]
        for kpi in KPIS
    ]
    widths = [max(len(row[i]) for row in [headings, *rows]) + 2 for i in range(len(headings))]
    lines = [
        headings[0].ljust(widths[0])
        + "".join(h.rjust(w) for h, w in zip(headings[1:], widths[1:], strict=True))
    ]
    for row in rows:
        lines.append(
            row[0].ljust(widths[0]) + "".join(c.rjust(w) for c, w in zip(row[1:], widths[1:], strict=True))
        )
    return "\n".join(line.rstrip() for line in lines)


# --- charts -------------------------------------------------------------------------------------


def _queues(results: Sequence[ScenarioResult]) -> list[str]:
    seen: list[str] = []
    for result in results:
        for queue in result.intervals["queue"].unique() if len(result.intervals) else []:
            if str(queue) not in seen:
                seen.append(str(queue))
    return seen


def _pyplot() -> tuple[Any, Any]:
    """matplotlib's pyplot and dates modules, drawing off-screen (imported only when drawing)."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.dates
    import matplotlib.pyplot

    return matplotlib.pyplot, matplotlib.dates


def chart_pngs(
    results: Sequence[ScenarioResult],
    *,
    queue_names: Mapping[str, str] | None = None,
    targets: Mapping[str, float] | None = None,
    dpi: int = 90,
) -> dict[str, bytes]:
    """Two PNG images, one panel per queue, one colour per scenario:

    - ``coverage``: each scenario's requirement (thin dashed, drawn once per scenario) and coverage per
      interval (solid when re-solved, dotted for the current roster);
    - ``service``: projected service level per interval (same styles; intervals without volume left
      blank), with each queue's target share from ``targets`` (grey, dotted).
    """
    plt, mdates = _pyplot()

    names = queue_names or {}
    queues = _queues(results)
    drawn = [r for r in results if len(r.intervals)]
    palette = plt.get_cmap("tab10").colors
    scenario_names = list(dict.fromkeys(r.scenario.name for r in drawn))
    colour = {name: palette[i % len(palette)] for i, name in enumerate(scenario_names)}
    style = {ScenarioMode.RESOLVE: "-", ScenarioMode.EVALUATE: ":"}
    images: dict[str, bytes] = {}
    for kind in ("coverage", "service"):
        rows = max(1, len(queues))
        figure, axes = plt.subplots(rows, 1, figsize=(13, 2.5 * rows + 1.0), sharex=True, squeeze=False)
        for axis, queue in zip(axes[:, 0], queues, strict=False):
            required_drawn: set[str] = set()
            for result in drawn:
                part = result.intervals[result.intervals["queue"] == queue].sort_values("interval_start")
                if part.empty:
                    continue
                starts = pd.to_datetime(part["interval_start"])
                tint = colour[result.scenario.name]
                line = style[result.mode]
                if kind == "coverage":
                    if result.scenario.name not in required_drawn:
                        required_drawn.add(result.scenario.name)
                        axis.step(
                            starts, part["required"], where="post", color=tint, lw=0.9, ls="--", alpha=0.7
                        )
                    axis.step(
                        starts, part["covered"], where="post", color=tint, lw=1.4, ls=line, label=result.label
                    )
                else:
                    level = part["service_level"].to_numpy(dtype=float).copy()
                    level[part["volume"].fillna(0).to_numpy(dtype=float) <= 0] = np.nan
                    axis.step(starts, level, where="post", color=tint, lw=1.3, ls=line, label=result.label)
            if kind == "service":
                target = (targets or {}).get(queue)
                if target is not None:
                    axis.axhline(target, color="#777", lw=0.9, ls=":")
                axis.set_ylim(-0.02, 1.02)
                axis.set_ylabel("service level")
            else:
                axis.set_ylabel("agents")
            axis.set_title(names.get(queue, queue), loc="left", fontsize=10)
            axis.grid(alpha=0.3)
            axis.xaxis.set_major_locator(mdates.DayLocator())
            axis.xaxis.set_major_formatter(mdates.DateFormatter("%a %d %b"))
        title = (
            "Requirement (dashed) and coverage per interval; solid: re-solved, dotted: current roster"
            if kind == "coverage"
            else "Projected service level per interval; solid: re-solved, dotted: current roster; "
            "grey: target"
        )
        handles, labels = axes[0, 0].get_legend_handles_labels()
        legend_rows = math.ceil(len(labels) / 3) if labels else 0
        top = 1 - (0.25 + 0.17 * legend_rows) / (2.5 * rows + 1.0)
        figure.suptitle(title, fontsize=11, x=0.01, y=0.995, ha="left", va="top")
        if handles:
            figure.legend(
                handles,
                labels,
                loc="upper left",
                bbox_to_anchor=(0.01, 1 - 0.3 / (2.5 * rows + 1.0)),
                fontsize=8,
                ncol=3,
                frameon=False,
            )
        figure.tight_layout(rect=(0, 0, 1, top))
        buffer = io.BytesIO()
        figure.savefig(buffer, format="png", dpi=dpi)
        plt.close(figure)
        images[kind] = buffer.getvalue()
    return images


def write_chart_pngs(
    directory: Path,
    results: Sequence[ScenarioResult],
    *,
    queue_names: Mapping[str, str] | None = None,
    targets: Mapping[str, float] | None = None,
) -> list[Path]:
    """:func:`chart_pngs` written as ``coverage.png`` and ``service.png`` in ``directory``."""
    directory.mkdir(parents=True, exist_ok=True)
    written = []
    for name, data in chart_pngs(results, queue_names=queue_names, targets=targets).items():
        path = directory / f"{name}.png"
        _write_atomically(path, data)
        written.append(path)
    return written


# --- HTML ---------------------------------------------------------------------------------------

_CSS = """
body { font-family: -apple-system, "Segoe UI", "Helvetica Neue", Arial, "PingFang SC", sans-serif;
       margin: 24px; color: #222; }
h1 { font-size: 22px; margin-bottom: 4px; } h2 { font-size: 17px; margin-top: 28px; }
h3 { font-size: 14px; margin: 14px 0 4px; }
.muted { color: #666; font-size: 13px; }
table { border-collapse: collapse; font-size: 12px; }
th, td { border: 1px solid #ddd; padding: 3px 6px; text-align: right; white-space: nowrap; }
th { background: #f4f4f4; } td.left, th.left { text-align: left; }
td.bad { color: #a33; }
ul { margin: 4px 0 8px; font-size: 13px; }
img.chart { max-width: 100%; display: block; margin: 6px 0 18px; }
details { font-size: 12px; margin: 4px 0 10px; }
"""


def _esc(value: object) -> str:
    return html.escape(str(value), quote=True)


def _table(headings: Sequence[str], rows: Sequence[Sequence[str]], *, left: int = 1) -> str:
    head = "".join(
        f'<th class="left">{_esc(h)}</th>' if i < left else f"<th>{_esc(h)}</th>"
        for i, h in enumerate(headings)
    )
    body = "".join(
        "<tr>"
        + "".join(
            f'<td class="left">{_esc(c)}</td>' if i < left else f"<td>{_esc(c)}</td>"
            for i, c in enumerate(row)
        )
        + "</tr>"
        for row in rows
    )
    return f"<table><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>"


def _kpi_rows(results: Sequence[ScenarioResult], kpis: Sequence[Kpi], currency: str) -> list[list[str]]:
    return [
        [kpi.label, *(format_value(r.summary.get(kpi.key), kpi.kind, currency=currency) for r in results)]
        for kpi in kpis
    ]


def _queue_rows(results: Sequence[ScenarioResult], currency: str) -> list[list[str]]:
    rows = []
    for queue in _queues(results) or sorted({str(q) for r in results for q in r.queues["queue"]}):
        for kpi in QUEUE_KPIS:
            values = []
            for result in results:
                part = result.queues[result.queues["queue"] == queue]
                value = part[kpi.key].iloc[0] if len(part) else None
                values.append(format_value(value, kpi.kind, currency=currency))
            rows.append([queue, kpi.label, *values])
    return rows


def comparison_html(
    results: Sequence[ScenarioResult],
    *,
    title: str = "Scenario comparison",
    notes: Sequence[str] = (),
    queue_names: Mapping[str, str] | None = None,
    targets: Mapping[str, float] | None = None,
    images: Mapping[str, bytes] | None = None,
) -> str:
    """The comparison as one self-contained HTML page: what each scenario changes, the KPI table, the
    per-queue table, the two charts (inline PNG), and each scenario's notes and rule violations."""
    currency = _currency(results)
    labels = [r.label for r in results]
    if images is None:
        images = chart_pngs(results, queue_names=queue_names, targets=targets)
    sections = [f"<h1>{_esc(title)}</h1>"]
    sections += [f'<p class="muted">{_esc(note)}</p>' for note in notes]
    sections.append("<h2>Scenarios</h2>")
    seen: set[str] = set()
    items = []
    for result in results:
        scenario = result.scenario
        if scenario.name in seen:
            continue
        seen.add(scenario.name)
        changes = scenario.describe() or ["no change: the baseline's inputs"]
        description = f" - {_esc(scenario.description)}" if scenario.description else ""
        items.append(
            f"<li><b>{_esc(scenario.name)}</b>{description}<ul>"
            + "".join(f"<li>{_esc(line)}</li>" for line in changes)
            + "</ul></li>"
        )
    sections.append(f"<ul>{''.join(items)}</ul>")
    sections.append("<h2>Key figures</h2>")
    status_row = [["status", *(r.status for r in results)]]
    sections.append(_table(["", *labels], status_row + _kpi_rows(results, KPIS, currency)))
    sections.append(
        '<p class="muted">Cost: paid hours at the hourly rate (temporary agents at theirs). Service '
        "level is projected from the rostered agents per interval by the staffing maths, weighted by "
        "volume; the speed of answer leaves out intervals whose load the agents cannot carry (counted "
        "in the line after it).</p>"
    )
    sections.append("<h2>Per queue</h2>")
    sections.append(_table(["queue", "", *labels], _queue_rows(results, currency), left=2))
    sections.append("<h2>Requirement and coverage per interval</h2>")
    sections.append(
        f'<img class="chart" alt="requirement and coverage per interval, per scenario" '
        f'src="data:image/png;base64,{base64.b64encode(images["coverage"]).decode("ascii")}">'
    )
    sections.append("<h2>Service level per interval</h2>")
    sections.append(
        f'<img class="chart" alt="service level per interval, per scenario" '
        f'src="data:image/png;base64,{base64.b64encode(images["service"]).decode("ascii")}">'
    )
    sections.append("<h2>Notes and rule violations</h2>")
    for result in results:
        sections.append(f"<h3>{_esc(result.label)}</h3>")
        lines = list(result.notes)
        if result.cost_by_rule:
            costs = ", ".join(f"{rule} {cost:,}" for rule, cost in sorted(result.cost_by_rule.items()))
            lines.append(f"soft-rule costs: {costs}")
        sections.append("<ul>" + "".join(f"<li>{_esc(line)}</li>" for line in lines or ["-"]) + "</ul>")
        if result.violations:
            sections.append(
                f"<details><summary>{len(result.violations)} rule violations</summary><ul>"
                + "".join(f"<li>{_esc(v)}</li>" for v in result.violations)
                + "</ul></details>"
            )
        else:
            sections.append('<p class="muted">no rule violations</p>')
    body = "\n".join(sections)
    return (
        '<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8">'
        f"<title>{_esc(title)}</title><style>{_CSS}</style></head>\n<body>\n{body}\n</body></html>\n"
    )


def write_comparison_html(path: Path, results: Sequence[ScenarioResult], **options: Any) -> None:
    """:func:`comparison_html` written atomically to ``path``."""
    _write_atomically(path, comparison_html(results, **options).encode("utf-8"))


def _write_atomically(path: Path, data: bytes) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    temporary = path.with_name(f".{path.name}.partial")
    try:
        temporary.write_bytes(data)
        os.replace(temporary, path)
    finally:
        temporary.unlink(missing_ok=True)
