"""Pages for two-person decisions."""
