"""A CSV file read as a table, for the read-only table view: parsed by Python's csv module
(never by hand), the first rows only, with what was left out said."""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass

from django.template.defaultfilters import filesizeformat

MAX_BYTES = 5 * 1024 * 1024
MAX_ROWS = 500
MAX_COLUMNS = 50
SEPARATORS = {";": "semicolons", "\t": "tabs", "|": "bars"}  # commas go without saying
# Enough of the file for the sniffer to tell a comma from a semicolon or a tab.
SNIFF_CHARS = 16 * 1024


class CsvTableError(ValueError):
    """Why a file cannot be shown as a table, in words for its owner."""


@dataclass(frozen=True)
class CsvTable:
    header: list[str]
    rows: list[list[str]]  # at most MAX_ROWS, each padded to the header's width
    total_rows: int  # data rows in the file, the header not counted
    total_columns: int
    delimiter: str

    @property
    def separator(self) -> str | None:
        """How the cells are separated, when it is not by commas."""
        return SEPARATORS.get(self.delimiter)

    @property
    def rows_cut(self) -> bool:
        return self.total_rows > len(self.rows)

    @property
    def columns_cut(self) -> bool:
        return self.total_columns > len(self.header)


def _delimiter(text: str) -> str:
    """The sniffer's guess of the separator only: its guesses of the quoting rules would
    let a broken file through (a stray quote read as no quote at all)."""
    try:
        return csv.Sniffer().sniff(text[:SNIFF_CHARS], delimiters=",;\t|").delimiter
    except csv.Error:  # one column, or nothing to tell by: commas
        return ","


def csv_table_read(file) -> CsvTable:
    """The table in a stored file (SandboxFile or ExecutionFile); CsvTableError if it is
    too big, not UTF-8 text, empty or not valid CSV."""
    name = file.path
    if file.size > MAX_BYTES:
        raise CsvTableError(
            f"{name} is {filesizeformat(file.size)}; the table view reads files up to "
            f"{filesizeformat(MAX_BYTES)}. Download it instead."
        )
    try:
        text = file.read().decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise CsvTableError(
            f"{name} is not UTF-8 text (at byte {error.start:,}): it cannot be read as CSV."
        ) from None
    if not text.strip():
        raise CsvTableError(f"{name} is empty: there is no table to show.")

    delimiter = _delimiter(text)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter, strict=True)
    rows: list[list[str]] = []
    total_rows = total_columns = 0
    try:
        for row in reader:
            if not row:
                continue  # a blank line separates nothing
            total_rows += 1
            total_columns = max(total_columns, len(row))
            if len(rows) <= MAX_ROWS:  # the header and MAX_ROWS rows
                rows.append(row[:MAX_COLUMNS])
    except csv.Error as error:
        raise CsvTableError(f"{name} is not valid CSV: line {reader.line_num}: {error}.") from None

    width = min(total_columns, MAX_COLUMNS)
    header, *body = (row + [""] * (width - len(row)) for row in rows)
    return CsvTable(
        header=header,
        rows=body,
        total_rows=total_rows - 1,
        total_columns=total_columns,
        delimiter=delimiter,
    )
