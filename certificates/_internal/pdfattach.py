"""Embedding a file in a reportlab PDF as a document-level attachment (private).

reportlab has no public API for attachments; this module is the one place that reaches into its PDF
object classes and the document catalog. reportlab only.
"""

from __future__ import annotations

from reportlab.pdfbase import pdfdoc
from reportlab.pdfgen.canvas import Canvas


def attach_file(canvas: Canvas, name: str, data: bytes, description: str) -> None:
    """Embed `data` as a document-level file attachment (the catalog's /EmbeddedFiles name tree).

    reportlab has no public API for this; its own PDF object classes and the document catalog are the
    narrowest way in, and the result is a standard attachment any PDF reader lists.
    """
    doc = canvas._doc
    stream = pdfdoc.PDFStream(
        pdfdoc.PDFDictionary(
            {
                "Type": pdfdoc.PDFName("EmbeddedFile"),
                # a MIME type as a name: the slash must be written as #2F
                "Subtype": "/application#2Fjson",
                "Params": pdfdoc.PDFDictionary({"Size": len(data)}),
            }
        ),
        content=data,
        filters=[pdfdoc.PDFZCompress],
    )
    filespec = pdfdoc.PDFDictionary(
        {
            "Type": pdfdoc.PDFName("Filespec"),
            "F": pdfdoc.PDFString(name),
            "UF": pdfdoc.PDFString(name),
            "Desc": pdfdoc.PDFString(description),
            "AFRelationship": pdfdoc.PDFName("Source"),
            "EF": pdfdoc.PDFDictionary({"F": doc.Reference(stream)}),
        }
    )
    names = pdfdoc.PDFArray([pdfdoc.PDFString(name), doc.Reference(filespec)])
    doc.Catalog.Names = pdfdoc.PDFDictionary({"EmbeddedFiles": pdfdoc.PDFDictionary({"Names": names})})
    doc.Catalog.PageMode = pdfdoc.PDFName("UseAttachments")  # viewers open the attachment panel
