"""Customer pages: list and instant search, create, edit, and the 360 page's HTMX actions."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from patron.accounts.models import User
from patron.core.models import AuditEntry
from patron.parties.models import ContactPoint, Party, PartyRelationship, Preference
from patron.parties.services import party_create, party_set_tags
from patron.testing import OrganisationFactory, PartyFactory

pytestmark = pytest.mark.django_db

HTMX = {"HTTP_HX_REQUEST": "true"}


def _person(agent: User, given: str, family: str, **extra: object) -> Party:
    return party_create(actor=agent, given_name=given, family_name=family, **extra)  # type: ignore[arg-type]


# --- list and search -------------------------------------------------------------------


def test_customer_list_is_sorted_by_name_and_pages_with_load_more(
    client: Client, agent: User
) -> None:
    for i in range(55):
        _person(agent, "Person", f"Name{i:02d}")
    client.force_login(agent)

    first = client.get("/customers/").content.decode()
    assert "Person Name00" in first and "Person Name49" in first
    assert "Person Name50" not in first
    assert "Load more" in first
    more_url = first.split('hx-get="/customers/?')[1].split('"')[0].replace("&amp;", "&")

    more = client.get("/customers/?" + more_url, **HTMX).content.decode()
    assert "Person Name50" in more and "Person Name54" in more
    assert "Person Name49" not in more
    assert "<html" not in more


def test_instant_search_returns_only_the_results_partial(client: Client, agent: User) -> None:
    _person(agent, "Ada", "Lovelace", email="ada@example.com")
    _person(agent, "Grace", "Hopper")
    client.force_login(agent)

    body = client.get("/customers/", {"q": "lovel"}, **HTMX).content.decode()

    assert 'id="results"' in body
    assert "Ada Lovelace" in body and "Grace Hopper" not in body
    assert "<html" not in body


def test_search_finds_customers_by_email_and_by_first_name(client: Client, agent: User) -> None:
    _person(agent, "Ada", "Lovelace", email="countess@example.com")
    client.force_login(agent)
    assert "Ada Lovelace" in client.get("/customers/", {"q": "countess@"}).content.decode()
    assert "Ada Lovelace" in client.get("/customers/", {"q": "ada"}).content.decode()


def test_filters_narrow_the_list_by_kind_channel_country_and_tag(
    client: Client, agent: User
) -> None:
    uk = _person(agent, "Uma", "Kingdom", country="GB", city="York", acquisition_channel="store")
    _person(agent, "Fred", "France", country="FR", city="Lyon", acquisition_channel="web")
    party_set_tags(party=uk, names=["vip"], actor=agent)
    OrganisationFactory(organisation_name="Acme Ltd")
    client.force_login(agent)

    def names(**params: str) -> str:
        return client.get("/customers/", params, **HTMX).content.decode()

    assert "Acme Ltd" in names(kind="organisation") and "Uma" not in names(kind="organisation")
    assert "Uma Kingdom" in names(channel="store") and "Fred" not in names(channel="store")
    assert "Fred France" in names(country="fr") and "Uma" not in names(country="fr")
    assert "Uma Kingdom" in names(tag="vip") and "Fred" not in names(tag="vip")


def test_unknown_filter_values_are_ignored_not_an_error(client: Client, agent: User) -> None:
    _person(agent, "Ada", "Lovelace")
    client.force_login(agent)
    response = client.get("/customers/", {"kind": "robot", "channel": "x", "country": "123"})
    assert response.status_code == 200
    assert "Ada Lovelace" in response.content.decode()


def test_a_search_with_no_match_says_so(client: Client, agent: User) -> None:
    _person(agent, "Ada", "Lovelace")
    client.force_login(agent)
    body = client.get("/customers/", {"q": "zzz"}, **HTMX).content.decode()
    assert "No customers match" in body


def test_a_tampered_list_cursor_is_a_clear_400(client: Client, agent: User) -> None:
    client.force_login(agent)
    response = client.get("/customers/", {"cursor": "garbage!"})
    assert response.status_code == 400


def _queries(client: Client, path: str, params: dict[str, str]) -> int:
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(path, params, **HTMX)
    assert response.status_code == 200
    return len(ctx.captured_queries)


def test_list_and_search_query_counts_stay_flat_as_customers_grow(
    client: Client, agent: User
) -> None:
    client.force_login(agent)
    PartyFactory.create_batch(3, family_name="Smith")
    small_list = _queries(client, "/customers/", {})
    small_search = _queries(client, "/customers/", {"q": "smi"})
    PartyFactory.create_batch(120, family_name="Smith")
    assert _queries(client, "/customers/", {}) == small_list
    assert _queries(client, "/customers/", {"q": "smi"}) == small_search


def test_list_never_counts_the_table(client: Client, agent: User) -> None:
    PartyFactory.create_batch(5)
    client.force_login(agent)
    with CaptureQueriesContext(connection) as ctx:
        client.get("/customers/")
    assert not any("COUNT(" in q["sql"].upper() for q in ctx.captured_queries)


# --- create and edit -------------------------------------------------------------------


def test_creating_a_customer_normalises_contacts_and_opens_their_page(
    client: Client, agent: User
) -> None:
    client.force_login(agent)
    response = client.post(
        "/customers/new/",
        {
            "kind": "person",
            "given_name": "Ada",
            "family_name": "Lovelace",
            "email": " Ada@Example.COM ",
            "phone": "020 7946 0018",
            "city": "London",
            "postcode": "sw1y4jh",
            "country": "gb",
            "acquisition_channel": "web",
            "tags": "vip, newsletter",
        },
    )
    party = Party.objects.get(family_name="Lovelace")
    assert response.status_code == 302
    assert response["Location"] == f"/customers/{party.pk}/"
    assert party.email == "ada@example.com"
    assert party.phone == "+442079460018"
    assert sorted(t.name for t in party.tags.all()) == ["newsletter", "vip"]
    assert AuditEntry.objects.filter(action="create").exists()


def test_bad_customer_input_shows_errors_on_the_fields_and_writes_nothing(
    client: Client, agent: User
) -> None:
    client.force_login(agent)
    response = client.post(
        "/customers/new/",
        {"kind": "person", "given_name": "Ada", "email": "not-an-email", "phone": "12"},
    )
    body = response.content.decode()
    assert response.status_code == 200
    assert 'class="field has-error"' in body
    assert "email" in body.lower() and "phone" in body.lower()
    assert Party.objects.count() == 0
    assert ContactPoint.objects.count() == 0


def test_an_organisation_without_a_name_is_refused_clearly(client: Client, agent: User) -> None:
    client.force_login(agent)
    response = client.post("/customers/new/", {"kind": "organisation", "given_name": "Ada"})
    assert response.status_code == 200
    assert "has-error" in response.content.decode()
    assert Party.objects.count() == 0


def test_a_future_date_of_birth_is_refused(client: Client, agent: User) -> None:
    client.force_login(agent)
    response = client.post(
        "/customers/new/",
        {"kind": "person", "given_name": "Ada", "date_of_birth": "2999-01-01"},
    )
    assert "Is in the future" in response.content.decode()
    assert Party.objects.count() == 0


def test_editing_a_customer_changes_names_and_tags(client: Client, agent: User) -> None:
    party = _person(agent, "Ada", "Byron")
    client.force_login(agent)
    response = client.post(
        f"/customers/{party.pk}/edit/",
        {"kind": "person", "given_name": "Ada", "family_name": "Lovelace", "tags": "vip"},
    )
    assert response.status_code == 302
    party.refresh_from_db()
    assert party.display_name == "Ada Lovelace"
    assert [t.name for t in party.tags.all()] == ["vip"]


def test_an_edit_that_fails_validation_changes_nothing(client: Client, agent: User) -> None:
    party = _person(agent, "Ada", "Byron")
    PartyFactory(external_id="TAKEN")
    client.force_login(agent)
    response = client.post(
        f"/customers/{party.pk}/edit/",
        {
            "kind": "person",
            "given_name": "Ada",
            "family_name": "Lovelace",
            "external_id": "TAKEN",
            "tags": "vip",
        },
    )
    assert response.status_code == 200
    assert "already used" in response.content.decode()
    party.refresh_from_db()
    assert party.family_name == "Byron"
    assert not party.tags.exists()


# --- contact points, preferences, relationships ------------------------------------------


def test_adding_a_contact_point_rerenders_the_section(client: Client, agent: User) -> None:
    party = _person(agent, "Ada", "Lovelace", email="ada@example.com")
    client.force_login(agent)
    response = client.post(
        f"/customers/{party.pk}/contact-points/",
        {
            "kind": "phone",
            "label": "mobile",
            "value": "07911 123456",
            "marketing_consent": "unknown",
        },
        **HTMX,
    )
    body = response.content.decode()
    assert 'id="contact-points"' in body and "<html" not in body
    assert "+447911123456" in body
    party.refresh_from_db()
    assert party.phone == "+447911123456"


def test_a_bad_contact_point_shows_the_error_and_writes_nothing(
    client: Client, agent: User
) -> None:
    party = _person(agent, "Ada", "Lovelace")
    client.force_login(agent)
    response = client.post(
        f"/customers/{party.pk}/contact-points/",
        {"kind": "email", "label": "home", "value": "nope", "marketing_consent": "unknown"},
        **HTMX,
    )
    assert "has-error" in response.content.decode()
    assert not ContactPoint.objects.filter(party=party).exists()


def test_make_primary_and_remove_contact_points(client: Client, agent: User) -> None:
    party = _person(agent, "Ada", "Lovelace", email="first@example.com")
    client.force_login(agent)
    client.post(
        f"/customers/{party.pk}/contact-points/",
        {
            "kind": "email",
            "label": "work",
            "value": "second@example.com",
            "marketing_consent": "unknown",
        },
        **HTMX,
    )
    second = ContactPoint.objects.get(value="second@example.com")
    client.post(f"/customers/{party.pk}/contact-points/{second.pk}/primary/", **HTMX)
    party.refresh_from_db()
    assert party.email == "second@example.com"

    client.post(f"/customers/{party.pk}/contact-points/{second.pk}/remove/", **HTMX)
    party.refresh_from_db()
    assert party.email == "first@example.com"
    assert not ContactPoint.objects.filter(pk=second.pk).exists()


def test_a_contact_point_of_another_customer_is_not_found(client: Client, agent: User) -> None:
    ada = _person(agent, "Ada", "Lovelace", email="ada@example.com")
    other = _person(agent, "Grace", "Hopper")
    point = ContactPoint.objects.get(party=ada)
    client.force_login(agent)
    response = client.post(f"/customers/{other.pk}/contact-points/{point.pk}/remove/")
    assert response.status_code == 404
    assert ContactPoint.objects.filter(pk=point.pk).exists()


def test_recording_a_buying_motive(client: Client, agent: User) -> None:
    party = _person(agent, "Ada", "Lovelace")
    client.force_login(agent)
    body = client.post(
        f"/customers/{party.pk}/preferences/",
        {"kind": "motive", "motive": "quality", "detail": "Buys the best", "strength": "4"},
        **HTMX,
    ).content.decode()
    assert "Buys the best" in body
    assert Preference.objects.get(party=party).strength == 4


def test_a_motive_without_a_name_is_refused(client: Client, agent: User) -> None:
    party = _person(agent, "Ada", "Lovelace")
    client.force_login(agent)
    body = client.post(
        f"/customers/{party.pk}/preferences/", {"kind": "motive"}, **HTMX
    ).content.decode()
    assert "Name the buying motive" in body
    assert not Preference.objects.exists()


def test_linking_a_person_to_an_organisation(client: Client, agent: User) -> None:
    person = _person(agent, "Grace", "Hopper")
    org = OrganisationFactory(organisation_name="Acme Ltd")
    client.force_login(agent)
    body = client.post(
        f"/customers/{person.pk}/relationships/",
        {"other": str(org.pk), "role": "decision_maker", "title": "CTO"},
        **HTMX,
    ).content.decode()
    assert "Acme Ltd" in body
    link = PartyRelationship.objects.get()
    assert (link.person_id, link.organisation_id) == (person.pk, org.pk)


def test_linking_to_an_unknown_customer_says_so(client: Client, agent: User) -> None:
    person = _person(agent, "Grace", "Hopper")
    client.force_login(agent)
    body = client.post(
        f"/customers/{person.pk}/relationships/", {"other": "999999", "role": "employee"}, **HTMX
    ).content.decode()
    assert "no customer with this number" in body
    assert not PartyRelationship.objects.exists()


def test_without_htmx_an_action_goes_back_to_the_customer_page(client: Client, agent: User) -> None:
    party = _person(agent, "Ada", "Lovelace")
    client.force_login(agent)
    response = client.post(f"/customers/{party.pk}/preferences/", {"kind": "motive"})
    assert response.status_code == 302
    assert response["Location"] == f"/customers/{party.pk}/"


# --- permissions -----------------------------------------------------------------------


def test_read_only_users_can_search_but_see_no_new_button(client: Client, reader: User) -> None:
    PartyFactory(given_name="Ada", family_name="Lovelace")
    client.force_login(reader)
    body = client.get("/customers/").content.decode()
    assert "Ada Lovelace" in body
    assert "/customers/new/" not in body


@pytest.mark.parametrize(
    ("path", "data"),
    [
        ("/customers/new/", {"kind": "person", "given_name": "Eve"}),
        ("/customers/{pk}/edit/", {"kind": "person", "given_name": "Eve"}),
        ("/customers/{pk}/contact-points/", {"kind": "email", "value": "e@example.com"}),
        ("/customers/{pk}/preferences/", {"kind": "need", "detail": "x"}),
        ("/customers/{pk}/relationships/", {"other": "1", "role": "employee"}),
    ],
)
def test_read_only_users_get_403_on_every_write(
    client: Client, reader: User, path: str, data: dict[str, str]
) -> None:
    party = PartyFactory(given_name="Ada")
    client.force_login(reader)
    response = client.post(path.format(pk=party.pk), data)
    assert response.status_code == 403
    party.refresh_from_db()
    assert party.given_name == "Ada"
    assert Party.objects.count() == 1
    assert not ContactPoint.objects.exists() and not Preference.objects.exists()


def test_read_only_users_cannot_open_the_create_form(client: Client, reader: User) -> None:
    client.force_login(reader)
    assert client.get("/customers/new/").status_code == 403


@pytest.mark.parametrize("section", ["contact-points", "preferences", "relationships"])
def test_section_forms_load_on_demand_for_editors_only(
    client: Client, agent: User, reader: User, section: str
) -> None:
    party = PartyFactory()
    client.force_login(agent)
    response = client.get(f"/customers/{party.pk}/{section}/", **HTMX)
    assert response.status_code == 200
    assert "<form" in response.content.decode()

    client.force_login(reader)
    assert client.get(f"/customers/{party.pk}/{section}/", **HTMX).status_code == 403
