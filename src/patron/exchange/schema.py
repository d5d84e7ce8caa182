"""The canonical columns of each importable kind: the one definition import, export, the web
mapping step and docs/reference/import.md all follow."""

from __future__ import annotations

from dataclasses import dataclass

KINDS = ("parties", "products", "orders", "interactions")

# A header wider than this is refused before anything is parsed: no importable kind has more
# than a couple of dozen columns, and a 10,000-column header is a broken or hostile file.
MAX_COLUMNS = 200


@dataclass(frozen=True)
class KindSchema:
    kind: str
    columns: tuple[str, ...]
    required: frozenset[str]
    key: str  # the column an import upserts on

    def describe(self) -> str:
        return ", ".join(self.columns)


SCHEMAS: dict[str, KindSchema] = {
    "parties": KindSchema(
        kind="parties",
        columns=(
            "external_id",
            "kind",
            "given_name",
            "family_name",
            "organisation_name",
            "email",
            "phone",
            "street",
            "city",
            "postcode",
            "country",
            "date_of_birth",
            "acquisition_channel",
            "acquired_at",
            "employer_external_id",
            "tags",
        ),
        required=frozenset({"external_id", "kind"}),
        key="external_id",
    ),
    "products": KindSchema(
        kind="products",
        columns=("sku", "name", "category", "unit_price", "unit_cost", "currency"),
        required=frozenset({"sku", "name", "unit_price"}),
        key="sku",
    ),
    "orders": KindSchema(
        kind="orders",
        columns=(
            "order_external_id",
            "party_external_id",
            "ordered_at",
            "channel",
            "sku",
            "quantity",
            "unit_price",
        ),
        required=frozenset(
            {
                "order_external_id",
                "party_external_id",
                "ordered_at",
                "channel",
                "sku",
                "quantity",
                "unit_price",
            }
        ),
        key="order_external_id",
    ),
    "interactions": KindSchema(
        kind="interactions",
        columns=(
            "external_id",
            "party_external_id",
            "occurred_at",
            "kind",
            "direction",
            "channel",
            "department",
            "subject",
            "notes",
        ),
        required=frozenset({"external_id", "party_external_id", "occurred_at", "kind"}),
        key="external_id",
    ),
}

NAME_COLUMNS = ("given_name", "family_name", "organisation_name")
ADDRESS_COLUMNS = ("street", "city", "postcode", "country")
TAG_SEPARATORS = ";|"
