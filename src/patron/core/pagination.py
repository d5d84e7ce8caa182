"""Keyset pagination: opaque cursors over an ordered, indexed key. Never counts a table."""

from __future__ import annotations

import base64
import datetime as dt
import json
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

from django.db.models import Q

T = TypeVar("T")


class InvalidCursor(ValueError):
    """The cursor was not made by this server or has been tampered with."""


def encode_cursor(values: list[Any]) -> str:
    def enc(v: Any) -> Any:
        if isinstance(v, dt.datetime):
            return {"t": v.isoformat()}
        return v

    raw = json.dumps([enc(v) for v in values], separators=(",", ":")).encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def decode_cursor(cursor: str, types: list[type]) -> list[Any]:
    """Decode a cursor into values of the given types, or raise InvalidCursor."""
    try:
        padded = cursor + "=" * (-len(cursor) % 4)
        values = json.loads(base64.urlsafe_b64decode(padded.encode()))
        if not isinstance(values, list) or len(values) != len(types):
            raise InvalidCursor("malformed cursor")
        out: list[Any] = []
        for value, kind in zip(values, types, strict=True):
            if kind is dt.datetime:
                if not isinstance(value, dict) or "t" not in value:
                    raise InvalidCursor("malformed cursor")
                parsed = dt.datetime.fromisoformat(value["t"])
                if parsed.tzinfo is None:
                    raise InvalidCursor("malformed cursor")
                out.append(parsed)
            elif kind is int:
                if not isinstance(value, int) or isinstance(value, bool):
                    raise InvalidCursor("malformed cursor")
                out.append(value)
            elif kind is str:
                if not isinstance(value, str):
                    raise InvalidCursor("malformed cursor")
                out.append(value)
            else:  # pragma: no cover - programming error
                raise TypeError(kind)
        return out
    except InvalidCursor:
        raise
    except (ValueError, TypeError, json.JSONDecodeError, UnicodeDecodeError):
        raise InvalidCursor("malformed cursor") from None


@dataclass
class Page(Generic[T]):
    items: list[T]
    next_cursor: str | None


def keyset_after(
    field: str, value: Any, ident: int, *, descending: bool, id_descending: bool | None = None
) -> Q:
    """Rows after ``(value, ident)`` in ``ORDER BY field [DESC], id [DESC]``, as a Q object.

    The redundant leading bound (``field >= value``) lets SQLite and PostgreSQL start the
    index walk at the cursor; the bare ``field > v OR (field = v AND id > i)`` made both walk
    the index from its start, which costs seconds on late pages of a million rows.
    """
    id_desc = descending if id_descending is None else id_descending
    bound, strict = ("lte", "lt") if descending else ("gte", "gt")
    id_op = "lt" if id_desc else "gt"
    return Q(**{f"{field}__{bound}": value}) & (
        Q(**{f"{field}__{strict}": value}) | Q(**{f"id__{id_op}": ident})
    )
