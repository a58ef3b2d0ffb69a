"""API: two-person decisions and the office's policy."""
