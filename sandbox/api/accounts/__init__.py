"""API: tokens, accounts, settings and notifications."""
