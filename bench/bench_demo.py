"""How long `patron demo` takes on a fresh machine, next to `patron migrate` alone.

Each step runs the real `patron` command in a new process with a new, empty PATRON_HOME
(SQLite by default), as a user on a fresh machine would:

1. baseline: `patron migrate` on an empty database;
2. `patron demo --no-serve --customers N`: migrate, generate, load, set the login;
3. `patron demo --customers N --port P`: the same, then the time until the server answers
   an HTTP request (the target: serving within 60 s for 5,000 customers);
4. `patron generate --customers N --out DIR`: the same data as CSV files.

Usage: .venv/bin/python bench/bench_demo.py [--customers 5000] [--database-url URL]
(with --database-url, each step gets a new, empty PostgreSQL database: the URL's database
name is used as a prefix and must be creatable by its user).
"""

from __future__ import annotations

import argparse
import os
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from pathlib import Path

PATRON = [sys.executable, "-m", "patron.cli"]
TARGET_SECONDS = 60.0


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


class Fresh:
    """A fresh PATRON_HOME (and, for PostgreSQL, a fresh database) per step."""

    def __init__(self, database_url: str | None) -> None:
        self.database_url = database_url
        self.count = 0

    def env(self, home: Path) -> dict[str, str]:
        env = {**os.environ, "PATRON_HOME": str(home)}
        if self.database_url is None:
            env["PATRON_DATABASE_URL"] = "sqlite:///patron.sqlite3"
            return env
        self.count += 1
        base, _, name = self.database_url.rpartition("/")
        fresh = f"{name}_bench{self.count}"
        admin = f"{base}/postgres"
        for sql in (f"DROP DATABASE IF EXISTS {fresh}", f"CREATE DATABASE {fresh}"):
            subprocess.run(["psql", admin, "-q", "-c", sql], check=True, capture_output=True)
        env["PATRON_DATABASE_URL"] = f"{base}/{fresh}"
        return env


def _timed(args: list[str], env: dict[str, str]) -> float:
    started = time.perf_counter()
    result = subprocess.run([*PATRON, *args], env=env, capture_output=True, text=True)
    elapsed = time.perf_counter() - started
    if result.returncode != 0:
        sys.exit(f"`patron {' '.join(args)}` failed:\n{result.stdout}\n{result.stderr}")
    return elapsed


def _until_serving(customers: int, env: dict[str, str]) -> float:
    port = _free_port()
    started = time.perf_counter()
    server = subprocess.Popen(
        [*PATRON, "demo", "--customers", str(customers), "--port", str(port)],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )
    try:
        while server.poll() is None:
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/", timeout=5) as response:
                    response.read()
                return time.perf_counter() - started
            except (urllib.error.URLError, ConnectionError):
                time.sleep(0.05)
            if time.perf_counter() - started > 600:
                break
        sys.exit("the demo server did not answer")
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        server.wait(timeout=30)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--customers", type=int, default=5000)
    parser.add_argument("--database-url", default=None)
    args = parser.parse_args()
    fresh = Fresh(args.database_url)
    n = args.customers
    with tempfile.TemporaryDirectory(prefix="patron-bench-demo-") as tmp:
        root = Path(tmp)
        migrate = _timed(["migrate", "-q"], fresh.env(root / "migrate"))
        demo = _timed(
            ["demo", "--no-serve", "--customers", str(n), "--password", "bench-password"],
            fresh.env(root / "demo"),
        )
        serving = _until_serving(n, fresh.env(root / "serve"))
        generate = _timed(
            ["generate", "--customers", str(n), "--out", str(root / "csv")],
            fresh.env(root / "generate"),
        )
    database = "PostgreSQL" if args.database_url else "SQLite"
    print(f"patron demo benchmark: {n:,} customers, {database}, fresh PATRON_HOME each step")
    print(f"  baseline  patron migrate (empty DB)           {migrate:7.2f} s")
    print(
        f"  patron demo --no-serve                        {demo:7.2f} s"
        f"   {demo / migrate:5.1f}x the baseline"
    )
    print(
        f"  patron demo, until HTTP answers               {serving:7.2f} s"
        f"   {serving / migrate:5.1f}x the baseline"
    )
    print(f"  patron generate (CSV)                         {generate:7.2f} s")
    verdict = "met" if serving <= TARGET_SECONDS else "MISSED"
    print(f"  target: serving within {TARGET_SECONDS:.0f} s -> {verdict}")


if __name__ == "__main__":
    main()
