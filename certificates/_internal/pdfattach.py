"""Embedding a file and XMP metadata in a reportlab PDF at the document level (private).

reportlab has no public API for attachments, associated files or an XMP stream; this module is the one
place that reaches into its PDF object classes and the document catalog. The attachment is a standard
embedded file any reader lists, related to the document as its data source the way PDF/A-3 does it
(``/AFRelationship /Data`` and the catalog's ``/AF`` array). reportlab only.
"""

from __future__ import annotations

from reportlab.pdfbase import pdfdoc
from reportlab.pdfgen.canvas import Canvas


def _allow_catalog_entry(catalog: pdfdoc.PDFCatalog, key: str) -> None:
    # The catalog writes only the keys it knows; /AF (PDF 2.0, PDF/A-3) is not among them.
    known = list(catalog.__NoDefault__)
    if key not in known:
        catalog.__NoDefault__ = [*known, key]


def attach_file(canvas: Canvas, name: str, data: bytes, description: str, *, pdf_date: str) -> None:
    """Embed `data` as the document's data source: the /EmbeddedFiles name tree and the catalog's /AF.

    `pdf_date` (``D:YYYYMMDDHHmmSS+08'00'``) is written as the file's creation and modification date.
    """
    doc = canvas._doc  # type: ignore[attr-defined]  # reportlab has no public handle on the document
    stream = pdfdoc.PDFStream(
        pdfdoc.PDFDictionary(
            {
                "Type": pdfdoc.PDFName("EmbeddedFile"),
                # a MIME type as a name: the slash must be written as #2F
                "Subtype": "/application#2Fjson",
                "Params": pdfdoc.PDFDictionary(
                    {
                        "Size": len(data),
                        "CreationDate": pdfdoc.PDFString(pdf_date),
                        "ModDate": pdfdoc.PDFString(pdf_date),
                    }
                ),
            }
        ),
        content=data,
        filters=[pdfdoc.PDFZCompress],
    )
    filespec = doc.Reference(
        pdfdoc.PDFDictionary(
            {
                "Type": pdfdoc.PDFName("Filespec"),
                "F": pdfdoc.PDFString(name),
                "UF": pdfdoc.PDFString(name),
                "Desc": pdfdoc.PDFString(description),
                "AFRelationship": pdfdoc.PDFName("Data"),
                "EF": pdfdoc.PDFDictionary({"F": doc.Reference(stream), "UF": doc.Reference(stream)}),
            }
        )
    )
    names = pdfdoc.PDFArray([pdfdoc.PDFString(name), filespec])
    doc.Catalog.Names = pdfdoc.PDFDictionary({"EmbeddedFiles": pdfdoc.PDFDictionary({"Names": names})})
    _allow_catalog_entry(doc.Catalog, "AF")
    doc.Catalog.AF = pdfdoc.PDFArray([filespec])
    doc.Catalog.PageMode = pdfdoc.PDFName("UseAttachments")  # viewers open the attachment panel


def set_xmp_metadata(canvas: Canvas, xmp: bytes) -> None:
    """Attach an XMP packet as the catalog's /Metadata stream, unfiltered so any tool can read it."""
    doc = canvas._doc  # type: ignore[attr-defined]  # reportlab has no public handle on the document
    stream = pdfdoc.PDFStream(
        pdfdoc.PDFDictionary({"Type": pdfdoc.PDFName("Metadata"), "Subtype": pdfdoc.PDFName("XML")}),
        content=xmp,
        filters=[],
    )
    doc.Catalog.Metadata = stream
