"""Panels on the customer 360 page, contributed by any app without editing the page.

An app ships ``patron/<app>/panels.py`` with ``PANELS = [{...}, ...]`` (plain dicts, so it
need not import ``web``, which sits above it); :func:`autodiscover` collects them when the
web app starts. Code inside ``web`` may call :func:`register` directly. See web/README.md.
"""

from __future__ import annotations

import importlib
import importlib.util
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from django.apps import apps

PanelContext = Callable[..., Mapping[str, Any] | None]
COLUMNS = ("main", "side")


@dataclass(frozen=True)
class Panel:
    """One box on the customer page: a template and a function computing its context."""

    key: str
    title: str
    template: str
    context: PanelContext
    order: int = 100
    column: str = "side"

    def __post_init__(self) -> None:
        if self.column not in COLUMNS:
            raise ValueError(f"panel {self.key!r}: column must be one of {COLUMNS}")


@dataclass(frozen=True)
class RenderedPanel:
    panel: Panel
    context: Mapping[str, Any]

    @property
    def key(self) -> str:
        return self.panel.key

    @property
    def title(self) -> str:
        return self.panel.title

    @property
    def template(self) -> str:
        return self.panel.template


_panels: dict[str, Panel] = {}


def register(panel: Panel | Mapping[str, Any]) -> Panel:
    """Add a panel; registering the same key twice with a different panel is an error."""
    item = panel if isinstance(panel, Panel) else Panel(**panel)
    existing = _panels.get(item.key)
    if existing is not None and existing != item:
        raise ValueError(f"customer panel {item.key!r} registered twice")
    _panels[item.key] = item
    return item


def registered() -> list[Panel]:
    return sorted(_panels.values(), key=lambda p: (p.order, p.key))


def autodiscover() -> None:
    """Import ``<app>.panels`` of every installed app and register its ``PANELS``."""
    for config in apps.get_app_configs():
        name = f"{config.name}.panels"
        if name == __name__ or importlib.util.find_spec(name) is None:
            continue
        module = importlib.import_module(name)
        for panel in getattr(module, "PANELS", ()):
            register(panel)


def panels_for(*, party: Any, user: Any) -> dict[str, list[RenderedPanel]]:
    """The panels to show for ``party`` to ``user``, by column; a None context hides one."""
    columns: dict[str, list[RenderedPanel]] = {column: [] for column in COLUMNS}
    for panel in registered():
        context = panel.context(party=party, user=user)
        if context is not None:
            columns[panel.column].append(RenderedPanel(panel=panel, context=context))
    return columns
