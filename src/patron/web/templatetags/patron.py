"""Template filters for staff pages: ``{% load patron %}``."""

from __future__ import annotations

import phonenumbers
from django import template
from django.utils.html import conditional_escape
from django.utils.safestring import mark_safe

register = template.Library()


@register.filter
def phone(value: str) -> str:
    """An E.164 number as people write it (``+44 20 7946 0018``); other text unchanged."""
    if not value:
        return ""
    try:
        number = phonenumbers.parse(value, None)
    except phonenumbers.NumberParseException:
        return value
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.INTERNATIONAL)


@register.filter
def soft_breaks(value: str) -> str:
    """Let a long email or web address wrap after ``@`` and before dots, not mid-word."""
    text = conditional_escape(value)
    return mark_safe(text.replace("@", "@<wbr>").replace(".", "<wbr>."))
