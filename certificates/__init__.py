"""Exit certificates: credentials, proofs, keys, status lists, transparency log, PDF, QR, verifier.

This package is the trust core of Sandbox. It depends only on the standard library, cryptography,
reportlab, rfc8785 and the QR encoder; it must never import flask, sqlmodel or sandbox, so that a bank
or a court can run the offline verifier with nothing but this package and a trust bundle.
"""
