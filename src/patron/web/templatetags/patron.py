"""Template filters for staff pages: ``{% load patron %}``."""

from __future__ import annotations

from functools import lru_cache

import phonenumbers
from django import template
from django.utils.html import conditional_escape
from django.utils.safestring import SafeString, mark_safe

from patron.web.icons import event_svg, svg

register = template.Library()


@lru_cache(maxsize=8192)
def _international(value: str) -> str:
    digits = value[1:]
    for length in (1, 2, 3):
        code = int(digits[:length])
        rest = digits[length:]
        if code in phonenumbers.COUNTRY_CODE_TO_REGION_CODE and rest and rest[0] != "0":
            # Built directly: parsing is the slow part of phonenumbers, and the value is
            # already E.164, as the parties services store it.
            number = phonenumbers.PhoneNumber(country_code=code, national_number=int(rest))
            return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.INTERNATIONAL)
    try:
        parsed = phonenumbers.parse(value, None)
    except phonenumbers.NumberParseException:
        return value
    return phonenumbers.format_number(parsed, phonenumbers.PhoneNumberFormat.INTERNATIONAL)


@register.filter
def phone(value: str) -> str:
    """An E.164 number as people write it (``+44 20 7946 0018``); other text unchanged."""
    if not value or not value.startswith("+") or not value[1:].isdigit() or len(value) < 5:
        return value or ""
    return _international(value)


@register.filter
def soft_breaks(value: str) -> str:
    """Let a long email or web address wrap after ``@`` and before dots, not mid-word."""
    text = conditional_escape(value)
    return mark_safe(text.replace("@", "@<wbr>").replace(".", "<wbr>."))


@register.simple_tag
def icon(name: str) -> SafeString:
    """``{% icon "phone" %}``: an inline SVG icon (see patron.web.icons)."""
    return svg(name)


@register.simple_tag
def event_icon(kind: str) -> SafeString:
    """``{% event_icon event.kind %}``: the icon of a timeline event kind."""
    return event_svg(kind)
