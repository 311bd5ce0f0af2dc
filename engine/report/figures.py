"""The report's figures: matplotlib drawings recorded as PDF vector graphics (vector.py).

Axes carry units (Hz and seconds with a dB colour bar for mel spectrograms, pitch names
and quarter notes for piano rolls), legends sit outside the data in 7.5 pt or larger,
histograms say what they count. Lines, bars, notes and text are vectors in the report's
embedded fonts; the pixels of an image or a spectrogram stay raster, at 200 dpi.
"""
import numpy as np

from engine.report.pdf import FONT, RED, register_fonts
from engine.report.vector import picture

FONT_PT = 8
LEGEND_PT = 7.5
NOTE_NAMES = ("C", "C#", "D", "D#", "E", "F", "F#", "G", "G#", "A", "A#", "B")
BLUE, DARK = "#1f4e9c", "#333333"


def vector(draw, size):
    """The figure drawn by draw(fig), as a vector.Picture; size in inches."""
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    register_fonts()  # the figure's text is set in the report's fonts
    fig = Figure(figsize=size, dpi=72)  # one display unit = one point
    FigureCanvasAgg(fig)  # text extents for the layout
    with _rc():
        draw(fig)
        fig.tight_layout(pad=0.4)
        return picture(fig, FONT)


def _rc():
    import matplotlib

    return matplotlib.rc_context({"font.size": FONT_PT, "axes.titlesize": FONT_PT + 0.5, "axes.labelsize": FONT_PT,
                                  "xtick.labelsize": FONT_PT - 0.5, "ytick.labelsize": FONT_PT - 0.5,
                                  "legend.fontsize": LEGEND_PT, "font.family": "DejaVu Sans"})


def pitch_name(midi_number):
    return f"{NOTE_NAMES[midi_number % 12]}{midi_number // 12 - 1}"


def sample_figure(samples, drawing, violations=None):
    """The first patch of a file drawn as its modality's `figure` (engine/modality.py): an
    image ("pixels"), a mel "spectrogram" or a "piano roll".

    violations: time steps of the piano roll where a chroma transition the reference never
    makes starts (marked above the notes, not over them)."""
    patch = samples[0]
    draw, size = {"pixels": (lambda fig: _image(fig, patch), (2.4, 2.4)),
                  "spectrogram": (lambda fig: _spectrogram(fig, patch[0]), (6.6, 2.6)),
                  "piano roll": (lambda fig: _piano_roll(fig, patch[0], violations), (6.6, 2.8))}[drawing]
    return vector(draw, size)


def _image(fig, patch):
    ax = fig.add_subplot(1, 1, 1)
    shown = np.moveaxis(patch, 0, -1) if patch.shape[0] == 3 else patch[0]
    ax.imshow(shown, cmap="gray", vmin=0, vmax=1, interpolation="nearest")
    ax.set_xlabel("x (pixels)")
    ax.set_ylabel("y (pixels)")


def _spectrogram(fig, mel):
    """The compressed mel map back in dB: v = log(1 + 1000 M) / 14, so M = (e^{14 v} - 1) / 1000."""
    from engine.data import representations as rep

    power = np.expm1(mel.astype(np.float64) * rep.MEL_SCALE) / rep.COMPRESSION
    db = 10 * np.log10(np.maximum(power, 1e-6))
    seconds = mel.shape[1] * rep.HOP / rep.SPEECH_RATE
    edges = rep.mel_to_hz(np.linspace(rep.hz_to_mel(0.0), rep.hz_to_mel(rep.SPEECH_RATE / 2), rep.N_MELS + 2))
    centres = edges[1:-1]
    ax = fig.add_subplot(1, 1, 1)
    image = ax.imshow(db, origin="lower", aspect="auto", cmap="magma", extent=(0, seconds, -0.5, rep.N_MELS - 0.5),
                      vmin=-60, vmax=max(0.0, float(db.max())))
    ticks = [k for k in range(0, rep.N_MELS, 8)] + [rep.N_MELS - 1]
    ax.set_yticks(ticks, [f"{centres[k]:,.0f}" for k in ticks])
    ax.set_ylabel("frequency (Hz, mel-spaced)")
    ax.set_xlabel("time (s)")
    bar = fig.colorbar(image, ax=ax, pad=0.015)
    bar.solids.set_edgecolor("face")  # as vectors, cells edged in their own colour show no seams
    bar.set_label("mel power (dB)")


def _piano_roll(fig, roll, violations):
    ax = fig.add_subplot(1, 1, 1)
    on = roll > 0
    steps = roll.shape[1]
    for pitch in np.flatnonzero(on.any(axis=1)):
        row = np.concatenate([[False], on[pitch], [False]]).astype(np.int8)
        starts, ends = np.flatnonzero(np.diff(row) == 1), np.flatnonzero(np.diff(row) == -1)
        ax.broken_barh([(s / 4, (e - s) / 4) for s, e in zip(starts, ends)], (pitch - 0.4, 0.8),
                       facecolors=DARK, edgecolors="white", linewidth=0.3)
    used = np.flatnonzero(on.any(axis=1))
    lo, hi = (int(used[0]) - 2, int(used[-1]) + 3) if used.size else (55, 80)
    marks = [] if violations is None else list(violations)
    if marks:
        ax.plot([t / 4 + 0.25 for t in marks], [hi + 0.5] * len(marks), "v", color=RED, markersize=4, clip_on=False,
                label=f"{len(marks)} chord changes the reference never makes (at the step after the mark)")
        ax.legend(loc="lower left", bbox_to_anchor=(0, 1.02), frameon=False, borderaxespad=0)
    ax.set_ylim(lo, hi + 1)
    ax.set_xlim(0, steps / 4)
    ticks = [p for p in range(lo, hi + 1) if p % 12 in ((0, 7) if hi - lo <= 36 else (0,))]  # C (and G)
    ax.set_yticks(ticks, [pitch_name(p) for p in ticks])
    ax.set_ylabel("pitch")
    ax.set_xlabel("time (quarter notes)")
    ax.grid(axis="y", color="#dddddd", linewidth=0.5)
    ax.set_axisbelow(True)


def intensity_figure(reference_hist, suspects):
    """Reference intensity histogram against all evidence values, on [0,1], log shares."""
    bins = len(reference_hist)
    edges = np.linspace(0, 1, bins + 1)
    ref = reference_hist / max(1, reference_hist.sum())
    sus = np.histogram(suspects, bins=edges)[0] if suspects.size else np.zeros(bins)
    sus = sus / max(1, sus.sum())

    def draw(fig):
        ax = fig.add_subplot(1, 1, 1)
        ax.stairs(ref, edges, label="reference", color=DARK)
        ax.stairs(sus, edges, label="evidence", color=RED)
        ax.set_yscale("log")
        ax.set_xlabel("intensity (0 = black / silent, 1 = white / loudest)")
        ax.set_ylabel("share of values (log scale)")
        ax.legend(loc="upper left", bbox_to_anchor=(1.01, 1), frameon=False, borderaxespad=0)

    return vector(draw, (6.6, 2.5))


def calibration_figure(name, reference_scores, threshold, tail_alpha, evidence_scores):
    """The scores of one detector's real calibration files, its threshold and the evidence."""

    def draw(fig):
        ax = fig.add_subplot(1, 1, 1)
        finite = [s for s in evidence_scores if np.isfinite(s)]
        lo = min(reference_scores.min(), min(finite, default=reference_scores.min()))
        hi = max(reference_scores.max(), threshold if np.isfinite(threshold) else -np.inf,
                 max(finite, default=reference_scores.max()))
        bins = np.linspace(lo, hi if hi > lo else lo + 1, 40)
        ax.hist(reference_scores, bins=bins, color="#9a9a9a", label="real calibration files")
        if np.isfinite(threshold):
            ax.axvline(threshold, color=RED, ls="--", label=f"threshold (tail probability {tail_alpha:.2g})")
        for k, s in enumerate(finite):
            ax.axvline(s, color=BLUE, alpha=0.55, lw=1, label="evidence files" if k == 0 else None)
        note = "" if np.isfinite(threshold) else " (no threshold: cannot decide alone at this rate)"
        ax.set_title(f"{name}{note}", loc="left")
        ax.set_xlabel("detector score (higher = less like the reference)")
        ax.set_ylabel("number of files")
        ax.legend(loc="upper left", bbox_to_anchor=(1.01, 1), frameon=False, borderaxespad=0)

    return vector(draw, (6.6, 2.2))
