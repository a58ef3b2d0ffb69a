"""Regulator statistics, stage durations and the annual report."""
