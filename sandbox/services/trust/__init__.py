"""Certificates and the trust they carry: signing keys, status lists, the transparency log, verification."""
