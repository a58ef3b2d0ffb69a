"""The public registry, publication consent and typical cases."""
