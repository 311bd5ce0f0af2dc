"""Intensity maps to pixels: thumbnails and verdict badges.

Only display conversion happens here: each modality's pixels, thumbnails included, come from
its display (gui/modality_display.py) in a worker thread; every analysis number shown in the
window comes from an engine job.
"""
import functools

import numpy as np
from PySide6.QtCore import QRectF, Qt
from PySide6.QtGui import QBrush, QColor, QFont, QFontMetrics, QImage, QPainter, QPen, QPixmap

from engine import findings

BADGES = {  # verdict label -> (text, colour); the words are the report's (engine.findings)
    "generated": (findings.BADGES["generated"], QColor(200, 40, 40)),
    "real": (findings.BADGES["real"], QColor(30, 140, 60)),
    "inconclusive": (findings.BADGES["inconclusive"], QColor(150, 95, 0)),
}


def pixmap_of(rgb):
    """A QPixmap of (rows, cols, 3) uint8 pixels (thumbnail tiles come so from the worker)."""
    rgb = np.ascontiguousarray(rgb, dtype=np.uint8)
    rows, cols, _ = rgb.shape
    return QPixmap.fromImage(QImage(rgb.data, cols, rows, 3 * cols, QImage.Format_RGB888))


def with_badge(pixmap, label):
    """A copy of `pixmap` with the verdict's badge in its top-right corner."""
    badge = _badge(label, pixmap.height())
    badged = QPixmap(pixmap)
    painter = QPainter(badged)
    painter.drawImage(badged.width() - badge.width() - 3, 3, badge)
    painter.end()
    return badged


@functools.lru_cache(maxsize=None)
def _badge(label, tile_height):
    """The badge of a verdict label for tiles `tile_height` high, drawn once (text layout is
    the slow part of badging a thumbnail); a QImage, which needs no running application."""
    text, colour = BADGES.get(label, BADGES["inconclusive"])
    font = QFont()
    font.setPixelSize(max(9, tile_height // 8))
    font.setBold(True)
    metrics = QFontMetrics(font)
    badge = QImage(metrics.horizontalAdvance(text) + 8, metrics.height() + 2, QImage.Format_ARGB32_Premultiplied)
    badge.fill(Qt.transparent)
    painter = QPainter(badge)
    painter.setRenderHint(QPainter.Antialiasing)
    painter.setFont(font)
    rect = QRectF(0.5, 0.5, badge.width() - 1, badge.height() - 1)
    painter.setPen(QPen(Qt.white, 1))
    painter.setBrush(QBrush(colour))
    painter.drawRoundedRect(rect, 4, 4)
    painter.drawText(rect, Qt.AlignCenter, text)
    painter.end()
    return badge
