"""The unified social credit code check (GB 32100-2015)."""

import pytest
from hypothesis import given
from hypothesis import strategies as st

from sandbox.validators import USCC_ALPHABET, USCCError, check_uscc, uscc_check_character

# Published codes of well-known companies (from their business licences).
REAL_CODES = {
    "914403001922038216": "华为技术有限公司",
    "91330100716105852F": "阿里巴巴（中国）有限公司",
    "91440300708461136T": "深圳市腾讯计算机系统有限公司",
    "91110000802100433B": "北京百度网讯科技有限公司",
    "91110108558521630L": "小米通讯技术有限公司",
    "91110302562134916R": "北京京东世纪贸易有限公司",
}


@pytest.mark.parametrize("code", sorted(REAL_CODES))
def test_real_codes_are_accepted(code: str) -> None:
    assert check_uscc(code) == code


def test_codes_are_normalised() -> None:
    assert check_uscc(" 91110302 562134916r ") == "91110302562134916R"


@pytest.mark.parametrize("code", sorted(REAL_CODES))
def test_every_single_character_change_is_refused(code: str) -> None:
    for position in range(18):
        for replacement in USCC_ALPHABET + "IOSVZ-":
            if replacement == code[position]:
                continue
            changed = code[:position] + replacement + code[position + 1 :]
            with pytest.raises(USCCError):
                check_uscc(changed)


@pytest.mark.parametrize(
    ("value", "reason"),
    [
        ("9111030256213491", "length"),
        ("91110302562134916RR", "length"),
        ("91110302562134916O", "charset"),
        ("9111030256213491IR", "charset"),
        ("91110302562134916X", "check"),
    ],
)
def test_refusal_reasons(value: str, reason: str) -> None:
    with pytest.raises(USCCError) as raised:
        check_uscc(value)
    assert raised.value.code == reason


@given(st.text(alphabet=USCC_ALPHABET, min_size=17, max_size=17))
def test_check_character_completes_any_body(body: str) -> None:
    assert check_uscc(body + uscc_check_character(body)) == body + uscc_check_character(body)


@given(st.text(alphabet=USCC_ALPHABET, min_size=17, max_size=17), st.integers(0, 16), st.integers(1, 30))
def test_changing_one_body_character_changes_the_check(body: str, position: int, shift: int) -> None:
    # Weights 3^i mod 31 are non-zero mod the prime 31, so every single substitution is caught.
    index = (USCC_ALPHABET.index(body[position]) + shift) % 31
    changed = body[:position] + USCC_ALPHABET[index] + body[position + 1 :]
    assert uscc_check_character(changed) != uscc_check_character(body)
