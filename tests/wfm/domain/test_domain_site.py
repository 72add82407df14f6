"""A site checked as a whole: time zone, unique codes, references between agents, queues, shifts, rules."""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from pydantic import ValidationError

from wfm.domain import (
    DEFAULT_TIMEZONE,
    Agent,
    BreakWindow,
    OpeningHours,
    PlanningHorizon,
    Preferences,
    Roster,
    RosterCell,
    RosterRules,
    ShiftTemplate,
    Site,
    parse_model,
)
from wfm.errors import InputError

SiteFactory = Callable[..., Site]  # the conftest's make_site builder
MON = date(2024, 6, 17)


def test_site_defaults(make_site: SiteFactory) -> None:
    site = make_site()
    assert DEFAULT_TIMEZONE == "Asia/Shanghai"
    assert site.timezone == "Asia/Shanghai"
    assert site.opening_hours == OpeningHours.parse("08:30-24:00")
    assert site.interval_minutes == 60
    assert site.rules == RosterRules()


@pytest.mark.parametrize("timezone", ["Asia/Shanghai", "Asia/Hong_Kong", "UTC"])
def test_known_time_zones_accepted(make_site: SiteFactory, timezone: str) -> None:
    assert make_site(timezone=timezone).timezone == timezone


@pytest.mark.parametrize("timezone", ["Asia/Beijing", "CST", "", "../etc/passwd", "/etc/localtime"])
def test_unknown_time_zone_refused_naming_the_field(make_site: SiteFactory, timezone: str) -> None:
    with pytest.raises(ValidationError) as caught:
        make_site(timezone=timezone)
    error = caught.value.errors()[0]
    assert error["loc"] == ("timezone",)
    assert f"'{timezone}' is not a known time zone" in error["msg"]


@pytest.mark.parametrize(("minutes", "ok"), [(15, True), (30, True), (60, True), (45, False), (0, False)])
def test_interval_minutes(make_site: SiteFactory, minutes: int, ok: bool) -> None:
    if ok:
        assert make_site(interval_minutes=minutes).interval_minutes == minutes
        return
    with pytest.raises(ValidationError) as caught:
        make_site(interval_minutes=minutes)
    assert caught.value.errors()[0]["loc"] == ("interval_minutes",)


@pytest.mark.parametrize("field", ["name", "queues", "shift_templates"])
def test_site_needs_a_name_a_queue_and_a_shift(make_site: SiteFactory, field: str) -> None:
    with pytest.raises(ValidationError) as caught:
        make_site(**{field: "" if field == "name" else ()})
    assert caught.value.errors()[0]["loc"] == (field,)


def test_site_without_agents_accepted(make_site: SiteFactory) -> None:
    assert make_site(agents=()).agents == ()


@pytest.mark.parametrize("label", ["queues", "shift_templates", "agents"])
def test_duplicate_codes_refused_naming_the_list_and_code(make_site: SiteFactory, label: str) -> None:
    site = make_site()
    first = getattr(site, label)[0]
    with pytest.raises(ValidationError) as caught:
        make_site(**{label: (*getattr(site, label), first)})
    code = first.id if label == "agents" else first.code
    assert f"{label}: codes used more than once: ['{code}']" in caught.value.errors()[0]["msg"]


def test_same_code_in_different_lists_accepted(make_site: SiteFactory) -> None:
    agent = Agent(id="early", name="Zhao Lei", group="g1", skills=frozenset({"hotline"}))
    assert make_site(agents=(agent,)).agent("early") == agent


def test_skill_for_an_unknown_queue_refused_naming_the_agent(make_site: SiteFactory) -> None:
    agents = (
        *make_site().agents,
        Agent(id="a03", name="Zhao Lei", group="g2", skills=frozenset({"hotline", "email_care"})),
    )
    with pytest.raises(ValidationError) as caught:
        make_site(agents=agents)
    message = caught.value.errors()[0]["msg"]
    assert "agents[2].skills: agent a03 has skills for unknown queues ['email_care']" in message


@pytest.mark.parametrize(
    "preferences",
    [Preferences(preferred_shifts=frozenset({"night"})), Preferences(unwanted_shifts=frozenset({"night"}))],
)
def test_preference_for_an_unknown_shift_refused(make_site: SiteFactory, preferences: Preferences) -> None:
    agent = Agent(
        id="a03", name="Zhao Lei", group="g2", skills=frozenset({"hotline"}), preferences=preferences
    )
    with pytest.raises(ValidationError) as caught:
        make_site(agents=(agent,))
    assert "agents[0].preferences: unknown shift templates ['night']" in caught.value.errors()[0]["msg"]


def test_preferences_for_known_shifts_accepted(make_site: SiteFactory) -> None:
    preferences = Preferences(preferred_shifts=frozenset({"early"}), unwanted_shifts=frozenset({"late"}))
    agent = Agent(
        id="a03", name="Zhao Lei", group="g2", skills=frozenset({"hotline"}), preferences=preferences
    )
    assert make_site(agents=(agent,)).agent("a03").preferences == preferences


def test_forbidden_succession_of_an_unknown_shift_refused(make_site: SiteFactory) -> None:
    rules = RosterRules(forbidden_successions=frozenset({("late", "night")}))
    with pytest.raises(ValidationError) as caught:
        make_site(rules=rules)
    message = caught.value.errors()[0]["msg"]
    assert "rules.forbidden_successions: ('late', 'night') names unknown shift templates ['night']" in message


def test_forbidden_succession_of_known_shifts_accepted(make_site: SiteFactory) -> None:
    rules = RosterRules(forbidden_successions=frozenset({("late", "early")}))
    assert make_site(rules=rules).rules.forbidden_successions == {("late", "early")}


def test_lookups_by_code(make_site: SiteFactory) -> None:
    site = make_site()
    assert site.queue_codes == ("hotline", "presales_chat")
    assert site.shift_codes == ("early", "late")
    assert site.queue("presales_chat").concurrency == 5
    assert str(site.shift("late")) == "late 15:00-24:00"
    assert site.agent("a02").name == "Wang Fang"


@pytest.mark.parametrize(("method", "code"), [("queue", "email_care"), ("shift", "night"), ("agent", "a99")])
def test_lookup_of_an_unknown_code_names_it(make_site: SiteFactory, method: str, code: str) -> None:
    with pytest.raises(KeyError, match=code):
        getattr(make_site(), method)(code)


def roster(*cells: RosterCell) -> Roster:
    return Roster(horizon=PlanningHorizon(start=MON), cells=cells)


def test_roster_naming_only_known_things_passes(make_site: SiteFactory) -> None:
    site = make_site()
    site.check_roster_references(
        roster(RosterCell.working("a01", MON, "late", "hotline"), RosterCell.rest("a02", MON))
    )


def test_roster_naming_unknown_agent_shift_or_queue_refused_with_every_problem(
    make_site: SiteFactory,
) -> None:
    unknown = roster(
        RosterCell.rest("a01", MON),
        RosterCell.rest("a99", MON),
        RosterCell.working("a02", MON, "night", "email_care"),
    )
    with pytest.raises(InputError) as caught:
        make_site().check_roster_references(unknown)
    assert [(p.field, p.message) for p in caught.value.problems] == [
        ("cells[1].agent_id", "unknown agent 'a99'"),
        ("cells[2].shift", "unknown shift 'night'"),
        ("cells[2].queue", "unknown queue 'email_care'"),
    ]
    assert caught.value.summary == "roster refused for site Hangzhou centre"


def rich_site(make_site: SiteFactory) -> Site:
    night = ShiftTemplate.from_clock(
        "night",
        "22:00",
        "06:00",
        unpaid_break_minutes=30,
        break_window=BreakWindow(earliest_start=1500, latest_start=1620),
    )
    site = make_site()
    agent = Agent(
        id="a03",
        name="赵磊",
        group="after-sales",
        skills=frozenset({"hotline", "presales_chat"}),
        hired_on=date(2024, 3, 1),
        new_hire=True,
        preferences=Preferences(unwanted_shifts=frozenset({"night"}), preferred_days_off=frozenset({5, 6})),
    )
    return make_site(
        timezone="Asia/Hong_Kong",
        opening_hours=OpeningHours.parse("Mon-Fri 08:30-24:00; Sat,Sun 09:00-18:00"),
        interval_minutes=30,
        shift_templates=(*site.shift_templates, night),
        rules=RosterRules(min_closing_staff=3, meeting=None, forbidden_successions={("late", "early")}),
        agents=(*site.agents, agent),
    )


def test_save_then_load_gives_the_same_site(make_site: SiteFactory, tmp_path: Path) -> None:
    site = rich_site(make_site)
    path = tmp_path / "site.json"
    site.save(path)
    assert Site.load(path) == site
    assert [p.name for p in tmp_path.iterdir()] == ["site.json"]  # no temporary file left behind
    assert json.loads(path.read_text(encoding="utf-8"))["agents"][2]["name"] == "赵磊"


def test_save_replaces_an_existing_file(make_site: SiteFactory, tmp_path: Path) -> None:
    path = tmp_path / "site.json"
    make_site().save(path)
    rich_site(make_site).save(path)
    assert Site.load(path).timezone == "Asia/Hong_Kong"


def test_load_of_a_missing_file(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="no such file"):
        Site.load(tmp_path / "absent.json")


def test_load_of_bad_json_names_the_line(tmp_path: Path) -> None:
    path = tmp_path / "site.json"
    path.write_text('{\n  "name": "Hangzhou centre",\n  "queues": [\n}\n', encoding="utf-8")
    with pytest.raises(InputError) as caught:
        Site.load(path)
    assert caught.value.summary == f"{path}: not valid JSON"
    assert [problem.row for problem in caught.value.problems] == [4]


def site_data(make_site: SiteFactory) -> dict[str, object]:
    data: dict[str, object] = json.loads(make_site().model_dump_json())
    return data


def test_load_of_bad_fields_names_every_field_path(make_site: SiteFactory, tmp_path: Path) -> None:
    data = site_data(make_site)
    data["agents"][0]["skills"] = []  # type: ignore[index]
    data["queues"][1]["aht_s"] = -5  # type: ignore[index]
    data["rules"]["min_closing_stuff"] = 2  # type: ignore[index]
    path = tmp_path / "site.json"
    path.write_text(json.dumps(data), encoding="utf-8")
    with pytest.raises(InputError) as caught:
        Site.load(path)
    fields = {problem.field for problem in caught.value.problems}
    assert fields == {"agents[0].skills", "queues[1].aht_s", "rules.min_closing_stuff"}
    assert caught.value.summary == f"{path}: Site refused"
    assert "field 'agents[0].skills'" in str(caught.value)


def test_load_of_a_skill_for_an_unknown_queue_names_the_agent(make_site: SiteFactory, tmp_path: Path) -> None:
    data = site_data(make_site)
    data["agents"][1]["skills"] = ["hotline", "email_care"]  # type: ignore[index]
    path = tmp_path / "site.json"
    path.write_text(json.dumps(data), encoding="utf-8")
    with pytest.raises(InputError) as caught:
        Site.load(path)
    [problem] = caught.value.problems
    assert "agents[1].skills" in str(problem)
    assert "Value error" not in problem.message


def test_a_contract_with_more_days_than_the_rules_allow_is_refused() -> None:
    data = _site_data(
        agents=[
            {
                "id": "A1",
                "name": "Li Na",
                "group": "G1",
                "skills": ["hotline"],
                "contract": {"days_per_week": 6, "hours_per_week": 40},
            }
        ],
    )
    with pytest.raises(InputError) as caught:
        parse_model(Site, data)
    [problem] = caught.value.problems
    assert problem.field == "agents[0].contract.days_per_week"
    assert "2 rest days" in problem.message
    data["rules"] = {"rest_days_per_week": 1}
    assert parse_model(Site, data).agents[0].contract.days_per_week == 6


def test_a_meeting_outside_opening_hours_is_refused() -> None:
    data = _site_data(opening_hours=OpeningHours.every_day("08:30-12:00").model_dump())
    with pytest.raises(InputError) as caught:
        parse_model(Site, data)
    assert caught.value.problems[0].field == "rules.meeting"
    data["rules"] = {"meeting": None}
    assert parse_model(Site, data).rules.meeting is None


def _site_data(**overrides: Any) -> dict[str, Any]:
    data: dict[str, Any] = {
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
    }
    data.update(overrides)
    return data
