"""Intensity maps to pixels: thumbnails and verdict badges.

Only display conversion happens here (a lookup table, a flip); every analysis
number shown in the window comes from an engine job.
"""
import numpy as np
from PySide6.QtCore import QRectF, Qt
from PySide6.QtGui import QBrush, QColor, QFont, QImage, QPainter, QPen, QPixmap

from engine import findings

BADGES = {  # verdict label -> (text, colour); the words are the report's (engine.findings)
    "generated": (findings.BADGES["generated"], QColor(200, 40, 40)),
    "real": (findings.BADGES["real"], QColor(30, 140, 60)),
    "inconclusive": (findings.BADGES["inconclusive"], QColor(150, 95, 0)),
}


def _viridis_lut():
    """A 256-entry RGB table through viridis' key colours (no matplotlib at start-up)."""
    keys = np.array([[68, 1, 84], [59, 82, 139], [33, 145, 140], [94, 201, 98], [253, 231, 37]], float)
    positions = np.linspace(0.0, 1.0, len(keys))
    ramp = np.linspace(0.0, 1.0, 256)
    return np.stack([np.interp(ramp, positions, keys[:, c]) for c in range(3)], axis=1).astype(np.uint8)


VIRIDIS = _viridis_lut()


def display_array(sample, modality):
    """(channels, rows, cols) in [0,1] -> (rows, cols, 3) uint8, low pitches/frequencies at the bottom."""
    sample = np.clip(np.nan_to_num(np.asarray(sample, dtype=np.float32)), 0.0, 1.0)
    levels = np.round(sample * 255).astype(np.uint8)
    if modality == "image":
        if levels.shape[0] == 3:
            return np.ascontiguousarray(levels.transpose(1, 2, 0))
        return np.ascontiguousarray(np.repeat(levels[0][:, :, None], 3, axis=2))
    # Spectrograms and piano rolls: row 0 is the lowest band/pitch, shown at the bottom.
    return np.ascontiguousarray(VIRIDIS[levels[0][::-1]])


def to_qimage(sample, modality):
    rgb = display_array(sample, modality)
    rows, cols, _ = rgb.shape
    return QImage(rgb.data, cols, rows, 3 * cols, QImage.Format_RGB888).copy()


def thumbnail(sample, modality, size=96):
    """A size×size pixmap of one sample (aspect kept, centred on a dark tile)."""
    image = to_qimage(sample, modality)
    scaled = image.scaled(size, size, Qt.KeepAspectRatio,
                          Qt.FastTransformation if modality == "image" else Qt.SmoothTransformation)
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
