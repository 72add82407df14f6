"""Chat slots, e-mail backlog, and staffing a whole forecast per queue (and the inverse)."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest

from tests.conftest import sample_centre
from wfm.domain import Requirement, Site, StaffingPolicy
from wfm.errors import InputError
from wfm.staffing import (
    agents_required,
    backlog_required,
    backlog_service,
    chat_handle_time,
    chat_required,
    project_service,
    requirement_from_plan,
    staff_forecast,
)

# --- chat ------------------------------------------------------------------------------------------


def test_chat_handle_time_rises_linearly_with_concurrency() -> None:
    assert chat_handle_time(600.0, 3, measured_at=2, slowdown=0.15) == pytest.approx(600 / 1.15 * 1.3)
    assert chat_handle_time(600.0, 2, measured_at=2, slowdown=0.15) == pytest.approx(600.0)
    assert chat_handle_time(500.0, 1, measured_at=1, slowdown=0.5) == 500.0
    with pytest.raises(ValueError, match="concurrency"):
        chat_handle_time(500.0, 0)


@pytest.mark.parametrize("concurrency", [1, 2, 3, 5])
def test_chat_agents_are_the_slots_shared_by_concurrency(concurrency: int) -> None:
    chats = np.array([0.0, 12.0, 80.0, 200.0, 450.0])
    result = chat_required(chats, 540.0, concurrency, 0.8, 30, 1800, 0.85, 0.3)
    slots = agents_required(chats, 540.0, 0.8, 30, 1800, 0.85).raw
    np.testing.assert_array_equal(result.raw, np.ceil(slots / concurrency).astype(int))
    np.testing.assert_array_equal(result.scheduled, np.ceil(np.round(result.raw / 0.7, 9)).astype(int))
    assert np.all(np.asarray(result.service_level) >= 0.8)
    load = chats * 540 / 1800
    assert np.all(load <= 0.85 * np.asarray(result.raw) * concurrency + 1e-9)


def test_chat_at_concurrency_one_is_erlang_c() -> None:
    assert chat_required(100, 180, 1, 0.8, 20, 1800, 0.85, 0.3).raw == 14


# --- e-mail ----------------------------------------------------------------------------------------

OPEN = np.tile(np.r_[np.zeros(16), np.ones(32)], 7)  # 30-minute intervals, open 08:00-24:00


def test_even_e_mail_needs_its_workload_and_no_more() -> None:
    volume = np.where(OPEN > 0, 10.0, 0.0)
    result, scheduled = backlog_required(volume, 420, 86400, OPEN, 1800, 0.85, 0.3)
    assert result.level == math.ceil(10 * 420 / (1800 * 0.85))  # 2.75 -> 3
    assert result.max_age_s <= 86400 and result.answered_in_time == 1.0
    assert (result.agents[OPEN == 0] == 0).all() and (result.agents[OPEN > 0] == 3).all()
    assert (scheduled[OPEN > 0] == 5).all()
    fewer = backlog_service(np.where(OPEN > 0, 2, 0), volume, 420, 86400, OPEN, 1800, 0.85)
    assert fewer.answered_in_time < 1.0


def test_a_long_deadline_lets_a_morning_burst_spread_into_the_troughs() -> None:
    burst = np.zeros(len(OPEN))
    burst[16::48] = 200.0  # 200 e-mails waiting at 08:00 every day
    relaxed, _ = backlog_required(burst, 420, 24 * 3600, OPEN, 1800, 1.0)
    hurried, _ = backlog_required(burst, 420, 3600, OPEN, 1800, 1.0)
    assert relaxed.level == math.ceil(200 * 420 / (16 * 3600))  # the day's work over 16 open hours
    assert hurried.level >= math.ceil(200 * 420 / 3600)  # all of it within the first hour
    assert relaxed.max_age_s <= 24 * 3600 and hurried.max_age_s <= 3600
    below = backlog_service(np.where(OPEN > 0, relaxed.level - 1, 0), burst, 420, 24 * 3600, OPEN, 1800, 1.0)
    assert below.max_age_s > 24 * 3600


def test_no_e_mail_needs_nobody() -> None:
    result, scheduled = backlog_required(np.zeros(len(OPEN)), 420, 86400, OPEN)
    assert result.level == 0 and scheduled.sum() == 0


# --- a whole forecast ------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def site() -> Site:
    return sample_centre().site


@pytest.fixture(scope="module")
def forecast() -> pd.DataFrame:
    """A week of the sample history's actual volume, shaped as a forecast."""
    frame = sample_centre().history.frame
    week = frame[(frame["interval_start"] >= "2025-09-01") & (frame["interval_start"] < "2025-09-08")]
    return pd.DataFrame(
        {
            "queue": week["queue"],
            "interval_start": week["interval_start"],
            "yhat": week["contacts"].astype(float),
        }
    ).reset_index(drop=True)


def test_each_channel_gets_its_model_and_closed_hours_need_nobody(site: Site, forecast: pd.DataFrame) -> None:
    plan = staff_forecast(forecast, site)
    methods = plan.groupby("queue")["method"].first().to_dict()
    assert methods == {
        "aftersales_chat": "chat_slots",
        "email": "backlog",
        "hotline": "erlang_a",
        "presales_chat": "chat_slots",
    }
    night = plan["interval_start"].dt.hour < 8
    assert (plan.loc[night, ["raw", "agents"]] == 0).all().all()
    shrinkage = site.staffing.shrinkage
    expected = np.ceil(np.round(plan["raw"] / (1 - shrinkage), 9)).astype(int)
    np.testing.assert_array_equal(plan["agents"], expected)
    busy = plan[~night & (plan["method"] != "backlog")]
    assert (busy["service_level"] >= 0.8).all()
    requirement = requirement_from_plan(plan)
    assert isinstance(requirement, Requirement) and requirement.interval_minutes == 60
    assert len(requirement.frame) == len(plan)


def test_erlang_a_needs_no_more_than_erlang_c_for_impatient_callers(
    site: Site, forecast: pd.DataFrame
) -> None:
    with_a = staff_forecast(forecast, site)
    with_c = staff_forecast(forecast, site, policy=StaffingPolicy(use_erlang_a=False))
    hotline_a = with_a[with_a["queue"] == "hotline"]["raw"].to_numpy()
    hotline_c = with_c[with_c["queue"] == "hotline"]["raw"].to_numpy()
    assert (hotline_a <= hotline_c).all() and hotline_a.sum() < hotline_c.sum()
    assert set(with_c.loc[with_c["queue"] == "hotline", "method"]) == {"erlang_c"}


def test_rostering_the_plan_projects_the_target_and_one_less_agent_falls_short(
    site: Site, forecast: pd.DataFrame
) -> None:
    plan = staff_forecast(forecast, site)
    rostered = plan.loc[:, ["queue", "interval_start", "agents"]]
    projected = project_service(rostered, forecast, site)
    open_phone_chat = (projected["volume"] > 0) & (projected["method"] != "backlog")
    assert (projected.loc[open_phone_chat, "service_level"] >= 0.8 - 1e-9).all()
    assert (projected["available"] >= plan["raw"]).all()
    peak = plan[plan["queue"] == "hotline"]["raw"].idxmax()
    short = rostered.copy()
    short.loc[peak, "agents"] = plan.loc[peak, "raw"] - 1
    worse = project_service(short, forecast, site)
    assert worse.loc[peak, "service_level"] < 0.8 <= projected.loc[peak, "service_level"]
    nobody = project_service(rostered.iloc[0:0], forecast, site)
    assert (nobody.loc[nobody["volume"] > 0, "service_level"] < 0.05).all()


@pytest.mark.parametrize(
    ("change", "where"),
    [
        (lambda f: f.drop(columns=["yhat"]), "yhat"),
        (lambda f: f.assign(yhat=f["yhat"].where(f.index != 5, -1.0)), "line 7"),
        (lambda f: f.assign(queue=f["queue"].where(f.index != 0, "whatsapp")), "whatsapp"),
    ],
)
def test_a_bad_forecast_is_refused_naming_what_is_wrong(
    site: Site, forecast: pd.DataFrame, change: object, where: str
) -> None:
    with pytest.raises(InputError) as caught:
        staff_forecast(change(forecast), site)  # type: ignore[operator]
    assert where in caught.value.render()
