"""Talking to the bench server: a logged-in session, smoke checks, and wrk runs.

The load comes from ``wrk`` (Debian package ``wrk``): a C load generator with keep-alive
connections whose own CPU use is small next to the server's, which matters on a two-core
machine where the load generator and the server share the cores. Every run is bounded in
time (``-d``) and talks to 127.0.0.1 only.
"""

from __future__ import annotations

import http.client
import json
import re
import shutil
import subprocess
import tempfile
import time
from dataclasses import dataclass, field
from http.cookies import SimpleCookie
from pathlib import Path
from urllib.parse import urlencode

HOST = "127.0.0.1"


class BenchError(RuntimeError):
    """The bench could not run as asked; the message says why."""


def wait_until_serving(port: int, *, timeout: float = 60.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            status, _, _ = get(port, "/login/")
            if status == 200:
                return
        except OSError:
            pass
        time.sleep(0.25)
    raise BenchError(f"the server on port {port} did not answer within {timeout:.0f} s")


def get(
    port: int, path: str, *, cookie: str = "", headers: dict[str, str] | None = None
) -> tuple[int, dict[str, str], bytes]:
    conn = http.client.HTTPConnection(HOST, port, timeout=30)
    try:
        sent = dict(headers or {})
        if cookie:
            sent["Cookie"] = cookie
        conn.request("GET", path, headers=sent)
        response = conn.getresponse()
        return response.status, dict(response.getheaders()), response.read()
    finally:
        conn.close()


def _cookies(headers: list[tuple[str, str]]) -> dict[str, str]:
    jar: dict[str, str] = {}
    for name, value in headers:
        if name.lower() == "set-cookie":
            parsed: SimpleCookie = SimpleCookie()
            parsed.load(value)
            jar.update({key: morsel.value for key, morsel in parsed.items()})
    return jar


def login(port: int, *, username: str, password: str) -> str:
    """Log in through the login form once; return the Cookie header of the session."""
    conn = http.client.HTTPConnection(HOST, port, timeout=30)
    try:
        conn.request("GET", "/login/")
        response = conn.getresponse()
        page = response.read().decode()
        jar = _cookies(response.getheaders())
        match = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page)
        if not match or "csrftoken" not in jar:
            raise BenchError("the login page has no CSRF token")
        body = urlencode(
            {"csrfmiddlewaretoken": match.group(1), "username": username, "password": password}
        )
        conn.request(
            "POST",
            "/login/",
            body=body,
            headers={
                "Content-Type": "application/x-www-form-urlencoded",
                "Cookie": f"csrftoken={jar['csrftoken']}",
            },
        )
        response = conn.getresponse()
        response.read()
        jar.update(_cookies(response.getheaders()))
    finally:
        conn.close()
    if response.status != 302 or "sessionid" not in jar:
        raise BenchError(f"logging in as {username!r} failed (HTTP {response.status})")
    return "; ".join(f"{key}={value}" for key, value in sorted(jar.items()))


@dataclass(frozen=True)
class Endpoint:
    """One row of the report: a name, the paths it cycles through, extra headers."""

    name: str
    paths: list[str]
    headers: dict[str, str]


@dataclass
class Result:
    """Requests, time and the latency histogram (microseconds -> count) of one or more runs."""

    requests: int = 0
    seconds: float = 0.0
    errors: int = 0
    histogram: dict[int, int] = field(default_factory=dict)

    @property
    def rate(self) -> float:
        return self.requests / self.seconds if self.seconds else 0.0

    def percentile_ms(self, percent: float) -> float:
        total = sum(self.histogram.values())
        if not total:
            return 0.0
        wanted, seen = total * percent / 100, 0
        for micros in sorted(self.histogram):
            seen += self.histogram[micros]
            if seen >= wanted:
                return micros / 1000
        return max(self.histogram) / 1000

    @property
    def p50_ms(self) -> float:
        return self.percentile_ms(50)

    @property
    def p99_ms(self) -> float:
        return self.percentile_ms(99)

    def add(self, other: Result) -> None:
        self.requests += other.requests
        self.seconds += other.seconds
        self.errors += other.errors
        for micros, count in other.histogram.items():
            self.histogram[micros] = self.histogram.get(micros, 0) + count


_SCRIPT = """
local paths = {%(paths)s}
local count = #paths
local position = 0
%(headers)s
request = function()
  position = position %% count + 1
  return wrk.format("GET", paths[position])
end
done = function(summary, latency, requests)
  local errors = summary.errors
  local buckets = {}
  for i = 1, #latency do
    local micros, count = latency(i)
    buckets[#buckets + 1] = string.format("%%d:%%d", micros, count)
  end
  io.write(string.format("BENCH-RESULT %%d %%d %%d %%s\\n", summary.requests, summary.duration,
    errors.connect + errors.read + errors.write + errors.timeout + errors.status,
    table.concat(buckets, ",")))
end
"""


def _lua(text: str) -> str:
    return json.dumps(text)  # a JSON string literal is a valid Lua string literal here


def run_wrk(
    port: int, endpoint: Endpoint, *, cookie: str, connections: int, seconds: float
) -> Result:
    """Drive ``endpoint`` with ``connections`` keep-alive connections for ``seconds``."""
    wrk = shutil.which("wrk")
    if wrk is None:
        raise BenchError("wrk is not installed: run `apt-get install -y wrk` (Debian package)")
    headers = {"Cookie": cookie, **endpoint.headers}
    script = _SCRIPT % {
        "paths": ", ".join(_lua(p) for p in endpoint.paths),
        "headers": "\n".join(f"wrk.headers[{_lua(k)}] = {_lua(v)}" for k, v in headers.items()),
    }
    with tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False) as handle:
        handle.write(script)
        script_path = Path(handle.name)
    try:
        completed = subprocess.run(
            [
                wrk,
                "-t1",
                f"-c{connections}",
                f"-d{seconds:g}s",
                "--timeout",
                "10s",
                "-s",
                str(script_path),
                f"http://{HOST}:{port}",
            ],
            capture_output=True,
            text=True,
            timeout=seconds + 60,
            check=False,
        )
    finally:
        script_path.unlink()
    match = re.search(r"BENCH-RESULT (\d+) (\d+) (\d+) ([\d:,]*)", completed.stdout)
    if completed.returncode != 0 or not match:
        raise BenchError(f"wrk failed for {endpoint.name}: {completed.stderr or completed.stdout}")
    requests, micros, errors, buckets = match.groups()
    histogram: dict[int, int] = {}
    for pair in filter(None, buckets.split(",")):
        latency, count = pair.split(":")
        histogram[int(latency)] = int(count)
    return Result(
        requests=int(requests), seconds=int(micros) / 1e6, errors=int(errors), histogram=histogram
    )
