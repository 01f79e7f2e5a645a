"""The one reader for every tabular upload: custody exports, minimum dataset returns, and the
imports of later modules.

A partner's file arrives as whatever their system or spreadsheet writes: UTF-8 with or without a
byte-order mark, UTF-16, Windows-1252 (Excel's plain "CSV" on a UK Windows machine), separated by
commas, semicolons or tabs, or an XLSX/ODS workbook. Every one of them becomes a comma-separated
UTF-8 CSV on disk, streamed, never held whole in memory; a UTF-8 comma CSV is handed on as it is,
which is also what DuckDB reads fastest. The notes say what was done, for the person who uploaded.

Uploads are streamed to disk under a size limit (``REACHABLE_UPLOAD_MAX_MB``), and the helpers
for headers (normalised names, near-miss suggestions) and dates (ISO, UK day/month/year, Excel
serial numbers) are here so every import reads them alike.
"""

from __future__ import annotations

import codecs
import csv
import datetime as dt
import uuid
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from rapidfuzz import fuzz, process

SPREADSHEETS = {".xlsx", ".xlsm", ".xls", ".ods"}
CHUNK = 1 << 20
SNIFF_BYTES = 64 * 1024
DELIMITERS = {",": "commas", ";": "semicolons", "\t": "tabs", "|": "vertical bars"}
ONE_COLUMN = "\x1f"  # the unit separator: never in a value, so a one-column file stays whole
EXCEL_EPOCH = dt.date(1899, 12, 30)
DATE_FORMATS = ("%Y-%m-%d", "%d/%m/%Y", "%d-%m-%Y", "%d.%m.%Y")


@dataclass(frozen=True)
class RowError:
    """One problem in an upload, as every import reports it: where, what it said, and the fix."""

    row: int  # 1 is the header row, as a spreadsheet shows it
    column: str
    value: str
    message: str


def max_upload_bytes() -> int:
    return int(settings.REACHABLE_UPLOAD_MAX_MB) * 1024 * 1024


def chunks_save(chunks: Iterable[bytes], folder: Path, filename: str) -> Path:
    """Stream an upload's chunks to ``folder`` under a new name, refusing a file over the size
    limit (and leaving nothing behind). The caller deletes the file when its job is done."""
    limit = max_upload_bytes()
    folder.mkdir(parents=True, exist_ok=True)
    target = folder / f"{uuid.uuid4().hex}{Path(filename or '').suffix.lower()[:8]}"
    written = 0
    try:
        with target.open("wb") as out:
            for chunk in chunks:
                written += len(chunk)
                if written > limit:
                    raise ValidationError({"file": [_too_big(written)]})
                out.write(chunk)
    except BaseException:
        target.unlink(missing_ok=True)
        raise
    return target


def _too_big(size: int) -> str:
    mb = settings.REACHABLE_UPLOAD_MAX_MB
    return (
        f"The file is larger than {mb} MB (it is at least {size / 1024 / 1024:.0f} MB). "
        "Split it into smaller files, or ask your partnership admin to raise the limit."
    )


# ---------------------------------------------------------------- to UTF-8 comma CSV on disk


def _is_utf8(path: Path) -> bool:
    decoder = codecs.getincrementaldecoder("utf-8")()
    with path.open("rb") as f:
        try:
            while chunk := f.read(CHUNK):
                decoder.decode(chunk)
            decoder.decode(b"", final=True)
        except UnicodeDecodeError:
            return False
    return True


def _sheet_rows(path: Path) -> Iterator[list[Any]]:
    from python_calamine import CalamineWorkbook

    book = CalamineWorkbook.from_path(str(path))
    sheet = book.get_sheet_by_index(0)
    yield from sheet.iter_rows()


def cell_text(value: Any) -> str:
    """A spreadsheet cell as the text a CSV would hold (dates as ISO, whole numbers without .0)."""
    if value is None:
        return ""
    if isinstance(value, dt.datetime):
        return value.date().isoformat() if value.time() == dt.time() else value.isoformat(" ")
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def _delimiter(path: Path, encoding: str) -> str:
    with path.open("r", encoding=encoding, newline="", errors="replace") as f:
        sample = f.read(SNIFF_BYTES)
    first_line = sample.splitlines()[0] if sample else ""
    # The header decides: the separator that splits it into the most columns.
    counts = {d: first_line.count(d) for d in DELIMITERS}
    best = max(counts, key=lambda d: counts[d])
    if counts[best] == 0:
        # One column: no separator at all, so a comma inside a value must not split it.
        return ONE_COLUMN
    return best if counts[best] > counts[","] else ","


def _rewrite(path: Path, encoding: str, delimiter: str, out: Path) -> None:
    with (
        path.open("r", encoding=encoding, newline="") as src,
        out.open("w", encoding="utf-8", newline="") as dst,
    ):
        if delimiter == ",":
            while chunk := src.read(CHUNK):
                dst.write(chunk)
            return
        csv.writer(dst).writerows(csv.reader(src, delimiter=delimiter))


def as_utf8_csv(path: Path, filename: str, workdir: Path) -> tuple[Path, list[str]]:
    """The upload as UTF-8 comma CSV (the same file when it already is one), and notes on what
    was done to it. Raises ValueError for a spreadsheet that cannot be opened."""
    out = workdir / f"{uuid.uuid4().hex}.csv"
    if Path(filename).suffix.lower() in SPREADSHEETS:
        with out.open("w", encoding="utf-8", newline="") as dst:
            writer = csv.writer(dst)
            for row in _sheet_rows(path):
                writer.writerow([cell_text(v) for v in row])
        return out, [f"Read the first sheet of {filename}."]
    notes: list[str] = []
    with path.open("rb") as f:
        head = f.read(4)
    if head.startswith(codecs.BOM_UTF8):
        encoding = "utf-8-sig"
        notes.append(
            "The file started with a byte-order mark (Excel's 'CSV UTF-8'); it was ignored."
        )
    elif head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        encoding = "utf-16"
        notes.append("The file was in UTF-16; it was read as such.")
    elif _is_utf8(path):
        encoding = "utf-8"
    else:
        encoding = "cp1252"
        notes.append("The file was not UTF-8; it was read as Windows-1252 (Excel's default 'CSV').")
    delimiter = _delimiter(path, encoding)
    if delimiter in DELIMITERS and delimiter != ",":
        notes.append(f"The columns were separated by {DELIMITERS[delimiter]}; it was read as such.")
    if encoding == "utf-8" and delimiter == ",":
        return path, notes
    _rewrite(path, encoding, delimiter, out)
    return out, notes


@contextmanager
def rows_of(
    path: Path, filename: str, workdir: Path
) -> Iterator[tuple[list[str], Iterator[list[str]], list[str]]]:
    """(header, the rows after it, notes), streamed from any supported upload."""
    csv_path, notes = as_utf8_csv(path, filename, workdir)
    try:
        with csv_path.open(encoding="utf-8", newline="") as f:
            reader = csv.reader(f)
            header = next(reader, [])
            yield header, reader, notes
    finally:
        if csv_path != path:
            csv_path.unlink(missing_ok=True)


# ---------------------------------------------------------------- headers and values


def normal_name(name: str) -> str:
    """A column name as compared: case, spaces, hyphens and underscores do not matter."""
    return "_".join(name.strip().lower().replace("-", " ").replace("_", " ").split())


def near_miss(name: str, known: Iterable[str], cutoff: int = 70) -> str | None:
    """The known name a mistyped column name most likely meant, if any is close."""
    match = process.extractOne(
        normal_name(name), list(known), scorer=fuzz.ratio, score_cutoff=cutoff
    )
    return str(match[0]) if match else None


def date_from(text: str) -> dt.date:
    """A date as people and spreadsheets write it: ISO, UK day/month/year (with / - or .), or an
    Excel serial number (days since 30 December 1899). Raises ValueError otherwise."""
    text = text.strip()
    if text.isdigit() and 1 <= int(text) <= 2_958_465:  # Excel's range: 1900 to 9999
        return EXCEL_EPOCH + dt.timedelta(days=int(text))
    for fmt in DATE_FORMATS:
        try:
            return dt.datetime.strptime(text, fmt).date()
        except ValueError:
            continue
    raise ValueError(f"not a date: {text!r}")
