"""API: publication consent, the public registry and typical cases."""
