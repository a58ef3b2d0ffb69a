"""Innovation service vouchers: issuing, the ledger, redemptions, the provider pool, reports."""
