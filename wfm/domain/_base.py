"""Shared base for the domain types: frozen, strict about unknown fields, validated on construction."""

from __future__ import annotations

from typing import Annotated, Any, TypeVar

from pydantic import BaseModel, ConfigDict, PlainSerializer


class DomainModel(BaseModel):
    """A frozen value object. Unknown fields are refused, so a misspelt setting is never ignored."""

    model_config = ConfigDict(frozen=True, extra="forbid", validate_default=True)


def _sorted(values: frozenset[Any]) -> list[Any]:
    return sorted(values)


T = TypeVar("T")

SortedSet = Annotated[frozenset[T], PlainSerializer(_sorted, when_used="json")]
"""A frozen set written out sorted, so a saved file is the same on every run."""
