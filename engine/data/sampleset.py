"""The one data model every modality is turned into (DESIGN.md, "One idea").

A `SampleSet` holds n intensity maps in [0,1] as a float32 array of shape
(n, channels, rows, columns): an image as it is, speech as mel-spectrogram patches
(64 mel bands × frames), music as piano-roll patches (128 pitches × time steps).
"""
from dataclasses import dataclass, field, replace

import numpy as np

from engine.modality import MODALITIES


@dataclass(frozen=True)
class NativeAudio:
    """A recording's 16-bit samples as written, at its own rate."""
    rate: int
    samples: np.ndarray  # int16
    bandwidth_hz: int  # its channel's effective bandwidth (engine/data/channels.py), read at that rate


@dataclass
class SampleSet:
    name: str
    modality: str  # one of MODALITIES
    x: np.ndarray  # float32, (n, channels, rows, columns), values in [0, 1]
    # The intensity grid the values lie on, when they are discrete: 255 for 8-bit
    # images (values k/255), 65535 for 16-bit, 1 for boolean rolls; None when continuous.
    # Lets statistics count instead of sort.
    levels: int | None = None
    # Per sample: where it came from ("path" or "path#patch3" or "spec[index]").
    items: list = field(default_factory=list)
    # Per source file: {"path", "sha256", "size"}; empty for built-in arrays and baselines.
    files: list = field(default_factory=list)
    # Files that could not be used: [{"path", "reason"}].
    rejected: list = field(default_factory=list)
    # How the maps were made: bit depth, mel parameters and scaling, piano-roll step, ...
    meta: dict = field(default_factory=dict)
    # Optional per-sample integer labels (MNIST/digits classes, speaker ids), or None.
    labels: np.ndarray | None = None
    # A recording read from one file: its mono waveform at representations.SPEECH_RATE (for
    # detectors that read the waveform, engine/detectors/noise_floor.py); None otherwise.
    audio: np.ndarray | None = None
    # A 16-bit PCM recording written above the speech rate, no codec read in its samples: its samples as written
    # (NativeAudio), for the detectors that read exact values or sample positions at the file's own rate
    # (engine/detectors/lpc_lattice.py, pulse_grid.py); None otherwise.
    native_audio: "NativeAudio | None" = None
    # Other readings of the same file, for a verdict to choose between or join: {time scale: x}, a sequenced MIDI
    # file's notes at other multiples of its quarter notes (engine/detectors/time_scale.py); empty otherwise.
    readings: dict = field(default_factory=dict)
    # A MIDI file's choir parts read apart from its other parts (engine/data/choir_parts.py: a Choir), where it names
    # them beside others, at the scale x is read at; None otherwise.
    choir: "Choir | None" = None

    def __post_init__(self):
        if self.modality not in MODALITIES:
            raise ValueError(f"unknown modality {self.modality!r}")
        if self.x.ndim != 4:
            raise ValueError(f"SampleSet.x must be (n, c, h, w), got shape {self.x.shape}")

    @property
    def n(self):
        return int(self.x.shape[0])

    @property
    def shape(self):
        """The shape of one sample: (channels, rows, columns)."""
        return tuple(int(s) for s in self.x.shape[1:])

    def subset(self, index, name=None):
        """The samples selected by a slice or an index array (x copied; files, rejected and meta kept)."""
        x = self.x[index]
        return replace(
            self, name=name or self.name, x=x.copy() if np.may_share_memory(x, self.x) else x,
            items=list(np.asarray(self.items, dtype=object)[index]) if self.items else [],
            labels=None if self.labels is None else self.labels[index].copy(),
            files=list(self.files), rejected=list(self.rejected), meta=dict(self.meta), readings={}, choir=None,
        )
