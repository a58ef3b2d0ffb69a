"""The provider redeems a voucher in the browser, the enterprise confirms it, the regulator approves it on
the redemption's page after a confirmation page, and the enterprise sees the new balance; the
regulator's budget page works."""

from __future__ import annotations

import re
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
    form.locator("[name=contract_signed_on]").fill("2026-03-02")
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

    holder = sign_in(applicant)
    holder.goto(f"{live_server}/vouchers/redemptions")  # what waits for the holder's confirmation
    with holder.expect_navigation():
        holder.locator("#redemptions tbody tr").first.locator("a").click()
    with holder.expect_navigation():
        holder.locator("#redemption-actions button[value=confirm]").click()
    expect(holder.locator("#confirm-redemption")).to_contain_text("YZBZ-2026-0042")
    shot(holder, "applicant-confirms-redemption")
    with holder.expect_navigation():
        holder.locator("#confirm-redemption button[name=confirm]").click()
    expect(holder.locator("#redemption-status")).to_contain_text("待审核")

    office = sign_in(regulator)
    office.goto(f"{live_server}/vouchers/redemptions")
    row = office.locator("#redemptions tbody tr").first
    expect(row).to_contain_text("YZBZ-2026-0042")
    with office.expect_navigation():
        row.locator("a").click()
    facts = office.locator("#redemption-facts")
    expect(facts).to_contain_text(voucher.code)
    expect(facts).to_contain_text("2026-03-02")
    expect(office.locator("#redemption-invoice")).to_have_attribute("href", re.compile(r"/invoice$"))
    with office.expect_navigation():
        office.locator("#redemption-actions button[value=approve]").click()
    shot(office, "regulator-confirms-approval")
    with office.expect_navigation():
        office.locator("#confirm-redemption button[name=confirm]").click()
    expect(office.locator("#redemption-status")).to_contain_text("已通过")
    office.goto(f"{live_server}/vouchers/redemptions?status=approved")
    expect(office.locator("#redemptions tbody tr")).to_have_count(1)
    office.goto(f"{live_server}/vouchers/budget")
    expect(office.locator("main")).to_contain_text("通用数据")  # the sector by name, not its code
    shot(office, "regulator-voucher-budget")

    holder.goto(f"{live_server}/vouchers/{voucher.id}")
    expect(holder.locator("#voucher-balance")).to_have_attribute("data-fen", str(20_000_000 - 5_000_000))
    expect(holder.locator("#voucher-redemptions")).to_contain_text("YZBZ-2026-0042")
    shot(holder, "applicant-voucher-balance")
