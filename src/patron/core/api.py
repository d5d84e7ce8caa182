"""Plumbing every API router shares: strict input schemas, one error format, keyset pages.

Errors follow RFC 9457 (``application/problem+json``)::

    {"type": "urn:patron:problem:invalid", "title": "Invalid request", "status": 400,
     "detail": "...", "errors": [{"field": "email", "message": "..."}]}

Every input schema derives from :class:`Strict`, so an unknown or read-only field in a write
is rejected with 400 instead of being silently dropped.
"""

from __future__ import annotations

import datetime as dt
import json
import logging
import re
from collections.abc import Iterable, Mapping
from typing import Annotated, Any, ClassVar, Generic, TypeVar

from django.core.exceptions import NON_FIELD_ERRORS, ObjectDoesNotExist
from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import DataError, IntegrityError
from django.http import Http404, HttpRequest, HttpResponse
from ninja import NinjaAPI, Schema
from ninja.errors import AuthenticationError, HttpError
from ninja.errors import ValidationError as NinjaValidationError
from pydantic import AwareDatetime, BeforeValidator, ConfigDict, Field, model_validator
from pydantic_core import PydanticCustomError

from patron.core.pagination import InvalidCursor

logger = logging.getLogger("patron.api")

PROBLEM_CONTENT_TYPE = "application/problem+json"
PROBLEM_PREFIX = "urn:patron:problem:"

T = TypeVar("T")

#: The largest id a database row can have (a signed 64-bit integer).
MAX_ID = 2**63 - 1


_ISO_DATE_START = re.compile(r"\d{4}-\d{2}-\d{2}")


def _iso_text(value: Any) -> Any:
    # pydantic would read a number, even "0.5", as seconds since 1970; a client sending
    # one has made a mistake, so only ISO 8601 text (or a date object) is accepted.
    if isinstance(value, dt.date) or (isinstance(value, str) and _ISO_DATE_START.match(value)):
        return value
    raise ValueError("use ISO 8601 text, e.g. 2025-03-01 or 2025-03-01T10:00:00Z")


#: A date and time in a request: ISO 8601 text with a time zone.
Timestamp = Annotated[AwareDatetime, BeforeValidator(_iso_text)]
#: A calendar date in a request: ISO 8601 text.
Day = Annotated[dt.date, BeforeValidator(_iso_text)]


class PatronAPI(NinjaAPI):
    """A NinjaAPI whose OpenAPI document gives error responses their real media type."""

    def get_openapi_schema(
        self, *, path_prefix: str | None = None, path_params: dict[str, Any] | None = None
    ) -> Any:
        document = super().get_openapi_schema(path_prefix=path_prefix, path_params=path_params)
        for item in document.get("paths", {}).values():
            for operation in item.values():
                for status, response in operation.get("responses", {}).items():
                    content = response.get("content", {})
                    if int(status) >= 400 and "application/json" in content:
                        response["content"] = {PROBLEM_CONTENT_TYPE: content["application/json"]}
        return document


class FieldError(Schema):
    field: str | None
    message: str


class Problem(Schema):
    """An RFC 9457 problem document with Patron's ``errors`` extension."""

    type: str
    title: str
    status: int
    detail: str
    errors: list[FieldError] = []


#: Declare these on an operation (``response={200: Out, **ERRORS}``) so the OpenAPI
#: document shows the error format.
ERRORS: dict[int, type[Problem]] = {400: Problem, 401: Problem, 403: Problem, 404: Problem}


class Strict(Schema):
    """Base of every input schema: unknown fields and read-only fields are errors.

    Subclasses list the output-only names a client may echo back in ``read_only_fields``
    so the error says "read-only" rather than "unknown".
    """

    model_config = ConfigDict(extra="forbid")

    read_only_fields: ClassVar[frozenset[str]] = frozenset({"id", "created_at", "updated_at"})

    @model_validator(mode="before")
    @classmethod
    def _reject_read_only(cls, data: Any) -> Any:
        if isinstance(data, Mapping):
            given = sorted(name for name in data if name in cls.read_only_fields)
            if given:
                raise PydanticCustomError(
                    "read_only",
                    "{names} cannot be set: read-only",
                    {"names": ", ".join(given), "fields": given},
                )
        return data


class KeysetPage(Schema, Generic[T]):
    """One page of a list; pass ``next_cursor`` back as ``cursor`` for the next page."""

    items: list[T]
    next_cursor: str | None


def problem(
    status: int,
    title: str,
    detail: str = "",
    *,
    kind: str = "",
    errors: Iterable[tuple[str | None, str]] = (),
) -> HttpResponse:
    """A problem+json response."""
    body = {
        "type": PROBLEM_PREFIX + kind if kind else "about:blank",
        "title": title,
        "status": status,
        "detail": detail or title,
        "errors": [{"field": field, "message": message} for field, message in errors],
    }
    return HttpResponse(json.dumps(body), status=status, content_type=PROBLEM_CONTENT_TYPE)


_MESSAGES = {
    "extra_forbidden": "is not a field of this resource",
    "missing": "is required",
}

_SOURCES_WITH_PARAM_NAME = {"body", "form", "file"}


def _field_errors(errors: list[dict[str, Any]]) -> list[tuple[str | None, str]]:
    out: list[tuple[str | None, str]] = []
    for error in errors:
        loc = [str(part) for part in error.get("loc", ())]
        # ("body", "payload", "lines", "0", "quantity") -> "lines.0.quantity"
        if loc and loc[0] in _SOURCES_WITH_PARAM_NAME:
            loc = loc[2:]
        elif loc:
            loc = loc[1:]
        if error.get("type") == "read_only":
            for name in error.get("ctx", {}).get("fields", []):
                out.append((".".join([*loc, name]), "is read-only and cannot be set"))
            continue
        message = _MESSAGES.get(str(error.get("type")), str(error.get("msg", "is invalid")))
        message = message.removeprefix("Value error, ")
        out.append((".".join(loc) or None, message))
    return out


def _django_field_errors(exc: DjangoValidationError) -> list[tuple[str | None, str]]:
    if hasattr(exc, "error_dict"):
        return [
            (None if field == NON_FIELD_ERRORS else field, message)
            for field, messages in exc.message_dict.items()
            for message in messages
        ]
    return [(None, message) for message in exc.messages]


def install_error_handlers(api: NinjaAPI, *, forbidden: Iterable[type[Exception]] = ()) -> None:
    """Make every error of ``api`` a problem+json response.

    ``forbidden`` lists further exception classes meaning "not allowed" (403); the accounts
    app's ``PermissionDenied`` is passed by the API root, since core may not import it.
    """

    def invalid_input(request: HttpRequest, exc: Any) -> HttpResponse:
        errors = _field_errors(list(exc.errors))
        return problem(
            400,
            "Invalid request",
            "The request has invalid or unknown fields; nothing was changed.",
            kind="invalid",
            errors=errors,
        )

    def invalid_data(request: HttpRequest, exc: Any) -> HttpResponse:
        return problem(
            400,
            "Invalid request",
            "The data was rejected; nothing was changed.",
            kind="invalid",
            errors=_django_field_errors(exc),
        )

    def bad_cursor(request: HttpRequest, exc: Any) -> HttpResponse:
        return problem(
            400,
            "Invalid cursor",
            "The cursor was not issued by this server; start again without one.",
            kind="invalid-cursor",
            errors=[("cursor", str(exc))],
        )

    def denied(request: HttpRequest, exc: Any) -> HttpResponse:
        detail = str(exc) or "You may not do this."
        return problem(403, "Forbidden", detail, kind="forbidden")

    def not_found(request: HttpRequest, exc: Any) -> HttpResponse:
        return problem(404, "Not found", "No such record, or you may not see it.", kind="not-found")

    def unauthenticated(request: HttpRequest, exc: Any) -> HttpResponse:
        response = problem(
            401,
            "Unauthorized",
            "Send a valid API token (Authorization: Bearer ptn_...) or log in.",
            kind="unauthorized",
        )
        response["WWW-Authenticate"] = 'Bearer realm="patron"'
        return response

    def http_error(request: HttpRequest, exc: Any) -> HttpResponse:
        return problem(exc.status_code, str(exc), str(exc), kind=f"http-{exc.status_code}")

    def conflict(request: HttpRequest, exc: Any) -> HttpResponse:
        logger.info("integrity error in API request: %s", exc)
        return problem(
            409,
            "Conflict",
            "The change conflicts with existing data; nothing was changed.",
            kind="conflict",
        )

    def data_error(request: HttpRequest, exc: Any) -> HttpResponse:
        return problem(
            400,
            "Invalid request",
            "A value does not fit its field; nothing was changed.",
            kind="invalid",
        )

    def out_of_range(request: HttpRequest, exc: Any) -> HttpResponse:
        return problem(
            400,
            "Invalid request",
            "A number in the request is too large; nothing was changed.",
            kind="invalid",
        )

    def server_error(request: HttpRequest, exc: Any) -> HttpResponse:
        logger.exception("unhandled error in API request %s %s", request.method, request.path)
        return problem(
            500,
            "Internal server error",
            "Something went wrong on our side; nothing was changed.",
            kind="server-error",
        )

    api.add_exception_handler(Exception, server_error)
    api.add_exception_handler(NinjaValidationError, invalid_input)
    api.add_exception_handler(DjangoValidationError, invalid_data)
    api.add_exception_handler(InvalidCursor, bad_cursor)
    api.add_exception_handler(DjangoPermissionDenied, denied)
    for exc_class in forbidden:
        api.add_exception_handler(exc_class, denied)
    api.add_exception_handler(Http404, not_found)
    api.add_exception_handler(ObjectDoesNotExist, not_found)
    api.add_exception_handler(AuthenticationError, unauthenticated)
    api.add_exception_handler(HttpError, http_error)
    api.add_exception_handler(IntegrityError, conflict)
    api.add_exception_handler(DataError, data_error)
    api.add_exception_handler(OverflowError, out_of_range)


def found(obj: T | None) -> T:
    """``obj``, or a 404 when a selector found nothing the user may see."""
    if obj is None:
        raise Http404
    return obj


def actor(request: HttpRequest) -> Any:
    """The authenticated staff member making the request (set by the API's auth)."""
    return request.auth  # type: ignore[attr-defined]


def unchanged(**constraints: Any) -> Any:
    """A PATCH field that may be left out (nothing changes) but not set to ``null``.

    Annotate it with its non-nullable type (``name: str = unchanged(max_length=100)``):
    pydantic does not validate the default, so an absent field stays unset, while an
    explicit ``null`` fails validation.
    """
    return Field(None, **constraints)


def id_field(default: Any = ..., **constraints: Any) -> Any:
    """A record id in a body or query: a positive 64-bit integer, as the database stores."""
    return Field(default, ge=1, le=MAX_ID, **constraints)
