"""Certificate pages and the public verifier."""
