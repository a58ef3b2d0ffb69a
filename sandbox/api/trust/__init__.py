"""API: certificates, verification, status lists, the transparency log and the documents a W3C verifier
dereferences."""
