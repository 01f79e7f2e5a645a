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
import itertools
import re
import uuid
import zipfile
from collections.abc import Iterable, Iterator
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from xml.etree import ElementTree

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
TITLE_LOOKAHEAD = 10  # lines looked at for the separator and for a title above the header


class UnreadableUpload(ValueError):
    """The file cannot be read as rows at all (an unclosed quote, a formula where a value belongs,
    the header not on the first line): where, and what to do. Nothing is saved from such a file."""

    def __init__(self, row: int, column: str, message: str) -> None:
        super().__init__(message)
        self.row, self.column, self.message = row, column, message


@dataclass(frozen=True)
class RowError:
    """One problem in an upload, as every import reports it: where, what it said, and the fix."""

    row: int  # 1 is the header row, as a spreadsheet shows it
    column: str
    value: str
    message: str


def unreadable_problem(exc: Exception, save_as: str = "CSV, XLSX or ODS") -> RowError:
    """The one problem a file that cannot be read at all gets, in every import's report."""
    if isinstance(exc, UnreadableUpload):
        return RowError(exc.row, exc.column, "", exc.message)
    if isinstance(exc, UnicodeDecodeError):
        return RowError(
            0,
            "",
            "",
            "The file is not text in any encoding we read (UTF-8, UTF-16 or Windows-1252): "
            "some of its bytes cannot be any of them. Save it again from the spreadsheet as "
            "'CSV UTF-8', or upload the workbook (XLSX or ODS) itself.",
        )
    return RowError(0, "", "", f"The file could not be read ({exc}). Save it again as {save_as}.")


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


FORMULA_SHOWN = 5


def _xlsx_first_sheet(book: zipfile.ZipFile) -> str:
    """The part holding the workbook's first sheet (the one every import reads)."""
    main = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"
    rel = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}id"
    first = ElementTree.fromstring(book.read("xl/workbook.xml")).find(f"{main}sheets/{main}sheet")
    rels = ElementTree.fromstring(book.read("xl/_rels/workbook.xml.rels"))
    target = next(
        r.get("Target", "") for r in rels if first is not None and r.get("Id") == first.get(rel)
    )
    return target.lstrip("/") if target.startswith("/") else f"xl/{target}"


# A formula element in a sheet's XML, with or without a namespace prefix (<f>, <x:f ...>).
XLSX_FORMULA = re.compile(rb"<(?:[A-Za-z_][\w.-]*:)?f[\s>/]")
ODS_FORMULA = re.compile(rb"table:formula=")


def _holds(book: zipfile.ZipFile, part: str, pattern: re.Pattern[bytes]) -> bool:
    """Whether a member of the archive matches, read a chunk at a time."""
    tail = b""
    with book.open(part) as stream:
        while chunk := stream.read(CHUNK):
            if pattern.search(tail + chunk):
                return True
            tail = chunk[-64:]
    return False


def _local(tag: str) -> str:
    return tag.rsplit("}", 1)[-1]


def _xlsx_formulas(book: zipfile.ZipFile) -> list[str]:
    part = _xlsx_first_sheet(book)
    if not _holds(book, part, XLSX_FORMULA):
        return []
    found: list[str] = []
    rows: Any = None
    with book.open(part) as xml:
        for event, element in ElementTree.iterparse(xml, events=("start", "end")):
            tag = _local(element.tag)
            if event == "start":
                if tag == "sheetData":
                    rows = element
                continue
            if tag == "c" and element.find("{*}f") is not None:
                found.append(element.get("r", "?"))
                if len(found) >= FORMULA_SHOWN:
                    break
            elif tag == "row" and rows is not None:
                rows.clear()  # rows already looked at are let go: memory stays flat
    return found


def _ods_formulas(book: zipfile.ZipFile) -> list[str]:
    if not _holds(book, "content.xml", ODS_FORMULA):
        return []
    found: list[str] = []
    table: Any = None
    row = 0  # rows finished in the first table, counting repeated rows
    with book.open("content.xml") as xml:
        for event, element in ElementTree.iterparse(xml, events=("start", "end")):
            tag = _local(element.tag)
            if event == "start":
                if tag == "table" and table is None:
                    table = element
                continue
            if table is None:
                continue
            if tag == "table-cell" and any(_local(k) == "formula" for k in element.attrib):
                found.append(f"row {row + 1}")
                if len(found) >= FORMULA_SHOWN:
                    break
            elif tag == "table-row":
                repeated = next(
                    (v for k, v in element.attrib.items() if _local(k) == "number-rows-repeated"),
                    "1",
                )
                row += int(repeated) if repeated.isdigit() else 1
                table.clear()
            elif element is table:
                break  # only the first sheet is read
    return found


def _formula_cells(path: Path) -> list[str]:
    """Cells of the first sheet that hold a formula (up to a few), read from the workbook's XML
    as a stream. A formula's value is whatever the spreadsheet last worked out, which may be
    nothing at all when another program wrote the file."""
    suffix = path.suffix.lower()
    try:
        with zipfile.ZipFile(path) as book:
            if suffix in {".xlsx", ".xlsm"}:
                return _xlsx_formulas(book)
            if suffix == ".ods":
                return _ods_formulas(book)
            return []
    except (zipfile.BadZipFile, KeyError, StopIteration, ElementTree.ParseError):
        return []  # not a workbook we can look inside: calamine will say what is wrong


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


def _below_title(lines: list[str]) -> str | None:
    """The first line with a separator after a blank line, when the lines above it are a title
    (one cell each) or blank; None when the file is simply one column."""
    blank_seen = not lines[0].strip()
    for line in lines[1:]:
        if not line.strip():
            blank_seen = True
        elif any(d in line for d in DELIMITERS):
            return line if blank_seen else None
    return None


def _delimiter(path: Path, encoding: str) -> str:
    with path.open("r", encoding=encoding, newline="", errors="replace") as f:
        sample = f.read(SNIFF_BYTES)
    lines = sample.splitlines()[:TITLE_LOOKAHEAD] or [""]
    # The header decides: the separator that splits it into the most columns. A title and a
    # blank line above the header must not make the file one column (the title is then
    # reported), so with no separator on line 1 the line after such a gap decides.
    header = lines[0] if any(d in lines[0] for d in DELIMITERS) else _below_title(lines)
    counts = {d: (header or "").count(d) for d in DELIMITERS}
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


def _formulas_refused(path: Path) -> None:
    formulas = _formula_cells(path)
    if not formulas:
        return
    where = ", ".join(formulas) + (" and more" if len(formulas) >= FORMULA_SHOWN else "")
    first = formulas[0]
    raise UnreadableUpload(
        int("".join(c for c in first if c.isdigit()) or 0),
        "" if first.startswith("row") else "".join(c for c in first if c.isalpha()),
        f"The sheet holds formulas, not values ({where}). A formula's value may be missing or "
        "out of date when another program reads the file: copy the sheet and paste it as "
        "values only (Paste Special, Values), then upload it again.",
    )


def _text_encoding(path: Path) -> tuple[str, list[str]]:
    """How a text upload is encoded, and a note for the uploader when it is not plain UTF-8."""
    with path.open("rb") as f:
        head = f.read(4)
    if head.startswith(codecs.BOM_UTF8):
        return "utf-8-sig", [
            "The file started with a byte-order mark (Excel's 'CSV UTF-8'); it was ignored."
        ]
    if head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return "utf-16", ["The file was in UTF-16; it was read as such."]
    if _is_utf8(path):
        return "utf-8", []
    return "cp1252", [
        "The file was not UTF-8; it was read as Windows-1252 (Excel's default 'CSV')."
    ]


def _text_dialect(path: Path) -> tuple[str, str, list[str]]:
    encoding, notes = _text_encoding(path)
    delimiter = _delimiter(path, encoding)
    if delimiter in DELIMITERS and delimiter != ",":
        notes.append(f"The columns were separated by {DELIMITERS[delimiter]}; it was read as such.")
    return encoding, delimiter, notes


def as_utf8_csv(path: Path, filename: str, workdir: Path) -> tuple[Path, list[str]]:
    """The upload as a UTF-8 comma CSV file for DuckDB (the same file when it already is one),
    and notes on what was done to it. Raises ValueError for a file that cannot be read."""
    out = workdir / f"{uuid.uuid4().hex}.csv"
    if Path(filename).suffix.lower() in SPREADSHEETS:
        _formulas_refused(path)
        with out.open("w", encoding="utf-8", newline="") as dst:
            writer = csv.writer(dst)
            for row in _sheet_rows(path):
                writer.writerow([cell_text(v) for v in row])
        return out, [f"Read the first sheet of {filename}."]
    encoding, delimiter, notes = _text_dialect(path)
    if encoding == "utf-8" and delimiter == ",":
        return path, notes
    _rewrite(path, encoding, delimiter, out)
    return out, notes


def header_problem(first_rows: list[list[str]]) -> UnreadableUpload | None:
    """A file whose column names are not on its first line (a title, or blank lines, above
    them): the import would read the title as the header, so it is refused, saying where the
    header seems to start."""
    filled = [sum(1 for cell in row if cell.strip()) for row in first_rows]
    if not filled:
        return None
    # A title is one cell, or a short line with a blank line under it and wider lines below.
    gap_below = len(filled) > 1 and filled[1] == 0
    if filled[0] > 1 and not gap_below:
        return None
    later = next((i for i, count in enumerate(filled) if count > max(filled[0], 1)), None)
    if later is None:
        return None  # a file of one column: its one name is its header
    return UnreadableUpload(
        1,
        "",
        f"The column names must be on the first line, but they seem to start on line "
        f"{later + 1} (line 1 holds {first_rows[0][0].strip()[:60]!r} or nothing). Delete the "
        "lines above the column names, then upload the file again.",
    )


def _strict_rows(reader: Any) -> Iterator[list[str]]:
    """The rows, with a quote mark never closed (or text after a closing quote) reported at the
    row it starts, instead of the rest of the file read silently as one value."""
    row = 0  # rows read so far; the header is row 1, as a spreadsheet numbers it
    while True:
        try:
            found = next(reader)
        except StopIteration:
            return
        except csv.Error as exc:
            raise UnreadableUpload(
                row + 1,
                "",
                f"Row {row + 1}: a value's quote marks do not match ({exc}), so the rows after it "
                'cannot be told apart. Check the quote marks (") in that row, or save the file '
                "again from the spreadsheet.",
            ) from None
        row += 1
        yield found


@contextmanager
def rows_of(
    path: Path, filename: str
) -> Iterator[tuple[list[str], Iterator[list[str]], list[str]]]:
    """(header, the rows after it, notes), streamed from any supported upload: a text file is
    decoded as it is read (no copy), a workbook's first sheet cell by cell."""
    with ExitStack() as held:
        rows: Iterator[list[str]]
        if Path(filename).suffix.lower() in SPREADSHEETS:
            _formulas_refused(path)
            rows = ([cell_text(v) for v in row] for row in _sheet_rows(path))
            notes = [f"Read the first sheet of {filename}."]
        else:
            encoding, delimiter, notes = _text_dialect(path)
            text = held.enter_context(path.open(encoding=encoding, newline=""))
            rows = _strict_rows(csv.reader(text, delimiter=delimiter, strict=True))
        first = list(itertools.islice(rows, TITLE_LOOKAHEAD))
        problem = header_problem(first)
        if problem:
            raise problem
        header = first[0] if first else []
        yield header, itertools.chain(first[1:], rows), notes


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
