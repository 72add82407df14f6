"""The comparison: every scenario and every KPI in the table, the text and a self-contained HTML report."""

from __future__ import annotations

import base64
import html
import re
from pathlib import Path

import pandas as pd
import pytest

from tests.wfm.scenarios.conftest import FAST, Centre
from wfm.scenarios import KPIS, QUEUE_KPIS, Scenario, ScenarioResult, run_scenario, run_scenarios
from wfm.scenarios.compare import (
    chart_pngs,
    comparison_html,
    comparison_table,
    interval_table,
    queue_table,
    render_comparison,
    write_chart_pngs,
    write_comparison_html,
)

PNG = b"\x89PNG\r\n\x1a\n"


@pytest.fixture(scope="module")
def results(centre: Centre) -> list[ScenarioResult]:
    baseline = centre.baseline()
    found = run_scenarios(
        baseline,
        [
            Scenario(name="peak", description="double volume", volume=[{"multiplier": 2, "days": [1, 3]}]),
            Scenario(name="temps <2>", team={"add": [{"count": 2, "skills": ["chat"]}]}),
        ],
        modes=["evaluate"],
        settings=FAST,
    )
    found.append(run_scenario(baseline, found[1].scenario, mode="resolve", settings=FAST))
    found.append(
        run_scenario(
            baseline,
            Scenario(name="impossible", rules={"min_closing_staff": 12}),
            mode="resolve",
            settings=FAST,
        )
    )
    return found


def test_the_table_has_every_scenario_and_kpi(results: list[ScenarioResult]) -> None:
    table = comparison_table(results, per_queue=True)
    assert list(table["label"]) == [r.label for r in results]
    statuses = list(table["status"])
    assert statuses[:3] == ["evaluated"] * 3 and statuses[3] in ("optimal", "feasible")
    assert statuses[4] == "infeasible"
    for kpi in KPIS:
        assert kpi.key in table.columns
    for queue in ("hotline", "chat"):
        for suffix in ("short_h", "surplus_h", "service_level"):
            assert f"{queue}_{suffix}" in table.columns
    peak = table.set_index("label").loc["peak (current roster)"]
    assert peak["hotline_short_h"] + peak["chat_short_h"] == pytest.approx(peak["short_agent_hours"])
    assert pd.isna(table.set_index("label").loc["impossible (re-solved)", "service_level"])


def test_queue_and_interval_tables_hold_every_solved_result(results: list[ScenarioResult]) -> None:
    solved = [r for r in results if r.solved]
    queues = queue_table(results)
    assert len(queues) == 2 * len(solved)
    assert set(queues["label"]) == {r.label for r in solved}
    assert [k.key for k in QUEUE_KPIS] == list(queues.columns[4:])
    intervals = interval_table(results)
    assert len(intervals) == len(solved) * 2 * 7 * 24
    assert {"required", "covered", "service_level", "asa_s", "volume"} <= set(intervals.columns)


def test_the_text_names_every_scenario_and_kpi(results: list[ScenarioResult]) -> None:
    text = render_comparison(results)
    for result in results:
        assert result.label in text
    for kpi in KPIS:
        assert kpi.label in text


def test_the_html_report_is_self_contained_and_holds_every_scenario_and_kpi(
    results: list[ScenarioResult], tmp_path: Path
) -> None:
    images = chart_pngs(results, queue_names={"hotline": "Hotline", "chat": "Chat"}, targets={"hotline": 0.8})
    assert set(images) == {"coverage", "service"} and all(data.startswith(PNG) for data in images.values())
    page = comparison_html(results, title="Test <comparison>", notes=["a note"], images=images)
    for result in results:
        assert html.escape(result.label) in page
    assert "temps &lt;2&gt;" in page and "<2>" not in page  # escaped
    for kpi in (*KPIS, *QUEUE_KPIS):
        assert html.escape(kpi.label) in page
    assert "double volume" in page and "volume x2 (+100%)" in page and "+2 temporary agents (chat)" in page
    assert "closing" in page  # why the impossible scenario has no roster
    sources = re.findall(r'src="([^"]*)"', page)
    assert len(sources) == 2 and all(s.startswith("data:image/png;base64,") for s in sources)
    assert base64.b64decode(sources[0].split(",", 1)[1]).startswith(PNG)
    assert not re.search(r"https?://|<script|<link|@import", page)
    path = tmp_path / "report.html"
    write_comparison_html(path, results, images=images)
    assert path.read_text(encoding="utf-8").startswith("<!DOCTYPE html>")


def test_the_charts_are_written_as_png(results: list[ScenarioResult], tmp_path: Path) -> None:
    written = write_chart_pngs(tmp_path / "charts", results[:2])
    assert [p.name for p in written] == ["coverage.png", "service.png"]
    assert all(p.read_bytes().startswith(PNG) for p in written)
