"""Environment-driven configuration: every setting comes from a ``PATRON_*`` variable."""

from __future__ import annotations

import os
import secrets
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, unquote, urlsplit


class ConfigurationError(Exception):
    """A ``PATRON_*`` variable holds a value Patron cannot use."""


def patron_home() -> Path:
    home = Path(os.environ.get("PATRON_HOME", ".patron")).expanduser().resolve()
    home.mkdir(parents=True, exist_ok=True)
    return home


def env_bool(name: str, default: bool = False) -> bool:
    raw = os.environ.get(name)
    if raw is None or raw == "":
        return default
    value = raw.strip().lower()
    if value in {"1", "true", "yes", "on"}:
        return True
    if value in {"0", "false", "no", "off"}:
        return False
    raise ConfigurationError(f"{name}={raw!r}: expected 1/0, true/false, yes/no or on/off")


def env_list(name: str, default: list[str]) -> list[str]:
    raw = os.environ.get(name)
    if not raw:
        return default
    return [item.strip() for item in raw.split(",") if item.strip()]


def secret_key(home: Path) -> str:
    """The secret key from ``PATRON_SECRET_KEY``, else one generated once and kept in home."""
    given = os.environ.get("PATRON_SECRET_KEY")
    if given:
        return given
    path = home / "secret_key"
    if path.exists():
        return path.read_text(encoding="utf-8").strip()
    key = secrets.token_urlsafe(50)
    # Write then rename so two processes starting together never read a half-written key.
    tmp = path.with_suffix(f".{os.getpid()}.tmp")
    tmp.write_text(key, encoding="utf-8")
    os.chmod(tmp, 0o600)
    os.replace(tmp, path)
    return path.read_text(encoding="utf-8").strip()


def database_from_url(url: str, home: Path) -> dict[str, Any]:
    """Django DATABASES entry for ``sqlite:///path`` or ``postgres://user:pw@host:port/db``."""
    parts = urlsplit(url)
    scheme = parts.scheme.lower()
    if scheme == "sqlite":
        raw_path = unquote(parts.path)
        if parts.netloc:
            raise ConfigurationError(
                f"PATRON_DATABASE_URL={url!r}: write sqlite:///relative.db or sqlite:////abs.db"
            )
        name = raw_path[1:] if raw_path.startswith("/") else raw_path
        if not name:
            raise ConfigurationError(f"PATRON_DATABASE_URL={url!r}: no database file named")
        path = Path(name)
        if not path.is_absolute():
            path = home / path
        return {
            "ENGINE": "django.db.backends.sqlite3",
            "NAME": str(path),
            "OPTIONS": {
                # WAL lets readers run while one writer writes; IMMEDIATE avoids the
                # "database is locked" upgrade deadlock between concurrent writers.
                "init_command": (
                    "PRAGMA journal_mode=WAL;PRAGMA synchronous=NORMAL;"
                    "PRAGMA foreign_keys=ON;PRAGMA busy_timeout=10000;"
                    "PRAGMA cache_size=-65536;PRAGMA temp_store=MEMORY;"
                ),
                "transaction_mode": "IMMEDIATE",
                "timeout": 20,
            },
            # Keep connections across requests: a new one reruns every PRAGMA above and
            # starts with a cold 64 MB page cache.
            "CONN_MAX_AGE": 600,
            "CONN_HEALTH_CHECKS": True,
        }
    if scheme in {"postgres", "postgresql", "pgsql"}:
        query = {k: v[-1] for k, v in parse_qs(parts.query).items()}
        name = unquote(parts.path.lstrip("/"))
        if not name:
            raise ConfigurationError(f"PATRON_DATABASE_URL={url!r}: no database name")
        options: dict[str, Any] = {}
        if "sslmode" in query:
            options["sslmode"] = query["sslmode"]
        return {
            "ENGINE": "django.db.backends.postgresql",
            "NAME": name,
            "USER": unquote(parts.username or ""),
            "PASSWORD": unquote(parts.password or ""),
            "HOST": parts.hostname or "",
            "PORT": str(parts.port or ""),
            "CONN_MAX_AGE": int(query.get("conn_max_age", "60")),
            "CONN_HEALTH_CHECKS": True,
            "OPTIONS": options,
        }
    raise ConfigurationError(
        f"PATRON_DATABASE_URL={url!r}: unsupported scheme {scheme!r} (use sqlite or postgres)"
    )
