"""Backing up an instance and restoring it into an empty one."""
