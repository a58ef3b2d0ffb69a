"""API: disputes and liability exemptions."""
