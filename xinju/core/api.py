"""Pieces every app's API shares: authentication, the problem-JSON error format, pagination."""

from __future__ import annotations

import json
import logging
from typing import Annotated, Any

from django.core.exceptions import ObjectDoesNotExist
from django.core.serializers.json import DjangoJSONEncoder
from django.http import Http404, HttpRequest, HttpResponse
from django.utils.translation import gettext as _
from ninja import Field, NinjaAPI, Schema
from ninja.errors import AuthenticationError, HttpError
from ninja.errors import ValidationError as NinjaValidationError
from ninja.security import HttpBearer, SessionAuth

from .db import ID_MAX
from .exceptions import DomainError

# Every id the API accepts, in a path or a query: out of range is a 422, never a crash.
Id = Annotated[int, Field(ge=1, le=ID_MAX)]

logger = logging.getLogger(__name__)

PROBLEM_TYPE = "application/problem+json"


class Problem(Schema):
    """RFC 9457 problem details, the one error format of /api/v1."""

    type: str
    title: str
    status: int
    detail: str = ""
    errors: list[dict[str, Any]] = []


def problem(
    status: int, title: str, detail: str = "", *, code: str = "about:blank", **extra: Any
) -> HttpResponse:
    body = {"type": code, "title": title, "status": status, "detail": detail, **extra}
    return HttpResponse(
        json.dumps(body, cls=DjangoJSONEncoder, ensure_ascii=False),
        status=status,
        content_type=PROBLEM_TYPE,
    )


class TokenAuth(HttpBearer):
    """`Authorization: Bearer xj_…` with a token issued on the profile page."""

    def authenticate(self, request: HttpRequest, token: str) -> Any:
        from xinju.accounts.services import authenticate_token

        user = authenticate_token(token)
        if user is not None:
            request.user = user
        return user


class ActiveSessionAuth(SessionAuth):
    """The browser session (with its CSRF check on writes)."""

    def authenticate(self, request: HttpRequest, key: str | None) -> Any:
        user = super().authenticate(request, key)
        return user if user is not None and user.is_active else None


def install_error_handlers(api: NinjaAPI) -> None:
    @api.exception_handler(Http404)
    def not_found(request: HttpRequest, exc: Exception) -> HttpResponse:
        return problem(404, _("Not found"), _("No such object in your scope."), code="not-found")

    @api.exception_handler(ObjectDoesNotExist)
    def does_not_exist(request: HttpRequest, exc: Exception) -> HttpResponse:
        return not_found(request, exc)

    @api.exception_handler(AuthenticationError)
    def unauthenticated(request: HttpRequest, exc: Exception) -> HttpResponse:
        return problem(
            401,
            _("Not signed in"),
            _("Send a bearer token or sign in."),
            code="not-authenticated",
        )

    @api.exception_handler(NinjaValidationError)
    def invalid(request: HttpRequest, exc: NinjaValidationError) -> HttpResponse:
        errors = [
            {"field": ".".join(str(p) for p in e.get("loc", ())), "message": e.get("msg", "")}
            for e in exc.errors
        ]
        return problem(
            422,
            _("Invalid input"),
            _("Some fields are invalid."),
            code="invalid-input",
            errors=errors,
        )

    @api.exception_handler(DomainError)
    def domain(request: HttpRequest, exc: DomainError) -> HttpResponse:
        errors = list(getattr(exc, "errors", []))
        if exc.field and not errors:
            errors = [{"field": exc.field, "message": exc.message}]
        return problem(exc.status, exc.message, exc.message, code=exc.code, errors=errors)

    @api.exception_handler(HttpError)
    def http_error(request: HttpRequest, exc: HttpError) -> HttpResponse:
        return problem(exc.status_code, str(exc), str(exc))

    @api.exception_handler(Exception)
    def crash(request: HttpRequest, exc: Exception) -> HttpResponse:
        logger.exception("API error on %s", request.path)
        return problem(
            500, _("Server error"), _("Something went wrong on our side."), code="server-error"
        )
