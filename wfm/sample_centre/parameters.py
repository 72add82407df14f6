"""Every assumption behind the sample centre, in one frozen object.

The sample centre is an invented but realistic e-commerce customer-service centre: a team of about 80
agents answering pre-sales chat, after-sales chat, a phone hotline and e-mail, 08:30-24:00 every day,
with two years of hourly contact history ending right before a fixed planning week. Figures come from
``shared/DOMAIN.md`` ("Figures from the field") where it has one; the rest are stated here as choices.
Change a value here and regenerate with ``python -m wfm.sample_centre``.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date


@dataclass(frozen=True)
class QueueVolume:
    """Volume assumptions for one queue.

    ``daily_contacts`` is a normal weekday's volume at the end of the history (before growth is
    taken back). ``weekday_factors`` scale Monday..Sunday. ``weekday_profile`` / ``weekend_profile``
    give the relative volume per clock hour 0..23 (closed hours are ignored; hour 8 is half open).
    ``abandon_rate`` is the share of contacts abandoned on a normal day (``None``: never abandon).
    """

    daily_contacts: float
    weekday_factors: tuple[float, float, float, float, float, float, float]
    weekday_profile: tuple[float, ...]
    weekend_profile: tuple[float, ...]
    aht_s: float
    aht_cv: float
    abandon_rate: float | None


@dataclass(frozen=True)
class Event:
    """A calendar event multiplying volume.

    Between ``start`` and ``end`` (inclusive) the multiplier rises linearly from 1 at ``start`` to
    ``multipliers[queue]`` on ``peak`` and falls back towards 1 until ``end`` (a flat event has
    ``peak`` = ``start`` and ``flat=True``: the full multiplier on every day). With ``hours`` set,
    only those clock hours are affected (e.g. a sale wave at 20:00).
    """

    name: str
    start: date
    peak: date
    end: date
    multipliers: tuple[tuple[str, float], ...]
    hours: tuple[int, ...] | None = None
    flat: bool = False


# Relative volume by clock hour, 0..23. Chat follows shoppers: a morning bump at 10-11 h, an afternoon
# bump at 15-16 h and the big evening peak 20:00-23:00 (DOMAIN.md: ~23% of a day's orders at a Tmall
# shop fall in 20-23 h). The hotline follows office hours and fades in the evening; e-mail arrives
# all day and the overnight backlog is counted in the first open hour (08:00-09:00).
_CHAT_WEEKDAY = (
    0,
    0,
    0,
    0,
    0,
    0,
    0,
    0,
    3.0,
    5.0,
    6.5,
    6.2,
    5.0,
    5.2,
    5.8,
    6.3,
    6.0,
    5.3,
    5.0,
    5.6,
    7.6,
    8.4,
    8.8,
    7.0,
)
_CHAT_WEEKEND = (
    0,
    0,
    0,
    0,
    0,
    0,
    0,
    0,
    2.2,
    3.8,
    5.4,
    5.9,
    5.6,
    5.7,
    6.0,
    6.4,
    6.2,
    5.6,
    5.4,
    6.0,
    8.0,
    8.8,
    9.0,
    7.4,
)
_PHONE_WEEKDAY = (
    0,
    0,
    0,
    0,
    0,
    0,
    0,
    0,
    4.0,
    8.0,
    9.0,
    8.6,
    6.4,
    7.0,
    8.0,
    8.2,
    7.4,
    6.2,
    5.0,
    4.6,
    4.8,
    4.4,
    3.6,
    2.4,
)
_PHONE_WEEKEND = (
    0,
    0,
    0,
    0,
    0,
    0,
    0,
    0,
    2.8,
    6.0,
    7.6,
    7.8,
    6.6,
    6.8,
    7.4,
    7.4,
    6.8,
    6.0,
    5.2,
    5.0,
    5.2,
    4.8,
    3.8,
    2.6,
)
_EMAIL = (
    0,
    0,
    0,
    0,
    0,
    0,
    0,
    0,
    18.0,
    6.0,
    6.0,
    5.6,
    4.6,
    4.8,
    5.0,
    5.0,
    4.8,
    4.4,
    4.0,
    3.8,
    4.0,
    4.0,
    3.6,
    3.0,
)


def _official_holidays() -> tuple[tuple[str, date, date, float], ...]:
    """China's official days off (State Council schedules), with their volume multiplier.

    Written out rather than read from the ``holidays`` package so the sample never changes when that
    package is updated. Spring Festival: parcel volume falls to ~15-20% of normal (DOMAIN.md); contact
    volume falls less because buyers still ask about orders, so 0.35. National Day week: 0.75. The
    short holidays: 0.85.
    """
    return (
        ("New Year", date(2023, 12, 30), date(2024, 1, 1), 0.85),
        ("Spring Festival", date(2024, 2, 10), date(2024, 2, 17), 0.35),
        ("Qingming", date(2024, 4, 4), date(2024, 4, 6), 0.85),
        ("Labour Day", date(2024, 5, 1), date(2024, 5, 5), 0.85),
        ("Dragon Boat", date(2024, 6, 8), date(2024, 6, 10), 0.85),
        ("Mid-Autumn", date(2024, 9, 15), date(2024, 9, 17), 0.85),
        ("National Day", date(2024, 10, 1), date(2024, 10, 7), 0.75),
        ("New Year", date(2025, 1, 1), date(2025, 1, 1), 0.85),
        ("Spring Festival", date(2025, 1, 28), date(2025, 2, 4), 0.35),
        ("Qingming", date(2025, 4, 4), date(2025, 4, 6), 0.85),
        ("Labour Day", date(2025, 5, 1), date(2025, 5, 5), 0.85),
        ("Dragon Boat", date(2025, 5, 31), date(2025, 6, 2), 0.85),
        ("National Day", date(2025, 10, 1), date(2025, 10, 8), 0.75),
    )


def _promotions() -> tuple[Event, ...]:
    """E-commerce promotions, for both years in the history.

    - Double 11: pre-sale from 20 October (+40% pre-sales chat), sale waves at 20:00 on 31 October and
      10 November (x4 in the 20:00 hour, x2.5 in the 21:00 hour), and on 11 November pre-sales chat at
      4.0x and the hotline at 1.8x a normal day (DOMAIN.md: chat 3-5x in peak season). After-sales
      contacts (returns, logistics) lag the sale: they rise from 12 November to a peak on 17 November
      (after-sales chat x2.5, hotline x1.6, e-mail x1.8) and fade out by 28 November.
    - 618: pre-sale from 20 May (+25%), a wave at 20:00 on 31 May, 2.5x pre-sales chat on 18 June,
      after-sales peak x1.8 on 24 June, fading by 2 July.
    - Double 12: 1.6x pre-sales chat on 12 December, after-sales x1.3 peaking on 16 December.
    - New-Year goods festival: about three weeks before Spring Festival, +30% pre-sales chat for ten
      days; couriers stop ~5 days before the holiday, so after-sales contacts about delivery rise by
      20% in the days before it.
    """
    events: list[Event] = []
    for year in (2023, 2024, 2025):
        d11 = date(year, 11, 11)
        events += [
            Event(
                "Double 11 pre-sale",
                date(year, 10, 20),
                date(year, 10, 20),
                date(year, 11, 10),
                (("presales_chat", 1.4), ("hotline", 1.1)),
                flat=True,
            ),
            Event(
                "Double 11 wave",
                date(year, 10, 31),
                date(year, 10, 31),
                date(year, 10, 31),
                (("presales_chat", 4.0),),
                hours=(20,),
                flat=True,
            ),
            Event(
                "Double 11 wave",
                date(year, 10, 31),
                date(year, 10, 31),
                date(year, 10, 31),
                (("presales_chat", 2.5),),
                hours=(21,),
                flat=True,
            ),
            Event(
                "Double 11 wave",
                date(year, 11, 10),
                date(year, 11, 10),
                date(year, 11, 10),
                (("presales_chat", 4.0),),
                hours=(20,),
                flat=True,
            ),
            Event(
                "Double 11 wave",
                date(year, 11, 10),
                date(year, 11, 10),
                date(year, 11, 10),
                (("presales_chat", 2.5),),
                hours=(21,),
                flat=True,
            ),
            Event(
                "Double 11",
                d11,
                d11,
                d11,
                (("presales_chat", 4.0), ("aftersales_chat", 1.5), ("hotline", 1.8), ("email", 1.3)),
                flat=True,
            ),
            Event(
                "Double 11 after-sales",
                date(year, 11, 12),
                date(year, 11, 17),
                date(year, 11, 28),
                (("aftersales_chat", 2.5), ("hotline", 1.6), ("email", 1.8)),
            ),
            Event(
                "Double 12",
                date(year, 12, 12),
                date(year, 12, 12),
                date(year, 12, 12),
                (("presales_chat", 1.6), ("hotline", 1.2)),
                flat=True,
            ),
            Event(
                "Double 12 after-sales",
                date(year, 12, 13),
                date(year, 12, 16),
                date(year, 12, 22),
                (("aftersales_chat", 1.3), ("email", 1.2)),
            ),
        ]
    for year in (2024, 2025):
        events += [
            Event(
                "618 pre-sale",
                date(year, 5, 20),
                date(year, 5, 20),
                date(year, 6, 17),
                (("presales_chat", 1.25),),
                flat=True,
            ),
            Event(
                "618 wave",
                date(year, 5, 31),
                date(year, 5, 31),
                date(year, 5, 31),
                (("presales_chat", 3.0),),
                hours=(20,),
                flat=True,
            ),
            Event(
                "618",
                date(year, 6, 18),
                date(year, 6, 18),
                date(year, 6, 18),
                (("presales_chat", 2.5), ("hotline", 1.4), ("aftersales_chat", 1.2)),
                flat=True,
            ),
            Event(
                "618 after-sales",
                date(year, 6, 19),
                date(year, 6, 24),
                date(year, 7, 2),
                (("aftersales_chat", 1.8), ("hotline", 1.3), ("email", 1.4)),
            ),
        ]
    events += [
        Event(
            "New-Year goods festival",
            date(2024, 1, 15),
            date(2024, 1, 15),
            date(2024, 1, 24),
            (("presales_chat", 1.3),),
            flat=True,
        ),
        Event(
            "Pre-holiday delivery worries",
            date(2024, 2, 1),
            date(2024, 2, 6),
            date(2024, 2, 9),
            (("aftersales_chat", 1.2), ("hotline", 1.2)),
        ),
        Event(
            "New-Year goods festival",
            date(2025, 1, 3),
            date(2025, 1, 3),
            date(2025, 1, 12),
            (("presales_chat", 1.3),),
            flat=True,
        ),
        Event(
            "Pre-holiday delivery worries",
            date(2025, 1, 19),
            date(2025, 1, 24),
            date(2025, 1, 27),
            (("aftersales_chat", 1.2), ("hotline", 1.2)),
        ),
    ]
    return tuple(events)


@dataclass(frozen=True)
class SampleParameters:
    """The sample centre's assumptions. Same parameters and seed, same data, on any machine."""

    seed: int = 20251124
    site_name: str = "Hangzhou e-commerce service centre (sample)"
    timezone: str = "Asia/Shanghai"
    opening_hours: str = "08:30-24:00"
    planning_week_start: date = date(2025, 11, 24)
    """A Monday. The history covers the 104 weeks before it (ending Sunday 23:00-24:00)."""
    history_weeks: int = 104
    annual_growth: float = 0.15
    """Volume grows 15% a year (a growing shop); the levels below are those at the end."""
    month_factors: tuple[float, ...] = (0.95, 0.9, 1.0, 1.0, 1.0, 1.05, 0.95, 0.95, 1.0, 1.0, 1.0, 1.05)
    """Mild seasonality by calendar month, January..December, on top of the events."""
    day_noise_shape: float = 250.0
    """Gamma shape of the day-level volume shock shared by a queue's hours (sd ~6%)."""
    interval_noise_shape: float = 80.0
    """Gamma shape of the hour-level shock (sd ~11%). Counts are then Poisson: over-dispersed."""
    queues: tuple[tuple[str, QueueVolume], ...] = field(
        default_factory=lambda: (
            (
                "presales_chat",
                QueueVolume(
                    1600,
                    (1.0, 0.97, 0.97, 0.98, 1.02, 1.15, 1.12),
                    _CHAT_WEEKDAY,
                    _CHAT_WEEKEND,
                    540.0,
                    0.8,
                    0.02,
                ),
            ),
            (
                "aftersales_chat",
                QueueVolume(
                    1100,
                    (1.12, 1.02, 0.98, 0.96, 0.96, 0.98, 1.05),
                    _CHAT_WEEKDAY,
                    _CHAT_WEEKEND,
                    600.0,
                    0.8,
                    0.025,
                ),
            ),
            (
                "hotline",
                QueueVolume(
                    800,
                    (1.15, 1.05, 1.0, 0.98, 0.97, 0.8, 0.75),
                    _PHONE_WEEKDAY,
                    _PHONE_WEEKEND,
                    240.0,
                    0.9,
                    0.05,
                ),
            ),
            (
                "email",
                QueueVolume(300, (1.2, 1.05, 1.0, 1.0, 0.95, 0.75, 0.7), _EMAIL, _EMAIL, 420.0, 0.7, None),
            ),
        )
    )
    holidays: tuple[tuple[str, date, date, float], ...] = field(default_factory=_official_holidays)
    promotions: tuple[Event, ...] = field(default_factory=_promotions)
    team_size: int = 82
    part_time_share: float = 0.1
    new_hire_share: float = 0.1
