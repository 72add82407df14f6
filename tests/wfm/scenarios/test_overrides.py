"""Scenario overrides and files: checked on their own, errors naming the field, based_on merging."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from wfm.errors import InputError
from wfm.scenarios import Scenario, load_scenario_files, load_scenarios, parse_scenarios
from wfm.scenarios.overrides import EXAMPLES_DIR, pick_scenarios


def _refused(data: object) -> InputError:
    with pytest.raises(InputError) as caught:
        parse_scenarios(data)
    return caught.value


@pytest.mark.parametrize(
    ("overrides", "field", "words"),
    [
        ({"volume": [{"multiplier": -1}]}, "volume[0].multiplier", "0 or more"),
        ({"volume": [{"multiplier": 2, "hours": [20, 25]}]}, "volume[0].hours", "0-23"),
        ({"volume": [{"multiplier": 2, "hours": [22, 20]}]}, "volume[0].hours", "clock hours"),
        ({"volume": [{"multiplier": 2, "days": [0, 3]}]}, "volume[0].days", "first day is 1"),
        (
            {"volume": [{"multiplier": 2, "days": [1, 2], "first_day": "2025-12-01"}]},
            "volume[0].days",
            "not both",
        ),
        ({"queues": [{"queue": "chat", "aht_s": 300, "aht_multiplier": 2}]}, "queues[0].aht_s", "not both"),
        ({"queues": [{"queue": "chat"}]}, "queues[0].queue", "nothing to change"),
        ({"queues": [{"queue": "chat", "service_share": 1.0}]}, "queues[0].service_share", "less than 1"),
        ({"staffing": {"shrinkage": 1.2}}, "staffing.shrinkage", "less than 1"),
        ({"team": {"add": [{"count": 0, "skills": ["chat"]}]}}, "team.add[0].count", "greater than"),
        ({"team": {"add": [{"count": 2, "skills": []}]}}, "team.add[0].skills", "at least 1"),
        (
            {"shifts": {"add": [{"code": "mid", "start": "25:00", "end": "20:00"}]}},
            "shifts.add[0].start",
            "00:00 and 24:00",
        ),
        (
            {
                "shifts": {
                    "add": [{"code": "mid", "start": "11:00", "end": "20:00", "unpaid_break_minutes": 600}]
                }
            },
            "shifts.add[0].unpaid_break_minutes",
            "less than or equal",
        ),
        ({"rules": {"meeting": True}}, "rules.meeting", "false drops"),
        ({"volume": [{"multiplier": 2, "queue": "chat"}]}, "volume[0].queue", "Extra inputs"),
    ],
)
def test_a_bad_override_is_refused_naming_its_field(
    overrides: dict[str, object], field: str, words: str
) -> None:
    error = _refused({"name": "bad", **overrides})
    assert [p.field for p in error.problems] == [field], error.render()
    assert words in error.problems[0].message


def test_several_scenarios_name_the_scenario_at_fault() -> None:
    error = _refused({"scenario": [{"name": "ok"}, {"name": "bad", "volume": [{"multiplier": -2}]}]})
    assert [p.field for p in error.problems] == ["scenario[1].volume[0].multiplier"]


def test_names_must_be_unique_and_not_the_baseline() -> None:
    error = _refused({"scenario": [{"name": "a"}, {"name": "a"}, {"name": "baseline"}]})
    assert [p.field for p in error.problems] == ["scenario[1].name", "scenario[2].name"]


def test_based_on_starts_from_the_earlier_scenario_overrides() -> None:
    first, second = parse_scenarios(
        {
            "scenario": [
                {"name": "peak", "volume": [{"multiplier": 3}], "staffing": {"shrinkage": 0.35}},
                {
                    "name": "peak + temps",
                    "based_on": "peak",
                    "volume": [{"multiplier": 1.5, "queues": ["chat"]}],
                    "staffing": {"max_occupancy": 0.9},
                    "team": {"add": [{"count": 3, "skills": ["chat"]}]},
                },
            ]
        }
    )
    assert first.volume[0].multiplier == 3
    assert [v.multiplier for v in second.volume] == [3, 1.5]
    assert second.staffing.shrinkage == 0.35 and second.staffing.max_occupancy == 0.9
    assert second.team.add[0].count == 3 and second.name == "peak + temps"


def test_based_on_must_name_an_earlier_scenario() -> None:
    error = _refused({"scenario": [{"name": "b", "based_on": "a"}, {"name": "a"}]})
    assert [p.field for p in error.problems] == ["scenario[0].based_on"]


def test_the_double11_example_loads_with_its_three_scenarios() -> None:
    scenarios = load_scenarios(EXAMPLES_DIR / "double11.toml")
    assert [s.name for s in scenarios] == ["Double 11", "Double 11 + 15 temps", "Double 11 + mid shift"]
    peak, temps, mid = scenarios
    assert peak.volume[0].multiplier == 3.5 and peak.volume[0].days == (1, 4)
    assert temps.volume == peak.volume and temps.team.add[0].count == 15
    assert mid.volume == peak.volume and mid.shifts.add[0].template().paid_minutes == 8 * 60
    assert peak.describe() == ["volume x3.5 (+250%) on presales_chat, aftersales_chat, days 1-4"]


def test_json_files_and_several_files(tmp_path: Path) -> None:
    one = tmp_path / "one.json"
    one.write_text(json.dumps({"name": "quiet", "volume": [{"multiplier": 0.5}]}), encoding="utf-8")
    two = tmp_path / "two.toml"
    two.write_text('name = "strict"\n[rules]\nmin_closing_staff = 3\n', encoding="utf-8")
    found = load_scenario_files([one, two])
    assert [s.name for s in found] == ["quiet", "strict"]
    assert found[1].rules.updates() == {"min_closing_staff": 3}
    with pytest.raises(InputError, match="earlier file"):
        load_scenario_files([one, one])
    assert pick_scenarios(found, ["strict"]) == (found[1],)
    with pytest.raises(InputError) as caught:
        pick_scenarios(found, ["nope"])
    assert caught.value.problems[0].field == "--name"


def test_unreadable_files_are_refused_with_the_reason(tmp_path: Path) -> None:
    broken = tmp_path / "broken.toml"
    broken.write_text("name = \n", encoding="utf-8")
    with pytest.raises(InputError, match="not valid TOML"):
        load_scenarios(broken)
    with pytest.raises(InputError, match="no such file"):
        load_scenarios(tmp_path / "missing.toml")
    other = tmp_path / "scenario.yaml"
    other.write_text("name: x", encoding="utf-8")
    with pytest.raises(InputError, match="unknown file type"):
        load_scenarios(other)


def test_the_baseline_scenario_has_no_overrides() -> None:
    assert Scenario(name="nothing").is_baseline
    assert not Scenario(name="x", rules={"min_closing_staff": 3}).is_baseline
