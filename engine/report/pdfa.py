"""Turns reportlab's PDF into PDF/A-2b (ISO 19005-2, level B).

reportlab embeds the TrueType fonts and writes the document information and an ID, but
not what PDF/A adds to a PDF:
- an XMP metadata packet (UTF-8, unfiltered, without the 'bytes' and 'encoding'
  attributes) that claims PDF/A-2b (pdfaid:part 2, pdfaid:conformance B) and repeats the
  document information property for property;
- an output intent (GTS_PDFA1) whose ICC profile says how to render the file's device RGB
  and grey (figures, coloured text): sRGB, Little CMS's built-in profile through Pillow, an
  ICC v4 display ('mntr') profile;
- the Print flag on every annotation (the contents' links);
- an end-of-line marker before every `endstream` (reportlab writes `~>endstream`).
pypdf rewrites the file with these (its writer puts the end of line before `endstream`
and a fresh cross-reference table); the objects themselves are copied as they are.
"""
import functools
import re
from xml.sax.saxutils import escape

PDFA_PART, PDFA_CONFORMANCE = 2, "B"
OUTPUT_CONDITION = "sRGB IEC61966-2.1"
PRINT_FLAG = 4  # annotation flag "Print" (PDF 1.7, table 165)
HEADER = b"%PDF-1.7"  # PDF/A-2 is based on PDF 1.7


@functools.lru_cache(maxsize=1)
def srgb_profile():
    """The bytes of an sRGB ICC profile (Little CMS's built-in sRGB)."""
    from PIL import ImageCms

    return ImageCms.ImageCmsProfile(ImageCms.createProfile("sRGB")).tobytes()


def xmp_date(pdf_date):
    """A PDF date ("D:20261130210511+00'00'") as an XMP date, the same instant."""
    found = re.match(r"D:(\d{4})(\d{2})(\d{2})(\d{2})(\d{2})(\d{2})(?:([+-])(\d{2})'(\d{2})'?|Z)?", str(pdf_date))
    if not found:
        raise ValueError(f"not a PDF date: {pdf_date!r}")
    year, month, day, hour, minute, second, sign, zone_h, zone_m = found.groups()
    zone = f"{sign}{zone_h}:{zone_m}" if sign else "Z"
    return f"{year}-{month}-{day}T{hour}:{minute}:{second}{zone}"


def _text(value):
    """XML text: escaped, without the control characters XML 1.0 cannot carry."""
    return escape(re.sub(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]", "", str(value or "")))


def xmp_packet(info):
    """The XMP packet with the PDF/A identification and the document information dictionary's
    entries (info: its Title, Author, Subject, Keywords, Creator, Producer, CreationDate,
    ModDate as strings)."""
    created, modified = xmp_date(info["/CreationDate"]), xmp_date(info.get("/ModDate", info["/CreationDate"]))
    return f"""<?xpacket begin="\ufeff" id="W5M0MpCehiHzreSzNTczkc9d"?>
<x:xmpmeta xmlns:x="adobe:ns:meta/">
 <rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#">
  <rdf:Description rdf:about="" xmlns:pdfaid="http://www.aiim.org/pdfa/ns/id/">
   <pdfaid:part>{PDFA_PART}</pdfaid:part>
   <pdfaid:conformance>{PDFA_CONFORMANCE}</pdfaid:conformance>
  </rdf:Description>
  <rdf:Description rdf:about="" xmlns:dc="http://purl.org/dc/elements/1.1/">
   <dc:format>application/pdf</dc:format>
   <dc:title><rdf:Alt><rdf:li xml:lang="x-default">{_text(info.get("/Title"))}</rdf:li></rdf:Alt></dc:title>
   <dc:creator><rdf:Seq><rdf:li>{_text(info.get("/Author"))}</rdf:li></rdf:Seq></dc:creator>
   <dc:description><rdf:Alt><rdf:li xml:lang="x-default">{_text(info.get("/Subject"))}</rdf:li></rdf:Alt></dc:description>
  </rdf:Description>
  <rdf:Description rdf:about="" xmlns:xmp="http://ns.adobe.com/xap/1.0/">
   <xmp:CreateDate>{created}</xmp:CreateDate>
   <xmp:ModifyDate>{modified}</xmp:ModifyDate>
   <xmp:MetadataDate>{modified}</xmp:MetadataDate>
   <xmp:CreatorTool>{_text(info.get("/Creator"))}</xmp:CreatorTool>
  </rdf:Description>
  <rdf:Description rdf:about="" xmlns:pdf="http://ns.adobe.com/pdf/1.3/">
   <pdf:Producer>{_text(info.get("/Producer"))}</pdf:Producer>
   <pdf:Keywords>{_text(info.get("/Keywords"))}</pdf:Keywords>
  </rdf:Description>
 </rdf:RDF>
</x:xmpmeta>
<?xpacket end="w"?>"""


def convert(source, target):
    """Writes `source` (reportlab's PDF) to `target` as PDF/A-2b."""
    from pypdf import PdfReader, PdfWriter
    from pypdf.generic import (ArrayObject, DictionaryObject, NameObject, NumberObject, StreamObject,
                               TextStringObject)

    writer = PdfWriter(clone_from=PdfReader(source))
    info = {key: str(value) for key, value in (writer.metadata or {}).items()}
    metadata = StreamObject()
    metadata.set_data(xmp_packet(info).encode("utf-8"))
    metadata.update({NameObject("/Type"): NameObject("/Metadata"), NameObject("/Subtype"): NameObject("/XML")})
    profile = StreamObject()
    profile.set_data(srgb_profile())
    profile[NameObject("/N")] = NumberObject(3)
    intent = DictionaryObject({
        NameObject("/Type"): NameObject("/OutputIntent"), NameObject("/S"): NameObject("/GTS_PDFA1"),
        NameObject("/OutputConditionIdentifier"): TextStringObject(OUTPUT_CONDITION),
        NameObject("/Info"): TextStringObject(OUTPUT_CONDITION),
        NameObject("/RegistryName"): TextStringObject("http://www.color.org"),
        NameObject("/DestOutputProfile"): writer._add_object(profile)})
    writer.root_object[NameObject("/Metadata")] = writer._add_object(metadata)
    writer.root_object[NameObject("/OutputIntents")] = ArrayObject([intent])
    for page in writer.pages:
        for annotation in page.get("/Annots") or []:
            annotation.get_object()[NameObject("/F")] = NumberObject(PRINT_FLAG)
    writer.pdf_header = HEADER
    with open(target, "wb") as fh:
        writer.write(fh)
