"""Inline SVG icons for staff pages: ``{% icon "phone" %}`` and ``{% event_icon kind %}``."""

from __future__ import annotations

from django.utils.safestring import SafeString, mark_safe

_SVG = (
    '<svg class="icon" width="16" height="16" viewBox="0 0 20 20" fill="none" '
    'stroke="currentColor" stroke-width="1.6" stroke-linecap="round" stroke-linejoin="round" '
    'aria-hidden="true">{}</svg>'
)

#: the drawing of each icon (20 x 20 grid, stroked)
SHAPES: dict[str, str] = {
    "home": ('<path d="M3 9.5 10 4l7 5.5V16a1 1 0 0 1-1 1h-3.5v-4.5h-5V17H4a1 1 0 0 1-1-1z"/>'),
    "users": (
        '<circle cx="8" cy="7" r="3"/><path d="M2.5 16.5c.6-2.8 2.8-4.5 5.5-4.5s4.9 1.7'
        ' 5.5 4.5"/><path d="M13 4.3a3 3 0 0 1 0 5.4M15 12.3c1.3.7 2.2 2.2 2.5 4.2"/>'
    ),
    "upload": ('<path d="M10 13V3.5M6 7l4-4 4 4M3.5 13v2.5a1 1 0 0 0 1 1h11a1 1 0 0 0 1-1V13"/>'),
    "merge": (
        '<circle cx="6" cy="5" r="2"/><circle cx="6" cy="15" r="2"/><circle cx="14"'
        ' cy="10" r="2"/><path d="M6 7v6M7.6 6.2 12.4 9"/>'
    ),
    "settings": (
        '<circle cx="10" cy="10" r="2.5"/><path d="M10 2.5v2M10 15.5v2M2.5 10h2M15.5'
        ' 10h2M4.7 4.7l1.4 1.4M13.9 13.9l1.4 1.4M4.7 15.3l1.4-1.4M13.9 6.1l1.4-1.4"/>'
    ),
    "phone": (
        '<path d="M5 3h3l1.5 4-2 1.2a9 9 0 0 0 4.3 4.3L13 10.5l4 1.5v3a2 2 0 0 1-2 2A13'
        ' 13 0 0 1 3 5a2 2 0 0 1 2-2z"/>'
    ),
    "mail": (
        '<rect x="3" y="4.5" width="14" height="11" rx="1.5"/><path d="m3.5 5.5 6.5 5 6.5-5"/>'
    ),
    "pin": (
        '<path d="M10 17s5.5-4.8 5.5-9a5.5 5.5 0 0 0-11 0c0 4.2 5.5 9 5.5 9z"/><circle'
        ' cx="10" cy="8" r="2"/>'
    ),
    "lock": (
        '<rect x="4.5" y="9" width="11" height="8" rx="1.5"/><path d="M7 9V6.5a3 3 0 0 1 6 0V9"/>'
    ),
    "plus": '<path d="M10 4v12M4 10h12"/>',
    "bag": (
        '<path d="M4.5 7h11l-.8 9.2a1 1 0 0 1-1 .8H6.3a1 1 0 0 1-1-.8z"/><path d="M7.5'
        ' 7V6a2.5 2.5 0 0 1 5 0v1"/>'
    ),
    "doc": (
        '<path d="M5.5 3h6l3 3v10a1 1 0 0 1-1 1h-8a1 1 0 0 1-1-1V4a1 1 0 0 1'
        ' 1-1z"/><path d="M11.5 3v3h3M7.5 10h5M7.5 13h5"/>'
    ),
    "coin": (
        '<circle cx="10" cy="10" r="6.5"/><path d="M12 7.8c-.4-.6-1.1-.9-2-.9-1.2 0-2'
        " .6-2 1.5 0 2 4 1 4 3.1 0 .9-.9 1.6-2 1.6-.9 0-1.7-.4-2.1-1M10 5.5v1.4M10"
        ' 13.2v1.3"/>'
    ),
    "return": '<path d="M7 5 3.5 8.5 7 12"/><path d="M3.5 8.5H12a4.5 4.5 0 0 1 0 9h-2"/>',
    "chat": (
        '<path d="M4 4.5h12a1 1 0 0 1 1 1v7a1 1 0 0 1-1 1H9l-3.5 3v-3H4a1 1 0 0'
        ' 1-1-1v-7a1 1 0 0 1 1-1z"/>'
    ),
    "dot": '<circle cx="10" cy="10" r="3"/>',
}

#: which icon each timeline event kind shows
EVENT_ICONS: dict[str, str] = {
    "call": "phone",
    "email": "mail",
    "letter": "mail",
    "field_visit": "pin",
    "in_store": "pin",
    "meeting": "users",
    "chat": "chat",
    "order": "bag",
    "delivery_notice": "bag",
    "invoice": "doc",
    "statement": "doc",
    "payment_reminder": "doc",
    "renewal_notice": "doc",
    "payment": "coin",
    "return": "return",
}


def svg(name: str) -> SafeString:
    """The icon called ``name`` (a dot for an unknown name)."""
    return mark_safe(_SVG.format(SHAPES.get(name, SHAPES["dot"])))


def event_svg(kind: str) -> SafeString:
    """The icon of a timeline event kind (a speech bubble for kinds without their own)."""
    return svg(EVENT_ICONS.get(kind, "chat"))
