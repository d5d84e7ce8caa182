"""Patron's URLs plus ``/bench/one/{id}``: the bare one-row django-ninja baseline.

The baseline goes through the same middleware and the same authentication (the API's
bearer-token-then-session chain) as ``/api/v1/``, and reads one customer by primary key:
the least work a database-backed, logged-in JSON endpoint can do. Every page and endpoint
of the benchmark is reported as a fraction of its requests per second.
"""

from __future__ import annotations

from django.http import HttpRequest
from django.shortcuts import get_object_or_404
from django.urls import path
from ninja import NinjaAPI, Schema

from patron.accounts.api_auth import default_auth
from patron.config.urls import urlpatterns as patron_urlpatterns
from patron.parties.models import Party

bench_api = NinjaAPI(
    title="Patron bench",
    urls_namespace="bench",
    auth=default_auth(),
    docs_url=None,
    openapi_url=None,
)


class OneParty(Schema):
    id: int
    kind: str
    display_name: str
    email: str
    phone: str
    city: str


@bench_api.get("/one/{party_id}", response=OneParty)
def one(request: HttpRequest, party_id: int) -> Party:
    return get_object_or_404(
        Party.objects.only("id", "kind", "display_name", "email", "phone", "city"), pk=party_id
    )


urlpatterns = [path("bench/", bench_api.urls), *patron_urlpatterns]
