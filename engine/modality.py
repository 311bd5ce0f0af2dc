"""What differs between the modalities, declared once: one frozen `Modality` per modality.

Every sample is a 2-D intensity map (DESIGN.md, "One idea"), so most of the engine never
asks which modality it holds. Where the answer matters (which detectors apply, which
analyses run, how a generated sample is written to a file, how the report draws a
sample, what the demo trains on), the code reads a field of `modality(name)` instead of
testing the name. The window's display of each modality is `gui/modality_display.py`;
the detectors declare the modalities they apply to themselves (engine/detectors/).

Pure data and small writers: importing this module loads nothing heavy.
"""
from collections.abc import Callable
from dataclasses import dataclass

from engine.errors import InputError


@dataclass(frozen=True)
class NamedSources:
    """Sources read from file names (leave-one-source-out in `case validate`)."""

    word: str  # what one source is: "speaker"
    pattern: str  # a regular expression on a file's base name, its group "source" the source's name
    how: str  # how the self-test's report says the sources were formed


@dataclass(frozen=True)
class Demo:
    """What `main.py demo` runs for the modality (engine/demo.py)."""

    corpus: str  # the built-in corpus of the case reference and the held-out real files
    gan_steps: int  # training steps of the demo's GAN (the quick demo takes QUICK's)
    inverse: bool  # an inverse model (sample -> latent) is trained and registered too


@dataclass(frozen=True)
class Modality:
    name: str
    # Samples whose values are measurements (pixels, mel energies): the per-sample features,
    # the checkerboard and the generators' pooled logistic regression describe them. A piano
    # roll is a set of notes, whose "intensity histogram" is its note density and whose
    # "spectral centroid" is its register: traits that differ legitimately between pieces,
    # so music is judged by its notes (grid, chroma, durations) and the classifiers instead.
    continuous: bool
    # Maps are piano rolls of notes: chord transitions and note durations are counted.
    notes: bool
    file_kind: str  # what the reference's files are called in the self-test: "images", "recordings"
    suffix: str  # the file name ending of one generated sample (`generate` into a folder)
    write: Callable  # write(path, sample): one (channels, rows, columns) sample in [0,1] as that file
    figure: str  # the report's drawing of a sample (engine/report/figures.py): "pixels", "spectrogram", "piano roll"
    figure_width_cm: float  # that drawing's width on the report's page
    named_sources: NamedSources | None  # sources readable from file names, if any
    demo: Demo
    # The generator zoo (engine/zoo/): the axis its autoregressive family generates along, one
    # line after another ("rows" of an image; "columns", frames in time, of a spectrogram or a
    # piano roll), and the clean-up a forger applies to its output (engine/zoo/cleanup.py CLEANUPS).
    sequence_axis: str
    cleanup: str
    # A sample of another size than the reference's is read as padding or an enlargement (engine/data/picture_size.py):
    # pictures; a recording or a piece is cut into patches of the reference's size.
    sizes_read: bool


def _write_png(path, sample):
    from engine.data.writers import write_png

    write_png(path, sample)  # 8-bit grey or RGB


def _write_npy(path, sample):
    from engine.data.writers import write_npy

    write_npy(path, sample[None])  # mel maps stay float arrays: one (1, c, rows, columns) array per file


def _write_midi(path, sample):
    from engine.data.writers import write_midi

    write_midi(path, sample[0])


FSDD_SPEAKERS = NamedSources(
    "speaker", r"^\d+_(?P<source>[^_]+)_\d+\.\w+$",
    "speakers, read from FSDD-style file names {digit}_{speaker}_{index}")

MODALITY_TABLE = (
    Modality("image", continuous=True, notes=False, file_kind="images", suffix=".png",
             write=_write_png, figure="pixels", figure_width_cm=6.0, named_sources=None,
             demo=Demo("mnist", gan_steps=100, inverse=True), sequence_axis="rows", cleanup="pixel levels",
             sizes_read=True),
    Modality("speech", continuous=True, notes=False, file_kind="recordings", suffix=".npy",
             write=_write_npy, figure="spectrogram", figure_width_cm=17.0, named_sources=FSDD_SPEAKERS,
             demo=Demo("fsdd", gan_steps=40, inverse=False), sequence_axis="columns", cleanup="noise gate",
             sizes_read=False),
    Modality("music", continuous=False, notes=True, file_kind="pieces", suffix=".mid",
             write=_write_midi, figure="piano roll", figure_width_cm=17.0, named_sources=None,
             demo=Demo("bach", gan_steps=15, inverse=False), sequence_axis="columns", cleanup="note grid",
             sizes_read=False),
)
BY_NAME = {m.name: m for m in MODALITY_TABLE}
MODALITIES = tuple(BY_NAME)
CONTINUOUS_MODALITIES = tuple(m.name for m in MODALITY_TABLE if m.continuous)


def modality(name, source="modality"):
    """The Modality called `name`; InputError naming `source` (where the name was read) if none is."""
    try:
        return BY_NAME[str(name)]
    except KeyError:
        raise InputError(source, f"unknown modality {str(name)!r} (one of {', '.join(MODALITIES)})") from None
