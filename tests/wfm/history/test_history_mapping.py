"""Column mappings: bundled presets, TOML files, and refusals that name the field."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from pydantic import ValidationError

from wfm.errors import InputError
from wfm.history import CountsMapping, RecordsMapping, load_mapping, preset_names

WriteText = Callable[[str, str], Path]


def test_presets_are_bundled() -> None:
    assert set(preset_names()) >= {"anonymous-bank-1999", "bank-calls-2003"}


def test_anonymous_bank_preset() -> None:
    mapping = load_mapping("anonymous-bank-1999")
    assert isinstance(mapping, RecordsMapping)
    assert mapping.separator == "\t"
    assert (mapping.date, mapping.date_format, mapping.time) == ("date", "%y%m%d", "vru_entry")
    assert (mapping.queue, mapping.handling_s, mapping.wait_s) == ("type", "ser_time", "q_time")
    assert mapping.outcome_of("AGENT") == "handled"
    assert mapping.outcome_of("HANG") == "abandoned"
    assert mapping.outcome_of("PHANTOM") == "excluded"
    assert mapping.excluded_values["PHANTOM"] == "phantom call (system record, not a customer contact)"
    assert mapping.outcome_of("agent") is None


def test_bank_2003_preset() -> None:
    mapping = load_mapping("bank-calls-2003")
    assert isinstance(mapping, CountsMapping)
    assert (mapping.timestamp, mapping.contacts, mapping.queue) == ("DateTime", "Calls", None)
    assert mapping.timestamps_are_local is True
    assert mapping.source_interval_minutes == 5


def test_mapping_from_a_toml_file(write_text: WriteText) -> None:
    path = write_text(
        "site.toml",
        'kind = "counts"\nseparator = ";"\ndate = "Datum"\ntime = "Zeit"\n'
        'queue = "Warteschlange"\ncontacts = "Anrufe"\naht_s = "AHT"\n',
    )
    mapping = load_mapping(path)
    assert isinstance(mapping, CountsMapping)
    assert mapping.timestamp is None
    assert (mapping.date, mapping.time, mapping.queue, mapping.aht_s) == (
        "Datum",
        "Zeit",
        "Warteschlange",
        "AHT",
    )


def test_misspelt_setting_is_refused_by_name(write_text: WriteText) -> None:
    path = write_text("bad.toml", 'kind = "counts"\ncontact = "calls"\n')
    with pytest.raises(InputError) as caught:
        load_mapping(path)
    assert [p.field for p in caught.value.problems] == ["contact"]


def test_kind_is_required(write_text: WriteText) -> None:
    with pytest.raises(InputError) as caught:
        load_mapping(write_text("bad.toml", 'contacts = "calls"\n'))
    assert caught.value.problems[0].field == "kind"


def test_invalid_toml_and_unknown_preset(write_text: WriteText) -> None:
    with pytest.raises(InputError, match="not valid TOML"):
        load_mapping(write_text("bad.toml", "kind = \n"))
    with pytest.raises(InputError, match="presets: anonymous-bank-1999, bank-calls-2003"):
        load_mapping("no-such-preset")


def test_contradictory_mappings_are_refused() -> None:
    with pytest.raises(ValidationError, match="not both"):
        CountsMapping(timestamp="ts", date="d", time="t")
    with pytest.raises(ValidationError, match="not both"):
        CountsMapping(queue="q", fixed_queue="only")
    with pytest.raises(ValidationError, match="site_timezone"):
        CountsMapping(timestamps_are_local=False)
    with pytest.raises(ValidationError, match="also listed"):
        RecordsMapping(outcome="o", handled_values=("A",), abandoned_values=("A",))
    with pytest.raises(ValidationError, match="not one of 5, 15, 30, 60"):
        CountsMapping(source_interval_minutes=10)
