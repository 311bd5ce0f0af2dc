"""Matplotlib figures as PDF vector graphics, drawn by reportlab.

A matplotlib renderer (the interface its PDF and SVG backends implement) whose drawing
calls become reportlab canvas calls: paths stay paths, text stays text in the report's own
embedded fonts (searchable, sharp at any zoom), and only images (the pixels of an image,
a mel spectrogram) stay raster, resampled at IMAGE_DPI as before. The calls are recorded
once when the figure is made and replayed on every pass of the report's build.

Mathtext (the "10^-1" ticks of a log axis) is drawn as glyph outlines by matplotlib itself.
"""
import collections
import functools
import os

import numpy as np

from engine.report.glyphs import legible

IMAGE_DPI = 200
CAPS = {"butt": 0, "round": 1, "projecting": 2}
JOINS = {"miter": 0, "round": 1, "bevel": 2}


class Recorder:
    """Stands in for a reportlab canvas and remembers the calls made on it."""

    def __init__(self):
        self.calls = []

    def beginPath(self):
        from reportlab.pdfgen.pathobject import PDFPathObject

        return PDFPathObject()  # a path object belongs to no canvas: it can be replayed anywhere

    def __getattr__(self, name):
        return lambda *args, **kwargs: self.calls.append((name, args, kwargs))


# a recorded figure: the canvas calls that draw it and its size in points
Picture = collections.namedtuple("Picture", "calls size_pt")


def picture(fig, font):
    """The recorded drawing of `fig` (laid out already), in points from its lower left; text in
    reportlab's registered fonts of matplotlib's font files, else in `font`."""
    recorder = Recorder()
    width, height = fig.get_size_inches() * 72.0
    fig.draw(_renderer_class()(recorder, width, height, font))
    return Picture(recorder.calls, (width, height))


def flowable(drawing, width_pt):
    """A reportlab flowable that draws a Picture scaled to width_pt."""
    return _flowable_class()(drawing, width_pt)


@functools.lru_cache(maxsize=None)
def _renderer_class():
    from matplotlib import font_manager
    from matplotlib.backend_bases import GraphicsContextBase, RendererBase
    from matplotlib.path import Path
    from PIL import Image
    from reportlab.lib.utils import ImageReader
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfgen.canvas import FILL_NON_ZERO

    class CanvasRenderer(RendererBase):
        def __init__(self, canvas, width, height, font):
            super().__init__()
            self.canvas, self.width, self.height, self.default_font = canvas, width, height, font

        # --- what matplotlib asks of a renderer (1 display unit = 1 point) ---------------

        def get_canvas_width_height(self):
            return self.width, self.height

        def points_to_pixels(self, points):
            return points

        def get_image_magnification(self):
            return IMAGE_DPI / 72.0

        def option_image_nocomposite(self):
            return True  # each image apart, as its own raster

        def flipy(self):
            return False

        def new_gc(self):
            return GraphicsContextBase()

        def get_text_width_height_descent(self, s, prop, ismath):
            width, height, descent = super().get_text_width_height_descent(s, prop, ismath)
            if not ismath:  # the width reportlab will draw (no kerning), so alignments hold
                width = pdfmetrics.stringWidth(s, self._font(prop), prop.get_size_in_points())
            return width, height, descent

        # --- drawing ----------------------------------------------------------------------

        def draw_path(self, gc, path, transform, rgbFace=None):
            fill_alpha = self._fill_alpha(gc, rgbFace)
            stroke = gc.get_linewidth() > 0 and gc.get_rgb()[3] > 0
            if not stroke and not fill_alpha:
                return
            c = self.canvas
            c.saveState()
            self._clip(gc)
            if fill_alpha:
                c.setFillColorRGB(*rgbFace[:3], alpha=fill_alpha if fill_alpha < 1 else None)
            if stroke:
                self._stroke_style(gc)
            c.drawPath(self._path(path, transform), stroke=int(stroke), fill=int(bool(fill_alpha)),
                       fillMode=FILL_NON_ZERO)
            c.restoreState()

        def draw_image(self, gc, x, y, im, transform=None):  # transform: only with option_scale_image
            c = self.canvas
            c.saveState()
            self._clip(gc)
            im = im[::-1]  # matplotlib hands the bottom row first; a picture starts at the top
            rows, cols = im.shape[:2]
            opaque = bool((im[..., 3] == 255).all())
            picture = Image.fromarray(np.ascontiguousarray(im[..., :3] if opaque else im),
                                      "RGB" if opaque else "RGBA")
            scale = 72.0 / IMAGE_DPI
            c.drawImage(ImageReader(picture), x, y, cols * scale, rows * scale, mask=None if opaque else "auto")
            c.restoreState()

        def draw_text(self, gc, x, y, s, prop, angle, ismath=False, mtext=None):
            if ismath:
                return self._draw_text_as_path(gc, x, y, s, prop, angle, ismath, mtext)
            c = self.canvas
            c.saveState()
            self._clip(gc)
            red, green, blue, alpha = gc.get_rgb()
            c.setFillColorRGB(red, green, blue, alpha=alpha if alpha < 1 else None)
            font = self._font(prop)
            c.setFont(font, prop.get_size_in_points())
            c.translate(x, y)
            if angle:
                c.rotate(angle)
            c.drawString(0, 0, legible(s, font))
            c.restoreState()

        # --- helpers ----------------------------------------------------------------------

        def _font(self, prop):
            """The registered reportlab font of matplotlib's font file (DejaVu Sans and its faces)."""
            name = os.path.splitext(os.path.basename(font_manager.findfont(prop)))[0]
            return name if name in pdfmetrics.getRegisteredFontNames() else self.default_font

        @staticmethod
        def _fill_alpha(gc, rgb_face):
            if rgb_face is None:
                return 0.0
            alpha = gc.get_alpha() if gc.get_forced_alpha() else (rgb_face[3] if len(rgb_face) > 3 else 1.0)
            return float(alpha)

        def _stroke_style(self, gc):
            c = self.canvas
            red, green, blue, alpha = gc.get_rgb()
            c.setStrokeColorRGB(red, green, blue, alpha=alpha if alpha < 1 else None)
            c.setLineWidth(gc.get_linewidth())
            c.setLineCap(CAPS.get(gc.get_capstyle(), 0))
            c.setLineJoin(JOINS.get(gc.get_joinstyle(), 0))
            offset, dashes = gc.get_dashes()
            if dashes:
                c.setDash(list(dashes), offset or 0)

        def _clip(self, gc):
            box = gc.get_clip_rectangle()
            if box is not None:
                clip = self.canvas.beginPath()
                clip.rect(box.x0, box.y0, box.width, box.height)
                self.canvas.clipPath(clip, stroke=0, fill=0)
            clip_path, clip_transform = gc.get_clip_path()
            if clip_path is not None:
                self.canvas.clipPath(self._path(clip_path, clip_transform), stroke=0, fill=0,
                                     fillMode=FILL_NON_ZERO)

        def _path(self, path, transform):
            out = self.canvas.beginPath()
            current = (0.0, 0.0)
            for points, code in path.iter_segments(transform, remove_nans=True):
                if code == Path.MOVETO:
                    out.moveTo(*points)
                elif code == Path.LINETO:
                    out.lineTo(*points)
                elif code == Path.CURVE3:  # quadratic: the cubic with the same curve
                    (qx, qy, x, y), (x0, y0) = points, current
                    out.curveTo(x0 + 2 * (qx - x0) / 3, y0 + 2 * (qy - y0) / 3,
                                x + 2 * (qx - x) / 3, y + 2 * (qy - y) / 3, x, y)
                elif code == Path.CURVE4:
                    out.curveTo(*points)
                elif code == Path.CLOSEPOLY:
                    out.close()
                    continue
                current = tuple(points[-2:])
            return out

    return CanvasRenderer


@functools.lru_cache(maxsize=None)
def _flowable_class():
    from reportlab.platypus import Flowable

    class VectorFigure(Flowable):
        """A recorded figure, drawn at the width the report gives it."""

        def __init__(self, drawing, width_pt):
            super().__init__()
            self.calls, self.scale = drawing.calls, width_pt / drawing.size_pt[0]
            self.width, self.height = width_pt, drawing.size_pt[1] * self.scale

        def wrap(self, available_width, available_height):
            return self.width, self.height

        def draw(self):
            canvas = self.canv
            canvas.saveState()
            canvas.scale(self.scale, self.scale)
            for name, args, kwargs in self.calls:
                getattr(canvas, name)(*args, **kwargs)
            canvas.restoreState()

    return VectorFigure
