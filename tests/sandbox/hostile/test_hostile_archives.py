"""Archives and certificate files built to hurt: inspected in memory within bounds, refused with a 422.

ZIP-based uploads (DOCX, XLSX, ZIP, OFD) are inspected without extraction
(`sandbox.services.common.archives`);
the certificate verifier's uploads — a PDF whose credential.json inflates to hundreds of megabytes, a
PDF or JSON nested tens of thousands deep, a number of thousands of digits — end in 422, never a 500.
"""

from __future__ import annotations

import io
import zlib
from collections.abc import Iterator
from pathlib import Path

import pytest
from flask.testing import FlaskClient

from sandbox.services.cases.documents import clean_filename
from sandbox.services.common import archives
from sandbox.services.common.archives import UnsafeArchive, zip_media_type
from tests.conftest import make_test_app
from tests.sandbox.hostile.files import (
    HOSTILE_NAMES,
    many_entries,
    minimal_pdf,
    multipart,
    nested,
    office,
    zip_bomb,
)


def test_archive_inspection_bounds_size_entries_and_nesting() -> None:
    assert len(zip_bomb()) < 8 * 2**20  # small on the wire ...
    with pytest.raises(UnsafeArchive, match="expands to more than"):
        zip_media_type(zip_bomb())  # ... refused from the sizes the directory declares, nothing inflated
    with pytest.raises(UnsafeArchive, match="more than"):
        zip_media_type(many_entries(archives.MAX_ENTRIES + 1))
    with pytest.raises(UnsafeArchive, match="nested too deeply"):
        zip_media_type(nested(3))
    # A document embedding one spreadsheet is ordinary.
    embedded = office(
        {"word/document.xml": b"<w:document/>", "word/embeddings/a.xlsx": office({"xl/x": b"1"})}
    )
    assert zip_media_type(embedded) == archives.OFFICE_ZIP_TYPES["word/"]
    assert zip_media_type(nested(2)) == "application/zip"
    assert zip_media_type(many_entries(100)) == "application/zip"
    # Damaged archives are simply not ZIPs.
    assert zip_media_type(b"PK\x03\x04" + b"\x00" * 100) is None
    damaged = bytearray(office({"word/document.xml": b"<w:document/>" * 50}))
    damaged[60:90] = b"\xff" * 30
    assert zip_media_type(bytes(damaged)) is None


def test_clean_filename_keeps_only_a_harmless_last_component() -> None:
    assert clean_filename("..\\..\\windows\\system.ini.pdf") == "system.ini.pdf"
    assert clean_filename("C:\\Users\\a\\合同.pdf") == "合同.pdf"
    assert clean_filename("line\r\nX-Injected: 1.pdf") == "lineX-Injected: 1.pdf"
    assert clean_filename("a/../../") == "document"
    for sent, stored in HOSTILE_NAMES:
        if "\\" not in sent:
            assert clean_filename(sent) == stored


@pytest.fixture
def verifier(sqlite_template: Path, tmp_path: Path) -> Iterator[FlaskClient]:
    path = tmp_path / "verify.db"
    path.write_bytes(sqlite_template.read_bytes())
    app = make_test_app(f"sqlite:///{path}", tmp_path / "verify")
    yield app.test_client()
    app.extensions["sandbox.engine"].dispose()


def test_verifier_refuses_decompression_bombs_and_deep_json(verifier: FlaskClient) -> None:
    inflator = zlib.compressobj(9)
    bomb = inflator.compress(bytes(256 << 20)) + inflator.flush()  # 256 MiB of zeros in ~250 KB
    uploads = [
        ("bomb.pdf", minimal_pdf(bomb)),
        ("deep.pdf", minimal_pdf(zlib.compress(b"[" * 50_000 + b"]" * 50_000))),
        ("trailer.pdf", minimal_pdf(b"{}", flate=False, root=b"[" * 50_000)),
        ("deep.json", b"[" * 100_000 + b"]" * 100_000),
        ("deep-object.json", b'{"a":' * 100_000 + b"1" + b"}" * 100_000),
        ("digits.json", b'{"credential": 1' + b"0" * 5000 + b"}"),
    ]
    for name, data in uploads:
        for url in ("/api/v1/verify", "/verify"):
            response = verifier.post(url, **multipart({"file": (io.BytesIO(data), name)}))
            if name.endswith(".json"):  # not a bundle at all: refused as input
                assert response.status_code == 422, (url, name, response.status_code)
            elif url.startswith("/api/"):  # a PDF that is no readable certificate: judged invalid
                assert response.status_code == 200, (url, name, response.status_code)
                report = response.get_json()
                assert report["verdict"] == "invalid", (name, report)
                assert [c["name"] for c in report["checks"] if c["outcome"] == "fail"] == ["attachment"]
            else:
                assert response.status_code == 200, (url, name, response.status_code)
                assert "无效" in response.get_data(as_text=True), name
