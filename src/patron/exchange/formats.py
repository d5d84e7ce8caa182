"""Reading import files (CSV, XLSX) in batches and writing export files, format by format.

Nothing here knows about the database: it turns a file into batches of string columns with
their line numbers, and rows into CSV or XLSX cells that a spreadsheet will not execute.
"""

from __future__ import annotations

import codecs
import csv
import datetime as dt
import io
import json
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO

import polars as pl

from patron.exchange.schema import MAX_COLUMNS, NAME_COLUMNS, SCHEMAS

LINE = "__line"
FORMATS = ("csv", "xlsx")
# Cells a spreadsheet would read as a formula (OWASP "CSV injection"); exports prefix them
# with a single quote and imports take that quote off again, so data round-trips.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
_READ_CHUNK = 1 << 20


class ImportFileError(Exception):
    """The file as a whole cannot be imported: nothing was read into Patron."""


@dataclass
class Source:
    """An import file whose header has been read and mapped to canonical columns."""

    path: Path
    format: str
    kind: str
    headers: list[str]
    rename: dict[str, str]  # original header -> canonical column
    rows_estimate: int
    ignored: list[str] = field(default_factory=list)

    @property
    def present(self) -> frozenset[str]:
        return frozenset(self.rename.values())


def detect_format(path: Path, fmt: str | None) -> str:
    if fmt:
        if fmt not in FORMATS:
            raise ImportFileError(f"Unknown format {fmt!r}: use csv or xlsx.")
        return fmt
    return "xlsx" if path.suffix.lower() in {".xlsx", ".xlsm"} else "csv"


def check_utf8(path: Path) -> int:
    """Decode the whole file as UTF-8 (streamed) and return its number of lines.

    A spreadsheet saved as "CSV" on Windows is often Windows-1252; polars would only say
    "invalid utf-8 sequence", so the line and byte are found here and named.
    """
    decoder = codecs.getincrementaldecoder("utf-8")("strict")
    lines = 0
    offset = 0
    last = b""
    with path.open("rb") as handle:
        while chunk := handle.read(_READ_CHUNK):
            try:
                decoder.decode(chunk)
            except UnicodeDecodeError as exc:
                bad_at = offset + exc.start
                line = lines + chunk[: exc.start].count(b"\n") + 1
                byte = chunk[exc.start]
                raise ImportFileError(
                    f"The file is not UTF-8: line {line} has the byte 0x{byte:02X} at offset "
                    f"{bad_at}, which is not valid UTF-8 (the file is probably Windows-1252 or "
                    "Latin-1). Re-save it as 'CSV UTF-8' and import it again."
                ) from None
            lines += chunk.count(b"\n")
            offset += len(chunk)
            last = chunk
        try:
            decoder.decode(b"", final=True)
        except UnicodeDecodeError:
            raise ImportFileError(
                "The file is not UTF-8: it ends in the middle of a character. "
                "Re-save it as 'CSV UTF-8' and import it again."
            ) from None
    if last and not last.endswith(b"\n"):
        lines += 1
    return lines


def read_csv_header(path: Path) -> list[str]:
    with path.open("r", encoding="utf-8-sig", newline="") as handle:
        try:
            header = next(csv.reader(handle), None)
        except csv.Error as exc:
            raise ImportFileError(f"The header line cannot be read as CSV: {exc}.") from None
    if not header or all(not h.strip() for h in header):
        raise ImportFileError("The file is empty: it has no header line.")
    return header


def load_mapping(path: Path) -> dict[str, str | None]:
    """A mapping file: JSON ``{"file header": "canonical column" | null}`` or a two-column CSV
    ``header,column``. An empty target (or null) ignores that column."""
    if not path.exists():
        raise ImportFileError(f"The mapping file {path} does not exist.")
    try:
        text = path.read_text(encoding="utf-8-sig")
    except UnicodeDecodeError:
        raise ImportFileError(f"The mapping file {path} is not UTF-8.") from None
    mapping: dict[str, str | None] = {}
    if path.suffix.lower() == ".json":
        try:
            data = json.loads(text)
        except json.JSONDecodeError as exc:
            raise ImportFileError(f"The mapping file {path} is not valid JSON: {exc}.") from None
        if not isinstance(data, dict) or not all(
            isinstance(k, str) and (v is None or isinstance(v, str)) for k, v in data.items()
        ):
            raise ImportFileError(
                'A JSON mapping is one object of "file header": "canonical column" pairs.'
            )
        for source, target in data.items():
            mapping[source.strip()] = (target or "").strip() or None
        return mapping
    rows = list(csv.reader(io.StringIO(text)))
    if rows and [c.strip().lower() for c in rows[0][:2]] == ["header", "column"]:
        rows = rows[1:]
    for number, row in enumerate(rows, start=1):
        if not row or all(not c.strip() for c in row):
            continue
        if len(row) > 2:
            raise ImportFileError(f"Mapping file line {number}: expected 'header,column'.")
        target = row[1].strip() if len(row) == 2 else ""
        mapping[row[0].strip()] = target or None
    return mapping


def resolve_columns(
    headers: list[str], kind: str, mapping: dict[str, str | None] | None
) -> tuple[dict[str, str], list[str]]:
    """Map each file header to a canonical column; unknown, duplicate or missing → error."""
    schema = SCHEMAS[kind]
    if len(headers) > MAX_COLUMNS:
        raise ImportFileError(
            f"The header has {len(headers):,} columns; an import file has at most "
            f"{MAX_COLUMNS} (a {kind} file uses {len(schema.columns)}: {schema.describe()})."
        )
    mapping = {k.strip().lower(): v for k, v in (mapping or {}).items()}
    problems: list[str] = []
    bad_targets = sorted({v for v in mapping.values() if v is not None and v not in schema.columns})
    if bad_targets:
        problems.append(
            f"the mapping names columns that {kind} do not have: {', '.join(bad_targets)}"
        )
    rename: dict[str, str] = {}
    ignored: list[str] = []
    unknown: list[str] = []
    seen: dict[str, str] = {}
    for header in headers:
        key = header.strip().lower()
        if key in mapping:
            target = mapping[key]
        elif key in schema.columns:
            target = key
        else:
            unknown.append(header)
            continue
        if target is None:
            ignored.append(header)
            continue
        if target in seen:
            problems.append(f"both {seen[target]!r} and {header!r} would fill {target!r}")
            continue
        seen[target] = header
        rename[header] = target
    if len(set(headers)) != len(headers):
        dupes = sorted({h for h in headers if headers.count(h) > 1})
        problems.append(f"the header repeats {', '.join(repr(d) for d in dupes)}")
    if unknown:
        shown = ", ".join(repr(u) for u in unknown[:10])
        more = f" and {len(unknown) - 10} more" if len(unknown) > 10 else ""
        problems.append(
            f"unknown columns {shown}{more} (rename them with a mapping file, or map them "
            "to nothing to ignore them)"
        )
    missing = sorted(schema.required - set(rename.values()))
    if missing:
        problems.append(f"missing required columns: {', '.join(missing)}")
    if kind == "parties" and not set(NAME_COLUMNS) & set(rename.values()):
        problems.append(f"missing name columns: give at least one of {', '.join(NAME_COLUMNS)}")
    if problems:
        raise ImportFileError(
            "The header does not fit a "
            + kind
            + " file: "
            + "; ".join(problems)
            + f". The columns are: {schema.describe()}."
        )
    return rename, ignored


def read_header(path: Path, fmt: str | None = None) -> list[str]:
    """The file's header row, after the checks every import makes before reading it."""
    if not path.exists():
        raise ImportFileError(f"The file {path} does not exist.")
    if path.stat().st_size == 0:
        raise ImportFileError("The file is empty.")
    if detect_format(path, fmt) == "xlsx":
        return _xlsx_header(path)[0]
    check_utf8(path)
    return read_csv_header(path)


def open_source(
    path: Path, *, kind: str, fmt: str | None = None, mapping: dict[str, str | None] | None = None
) -> Source:
    """Check the file can be read and its header fits ``kind``; read no rows yet."""
    if not path.exists():
        raise ImportFileError(f"The file {path} does not exist.")
    if not path.is_file():
        raise ImportFileError(f"{path} is not a file.")
    fmt = detect_format(path, fmt)
    if path.stat().st_size == 0:
        raise ImportFileError("The file is empty.")
    if fmt == "csv":
        lines = check_utf8(path)
        headers = read_csv_header(path)
        rows_estimate = max(lines - 1, 0)
    else:
        headers, rows_estimate = _xlsx_header(path)
    rename, ignored = resolve_columns(headers, kind, mapping)
    if rows_estimate == 0:
        raise ImportFileError("The file has a header but no rows to import.")
    return Source(
        path=path,
        format=fmt,
        kind=kind,
        headers=headers,
        rename=rename,
        rows_estimate=rows_estimate,
        ignored=ignored,
    )


def iter_batches(source: Source, batch_size: int) -> Iterator[pl.DataFrame]:
    """The file's rows as DataFrames of strings (empty cells null) with a ``__line`` column:
    the spreadsheet row number, the header being line 1."""
    if source.format == "xlsx":
        yield from _xlsx_batches(source, batch_size)
        return
    frame = pl.scan_csv(
        source.path,
        infer_schema=False,
        new_columns=source.headers,
        row_index_name=LINE,
        row_index_offset=2,
        encoding="utf8",
        raise_if_empty=False,
    )
    try:
        for batch in frame.collect_batches(chunk_size=batch_size):
            if batch.height:
                yield batch.with_columns(pl.col(LINE).cast(pl.Int64))
    except pl.exceptions.ComputeError as exc:
        raise ImportFileError(_describe_csv_problem(source, exc)) from None


def _describe_csv_problem(source: Source, exc: Exception) -> str:
    """Find the first malformed record with Python's csv module to name its line."""
    width = len(source.headers)
    with source.path.open("r", encoding="utf-8-sig", newline="") as handle:
        reader = csv.reader(handle)
        try:
            for number, row in enumerate(reader, start=1):
                if len(row) > width:
                    return (
                        f"Line {number} has {len(row)} cells but the header has {width}: "
                        "check for an unquoted comma in a value."
                    )
        except csv.Error as err:
            return f"The CSV cannot be parsed near line {reader.line_num}: {err}."
    first = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
    return f"The CSV cannot be parsed: {first}."


def _xlsx_open(path: Path):  # type: ignore[no-untyped-def]
    from python_calamine import CalamineWorkbook

    try:
        book = CalamineWorkbook.from_path(str(path))
        return book.get_sheet_by_index(0)
    except Exception as exc:  # calamine raises its own error types for corrupt workbooks
        raise ImportFileError(f"The file cannot be read as an XLSX workbook: {exc}.") from None


def _xlsx_header(path: Path) -> tuple[list[str], int]:
    sheet = _xlsx_open(path)
    rows = sheet.iter_rows()
    header = next(iter(rows), None)
    if not header or all(_cell(c) is None for c in header):
        raise ImportFileError("The file is empty: its first sheet has no header row.")
    names = [_cell(c) or "" for c in header]
    while names and not names[-1]:
        names.pop()
    return names, max(sheet.height - 1, 0)


def _cell(value: object) -> str | None:
    """A spreadsheet cell as the text a CSV would hold."""
    if value is None or value == "":
        return None
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() else repr(value)
    if isinstance(value, dt.datetime):
        return value.isoformat(sep="T")
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, dt.time):
        return value.isoformat()
    return str(value)


def _xlsx_batches(source: Source, batch_size: int) -> Iterator[pl.DataFrame]:
    sheet = _xlsx_open(source.path)
    width = len(source.headers)
    columns: list[list[str | None]] = [[] for _ in range(width)]
    lines: list[int] = []
    for number, row in enumerate(sheet.iter_rows(), start=1):
        if number == 1:
            continue
        cells = [_cell(c) for c in row[:width]]
        if all(c is None for c in cells) and not any(_cell(c) for c in row[width:]):
            continue
        if any(_cell(c) is not None for c in row[width:]):
            raise ImportFileError(
                f"Line {number} has values beyond the last header column ({width} columns)."
            )
        cells += [None] * (width - len(cells))
        lines.append(number)
        for i, value in enumerate(cells):
            columns[i].append(value)
        if len(lines) >= batch_size:
            yield _frame(source.headers, lines, columns)
            columns = [[] for _ in range(width)]
            lines = []
    if lines:
        yield _frame(source.headers, lines, columns)


def _frame(headers: list[str], lines: list[int], columns: list[list[str | None]]) -> pl.DataFrame:
    data: dict[str, pl.Series] = {LINE: pl.Series(LINE, lines, dtype=pl.Int64)}
    for name, values in zip(headers, columns, strict=True):
        data[name] = pl.Series(name, values, dtype=pl.String)
    return pl.DataFrame(data)


# --- writing ---------------------------------------------------------------------------


def neutralise(value: str) -> str:
    """Prefix a cell a spreadsheet would run as a formula with a single quote."""
    return "'" + value if value.startswith(FORMULA_STARTS) else value


def write_csv(header: list[str], rows: Iterable[list[str]], stream: IO[str]) -> int:
    writer = csv.writer(stream, lineterminator="\n")
    writer.writerow(header)
    count = 0
    for row in rows:
        writer.writerow([neutralise(v) for v in row])
        count += 1
    return count


def csv_chunks(header: list[str], rows: Iterable[list[str]], size: int = 500) -> Iterator[str]:
    """CSV text in chunks of ``size`` rows, for a streaming HTTP response."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(header)
    pending = 0
    for row in rows:
        writer.writerow([neutralise(v) for v in row])
        pending += 1
        if pending >= size:
            yield buffer.getvalue()
            buffer.seek(0)
            buffer.truncate()
            pending = 0
    yield buffer.getvalue()


def write_xlsx(header: list[str], rows: Iterable[list[str]], target: Path | IO[bytes]) -> int:
    """An XLSX written row by row (openpyxl's write-only mode keeps memory flat)."""
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell

    book = Workbook(write_only=True)
    sheet = book.create_sheet("export")
    sheet.append(header)
    count = 0
    for row in rows:
        cells = []
        for value in row:
            cell = WriteOnlyCell(sheet, value=neutralise(value))
            cell.data_type = "s"  # text, never a formula or a guessed number or date
            cells.append(cell)
        sheet.append(cells)
        count += 1
    book.save(target)
    return count
