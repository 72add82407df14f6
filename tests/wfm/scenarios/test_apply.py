"""Each override's effect on the planning inputs, exactly where the staffing maths gives the figure."""

from __future__ import annotations

from datetime import timedelta

import numpy as np
import pandas as pd
import pytest

from tests.wfm.scenarios.conftest import HORIZON, MONDAY, Centre, small_forecast
from wfm.errors import InputError
from wfm.scenarios import Baseline, Scenario, apply_scenario, check_scenarios
from wfm.staffing import agents_required, chat_handle_time, chat_required, scheduled_from_raw

HOUR_S = 3600


def _requirement(inputs_plan: pd.DataFrame, queue: str) -> np.ndarray:
    return inputs_plan.loc[inputs_plan["queue"] == queue, "agents"].to_numpy()


def _volume(forecast: pd.DataFrame, queue: str) -> np.ndarray:
    return forecast.loc[forecast["queue"] == queue, "yhat"].to_numpy(dtype=float)


def _hotline_agents(
    volume: np.ndarray, *, aht: float = 240, share: float = 0.8, within: float = 20
) -> np.ndarray:
    return np.asarray(agents_required(volume, aht, share, within, HOUR_S, 0.85, 0.3).scheduled)


def _chat_agents(volume: np.ndarray, *, aht: float = 540, concurrency: int = 3) -> np.ndarray:
    return np.asarray(chat_required(volume, aht, concurrency, 0.8, 30, HOUR_S, 0.85, 0.3).scheduled)


def test_no_overrides_give_the_baseline_requirement(centre: Centre) -> None:
    inputs = apply_scenario(centre.baseline(), Scenario(name="same"))
    volume = _volume(centre.baseline().forecast, "hotline")
    assert (_requirement(inputs.plan, "hotline") == _hotline_agents(volume)).all()
    assert (_requirement(inputs.plan, "chat") == _chat_agents(_volume(inputs.forecast, "chat"))).all()
    assert inputs.site == centre.site


def test_volume_x2_on_a_range_gives_the_requirement_of_the_doubled_volume(centre: Centre) -> None:
    baseline = centre.baseline()
    scenario = Scenario(
        name="peak",
        volume=[{"multiplier": 2, "queues": ["hotline", "chat"], "days": [2, 3], "hours": [18, 22]}],
    )
    inputs = apply_scenario(baseline, scenario)
    starts = pd.DatetimeIndex(inputs.forecast["interval_start"])
    in_range = (
        (starts.normalize() >= pd.Timestamp(MONDAY + timedelta(days=1)))
        & (starts.normalize() <= pd.Timestamp(MONDAY + timedelta(days=2)))
        & (starts.hour >= 18)
        & (starts.hour < 22)
    )
    before, after = baseline.forecast["yhat"].to_numpy(), inputs.forecast["yhat"].to_numpy()
    assert in_range.sum() == 2 * 2 * 4  # two queues, two days, four hours
    assert (after[in_range] == 2 * before[in_range]).all()
    assert (after[~in_range] == before[~in_range]).all()
    for queue, staffed in (("hotline", _hotline_agents), ("chat", _chat_agents)):
        mask = in_range[inputs.forecast["queue"].to_numpy() == queue]
        doubled = _volume(baseline.forecast, queue) * np.where(mask, 2.0, 1.0)
        needed = _requirement(inputs.plan, queue)
        assert (needed == staffed(doubled)).all(), queue
        baseline_needed = staffed(_volume(baseline.forecast, queue))
        assert (needed[mask] > baseline_needed[mask]).all()
        assert (needed[~mask] == baseline_needed[~mask]).all()


def test_volume_by_calendar_dates_and_zero(centre: Centre) -> None:
    day = MONDAY + timedelta(days=6)
    inputs = apply_scenario(
        centre.baseline(),
        Scenario(name="closed", volume=[{"multiplier": 0, "first_day": day, "last_day": day}]),
    )
    on_sunday = pd.DatetimeIndex(inputs.plan["interval_start"]).normalize() == pd.Timestamp(day)
    assert (inputs.plan.loc[on_sunday, "agents"] == 0).all()
    assert inputs.plan.loc[~on_sunday, "agents"].sum() > 0


def test_aht_change_raises_the_requirement_to_the_longer_calls(centre: Centre) -> None:
    inputs = apply_scenario(
        centre.baseline(), Scenario(name="slow", queues=[{"queue": "hotline", "aht_multiplier": 1.25}])
    )
    volume = _volume(inputs.forecast, "hotline")
    assert inputs.site.queue("hotline").aht_s == 300
    assert (_requirement(inputs.plan, "hotline") == _hotline_agents(volume, aht=300)).all()
    assert (_requirement(inputs.plan, "hotline") >= _hotline_agents(volume)).all()
    assert (_requirement(inputs.plan, "chat") == _chat_agents(_volume(inputs.forecast, "chat"))).all()
    replaced = apply_scenario(centre.baseline(), Scenario(name="x", queues=[{"queue": "chat", "aht_s": 600}]))
    assert replaced.site.queue("chat").aht_s == 600


def test_a_stricter_service_target_needs_what_the_staffing_maths_gives(centre: Centre) -> None:
    scenario = Scenario(
        name="90/15", queues=[{"queue": "hotline", "service_share": 0.9, "answer_within_s": 15}]
    )
    inputs = apply_scenario(centre.baseline(), scenario)
    volume = _volume(inputs.forecast, "hotline")
    assert str(inputs.site.queue("hotline").service_target) == "90% within 15 s"
    needed = _requirement(inputs.plan, "hotline")
    assert (needed == _hotline_agents(volume, share=0.9, within=15)).all()
    assert needed.sum() > _hotline_agents(volume).sum()


def test_shrinkage_scales_scheduled_agents_and_not_those_on_the_queue(centre: Centre) -> None:
    same = apply_scenario(centre.baseline(), Scenario(name="same"))
    inputs = apply_scenario(centre.baseline(), Scenario(name="shrink", staffing={"shrinkage": 0.4}))
    assert inputs.site.staffing.shrinkage == 0.4
    assert (inputs.plan["raw"] == same.plan["raw"]).all()
    assert (inputs.plan["agents"] == scheduled_from_raw(same.plan["raw"].to_numpy(), 0.4)).all()
    assert inputs.plan["agents"].sum() > same.plan["agents"].sum()
    capped = apply_scenario(centre.baseline(), Scenario(name="cap", staffing={"max_occupancy": 0.6}))
    assert (capped.plan["raw"] >= same.plan["raw"]).all() and capped.plan["raw"].sum() > same.plan[
        "raw"
    ].sum()


def test_chat_concurrency_moves_handling_time_by_the_slowdown(centre: Centre) -> None:
    inputs = apply_scenario(
        centre.baseline(), Scenario(name="4 at once", queues=[{"queue": "chat", "concurrency": 4}])
    )
    aht = chat_handle_time(540, 4, measured_at=3, slowdown=0.15)
    chat = inputs.site.queue("chat")
    assert chat.concurrency == 4 and chat.aht_s == pytest.approx(aht)
    volume = _volume(inputs.forecast, "chat")
    needed = _requirement(inputs.plan, "chat")
    assert (needed == _chat_agents(volume, aht=aht, concurrency=4)).all()
    assert (needed <= _chat_agents(volume)).all() and needed.sum() < _chat_agents(volume).sum()


def test_team_changes_remove_agents_with_their_leave_and_add_temporary_agents(centre: Centre) -> None:
    scenario = Scenario(
        name="team",
        team={
            "remove": ["S02", "S03"],
            "add": [{"count": 3, "skills": ["chat"], "hours_per_week": 32, "days_per_week": 4}],
        },
    )
    inputs = apply_scenario(centre.baseline(), scenario)
    ids = [a.id for a in inputs.site.agents]
    assert "S02" not in ids and "S03" not in ids and len(ids) == 12 - 2 + 3
    assert inputs.added_agents == ("T01", "T02", "T03") and inputs.temporary == {"T01", "T02", "T03"}
    temp = inputs.site.agent("T02")
    assert temp.skills == {"chat"} and temp.contract.hours_per_week == 32 and temp.name == "Temp 2"
    assert inputs.removed_agents == ("S02", "S03")
    assert inputs.leave == ()  # S03's leave goes with S03
    hired = apply_scenario(
        centre.baseline(),
        Scenario(
            name="hire",
            team={
                "add": [
                    {
                        "count": 1,
                        "skills": ["hotline"],
                        "temporary": False,
                        "id_prefix": "N",
                        "hourly_cost": 45,
                    }
                ]
            },
        ),
    )
    assert hired.temporary == frozenset() and hired.hourly_cost == {"N01": 45}


def test_shift_changes_add_a_mid_shift_and_remove_one(centre: Centre) -> None:
    mid = {
        "code": "mid",
        "start": "11:00",
        "end": "20:00",
        "unpaid_break_minutes": 60,
        "break_window": ["13:00", "16:00"],
    }
    inputs = apply_scenario(
        centre.baseline(), Scenario(name="mid", shifts={"add": [mid], "remove": ["early"]})
    )
    assert inputs.site.shift_codes == ("late", "mid")
    template = inputs.site.shift("mid")
    assert (template.start, template.end, template.paid_minutes) == (660, 1200, 480)
    assert (
        inputs.site.agent("S04").preferences.preferred_shifts == frozenset()
    )  # wished for the removed shift


def test_rule_changes_are_the_site_rules(centre: Centre) -> None:
    inputs = apply_scenario(
        centre.baseline(), Scenario(name="strict", rules={"min_closing_staff": 3, "meeting": False})
    )
    assert inputs.site.rules.min_closing_staff == 3 and inputs.site.rules.meeting is None
    assert inputs.site.rules.rest_days_per_week == centre.site.rules.rest_days_per_week


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"volume": [{"multiplier": 2, "queues": ["email"]}]}, "volume[0].queues"),
        ({"volume": [{"multiplier": 2, "days": [5, 9]}]}, "volume[0].days"),
        (
            {"volume": [{"multiplier": 2, "first_day": "2026-01-05", "last_day": "2026-01-06"}]},
            "volume[0].first_day",
        ),
        ({"queues": [{"queue": "email", "aht_s": 300}]}, "queues[0].queue"),
        ({"queues": [{"queue": "hotline", "concurrency": 2}]}, "queues[0].concurrency"),
        ({"team": {"remove": ["S99"]}}, "team.remove[0]"),
        ({"team": {"add": [{"count": 2, "skills": ["email"]}]}}, "team.add[0].skills"),
        ({"team": {"add": [{"count": 2, "skills": ["chat"], "id_prefix": "S"}]}}, "team.add[0].id_prefix"),
        (
            {
                "team": {
                    "add": [{"count": 1, "skills": ["chat"], "hours_per_week": 40, "min_hours_per_week": 50}]
                }
            },
            "team.add[0].min_hours_per_week",
        ),
        ({"shifts": {"remove": ["night"]}}, "shifts.remove[0]"),
        ({"shifts": {"add": [{"code": "late", "start": "14:00", "end": "23:00"}]}}, "shifts.add[0].code"),
        ({"shifts": {"remove": ["early", "late"]}}, "shifts.remove"),
        ({"rules": {"rest_days_per_week": 3}}, "rules.rest_days_per_week"),
        ({"rules": {"min_closing_staff": -1}}, "rules.min_closing_staff"),
    ],
)
def test_overrides_that_do_not_fit_the_baseline_are_refused_naming_the_field(
    centre: Centre, overrides: dict[str, object], field: str
) -> None:
    with pytest.raises(InputError) as caught:
        apply_scenario(centre.baseline(), Scenario(name="bad", **overrides))  # type: ignore[arg-type]
    assert [p.field for p in caught.value.problems] == [field], caught.value.render()


def test_every_scenario_is_checked_before_anything_runs(centre: Centre) -> None:
    with pytest.raises(InputError) as caught:
        check_scenarios(
            centre.baseline(),
            [Scenario(name="fine"), Scenario(name="wrong", team={"remove": ["S99"]})],
        )
    assert caught.value.problems[0].message.startswith("wrong: ")
    assert caught.value.problems[0].field == "team.remove[0]"


def test_applying_a_scenario_never_changes_the_baseline(centre: Centre) -> None:
    forecast = small_forecast()
    baseline = Baseline(site=centre.site, horizon=HORIZON, forecast=forecast, roster=centre.roster)
    site_before = baseline.site.model_dump()
    forecast_before = baseline.forecast.copy()
    roster_before = baseline.roster.model_dump() if baseline.roster else None
    scenario = Scenario(
        name="everything",
        volume=[{"multiplier": 3}],
        queues=[{"queue": "chat", "concurrency": 4, "aht_multiplier": 1.1}],
        staffing={"shrinkage": 0.4},
        team={"remove": ["S01"], "add": [{"count": 2, "skills": ["chat"]}]},
        shifts={"add": [{"code": "mid", "start": "11:00", "end": "20:00"}], "remove": ["early"]},
        rules={"min_closing_staff": 3},
    )
    apply_scenario(baseline, scenario)
    assert baseline.site.model_dump() == site_before
    pd.testing.assert_frame_equal(baseline.forecast, forecast_before)
    assert baseline.roster is not None and baseline.roster.model_dump() == roster_before
    pd.testing.assert_frame_equal(forecast, small_forecast())  # the caller's frame too


def test_a_baseline_refuses_a_forecast_or_roster_that_does_not_fit(centre: Centre) -> None:
    with pytest.raises(InputError) as caught:
        Baseline(site=centre.site, horizon=HORIZON, forecast=small_forecast().rename(columns={"yhat": "v"}))
    assert caught.value.problems[0].column == "yhat"
    with pytest.raises(InputError, match="no interval in the horizon"):
        Baseline(
            site=centre.site,
            horizon=HORIZON.model_copy(update={"start": MONDAY + timedelta(days=70)}),
            forecast=small_forecast(),
        )
