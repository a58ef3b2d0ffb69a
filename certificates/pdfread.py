"""Reading the signed bundle back out of a certificate PDF, with the standard library only.

The offline verifier must not need a PDF library, so this is a small reader for the files
`certificates.pdf` writes (and plain rewrites of them): trailer → catalog → embedded files →
``credential.json``. It also checks the printed QR code against the embedded credential.
"""

from __future__ import annotations

import hmac
import json
import re
import zlib
from typing import Any

from certificates.errors import CertificateVerificationError
from certificates.qr import credential_digest_b64url, parse_verification_url

ATTACHMENT_NAME = "credential.json"

_OBJECT = re.compile(rb"(\d+)\s+\d+\s+obj\b")
_LENGTH = re.compile(rb"/Length\s+(\d+)(?!\s+\d+\s+R)")
_TOKEN_END = re.compile(rb"[\s()<>\[\]{}/%]")
_REF = re.compile(rb"(\d+)\s+(\d+)\s+R\b")
_ESCAPES = {ord("n"): b"\n", ord("r"): b"\r", ord("t"): b"\t", ord("b"): b"\b", ord("f"): b"\f"}


# A bundle is a few kilobytes; a larger attachment is a decompression bomb, refused before it grows.
MAX_ATTACHMENT_BYTES = 4 * 1024 * 1024


def _inflate(data: bytes) -> bytes:
    decompressor = zlib.decompressobj()
    inflated = decompressor.decompress(data, MAX_ATTACHMENT_BYTES + 1)
    if len(inflated) > MAX_ATTACHMENT_BYTES:
        raise CertificateVerificationError("pdf", f"{ATTACHMENT_NAME} is larger than 4 MiB")
    return inflated


class _Ref(int):
    """An indirect reference (its object number) while parsing."""


def _objects(pdf: bytes) -> dict[int, tuple[bytes, bytes | None]]:
    """Map object number to (object text, raw stream) by scanning bodies; later copies win."""
    objects: dict[int, tuple[bytes, bytes | None]] = {}
    pos = 0
    while match := _OBJECT.search(pdf, pos):
        start, end = match.end(), pdf.find(b"endobj", match.end())
        if end < 0:
            break
        stream_at = pdf.find(b"stream", start, end)
        if stream_at < 0:
            objects[int(match[1])], pos = (pdf[start:end], None), end + 6
            continue
        data_at = stream_at + (8 if pdf[stream_at + 6 : stream_at + 8] == b"\r\n" else 7)
        length = _LENGTH.search(pdf, start, stream_at)
        # Skip the stream by its length, so binary data that looks like "obj" is never parsed.
        data_end = data_at + int(length[1]) if length else pdf.find(b"endstream", data_at)
        objects[int(match[1])] = (pdf[start:stream_at], pdf[data_at:data_end])
        end = pdf.find(b"endobj", data_end)
        pos = end + 6 if end >= 0 else len(pdf)
    return objects


def _parse(data: bytes, pos: int = 0) -> tuple[Any, int]:
    """Parse one PDF object (dict, array, string, name, number, reference) starting at `pos`."""
    while data[pos : pos + 1].isspace():
        pos += 1
    if data.startswith(b"<<", pos):
        result, pos = {}, pos + 2
        while True:
            key, pos = _parse(data, pos)
            if key == ">>":
                return result, pos
            result[key], pos = _parse(data, pos)
    if data.startswith(b">>", pos):
        return ">>", pos + 2
    if data.startswith(b"]", pos):
        return "]", pos + 1
    if data.startswith(b"[", pos):
        items, pos = [], pos + 1
        while (item := _parse(data, pos))[0] != "]":
            items.append(item[0])
            pos = item[1]
        return items, item[1]
    if data.startswith(b"(", pos):
        out, depth, pos = bytearray(), 0, pos + 1
        while depth or data[pos] != 41:  # ")"
            c = data[pos]
            if c == 92:  # backslash
                octal = re.match(rb"[0-7]{1,3}", data[pos + 1 : pos + 4])
                if octal:
                    out.append(int(octal[0], 8) & 255)
                else:
                    out += _ESCAPES.get(data[pos + 1], data[pos + 1 : pos + 2])
                pos += 1 + (len(octal[0]) if octal else 1)
                continue
            depth += (c == 40) - (c == 41)
            out.append(c)
            pos += 1
        return bytes(out), pos + 1
    if data.startswith(b"<", pos):
        end = data.index(b">", pos)
        return bytes.fromhex(data[pos + 1 : end].decode()), end + 1
    if ref := _REF.match(data, pos):
        return _Ref(ref[1]), ref.end()
    end = _TOKEN_END.search(data, pos + 1)
    token = data[pos : end.start() if end else len(data)]
    if token.startswith(b"/"):
        name = re.sub(rb"#([0-9A-Fa-f]{2})", lambda m: bytes([int(m[1], 16)]), token[1:])
        return "/" + name.decode(), pos + len(token)
    return (int(token) if token.lstrip(b"+-").isdigit() else token.decode()), pos + len(token)


def extract_bundle(pdf_bytes: bytes) -> dict[str, Any]:
    """Return the bundle embedded as credential.json; raise code ``pdf`` if it cannot be found or read.

    Follows the document's own structure (trailer, catalog, /EmbeddedFiles name tree), so leftover or
    decoy objects are never read. Handles PDFs this module writes and plain rewrites of them; PDFs that
    keep their objects in compressed object streams are refused.
    """
    objects = _objects(pdf_bytes)

    def get(value: Any) -> Any:
        return _parse(objects[value][0])[0] if isinstance(value, _Ref) and value in objects else value

    def entries(node: Any, depth: int = 0) -> list[Any]:
        node = get(node)
        if not isinstance(node, dict) or depth > 16:
            return []
        found = list(zip(node.get("/Names", [])[::2], node.get("/Names", [])[1::2], strict=True))
        return found + [e for kid in node.get("/Kids", []) for e in entries(kid, depth + 1)]

    try:
        trailer = _parse(pdf_bytes, pdf_bytes.rindex(b"trailer") + 7)[0]
        names = get(get(get(trailer["/Root"]).get("/Names", {})).get("/EmbeddedFiles"))
        filespec = get(dict(entries(names))[ATTACHMENT_NAME.encode()])
        stream_ref = get(filespec["/EF"]).get("/UF", get(filespec["/EF"]).get("/F"))
        header, data = _parse(objects[stream_ref][0])[0], objects[stream_ref][1]
    except (ValueError, KeyError, IndexError, TypeError, AttributeError, RecursionError):
        raise CertificateVerificationError("pdf", f"no readable {ATTACHMENT_NAME} attachment") from None
    filters = header.get("/Filter", [])
    filters = [filters] if isinstance(filters, str) else filters
    try:
        if filters == ["/FlateDecode"]:
            data = _inflate(data or b"")
        elif filters or "/DecodeParms" in header:
            raise CertificateVerificationError("pdf", f"unsupported attachment encoding {filters}")
        bundle = json.loads(data or b"")
    except RecursionError:
        raise CertificateVerificationError("pdf", f"{ATTACHMENT_NAME} is nested too deeply") from None
    except (zlib.error, ValueError) as exc:
        raise CertificateVerificationError("pdf", f"{ATTACHMENT_NAME} is unreadable: {exc}") from None
    if not isinstance(bundle, dict) or not isinstance(bundle.get("credential"), dict):
        raise CertificateVerificationError("pdf", f"{ATTACHMENT_NAME} holds no credential")
    return bundle


def check_pdf_consistency(pdf_bytes: bytes, decoded_qr_text: str) -> dict[str, Any]:
    """Check the printed QR code against the embedded bundle; return the bundle or raise ``digest``.

    A PDF whose credential.json was swapped still shows the original QR code, so the digest in the
    QR (what is on paper) must equal the digest of the embedded credential.
    """
    _, cert_id, printed = parse_verification_url(decoded_qr_text)
    bundle = extract_bundle(pdf_bytes)
    if not hmac.compare_digest(printed, credential_digest_b64url(bundle["credential"])):
        raise CertificateVerificationError("digest", "the embedded credential does not match the QR code")
    logged = ((bundle.get("transparency") or {}).get("entry") or {}).get("certId")
    if logged is not None and logged != cert_id:
        raise CertificateVerificationError("digest", "the QR code names another certificate")
    return bundle
