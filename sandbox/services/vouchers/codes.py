"""Voucher codes: 16 random characters (80 bits) from Crockford's base-32 alphabet and a check character.

The check character is Luhn mod 32 over the alphabet, so any single mistyped character and any swap of
two neighbours is caught before a database look-up. Codes are shown in groups of four
(`7K2Q-…-M`); input is read leniently (case, spaces, dashes, O→0, I/L→1).
"""

from __future__ import annotations

import secrets

from sandbox.errors import N_, ValidationFailed

ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
BODY_LENGTH = 16
_LOOKALIKES = str.maketrans({"O": "0", "I": "1", "L": "1", "U": "V"})


def check_character(body: str) -> str:
    """Return the Luhn mod 32 check character of `body`."""
    base, factor, total = len(ALPHABET), 2, 0
    for char in reversed(body):
        addend = factor * ALPHABET.index(char)
        factor = 1 if factor == 2 else 2
        total += addend // base + addend % base
    return ALPHABET[(base - total % base) % base]


def new_code() -> str:
    """Return a fresh, unguessable voucher code with its check character, grouped for reading."""
    body = "".join(secrets.choice(ALPHABET) for _ in range(BODY_LENGTH))
    return group(body + check_character(body))


def group(raw: str) -> str:
    return "-".join(raw[index : index + 4] for index in range(0, BODY_LENGTH, 4)) + "-" + raw[BODY_LENGTH:]


def normalise(text: str) -> str:
    """Return the canonical form of a typed code, or refuse it (wrong length or check character)."""
    raw = "".join(char for char in (text or "").upper() if char not in " -\t").translate(_LOOKALIKES)
    if len(raw) != BODY_LENGTH + 1 or any(char not in ALPHABET for char in raw):
        raise ValidationFailed.single("code", N_("A voucher code has 17 letters and digits; check it."))
    if check_character(raw[:BODY_LENGTH]) != raw[BODY_LENGTH]:
        raise ValidationFailed.single(
            "code", N_("This voucher code is mistyped (its check character fails).")
        )
    return group(raw)
