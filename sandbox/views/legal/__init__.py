"""Dispute and liability-exemption pages, and the legal partners' workspace."""
