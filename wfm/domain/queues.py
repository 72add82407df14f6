"""Queues (the lines of work a centre answers) and their service targets."""

from __future__ import annotations

from enum import StrEnum

from pydantic import Field, model_validator

from wfm.domain._base import DomainModel

QueueId = str
"""A queue's code, e.g. ``"presales_chat"``. Agents' skills refer to queues by this code."""

_CODE_PATTERN = r"^[a-z][a-z0-9_]{0,39}$"


class Channel(StrEnum):
    """How contacts arrive: phone (one call at a time), chat (several at once), e-mail (backlog)."""

    PHONE = "phone"
    CHAT = "chat"
    EMAIL = "email"


class ServiceTarget(DomainModel):
    """``share`` of contacts answered within ``answer_within_s`` seconds (80/20 = 0.8 within 20 s)."""

    share: float = Field(gt=0.0, le=1.0)
    answer_within_s: int = Field(gt=0)

    def __str__(self) -> str:
        seconds = self.answer_within_s
        within = f"{seconds // 3600} h" if seconds >= 3600 and seconds % 3600 == 0 else f"{seconds} s"
        return f"{self.share:.0%} within {within}"


class Queue(DomainModel):
    """A queue of contacts of one channel, with the service it promises and how long contacts take.

    ``aht_s`` is the average handling time of one contact. ``concurrency`` is how many contacts an
    agent handles at once (chat only; phone and e-mail are always 1). ``patience_s`` is customers' mean
    patience before abandoning, where known (phone and chat).
    """

    code: QueueId = Field(pattern=_CODE_PATTERN)
    name: str = Field(min_length=1, max_length=80)
    channel: Channel
    service_target: ServiceTarget
    aht_s: float = Field(gt=0.0, le=24 * 3600)
    concurrency: int = Field(default=1, ge=1, le=10)
    patience_s: float | None = Field(default=None, gt=0.0)

    @model_validator(mode="after")
    def _channel_rules(self) -> Queue:
        if self.channel is not Channel.CHAT and self.concurrency != 1:
            raise ValueError(
                f"concurrency: a {self.channel.value} queue handles one contact at a time "
                f"(got {self.concurrency}); only chat queues have concurrency above 1"
            )
        if self.channel is Channel.EMAIL and self.patience_s is not None:
            raise ValueError("patience_s: e-mail customers do not abandon a queue; leave it unset")
        return self
