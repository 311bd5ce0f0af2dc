"""A structural PDF/A-2b check: the rules of veraPDF's PDF/A-2B validation profile that
concern what a report can contain, checked with pypdf and fontTools (veraPDF itself is a
Java program that cannot be installed here).

Checked (clause of ISO 19005-2): 6.1.2 header and binary comment; 6.1.3 trailer ID, no
encryption, nothing after %%EOF; 6.1.7 every stream's Length and its end-of-line markers,
no external streams, standard filters (6.1.10 no LZW); 6.2.3 one output intent with an
ICC profile (display or printer class, RGB/CMYK/grey, version below 5, N matching);
6.2.5 no transfer functions or halftones in graphics states, 6.2.10 standard blend modes;
6.2.8 images (no Alternates, OPI, Interpolate; 1-16 bits); 6.2.9 no PostScript or
reference XObjects; 6.2.11 every font embedded, simple fonts' FirstChar/LastChar/Widths,
widths equal to the font program's (±1/1000 em), TrueType encodings and cmaps; 6.3
annotation types and flags (printed, not hidden), appearance streams; 6.5 actions,
no additional-actions; 6.6 XMP packet (UTF-8, no bytes/encoding attributes, parsable,
pdfaid part 2 conformance B, only predefined schemas); 6.8-6.11 no embedded files,
optional content, alternate presentations, Requirements. Beyond PDF/A-2 (PDF/A-1 asked
it, 6.7.3): the document information dictionary's entries equal their XMP properties.

Not checked: content-stream operators and inherited resources (6.2.2), glyph presence for
every shown character (6.2.11.4.1, 6.2.11.8), implementation limits (6.1.13).
"""
import io
import re
import xml.etree.ElementTree as ET

STANDARD_FILTERS = {"/ASCIIHexDecode", "/ASCII85Decode", "/FlateDecode", "/RunLengthDecode", "/CCITTFaxDecode",
                    "/JBIG2Decode", "/DCTDecode", "/JPXDecode"}
BLEND_MODES = {"/Normal", "/Compatible", "/Multiply", "/Screen", "/Overlay", "/Darken", "/Lighten", "/ColorDodge",
               "/ColorBurn", "/HardLight", "/SoftLight", "/Difference", "/Exclusion", "/Hue", "/Saturation",
               "/Color", "/Luminosity"}
ANNOTATIONS = {"/Text", "/Link", "/FreeText", "/Line", "/Square", "/Circle", "/Polygon", "/PolyLine", "/Highlight",
               "/Underline", "/Squiggly", "/StrikeOut", "/Stamp", "/Caret", "/Ink", "/Popup", "/FileAttachment",
               "/Widget", "/PrinterMark", "/TrapNet", "/Watermark", "/Redact"}
ACTIONS = {"/GoTo", "/GoToR", "/GoToE", "/Thread", "/URI", "/Named", "/SubmitForm"}
XMP_SCHEMAS = {"http://www.aiim.org/pdfa/ns/id/", "http://purl.org/dc/elements/1.1/", "http://ns.adobe.com/xap/1.0/",
               "http://ns.adobe.com/pdf/1.3/", "http://ns.adobe.com/xap/1.0/mm/"}
RDF = "http://www.w3.org/1999/02/22-rdf-syntax-ns#"


def violations(path):
    """Every broken rule as 'clause: what' (empty when the file passes)."""
    from pypdf import PdfReader

    raw = open(path, "rb").read()
    reader = PdfReader(io.BytesIO(raw))
    found = []
    found += _file_structure(raw, reader)
    found += _streams(raw, reader)
    found += _output_intent(reader)
    found += _resources(reader)
    found += _annotations_and_actions(reader)
    found += _metadata(reader)
    root = reader.trailer["/Root"]
    for key, clause in (("/OCProperties", "6.9"), ("/Requirements", "6.11"), ("/AA", "6.5.2"),
                        ("/AcroForm", "6.4")):
        if key in root:
            found.append(f"{clause}: catalog has {key}")
    names = root.get("/Names")
    if names is not None and ("/EmbeddedFiles" in names.get_object() or "/AlternatePresentations" in names.get_object()):
        found.append("6.8/6.10: embedded files or alternate presentations")
    return found


def _file_structure(raw, reader):
    found = []
    first, second = raw.split(b"\n", 2)[:2]
    if not re.fullmatch(rb"%PDF-1\.[0-7]\r?", first):
        found.append(f"6.1.2: header {first[:10]!r}")
    if not (second.startswith(b"%") and len(second) >= 5 and all(b > 127 for b in second[1:5])):
        found.append("6.1.2: no binary comment after the header")
    if not reader.trailer.get("/ID"):
        found.append("6.1.3: trailer has no ID")
    if "/Encrypt" in reader.trailer:
        found.append("6.1.3: encrypted")
    if raw.rstrip(b"\r\n")[-5:] != b"%%EOF":
        found.append("6.1.3: data after %%EOF")
    return found


def _objects(reader):
    """(number, object) of every object in the cross-reference table."""
    for number in range(1, int(reader.trailer["/Size"])):
        try:
            obj = reader.get_object(number)
        except Exception:
            continue
        if obj is not None:
            yield number, obj


def _streams(raw, reader):
    from pypdf.generic import StreamObject

    found = []
    offsets = reader.xref.get(0, {})
    for number, obj in _objects(reader):
        if not isinstance(obj, StreamObject):
            continue
        for key in ("/F", "/FFilter", "/FDecodeParms"):
            if key in obj:
                found.append(f"6.1.7.1: stream {number} is external ({key})")
        filters = obj.get("/Filter")
        names = [] if filters is None else [str(f) for f in (filters if isinstance(filters, list) else [filters])]
        for name in names:
            if name not in STANDARD_FILTERS:
                found.append(f"6.1.7.2: stream {number} uses filter {name}")
        start = offsets.get(number)
        if start is None:
            continue
        keyword = raw.index(b"stream", raw.index(b"obj", start))
        after = raw[keyword + 6:keyword + 8]
        if not (after == b"\r\n" or after[:1] == b"\n"):
            found.append(f"6.1.7.1: stream {number}: 'stream' not followed by an end of line")
            continue
        data = keyword + 6 + (2 if after == b"\r\n" else 1)
        declared = re.search(rb"/Length\s+(\d+)(\s+\d+\s+R)?", raw[start:keyword])  # pypdf drops it when parsing
        length = int(reader.get_object(int(declared.group(1)))) if declared.group(2) else int(declared.group(1))
        end = data + length
        if not re.match(rb"(\r\n|\r|\n)endstream", raw[end:end + 12]):
            found.append(f"6.1.7.1: stream {number}: Length {length} does not end at an end of line "
                         f"before 'endstream' ({raw[end - 2:end + 10]!r})")
    return found


def _output_intent(reader):
    from pypdf.generic import StreamObject

    found = []
    intents = [i.get_object() for i in reader.trailer["/Root"].get("/OutputIntents") or []]
    profiles = {id(i["/DestOutputProfile"].get_object()) for i in intents if "/DestOutputProfile" in i}
    pdfa = [i for i in intents if i.get("/S") == "/GTS_PDFA1"]
    if not pdfa:
        return ["6.2.3: no GTS_PDFA1 output intent"]
    if len(profiles) > 1:
        found.append("6.2.3: output intents with different profiles")
    profile = pdfa[0].get("/DestOutputProfile")
    if profile is None or not isinstance(profile.get_object(), StreamObject):
        return found + ["6.2.3: output intent without an ICC profile stream"]
    icc = profile.get_object().get_data()
    device_class, space, major = icc[12:16], icc[16:20], icc[8]
    channels = {b"RGB ": 3, b"CMYK": 4, b"GRAY": 1}.get(space)
    if device_class not in (b"prtr", b"mntr") or channels is None or major >= 5:
        found.append(f"6.2.3: ICC profile class {device_class!r}, space {space!r}, version {major}")
    if channels is not None and int(profile.get_object().get("/N", -1)) != channels:
        found.append("6.2.3: ICC profile's N does not match its colour space")
    return found


def _resources(reader):
    """Graphics states, images, XObjects and fonts of every page and form (depth-first)."""
    found, seen = [], set()

    def visit(resources):
        resources = resources.get_object() if resources is not None else {}
        for state in (resources.get("/ExtGState") or {}).values():
            state = state.get_object()
            if "/TR" in state or ("/TR2" in state and state["/TR2"] != "/Default") or "/HTP" in state:
                found.append("6.2.5: transfer function or halftone phase in a graphics state")
            modes = state.get("/BM")
            for mode in (modes if isinstance(modes, list) else [modes] if modes is not None else []):
                if mode not in BLEND_MODES:
                    found.append(f"6.2.10: blend mode {mode}")
            if state.get("/RI") not in (None, "/RelativeColorimetric", "/AbsoluteColorimetric", "/Perceptual",
                                        "/Saturation"):
                found.append(f"6.2.6: rendering intent {state['/RI']}")
        for ref in (resources.get("/XObject") or {}).values():
            xobject = ref.get_object()
            if id(xobject) in seen:
                continue
            seen.add(id(xobject))
            if xobject.get("/Subtype") == "/Image":
                if "/Alternates" in xobject or "/OPI" in xobject or xobject.get("/Interpolate") is True:
                    found.append("6.2.8: image with Alternates, OPI or Interpolate")
                bits = xobject.get("/BitsPerComponent")
                if not xobject.get("/ImageMask") and bits not in (None, 1, 2, 4, 8, 16):
                    found.append(f"6.2.8: image with {bits} bits per component")
            elif xobject.get("/Subtype") == "/Form":
                if "/Ref" in xobject or xobject.get("/Subtype2") == "/PS" or "/OPI" in xobject:
                    found.append("6.2.9: reference, PostScript or OPI form XObject")
                visit(xobject.get("/Resources"))
            else:
                found.append(f"6.2.9: XObject of subtype {xobject.get('/Subtype')}")
        for ref in (resources.get("/Font") or {}).values():
            font = ref.get_object()
            if id(font) not in seen:
                seen.add(id(font))
                found.extend(_font(font))

    for page in reader.pages:
        visit(page.get("/Resources"))
    return found


def _font(font):
    """6.2.11: an embedded font program whose widths and encoding agree with the font dictionary."""
    from fontTools.ttLib import TTFont

    name, subtype = font.get("/BaseFont"), font.get("/Subtype")
    if subtype == "/Type3":
        return []
    if subtype == "/Type0":
        return [f"6.2.11: {name}: composite fonts are not checked here"]
    descriptor = (font.get("/FontDescriptor") or {}).get_object() if font.get("/FontDescriptor") else {}
    program = next((descriptor[k] for k in ("/FontFile", "/FontFile2", "/FontFile3") if k in descriptor), None)
    if program is None:
        return [f"6.2.11.4.1: {name} is not embedded"]
    found = []
    first, last, widths = font.get("/FirstChar"), font.get("/LastChar"), font.get("/Widths")
    if first is None or last is None or widths is None or len(widths) != last - first + 1:
        return [f"6.2.11.2: {name}: FirstChar/LastChar/Widths missing or inconsistent"]
    if subtype != "/TrueType" or "/FontFile2" not in descriptor:
        return found
    ttf = TTFont(io.BytesIO(program.get_object().get_data()))
    symbolic = bool(int(descriptor.get("/Flags", 0)) & 4)
    tables = ttf["cmap"].tables
    if symbolic:
        if "/Encoding" in font:
            found.append(f"6.2.11.6: symbolic TrueType {name} has an Encoding")
        if len(tables) != 1 and not any((t.platformID, t.platEncID) == (3, 0) for t in tables):
            found.append(f"6.2.11.6: symbolic TrueType {name}: several cmaps, none (3,0)")
    elif font.get("/Encoding") not in ("/MacRomanEncoding", "/WinAnsiEncoding"):
        found.append(f"6.2.11.6: non-symbolic TrueType {name} with encoding {font.get('/Encoding')}")
    cmap = tables[0].cmap
    per_em = ttf["head"].unitsPerEm
    for code in range(first, last + 1):
        glyph = cmap.get(code)
        if glyph is None:
            continue
        program_width = ttf["hmtx"][glyph][0] * 1000.0 / per_em
        if abs(program_width - float(widths[code - first])) > 1:
            found.append(f"6.2.11.5: {name}: width of code {code} is {widths[code - first]}, "
                         f"the font program's {program_width:.1f}")
    return found


def _annotations_and_actions(reader):
    found = []
    for number, page in enumerate(reader.pages, 1):
        if "/AA" in page:
            found.append(f"6.5.2: page {number} has additional actions")
        for ref in page.get("/Annots") or []:
            annotation = ref.get_object()
            subtype = annotation.get("/Subtype")
            if subtype not in ANNOTATIONS:
                found.append(f"6.3.1: page {number}: annotation {subtype}")
            flags = annotation.get("/F")
            if subtype != "/Popup" and flags is None:
                found.append(f"6.3.2: page {number}: {subtype} annotation without flags")
            elif flags is not None and (flags & (1 | 2 | 32 | 256) or not flags & 4):
                found.append(f"6.3.2: page {number}: {subtype} annotation flags {flags} (hidden or not printed)")
            if subtype not in ("/Link", "/Popup") and "/AP" not in annotation:
                found.append(f"6.3.3: page {number}: {subtype} annotation without an appearance")
            action = annotation.get("/A")
            if action is not None and action.get_object().get("/S") not in ACTIONS:
                found.append(f"6.5.1: page {number}: action {action.get_object().get('/S')}")
    return found


def _metadata(reader):
    """6.6: the XMP packet, its PDF/A identification and the document information in it."""
    root = reader.trailer["/Root"]
    if "/Metadata" not in root:
        return ["6.6.2.1: no XMP metadata stream"]
    stream = root["/Metadata"].get_object()
    found = []
    if stream.get("/Type") != "/Metadata" or stream.get("/Subtype") != "/XML":
        found.append("6.6.2.1: metadata stream is not Type Metadata, Subtype XML")
    data = stream.get_data()
    header = re.match(rb"<\?xpacket ([^?]*)\?>", data)
    if header is None:
        return found + ["6.6.2.1: no xpacket header"]
    if b"bytes=" in header.group(1) or b"encoding=" in header.group(1):
        found.append("6.6.2.1: xpacket header has a bytes or encoding attribute")
    try:
        text = data.decode("utf-8")
        tree = ET.fromstring(re.sub(r"<\?xpacket[^?]*\?>", "", text).strip())
    except (UnicodeDecodeError, ET.ParseError) as err:
        return found + [f"6.6.2.1: XMP packet is not UTF-8 XML ({err})"]
    values = {}
    for description in tree.iter(f"{{{RDF}}}Description"):
        for prop in description:
            namespace, _, local = prop.tag[1:].partition("}")
            if namespace not in XMP_SCHEMAS:
                found.append(f"6.6.2.3.1: property {local} of an undeclared schema {namespace}")
            items = [li.text or "" for li in prop.iter(f"{{{RDF}}}li")]
            values[local] = items[0] if items else (prop.text or "")
    if values.get("part") != "2" or values.get("conformance") != "B":
        found.append(f"6.6.4: pdfaid part {values.get('part')} conformance {values.get('conformance')}")
    info = reader.metadata or {}
    for key, prop in (("/Title", "title"), ("/Author", "creator"), ("/Subject", "description"),
                      ("/Producer", "Producer"), ("/Creator", "CreatorTool"), ("/Keywords", "Keywords")):
        if key in info and str(info[key]) != values.get(prop, ""):
            found.append(f"info = XMP: Info {key} {str(info[key])!r} differs from XMP {prop} {values.get(prop)!r}")
    created = re.match(r"D:(\d{4})(\d\d)(\d\d)(\d\d)(\d\d)(\d\d)", str(info.get("/CreationDate", "")))
    if created and not values.get("CreateDate", "").startswith("{}-{}-{}T{}:{}:{}".format(*created.groups())):
        found.append("info = XMP: Info CreationDate differs from XMP CreateDate")
    return found
