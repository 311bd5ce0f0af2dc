"""Intensity maps to pixels: thumbnails and verdict badges.

Only display conversion happens here (each modality's pixels come from its display,
gui/modality_display.py); every analysis number shown in the window comes from an engine job.
"""
from PySide6.QtCore import QRectF, Qt
from PySide6.QtGui import QBrush, QColor, QFont, QImage, QPainter, QPen, QPixmap

from engine import findings
from gui.modality_display import display

BADGES = {  # verdict label -> (text, colour); the words are the report's (engine.findings)
    "generated": (findings.BADGES["generated"], QColor(200, 40, 40)),
    "real": (findings.BADGES["real"], QColor(30, 140, 60)),
    "inconclusive": (findings.BADGES["inconclusive"], QColor(150, 95, 0)),
}


def to_qimage(sample, modality):
    """The sample's pixels as its modality's display draws them (gui/modality_display.py)."""
    rgb = display(modality).rgb(sample)
    rows, cols, _ = rgb.shape
    return QImage(rgb.data, cols, rows, 3 * cols, QImage.Format_RGB888).copy()


def thumbnail(sample, modality, size=96):
    """A size×size pixmap of one sample (aspect kept, centred on a dark tile)."""
    image = to_qimage(sample, modality)
    scaled = image.scaled(size, size, Qt.KeepAspectRatio,
                          Qt.SmoothTransformation if display(modality).smooth_thumbnail else Qt.FastTransformation)
    tile = QPixmap(size, size)
    tile.fill(QColor(30, 30, 30))
    painter = QPainter(tile)
    painter.drawImage((size - scaled.width()) // 2, (size - scaled.height()) // 2, scaled)
    painter.end()
    return tile


def with_badge(pixmap, label):
    """A copy of `pixmap` with the verdict's badge in its top-right corner."""
    text, colour = BADGES.get(label, BADGES["inconclusive"])
    badged = QPixmap(pixmap)
    painter = QPainter(badged)
    painter.setRenderHint(QPainter.Antialiasing)
    font = QFont()
    font.setPixelSize(max(9, badged.height() // 8))
    font.setBold(True)
    painter.setFont(font)
    width = painter.fontMetrics().horizontalAdvance(text) + 8
    height = painter.fontMetrics().height() + 2
    rect = QRectF(badged.width() - width - 3, 3, width, height)
    painter.setPen(QPen(Qt.white, 1))
    painter.setBrush(QBrush(colour))
    painter.drawRoundedRect(rect, 4, 4)
    painter.drawText(rect, Qt.AlignCenter, text)
    painter.end()
    return badged
