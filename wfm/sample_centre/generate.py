"""The seeded generator of the sample centre: its site, team, leave requests and contact history.

Everything it assumes is in :class:`~wfm.sample_centre.parameters.SampleParameters`. Same parameters,
same data: nothing here reads the clock or any global random state.

Run ``python -m wfm.sample_centre`` to rewrite the bundled files in ``data/``.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path

import numpy as np
import pandas as pd

from wfm.domain import (
    Agent,
    BreakWindow,
    Channel,
    Contract,
    LeaveRequest,
    LeaveStatus,
    LeaveType,
    OpeningHours,
    PlanningHorizon,
    Preferences,
    Queue,
    RosterRules,
    ServiceTarget,
    ShiftTemplate,
    Site,
    parse_clock,
)
from wfm.history import ContactHistory, ImportReport, read_history, write_history
from wfm.sample_centre.parameters import Event, QueueVolume, SampleParameters

HISTORY_COLUMNS = ("queue", "interval_start", "contacts", "aht_s", "abandoned", "status")
DATA_DIR = Path(__file__).parent / "data"
HISTORY_FILE = "history.parquet"


@dataclass(frozen=True)
class SampleCentre:
    """The sample centre: configuration, team, planning week, leave, and hourly contact history.

    ``history`` is a tidy contact-history series (:mod:`wfm.history`): one row per queue per hour,
    ``status`` observed or closed (the sample has no gaps).
    """

    site: Site
    horizon: PlanningHorizon
    leave_requests: tuple[LeaveRequest, ...]
    history: ContactHistory


# --- the site -----------------------------------------------------------------------------------


def build_site(params: SampleParameters, agents: tuple[Agent, ...] = ()) -> Site:
    """Queues, opening hours, shift templates and rules of the sample centre."""
    volumes = dict(params.queues)
    queues = (
        Queue(
            code="presales_chat",
            name="Pre-sales chat",
            channel=Channel.CHAT,
            service_target=ServiceTarget(share=0.8, answer_within_s=30),
            aht_s=volumes["presales_chat"].aht_s,
            concurrency=4,
            patience_s=120.0,
        ),
        Queue(
            code="aftersales_chat",
            name="After-sales chat",
            channel=Channel.CHAT,
            service_target=ServiceTarget(share=0.8, answer_within_s=30),
            aht_s=volumes["aftersales_chat"].aht_s,
            concurrency=3,
            patience_s=180.0,
        ),
        Queue(
            code="hotline",
            name="Phone hotline",
            channel=Channel.PHONE,
            service_target=ServiceTarget(share=0.8, answer_within_s=20),
            aht_s=volumes["hotline"].aht_s,
            patience_s=90.0,
        ),
        Queue(
            code="email",
            name="E-mail",
            channel=Channel.EMAIL,
            service_target=ServiceTarget(share=1.0, answer_within_s=24 * 3600),
            aht_s=volumes["email"].aht_s,
        ),
    )
    templates = (
        ShiftTemplate.from_clock(
            "early",
            "08:30",
            "17:30",
            name="Early",
            unpaid_break_minutes=60,
            break_window=BreakWindow(earliest_start=parse_clock("11:00"), latest_start=parse_clock("13:00")),
        ),
        ShiftTemplate.from_clock(
            "late",
            "15:00",
            "24:00",
            name="Late",
            unpaid_break_minutes=60,
            break_window=BreakWindow(earliest_start=parse_clock("17:00"), latest_start=parse_clock("19:00")),
        ),
        ShiftTemplate.from_clock("pt_day", "10:00", "15:00", name="Part-time day", part_time=True),
        ShiftTemplate.from_clock("pt_eve", "19:00", "24:00", name="Part-time evening", part_time=True),
    )
    return Site(
        name=params.site_name,
        timezone=params.timezone,
        opening_hours=OpeningHours.every_day(params.opening_hours),
        interval_minutes=60,
        queues=queues,
        shift_templates=templates,
        rules=RosterRules(),
        agents=agents,
    )


# --- the team -----------------------------------------------------------------------------------

_SURNAMES = (
    "Wang",
    "Li",
    "Zhang",
    "Liu",
    "Chen",
    "Yang",
    "Huang",
    "Zhao",
    "Wu",
    "Zhou",
    "Xu",
    "Sun",
    "Ma",
    "Zhu",
    "Hu",
    "Guo",
    "He",
    "Lin",
    "Gao",
    "Luo",
)
_GIVEN = (
    "Wei",
    "Fang",
    "Na",
    "Min",
    "Jing",
    "Li",
    "Qiang",
    "Lei",
    "Jun",
    "Yang",
    "Yan",
    "Jie",
    "Tao",
    "Ming",
    "Chao",
    "Xiu",
    "Xia",
    "Ping",
    "Gang",
    "Hui",
    "Yu",
    "Ting",
    "Hao",
    "Lan",
    "Bo",
    "Rui",
)

# (group, section, primary queue, possible second skills)
_GROUPS = (
    ("P1", "pre-sales", "presales_chat", ("aftersales_chat",)),
    ("P2", "pre-sales", "presales_chat", ("aftersales_chat",)),
    ("P3", "pre-sales", "presales_chat", ("aftersales_chat", "email")),
    ("A1", "after-sales", "aftersales_chat", ("hotline", "presales_chat")),
    ("A2", "after-sales", "aftersales_chat", ("hotline", "email")),
    ("A3", "after-sales", "aftersales_chat", ("hotline", "presales_chat")),
    ("H1", "after-sales", "hotline", ("aftersales_chat", "email")),
    ("H2", "after-sales", "hotline", ("aftersales_chat", "email")),
    ("E1", "after-sales", "email", ("aftersales_chat", "hotline")),
)


def build_team(params: SampleParameters) -> tuple[Agent, ...]:
    """About 80 agents in groups of 8-10 with mixed skills, some part-time, some new hires.

    Assumptions: each group serves one primary queue; about 40% of experienced agents have a second
    skill and 10% a third; new hires have only their primary skill; part-timers work 4 days, 20 h
    (16-24 h) on the part-time templates; about one agent in five states a preference.
    """
    rng = np.random.default_rng(params.seed + 1)
    size = params.team_size
    group_sizes = [size // len(_GROUPS)] * len(_GROUPS)
    for extra in range(size - sum(group_sizes)):
        group_sizes[extra] += 1
    part_timers = set(rng.choice(size, round(size * params.part_time_share), replace=False).tolist())
    new_hires = set(rng.choice(size, round(size * params.new_hire_share), replace=False).tolist())
    agents: list[Agent] = []
    index = 0
    for (group, _section, primary, seconds), group_size in zip(_GROUPS, group_sizes, strict=True):
        for _ in range(group_size):
            name = f"{_SURNAMES[rng.integers(len(_SURNAMES))]} {_GIVEN[rng.integers(len(_GIVEN))]}"
            skills = {primary}
            new_hire = index in new_hires
            if not new_hire:
                draw = rng.random()
                if draw < 0.5:
                    skills.add(seconds[int(rng.integers(len(seconds)))])
                if draw < 0.1:
                    skills.update(seconds)
            part_time = index in part_timers
            contract = (
                Contract(
                    days_per_week=4,
                    hours_per_week=20,
                    min_hours_per_week=16,
                    max_hours_per_week=24,
                    part_time=True,
                )
                if part_time
                else Contract(days_per_week=5, hours_per_week=40)
            )
            preferences = Preferences()
            wish = rng.random()
            if part_time:
                preferences = Preferences(preferred_shifts=frozenset({"pt_day" if wish < 0.5 else "pt_eve"}))
            elif wish < 0.08:
                preferences = Preferences(preferred_shifts=frozenset({"early"}))
            elif wish < 0.14:
                preferences = Preferences(unwanted_shifts=frozenset({"late"}))
            elif wish < 0.22:
                preferences = Preferences(preferred_days_off=frozenset({int(rng.integers(5, 7))}))
            hired_on = (
                params.planning_week_start - timedelta(days=int(rng.integers(14, 60))) if new_hire else None
            )
            agents.append(
                Agent(
                    id=f"A{index + 1:03d}",
                    name=name,
                    group=group,
                    skills=frozenset(skills),
                    contract=contract,
                    new_hire=new_hire,
                    hired_on=hired_on,
                    preferences=preferences,
                )
            )
            index += 1
    return tuple(agents)


def build_leave_requests(params: SampleParameters, agents: tuple[Agent, ...]) -> tuple[LeaveRequest, ...]:
    """A few leave requests in the planning week, of each kind and state the manuals describe."""
    rng = np.random.default_rng(params.seed + 2)
    full_timers = [a.id for a in agents if not a.part_time]
    chosen = [str(x) for x in rng.choice(full_timers, 5, replace=False)]
    week = params.planning_week_start

    def day(offset: int) -> date:
        return week + timedelta(days=offset)

    return (
        LeaveRequest(
            agent_id=chosen[0],
            leave_type=LeaveType.ANNUAL,
            first_day=day(2),
            last_day=day(3),
            status=LeaveStatus.APPROVED,
            note="family visit",
        ),
        LeaveRequest(
            agent_id=chosen[1],
            leave_type=LeaveType.SICK,
            first_day=day(0),
            last_day=day(0),
            status=LeaveStatus.APPROVED,
            note="reported by phone",
        ),
        LeaveRequest(
            agent_id=chosen[2],
            leave_type=LeaveType.PERSONAL,
            first_day=day(4),
            last_day=day(4),
            status=LeaveStatus.REQUESTED,
        ),
        LeaveRequest(
            agent_id=chosen[3],
            leave_type=LeaveType.ANNUAL,
            first_day=day(0),
            last_day=day(2),
            status=LeaveStatus.REQUESTED,
            note="three days: manager, HR and general manager",
        ),
        LeaveRequest(
            agent_id=chosen[4],
            leave_type=LeaveType.SICK,
            first_day=day(3),
            last_day=day(4),
            status=LeaveStatus.APPROVED,
            medical_certificate=True,
        ),
    )


# --- the history --------------------------------------------------------------------------------


def _event_factor(event: Event, days: pd.DatetimeIndex) -> np.ndarray:
    """The event's multiplier weight per day: 1 at the peak (or every day if flat), 0 outside."""
    ordinal = days.to_numpy().astype("datetime64[D]").astype(np.int64)
    start, peak, end = (np.datetime64(d, "D").astype(np.int64) for d in (event.start, event.peak, event.end))
    weight = np.zeros(len(days))
    inside = (ordinal >= start) & (ordinal <= end)
    if event.flat:
        weight[inside] = 1.0
        return weight
    rising = inside & (ordinal <= peak)
    falling = inside & (ordinal > peak)
    weight[rising] = (ordinal[rising] - start + 1) / (peak - start + 1)
    weight[falling] = (end - ordinal[falling] + 1) / (end - peak + 1)
    return weight


def expected_volume(params: SampleParameters, queue: str, days: pd.DatetimeIndex) -> np.ndarray:
    """Expected contacts per day and clock hour (``len(days) x 24``), before any noise.

    The product of: level, growth, month, weekday, public holiday, promotion events, and the intraday
    profile of the day type (weekends and holidays share the weekend profile).
    """
    volume: QueueVolume = dict(params.queues)[queue]
    end = pd.Timestamp(params.planning_week_start)
    years_before_end = (end - days).days.to_numpy() / 365.25
    daily: np.ndarray = volume.daily_contacts * (1.0 + params.annual_growth) ** (-years_before_end)
    daily = daily * np.asarray(params.month_factors)[days.month.to_numpy() - 1]
    daily = daily * np.asarray(volume.weekday_factors)[days.day_of_week.to_numpy()]
    holiday = np.zeros(len(days), dtype=bool)
    for _name, first, last, holiday_factor in params.holidays:
        on = (days >= pd.Timestamp(first)) & (days <= pd.Timestamp(last))
        daily = np.where(on, daily * holiday_factor, daily)
        holiday |= np.asarray(on)
    weekend_like = (days.day_of_week.to_numpy() >= 5) | holiday
    weekday_profile = np.asarray(volume.weekday_profile) / sum(volume.weekday_profile)
    weekend_profile = np.asarray(volume.weekend_profile) / sum(volume.weekend_profile)
    profile = np.where(weekend_like[:, None], weekend_profile[None, :], weekday_profile[None, :])
    hourly: np.ndarray = daily[:, None] * profile
    for event in params.promotions:
        multiplier = dict(event.multipliers).get(queue)
        if multiplier is None:
            continue
        factor = 1.0 + (multiplier - 1.0) * _event_factor(event, days)
        if event.hours is None:
            hourly = hourly * factor[:, None]
        else:
            hourly[:, list(event.hours)] = hourly[:, list(event.hours)] * factor[:, None]
    return hourly


def build_history(params: SampleParameters) -> ContactHistory:
    """Two years of hourly contacts per queue in the tidy contact-history form.

    Counts are Poisson around the expected volume times a day-level and an hour-level gamma shock
    (over-dispersed, as real counts are). AHT per hour is the mean of the hour's handling times
    (a gamma draw with the queue's coefficient of variation). Abandoned contacts are binomial, their
    share rising with the day's load. Hours outside 08:30-24:00 are closed (known zero).
    """
    rng = np.random.default_rng(params.seed)
    opening = OpeningHours.every_day(params.opening_hours)
    first_day = params.planning_week_start - timedelta(weeks=params.history_weeks)
    days = pd.date_range(first_day, periods=params.history_weeks * 7, freq="D")
    open_hour = np.array(
        [[opening.open_minutes_in(int(w), h * 60, 60) > 0 for h in range(24)] for w in days.day_of_week]
    )
    frames = []
    for queue, volume in params.queues:
        hourly = expected_volume(params, queue, days)
        baseline_day = np.median(hourly.sum(axis=1))
        day_shock = rng.gamma(params.day_noise_shape, 1.0 / params.day_noise_shape, size=len(days))
        hour_shock = rng.gamma(
            params.interval_noise_shape, 1.0 / params.interval_noise_shape, size=hourly.shape
        )
        rate = np.where(open_hour, hourly * day_shock[:, None] * hour_shock, 0.0)
        contacts = rng.poisson(rate)
        handled_share = np.maximum(contacts, 1) / volume.aht_cv**2
        aht = volume.aht_s * rng.gamma(handled_share, 1.0 / handled_share)
        if volume.abandon_rate is None:
            abandoned = np.zeros_like(contacts)
        else:
            load = hourly.sum(axis=1) / baseline_day
            share = np.clip(volume.abandon_rate * np.maximum(load, 1.0) ** 1.5, 0.0, 0.5)
            abandoned = rng.binomial(contacts, share[:, None])
        aht = np.where(contacts - abandoned > 0, np.round(aht, 1), np.nan)
        starts = (
            (days.to_numpy()[:, None] + np.arange(24) * np.timedelta64(1, "h"))
            .ravel()
            .astype("datetime64[ns]")
        )
        frames.append(
            pd.DataFrame(
                {
                    "queue": queue,
                    "interval_start": starts,
                    "contacts": pd.array(contacts.ravel(), dtype="Int64"),
                    "aht_s": aht.ravel(),
                    "abandoned": pd.array(abandoned.ravel(), dtype="Int64"),
                    "status": np.where(open_hour.ravel(), "observed", "closed"),
                }
            )
        )
    frame = pd.concat(frames, ignore_index=True).sort_values(["queue", "interval_start"], ignore_index=True)
    report = ImportReport(
        source=f"sample centre generator (seed {params.seed})",
        kind="tidy",
        rows_read=len(frame),
        rows_imported=len(frame),
        opening_hours={queue: opening for queue, _ in params.queues},
        opening_hours_source="given",
    )
    return ContactHistory(frame=frame, interval_minutes=60, report=report)


def generate(params: SampleParameters | None = None) -> SampleCentre:
    """The whole sample centre from its parameters (the defaults if none are given)."""
    params = params or SampleParameters()
    agents = build_team(params)
    return SampleCentre(
        site=build_site(params, agents),
        horizon=PlanningHorizon(start=params.planning_week_start, days=7),
        leave_requests=build_leave_requests(params, agents),
        history=build_history(params),
    )


# --- the bundled files --------------------------------------------------------------------------


def write_bundle(centre: SampleCentre, directory: Path = DATA_DIR) -> None:
    """Write site.json, planning.json and history.parquet."""
    directory.mkdir(parents=True, exist_ok=True)
    centre.site.save(directory / "site.json")
    planning = {
        "horizon": centre.horizon.model_dump(mode="json"),
        "leave_requests": [leave.model_dump(mode="json") for leave in centre.leave_requests],
    }
    (directory / "planning.json").write_text(json.dumps(planning, indent=2) + "\n", encoding="utf-8")
    write_history(centre.history, directory / HISTORY_FILE)


def load_plan(directory: Path = DATA_DIR) -> tuple[Site, PlanningHorizon, tuple[LeaveRequest, ...]]:
    """The bundled site, planning week and leave, without reading the history."""
    site = Site.load(directory / "site.json")
    planning = json.loads((directory / "planning.json").read_text(encoding="utf-8"))
    horizon = PlanningHorizon.model_validate(planning["horizon"])
    leave = tuple(LeaveRequest.model_validate(x) for x in planning["leave_requests"])
    return site, horizon, leave


def load_bundle(directory: Path = DATA_DIR) -> SampleCentre:
    """Read the sample centre from the files bundled with the package."""
    site, horizon, leave = load_plan(directory)
    history = read_history(directory / HISTORY_FILE)
    return SampleCentre(site=site, horizon=horizon, leave_requests=leave, history=history)


def first_history_day(params: SampleParameters) -> date:
    return params.planning_week_start - timedelta(weeks=params.history_weeks)
