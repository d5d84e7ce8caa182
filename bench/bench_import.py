"""Import throughput against the raw load of the same rows, on SQLite and PostgreSQL.

    .venv/bin/python bench/bench_import.py --parties 200000 --order-lines 1000000 \
        --database-url postgres://postgres@127.0.0.1:5432/patron_bench_import

For each database, in one run: (a) the raw load of the generated CSV rows into a plain table
with the same columns (``executemany`` on SQLite, ``COPY`` on PostgreSQL), (b) ``patron
import`` of the same file through the service with full validation, into a freshly migrated
database. Prints rows/s for both, the ratio (target >= 0.5) and the peak memory.

Each database runs in its own process (Django is configured once per process).
"""

from __future__ import annotations

import argparse
import csv
import datetime as dt
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

from patron.exchange.schema import SCHEMAS

_NOW = dt.datetime(2026, 1, 1, tzinfo=dt.UTC)
GIVEN = ["Ann", "Ben", "Chloé", "Dev", "Eva", "Finn", "Grace", "Hugo", "Isla", "Jon", "Zoë"]
FAMILY = ["Smith", "Jones", "Patel", "O'Brien", "Müller", "Nguyen", "Okafor", "Brown", "Evans"]
CITIES = ["London", "Leeds", "Bristol", "York", "Bath", "Derby", "Hull"]
CHANNELS = ["store", "web", "direct_mail", "phone", "field"]
PARTY_COLUMNS = list(SCHEMAS["parties"].columns)
TAGS = ["vip", "newsletter", "b2b", "trade", "lapsed", ""]


def _phone(i: int, digits: int) -> str:
    """A valid UK mobile number (a few generated ranges are unallocated: step past them)."""
    import phonenumbers

    while True:
        number = f"+447{7 + i % 3}{digits:08d}"
        if phonenumbers.is_valid_number(phonenumbers.parse(number)):
            return number
        digits = (digits + 7_919_333) % 10**8


def generate(directory: Path, parties: int, lines: int, seed: int) -> dict[str, Path]:
    """Synthetic canonical CSV files: parties (10% organisations, first), products, orders."""
    rng = np.random.default_rng(seed)
    n_org = max(1, parties // 10)
    paths = {k: directory / f"{k}.csv" for k in ("parties", "products", "orders")}
    given = rng.integers(0, len(GIVEN), parties)
    family = rng.integers(0, len(FAMILY), parties)
    city = rng.integers(0, len(CITIES), parties)
    channel = rng.integers(0, len(CHANNELS), parties)
    tag = rng.integers(0, len(TAGS), parties)
    has_phone = rng.random(parties) < 0.5
    phone_digits = rng.integers(0, 10**8, parties)
    employer = rng.integers(0, n_org, parties)
    has_employer = rng.random(parties) < 0.1
    dob_days = rng.integers(0, 365 * 60, parties)
    acquired = rng.integers(0, 3 * 365 * 86400, parties)
    base_dob = np.datetime64("1940-01-01")
    base_acq = np.datetime64("2022-01-01T00:00:00")
    with paths["parties"].open("w", newline="", encoding="utf-8") as handle:
        out = csv.writer(handle)
        out.writerow(PARTY_COLUMNS)
        for i in range(parties):
            is_org = i < n_org
            g, f = GIVEN[given[i]], FAMILY[family[i]]
            out.writerow(
                [
                    f"P{i:08d}",
                    "organisation" if is_org else "person",
                    "" if is_org else g,
                    "" if is_org else f,
                    f"{f} Trading {i}" if is_org else "",
                    f"c{i}@example.com",
                    _phone(i, int(phone_digits[i])) if has_phone[i] else "",
                    f"{i % 200 + 1} High Street",
                    CITIES[city[i]],
                    f"LS{i % 30 + 1} {i % 9}AB",
                    "GB",
                    "" if is_org else str(base_dob + dob_days[i]),
                    CHANNELS[channel[i]],
                    f"{base_acq + acquired[i]}Z",
                    f"P{employer[i]:08d}" if has_employer[i] and not is_org else "",
                    TAGS[tag[i]],
                ]
            )
    n_products = 1000
    with paths["products"].open("w", newline="", encoding="utf-8") as handle:
        out = csv.writer(handle)
        out.writerow(["sku", "name", "category", "unit_price", "unit_cost", "currency"])
        prices = rng.integers(100, 20000, n_products)
        for i in range(n_products):
            price = int(prices[i])
            out.writerow(
                [
                    f"SKU{i:05d}",
                    f"Product {i}",
                    f"Category {i % 20}",
                    f"{price / 100:.2f}",
                    f"{price * 0.6 / 100:.2f}",
                    "GBP",
                ]
            )
    sizes = rng.integers(1, 6, lines)
    order_of_line = np.repeat(np.arange(lines), sizes)[:lines]
    order_party = rng.integers(0, parties, lines)
    order_time = rng.integers(0, 3 * 365 * 86400, lines)
    sku = rng.integers(0, n_products, lines)
    qty = rng.integers(1, 6, lines)
    price = rng.integers(100, 20000, lines)
    with paths["orders"].open("w", newline="", encoding="utf-8") as handle:
        out = csv.writer(handle)
        out.writerow(SCHEMAS["orders"].columns)
        for i in range(lines):
            o = int(order_of_line[i])
            out.writerow(
                [
                    f"O{o:09d}",
                    f"P{order_party[o]:08d}",
                    f"{base_acq + order_time[o]}Z",
                    CHANNELS[o % 5],
                    f"SKU{sku[i]:05d}",
                    int(qty[i]),
                    f"{price[i] / 100:.2f}",
                ]
            )
    return paths


def _peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def _raw_load(path: Path, vendor: str) -> float:
    """Seconds to load ``path`` as-is into a plain table with the same columns."""
    from django.db import connection, transaction

    with path.open(encoding="utf-8", newline="") as handle:
        header = next(csv.reader(handle))
    table = f"raw_{path.stem}"
    columns = ", ".join(f'"{h}" text' for h in header)
    names = ", ".join(f'"{h}"' for h in header)
    with connection.cursor() as cursor:
        cursor.execute(f"DROP TABLE IF EXISTS {table}")
        cursor.execute(f"CREATE TABLE {table} ({columns})")
    started = time.perf_counter()
    with transaction.atomic():
        if vendor == "postgresql":
            with (
                connection.cursor() as cursor,
                cursor.cursor.copy(
                    f"COPY {table} ({names}) FROM STDIN (FORMAT csv, HEADER true)"
                ) as copy,
                path.open("rb") as source,
            ):
                while chunk := source.read(1 << 20):
                    copy.write(chunk)
        else:
            connection.ensure_connection()
            marks = ", ".join("?" for _ in header)
            with path.open(encoding="utf-8", newline="") as source:
                rows = csv.reader(source)
                next(rows)
                connection.connection.executemany(
                    f"INSERT INTO {table} ({names}) VALUES ({marks})", rows
                )
    elapsed = time.perf_counter() - started
    return elapsed


def _indexed_floor(vendor: str) -> float:
    """Seconds to copy the raw parties into ``parties_party`` itself with one plain
    ``INSERT ... SELECT`` (no validation, no contact points), rolled back: what the real
    table's indexes and constraints alone cost, for comparison."""
    from django.db import connection, transaction

    name = "COALESCE(given_name, '') || ' ' || COALESCE(family_name, '')"
    display = f"CASE WHEN kind = 'organisation' THEN organisation_name ELSE {name} END"
    started = time.perf_counter()
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(
            "INSERT INTO parties_party (kind, external_id, given_name, family_name, "
            "organisation_name, display_name, sort_name, search_name, email, phone, city, "
            "postcode, country, date_of_birth, acquisition_channel, acquired_at, owner_id, "
            "is_active, merged_into_id, created_at, updated_at) SELECT kind, external_id, "
            "COALESCE(given_name, ''), COALESCE(family_name, ''), "
            f"COALESCE(organisation_name, ''), {display}, LOWER({display}), LOWER({display}), "
            "COALESCE(email, ''), COALESCE(phone, ''), COALESCE(city, ''), "
            "COALESCE(postcode, ''), COALESCE(country, ''), NULL, "
            "COALESCE(acquisition_channel, ''), NULL, NULL, TRUE, NULL, %s, %s FROM raw_parties",
            [connection.ops.adapt_datetimefield_value(_NOW)] * 2,
        )
        elapsed = time.perf_counter() - started
        transaction.set_rollback(True)
    return elapsed


def run_one(database_url: str, files: dict[str, Path], home: Path) -> dict[str, object]:
    """Migrate a fresh database, then time the raw loads and the imports."""
    os.environ["PATRON_DATABASE_URL"] = database_url
    os.environ["PATRON_HOME"] = str(home)
    os.environ["DJANGO_SETTINGS_MODULE"] = "patron.config.settings"
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection

    from patron.exchange.services import import_file

    call_command("migrate", verbosity=0)
    vendor = connection.vendor
    report: dict[str, object] = {"vendor": vendor}
    import_file(actor=None, kind="products", path=files["products"])
    for kind in ("parties", "orders"):
        rows = sum(1 for _ in files[kind].open("rb")) - 1
        raw = _raw_load(files[kind], vendor)
        floor = _indexed_floor(vendor) if kind == "parties" else None
        with connection.cursor() as cursor:
            cursor.execute(f"DROP TABLE raw_{kind}")
        started = time.perf_counter()
        result = import_file(actor=None, kind=kind, path=files[kind])
        imported = time.perf_counter() - started
        if not result.committed:
            raise SystemExit(f"{kind} import failed: {result.errors[:5]}")
        report[kind] = {
            "rows": rows,
            "raw_s": round(raw, 2),
            "raw_rows_s": round(rows / raw),
            "import_s": round(imported, 2),
            "import_rows_s": round(rows / imported),
            "ratio": round(raw / imported, 3),
            "created": result.created,
            "peak_mb": round(_peak_mb()),
            "indexed_floor_rows_s": round(rows / floor) if floor else None,
        }
    return report


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--parties", type=int, default=20_000)
    parser.add_argument("--order-lines", type=int, default=100_000)
    parser.add_argument("--database-url", default="", help="PostgreSQL URL (dropped and recreated)")
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--worker", nargs=3, metavar=("URL", "DIR", "HOME"), help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.worker:
        url, directory, home = args.worker
        files = {k: Path(directory) / f"{k}.csv" for k in ("parties", "products", "orders")}
        print(json.dumps(run_one(url, files, Path(home))))
        return
    with tempfile.TemporaryDirectory(prefix="patron-bench-import-") as tmp:
        work = Path(tmp)
        started = time.perf_counter()
        generate(work, args.parties, args.order_lines, args.seed)
        print(
            f"generated {args.parties:,} parties and {args.order_lines:,} order lines "
            f"in {time.perf_counter() - started:.1f}s"
        )
        targets = [f"sqlite:///{work / 'bench.sqlite3'}"]
        if args.database_url:
            _recreate_postgres(args.database_url)
            targets.append(args.database_url)
        for url in targets:
            out = subprocess.run(
                [sys.executable, __file__, "--worker", url, str(work), str(work / "home")],
                capture_output=True,
                text=True,
            )
            if out.returncode:
                raise SystemExit(f"{url}: the run failed\n{out.stderr[-3000:]}")
            report = json.loads(out.stdout.strip().splitlines()[-1])
            vendor = report.pop("vendor")
            for kind, figures in report.items():
                f = figures
                print(
                    f"{vendor:10} {kind:8} {f['rows']:>10,} rows  raw {f['raw_rows_s']:>9,} rows/s"
                    f"  import {f['import_rows_s']:>9,} rows/s  ratio {f['ratio']:.2f}"
                    f"  (raw {f['raw_s']}s, import {f['import_s']}s, peak {f['peak_mb']} MB)"
                )
                if f["indexed_floor_rows_s"]:
                    print(
                        f"{'':10} {'':8} {'':>10}       plain INSERT...SELECT into the indexed "
                        f"table: {f['indexed_floor_rows_s']:,} rows/s"
                    )


def _recreate_postgres(url: str) -> None:
    from urllib.parse import urlsplit, urlunsplit

    import psycopg

    parts = urlsplit(url)
    name = parts.path.lstrip("/")
    admin = urlunsplit(parts._replace(path="/postgres", scheme="postgresql"))
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}"')
        conn.execute(f'CREATE DATABASE "{name}"')


if __name__ == "__main__":
    main()
