"""Customer list, search and customer 360 under concurrent load, next to a bare endpoint.

    python bench/bench_web.py                                  # SQLite, 1,000,000 customers
    python bench/bench_web.py --customers 100000 --seconds 5   # a quicker run
    python bench/bench_web.py --database-url postgres://postgres@127.0.0.1:5432/patron_bench

What it does, in one run:

1. ``patron migrate``, then loads N customers raw (``executemany`` on SQLite, ``COPY`` on
   PostgreSQL) and a realistic history for a few hundred of them (``--reuse`` keeps a
   database that already holds N customers).
2. Counts the SQL queries of one request to every endpoint in-process and fails if any of
   them counts a whole table.
3. Starts ``patron serve`` (gunicorn, gthread) with the bench settings, which add
   ``/bench/one/{id}``: a bare django-ninja endpoint returning one customer by primary key,
   behind the same middleware and the same session authentication as everything else.
4. Logs in once through the login form and drives each endpoint in turn with ``wrk``
   (keep-alive connections on 127.0.0.1, bounded in time), then prints requests/s, p50,
   p99 and the ratio to the bare endpoint's requests/s measured in the same run.

Targets (issue 2): every page and endpoint at least 70% of the bare endpoint's requests/s
and p99 at most 10 ms. The figures and commands are recorded in docs/benchmarks.md.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import platform
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from urllib.parse import quote, urlencode, urlsplit

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))

import _dataset as dataset
from _http import BenchError, Endpoint, Result, get, login, run_wrk, wait_until_serving

TARGET_RATIO = 0.70
TARGET_P99_MS = 10.0
_COUNT = re.compile(r"\bCOUNT\(", re.IGNORECASE)
_BOUNDED = re.compile(r'"(id|party_id|order_id)"\s*(=|IN\b)', re.IGNORECASE)


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--database-url",
        default="sqlite:///bench.sqlite3",
        help="PATRON_DATABASE_URL of the bench database (default: SQLite under --home)",
    )
    parser.add_argument(
        "--home",
        type=Path,
        default=Path(tempfile.gettempdir()) / "patron-bench-web",
        help="PATRON_HOME for the bench (holds the SQLite file); default under the temp dir",
    )
    parser.add_argument("--customers", type=int, default=1_000_000)
    parser.add_argument("--histories", type=int, default=300, help="customers with a history")
    parser.add_argument("--reuse", action="store_true", help="keep a database holding N already")
    parser.add_argument("--seed", type=int, default=20261123)
    parser.add_argument("--seconds", type=float, default=10.0, help="load time per endpoint")
    parser.add_argument(
        "--rounds",
        type=int,
        default=5,
        help="interleave the endpoints in this many rounds, so that a change in the "
        "machine's background load hits every endpoint alike",
    )
    parser.add_argument("--connections", type=int, default=4, help="concurrent connections")
    parser.add_argument("--workers", type=int, default=2, help="gunicorn worker processes")
    parser.add_argument("--threads", type=int, default=4, help="threads per worker")
    parser.add_argument("--only", default="", help="comma-separated endpoint names to run")
    parser.add_argument("--load-only", action="store_true", help="load the data, then stop")
    parser.add_argument(
        "--cpu-only",
        action="store_true",
        help="only count queries and CPU per request in-process; start no server",
    )
    parser.add_argument(
        "--profile",
        default="",
        metavar="ENDPOINT",
        help="profile ENDPOINT in-process with pyinstrument (pip install pyinstrument) instead",
    )
    args = parser.parse_args(argv)
    if args.customers < args.histories or args.customers < 1000:
        parser.error("--customers must be at least 1000 and at least --histories")
    if not 1 <= args.rounds <= 100:
        parser.error("--rounds must be between 1 and 100")
    if not 1 <= args.connections <= 256:
        parser.error("--connections must be between 1 and 256")
    return args


# --- the database -------------------------------------------------------------------------


def reset_database(url: str, home: Path) -> None:
    """Start from an empty database: delete the SQLite file, or drop and create the PG one."""
    parts = urlsplit(url)
    if parts.scheme == "sqlite":
        name = parts.path[1:]
        path = Path(name) if Path(name).is_absolute() else home / name
        for suffix in ("", "-wal", "-shm"):
            Path(f"{path}{suffix}").unlink(missing_ok=True)
        return
    import psycopg

    dbname = parts.path.lstrip("/")
    if not re.fullmatch(r"[a-z_][a-z0-9_]*", dbname):
        raise BenchError(f"refusing to drop a database named {dbname!r}")
    admin = url.replace(parts.path, "/postgres", 1).replace("postgres://", "postgresql://", 1)
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(f"DROP DATABASE IF EXISTS {dbname} WITH (FORCE)")
        conn.execute(f"CREATE DATABASE {dbname}")


def prepare(args: argparse.Namespace) -> None:
    env = dataset.server_env(home=args.home, database_url=args.database_url)
    args.home.mkdir(parents=True, exist_ok=True)
    if not args.reuse:
        reset_database(args.database_url, args.home)
    patron = shutil.which("patron", path=str(Path(sys.executable).parent)) or "patron"
    subprocess.run([patron, "migrate", "--quiet"], env=env, check=True)
    dataset.configure(home=args.home, database_url=args.database_url)
    have = dataset.party_count()
    if have and have != args.customers:
        raise BenchError(
            f"the database holds {have:,} customers, not {args.customers:,}: "
            "run without --reuse to reload it"
        )
    if have:
        print(f"Reusing the database: {have:,} customers.")
    else:
        print(f"Loading {args.customers:,} customers ...")
        rate = dataset.load_parties(count=args.customers, seed=args.seed)
        print(f"  raw load: {rate:,.0f} customers/s")
    if not dataset.history_party_ids():
        started = time.perf_counter()
        dataset.load_histories(customers=args.histories, seed=args.seed)
        print(f"  {args.histories} histories in {time.perf_counter() - started:.1f} s")


# --- what to request ------------------------------------------------------------------------


def _national(phone: str) -> str:
    """+447405393909 -> '07405 393909', the way a British caller reads it out."""
    rest = phone[3:]
    return f"0{rest[:4]} {rest[4:]}"


def search_terms(rng: np.random.Generator, count: int = 120) -> list[str]:
    """What staff type into the search box, drawn from the customers themselves.

    Drawing from random customers weights every name by how common it is, so "smi" comes
    up as often as Smiths do. The mix: 60% name prefixes of 2 to 5 letters (family name,
    given name, or "given fa"), 15% email addresses or their start, 15% phone numbers or
    their last digits, 10% postcode districts.
    """
    from patron.parties.models import Party

    high = Party.objects.order_by("-id").values_list("id", flat=True).first() or 0
    ids = [int(i) for i in rng.integers(1, high + 1, size=count * 3)]
    rows = list(
        Party.objects.filter(id__in=ids).values_list(
            "kind", "given_name", "family_name", "organisation_name", "email", "phone", "postcode"
        )
    )
    rng.shuffle(rows)
    terms: list[str] = []
    for kind, given, family, organisation, email, phone, postcode in rows:
        if len(terms) >= count:
            break
        roll = rng.random()
        k = int(rng.integers(2, 6))
        if roll < 0.60:
            if kind == "organisation":
                terms.append(organisation[:k].lower())
            else:
                style = int(rng.integers(0, 3))
                terms.append([family[:k], given[:k], f"{given} {family[:2]}"][style].lower())
        elif roll < 0.75 and email:
            local, _, domain = email.partition("@")
            terms.append(email if rng.random() < 0.5 else f"{local}@{domain[:2]}")
        elif roll < 0.90 and phone:
            terms.append(phone[-6:] if rng.random() < 0.5 else _national(phone))
        elif postcode:
            terms.append(postcode.split()[0].lower())
    return terms


def endpoints(rng: np.random.Generator) -> list[Endpoint]:
    from patron.core.pagination import encode_cursor
    from patron.parties.models import Party

    high = Party.objects.order_by("-id").values_list("id", flat=True).first() or 0
    some = [int(i) for i in rng.integers(1, high + 1, size=500)]
    histories = dataset.history_party_ids()
    cursors = [""] + [
        encode_cursor([party.sort_name, party.id])
        for party in Party.objects.filter(id__in=some[:30]).only("sort_name")
    ]
    terms = search_terms(rng)
    htmx = {"HX-Request": "true", "HX-Target": "results"}

    def with_cursor(base: str, cursor: str) -> str:
        return f"{base}?{urlencode({'cursor': cursor})}" if cursor else base

    return [
        Endpoint("bare one-row (ninja)", [f"/bench/one/{i}" for i in some], {}),
        Endpoint("list page", [with_cursor("/customers/", c) for c in cursors], {}),
        Endpoint("list API", [with_cursor("/api/v1/parties", c) for c in cursors], {}),
        Endpoint("search HTMX", [f"/customers/?q={quote(t)}" for t in terms], htmx),
        Endpoint("search API", [f"/api/v1/parties?q={quote(t)}" for t in terms], {}),
        Endpoint("360 page", [f"/customers/{i}/" for i in histories], {}),
        Endpoint("timeline API", [f"/api/v1/parties/{i}/timeline" for i in histories], {}),
        Endpoint(
            "timeline HTMX",
            [f"/customers/{i}/timeline/" for i in histories],
            {"HX-Request": "true"},
        ),
    ]


# --- query counts -----------------------------------------------------------------------------


def whole_table_counts(sqls: list[str]) -> list[str]:
    """The statements that count rows without pinning them to one record or parent."""
    return [sql for sql in sqls if _COUNT.search(sql) and not _BOUNDED.search(sql)]


def query_counts(targets: list[Endpoint]) -> dict[str, tuple[int, float]]:
    """Per endpoint: SQL queries per request (the most any sample path needs) and the CPU
    milliseconds one request takes in this process (with SQLite, the database's work too).

    The CPU time is the figure to compare when other jobs load the machine: it does not
    grow with their share of the cores the way requests per second shrink.
    """
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    client = Client()
    client.force_login(dataset.ensure_staff())
    counts: dict[str, tuple[int, float]] = {}
    offenders: list[str] = []
    for endpoint in targets:
        most = 0
        paths = endpoint.paths[:40]
        headers = {f"HTTP_{k.upper().replace('-', '_')}": v for k, v in endpoint.headers.items()}
        for path in paths:
            with CaptureQueriesContext(connection) as ctx:
                response = client.get(path, **headers)
            if response.status_code != 200:
                raise BenchError(f"{endpoint.name}: GET {path} answered {response.status_code}")
            sqls = [q["sql"] for q in ctx.captured_queries]
            offenders += [f"{endpoint.name}: {sql}" for sql in whole_table_counts(sqls)]
            most = max(most, len(sqls))
        started = time.process_time()
        for path in paths:
            client.get(path, **headers)
        counts[endpoint.name] = (most, (time.process_time() - started) / len(paths) * 1000)
    if offenders:
        raise BenchError("whole-table COUNT in a request:\n  " + "\n  ".join(offenders))
    return counts


def profile(endpoint: Endpoint, repeat: int = 1) -> int:
    """Run the endpoint's sample paths in-process under pyinstrument and print where time goes."""
    from django.test import Client
    from pyinstrument import Profiler

    client = Client()
    client.force_login(dataset.ensure_staff())
    headers = {f"HTTP_{k.upper().replace('-', '_')}": v for k, v in endpoint.headers.items()}
    for path in endpoint.paths[:5]:
        client.get(path, **headers)
    profiler = Profiler(interval=0.001)
    started = time.perf_counter()
    with profiler:
        for _ in range(repeat):
            for path in endpoint.paths:
                client.get(path, **headers)
    elapsed = time.perf_counter() - started
    calls = repeat * len(endpoint.paths)
    print(f"{endpoint.name}: {calls} requests, {elapsed / calls * 1000:.2f} ms each in-process")
    print(profiler.output_text(unicode=True, color=False, show_all=False))
    return 0


# --- the server ---------------------------------------------------------------------------------


def free_port() -> int:
    while True:
        with socket.socket() as sock:
            sock.bind(("127.0.0.1", 0))
            port = sock.getsockname()[1]
        if port != 8000:
            return port


def start_server(args: argparse.Namespace, port: int) -> subprocess.Popen[bytes]:
    patron = shutil.which("patron", path=str(Path(sys.executable).parent)) or "patron"
    command = [
        patron,
        "serve",
        "--host",
        "127.0.0.1",
        "--port",
        str(port),
        "--workers",
        str(args.workers),
        "--threads",
        str(args.threads),
    ]
    env = dataset.server_env(home=args.home, database_url=args.database_url)
    return subprocess.Popen(command, env=env, start_new_session=True)


def stop_server(server: subprocess.Popen[bytes]) -> None:
    if server.poll() is None:
        os.killpg(server.pid, signal.SIGTERM)
        try:
            server.wait(timeout=15)
        except subprocess.TimeoutExpired:
            os.killpg(server.pid, signal.SIGKILL)
            server.wait()


# --- the report -----------------------------------------------------------------------------------


def report(
    args: argparse.Namespace,
    results: dict[str, Result],
    queries: dict[str, tuple[int, float]],
    vendor: str,
) -> bool:
    bare = "bare one-row (ninja)"
    baseline = results[bare].rate if bare in results else 0.0
    bare_cpu = queries[bare][1]
    cpu = platform.processor() or platform.machine()
    print()
    print(
        f"{dt.datetime.now(dt.UTC):%Y-%m-%d %H:%M} UTC, {vendor}, {args.customers:,} customers, "
        f"{os.cpu_count()} cores ({cpu}), {args.workers} workers x {args.threads} threads, "
        f"{args.connections} connections, {args.seconds:g} s per endpoint in {args.rounds} rounds,"
        f" load average {args.load_before:.1f} before the load"
    )
    header = (
        f"{'endpoint':<22} {'req/s':>7} {'p50 ms':>7} {'p99 ms':>7} {'ratio':>6}"
        f" {'SQL':>4} {'CPU ms':>7} {'CPU ratio':>9}"
    )
    print(header)
    print("-" * len(header))
    ok = True
    for name, (sql_count, cpu_ms) in queries.items():
        result = results.get(name, Result())
        ratio = result.rate / baseline if baseline else 0.0
        meets = (ratio >= TARGET_RATIO or name == bare) and result.p99_ms <= TARGET_P99_MS
        ok &= meets and result.errors == 0
        flag = "" if meets else "  below target"
        if result.errors:
            flag += f"  {result.errors} errors"
        print(
            f"{name:<22} {result.rate:>7,.0f} {result.p50_ms:>7.2f} {result.p99_ms:>7.2f} "
            f"{ratio:>5.0%} {sql_count:>5} {cpu_ms:>7.2f} {bare_cpu / cpu_ms:>8.0%}{flag}"
        )
    print(
        f"targets: >= {TARGET_RATIO:.0%} of the bare endpoint's req/s, p99 <= {TARGET_P99_MS:g} ms;"
        " no whole-table COUNT (checked). CPU ms: one request in-process (with SQLite, its"
        " queries too); CPU ratio: the bare endpoint's CPU ms over the endpoint's."
    )
    return ok


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    try:
        prepare(args)
        if args.load_only:
            return 0
        from django.db import connection

        rng = np.random.default_rng(args.seed)
        targets = endpoints(rng)
        if args.only:
            wanted = {name.strip() for name in args.only.split(",")}
            targets = [e for e in targets if e.name in wanted or e.name.startswith("bare")]
        if args.profile:
            return profile(next(e for e in targets if e.name == args.profile))
        queries = query_counts(targets)
        connection.close()
        if args.cpu_only:
            args.load_before = os.getloadavg()[0]
            report(args, {}, queries, connection.vendor)
            return 0
        port = free_port()
        server = start_server(args, port)
        try:
            wait_until_serving(port)
            cookie = login(port, username=dataset.STAFF_USERNAME, password=dataset.STAFF_PASSWORD)
            for endpoint in targets:
                for path in endpoint.paths[:3]:
                    status, _, _ = get(port, path, cookie=cookie, headers=endpoint.headers)
                    if status != 200:
                        raise BenchError(f"{endpoint.name}: GET {path} answered {status}")
            args.load_before = os.getloadavg()[0]
            warm = Endpoint("warm-up", [p for e in targets for p in e.paths], {})
            run_wrk(port, warm, cookie=cookie, connections=args.connections, seconds=3)
            results = {endpoint.name: Result() for endpoint in targets}
            for round_no in range(1, args.rounds + 1):
                for endpoint in targets:
                    results[endpoint.name].add(
                        run_wrk(
                            port,
                            endpoint,
                            cookie=cookie,
                            connections=args.connections,
                            seconds=args.seconds / args.rounds,
                        )
                    )
                print(f"  round {round_no}/{args.rounds} done", flush=True)
        finally:
            stop_server(server)
        ok = report(args, results, queries, connection.vendor)
    except BenchError as exc:
        print(f"bench_web: {exc}", file=sys.stderr)
        return 2
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
