"""Voucher and redemption pages, and the office's voucher pages."""
