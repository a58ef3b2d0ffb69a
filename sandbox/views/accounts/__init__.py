"""Signing in and out, registration, the account page and notifications."""
