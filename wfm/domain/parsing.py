"""Turning files and dicts into domain objects, with errors that name the field at fault."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any, TypeVar

from pydantic import BaseModel, ValidationError

from wfm.errors import InputError, Problem

ModelT = TypeVar("ModelT", bound=BaseModel)


def field_path(location: tuple[int | str, ...]) -> str:
    """``("agents", 3, "skills")`` -> ``"agents[3].skills"``."""
    text = ""
    for part in location:
        text += f"[{part}]" if isinstance(part, int) else (f".{part}" if text else str(part))
    return text


_LEADING_FIELD = re.compile(r"^([A-Za-z_][\w.\[\]]*): (.+)$", re.S)


def problems_from(error: ValidationError) -> list[Problem]:
    """One :class:`Problem` per pydantic error, with the dotted path of the field at fault.

    Checks that look at several fields at once write their messages as ``"field: what is wrong"``;
    that leading field is joined to the error's location, so ``agents[0].skills`` is named even when
    the check ran on the whole site.
    """
    problems = []
    for item in error.errors():
        message = str(item["msg"]).removeprefix("Value error, ")
        path = field_path(tuple(item["loc"]))
        leading = _LEADING_FIELD.match(message)
        if leading:
            inner, message = leading.group(1), leading.group(2)
            path = f"{path}.{inner}" if path else inner
        problems.append(Problem(message=message, field=path or None))
    return problems


def parse_model(model: type[ModelT], data: Any, *, source: str = "input") -> ModelT:
    """Validate ``data`` into ``model``; raise :class:`InputError` naming every bad field."""
    try:
        return model.model_validate(data)
    except ValidationError as error:
        raise InputError(f"{source}: {model.__name__} refused", problems_from(error)) from None


def load_model(model: type[ModelT], path: Path) -> ModelT:
    """Read a JSON file into ``model``; a missing file or bad JSON is an :class:`InputError`."""
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise InputError(f"{path}: no such file") from None
    except json.JSONDecodeError as error:
        raise InputError(f"{path}: not valid JSON", [Problem(error.msg, row=error.lineno)]) from None
    return parse_model(model, data, source=str(path))
