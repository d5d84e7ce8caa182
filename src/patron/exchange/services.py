"""Import and export: the one service the command line, the API and the web app call.

An import reads the file in batches, validates each batch with polars, and writes the valid
rows through a staging table, all inside ONE transaction (ADR 0003). At the end the
transaction commits only if the run is not a dry run and either no row was invalid or the
caller asked to skip invalid rows; otherwise it rolls back and nothing is left behind, also
on a crash or Ctrl-C.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any

import polars as pl
from django.conf import settings
from django.db import DatabaseError, transaction
from django.utils import timezone

from patron.accounts.permissions import can_import, require
from patron.core.audit import audit_record
from patron.exchange import selectors
from patron.exchange.formats import (
    FORMULA_STARTS,
    LINE,
    ImportFileError,
    Source,
    iter_batches,
    open_source,
    write_csv,
    write_xlsx,
)
from patron.exchange.models import ImportRun
from patron.exchange.schema import KINDS
from patron.exchange.store import Counts, Store
from patron.exchange.validate import BatchValidator, Lookups

BATCH_ROWS = 50_000
KEEP_ERRORS = 1000


@dataclass(frozen=True)
class RowError:
    line: int
    column: str
    reason: str


@dataclass
class ImportResult:
    kind: str
    file_name: str
    rows_read: int = 0
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    removed: int = 0
    rejected: int = 0
    error_count: int = 0
    errors: list[RowError] = field(default_factory=list)
    committed: bool = False
    dry_run: bool = False
    skip_invalid: bool = False
    rejects_path: Path | None = None

    @property
    def is_valid(self) -> bool:
        return self.rejected == 0

    def counts(self) -> dict[str, int]:
        return {
            "rows_read": self.rows_read,
            "created": self.created,
            "updated": self.updated,
            "unchanged": self.unchanged,
            "removed": self.removed,
            "rejected": self.rejected,
        }


class _Rejects:
    """The rejects CSV: each invalid row as read, plus line, column and reason."""

    def __init__(self, path: Path | None, headers: list[str]) -> None:
        self.path = path
        self.headers = headers
        self.handle: IO[bytes] | None = None

    def add(self, raw: pl.DataFrame, errors: pl.DataFrame) -> None:
        if self.path is None or not errors.height:
            return
        per_line = errors.group_by(LINE, maintain_order=True).agg(
            pl.col("column").unique(maintain_order=True).str.join("; ").alias("column"),
            pl.col("reason").str.join("; ").alias("reason"),
        )
        guard = "^[" + "".join("\\" + c if c in "-^]\\" else c for c in FORMULA_STARTS) + "]"
        rows = (
            raw.join(per_line, on=LINE, how="inner")
            .sort(LINE)
            .select(
                *[
                    pl.when(pl.col(h).str.contains(guard))
                    .then(pl.lit("'") + pl.col(h))
                    .otherwise(pl.col(h))
                    .alias(h)
                    for h in self.headers
                ],
                pl.col(LINE).alias("line"),
                "column",
                "reason",
            )
        )
        if self.handle is None:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            self.handle = self.path.open("wb")
            rows.write_csv(self.handle, include_header=True)
        else:
            rows.write_csv(self.handle, include_header=False)

    def close(self) -> None:
        if self.handle is not None:
            self.handle.close()


def _lookups(now: dt.datetime) -> Lookups:
    return Lookups(
        parties=selectors.parties_by_external_id,
        products=selectors.products_by_sku,
        departments=selectors.department_codes(),
        default_currency=settings.DEFAULT_CURRENCY,
        time_zone=settings.TIME_ZONE,
        now=now,
    )


def import_check_file(
    *, kind: str, path: Path, fmt: str | None = None, mapping: dict[str, str | None] | None = None
) -> Source:
    """Open ``path`` and map its header for ``kind`` (ImportFileError when it cannot be)."""
    if kind not in KINDS:
        raise ImportFileError(f"Unknown kind {kind!r}: use one of {', '.join(KINDS)}.")
    return open_source(path, kind=kind, fmt=fmt, mapping=mapping)


class _Rollback(Exception):
    """Leaves the import's transaction without committing."""


def import_file(
    *,
    actor: Any,
    kind: str,
    path: Path,
    fmt: str | None = None,
    mapping: dict[str, str | None] | None = None,
    skip_invalid: bool = False,
    dry_run: bool = False,
    rejects_path: Path | None = None,
    batch_rows: int = BATCH_ROWS,
    progress: Callable[[int], None] | None = None,
    now: dt.datetime | None = None,
) -> ImportResult:
    """Import ``path`` as ``kind``. ``actor=None`` is the system (the command line).

    Raises ImportFileError when the file as a whole cannot be read (nothing is written);
    invalid rows are reported in the result. Commits only when the run is not a dry run and
    no row was invalid, or ``skip_invalid`` is set.
    """
    if actor is not None:
        require(can_import(actor), "Only a manager may import data.")
    source = import_check_file(kind=kind, path=path, fmt=fmt, mapping=mapping)
    now = now or timezone.now()
    result = ImportResult(
        kind=kind, file_name=path.name, dry_run=dry_run, skip_invalid=skip_invalid
    )
    rejects = _Rejects(rejects_path, source.headers)
    validator = BatchValidator(kind=kind, present=source.present, lookups=_lookups(now))
    totals = Counts()
    try:
        with transaction.atomic():
            store = Store(kind=kind, present=source.present, now=now)
            for raw in iter_batches(source, batch_rows):
                checked = validator.check(raw, source.rename)
                _note_errors(result, checked.errors)
                rejects.add(raw, checked.errors)
                totals.add(store.write(checked.valid))
                result.rows_read += raw.height
                if progress is not None:
                    progress(raw.height)
            if kind == "orders":
                totals.removed = store.finish_orders(validator.order_line_counts())
            store.drop()
            result.created, result.updated = totals.created, totals.updated
            result.unchanged, result.removed = totals.unchanged, totals.removed
            if dry_run or (result.rejected and not skip_invalid):
                raise _Rollback
            run = ImportRun.objects.create(
                kind=kind,
                file_name=path.name[:255],
                actor=actor if getattr(actor, "pk", None) else None,
                started_at=now,
                finished_at=timezone.now(),
                skip_invalid=skip_invalid,
                **{k: v for k, v in result.counts().items()},
            )
            audit_record(
                actor=actor,
                action="import",
                obj=run,
                after=result.counts(),
                note=f"{kind} from {path.name}",
            )
            result.committed = True
    except _Rollback:
        pass
    except DatabaseError as exc:
        raise ImportFileError(
            f"The database refused the import, so nothing was written: {exc}"
        ) from exc
    finally:
        rejects.close()
    if result.rejected:
        result.rejects_path = rejects_path
    result.errors.sort(key=lambda e: (e.line, e.column))
    return result


def _note_errors(result: ImportResult, errors: pl.DataFrame) -> None:
    if not errors.height:
        return
    result.error_count += errors.height
    result.rejected += errors.get_column(LINE).n_unique()
    room = KEEP_ERRORS - len(result.errors)
    if room > 0:
        for line, column, reason in errors.sort(LINE).head(room).iter_rows():
            result.errors.append(RowError(line=int(line), column=column, reason=reason))


# --- export ----------------------------------------------------------------------------


def export_file(*, actor: Any, kind: str, target: Path | IO[str], fmt: str = "csv") -> int:
    """Write every ``kind`` row the actor may see in canonical columns; the row count."""
    if kind not in KINDS:
        raise ImportFileError(f"Unknown kind {kind!r}: use one of {', '.join(KINDS)}.")
    header = selectors.export_header(kind)
    rows = selectors.export_rows(kind=kind, actor=actor)
    if fmt == "xlsx":
        if not isinstance(target, Path):
            raise ImportFileError("An XLSX export needs a file name, not standard output.")
        return write_xlsx(header, rows, target)
    if fmt != "csv":
        raise ImportFileError(f"Unknown format {fmt!r}: use csv or xlsx.")
    if isinstance(target, Path):
        with target.open("w", encoding="utf-8", newline="") as handle:
            return write_csv(header, rows, handle)
    return write_csv(header, rows, target)


__all__ = ["ImportFileError", "ImportResult", "RowError", "export_file", "import_file"]
