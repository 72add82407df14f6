"""Queues, channels and service targets: what a queue may promise and how many contacts an agent takes."""

from __future__ import annotations

from typing import Any

import pytest
from pydantic import ValidationError

from wfm.domain import Channel, Queue, ServiceTarget

TARGET = {"share": 0.8, "answer_within_s": 20}


def queue_fields(**overrides: Any) -> dict[str, Any]:
    fields: dict[str, Any] = {
        "code": "hotline",
        "name": "Hotline",
        "channel": "phone",
        "service_target": TARGET,
        "aht_s": 240.0,
    }
    fields.update(overrides)
    return fields


@pytest.mark.parametrize(
    ("share", "within", "text"),
    [(0.8, 20, "80% within 20 s"), (1.0, 1, "100% within 1 s"), (0.9, 86_400, "90% within 24 h")],
)
def test_service_target_accepts_boundaries_and_reads_as_the_manuals_write_it(
    share: float, within: int, text: str
) -> None:
    assert str(ServiceTarget(share=share, answer_within_s=within)) == text


@pytest.mark.parametrize(
    ("field", "value"),
    [("share", 0.0), ("share", 1.01), ("answer_within_s", 0), ("answer_within_s", -20)],
)
def test_service_target_refusal_names_the_field(field: str, value: float) -> None:
    fields: dict[str, Any] = {**TARGET, field: value}
    with pytest.raises(ValidationError) as caught:
        ServiceTarget(**fields)
    assert [error["loc"] for error in caught.value.errors()] == [(field,)]


def test_channel_values_are_the_words_used_in_files() -> None:
    assert {channel.value for channel in Channel} == {"phone", "chat", "email"}
    assert Queue(**queue_fields(channel="chat")).channel is Channel.CHAT


def test_queue_defaults_to_one_contact_at_a_time_and_no_patience() -> None:
    queue = Queue(**queue_fields())
    assert queue.concurrency == 1
    assert queue.patience_s is None
    assert queue.service_target == ServiceTarget(share=0.8, answer_within_s=20)


@pytest.mark.parametrize(
    ("channel", "concurrency"),
    [("phone", 1), ("email", 1), ("chat", 1), ("chat", 5), ("chat", 10)],
)
def test_concurrency_accepted(channel: str, concurrency: int) -> None:
    assert Queue(**queue_fields(channel=channel, concurrency=concurrency)).concurrency == concurrency


@pytest.mark.parametrize(("channel", "concurrency"), [("phone", 2), ("email", 3)])
def test_concurrency_above_one_refused_outside_chat(channel: str, concurrency: int) -> None:
    with pytest.raises(ValidationError) as caught:
        Queue(**queue_fields(channel=channel, concurrency=concurrency))
    message = caught.value.errors()[0]["msg"]
    assert "concurrency:" in message
    assert f"a {channel} queue" in message


@pytest.mark.parametrize("concurrency", [0, 11])
def test_concurrency_out_of_range_refused_by_field(concurrency: int) -> None:
    with pytest.raises(ValidationError) as caught:
        Queue(**queue_fields(channel="chat", concurrency=concurrency))
    assert caught.value.errors()[0]["loc"] == ("concurrency",)


def test_email_queue_refuses_patience() -> None:
    with pytest.raises(ValidationError, match="patience_s: e-mail customers do not abandon"):
        Queue(**queue_fields(channel="email", patience_s=60.0))


@pytest.mark.parametrize("channel", ["phone", "chat"])
def test_patience_accepted_on_live_channels(channel: str) -> None:
    assert Queue(**queue_fields(channel=channel, patience_s=60.0)).patience_s == 60.0


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("code", "Hotline"),
        ("code", "2nd_line"),
        ("code", "a" * 41),
        ("code", "after-sales"),
        ("name", ""),
        ("channel", "fax"),
        ("aht_s", 0.0),
        ("aht_s", 24 * 3600 + 1),
        ("patience_s", 0.0),
    ],
)
def test_queue_refusal_names_the_field(field: str, value: Any) -> None:
    with pytest.raises(ValidationError) as caught:
        Queue(**queue_fields(**{field: value}))
    assert caught.value.errors()[0]["loc"] == (field,)


@pytest.mark.parametrize(("field", "value"), [("code", "a" * 40), ("code", "q2"), ("aht_s", 24 * 3600)])
def test_queue_field_boundaries_accepted(field: str, value: Any) -> None:
    assert getattr(Queue(**queue_fields(**{field: value})), field) == value


def test_queue_service_target_refusal_names_the_nested_field() -> None:
    with pytest.raises(ValidationError) as caught:
        Queue(**queue_fields(service_target={"share": 80, "answer_within_s": 20}))
    assert caught.value.errors()[0]["loc"] == ("service_target", "share")


def test_misspelt_setting_is_refused_not_ignored() -> None:
    with pytest.raises(ValidationError) as caught:
        Queue(**queue_fields(concurency=5))
    error = caught.value.errors()[0]
    assert (error["loc"], error["type"]) == (("concurency",), "extra_forbidden")


def test_queue_is_frozen() -> None:
    queue = Queue(**queue_fields())
    with pytest.raises(ValidationError):
        queue.concurrency = 2  # type: ignore[misc]
    assert queue.concurrency == 1
