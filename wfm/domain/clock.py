"""Times of day as schedulers write them ("08:30", "24:00", "02:00" after midnight).

Internally a time of day is a number of minutes after midnight of the day it starts on. A shift or an
opening period may end at 24:00 (1440) or past midnight (e.g. 1560 for 02:00 the next day).
"""

from __future__ import annotations

import re

MINUTES_PER_DAY = 24 * 60

_CLOCK = re.compile(r"^(\d{1,2}):(\d{2})$")


def parse_clock(text: str, *, field: str = "time") -> int:
    """Parse ``HH:MM`` (00:00 to 24:00) into minutes after midnight.

    >>> parse_clock("08:30")
    510
    >>> parse_clock("24:00")
    1440
    """
    match = _CLOCK.match(text.strip())
    if not match:
        raise ValueError(f"{field}: '{text}' is not a time of day written as HH:MM")
    hours, minutes = int(match.group(1)), int(match.group(2))
    if minutes >= 60 or hours > 24 or (hours == 24 and minutes != 0):
        raise ValueError(f"{field}: '{text}' is not a time of day between 00:00 and 24:00")
    return hours * 60 + minutes


def format_clock(minutes: int) -> str:
    """Write minutes after midnight as ``HH:MM``; past midnight shows as e.g. ``02:00+1``."""
    day, rest = divmod(minutes, MINUTES_PER_DAY)
    if day == 1 and rest == 0:
        return "24:00"
    text = f"{rest // 60:02d}:{rest % 60:02d}"
    return text if day == 0 else f"{text}+{day}"
