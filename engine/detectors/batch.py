"""The samples a detector reads: the files under examination (`Batch`), or the reference being
profiled (`Reference`); features computed once, on demand. Their waveforms (`Recordings`) keep what
detectors derive from each recording, so that several detectors reading it derive it once."""
import numpy as np

from engine.detectors import calibration, statistical


class Recordings(tuple):
    """Waveforms at the speech rate (None for a file without one) and, per recording, what detectors derive
    from it (`derived`): computed the first time one asks (a score, a reason, a calibration), kept while
    these Recordings live (a batch's, a reference's), never shared with other Recordings."""

    def __new__(cls, recordings=()):
        self = super().__new__(cls, recordings)
        self._derived = {}
        return self

    @classmethod
    def of(cls, recordings):
        """`recordings` itself when they are Recordings, else Recordings of them (derived for this call only)."""
        return recordings if isinstance(recordings, cls) else cls(recordings)

    def derived(self, k, function, *args):
        """function(these Recordings, k, *args), computed once per recording, function and args (hashable);
        it may read what others derive from recording k."""
        key = (function, args, k)
        if key not in self._derived:
            self._derived[key] = function(self, k, *args)
        return self._derived[key]


class Batch:
    """The samples of the files under examination; features computed once, on demand."""

    def __init__(self, x, groups, features=None, audio=None, native=None):
        self.x, self.groups = x, groups
        self.n_files = int(groups.max()) + 1 if groups.size else 0
        self._features, self._texture = features, {}
        self.audio = audio  # per file, its waveform at the speech rate or None
        # per file, its 16-bit samples as written at its own rate (SampleSet.native_audio: a NativeAudio) or None
        self.native = list(native) if native is not None else [None] * self.n_files
        self.reading = None  # the same files read otherwise (a Batch; engine/detectors/time_scale.py), or None
        self.choir = [None] * self.n_files  # per file, its choir's parts read apart (engine/data/choir_parts.py) or None
        self._recordings = Recordings(audio if audio is not None else [None] * self.n_files)
        self._once = {}

    def recordings(self):
        """Per file, its waveform at the speech rate, or None (no waveform: mel patches from a .npy): the same
        Recordings at every call, so what detectors derive from a recording is derived once per batch."""
        return self._recordings

    @property
    def features(self):
        if self._features is None:
            self._features = statistical.feature_matrix(self.x)[0]
        return self._features

    def texture(self, version):
        if version not in self._texture:
            self._texture[version] = statistical.texture_features(self.x, version)
        return self._texture[version]

    def once(self, key, compute):
        """compute(), kept under `key` (hashable: a detector and what it reads) while this batch lives: what a
        detector derives from the whole batch, which the verdict asks again for each file's reason."""
        if key not in self._once:
            self._once[key] = compute()
        return self._once[key]

    def file_mean(self, per_sample):
        return calibration.group_mean(per_sample, self.groups)

    def file_features(self, g):
        return self.features[self.groups == g]


class Reference(Batch):
    """The reference a profile is built from (engine/detectors/profile.py): its samples (speech
    at one loudness) as a Batch, with the SampleSet's modality and grid (`levels`, 0 when
    continuous) and, read through, the SampleSet's other fields (`items`, `meta`, `shape`, ...).
    `kept_recordings`: the waveforms of the reference recordings the profile keeps (`ref_audio`,
    engine/detectors/profile.py; Recordings, empty when it keeps none), for detectors that read waveforms.
    `resampled()`: its figures resampled as real images often are on the way, for image detectors
    that calibrate on them too (engine/detectors/resampling.py)."""

    def __init__(self, samples, groups, features=None, kept_recordings=()):
        super().__init__(samples.x, groups, features)
        self.kept_recordings = Recordings(kept_recordings)
        self.samples = samples
        self.modality, self.levels = samples.modality, int(samples.levels or 0)
        self._resampled = None

    def resampled(self):
        """A Batch of the reference's samples through each of resampling.RESAMPLINGS, each copy of a
        file a file of its own (kind k of file g is file k * n_files + g); made once, on demand."""
        if self._resampled is None:
            from engine.detectors import resampling

            x, kinds = resampling.resampled_copies(self.x, self.levels)
            groups = kinds * self.n_files + np.tile(self.groups, len(resampling.RESAMPLINGS))
            self._resampled = Batch(x, groups)
        return self._resampled

    def __getattr__(self, attr):  # only for what the Batch does not have
        if attr == "samples":
            raise AttributeError(attr)
        return getattr(self.samples, attr)
