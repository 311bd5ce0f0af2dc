"""The PDF document: embedded fonts, styles, tables, outline, "N of M" page numbers.

Every font is a TrueType font embedded in the file (DejaVu Sans from matplotlib's own
fonts), never one of the 14 standard PDF fonts a reader must substitute. Headings become
PDF outline entries (bookmarks) and lines of the table of contents; the document is built
in as many passes as the contents need, and the page footer says "page N of M". The file
is PDF/A-2b (engine/report/pdfa.py).
"""
import functools
import io
import os

from engine.report import pdfa, vector
from engine.report.glyphs import legible

RED, GREEN, AMBER = "#b00020", "#1b7f3a", "#9a5b00"
LABEL_COLOURS = {"generated": RED, "real": GREEN, "inconclusive": AMBER}
BODY_SIZE = 9.5
SMALL_SIZE = 9  # the smallest text in the report: tables, notes, footer
FONT = "DejaVuSans"
MONO = "DejaVuSansMono"
# (style name, outline level); the case title is level 0 only in a report of several cases
HEADINGS = {"CaseTitle": 0, "Title": 1, "Heading1": 1, "Heading2": 2}


@functools.lru_cache(maxsize=None)
def register_fonts():
    """Registers DejaVu Sans (regular, bold, italic) and DejaVu Sans Mono with reportlab."""
    import matplotlib
    from reportlab.lib.fonts import addMapping
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.ttfonts import TTFont

    folder = os.path.join(matplotlib.get_data_path(), "fonts", "ttf")
    for family in (FONT, MONO):
        faces = {(0, 0): family, (1, 0): f"{family}-Bold", (0, 1): f"{family}-Oblique",
                 (1, 1): f"{family}-BoldOblique"}
        for (bold, italic), name in faces.items():
            font = TTFont(name, os.path.join(folder, f"{name}.ttf"))
            _mend_advance_widths(font.face, os.path.join(folder, f"{name}.ttf"))
            pdfmetrics.registerFont(font)
            addMapping(family, bold, italic, name)


def _mend_advance_widths(face, path):
    """reportlab 5.1 reads the glyphs after the hmtx table's last full entry (all of a
    monospaced font's) with the advance already scaled to 1/1000 em, and writes that into the
    embedded subset's hmtx: the font program's widths then disagree with the PDF's (PDF/A
    6.2.11.5). Puts the advance in font units back."""
    from fontTools.ttLib import TTFont as FontTools

    full = FontTools(path, lazy=True)["hhea"].numberOfHMetrics
    advance = face.hmetrics[full - 1][0]
    face.hmetrics[full:] = [(advance, lsb) for _, lsb in face.hmetrics[full:]]


@functools.lru_cache(maxsize=None)
def styles():
    from reportlab.lib.styles import ParagraphStyle, getSampleStyleSheet

    register_fonts()
    sheet = getSampleStyleSheet()
    out = {}
    body = ParagraphStyle("Body", parent=sheet["BodyText"], fontName=FONT, fontSize=BODY_SIZE, leading=12.5,
                          spaceAfter=3)
    out["Body"] = body
    out["Small"] = ParagraphStyle("Small", parent=body, fontSize=SMALL_SIZE, leading=11.2, spaceAfter=2)
    out["Cell"] = ParagraphStyle("Cell", parent=body, fontSize=SMALL_SIZE, leading=10.8, spaceAfter=0)
    out["Mono"] = ParagraphStyle("Mono", parent=out["Cell"], fontName=MONO)
    out["Title"] = ParagraphStyle("Title", parent=sheet["Title"], fontName=f"{FONT}-Bold", fontSize=18, leading=22)
    out["CaseTitle"] = ParagraphStyle("CaseTitle", parent=out["Title"], alignment=0, fontSize=16, leading=20)
    out["Heading1"] = ParagraphStyle("Heading1", parent=sheet["Heading1"], fontName=f"{FONT}-Bold", fontSize=14,
                                     leading=17, spaceBefore=8, spaceAfter=5, keepWithNext=1)
    out["Heading2"] = ParagraphStyle("Heading2", parent=sheet["Heading2"], fontName=f"{FONT}-Bold", fontSize=11.5,
                                     leading=14, spaceBefore=8, spaceAfter=3, keepWithNext=1)
    out["Heading3"] = ParagraphStyle("Heading3", parent=out["Heading2"], fontSize=10, leading=12.5, spaceBefore=4)
    for level in range(3):
        out[f"TOC{level}"] = ParagraphStyle(f"TOC{level}", parent=body, fontSize=BODY_SIZE + 0.5 - 0.5 * level,
                                            leading=12.5, leftIndent=14 * level, firstLineIndent=0,
                                            fontName=f"{FONT}-Bold" if level == 0 else FONT)
    return out


def esc(text):
    """Text for a paragraph: each character the body font lacks written as its code, then XML-escaped."""
    from xml.sax.saxutils import escape

    register_fonts()
    return escape(legible(text, FONT))


class Document:
    """Collects flowables, then builds the PDF (several passes when it has a contents table)."""

    def __init__(self, title, author, subject):
        self.title, self.author, self.subject = title, author, subject
        self.story = []
        self.s = styles()
        self.has_contents = False
        self.levels_shift = 1  # headings start at outline level 1 unless a case title is level 0
        self._keys = 0

    # --- primitives: each returns its flowable; `add` appends ------------------------------

    def add(self, *flowables):
        self.story.extend(flowables)
        return flowables[-1] if flowables else None

    def para(self, text, style="Body", raw=False):
        from reportlab.platypus import Paragraph

        return Paragraph(text if raw else esc(text), self.s[style])

    def p(self, text, style="Body", raw=False):
        return self.add(self.para(text, style, raw))

    def heading(self, text, style="Heading1", outline=None):
        """A heading that is also an outline entry and a contents line (outline: its text there)."""
        from reportlab.platypus import Paragraph

        self._keys += 1
        para = Paragraph(esc(text), self.s[style])
        if style in HEADINGS:
            para.report_outline = (outline or text, HEADINGS[style], f"h{self._keys}")
        return para

    def cell(self, text, colour=None, bold=False, mono=False):
        text = esc(text)
        if bold:
            text = f"<b>{text}</b>"
        if colour:
            text = f'<font color="{colour}">{text}</font>'
        return self.para(text, "Mono" if mono else "Cell", raw=True)

    def table(self, rows, widths_cm, colours=None, header=True, bold_first_column=False):
        """A table of wrapped text cells; colours: {(row, col): hex} for the text (bold)."""
        from reportlab.lib import colors
        from reportlab.lib.units import cm
        from reportlab.platypus import Table, TableStyle

        cells = []
        for r, row in enumerate(rows):
            cells.append([c if not isinstance(c, (str, int, float)) else
                          self.cell(c, (colours or {}).get((r, k)),
                                    bold=(header and r == 0) or (colours or {}).get((r, k)) is not None
                                    or (bold_first_column and k == 0))
                          for k, c in enumerate(row)])
        table = Table(cells, colWidths=[w * cm for w in widths_cm], repeatRows=1 if header else 0)
        style = [("FONTNAME", (0, 0), (-1, -1), FONT),  # the cell font is set even around a Paragraph
                 ("GRID", (0, 0), (-1, -1), 0.25, colors.HexColor("#9a9a9a")),
                 ("VALIGN", (0, 0), (-1, -1), "TOP"),
                 ("TOPPADDING", (0, 0), (-1, -1), 2), ("BOTTOMPADDING", (0, 0), (-1, -1), 3),
                 ("LEFTPADDING", (0, 0), (-1, -1), 3), ("RIGHTPADDING", (0, 0), (-1, -1), 3)]
        if header:
            style.append(("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#e6e6e6")))
        table.setStyle(TableStyle(style))
        return table

    def image(self, figure, width_cm):
        """A figure width_cm wide: a vector.Picture (engine/report/figures.py), or PNG bytes."""
        from reportlab.lib.units import cm
        from reportlab.lib.utils import ImageReader
        from reportlab.platypus import Image

        if isinstance(figure, vector.Picture):
            return vector.flowable(figure, width_cm * cm)
        w, h = ImageReader(io.BytesIO(figure)).getSize()
        return Image(io.BytesIO(figure), width=width_cm * cm, height=width_cm * cm * h / w)

    def space(self, height_cm=0.3):
        from reportlab.lib.units import cm
        from reportlab.platypus import Spacer

        return Spacer(1, height_cm * cm)

    def together(self, *flowables):
        """Flowables kept on one page if they fit (a table never orphaned from its heading)."""
        from reportlab.platypus import KeepTogether

        return self.add(KeepTogether([f for f in flowables if f is not None]))

    def page_break(self):
        from reportlab.platypus import PageBreak

        self.add(PageBreak())

    def contents(self, title="Contents"):
        """The table of contents (filled from the headings in the passes of build)."""
        from reportlab.platypus import TableStyle
        from reportlab.platypus.tableofcontents import TableOfContents

        toc = TableOfContents(dotsMinLevel=0, tableStyle=TableStyle([
            ("FONTNAME", (0, 0), (-1, -1), FONT), ("VALIGN", (0, 0), (-1, -1), "TOP"),
            ("LEFTPADDING", (0, 0), (-1, -1), 0), ("RIGHTPADDING", (0, 0), (-1, -1), 0),
            ("TOPPADDING", (0, 0), (-1, -1), 0), ("BOTTOMPADDING", (0, 0), (-1, -1), 0)]))
        toc.levelStyles = [self.s["TOC0"], self.s["TOC1"], self.s["TOC2"]]
        self.has_contents = True
        heading = self.para(title, "Heading1")
        heading.keepWithNext = 0  # a long contents table splits; its title stays where it is
        self.add(heading, toc)

    def start_case(self, meta):
        """A case's part: a new page whose footer (and the following) names this case."""
        from reportlab.platypus import PageBreak

        if self.story:
            self.add(PageBreak())
        self.add(_case_marker_class()(meta))

    # --- build -----------------------------------------------------------------------------

    def build(self, out_path):
        """Writes the PDF atomically; returns the number of pages."""
        from reportlab.lib.pagesizes import A4
        from reportlab.lib.units import cm
        from reportlab.platypus import Frame, PageTemplate

        out_path = os.path.abspath(out_path)
        os.makedirs(os.path.dirname(out_path), exist_ok=True)
        tmp = f"{out_path}.tmp{os.getpid()}"
        doc = _template_class()(tmp, pagesize=A4, title=self.title, author=self.author, subject=self.subject,
                                creator="GAN forensics workstation", producer="GAN forensics workstation (reportlab)",
                                leftMargin=1.6 * cm, rightMargin=1.6 * cm, topMargin=1.5 * cm, bottomMargin=1.8 * cm)
        doc.levels_shift = self.levels_shift
        frame = Frame(doc.leftMargin, doc.bottomMargin, doc.width, doc.height, id="body")
        doc.addPageTemplates([PageTemplate(id="page", frames=[frame], onPageEnd=_footer)])
        written = f"{tmp}.pdfa"
        try:
            if self.has_contents:
                doc.multiBuild(self.story, canvasmaker=_numbered_canvas_class())
            else:
                doc.build(self.story, canvasmaker=_numbered_canvas_class())
            pdfa.convert(tmp, written)
            os.replace(written, out_path)
        finally:
            for path in (tmp, written):
                if os.path.exists(path):
                    os.remove(path)
        return doc.page


def _footer(canvas, doc):
    """The case on the left; the page number is added when the page count is known."""
    from reportlab.lib.units import cm

    meta = getattr(doc, "case_meta", {})
    canvas.saveState()
    canvas.setFont(FONT, SMALL_SIZE)
    canvas.setFillColorRGB(0.3, 0.3, 0.3)
    text = f"Case {meta.get('case_id', '')} - {meta.get('name', '')}" if meta else doc.title
    canvas.drawString(doc.leftMargin, 1.0 * cm, legible(text, FONT))
    canvas.restoreState()


@functools.lru_cache(maxsize=None)
def _numbered_canvas_class():
    from reportlab.lib.units import cm
    from reportlab.pdfgen.canvas import Canvas

    class NumberedCanvas(Canvas):
        """Holds every page until the end, then stamps 'page N of M' on each."""

        def __init__(self, *args, **kwargs):
            kwargs["initialFontName"] = FONT  # else Helvetica, a font the PDF would not embed
            super().__init__(*args, **kwargs)
            self._pages = []

        def showPage(self):
            self._pages.append(dict(self.__dict__))
            self._startPage()

        def save(self):
            total = len(self._pages)
            for state in self._pages:
                self.__dict__.update(state)
                self.setFont(FONT, SMALL_SIZE)
                self.setFillColorRGB(0.3, 0.3, 0.3)
                self.drawRightString(self._pagesize[0] - 1.6 * cm, 1.0 * cm, f"page {self._pageNumber} of {total}")
                super().showPage()
            super().save()

    return NumberedCanvas


@functools.lru_cache(maxsize=None)
def _template_class():
    from reportlab.platypus import BaseDocTemplate

    class Template(BaseDocTemplate):
        """Turns headings into outline entries and contents lines."""

        def beforeDocument(self):
            self.case_meta = {}  # each pass of a multi-pass build starts before any case
        def afterFlowable(self, flowable):
            outline = getattr(flowable, "report_outline", None)
            if not outline:
                return
            text, level, key = outline
            level = max(0, level - self.levels_shift)
            self.canv.bookmarkPage(key)
            self.canv.addOutlineEntry(text, key, level=level, closed=level >= 1)
            self.notify("TOCEntry", (level, esc(text), self.page, key))  # the contents line is markup

    return Template


@functools.lru_cache(maxsize=None)
def _case_marker_class():
    from reportlab.platypus import Flowable

    class CaseMarker(Flowable):
        """Invisible; tells the page footer which case the following pages belong to."""

        def __init__(self, meta):
            super().__init__()
            self.meta = meta
            self.width = self.height = 0

        def draw(self):
            self.canv._doctemplate.case_meta = self.meta

    return CaseMarker
