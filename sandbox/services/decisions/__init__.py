"""Two-person decisions: one regulator proposes, another confirms; the office's policy."""
