"""Domain errors. Services raise them; views turn them into messages, the API into problem JSON.

Each error carries a message for the user (already translated, naming the field where there is
one) and an HTTP status the API answers with.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any


class DomainError(Exception):
    """A request the domain refuses. Never a programming error."""

    status = 400
    code = "domain-error"

    def __init__(
        self,
        message: str,
        *,
        field: str | None = None,
        errors: Sequence[Mapping[str, Any]] = (),
        **context: Any,
    ) -> None:
        super().__init__(message)
        self.message = message
        self.field = field
        # Every problem found, each {"field": …, "message": …}, when there is more than one.
        self.errors = list(errors)
        self.context = context

    def __str__(self) -> str:
        return str(self.message)


class NotFound(DomainError):
    """Not there, or not yours: the two must look the same."""

    status = 404
    code = "not-found"


class PermissionDenied(DomainError):
    """The user may see the object but not do this to it."""

    status = 403
    code = "permission-denied"


class Conflict(DomainError):
    """The request collides with what is already recorded (a duplicate, a stale state)."""

    status = 409
    code = "conflict"


class InvalidInput(DomainError):
    """Input that fails validation; `errors` lists every problem found, not only the first."""

    status = 422
    code = "invalid-input"


class IllegalTransition(DomainError):
    """A state machine was asked for a move its table does not allow."""

    status = 409
    code = "illegal-transition"
