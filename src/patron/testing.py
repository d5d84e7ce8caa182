"""Factories shared by every app's tests (factory_boy), and staff fixtures' builders."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import factory
from django.utils import timezone

from patron.accounts.models import Department, Membership, Role, User
from patron.interactions.models import Interaction
from patron.parties.models import Party
from patron.sales.models import Category, Invoice, Order, OrderLine, Payment, Product


class DepartmentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Department
        django_get_or_create = ("code",)

    code = factory.Sequence(lambda n: f"dept{n}")
    name = factory.LazyAttribute(lambda o: o.code.title())


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    first_name = "Sam"
    last_name = factory.Sequence(lambda n: f"Staff{n}")
    is_staff = True
    password = factory.PostGenerationMethodCall("set_password", "correct horse battery")

    @factory.post_generation
    def save_after(obj, create, extracted, **kwargs):  # type: ignore[no-untyped-def]
        if create:
            obj.save()


def staff(role: str = Role.AGENT, department: Department | None = None, **kwargs: object) -> User:
    """A user with ``role`` in ``department`` (default: a 'sales' department)."""
    department = department or DepartmentFactory(code="sales", name="Sales")
    user = UserFactory(**kwargs)
    Membership.objects.create(user=user, department=department, role=role)
    return user


def _names(o: object) -> None:
    o.compute_names()  # type: ignore[attr-defined]


class PartyFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Party

    kind = Party.Kind.PERSON
    given_name = factory.Faker("first_name")
    family_name = factory.Faker("last_name")
    external_id = factory.Sequence(lambda n: f"P{n:07d}")
    acquisition_channel = "web"
    display_name = factory.LazyAttribute(lambda o: f"{o.given_name} {o.family_name}")
    sort_name = factory.LazyAttribute(lambda o: f"{o.family_name} {o.given_name}".lower())
    search_name = factory.LazyAttribute(lambda o: f"{o.given_name} {o.family_name}".lower())


class OrganisationFactory(PartyFactory):
    kind = Party.Kind.ORGANISATION
    given_name = ""
    family_name = ""
    organisation_name = factory.Faker("company")
    display_name = factory.LazyAttribute(lambda o: o.organisation_name)
    sort_name = factory.LazyAttribute(lambda o: o.organisation_name.lower())
    search_name = factory.LazyAttribute(lambda o: o.organisation_name.lower())


class CategoryFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Category
        django_get_or_create = ("name",)

    name = "Garden"


class ProductFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Product

    sku = factory.Sequence(lambda n: f"SKU-{n:05d}")
    name = factory.Sequence(lambda n: f"Product {n}")
    category = factory.SubFactory(CategoryFactory)
    unit_price = Decimal("20.00")
    unit_cost = Decimal("12.00")
    currency = "GBP"


class OrderFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Order

    external_id = factory.Sequence(lambda n: f"O{n:07d}")
    party = factory.SubFactory(PartyFactory)
    ordered_at = factory.LazyFunction(lambda: timezone.now() - dt.timedelta(days=3))
    channel = "web"
    currency = "GBP"
    total = Decimal("40.00")


class OrderLineFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = OrderLine

    order = factory.SubFactory(OrderFactory)
    party = factory.SelfAttribute("order.party")
    line_no = factory.Sequence(lambda n: n + 1)
    product = factory.SubFactory(ProductFactory)
    quantity = 2
    unit_price = Decimal("20.00")


class InvoiceFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Invoice

    number = factory.Sequence(lambda n: f"INV-{n:06d}")
    party = factory.SubFactory(PartyFactory)
    issued_at = factory.LazyFunction(lambda: timezone.now() - dt.timedelta(days=2))
    due_at = factory.LazyAttribute(lambda o: o.issued_at + dt.timedelta(days=30))
    currency = "GBP"
    total = Decimal("40.00")


class PaymentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Payment

    party = factory.SubFactory(PartyFactory)
    received_at = factory.LazyFunction(lambda: timezone.now() - dt.timedelta(days=1))
    amount = Decimal("40.00")
    currency = "GBP"


class InteractionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Interaction

    party = factory.SubFactory(PartyFactory)
    occurred_at = factory.LazyFunction(lambda: timezone.now() - dt.timedelta(hours=5))
    kind = "call"
    direction = "inbound"
    channel = "phone"
    subject = "Question about delivery"
