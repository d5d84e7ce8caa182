"""The "Possible duplicates" box on the customer page (discovered by ``web.panels``).

Shown only while the customer is in an open pair, so staff notice a likely duplicate
where they work instead of only on the review page.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.urls import NoReverseMatch, reverse

from patron.accounts.permissions import can_merge_customers
from patron.parties.duplicates import duplicate_candidates

SHOWN = 5


def _compare_url(survivor_id: int, merged_id: int) -> str:
    """The compare page, wherever the duplicates URLs are mounted."""
    for name in ("duplicates:compare", "web:duplicates:compare"):
        try:
            return reverse(name, args=[survivor_id, merged_id])
        except NoReverseMatch:
            continue
    return f"/duplicates/{survivor_id}/{merged_id}/"


def duplicates_context(*, party: Any, user: Any) -> Mapping[str, Any] | None:
    """Up to five open pairs of this customer (one indexed query), or None to hide the box."""
    pairs = duplicate_candidates(user=user, limit=SHOWN, party_id=party.pk).items
    if not pairs:
        return None
    others = []
    for pair in pairs:
        other = pair.party_b if pair.party_a_id == party.pk else pair.party_a
        others.append(
            {
                "party": other,
                "score": pair.score,
                "reasons": pair.reason_labels(),
                "compare_url": _compare_url(party.pk, other.pk),
            }
        )
    return {"others": others, "can_merge": can_merge_customers(user)}


PANELS = [
    {
        "key": "parties.duplicates",
        "title": "Possible duplicates",
        "template": "parties/duplicates/panel.html",
        "context": duplicates_context,
        "order": 5,
        "column": "side",
    }
]
