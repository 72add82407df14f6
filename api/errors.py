"""Errors the routes raise beyond HTTPException, each turned into one JSON answer by the app."""

from __future__ import annotations


class RuleConflict(Exception):
    """A change breaks hard roster rules (409, with each broken rule in words)."""

    def __init__(self, message: str, violations: list[str]) -> None:
        super().__init__(message)
        self.message = message
        self.violations = violations
