"""Read a spreadsheet (CSV in any usual dialect and encoding, or XLSX) into a header row and
data rows of text. Every problem is a ``FileProblem`` with a message for the organizer."""

from __future__ import annotations

import csv
import io
import zipfile
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
        table = _read_xlsx(content)
    elif kind in ("csv", "txt"):
        table = _read_csv(content)
    else:
        raise FileProblem(_l("Upload a CSV or XLSX file (.csv, .xlsx)."))
    return _tidy(table)


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
        rows = list(csv.reader(io.StringIO(text, newline=""), delimiter=delimiter))
    except csv.Error as error:
        raise FileProblem(_l("The CSV file is malformed: %(error)s", error=str(error))) \
            from error
    return Table(headers=rows[0] if rows else [], rows=rows[1:])


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

    try:
        workbook = load_workbook(io.BytesIO(content), read_only=True, data_only=True)
    except (zipfile.BadZipFile, KeyError, ValueError, OSError) as error:
        raise FileProblem(_l("The file is not a readable Excel workbook (.xlsx).")) from error
    try:
        sheet = workbook.worksheets[0] if workbook.worksheets else None
        if sheet is None:
            raise FileProblem(_l("The workbook has no sheet."))
        rows = []
        for row in sheet.iter_rows(values_only=True):
            rows.append([_cell(v) for v in row[:MAX_COLUMNS + 1]])
            if len(rows) > MAX_ROWS + 2:
                break
    finally:
        workbook.close()
    return Table(headers=rows[0] if rows else [], rows=rows[1:])


def _tidy(table: Table) -> Table:
    headers = [h.strip() for h in table.headers]
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
    rows: list[list[str]] = []
    blank_tail = 0
    for raw in table.rows:
        cells = [c.strip() for c in raw]
        if not any(cells):
            blank_tail += 1
            rows.append([])
            continue
        blank_tail = 0
        rows.append((cells + [""] * len(headers))[:len(headers)])
    if blank_tail:
        rows = rows[:-blank_tail]
    if not any(rows):
        raise FileProblem(_l("The file has a header line but no data rows."))
    if len(rows) > MAX_ROWS:
        raise FileProblem(_l("The file has more than %(n)d rows. Split it into smaller files.",
                             n=MAX_ROWS))
    return Table(headers=headers, rows=rows)
