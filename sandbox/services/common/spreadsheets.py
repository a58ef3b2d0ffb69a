"""Excel workbooks for staff exports: one writer for the case list and the voucher office's books.

Callers describe sheets as columns and rows of plain values; this module turns them into an .xlsx file
(openpyxl) with a bold, frozen header row, set column widths, money as numbers in yuan (`#,##0.00`),
dates as real Excel dates and times in Beijing time. Text a spreadsheet would read as a formula
(= + - @ first) is written as a text cell with a leading apostrophe, so an enterprise's project title
cannot run in an officer's Excel. No Flask here: the callers choose the language of the headers.
"""

from __future__ import annotations

import io
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any
from zoneinfo import ZoneInfo

from openpyxl import Workbook
from openpyxl.cell.cell import Cell
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter

MEDIA_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
MONEY_FORMAT = "#,##0.00"
DATE_FORMAT = "yyyy-mm-dd"
TIME_FORMAT = "yyyy-mm-dd hh:mm"
BEIJING = ZoneInfo("Asia/Shanghai")
FORMULA_STARTS = ("=", "+", "-", "@")


@dataclass(frozen=True)
class Column:
    header: str
    width: int = 16
    money: bool = False  # the values are integer fen, shown as yuan


@dataclass
class Sheet:
    title: str
    columns: Sequence[Column]
    rows: list[Sequence[Any]] = field(default_factory=list)


def safe_text(text: str) -> str:
    """Return text a spreadsheet shows as written: a formula-like start gets a leading apostrophe."""
    return "'" + text if text.startswith(FORMULA_STARTS) else text


def _write(cell: Cell, value: Any, column: Column) -> None:
    if value is None:
        cell.value = None
    elif column.money:
        cell.value = value / 100  # fen → yuan; the format shows exactly two decimals
        cell.number_format = MONEY_FORMAT
    elif isinstance(value, datetime):
        # Excel has no time zones: write the Beijing wall-clock time, as the pages show it.
        cell.value = value.astimezone(BEIJING).replace(tzinfo=None)
        cell.number_format = TIME_FORMAT
    elif isinstance(value, date):
        cell.value = value
        cell.number_format = DATE_FORMAT
    elif isinstance(value, (int, float)):
        cell.value = value
    else:
        cell.value = safe_text(str(value))
        cell.data_type = "s"  # never a formula, whatever the text


def workbook_bytes(sheets: Iterable[Sheet]) -> bytes:
    """Write the sheets into one .xlsx workbook and return its bytes."""
    book = Workbook()
    book.remove(book.active)  # type: ignore[arg-type]
    for sheet in sheets:
        page = book.create_sheet(sheet.title[:31])  # Excel's limit on a sheet name
        page.append([column.header for column in sheet.columns])
        for cell in page[1]:
            cell.font = Font(bold=True)
        for number, row in enumerate(sheet.rows, start=2):
            for index, (value, column) in enumerate(zip(row, sheet.columns, strict=True), start=1):
                _write(page.cell(row=number, column=index), value, column)
        for index, column in enumerate(sheet.columns, start=1):
            page.column_dimensions[get_column_letter(index)].width = column.width
        page.freeze_panes = "A2"
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()
