"""Builders for test data, one module per domain, one function per thing; each commits so that HTTP
requests see it. `from tests import factories` gives all of them (`factories.make_user`, …)."""

from tests.factories.accounts import (
    PASSWORD,
    ROLE_ORGANISATION,
    account_data,
    enterprise_data,
    make_organisation,
    make_uscc,
    make_user,
    next_serial,
)
from tests.factories.cases import (
    GENERAL_PLAN,
    MAIN_PATH,
    NOTES,
    RISK_ANSWERS,
    TEST_WORDS,
    driver,
    make_case,
    make_document,
    submit_case,
    upload_material,
)
from tests.factories.legal import make_contract_dispute, make_dispute
from tests.factories.vouchers import make_provider, make_redemption, make_voucher

__all__ = [
    "GENERAL_PLAN", "MAIN_PATH", "NOTES", "PASSWORD", "RISK_ANSWERS", "ROLE_ORGANISATION", "TEST_WORDS",
    "account_data", "driver", "enterprise_data", "make_case", "make_contract_dispute", "make_dispute",
    "make_document",
    "make_organisation", "make_provider", "make_redemption", "make_user", "make_uscc", "make_voucher",
    "next_serial", "submit_case", "upload_material",
]  # fmt: skip
