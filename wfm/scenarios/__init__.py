"""What-if scenarios: a baseline's planning inputs with some changed, run, measured and compared.

- :mod:`~wfm.scenarios.overrides`: what a scenario may change, and the scenario file format;
- :mod:`~wfm.scenarios.apply`: baseline + overrides -> changed forecast, site and requirement;
- :mod:`~wfm.scenarios.run`: evaluate the current roster, or re-solve, and measure (KPIs);
- :mod:`~wfm.scenarios.compare`: side-by-side table, charts (PNG) and a self-contained HTML report;
- :mod:`~wfm.scenarios.sweep`: a grid of overrides run in parallel processes, as one table.

Like the rest of ``wfm``, nothing here imports the solver at module level: it is imported where a
scenario is solved or judged.
"""

from wfm.scenarios.apply import Baseline, ScenarioInputs, apply_scenario, check_scenario, check_scenarios
from wfm.scenarios.overrides import (
    AddedAgents,
    QueueChange,
    RulesChange,
    Scenario,
    ShiftChange,
    ShiftSpec,
    StaffingChange,
    TeamChange,
    VolumeChange,
    baseline_scenario,
    load_scenario_files,
    load_scenarios,
    parse_scenarios,
)
from wfm.scenarios.run import (
    KPIS,
    QUEUE_KPIS,
    ScenarioMode,
    ScenarioResult,
    ScenarioSettings,
    run_scenario,
    run_scenarios,
)

__all__ = [
    "KPIS",
    "QUEUE_KPIS",
    "AddedAgents",
    "Baseline",
    "QueueChange",
    "RulesChange",
    "Scenario",
    "ScenarioInputs",
    "ScenarioMode",
    "ScenarioResult",
    "ScenarioSettings",
    "ShiftChange",
    "ShiftSpec",
    "StaffingChange",
    "TeamChange",
    "VolumeChange",
    "apply_scenario",
    "baseline_scenario",
    "check_scenario",
    "check_scenarios",
    "load_scenario_files",
    "load_scenarios",
    "parse_scenarios",
    "run_scenario",
    "run_scenarios",
]
