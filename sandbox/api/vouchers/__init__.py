"""API: vouchers, redemptions and the provider pool."""
