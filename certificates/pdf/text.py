"""What the printed page must say: the credential's key facts, checked against the page's own text.

A verifier that checks only the embedded credential can be fooled by a page that says something else.
So the text extracted from the page (`certificates.pdf.read`) must state, each after its own label and in
the words `certificates.pdf.render` prints, the number, the enterprise, its USCC, the filing number and the
outcome (an exemption decision: the decision) of the credential; each of those labels appears once; and
no other USCC-shaped or number-shaped code appears on the page, so an added line or an overlay that
prints another code is caught even where it does not replace the original text. The seal's caption
(`certificates.pdf.seal`) must print the binding of the credential's SM2 signature when the credential has
one, and no binding when it has none, so a seal copied from another credential's page is caught. Line
breaks and spaces are ignored (wrapping differs between fonts). A mismatch raises
`CertificateVerificationError` with code ``printed_text``. Standard library and this package only.

Public API:
    printed_facts(credential) -> [(name, text)]   the key facts as the page prints them
    check_printed_text(text, credential)          raise ``printed_text`` on any mismatch; return the
                                                  seal binding the page prints (None: no SM2 signature)
    check_printed_seal(text, credential)          just the seal's binding, the same way
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Mapping
from typing import Any

from certificates.credentials import is_valid_uscc
from certificates.errors import CertificateVerificationError
from certificates.pdf.layouts import Layout, layout_for, pick_value, value_lines
from certificates.pdf.seal import credential_seal_binding, printed_seal_bindings

__all__ = ["check_printed_seal", "check_printed_text", "printed_facts"]

_PUNCTUATION = ":：,，.。;；()（）[]【】<>《》\"'“”‘’"


def _squeeze(text: str) -> str:
    return "".join(unicodedata.normalize("NFC", text).split())


def _words(text: str) -> list[str]:
    return [word.strip(_PUNCTUATION) for word in unicodedata.normalize("NFC", text).split()]


def _shape(code: str) -> re.Pattern[str] | None:
    """A pattern for codes shaped like `code` (YZCC-2026-0001: capitals, digits, digits), if it is one."""
    runs = re.findall(r"[0-9]+|[A-Z]+|[^0-9A-Z]+", code)
    if not any(r[0].isdigit() for r in runs) or not any("A" <= r[0] <= "Z" for r in runs):
        return None  # plain digits or words would match ordinary text on the page
    return re.compile("".join(
        "[0-9]+" if r[0].isdigit() else "[A-Z]+" if "A" <= r[0] <= "Z" else re.escape(r) for r in runs
    ))  # fmt: skip


def _facts(credential: Mapping[str, Any], layout: Layout) -> list[tuple[str, str, str]]:
    """(name, label, value as printed) for the number and every key field of the layout."""
    subject = credential.get("credentialSubject") or {}
    number = str(pick_value(subject, layout.number_keys) or "—")
    facts = [("number", f"{layout.number_label}:", number)]
    for field in layout.fields:
        if field.key:
            value = "".join(value_lines(pick_value(subject, field.keys), layout.values))
            facts.append((field.en, f"{field.zh}{field.en}", value))
    return facts


def printed_facts(credential: Mapping[str, Any]) -> list[tuple[str, str]]:
    """The key facts of `credential` as its page prints them: (name, label followed by value)."""
    layout = layout_for(credential)
    return [(name, f"{label} {value}") for name, label, value in _facts(credential, layout)]


def check_printed_seal(text: str, credential: Mapping[str, Any]) -> str | None:
    """Raise ``printed_text`` unless the seal on the page is bound to the credential's SM2 signature (or,
    for a credential without one, prints no binding); return the binding printed."""
    expected = credential_seal_binding(credential)
    printed = printed_seal_bindings(text)
    if expected is None:
        shown = sorted({binding or "?" for binding in printed})
        if shown:
            raise CertificateVerificationError(
                "printed_text",
                f"the seal prints the SM2 signature digest {', '.join(shown)}, "
                "but the credential has no SM2 signature",
            )
        return None
    if not printed:
        raise CertificateVerificationError(
            "printed_text", f"the seal is not bound to the credential's SM2 signature (digest {expected})"
        )
    wrong = sorted({binding or "?" for binding in printed if binding != expected})
    if wrong:
        raise CertificateVerificationError(
            "printed_text",
            f"the seal's printed SM2 signature digest {', '.join(wrong)} is not the credential's "
            f"SM2 signature digest {expected}",
        )
    return expected


def check_printed_text(text: str, credential: Mapping[str, Any]) -> str | None:
    """Raise ``printed_text`` unless the page's `text` states the credential's key facts, and no others,
    under a seal bound to its SM2 signature; return the seal's binding (None: no SM2 signature)."""
    layout = layout_for(credential)
    facts = _facts(credential, layout)
    page = _squeeze(text)
    missing = [name for name, label, value in facts if _squeeze(label + value) not in page]
    if missing:
        raise CertificateVerificationError(
            "printed_text", f"the page does not state the credential's {', '.join(missing)}"
        )
    repeated = [name for name, label, _ in facts if page.count(_squeeze(label)) != 1]
    if repeated:
        raise CertificateVerificationError(
            "printed_text", f"the page states {', '.join(repeated)} more than once"
        )
    subject = credential.get("credentialSubject") or {}
    number = str(pick_value(subject, layout.number_keys) or "")
    known = {value for _, _, value in facts}
    words = _words(text)
    foreign = [w for w in words if len(w) == 18 and is_valid_uscc(w) and w not in known]
    shape = _shape(number)
    if shape is not None:
        foreign += [w for w in words if shape.fullmatch(w) and w not in known]
    if foreign:
        codes = ", ".join(sorted(set(foreign)))
        raise CertificateVerificationError("printed_text", f"the page also prints {codes}")
    return check_printed_seal(text, credential)
