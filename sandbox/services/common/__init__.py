"""Shared by every domain: notifications, serial numbers, idempotency, validation, upload inspection, text
search."""
