"""The workbook writer: header row frozen and bold, widths set, money in yuan, Beijing dates, and text
that looks like a formula stays text."""

from __future__ import annotations

import io
from datetime import UTC, date, datetime

from openpyxl import load_workbook

from sandbox.services.common.spreadsheets import Column, Sheet, safe_text, workbook_bytes


def open_book(data: bytes):
    return load_workbook(io.BytesIO(data))


def test_a_sheet_has_a_frozen_bold_header_widths_and_typed_cells() -> None:
    columns = [Column("名称", 30), Column("金额（元）", 14, money=True), Column("日期"), Column("时间")]
    at = datetime(2026, 12, 7, 16, 30, tzinfo=UTC)  # 00:30 on 8 December in Beijing
    data = workbook_bytes([Sheet("台账", columns, [("项目甲", 123_456_78, date(2026, 12, 7), at)])])
    sheet = open_book(data)["台账"]
    assert [cell.value for cell in sheet[1]] == ["名称", "金额（元）", "日期", "时间"]
    assert sheet["A1"].font.bold and sheet.freeze_panes == "A2"
    assert sheet.column_dimensions["A"].width == 30 and sheet.column_dimensions["B"].width == 14
    assert sheet["B2"].value == 123456.78 and sheet["B2"].number_format == "#,##0.00"
    assert sheet["C2"].value == datetime(2026, 12, 7) and sheet["C2"].is_date
    assert sheet["D2"].value == datetime(2026, 12, 8, 0, 30) and sheet["D2"].is_date


def test_text_that_looks_like_a_formula_is_written_as_text() -> None:
    hostile = ['=HYPERLINK("http://evil.example","点我")', "+1+1", "-2", "@SUM(A1)"]
    data = workbook_bytes([Sheet("s", [Column("t")], [(text,) for text in hostile])])
    sheet = open_book(data)["s"]
    for row, text in enumerate(hostile, start=2):
        cell = sheet.cell(row=row, column=1)
        assert cell.data_type == "s" and cell.value == "'" + text
    assert safe_text("普通标题") == "普通标题"


def test_one_workbook_holds_a_sheet_per_kind_in_order() -> None:
    data = workbook_bytes([Sheet("甲", [Column("a")], [(1,)]), Sheet("乙", [Column("b")], [])])
    book = open_book(data)
    assert book.sheetnames == ["甲", "乙"] and book["乙"].max_row == 1
