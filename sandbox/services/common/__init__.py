"""Shared by every domain: the settings that come with the session, notifications, serial numbers,
idempotency, validation, upload inspection, text search."""
