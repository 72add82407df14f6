"""Contact history: importing a site's past contacts into one tidy series, and summarising it.

The tidy series
---------------
Every importer returns a :class:`ContactHistory` (frozen) with

- ``frame``: a :class:`pandas.DataFrame`, sorted by (``queue``, ``interval_start``), with one row
  per queue per interval over a complete regular grid: from the first interval (00:00) of the first
  day to the last interval of the last day on which that queue has data. Nothing is left out of
  the grid, and nothing is filled in;
- ``interval_minutes``: the interval length, 15, 30 or 60;
- ``report``: the :class:`ImportReport` (rows read, imported, rejected by reason with example
  lines, the opening hours used, notes).

The frame's columns:

============== ================= ==========================================================
column         type              meaning
============== ================= ==========================================================
queue          str               the queue (business line or channel) the contacts came to
interval_start datetime64[ns]    start of the interval, naive, local site time
contacts       Int64 (nullable)  contacts that arrived; ``<NA>`` when missing
aht_s          float64           mean handling seconds of handled contacts; NaN when unknown
                                 or when no contact was handled
abandoned      Int64 (nullable)  contacts abandoned; ``<NA>`` when the source does not say
status         str               ``"observed"``, ``"closed"`` or ``"missing"``
============== ================= ==========================================================

``status``:

- ``observed``: the source gives a count for this open interval (which may be 0);
- ``closed``: outside opening hours, a known zero (``contacts == 0``, ``aht_s`` NaN);
- ``missing``: a gap, an open interval the source has no data for (``contacts``, ``abandoned``
  ``<NA>`` and ``aht_s`` NaN).

Gaps are never confused with closed hours: a later stage may fill or skip a gap, but only on
purpose. Opening hours are given by the caller, or inferred from the data (a weekday time slot
that never has a contact is closed) and then stated in the report.

Constructing a ``ContactHistory`` checks the frame against this contract
(:func:`contract_problems`), and :func:`read_history` checks files the same way, so a later stage
can rely on it.

Importers
---------
- :func:`import_interval_counts`: one row per queue per interval (5, 15, 30 or 60 minutes),
  re-aggregated to 15, 30 or 60 minutes;
- :func:`import_contact_records`: one row per contact (call or chat), counted into intervals by
  arrival time;
- :func:`load_mapping`: a column mapping from a TOML file or a bundled preset
  (``anonymous-bank-1999``, ``bank-calls-2003``);
- :func:`read_history` / :func:`write_history`: the tidy series as CSV or Parquet;
- :func:`summarize`: per-queue figures and gaps for a scheduler (:class:`HistorySummary`).

Bad input raises :class:`wfm.errors.InputError` listing every problem with its line and column.
"""

from __future__ import annotations

from wfm.history.counts import import_interval_counts
from wfm.history.mapping import (
    CountsMapping,
    Mapping,
    RecordsMapping,
    load_mapping,
    parse_mapping,
    preset_names,
)
from wfm.history.records import import_contact_records
from wfm.history.series import (
    CLOSED,
    FRAME_COLUMNS,
    MISSING,
    OBSERVED,
    ContactHistory,
    ImportReport,
    RejectedRows,
    WaitFigures,
    contract_problems,
)
from wfm.history.store import read_history, write_history
from wfm.history.summary import (
    Gap,
    HistorySummary,
    HourVolume,
    QueueSummary,
    WeekdayVolume,
    summarize,
)

__all__ = [
    "CLOSED",
    "FRAME_COLUMNS",
    "MISSING",
    "OBSERVED",
    "ContactHistory",
    "CountsMapping",
    "Gap",
    "HistorySummary",
    "HourVolume",
    "ImportReport",
    "Mapping",
    "QueueSummary",
    "RecordsMapping",
    "RejectedRows",
    "WaitFigures",
    "WeekdayVolume",
    "contract_problems",
    "import_contact_records",
    "import_interval_counts",
    "load_mapping",
    "parse_mapping",
    "preset_names",
    "read_history",
    "summarize",
    "write_history",
]
