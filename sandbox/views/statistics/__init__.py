"""Regulator statistics pages and their server-drawn charts."""
