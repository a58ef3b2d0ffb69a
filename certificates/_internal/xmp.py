"""The XMP metadata packet of a printed credential (private).

The same facts as the PDF's document information dictionary — title, author (the issuer), subject,
keywords, creation and modification time, creator tool and producer — in the XML form archives and
PDF/A-aware tools read. Deterministic for the same input (no generated ids), so the page stays
reproducible. Standard library only.
"""

from __future__ import annotations

from dataclasses import dataclass
from xml.sax.saxutils import escape


@dataclass(frozen=True)
class DocumentInfo:
    title: str
    author: str
    subject: str
    keywords: str
    created: str  # XMP date, e.g. 2026-12-07T18:31:00+08:00
    creator_tool: str
    producer: str


def xmp_packet(info: DocumentInfo) -> bytes:
    """Return the XMP packet (UTF-8, with the xpacket wrapper) describing the document."""
    e = escape
    body = f"""<?xpacket begin="\ufeff" id="W5M0MpCehiHzreSzNTczkc9d"?>
<x:xmpmeta xmlns:x="adobe:ns:meta/">
 <rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#">
  <rdf:Description rdf:about=""
    xmlns:dc="http://purl.org/dc/elements/1.1/"
    xmlns:xmp="http://ns.adobe.com/xap/1.0/"
    xmlns:pdf="http://ns.adobe.com/pdf/1.3/">
   <dc:format>application/pdf</dc:format>
   <dc:title><rdf:Alt><rdf:li xml:lang="x-default">{e(info.title)}</rdf:li></rdf:Alt></dc:title>
   <dc:creator><rdf:Seq><rdf:li>{e(info.author)}</rdf:li></rdf:Seq></dc:creator>
   <dc:description><rdf:Alt><rdf:li xml:lang="x-default">{e(info.subject)}</rdf:li></rdf:Alt></dc:description>
   <dc:language><rdf:Bag><rdf:li>zh-CN</rdf:li><rdf:li>en</rdf:li></rdf:Bag></dc:language>
   <xmp:CreateDate>{e(info.created)}</xmp:CreateDate>
   <xmp:ModifyDate>{e(info.created)}</xmp:ModifyDate>
   <xmp:MetadataDate>{e(info.created)}</xmp:MetadataDate>
   <xmp:CreatorTool>{e(info.creator_tool)}</xmp:CreatorTool>
   <pdf:Producer>{e(info.producer)}</pdf:Producer>
   <pdf:Keywords>{e(info.keywords)}</pdf:Keywords>
  </rdf:Description>
 </rdf:RDF>
</x:xmpmeta>
<?xpacket end="w"?>"""
    return body.encode("utf-8")
