"""The voucher books as .xlsx for the office: a sheet each for vouchers, ledger entries and
redemptions, amounts as yuan numbers, dates as Excel dates, statuses as words; regulators only."""

from __future__ import annotations

import io
from datetime import datetime

from openpyxl import load_workbook

from sandbox.services.common.spreadsheets import MEDIA_TYPE
from tests.sandbox.views.vouchers.test_vouchers_pages import signed_in
from tests.sandbox.voucher_helpers import body, confirmed, setup


def book_of(response):
    assert response.status_code == 200, response.get_data(as_text=True)[:300]
    assert response.mimetype == MEDIA_TYPE
    return load_workbook(io.BytesIO(response.data))


def test_the_office_downloads_vouchers_ledger_and_redemptions(app, client, session) -> None:
    world = setup(client, session)
    voucher = world["voucher"]
    created = confirmed(client, world, body(voucher.code, contract_number="=cmd|' /C calc'!A0"))
    office = signed_in(app, world["regulator"])
    assert "/vouchers/export.xlsx" in office.get("/vouchers/budget").get_data(as_text=True)

    book = book_of(office.get("/vouchers/export.xlsx"))
    assert book.sheetnames == ["服务券", "服务券台账", "核销记录"]
    vouchers = book["服务券"]
    assert vouchers["A1"].value == "券号" and vouchers.freeze_panes == "A2"
    assert vouchers["A2"].value == voucher.code and vouchers["F2"].value == "启用"
    assert vouchers["G2"].value == voucher.amount_fen / 100 and vouchers["G2"].number_format == "#,##0.00"
    issued = datetime.combine(voucher.issued_on, datetime.min.time())
    assert vouchers["I2"].is_date and vouchers["I2"].value == issued

    ledger = [[c.value for c in row] for row in book["服务券台账"].iter_rows(min_row=2)]
    assert [row[2] for row in ledger] == ["发放", "核销预扣"]
    assert ledger[1][3] == -50_000.00 and ledger[1][5] == created["id"]
    assert isinstance(ledger[0][6], datetime)

    redemptions = book["核销记录"]
    assert redemptions["A2"].value == created["id"] and redemptions["B2"].value == "待审核"
    assert redemptions["G2"].value == "'=cmd|' /C calc'!A0" and redemptions["G2"].data_type == "s"
    assert redemptions["I2"].value == 100_000.00 and redemptions["J2"].value == 50_000.00
    assert redemptions["H2"].is_date and redemptions["K2"].is_date


def test_the_api_twin_is_for_regulators_and_speaks_english_on_request(client, session) -> None:
    world = setup(client, session)
    headers = world["headers"]
    in_english = {**headers["regulator"], "Accept-Language": "en"}
    english = client.get("/api/v1/vouchers/export.xlsx", headers=in_english)
    book = book_of(english)
    assert book.sheetnames == ["Vouchers", "Voucher ledger", "Redemptions"]
    assert book["Vouchers"]["F2"].value == "Active"
    for who in ("applicant", "provider"):
        refused = client.get("/api/v1/vouchers/export.xlsx", headers=headers[who])
        assert refused.status_code == 403 and refused.mimetype == "application/problem+json"
