"""Duplicate detection at scale: how long a full scan takes, and whether it finds the plants.

Loads N customers (``_dataset.load_parties``, raw), copies their email, phone and address
into contact points as the services would, then plants duplicates the scan must find:

* ``N/100`` copies of existing customers with one typo in the family name, the same
  postcode and no email or phone (found only by name + postcode);
* ``N/200`` copies under a different name sharing the original's email (found by email).

It prints the scan time of ``find_candidates`` (the detection) and of ``duplicates_scan``
(detection plus storing the pairs), the pairs found, and the share of planted duplicates
found (recall). The baseline for the time is the database's own ``GROUP BY`` of the email
keys, the cheapest possible exact-key pass, measured in the same run.

    .venv/bin/python bench/bench_duplicates.py --customers 1000000 --database sqlite
    .venv/bin/python bench/bench_duplicates.py --customers 1000000 \\
        --database postgres://postgres@127.0.0.1:5432/patron_bench_dups
"""

from __future__ import annotations

import argparse
import tempfile
import time
from pathlib import Path

from _dataset import configure, load_parties, party_count


def _contact_points() -> None:
    from django.db import connection, transaction

    with transaction.atomic(), connection.cursor() as cur:
        cur.execute("SELECT COUNT(*) FROM parties_contactpoint")
        if cur.fetchone()[0]:
            return
        common = (
            "created_at, updated_at, party_id, kind, label, value, street, city, postcode, "
            "region, country, is_primary, marketing_consent"
        )
        for kind, value, extra in [
            ("email", "email", "email <> ''"),
            ("phone", "phone", "phone <> ''"),
            ("postal", "''", "postcode <> ''"),
        ]:
            city = "city" if kind == "postal" else "''"
            postcode = "postcode" if kind == "postal" else "''"
            country = "country" if kind == "postal" else "''"
            cur.execute(
                f"INSERT INTO parties_contactpoint ({common}) "
                f"SELECT created_at, updated_at, id, '{kind}', 'home', {value}, '', {city}, "
                f"{postcode}, '', {country}, %s, 'unknown' FROM parties_party WHERE {extra}",
                [True],
            )


def _typo(text: str) -> str:
    if len(text) < 4:
        return text + "e"
    i = len(text) // 2
    return text[: i - 1] + text[i] + text[i - 1] + text[i + 1 :]


def _plant(count: int) -> list[tuple[int, int]]:
    """Insert the planted duplicates; return (original id, copy id) pairs."""
    from django.db import transaction

    from patron.parties.models import ContactPoint, Party

    planted: list[tuple[int, int]] = []
    originals = list(
        Party.objects.filter(kind="person")
        .exclude(postcode="")
        .exclude(email="")
        .order_by("id")
        .values("id", "given_name", "family_name", "email", "postcode", "city", "country")[
            : count + count // 2
        ]
    )
    by_name, by_email = originals[:count], originals[count:]
    with transaction.atomic():
        copies = []
        for row in by_name:
            copy = Party(
                kind="person",
                given_name=row["given_name"],
                family_name=_typo(row["family_name"]),
                postcode=row["postcode"],
                city=row["city"],
                country=row["country"],
            )
            copy.compute_names()
            copies.append(copy)
        for n, row in enumerate(by_email):
            copy = Party(
                kind="person", given_name="Dup", family_name=f"Licate{n}", email=row["email"]
            )
            copy.compute_names()
            copies.append(copy)
        Party.objects.bulk_create(copies, batch_size=5000)
        points = []
        for row, copy in zip(by_name, copies, strict=False):
            planted.append((row["id"], copy.pk))
            points.append(
                ContactPoint(
                    party=copy,
                    kind="postal",
                    city=row["city"],
                    postcode=row["postcode"],
                    country=row["country"],
                    is_primary=True,
                )
            )
        for row, copy in zip(by_email, copies[len(by_name) :], strict=True):
            planted.append((row["id"], copy.pk))
            points.append(
                ContactPoint(party=copy, kind="email", value=row["email"], is_primary=True)
            )
        ContactPoint.objects.bulk_create(points, batch_size=5000)
    return planted


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--customers", type=int, default=100_000)
    parser.add_argument("--database", default="sqlite", help="'sqlite' or a postgres:// URL")
    parser.add_argument("--home", type=Path, default=None)
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args()
    home = args.home or Path(tempfile.mkdtemp(prefix="patron-bench-dups-"))
    url = f"sqlite:///{home / 'bench.sqlite3'}" if args.database == "sqlite" else args.database
    configure(home=home, database_url=url)

    from django.core.management import call_command
    from django.db import connection

    from patron.accounts.models import User
    from patron.parties.duplicates import find_candidates
    from patron.parties.services import duplicates_scan

    call_command("migrate", verbosity=0)
    existing = party_count()
    planted: list[tuple[int, int]] = []
    if existing < args.customers:
        load_parties(count=args.customers - existing, seed=args.seed, echo=lambda _m: None)
        _contact_points()
        planted = _plant(args.customers // 100)
        with connection.cursor() as cur:
            cur.execute("ANALYZE" if connection.vendor == "sqlite" else "VACUUM (ANALYZE)")
    print(f"database: {connection.vendor}, customers: {party_count():,}")

    started = time.perf_counter()
    with connection.cursor() as cur:
        cur.execute(
            "SELECT COUNT(*) FROM (SELECT email FROM parties_party WHERE email <> '' "
            "GROUP BY email HAVING COUNT(*) > 1) t"
        )
        shared = cur.fetchone()[0]
    baseline = time.perf_counter() - started
    print(f"baseline: GROUP BY email on the party table: {baseline:.2f} s ({shared:,} keys)")

    started = time.perf_counter()
    result = find_candidates()
    detect = time.perf_counter() - started
    print(
        f"find_candidates: {detect:.2f} s, {len(result.candidates):,} pairs, "
        f"{result.compared_names:,} customers in postcode blocks, "
        f"{result.skipped_blocks:,} over-shared keys skipped"
    )
    if planted:
        found = sum((min(p), max(p)) in result.candidates for p in planted)
        print(
            f"planted duplicates found: {found:,} / {len(planted):,} ({found / len(planted):.1%})"
        )

    admin = User.objects.filter(is_superuser=True).first() or User.objects.create(
        username="bench-admin", is_superuser=True, is_staff=True
    )
    started = time.perf_counter()
    stats = duplicates_scan(actor=admin)
    print(f"duplicates_scan (detect + store): {time.perf_counter() - started:.2f} s, {stats}")
    print(f"ratio detection / baseline GROUP BY: {detect / max(baseline, 1e-9):.1f}x")


if __name__ == "__main__":
    main()
