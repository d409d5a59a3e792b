"""Read a spreadsheet (CSV in any usual dialect and encoding, or XLSX) into a header row and
data rows of text. Every problem is a ``FileProblem`` with a message for the organizer."""

from __future__ import annotations

import csv
import io
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, datetime

from flask_babel import lazy_gettext as _l

MAX_ROWS = 5000
MAX_COLUMNS = 200


class FileProblem(Exception):
    """The file as a whole cannot be read; nothing is imported."""


@dataclass
class Table:
    headers: list[str]
    rows: list[list[str]]  # each as long as ``headers``
    first_line: int = 2  # the spreadsheet line number of rows[0] (the header is line 1)


def read_table(filename: str, content: bytes) -> Table:
    kind = filename.rsplit(".", 1)[-1].lower() if "." in filename else ""
    if not content:
        raise FileProblem(_l("The file is empty."))
    if kind == "xlsx":
        return _read_xlsx(content)
    if kind in ("csv", "txt"):
        return _read_csv(content)
    raise FileProblem(_l("Upload a CSV or XLSX file (.csv, .xlsx)."))


def decode_text(content: bytes) -> str:
    """UTF-8 (with or without BOM), else Windows-1252 as Excel writes it in Western Europe."""
    for encoding in ("utf-8-sig", "cp1252"):
        try:
            text = content.decode(encoding)
        except UnicodeDecodeError:
            continue
        if "\x00" in text:  # anywhere in the file, not only at its start: no database stores it
            raise FileProblem(_l("This does not look like a CSV file (it contains binary "
                                 "data)."))
        return text
    raise FileProblem(_l("The file is neither UTF-8 nor Windows-1252 text. Save it as CSV "
                         "(UTF-8) and try again."))


def _read_csv(content: bytes) -> Table:
    if content.startswith(b"PK\x03\x04"):
        raise FileProblem(_l("This file is an Excel workbook, not CSV: name it .xlsx."))
    if b"\x00" in content[:4096]:
        raise FileProblem(_l("This does not look like a CSV file (it contains binary data)."))
    text = decode_text(content)
    first_line = text.split("\n", 1)[0]
    try:
        dialect = csv.Sniffer().sniff(first_line, delimiters=",;\t")
        delimiter = dialect.delimiter
    except csv.Error:
        delimiter = max(",;\t", key=first_line.count)
    try:
        return _tidy(csv.reader(io.StringIO(text, newline=""), delimiter=delimiter))
    except csv.Error as error:
        raise FileProblem(_l("The CSV file is malformed: %(error)s", error=str(error))) \
            from error


def _cell(value) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, datetime | date):
        return value.isoformat()
    return str(value)


def _read_xlsx(content: bytes) -> Table:
    from openpyxl import load_workbook

    try:  # read-only: rows stream from the zip, so a huge sheet stops at the row limit
        workbook = load_workbook(io.BytesIO(content), read_only=True, data_only=True)
    except (zipfile.BadZipFile, KeyError, ValueError, OSError) as error:
        raise FileProblem(_l("The file is not a readable Excel workbook (.xlsx).")) from error
    try:
        if not workbook.worksheets:
            raise FileProblem(_l("The workbook has no sheet."))
        rows = workbook.worksheets[0].iter_rows(values_only=True)
        return _tidy([_cell(v) for v in row[:MAX_COLUMNS + 1]] for row in rows)
    finally:
        workbook.close()


def _tidy(lines: Iterator[list[str]]) -> Table:
    """Header and data rows, read only as far as needed: a file over the row limit is refused
    as soon as its first row past the limit is read, not after all of it is in memory."""
    headers = _headers(next(lines, []))
    rows: list[list[str]] = []  # a blank line is [] (skipped later, but it keeps line numbers)
    blank_run = 0  # blank lines are only kept once a data row follows: trailing ones do not count
    for raw in lines:
        if not any(cell.strip() for cell in raw):
            blank_run += 1
            continue
        if len(rows) + blank_run >= MAX_ROWS:
            raise FileProblem(_l("The file has more than %(n)d rows. Split it into smaller "
                                 "files.", n=MAX_ROWS))
        rows.extend([] for _ in range(blank_run))
        blank_run = 0
        cells = [cell.strip() for cell in raw[:len(headers)]]
        rows.append(cells + [""] * (len(headers) - len(cells)))
    if not rows:
        raise FileProblem(_l("The file has a header line but no data rows."))
    return Table(headers=headers, rows=rows)


def _headers(raw: list[str]) -> list[str]:
    headers = [h.strip() for h in raw]
    while headers and not headers[-1]:
        headers.pop()
    if not any(headers):
        raise FileProblem(_l("The first line must name the columns; it is empty."))
    if len(headers) > MAX_COLUMNS:
        raise FileProblem(_l("The file has more than %(n)d columns.", n=MAX_COLUMNS))
    seen: set[str] = set()
    for header in headers:
        if header and header.lower() in seen:
            raise FileProblem(_l("The column “%(name)s” appears twice in the first line.",
                                 name=header))
        seen.add(header.lower())
    return headers
