"""Reading tables of codes and terms from CSV and Excel files, with row and column for errors.

A table has a header row naming its columns (in any order; unknown names are errors, so a typo
never silently drops a column). Rows are numbered as a spreadsheet shows them: the header is
row 1, the first data row is row 2. ``table_read`` reads a small table whole;
``table_file_inspect`` and ``table_file_rows`` stream files of any size (registry imports).
Cells are text, stripped; an Excel date becomes YYYY-MM-DD
and a whole number stays without ".0", so codes like 01 survive when typed as text.
"""

from __future__ import annotations

import codecs
import csv
import datetime as dt
import hashlib
import io
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

from django.utils.translation import gettext as _

#: Largest file read (a national code list such as GB/T 2260 with every county is ~300 kB).
MAX_TABLE_BYTES = 10 * 1024 * 1024
#: Most data rows read from one file.
MAX_TABLE_ROWS = 50_000


@dataclass(frozen=True)
class TableProblem:
    """A problem in a table: the spreadsheet row (1 is the header), column name and message."""

    row: int
    column: str
    message: str


class TableError(ValueError):
    """The file cannot be read as a table at all; ``problems`` say where and why."""

    def __init__(self, problems: list[TableProblem]) -> None:
        self.problems = problems
        super().__init__("; ".join(p.message for p in problems))


@dataclass
class Table:
    """The header's column names and the data rows (column -> text), each with its row number."""

    columns: list[str]
    rows: list[tuple[int, dict[str, str]]] = field(default_factory=list)


def _cell(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, dt.datetime):
        return value.date().isoformat() if value.time() == dt.time() else value.isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


def _decode(content: bytes) -> str:
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            return content.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise TableError([TableProblem(1, "", _("The file is neither UTF-8 nor GB 18030 text."))])


def _csv_rows(content: bytes) -> list[list[str]]:
    text = _decode(content)
    return [[_cell(c) for c in row] for row in csv.reader(io.StringIO(text, newline=""))]


def _excel_rows(content: bytes) -> list[list[str]]:
    import openpyxl  # imported here: only Excel uploads need it
    from openpyxl.utils.exceptions import InvalidFileException

    try:
        workbook = openpyxl.load_workbook(io.BytesIO(content), read_only=True, data_only=True)
    except (InvalidFileException, KeyError, OSError, ValueError) as exc:
        raise TableError(
            [TableProblem(1, "", _("The file is not an Excel workbook (.xlsx)."))]
        ) from exc
    try:
        sheet = workbook.worksheets[0]
        rows: list[list[str]] = []
        for row in sheet.iter_rows(values_only=True):
            rows.append([_cell(c) for c in row])
            if len(rows) > MAX_TABLE_ROWS + 1:
                break
        return rows
    finally:
        workbook.close()


def table_read(*, file_name: str, content: bytes, columns: tuple[str, ...]) -> Table:
    """Read a CSV (UTF-8 or GB 18030) or Excel (.xlsx, first sheet) table with known ``columns``.

    Blank rows are skipped. Raises ``TableError`` when the file is too large or unreadable, has
    no header, has an unknown or repeated column name, or more than ``MAX_TABLE_ROWS`` rows.
    """
    if len(content) > MAX_TABLE_BYTES:
        raise TableError(
            [
                TableProblem(
                    1,
                    "",
                    _("The file is larger than %(size)d MB.") % {"size": MAX_TABLE_BYTES >> 20},
                )
            ]
        )
    is_excel = file_name.lower().endswith((".xlsx", ".xlsm"))
    raw = _excel_rows(content) if is_excel else _csv_rows(content)
    if not raw or not any(raw[0]):
        raise TableError([TableProblem(1, "", _("The file has no header row."))])
    header = [name.strip().lower() for name in raw[0]]
    while header and header[-1] == "":
        header.pop()
    problems = [
        TableProblem(1, name or f"#{index}", _("Unknown column %(name)s.") % {"name": name or "''"})
        for index, name in enumerate(header, start=1)
        if name not in columns
    ]
    problems += [
        TableProblem(1, name, _("The column %(name)s appears twice.") % {"name": name})
        for index, name in enumerate(header)
        if name and name in header[:index]
    ]
    if problems:
        raise TableError(problems)
    if len(raw) - 1 > MAX_TABLE_ROWS:
        raise TableError(
            [
                TableProblem(
                    1, "", _("The file has more than %(max)d rows.") % {"max": MAX_TABLE_ROWS}
                )
            ]
        )
    table = Table(columns=header)
    for number, cells in enumerate(raw[1:], start=2):
        if not any(cells):
            continue
        values = {name: (cells[i] if i < len(cells) else "") for i, name in enumerate(header)}
        extra = [c for c in cells[len(header) :] if c]
        if extra:
            raise TableError(
                [TableProblem(number, "", _("The row has more cells than the header."))]
            )
        table.rows.append((number, values))
    return table


@dataclass(frozen=True)
class TableFile:
    """A table file read once to know it: SHA-256, text encoding (CSV) and number of data rows."""

    path: Path
    sha256: str
    encoding: str  # "" for Excel
    data_rows: int

    @property
    def is_excel(self) -> bool:
        return self.path.name.lower().endswith((".xlsx", ".xlsm"))


def table_file_inspect(path: Path) -> TableFile:
    """Hash ``path``, find a CSV's encoding (UTF-8 or GB 18030) and count the data rows.

    For files of any size (millions of rows): read in chunks, never whole into memory.
    Raises ``TableError`` when a CSV is neither UTF-8 nor GB 18030 or the workbook is unreadable.
    """
    digest = hashlib.sha256()
    decoder = codecs.getincrementaldecoder("utf-8")()
    is_utf8 = True
    with path.open("rb") as stream:
        while chunk := stream.read(1 << 20):
            digest.update(chunk)
            if is_utf8:
                try:
                    decoder.decode(chunk)
                except UnicodeDecodeError:
                    is_utf8 = False
    if is_utf8:
        try:
            decoder.decode(b"", final=True)
        except UnicodeDecodeError:
            is_utf8 = False
    info = TableFile(path=path, sha256=digest.hexdigest(), encoding="", data_rows=0)
    if not info.is_excel:
        info = TableFile(path, info.sha256, "utf-8-sig" if is_utf8 else "gb18030", 0)
        if not is_utf8:
            try:
                with path.open(encoding="gb18030") as text:
                    for _line in text:
                        pass
            except UnicodeDecodeError as exc:
                raise TableError(
                    [TableProblem(1, "", _("The file is neither UTF-8 nor GB 18030 text."))]
                ) from exc
    rows = sum(1 for _number, cells in table_file_rows(info) if any(cells))
    return TableFile(info.path, info.sha256, info.encoding, max(0, rows - 1))


def table_file_rows(info: TableFile) -> Iterator[tuple[int, list[str]]]:
    """Yield ``(spreadsheet row, cells)`` of every row of the file, the header (row 1) first.

    Cells are text as ``table_read`` makes them. Blank rows are yielded too (numbering stays
    the spreadsheet's); callers skip them.
    """
    if info.is_excel:
        import openpyxl
        from openpyxl.utils.exceptions import InvalidFileException

        try:
            workbook = openpyxl.load_workbook(info.path, read_only=True, data_only=True)
        except (InvalidFileException, KeyError, OSError, ValueError) as exc:
            raise TableError(
                [TableProblem(1, "", _("The file is not an Excel workbook (.xlsx)."))]
            ) from exc
        try:
            for number, row in enumerate(workbook.worksheets[0].iter_rows(values_only=True), 1):
                yield number, [_cell(c) for c in row]
        finally:
            workbook.close()
        return
    with info.path.open(encoding=info.encoding, newline="") as text:
        for number, row in enumerate(csv.reader(text), 1):
            yield number, [_cell(c) for c in row]
