"""API: regulator statistics."""
