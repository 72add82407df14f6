"""Errors the product raises for bad input, each naming the field, row or rule at fault.

Every user-facing failure in `wfm` derives from :class:`InputError`, so the command line and the
API can turn it into a clear message (never a stack trace) by catching one type.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Problem:
    """One thing wrong with the input: where it is and what is wrong, in words.

    ``row`` is the 1-based line number in the source file (the header is line 1), or ``None`` when the
    problem is not tied to a row. ``column`` is the file's column name; ``field`` the dotted path of a
    setting in a configuration (``agents[3].skills``).
    """

    message: str
    row: int | None = None
    column: str | None = None
    field: str | None = None

    def __str__(self) -> str:
        where = []
        if self.row is not None:
            where.append(f"line {self.row}")
        if self.column is not None:
            where.append(f"column '{self.column}'")
        if self.field is not None:
            where.append(f"field '{self.field}'")
        return f"{', '.join(where)}: {self.message}" if where else self.message


class InputError(ValueError):
    """Input refused. ``problems`` lists every problem found (up to a cap), not just the first."""

    def __init__(self, summary: str, problems: list[Problem] | None = None) -> None:
        self.summary = summary
        self.problems: list[Problem] = list(problems or [])
        super().__init__(self.render())

    def render(self, limit: int = 20) -> str:
        lines = [self.summary]
        for problem in self.problems[:limit]:
            lines.append(f"  - {problem}")
        if len(self.problems) > limit:
            lines.append(f"  ... and {len(self.problems) - limit} more")
        return "\n".join(lines)
