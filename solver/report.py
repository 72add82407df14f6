"""A roster as people read it: the roster file, a text grid, the KPI summary, a self-contained HTML report.

The HTML report needs nothing beside itself (inline CSS, charts as inline SVG), so it can be mailed or
opened offline. Files are written atomically: a crash never leaves half a roster or half a report.
"""

from __future__ import annotations

import html
import math
import os
import re
from collections.abc import Iterable, Sequence
from datetime import date
from pathlib import Path
from typing import Any

import pandas as pd

from solver.kpis import RosterKpis
from solver.problem import ANY_QUEUE, RosterProblem
from solver.rules.site import closing_shifts
from solver.solve import RosterResult
from wfm.domain import CellKind, LeaveType, PlanningHorizon, Roster, RosterCell, format_clock, parse_clock
from wfm.errors import InputError, Problem

ROSTER_COLUMNS = ("agent_id", "name", "day", "kind", "shift", "queue", "break_start", "leave_type")
REST_MARK = "."
LEAVE_MARKS = {LeaveType.ANNUAL: "(annual)", LeaveType.SICK: "(sick)", LeaveType.PERSONAL: "(pers.)"}
SHIFT_COLOURS = ("#f6c85f", "#6f4e7c", "#9dd866", "#ca472f", "#0b84a5", "#ffa056", "#8dddd0", "#b07aa1")
"""Background per shift template, in the site's template order (cycled beyond eight)."""


# --- short codes --------------------------------------------------------------------------------


def short_codes(codes: Sequence[str], *, upper: bool) -> dict[str, str]:
    """A short, unique code per name: the initials of its ``_``-separated words (``pt_day`` -> ``PD``),
    lengthened from the name itself where two would clash."""
    chosen: dict[str, str] = {}
    for code in codes:
        words = [word for word in re.split(r"[^A-Za-z0-9]+", code) if word] or [code]
        candidates = ["".join(word[0] for word in words)] + [code[:n] for n in range(2, len(code) + 1)]
        candidates = [c.upper() if upper else c.lower() for c in candidates]
        taken = set(chosen.values())
        pick = next((c for c in candidates if c not in taken), None)
        suffix = 2
        while pick is None or pick in taken:
            pick = f"{candidates[0]}{suffix}"
            suffix += 1
        chosen[code] = pick
    return chosen


class _Codes:
    """How cells are written in the grid: shift letters and queue initials, with their legend."""

    def __init__(self, problem: RosterProblem) -> None:
        self.shifts = short_codes([t.code for t in problem.shifts], upper=True)
        queues = [q for q in problem.queues if q != ANY_QUEUE]
        self.queues = short_codes(queues, upper=False)

    def cell(self, cell: RosterCell | None) -> str:
        if cell is None:
            return "?"
        if cell.kind is CellKind.REST:
            return REST_MARK
        if cell.kind is CellKind.LEAVE:
            assert cell.leave_type is not None
            return LEAVE_MARKS.get(cell.leave_type, f"({cell.leave_type})")
        letters = self.shifts.get(str(cell.shift), str(cell.shift))
        queue = self.queues.get(str(cell.queue))
        return f"{letters}/{queue}" if queue else letters

    def legend(self, problem: RosterProblem) -> list[str]:
        shifts = ", ".join(f"{self.shifts[t.code]} = {t}" for t in problem.shifts)
        lines = [f"shifts: {shifts}"]
        if self.queues:
            lines.append("queues: " + ", ".join(f"{short} = {code}" for code, short in self.queues.items()))
        marks = ", ".join(f"{mark} {kind.value} leave" for kind, mark in LEAVE_MARKS.items())
        lines.append(f"{REST_MARK} rest, {marks}, ? no cell yet")
        return lines


def day_label(day: date) -> str:
    """``Mon 24``: a grid column heading."""
    return f"{day:%a} {day.day}"


# --- the roster file ----------------------------------------------------------------------------


def roster_table(problem: RosterProblem, roster: Roster) -> pd.DataFrame:
    """One row per cell (columns :data:`ROSTER_COLUMNS`), agents in the problem's order, then by day.

    ``break_start`` is a clock time (``12:00``), empty for a rest or leave day or a shift without a break.
    """
    order = {agent.id: index for index, agent in enumerate(problem.agents)}
    names = {agent.id: agent.name for agent in problem.agents}
    cells = sorted(roster.cells, key=lambda c: (order.get(c.agent_id, len(order)), c.agent_id, c.day))
    return pd.DataFrame(
        [
            (
                cell.agent_id,
                names.get(cell.agent_id, ""),
                cell.day.isoformat(),
                cell.kind.value,
                cell.shift or "",
                cell.queue or "",
                "" if cell.break_start is None else format_clock(cell.break_start),
                cell.leave_type.value if cell.leave_type is not None else "",
            )
            for cell in cells
        ],
        columns=list(ROSTER_COLUMNS),
    )


def write_text_atomically(path: Path, text: str) -> None:
    """Write ``text`` to ``path`` through a temporary file beside it, then rename it into place."""
    path.parent.mkdir(parents=True, exist_ok=True)
    temporary = path.with_name(f".{path.name}.partial")
    try:
        temporary.write_text(text, encoding="utf-8")
        os.replace(temporary, path)
    finally:
        temporary.unlink(missing_ok=True)


def write_roster_csv(path: Path, problem: RosterProblem, roster: Roster) -> None:
    """The roster as CSV (:func:`roster_table`), written atomically."""
    write_text_atomically(path, roster_table(problem, roster).to_csv(index=False))


def _break_minute(text: str) -> int:
    """``12:00`` -> 720; ``01:00+1`` (after midnight) -> 1500; plain minutes are accepted too."""
    text = text.strip()
    if text.isdigit():
        return int(text)
    clock, _, later = text.partition("+")
    return parse_clock(clock, field="break_start") + (int(later) * 1440 if later.isdigit() else 0)


def read_roster_csv(path: Path, horizon: PlanningHorizon) -> Roster:
    """Read a roster file written by :func:`write_roster_csv` (or by hand in the same columns)."""
    if not path.exists():
        raise InputError(f"{path}: no such file")
    frame = pd.read_csv(path, dtype=str, keep_default_na=False)
    missing = [c for c in ("agent_id", "day", "kind") if c not in frame.columns]
    if missing:
        raise InputError(
            f"{path}: roster refused",
            [Problem(f"missing column; found {list(frame.columns)}", column=c) for c in missing],
        )
    cells = []
    problems = []
    for position, row in enumerate(frame.to_dict(orient="records")):
        line = position + 2
        try:
            kind = CellKind(row["kind"].strip())
            day = date.fromisoformat(row["day"].strip())
            if kind is CellKind.SHIFT:
                brk = row.get("break_start", "").strip()
                cells.append(
                    RosterCell.working(
                        row["agent_id"].strip(),
                        day,
                        row.get("shift", "").strip(),
                        row.get("queue", "").strip(),
                        _break_minute(brk) if brk else None,
                    )
                )
            elif kind is CellKind.LEAVE:
                cells.append(
                    RosterCell.leave(row["agent_id"].strip(), day, LeaveType(row["leave_type"].strip()))
                )
            else:
                cells.append(RosterCell.rest(row["agent_id"].strip(), day))
        except (ValueError, KeyError) as error:
            problems.append(Problem(str(error).splitlines()[-1].strip(), row=line))
    if problems:
        raise InputError(f"{path}: roster refused", problems)
    try:
        return Roster(horizon=horizon, cells=tuple(cells))
    except ValueError as error:
        raise InputError(f"{path}: roster refused", [Problem(str(error).splitlines()[-1].strip())]) from None


# --- text ---------------------------------------------------------------------------------------


def render_grid(problem: RosterProblem, roster: Roster) -> str:
    """Agents down, days across, cells as shift letters and queue initials (``L/pc``), with counts of
    agents on duty and closing each day, and a legend."""
    codes = _Codes(problem)
    days = problem.days
    by_key = {(cell.agent_id, cell.day): cell for cell in roster.cells}
    labels = [f"{agent.id} {agent.name}" for agent in problem.agents]
    first = max([len("agent"), *map(len, labels)]) + 2
    rows = [[codes.cell(by_key.get((agent.id, day))) for day in days] for agent in problem.agents]
    width = max([len(day_label(d)) for d in days] + [len(text) for row in rows for text in row]) + 2
    lines = ["agent".ljust(first) + "group  " + "".join(day_label(d).ljust(width) for d in days)]
    for agent, label, row in zip(problem.agents, labels, rows, strict=True):
        lines.append(
            label.ljust(first) + agent.group[:5].ljust(7) + "".join(text.ljust(width) for text in row)
        )
    on_duty = [sum(1 for a in problem.agents if _works(by_key.get((a.id, d)))) for d in days]
    closing = [
        sum(
            1
            for a in problem.agents
            if _works(cell := by_key.get((a.id, d)))
            and cell is not None
            and cell.shift in {t.code for t in closing_shifts(problem, d.weekday())}
        )
        for d in days
    ]
    lines.append("on duty".ljust(first + 7) + "".join(str(n).ljust(width) for n in on_duty))
    lines.append("closing".ljust(first + 7) + "".join(str(n).ljust(width) for n in closing))
    lines += codes.legend(problem)
    return "\n".join(line.rstrip() for line in lines)


def _works(cell: RosterCell | None) -> bool:
    return cell is not None and cell.kind is CellKind.SHIFT


def _number(value: Any, digits: int = 0, unit: str = "") -> str:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "-"
    if isinstance(value, float) and math.isinf(value):
        return "overloaded"
    return f"{value:,.{digits}f}{unit}"


def _wait(seconds: Any) -> str:
    """A wait as a scheduler says it: seconds, minutes or hours."""
    if seconds is None or (isinstance(seconds, float) and math.isnan(seconds)):
        return "-"
    if math.isinf(seconds):
        return "overloaded"
    if seconds < 120:
        return f"{seconds:.0f} s"
    if seconds < 7200:
        return f"{seconds / 60:.1f} min"
    return f"{seconds / 3600:.1f} h"


def _share(value: Any) -> str:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "-"
    return f"{value:.1%}"


def render_result(result: RosterResult) -> str:
    """The solver's outcome in one or two lines: status, objective, gap, time, cost by rule."""
    words = [f"solver: {result.status.value}"]
    if result.objective is not None:
        words.append(f"objective {result.objective:,}")
    if result.lower_bound is not None:
        words.append(f"bound {result.lower_bound:,.0f}")
    if result.gap is not None:
        words.append(f"gap {result.gap:.1%}")
    words.append(f"{result.solve_seconds:.1f} s")
    lines = [", ".join(words)]
    if result.cost_by_rule:
        costs = ", ".join(f"{rule} {cost:,}" for rule, cost in sorted(result.cost_by_rule.items()))
        lines.append(f"  cost by rule: {costs}")
    if result.message:
        lines.append(f"  {result.message}")
    return "\n".join(lines)


def summary_lines(kpis: RosterKpis) -> list[tuple[str, str]]:
    """Headline figures as (label, value) pairs, for the text summary and the HTML cards."""
    s = kpis.summary
    pairs = [
        ("agents", f"{s['agents']} over {s['days']} days"),
        ("shifts", f"{s['shifts']:,} ({s['rest_days']:,} rest days, {s['leave_days']:,} leave days)"),
        (
            "paid hours",
            f"{s['paid_hours']:,.1f} ({s['paid_hours_per_agent']:.1f} per agent; "
            f"contracts {s['contract_hours']:,.1f} before leave)",
        ),
    ]
    if s["required_agent_hours"] is not None:
        pairs += [
            (
                "coverage",
                f"{s['covered_agent_hours']:,.1f} of {s['required_agent_hours']:,.1f} required agent-hours; "
                f"{_share(s['coverage_share'])} of the requirement met",
            ),
            ("short", f"{s['short_agent_hours']:,.1f} agent-hours in {s['intervals_short']} intervals"),
            ("surplus", f"{s['surplus_agent_hours']:,.1f} agent-hours"),
        ]
    if s["service_level"] is not None:
        pairs.append(
            (
                "service (projected)",
                f"{_share(s['service_level'])} of contacts answered within target; "
                f"{s['intervals_below_target']} queue-intervals below target",
            )
        )
    pairs += [
        ("late shifts", f"{s['late_shifts']} (spread {s['late_shift_spread']:g} between comparable agents)"),
        (
            "weekend work",
            f"{s['weekend_days']} agent-days (spread {s['weekend_day_spread']:g} days, "
            f"{s['weekend_hour_spread']:g} h)",
        ),
    ]
    if s["open_days"]:
        pairs.append(("open cells", f"{s['open_days']} agent-days have no cell yet"))
    return pairs


def _queue_rows(kpis: RosterKpis) -> list[list[str]]:
    return [
        [
            str(row["queue"]),
            _number(row["required_hours"], 1),
            _number(row["covered_hours"], 1),
            _number(row["short_hours"], 1),
            _number(row["surplus_hours"], 1),
            _share(row["service_level"]),
            _wait(row["asa_s"]),
            _share(row["occupancy"]),
        ]
        for row in kpis.queues.to_dict(orient="records")
    ]


_QUEUE_HEADINGS = ["queue", "required h", "covered h", "short h", "surplus h", "service", "wait", "occupancy"]


def render_summary(kpis: RosterKpis) -> str:
    """The KPI summary as text: headline figures, then a table per queue."""
    pairs = summary_lines(kpis)
    first = max(len(label) for label, _ in pairs) + 2
    lines = [f"{label.ljust(first)}{value}" for label, value in pairs]
    rows = [_QUEUE_HEADINGS, *_queue_rows(kpis)]
    widths = [max(len(row[i]) for row in rows) + 2 for i in range(len(_QUEUE_HEADINGS))]
    lines.append("per queue:")
    for row in rows:
        lines.append(
            "  "
            + row[0].ljust(widths[0])
            + "".join(c.rjust(w) for c, w in zip(row[1:], widths[1:], strict=True))
        )
    return "\n".join(lines)


# --- HTML ---------------------------------------------------------------------------------------

_CSS = """
body { font-family: -apple-system, "Segoe UI", "Helvetica Neue", Arial, "PingFang SC", sans-serif;
       margin: 24px; color: #222; }
h1 { font-size: 22px; margin-bottom: 4px; } h2 { font-size: 17px; margin-top: 28px; }
.muted { color: #666; font-size: 13px; }
.cards { display: flex; flex-wrap: wrap; gap: 10px; }
.card { border: 1px solid #ddd; border-radius: 6px; padding: 8px 12px; min-width: 200px; max-width: 420px; }
.card .label { font-size: 12px; color: #666; text-transform: uppercase; letter-spacing: .04em; }
.card .value { font-size: 14px; margin-top: 2px; }
.status { padding: 8px 12px; border-radius: 6px; background: #eef5ee; border: 1px solid #b9d8b9; }
.status.bad { background: #fbeeee; border-color: #e0b4b4; }
table { border-collapse: collapse; font-size: 12px; }
th, td { border: 1px solid #ddd; padding: 3px 6px; text-align: right; white-space: nowrap; }
th { background: #f4f4f4; } td.left, th.left { text-align: left; }
table.grid td { text-align: center; min-width: 46px; }
table.grid td.rest { background: #f0f0f0; color: #999; }
table.grid td.leave { background: repeating-linear-gradient(45deg, #fde2e2, #fde2e2 4px, #fff 4px, #fff 8px);
                      color: #a33; }
table.grid td.open { background: #fff; color: #c00; }
table.grid tr.total td { font-weight: bold; background: #fafafa; }
.legend span { display: inline-block; padding: 1px 8px; margin-right: 6px; border-radius: 3px;
               font-size: 12px; }
svg.chart { display: block; margin: 6px 0 18px; }
svg.chart text { font-size: 11px; fill: #444; }
"""


def _esc(value: object) -> str:
    return html.escape(str(value), quote=True)


def _text_colour(background: str) -> str:
    red, green, blue = (int(background[i : i + 2], 16) for i in (1, 3, 5))
    return "#000" if 0.299 * red + 0.587 * green + 0.114 * blue > 140 else "#fff"


def _table(headings: Sequence[str], rows: Iterable[Sequence[str]], *, left: int = 1, css: str = "") -> str:
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
    return f'<table class="{css}"><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>'


def _grid_html(problem: RosterProblem, roster: Roster, codes: _Codes) -> str:
    colours = {t.code: SHIFT_COLOURS[i % len(SHIFT_COLOURS)] for i, t in enumerate(problem.shifts)}
    by_key = {(cell.agent_id, cell.day): cell for cell in roster.cells}
    head = '<th class="left">agent</th><th class="left">name</th><th class="left">group</th>' + "".join(
        f"<th>{_esc(day_label(d))}</th>" for d in problem.days
    )
    rows = []
    for agent in problem.agents:
        tds = []
        for day in problem.days:
            cell = by_key.get((agent.id, day))
            text = _esc(codes.cell(cell))
            if cell is None:
                tds.append(f'<td class="open" title="no cell yet">{text}</td>')
            elif cell.kind is CellKind.REST:
                tds.append(f'<td class="rest" title="rest">{text}</td>')
            elif cell.kind is CellKind.LEAVE:
                tds.append(f'<td class="leave" title="{_esc(cell.leave_type)} leave">{text}</td>')
            else:
                colour = colours.get(str(cell.shift), "#cccccc")
                template = problem.shift(str(cell.shift))
                brk = "" if cell.break_start is None else f", break {format_clock(cell.break_start)}"
                tds.append(
                    f'<td class="shift" style="background:{colour};color:{_text_colour(colour)}" '
                    f'title="{_esc(template)} on {_esc(cell.queue)}{brk}">{text}</td>'
                )
        rows.append(
            f'<tr data-agent="{_esc(agent.id)}"><td class="left">{_esc(agent.id)}</td>'
            f'<td class="left">{_esc(agent.name)}</td><td class="left">{_esc(agent.group)}</td>'
            f"{''.join(tds)}</tr>"
        )
    on_duty = [sum(1 for a in problem.agents if _works(by_key.get((a.id, d)))) for d in problem.days]
    rows.append(
        '<tr class="total"><td class="left" colspan="3">on duty</td>'
        + "".join(f"<td>{n}</td>" for n in on_duty)
        + "</tr>"
    )
    legend = "".join(
        f'<span style="background:{colours[t.code]};color:{_text_colour(colours[t.code])}">'
        f"{_esc(codes.shifts[t.code])} = {_esc(t)}</span>"
        for t in problem.shifts
    )
    queues = ", ".join(f"{_esc(short)} = {_esc(code)}" for code, short in codes.queues.items())
    return (
        f'<p class="legend">{legend}</p><p class="muted">queues: {queues or "-"}; '
        f"{_esc(REST_MARK)} rest; leave is striped</p>"
        f'<table class="grid"><thead><tr>{head}</tr></thead><tbody>{"".join(rows)}</tbody></table>'
    )


def coverage_chart_svg(kpis: RosterKpis, queue: str, horizon: PlanningHorizon, *, title: str = "") -> str:
    """Requirement (line) against coverage (area) for one queue over the horizon, as inline SVG."""
    part = kpis.coverage[kpis.coverage["queue"] == queue].sort_values("interval_start")
    width, height, left, right, top, bottom = 980, 210, 44, 10, 24, 26
    plot_w, plot_h = width - left - right, height - top - bottom
    start = pd.Timestamp(horizon.start)
    span = pd.Timedelta(days=horizon.days)
    length = pd.Timedelta(minutes=int(kpis.summary["interval_minutes"]))
    required = part["required"].fillna(0).to_numpy(dtype=float)
    covered = part["covered"].to_numpy(dtype=float)
    peak = max(1.0, float(required.max(initial=0.0)), float(covered.max(initial=0.0)))
    top_value = math.ceil(peak / 5) * 5 if peak > 5 else math.ceil(peak)

    def x(moment: pd.Timestamp) -> float:
        return left + plot_w * ((moment - start) / span)

    def y(value: float) -> float:
        return top + plot_h * (1 - value / top_value)

    def steps(values: Sequence[float]) -> list[tuple[float, float]]:
        points: list[tuple[float, float]] = []
        for moment, value in zip(part["interval_start"], values, strict=True):
            stamp = pd.Timestamp(moment)
            points += [(x(stamp), y(value)), (x(stamp + length), y(value))]
        return points

    parts = [
        f'<svg class="chart" data-queue="{_esc(queue)}" width="{width}" height="{height}" '
        f'viewBox="0 0 {width} {height}" role="img" aria-label="requirement and coverage, {_esc(queue)}">',
        f'<text x="{left}" y="15" style="font-weight:bold">{_esc(title or queue)}</text>',
        f'<text x="{width - right}" y="15" text-anchor="end">'
        '<tspan fill="#0b84a5">&#9632; covered</tspan>  '
        '<tspan fill="#c0392b">&#8212; required</tspan></text>',
    ]
    for tick in sorted({0, top_value // 2, top_value}):
        parts.append(
            f'<line x1="{left}" x2="{width - right}" y1="{y(tick):.1f}" y2="{y(tick):.1f}" stroke="#eee"/>'
            f'<text x="{left - 6}" y="{y(tick) + 4:.1f}" text-anchor="end">{tick}</text>'
        )
    for day in horizon.dates:
        at = x(pd.Timestamp(day))
        parts.append(
            f'<line x1="{at:.1f}" x2="{at:.1f}" y1="{top}" y2="{top + plot_h}" stroke="#ddd"/>'
            f'<text x="{at + 4:.1f}" y="{height - 8}">{_esc(day_label(day))}</text>'
        )
    if len(part):
        area = steps(list(covered))
        outline = " ".join(f"{px:.1f},{py:.1f}" for px, py in area)
        base = f"{area[-1][0]:.1f},{y(0):.1f} {area[0][0]:.1f},{y(0):.1f}"
        parts.append(f'<polygon points="{outline} {base}" fill="#0b84a5" fill-opacity="0.35" stroke="none"/>')
        if not part["required"].isna().all():
            line = " ".join(f"{px:.1f},{py:.1f}" for px, py in steps(list(required)))
            parts.append(f'<polyline points="{line}" fill="none" stroke="#c0392b" stroke-width="1.5"/>')
    parts.append(
        f'<line x1="{left}" x2="{width - right}" y1="{y(0):.1f}" y2="{y(0):.1f}" stroke="#999"/>'
        f'<text x="12" y="{top + plot_h / 2:.1f}" transform="rotate(-90 12 {top + plot_h / 2:.1f})" '
        'text-anchor="middle">agents</text></svg>'
    )
    return "".join(parts)


def html_report(
    problem: RosterProblem,
    roster: Roster,
    kpis: RosterKpis,
    *,
    title: str = "Roster",
    result: RosterResult | None = None,
    queue_names: dict[str, str] | None = None,
    notes: Sequence[str] = (),
) -> str:
    """The whole report as one HTML page: solver outcome, KPI summary, charts per queue, the roster grid,
    and the figures per agent."""
    codes = _Codes(problem)
    names = queue_names or {}
    sections = [
        f"<h1>{_esc(title)}</h1>",
        f'<p class="muted">{_esc(problem.horizon)}; {len(problem.agents)} agents; '
        f"{kpis.summary['interval_minutes']}-minute intervals</p>",
    ]
    if result is not None:
        bad = "" if result.solved and not result.hard_violations else " bad"
        lines = render_result(result).splitlines()
        sections.append(f'<div class="status{bad}">' + "<br>".join(_esc(line) for line in lines) + "</div>")
    for note in notes:
        sections.append(f'<p class="muted">{_esc(note)}</p>')
    cards = "".join(
        f'<div class="card"><div class="label">{_esc(label)}</div>'
        f'<div class="value">{_esc(value)}</div></div>'
        for label, value in summary_lines(kpis)
    )
    sections += ["<h2>Summary</h2>", f'<div class="cards">{cards}</div>']
    sections += ["<h2>Per queue</h2>", _table(_QUEUE_HEADINGS, _queue_rows(kpis))]
    sections.append("<h2>Requirement and coverage</h2>")
    for queue in kpis.queues["queue"]:
        label = names.get(str(queue), str(queue))
        sections.append(coverage_chart_svg(kpis, str(queue), problem.horizon, title=label))
    sections += ["<h2>Roster</h2>", _grid_html(problem, roster, codes)]
    agent_rows = [
        [
            str(row["agent_id"]),
            str(row["name"]),
            str(row["group"]),
            "part-time" if row["part_time"] else "full-time",
            str(row["days_worked"]),
            f"{row['paid_hours']:g}",
            f"{row['contract_hours']:g}",
            str(row["late_shifts"]),
            str(row["weekend_days"]),
            f"{row['weekend_hours']:g}",
            str(row["leave_days"]),
            str(row["queues"]),
        ]
        for row in kpis.agents.to_dict(orient="records")
    ]
    sections += [
        "<h2>Per agent</h2>",
        _table(
            [
                "agent",
                "name",
                "group",
                "contract",
                "days",
                "paid h",
                "contract h",
                "late",
                "weekend days",
                "weekend h",
                "leave",
                "queues",
            ],
            agent_rows,
            left=4,
        ),
    ]
    if len(kpis.fairness):
        fairness_rows = [
            [str(r["agents_kind"]), str(r["measure"]), f"{r['low']:g}", f"{r['high']:g}", f"{r['spread']:g}"]
            for r in kpis.fairness.to_dict(orient="records")
        ]
        sections += [
            "<h2>Fairness</h2>",
            _table(["agents", "measure", "lowest", "highest", "spread"], fairness_rows, left=2),
        ]
    body = "\n".join(sections)
    return (
        '<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8">'
        f"<title>{_esc(title)}</title><style>{_CSS}</style></head>\n<body>\n{body}\n</body></html>\n"
    )


def write_html_report(
    path: Path,
    problem: RosterProblem,
    roster: Roster,
    kpis: RosterKpis,
    *,
    title: str = "Roster",
    result: RosterResult | None = None,
    queue_names: dict[str, str] | None = None,
    notes: Sequence[str] = (),
) -> None:
    """:func:`html_report` written atomically to ``path``."""
    write_text_atomically(
        path,
        html_report(problem, roster, kpis, title=title, result=result, queue_names=queue_names, notes=notes),
    )
