"""API: cases, their records, history and lookups."""
