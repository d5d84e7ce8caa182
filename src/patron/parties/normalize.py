"""Normalising contact data and names so that equal things compare equal."""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

import phonenumbers
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import validate_email

_SPACES = re.compile(r"\s+")


def fold(text: str) -> str:
    """Lower-case, accent-free, single-spaced text for search and matching."""
    decomposed = unicodedata.normalize("NFKD", text)
    stripped = "".join(c for c in decomposed if not unicodedata.combining(c))
    return _SPACES.sub(" ", stripped.casefold()).strip()


def normalize_email(raw: str) -> str:
    """The address trimmed and lower-cased; ValueError with the reason if it is not one."""
    value = (raw or "").strip().lower()
    if not value:
        raise ValueError("email is empty")
    if len(value) > 254:
        raise ValueError("email is longer than 254 characters")
    try:
        validate_email(value)
    except ValidationError:
        raise ValueError(f"{raw!r} is not a valid email address") from None
    return value


@lru_cache(maxsize=65536)
def normalize_phone(raw: str, region: str | None = None) -> str:
    """The number in E.164 (``+441632960001``); ValueError with the reason if invalid.

    Numbers without a country code are read in ``region`` (default
    ``PATRON_DEFAULT_PHONE_REGION``).
    """
    value = (raw or "").strip()
    if not value:
        raise ValueError("phone is empty")
    region = (region or settings.DEFAULT_PHONE_REGION).upper()
    try:
        number = phonenumbers.parse(value, region)
    except phonenumbers.NumberParseException:
        raise ValueError(f"{raw!r} is not a phone number") from None
    if not phonenumbers.is_valid_number(number):
        raise ValueError(f"{raw!r} is not a valid phone number for region {region}")
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


def normalize_postcode(raw: str) -> str:
    return _SPACES.sub(" ", (raw or "").strip().upper())
