"""Sandbox projects: filing, editing, assignment, documents, the trial's records and stage clock."""
