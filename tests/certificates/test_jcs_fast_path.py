"""The JSON fast path of `canonicalize` writes exactly what rfc8785 writes, or defers to it."""

from __future__ import annotations

import random
from typing import Any

import pytest
import rfc8785

from certificates.errors import CertificateError
from certificates.jcs import canonicalize

TRICKY = ["\x00\x01\x1f\x7f", "é\u2028\u2029", '"\\/', "中文", "\ud7ff\ue000\uffff", "𝄞", ""]


def test_tricky_strings_and_keys_match_rfc8785() -> None:
    for i, text in enumerate(TRICKY):
        value: dict[str, Any] = {f"k{i}": text, text: i, "list": [text, 1, -(2**53) + 1, True, None, {}]}
        assert canonicalize(value) == rfc8785.dumps(value)
    # keys beyond U+FFFF sort by UTF-16 code units: the slow path must be taken, and agree
    value = {"\ue000": 1, "𝄞": 2, "a": {"b": [], "c": {}}}
    assert canonicalize(value) == rfc8785.dumps(value)


def test_random_values_match_rfc8785() -> None:
    rng = random.Random(20260101)
    for _ in range(3000):
        chars = [
            chr(
                rng.choice(
                    [rng.randrange(0, 0x80), rng.randrange(0x80, 0xD800), rng.randrange(0xE000, 0x110000)]
                )
            )
            for _ in range(6)
        ]
        key, text = "".join(chars[:3]), "".join(chars[3:])
        value: dict[str, Any] = {key: text, text: [key, rng.randrange(-(10**12), 10**12)], "x": {key: None}}
        assert canonicalize(value) == rfc8785.dumps(value)


def test_floats_and_unsafe_integers_are_still_refused() -> None:
    for value in ({"a": 1.5}, [2**60], {"a": "\ud800"}):
        with pytest.raises(CertificateError):
            canonicalize(value)
