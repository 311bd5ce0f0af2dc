"""Text a report font can draw: a character it has no glyph for is written as its code.

DejaVu Sans, the embedded font, has no CJK ideographs (among others): a file or case name in Chinese
would show as empty boxes, which no one can match to the file, and PDF/A forbids glyphs a font lacks.
"""
import functools


@functools.lru_cache(maxsize=None)
def drawable(font):
    """The code points the registered reportlab font `font` has glyphs for."""
    from reportlab.pdfbase import pdfmetrics

    return frozenset(pdfmetrics.getFont(font).face.charToGlyph)


def legible(text, font):
    """`text` with each character `font` cannot draw written as its code (\\u6f22, \\U0002a6a5)."""
    glyphs = drawable(font)
    return "".join(char if ord(char) in glyphs or char in "\n\t" else
                   (f"\\u{ord(char):04x}" if ord(char) <= 0xFFFF else f"\\U{ord(char):08x}") for char in str(text))
