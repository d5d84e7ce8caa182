"""Write the generated business as the canonical import files (docs/reference/import.md).

No Django: ``patron generate`` runs without a database. Files are written under temporary
names and renamed only when all of them are complete, so a failure leaves nothing behind.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from pathlib import Path

import numpy as np
import polars as pl

from patron.demo.generator import (
    CURRENCY,
    SALES_CHANNELS,
    Chunk,
    catalogue,
    generate,
)
from patron.exchange.schema import SCHEMAS

# The canonical import columns, so `patron generate` writes exactly what `patron import` reads.
PARTY_COLUMNS = SCHEMAS["parties"].columns
PRODUCT_COLUMNS = SCHEMAS["products"].columns
ORDER_COLUMNS = SCHEMAS["orders"].columns
INTERACTION_COLUMNS = SCHEMAS["interactions"].columns
FILES = ("parties.csv", "products.csv", "orders.csv", "interactions.csv")


def _iso(seconds: np.ndarray) -> pl.Series:
    """Epoch seconds as ISO 8601 UTC text, ``2026-11-23T09:30:00Z``."""
    stamps = pl.from_epoch(pl.Series(seconds.astype(np.int64)), time_unit="s")
    return stamps.dt.strftime("%Y-%m-%dT%H:%M:%SZ")


def _money(pence: np.ndarray) -> pl.Series:
    """Pence as decimal text with two places, ``12.99``."""
    series = pl.Series(pence.astype(np.int64))
    return (series // 100).cast(pl.String) + "." + (series % 100).cast(pl.String).str.zfill(2)


def _frame(columns: tuple[str, ...], data: dict[str, object]) -> pl.DataFrame:
    return pl.DataFrame(
        {name: data[name] for name in columns}, schema=dict.fromkeys(columns, pl.String)
    )


def _parties(c: Chunk) -> pl.DataFrame:
    p = c.parties
    birth = np.datetime_as_string(p["date_of_birth"])
    employer = p["employer"]
    ext = p["external_id"]
    return _frame(
        PARTY_COLUMNS,
        {
            **{k: p[k].tolist() for k in PARTY_COLUMNS if k in p and k != "date_of_birth"},
            "date_of_birth": ["" if b == "NaT" else b for b in birth.tolist()],
            "acquired_at": _iso(p["acquired_at"]),
            "employer_external_id": np.where(employer >= 0, ext[np.maximum(employer, 0)], "")
            .astype(str)
            .tolist(),
            "tags": [str(t) for t in p["tags"].tolist()],
        },
    )


def _orders(c: Chunk, skus: np.ndarray) -> pl.DataFrame:
    o, li = c.orders, c.lines
    order = li["order"]
    return _frame(
        ORDER_COLUMNS,
        {
            "order_external_id": o["external_id"][order].tolist(),
            "party_external_id": c.parties["external_id"][li["party"]].tolist(),
            "ordered_at": _iso(o["ordered_at"][order]),
            "channel": np.array(SALES_CHANNELS)[o["channel"][order]].tolist(),
            "sku": skus[li["product"]].tolist(),
            "quantity": li["quantity"].astype(str).tolist(),
            "unit_price": _money(li["unit_price"]),
        },
    )


def _interactions(c: Chunk) -> pl.DataFrame:
    it = c.interactions
    return _frame(
        INTERACTION_COLUMNS,
        {
            "external_id": it["external_id"].tolist(),
            "party_external_id": c.parties["external_id"][it["party"]].tolist(),
            "occurred_at": _iso(it["occurred_at"]),
            **{k: it[k].tolist() for k in ("kind", "direction", "channel", "department")},
            "subject": it["subject"].tolist(),
            "notes": it["notes"].tolist(),
        },
    )


def write_files(
    *,
    out: Path,
    customers: int,
    seed: int,
    as_of: dt.date,
    progress: Callable[[int, int], None] | None = None,
) -> dict[str, int]:
    """Write the four canonical CSV files into ``out``; rows written per file."""
    out.mkdir(parents=True, exist_ok=True)
    temporary = {name: out / f".{name}.partial" for name in FILES}
    counts = dict.fromkeys(FILES, 0)
    handles = {name: path.open("wb") for name, path in temporary.items()}
    try:
        cat = catalogue(seed)
        products = _frame(
            PRODUCT_COLUMNS,
            {
                "sku": cat.sku.tolist(),
                "name": cat.name.tolist(),
                "category": [cat.category_names[i] for i in cat.category.tolist()],
                "unit_price": _money(cat.price),
                "unit_cost": _money(cat.cost),
                "currency": [CURRENCY] * cat.size,
            },
        )
        products.write_csv(handles["products.csv"])
        counts["products.csv"] = products.height
        done = 0
        for chunk in generate(customers=customers, seed=seed, as_of=as_of):
            header = chunk.index == 0
            for name, frame in (
                ("parties.csv", _parties(chunk)),
                ("orders.csv", _orders(chunk, cat.sku)),
                ("interactions.csv", _interactions(chunk)),
            ):
                frame.write_csv(handles[name], include_header=header)
                counts[name] += frame.height
            done += chunk.accounts
            if progress is not None:
                progress(done, customers)
        for handle in handles.values():
            handle.close()
        for name, path in temporary.items():
            path.replace(out / name)
    except BaseException:
        for handle in handles.values():
            handle.close()
        for path in temporary.values():
            path.unlink(missing_ok=True)
        raise
    return counts
