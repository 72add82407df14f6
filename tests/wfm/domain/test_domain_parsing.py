"""parse_model / load_model: pydantic's refusals become one InputError naming every bad field."""

from __future__ import annotations

from pathlib import Path

import pytest

from wfm.domain import Agent, Queue, RosterRules, Site, load_model, parse_model
from wfm.domain.parsing import field_path
from wfm.errors import InputError, Problem


@pytest.mark.parametrize(
    ("location", "path"),
    [
        (("agents", 3, "skills"), "agents[3].skills"),
        (("rules", "meeting", "weekday"), "rules.meeting.weekday"),
        (("opening_hours", "days", 2, 0, "close_minute"), "opening_hours.days[2][0].close_minute"),
        (("timezone",), "timezone"),
        ((), ""),
    ],
)
def test_field_path(location: tuple[int | str, ...], path: str) -> None:
    assert field_path(location) == path


def test_parse_model_returns_the_model() -> None:
    rules = parse_model(RosterRules, {"min_closing_staff": 3})
    assert rules == RosterRules(min_closing_staff=3)


def test_parse_model_names_every_bad_field_and_the_source() -> None:
    data = {
        "code": "Hotline",
        "name": "Hotline",
        "channel": "phone",
        "service_target": {"share": 1.5, "answer_within_s": 20},
        "aht_s": 240,
    }
    with pytest.raises(InputError) as caught:
        parse_model(Queue, data, source="queues.json")
    error = caught.value
    assert error.summary == "queues.json: Queue refused"
    assert [problem.field for problem in error.problems] == ["code", "service_target.share"]
    assert str(error).splitlines()[0] == "queues.json: Queue refused"
    assert str(error).splitlines()[2].startswith("  - field 'service_target.share': ")


def test_model_level_refusal_keeps_its_message_without_pydantic_prefix() -> None:
    data = {
        "code": "hotline",
        "name": "Hotline",
        "channel": "phone",
        "service_target": {"share": 0.8, "answer_within_s": 20},
        "aht_s": 240,
        "concurrency": 2,
    }
    with pytest.raises(InputError) as caught:
        parse_model(Queue, data)
    [problem] = caught.value.problems
    assert problem.message.startswith("a phone queue handles one contact at a time")
    assert problem.field == "concurrency"
    assert "field 'concurrency'" in str(problem)
    assert caught.value.summary == "input: Queue refused"


def test_a_whole_site_check_names_the_nested_field() -> None:
    data = {
        "name": "Site",
        "queues": [
            {
                "code": "hotline",
                "name": "Hotline",
                "channel": "phone",
                "service_target": {"share": 0.8, "answer_within_s": 20},
                "aht_s": 240,
            }
        ],
        "shift_templates": [{"code": "early", "name": "Early", "start": 510, "end": 1050}],
        "agents": [{"id": "A1", "name": "Li Na", "group": "G1", "skills": ["email"]}],
    }
    with pytest.raises(InputError) as caught:
        parse_model(Site, data)
    [problem] = caught.value.problems
    assert problem.field == "agents[0].skills"
    assert "email" in problem.message


def test_input_error_is_a_value_error_and_caps_the_listing() -> None:
    error = InputError("refused", [Problem(f"bad {n}", row=n + 2, column="agents") for n in range(25)])
    assert isinstance(error, ValueError)
    lines = str(error).splitlines()
    assert lines[1] == "  - line 2, column 'agents': bad 0"
    assert lines[-1] == "  ... and 5 more"
    assert len(lines) == 22
    assert len(error.problems) == 25


def test_load_model_reads_a_file(tmp_path: Path) -> None:
    path = tmp_path / "agent.json"
    path.write_text('{"id": "a01", "name": "李娜", "group": "g1", "skills": ["hotline"]}', encoding="utf-8")
    assert load_model(Agent, path).name == "李娜"


def test_load_model_refusal_names_the_file_and_field(tmp_path: Path) -> None:
    path = tmp_path / "agent.json"
    path.write_text('{"id": "a 01", "name": "Li Na", "group": "g1", "skills": ["hotline"]}', encoding="utf-8")
    with pytest.raises(InputError) as caught:
        load_model(Agent, path)
    assert caught.value.summary == f"{path}: Agent refused"
    assert [problem.field for problem in caught.value.problems] == ["id"]
