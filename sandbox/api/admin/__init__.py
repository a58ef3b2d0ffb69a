"""API: admin work."""
